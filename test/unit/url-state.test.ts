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

// What a link gives is echoed in the "link could not be shown" notice (components/shell/state-notice.ts,
// one line per problem: `${param}: ${message}`): a sender's text there is cut short, and the list is too.
const chars = (s: string) => Array.from(s).length;
const seedSchema = defineSchema({ seed: integer(0, 999_999, 0), prompt: text(80, 'a red circle'), mode: oneOf(['image', 'clip'], 'image') });
const readSeed = (params: URLSearchParams) => readState(seedSchema, params, { prefix: 'c0' });

test('an echoed value is cut to about 40 characters, with an ellipsis: a 10,000-digit c0.seed makes a one-line notice', () => {
  for (const value of ['1'.repeat(10_000), `${'1'.repeat(10_000)}x`, `<b>${'x'.repeat(10_000)}</b>`, '🟥'.repeat(5_000)]) {
    const r = readSeed(new URLSearchParams([['c0.seed', value], ['c0.mode', value]]));
    assert.is(r.state.seed, 0);
    assert.is(r.state.mode, 'image');
    assert.is(r.problems.length, 2);
    for (const p of r.problems) {
      assert.ok(chars(p.message) <= 160, `${chars(p.message)} characters: ${p.message.slice(0, 80)}…`);
      assert.match(p.message, '…"', 'the cut is shown');
      assert.ok(p.given !== null && chars(p.given) <= 41 && p.given.endsWith('…'), `given: ${chars(p.given ?? '')} characters`);
      assert.ok(p.given!.startsWith(Array.from(value).slice(0, 40).join('')), 'the first 40 characters are kept');
    }
  }
  // a short value is echoed whole, as before
  const r = readSeed(new URLSearchParams('c0.seed=12ab'));
  assert.is(r.problems[0].given, '12ab');
  assert.match(r.problems[0].message, /^"12ab" is not a number; using 0$/);
});

test('a value given thousands of times: one problem, its given text cut', () => {
  const r = readSeed(new URLSearchParams(Array.from({ length: 4_000 }, (_, i) => ['c0.seed', `${i}${'9'.repeat(100)}`])));
  assert.match(r.problems[0].message, /given 4000 times; using the first/);
  assert.ok(chars(r.problems[0].given!) <= 41, `given: ${chars(r.problems[0].given!)} characters`);
  assert.ok(r.problems.length <= 11);
});

test('stray parameter names are cut too, and at most 10 problems are listed, then one line "and N more"', () => {
  const long = `c0.${'x'.repeat(10_000)}`;
  let r = readSeed(new URLSearchParams([[long, '1']]));
  assert.is(r.problems.length, 1);
  assert.ok(chars(r.problems[0].param) <= 41 && r.problems[0].param.endsWith('…'), `param: ${chars(r.problems[0].param)} characters`);
  assert.ok(r.problems[0].param.startsWith('c0.xxx'));

  r = readSeed(new URLSearchParams(Array.from({ length: 4_000 }, (_, i) => [`c0.stray${i}`, '1'])));
  assert.is(r.problems.length, 11, `${r.problems.length} problems listed`);
  assert.equal(r.problems.slice(0, 10).map((p) => p.param), Array.from({ length: 10 }, (_, i) => `c0.stray${i}`));
  assert.match(r.problems[10].message, /^and 3990 more/);
  // ten or fewer: all of them, no summary line
  r = readSeed(new URLSearchParams(Array.from({ length: 10 }, (_, i) => [`c0.stray${i}`, '1'])));
  assert.is(r.problems.length, 10);
  assert.ok(r.problems.every((p) => /unknown parameter/.test(p.message)));
  r = readSeed(new URLSearchParams(Array.from({ length: 11 }, (_, i) => [`c0.stray${i}`, '1'])));
  assert.is(r.problems.length, 11);
  assert.match(r.problems[10].message, /^and 1 more/);
  // states given in code are held to the same list length
  const v = validateState(seedSchema, Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 1])) as never);
  assert.is(v.problems.length, 11);
  assert.match(v.problems[10].message, /^and 40 more/);
});

test('reading is linear: a 100,000-character number, or 4,000 parameters, in well under 100 ms', () => {
  const cases: [string, URLSearchParams][] = [
    ['100,000 digits then x', new URLSearchParams([['c0.seed', `${'1'.repeat(100_000)}x`]])],
    ['100,000 digits', new URLSearchParams([['c0.seed', '1'.repeat(100_000)]])],
    ['1. and 100,000 digits then e', new URLSearchParams([['c0.seed', `1.${'1'.repeat(100_000)}e`]])],
    ['100,000 characters of prompt', new URLSearchParams([['c0.prompt', 'a\u0000'.repeat(50_000)]])],
    ['4,000 strays', new URLSearchParams(Array.from({ length: 4_000 }, (_, i) => [`c0.s${i}`, 'x'.repeat(100)]))],
    ['4,000 repeats of 1,000 characters', new URLSearchParams(Array.from({ length: 4_000 }, () => ['c0.prompt', 'y'.repeat(1_000)]))],
  ];
  for (const [name, params] of cases) {
    const t0 = performance.now();
    const r = readSeed(params);
    const ms = performance.now() - t0;
    assert.ok(ms < 100, `${name}: ${ms.toFixed(0)} ms`);
    assert.ok(r.problems.length <= 11 && r.problems.every((p) => chars(p.message) <= 160 && chars(p.param) <= 41), name);
  }
});

test.run();
