// Hostile input, thousands of times: the URL-state parser (pipeline/url-state.ts,
// with every chapter's schema as the chapter exports it, and the backend switch),
// the tokenizer (pipeline/world/tokenizer.ts), the prompt parsers
// (pipeline/world parsePrompt and the judge's parseJudgePrompt) and the prompt
// expansion rules (pipeline/lessons/prompt-expansion.ts). Inputs mix HTML and script,
// unicode (emoji, combining marks, right-to-left overrides, lone surrogates,
// characters whose lower case is longer), huge strings, NaN / Infinity /
// negative / hex / exotic digits, '__proto__' and 'constructor', broken
// percent-encoding and null bytes. Checked: no exception escapes, every value
// stays in its declared range, a state written back reads back the same, and no
// object prototype is polluted. Time and size are bounded too: each readState
// (100,000-character values, 4,000 parameters) and each figure-link parse
// (components/shell/figure-link.ts, the fragment) within a few milliseconds' bound, and
// the problems a link's notice lists short (text cut) and few (ten, then "and N more").
//
// Seeded (pipeline/random.ts): FUZZ_SEED=… reproduces a run, FUZZ_ROUNDS=… runs
// more; a failure prints the seed, the round and the input.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chapterSchemas } from '../helpers/chapter-schemas';
import { createRandom, type Random } from '../../pipeline/random';
import { readState, validateState, writeState, type Schema } from '../../pipeline/url-state';
import { backendSchema, readBackend } from '../../pipeline/runtime/backend-state';
import { BACKEND_PREFERENCES } from '../../pipeline/runtime/models';
import { MAX_TOKENS, PAD_ID, START_ID, END_ID, EMPTY_ID, UNKNOWN_ID, VOCAB, tokenize } from '../../pipeline/world/tokenizer';
import { captionText, parsePrompt } from '../../pipeline/world/caption';
import { parseJudgePrompt } from '../../pipeline/world/judge';
import { MAX_PROMPT_CHARS, splitWords } from '../../pipeline/world/text';
import { COLOURS, MOTIONS, POSITIONS, SHAPES, SIZES } from '../../pipeline/world/spec';
import { expandPrompt } from '../../pipeline/lessons/prompt-expansion';
import { parseFigureLink } from '../../components/shell/figure-link';

const SEED = process.env.FUZZ_SEED ?? '8a-hostile';
const ROUNDS = Number(process.env.FUZZ_ROUNDS) || 2000;

/** Runs `check` on `rounds` inputs from `make`; a failure names the seed, the round and the input. */
function fuzz<T>(name: string, rounds: number, make: (rng: Random, round: number) => T, check: (input: T) => void) {
  const seed = `${SEED}:${name}`;
  const rng = createRandom(seed);
  for (let round = 0; round < rounds; round++) {
    const input = make(rng, round);
    try {
      check(input);
    } catch (e) {
      const shown = JSON.stringify(input, (_, v) =>
        typeof v === 'string' && v.length > 300 ? `${v.slice(0, 300)}… (${v.length} chars)`
        : (typeof v === 'number' && !Number.isFinite(v)) || typeof v === 'bigint' || typeof v === 'symbol' ? `(${typeof v}) ${String(v)}`
        : v && typeof v === 'object' && Object.getPrototypeOf(v) === null ? '(object without a prototype)'
        : v);
      throw new Error(`fuzz "${name}" failed at round ${round} (FUZZ_SEED=${JSON.stringify(SEED)} reproduces it): ${(e as Error).message}\n  input: ${shown}`);
    }
  }
}

// ---------------------------------------------------------------------------
// Hostile pieces.

