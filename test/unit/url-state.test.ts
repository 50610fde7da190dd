import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  defaults,
  defineSchema,
  integer,
  number,
  oneOf,
  readState,
  sameState,
  text,
  validateState,
  writeState,
} from '../../pipeline/url-state';

const schema = defineSchema({
  t: integer(0, 999, 500),
  scale: number(0, 15, 7.5),
  schedule: oneOf(['linear', 'scaled_linear', 'squaredcos_cap_v2'], 'linear'),
  prompt: text(20, 'a red circle'),
});

const read = (query: string, prefix?: string) => readState(schema, new URLSearchParams(query), { prefix });

test('no parameters: the defaults, and no problems', () => {
  const r = read('');
  assert.equal(r.state, { t: 500, scale: 7.5, schedule: 'linear', prompt: 'a red circle' });
  assert.equal(r.problems, []);
  assert.equal(defaults(schema), r.state);
});

test('good values are read as typed values', () => {
  const r = read('t=12&scale=2.25&schedule=squaredcos_cap_v2&prompt=two+blue+squares');
  assert.equal(r.state, { t: 12, scale: 2.25, schedule: 'squaredcos_cap_v2', prompt: 'two blue squares' });
  assert.equal(r.problems, []);
  // the type follows the schema: state.schedule is the union of the three names
  const s: 'linear' | 'scaled_linear' | 'squaredcos_cap_v2' = r.state.schedule;
  assert.ok(s);
});

test('numbers: out of range is clamped, fractions rounded for integers, junk → default', () => {
  let r = read('t=5000&scale=-3');
  assert.equal([r.state.t, r.state.scale], [999, 0]);
  assert.is(r.problems.length, 2);
  assert.match(r.problems[0].message, /outside \[0, 999\]; using 999/);
  assert.is(r.problems[0].param, 't');
  assert.is(r.problems[0].given, '5000');

  r = read('t=12.6');
  assert.is(r.state.t, 13);
  assert.match(r.problems[0].message, /not a whole number/);

  for (const junk of ['abc', '', '0x10', 'Infinity', 'NaN', '1e999', '12px', '--1']) {
    r = read(`t=${encodeURIComponent(junk)}`);
    assert.is(r.state.t, 500, junk);
    assert.is(r.problems.length, 1, junk);
  }
  r = read('scale=1e1');
  assert.is(r.state.scale, 10);
  r = read('scale=-0');
  assert.ok(Object.is(r.state.scale, 0));
});

test('enums: an unknown name takes the default and is reported', () => {
  const r = read('schedule=cosine');
  assert.is(r.state.schedule, 'linear');
  assert.match(r.problems[0].message, /not one of linear, scaled_linear, squaredcos_cap_v2/);
  // names are exact: no case folding, no prototype keys
  assert.is(read('schedule=LINEAR').state.schedule, 'linear');
  assert.is(read('schedule=toString').state.schedule, 'linear');
});

test('strings: cut to max length in code points, control characters replaced', () => {
  let r = read(`prompt=${encodeURIComponent('x'.repeat(50))}`);
  assert.is(r.state.prompt, 'x'.repeat(20));
  assert.match(r.problems[0].message, /longer than 20/);
  // an emoji is two UTF-16 units but one character, and is never cut in half
  r = read(`prompt=${encodeURIComponent('🟥'.repeat(25))}`);
  assert.is(Array.from(r.state.prompt).length, 20);
  assert.not.match(r.state.prompt, /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/); // no lone surrogate
  r = read(`prompt=${encodeURIComponent('a\nb\tc')}`);
  assert.is(r.state.prompt, 'a b c');
  assert.is(r.problems.length, 1);
  // HTML is just text here; escaping is the template's job
  assert.is(read(`prompt=${encodeURIComponent('<b>hi</b>')}`).state.prompt, '<b>hi</b>');
});

test('a parameter given twice: the first wins, and it is reported', () => {
  const r = read('t=3&t=4');
  assert.is(r.state.t, 3);
  assert.match(r.problems[0].message, /given 2 times/);
});

test('prefixes keep chapters apart, and strays under a prefix are reported', () => {
  const r = read('c1.t=10&c2.t=20&t=30&c1.oops=1&c1.scale=3', 'c1');
  assert.is(r.state.t, 10);
  assert.is(r.state.scale, 3);
  assert.equal(r.problems.map((p) => p.param), ['c1.oops']);
  assert.match(r.problems[0].message, /unknown parameter/);
});

test('write leaves defaults out, keeps other parameters, and round-trips', () => {
  const base = new URLSearchParams('other=1&c1.t=7');
  const state = { ...defaults(schema), t: 250, prompt: 'a b&c=d' };
  const out = writeState(schema, state, base, { prefix: 'c1' });
  assert.is(base.toString(), 'other=1&c1.t=7'); // input untouched
  assert.is(out.get('other'), '1');
  assert.is(out.get('c1.t'), '250');
  assert.is(out.get('c1.scale'), null);
  const back = readState(schema, new URLSearchParams(out.toString()), { prefix: 'c1' });
  assert.equal(back.problems, []);
  assert.ok(sameState(schema, back.state, state));
  // a default written over an earlier value removes it
  const reset = writeState(schema, defaults(schema), out, { prefix: 'c1' });
  assert.is(reset.toString(), 'other=1');
  assert.is(writeState(schema, defaults(schema), undefined, { includeDefaults: true }).get('scale'), '7.5');
});

test('numbers round-trip exactly', () => {
  for (const x of [0.1 + 0.2, 1 / 3, 7.5, 1e-7, 14.999999999999998]) {
    const out = writeState(schema, { scale: x });
    assert.is(read(out.toString()).state.scale, x);
  }
});

test('write repairs a bad state instead of writing it', () => {
  const out = writeState(schema, { t: 1e6, schedule: 'nope' as 'linear' });
  assert.is(out.get('t'), '999');
  assert.is(out.get('schedule'), null);
});

test('validateState: same rules for states given in code', () => {
  const r = validateState(schema, { t: 3.4, scale: Number.NaN, extra: 1 } as never);
  assert.equal([r.state.t, r.state.scale, r.state.schedule], [3, 7.5, 'linear']);
  assert.equal(r.problems.map((p) => p.param), ['t', 'scale', 'extra']);
  assert.is(validateState(schema, { t: '12' }).state.t, 12);
});

test('defineSchema rejects schemas that cannot work', () => {
  assert.throws(() => defineSchema({ t: integer(0, 10, 11) }), /outside/);
  assert.throws(() => defineSchema({ t: integer(0, 10.5, 1) }), /integer bounds/);
  assert.throws(() => defineSchema({ t: number(5, 1, 2) }), /min ≤ max/);
  assert.throws(() => defineSchema({ s: oneOf(['a', 'b'], 'c' as 'a') }), /not one of/);
  assert.throws(() => defineSchema({ p: text(2, 'abc') }), /longer/);
  assert.throws(() => defineSchema({ 'a.b': text(2) }), /bad key/);
});

test.run();