const HTML = [
  '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '"><svg onload=alert(1)>', "'><iframe src=javascript:alert(1)>",
  'javascript:alert(1)', '</textarea><x-injected>', '<style>*{display:none}</style>', '{{constructor.constructor("alert(1)")()}}',
  '${alert(1)}', '<!--', ']]>', '&lt;b&gt;', '&amp;', '<a href="https://evil.example/">click</a>', '\u003cscript\u003e',
];
const PROTO = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf', '__proto__[polluted]', 'constructor.prototype.polluted'];
const NUMBERS = [
  'NaN', 'Infinity', '-Infinity', '-0', '0', '-1', '1e309', '-1e309', '5e-324', '1e-7', '9007199254740993', '0x10', '0b11', '0o7', '1_000',
  ' 5 ', '.5', '5.', '+3', '--3', '3-', '1e', 'e5', '١٢', '５', '½', '2²', '7.5.1', '1,5', '', ' ', '\t3', '3\n', 'null', 'undefined', 'true', '[]', '{}',
];
const UNICODE = [
  '👩‍👩‍👧‍👦', '🔴⬛🔺', 'e\u0301', 'ﬁ', 'ß', 'İ', 'ǅ', 'Σ', '\u202eright-to-left', '\u200b', '\u200d', '\ufeff', '\ud800', '\udc00', '\udbff\udfff',
  '\u0000', '\u0007', '\u001b[31m', '\u0085', '\u2028', '\u2029', '\r\n', '\t', '\uffff', '\ufffd', '红色的圆', 'красный круг', 'دائرة حمراء', 'Ⓡⓔⓓ', '𝐫𝐞𝐝',
];
const PERCENT = ['%', '%%', '%2', '%ZZ', '%00', '%E0%A4%A', '%C0%AF', '%uD800', '%ED%A0%80', '%FF', '%2B', '%26c0.t%3D5', '%3Cscript%3E', '+', '&', '=', '&&==', '#', '?'];
const WORDS = ['a', 'an', 'the', 'red', 'green', 'blue', 'yellow', 'purple', 'cyan', 'big', 'small', 'circle', 'square', 'triangle', 'moving', 'left', 'right', 'up', 'down', 'staying', 'still', 'in', 'top', 'bottom', 'center', 'and', 'ball', 'two', 'falling', 'with', '<pad>', '<unk>', '<start>'];
const ALL_PIECES = [HTML, PROTO, NUMBERS, UNICODE, PERCENT, WORDS];

function hostileString(rng: Random): string {
  const r = rng.uniform();
  if (r < 0.01) return rng.pick(['a ', 'red ', '<b>', '👩‍👩‍👧', '%', '\u0000', 'é', 'x']).repeat(rng.int(100_000) + 2001); // huge
  if (r < 0.08) return Array.from({ length: rng.int(60) }, () => String.fromCharCode(rng.int(0x10000))).join(''); // any UTF-16, lone surrogates too
  const n = rng.int(6) + 1;
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(rng.pick(rng.pick(ALL_PIECES)));
  return parts.join(rng.pick(['', ' ', ' ', ',', '\u00a0', '\n', '.']));
}

/** A value of any JavaScript type a caller might hand in. */
function hostileValue(rng: Random): unknown {
  switch (rng.int(12)) {
    case 0: return rng.pick([NaN, Infinity, -Infinity, -0, -1, 1e308, Number.MIN_VALUE, 2 ** 53 + 1, 0.1 + 0.2]);
    case 1: return rng.range(-1e6, 1e6);
    case 2: return null;
    case 3: return rng.pick([true, false]);
    case 4: return [hostileString(rng)];
    case 5: return JSON.parse('{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 2}}}');
    case 6: return BigInt(rng.int(1000));
    case 7: return Object.create(null);
    case 8: return { toString: () => '<script>alert(1)</script>', valueOf: () => NaN };
    case 9: return Symbol('s');
    default: return hostileString(rng);
  }
}

// ---------------------------------------------------------------------------
// Prototype pollution: nothing new on any built-in prototype, ever.

const PROTOTYPES = [Object.prototype, Array.prototype, String.prototype, Number.prototype, Function.prototype];
const before = PROTOTYPES.map((p) => Object.getOwnPropertyNames(p).sort().join(','));
function assertNoPollution() {
  PROTOTYPES.forEach((p, i) => assert.is(Object.getOwnPropertyNames(p).sort().join(','), before[i], 'a built-in prototype gained a property'));
  assert.is(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype.polluted');
}

// ---------------------------------------------------------------------------
// The chapters' schemas, as they export them, with the prefix each chapter reads them under.


function checkState(schema: Schema, state: Record<string, unknown>) {
  assert.equal(Object.keys(state).sort(), Object.keys(schema).sort(), 'exactly the schema\'s keys');
  assert.is(Object.getPrototypeOf(state), Object.prototype);
  for (const [key, f] of Object.entries(schema)) {
    const v = state[key];
    if (f.kind === 'number') {
      assert.type(v, 'number', `${key} is a number`);
      const x = v as number;
      assert.ok(Number.isFinite(x) && x >= f.min && x <= f.max, `${key} = ${x} is outside [${f.min}, ${f.max}]`);
      if (f.integer) assert.ok(Number.isInteger(x), `${key} = ${x} is not an integer`);
      assert.not.ok(Object.is(x, -0), `${key} is -0`);
    } else if (f.kind === 'enum') {
      assert.ok(typeof v === 'string' && f.values.includes(v), `${key} = ${String(v)} is not one of its values`);
    } else {
      assert.type(v, 'string', `${key} is text`);
      const s = v as string;
      assert.ok([...s].length <= f.maxLength, `${key} is ${[...s].length} characters, more than ${f.maxLength}`);
      // eslint-disable-next-line no-control-regex
      assert.not.ok(/[\u0000-\u001f\u007f-\u009f]/.test(s), `${key} holds a control character`);
    }
  }
}

// The notice a link's problems make (components/shell/state-notice.ts: one line `${param}: ${message}` each):
// what the sender wrote is cut to about 40 characters, and at most ten problems are listed, then one line.
const MAX_LISTED = 11;
const MAX_ECHO = 41;
const MAX_MESSAGE = 160;
const chars = (s: string) => Array.from(s).length;
function checkProblems(problems: { param: string; given: string | null; message: string }[]) {
  assert.ok(problems.length <= MAX_LISTED, `${problems.length} problems listed (at most ${MAX_LISTED})`);
  for (const p of problems) {
    assert.ok(chars(p.param) <= MAX_ECHO, `a parameter name of ${chars(p.param)} characters: ${p.param.slice(0, 60)}`);
    assert.ok(p.given === null || chars(p.given) <= MAX_ECHO, `a given value of ${chars(p.given ?? '')} characters`);
    assert.ok(chars(p.message) <= MAX_MESSAGE, `a message of ${chars(p.message)} characters: ${p.message.slice(0, 80)}`);
  }
}

/** A query string of this schema's parameters (and strays), with hostile names and values, as raw text. */
function hostileQuery(rng: Random, schema: Schema, prefix?: string): string {
  const keys = Object.keys(schema);
  const name = () => {
    const r = rng.uniform();
    const key = r < 0.6 ? rng.pick(keys) : r < 0.8 ? rng.pick(PROTO) : hostileString(rng).slice(0, 40);
    return prefix && rng.uniform() < 0.9 ? `${prefix}.${key}` : key;
  };
  const encode = (s: string) => (rng.chance(0.5) ? encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '?')) : s.replace(/[&#]/g, ''));
  const value = (key: string) => {
    const f = schema[key.slice(prefix && key.startsWith(`${prefix}.`) ? prefix.length + 1 : 0)];
    const r = rng.uniform();
    if (f?.kind === 'number' && r < 0.5) return rng.pick([...NUMBERS, String(f.min - 1), String(f.max + 1), String(f.min), String(f.max), String((f.min + f.max) / 2 + 0.37)]);
    if (f?.kind === 'enum' && r < 0.5) return rng.chance(0.5) ? rng.pick(f.values) : rng.pick(f.values).toUpperCase() + rng.pick(['', ' ', '\u0000']);
    return hostileString(rng);
  };
  const parts: string[] = [];
  const n = rng.int(keys.length * 2 + 2);
  for (let i = 0; i < n; i++) {
    const k = name();
    const r = rng.uniform();
    if (r < 0.05) parts.push(k); // no '='
    else if (r < 0.1) parts.push(rng.pick(PERCENT));
    else parts.push(`${encode(k)}=${r < 0.3 ? rng.pick(PERCENT) : encode(value(k))}`);
  }
  return parts.join(rng.chance(0.9) ? '&' : rng.pick(['&&', ';', '&amp;']));
}

test('URL state: every chapter\'s schema (as exported, under its prefix) and the backend switch read thousands of hostile queries without throwing, values in range, no pollution; what is written reads back the same', async () => {
  const schemas: { name: string; schema: Schema; prefix?: string }[] = await chapterSchemas();
  assert.ok(schemas.length >= 6, `found the chapters' schemas: ${schemas.map((s) => s.name).join(', ')}`);
  schemas.push({ name: 'backend', schema: backendSchema });
  const per = Math.max(200, Math.round(ROUNDS / 2));
  for (const { name, schema, prefix } of schemas) {
    fuzz(`url ${name}`, per, (rng) => hostileQuery(rng, schema, prefix), (query) => {
      // both ways a page gets its parameters: URLSearchParams on location.search, and URL's parser
      for (const params of [new URLSearchParams(query), new URL(`http://x.test/?${query}`).searchParams]) {
        const { state, problems } = readState(schema, params, { prefix });
        checkState(schema, state as Record<string, unknown>);
        for (const p of problems) assert.ok(typeof p.param === 'string' && typeof p.message === 'string' && (p.given === null || typeof p.given === 'string'));
        checkProblems(problems);
        // the repaired state, written and read again: the same state, nothing left to repair (a reload restores the figure)
        const written = writeState(schema, state, new URLSearchParams(), { prefix });
        const again = readState(schema, new URLSearchParams(written.toString()), { prefix });
        assert.equal(again.state, state, 'written state reads back the same');
        assert.equal(again.problems, [], 'a written state has nothing to repair');
      }
      assertNoPollution();
    });
  }
  fuzz('backend', ROUNDS, (rng) => hostileQuery(rng, backendSchema), (query) => {
    const { backend } = readBackend(new URLSearchParams(query));
    assert.ok(BACKEND_PREFERENCES.includes(backend));
  });
});

/** Per call, in ms: linear work meets it with a wide margin (100,000 characters or 4,000 parameters take 2-3 ms);
 * the quadratic reads it catches took 100 ms (4,000 strays) to 9.6 s (100,000 digits and a letter). A call over it
 * is timed twice more and the fastest of the three counts, so a garbage collection or a busy machine is no failure. */
const READ_BOUND_MS = 50;

/** A hostile query of any size: a 100,000-character value (digits, digits and a letter, text), thousands of parameters, or an ordinary hostile one. */
function bigHostileQuery(rng: Random, schema: Schema, prefix?: string): string {
  const keys = Object.keys(schema);
  const name = (key: string) => (prefix ? `${prefix}.${key}` : key);
  const huge = () =>
    rng.pick([
      () => '1'.repeat(100_000),
      () => `${'1'.repeat(100_000)}x`,
      () => `1.${'0'.repeat(99_997)}e`,
      () => `${'9'.repeat(50_000)}.${'9'.repeat(50_000)}e+${'9'.repeat(1_000)}`,
      () => rng.pick(['a ', '<b>', '%', '\u0000', '🟥', '-', '.']).repeat(50_000),
    ])();
  const r = rng.uniform();
  if (r < 0.1) {
    return Array.from({ length: rng.int(3) + 1 }, () => `${encodeURIComponent(name(rng.pick(keys)))}=${encodeURIComponent(huge())}`).join('&');
  }
  if (r < 0.15) return `${encodeURIComponent(name('x'.repeat(rng.int(100_000) + 1)))}=1`;
  if (r < 0.2) {
    // 4,000 parameters: strays, one key repeated, or a mix
    const mode = rng.int(3);
    return Array.from({ length: 4_000 }, (_, i) => {
      const k = mode === 0 ? name(`stray${i}`) : mode === 1 ? name(keys[0]) : rng.chance(0.5) ? name(rng.pick(keys)) : name(rng.pick(PROTO) + i);
      return `${encodeURIComponent(k)}=${rng.chance(0.1) ? 'y'.repeat(1_000) : i}`;
    }).join('&');
  }
  return hostileQuery(rng, schema, prefix);
}

test(`URL state: 10,000 hostile queries of any size (100,000-character values, 4,000 parameters) are each read in under ${READ_BOUND_MS} ms, with a short list of short problems`, async () => {
  const schemas: { name: string; schema: Schema; prefix?: string }[] = await chapterSchemas();
  schemas.push({ name: 'backend', schema: backendSchema });
  let slowest = 0;
  fuzz('url any size', Math.max(1000, ROUNDS * 5), (rng) => {
    const s = rng.pick(schemas);
    return { schema: s.name, prefix: s.prefix, query: bigHostileQuery(rng, s.schema, s.prefix) };
  }, ({ schema: schemaName, prefix, query }) => {
    const schema = schemas.find((s) => s.name === schemaName)!.schema;
    const params = new URLSearchParams(query);
    let ms = Infinity;
    let read: ReturnType<typeof readState> | undefined;
    for (let i = 0; i < 3 && ms >= READ_BOUND_MS; i++) {
      const t0 = performance.now();
      read = readState(schema, params, { prefix });
      ms = Math.min(ms, performance.now() - t0);
    }
    const { state, problems } = read!;
    slowest = Math.max(slowest, ms);
    assert.ok(ms < READ_BOUND_MS, `readState took ${ms.toFixed(0)} ms (bound ${READ_BOUND_MS} ms)`);
    checkState(schema, state as Record<string, unknown>);
    checkProblems(problems);
  });
  console.log(`      slowest readState (fastest of up to three tries): ${slowest.toFixed(1)} ms`);
});

/** Per fragment, in ms (the old quadratic expression took 67.7 s on 200,000 characters). */
const FRAGMENT_BOUND_MS = 50;

test(`figure links: 10,000 hostile fragments (up to 1,000,000 characters) each parsed in under ${FRAGMENT_BOUND_MS} ms; a link found is one the page makes`, () => {
  const CHAPTERS = ['diffusion-2d', 'forward-noising', 'denoising', 'latent-space', 'spacetime-patches', 'unet-vs-dit', 'conditioning', 'guidance', 'text-to-video'];
  let slowest = 0;
  fuzz('figure link', Math.max(1000, ROUNDS * 5), (rng) => {
    const r = rng.uniform();
    const dashes = () => '-'.repeat(rng.chance(0.5) ? rng.int(1_000_000) + 1 : rng.int(200));
    if (r < 0.2) return `#${rng.pick(CHAPTERS)}--${dashes()}${rng.pick(['!', '', ' ', '.', '%', 'é'])}`;
    if (r < 0.3) return `#${rng.pick(['a', '-', 'a-', '_', '9'])}${dashes()}${rng.pick(['!', '', '--x', '#'])}`;
    if (r < 0.4) return `#${rng.pick(['a-', '--', 'a--', '-_']).repeat(rng.int(250_000) + 1)}${rng.pick(['!', '', 'x'])}`;
    if (r < 0.6) return `#${rng.pick(CHAPTERS)}--${rng.pick(['field', 'sampling-cell', 'shape-circle', 'a'])}${rng.chance(0.3) ? hostileString(rng) : ''}`;
    return rng.chance(0.5) ? `#${hostileString(rng)}` : hostileString(rng);
  }, (hash) => {
    const t0 = performance.now();
    const link = parseFigureLink(hash);
    const ms = performance.now() - t0;
    slowest = Math.max(slowest, ms);
    assert.ok(ms < FRAGMENT_BOUND_MS, `parseFigureLink took ${ms.toFixed(1)} ms on ${hash.length} characters (bound ${FRAGMENT_BOUND_MS} ms)`);
    if (link) {
      assert.match(link.chapter, /^[\w-]+$/);
      assert.match(link.cell, /^[\w-]+$/);
      assert.is(`#${link.chapter}--${link.cell}`, hash, 'the link is the fragment, split once');
      assert.is(link.chapter.slice(1).indexOf('--'), -1, 'the chapter id ends at the first "--"');
    }
  });
  console.log(`      slowest parseFigureLink: ${slowest.toFixed(2)} ms`);
});

test('URL state in code (validateState, as a slider or "try this" applies it): any JavaScript value, hostile keys; values in range, stray keys dropped, no pollution', async () => {
  const schemas: { name: string; schema: Schema; prefix?: string }[] = await chapterSchemas();
  for (const { name, schema } of schemas) {
    fuzz(`validate ${name}`, Math.max(200, Math.round(ROUNDS / 4)), (rng) => {
      const input: Record<string, unknown> = JSON.parse('{"__proto__": {"polluted": true}}');
      for (const key of Object.keys(schema)) if (rng.chance(0.7)) input[key] = hostileValue(rng);
      if (rng.chance(0.3)) input[rng.pick(PROTO)] = hostileValue(rng);
      return input;
    }, (input) => {
      const { state } = validateState(schema, input);
      checkState(schema, state as Record<string, unknown>);
      assertNoPollution();
    });
  }
});

test('tokenizer: any input gives exactly 24 ids in the vocabulary, <start> … <end> then padding, unknown words kept visible, quickly', () => {
  fuzz('tokenize', ROUNDS, (rng) => (rng.chance(0.9) ? hostileString(rng) : hostileValue(rng)), (input) => {
    const t0 = performance.now();
    const t = tokenize(input);
    const ms = performance.now() - t0;
    assert.ok(ms < 250, `took ${ms.toFixed(0)} ms`);
    assert.ok(t.ids instanceof Int32Array && t.ids.length === MAX_TOKENS);
    assert.ok(t.ids.every((id) => Number.isInteger(id) && id >= 0 && id < VOCAB.length));
    assert.ok(t.length >= 3 && t.length <= MAX_TOKENS && t.pieces.length === t.length);
    assert.is(t.ids[0], START_ID);
    assert.is(t.ids[t.length - 1], END_ID);
    for (let i = t.length; i < MAX_TOKENS; i++) assert.is(t.ids[i], PAD_ID);
    t.pieces.forEach((p, i) => assert.is(p.id, t.ids[i]));
    const words = splitWords(input);
    if (words.length === 0) assert.equal([...t.ids.slice(0, 3)], [START_ID, EMPTY_ID, END_ID]);
    assert.equal(t.unknown, t.pieces.filter((p) => p.kind === 'unknown').map((p) => p.text));
    assert.ok(t.pieces.filter((p) => p.kind === 'unknown').every((p) => p.id === UNKNOWN_ID));
    // the 24-id limit, and the cut said in words
    assert.is(t.truncated, words.length > MAX_TOKENS - 2 || (typeof input === 'string' && input.length > MAX_PROMPT_CHARS));
    if (t.truncated) assert.match(t.notice, /cut/);
    assert.type(t.notice, 'string');
    assertNoPollution();
  });
});

test('prompt parser and the judge\'s: any input parses without throwing into phrases of the world\'s own words; a prompt it accepts is a caption that reads back the same', () => {
  const words = (ps: { shape: string; colour?: string; size?: string; position?: string; motion?: string }[]) =>
    ps.every((p) => SHAPES.includes(p.shape as never) && (p.colour === undefined || COLOURS.includes(p.colour as never)) && (p.size === undefined || SIZES.includes(p.size as never)) && (p.position === undefined || POSITIONS.includes(p.position as never)) && (p.motion === undefined || MOTIONS.includes(p.motion as never)));
  fuzz('parsePrompt', ROUNDS, (rng) => (rng.chance(0.1) ? hostileValue(rng) : rng.chance(0.5) ? Array.from({ length: rng.int(14) + 1 }, () => rng.pick(WORDS)).join(' ') : hostileString(rng)), (input) => {
    const p = parsePrompt(input);
    assert.ok(Array.isArray(p.phrases) && Array.isArray(p.problems) && Array.isArray(p.words));
    assert.ok(words(p.phrases), `phrases outside the world's words: ${JSON.stringify(p.phrases)}`);
    assert.ok(p.problems.every((s) => typeof s === 'string' && s.length < 400));
    assert.is(p.ok, p.problems.length === 0);
    if (p.ok) assert.equal(parsePrompt(captionText(p.phrases)).phrases, p.phrases);
    const j = parseJudgePrompt(input);
    assert.ok(words(j.phrases));
    assertNoPollution();
  });
  fuzz('parseJudgePrompt phrases', ROUNDS / 4, (rng) => Array.from({ length: rng.int(4) }, () => (rng.chance(0.8) ? { shape: hostileValue(rng), colour: rng.pick([...COLOURS, ...PROTO]), size: hostileValue(rng), [rng.pick(PROTO)]: 1 } : hostileValue(rng))), (input) => {
    const j = parseJudgePrompt(input);
    assert.ok(words(j.phrases));
    assert.is(j.ok, j.problems.length === 0);
    assertNoPollution();
  });
});

test('prompt expansion: any prompt, either mode, any seed gives a caption in the grammar, only the world\'s words, rules as text', () => {
  fuzz('expandPrompt', ROUNDS, (rng) => ({
    input: rng.chance(0.5) ? Array.from({ length: rng.int(10) + 1 }, () => rng.pick([...WORDS, ...PROTO, 'ball', 'boxes', 'three', 'crimson', 'tiny', 'rising', 'upper', 'not', 'moving'])).join(' ') : hostileString(rng),
    seed: rng.chance(0.8) ? rng.int(1_000_000) : (rng.pick([NaN, -1, Infinity, 1e20, 0.5]) as number),
    mode: rng.pick(['image', 'clip'] as const),
  }), ({ input, seed, mode }) => {
    const e = expandPrompt(input, { seed, mode });
    const parsed = parsePrompt(e.expanded);
    assert.ok(parsed.ok, `the expansion "${e.expanded}" is not in the grammar: ${parsed.problems.join('; ')}`);
    assert.equal(parsed.phrases, e.phrases);
    assert.ok(e.phrases.every((p) => (mode === 'image' ? p.position && !p.motion : p.motion && !p.position)));
    if (e.intent) assert.ok(parsePrompt(e.intent).ok, `intent "${e.intent}"`);
    assert.ok(e.rules.every((r) => typeof r.from === 'string' && typeof r.to === 'string' && typeof r.why === 'string'));
    assertNoPollution();
  });
});

test.run();
