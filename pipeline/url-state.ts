// A chapter's state in the URL, so a link restores an exact figure.
// DOM-free: works on URLSearchParams in the page, a worker and Node.
//
//   const schema = defineSchema({
//     t: integer(0, 999, 500),
//     schedule: oneOf(['linear', 'scaled_linear', 'squaredcos_cap_v2'], 'linear'),
//     prompt: text(80, 'a red circle moving right'),
//     scale: number(0, 15, 7.5),
//   });
//   const { state, problems } = readState(schema, new URLSearchParams(location.search), { prefix: 'c1' });
//   // state.t is a number in [0, 999], state.schedule one of the three names …
//   writeState(schema, { ...state, t: 250 }, params, { prefix: 'c1' }); // c1.t=250 (defaults are left out)
//
// Reading never throws: a value that is missing takes the default, a bad one is
// replaced or clamped, and each repair is listed in `problems` for the page to show.
// What a link gives is the sender's text: reading is linear in its length, a value
// or name echoed in a problem is cut to ECHO_CHARS characters (then '…'), and at
// most MAX_PROBLEMS problems are listed, then one that says how many more there were.

export interface NumberField {
  kind: 'number';
  min: number;
  max: number;
  integer: boolean;
  default: number;
}

export interface EnumField<V extends string = string> {
  kind: 'enum';
  values: readonly V[];
  default: V;
}

export interface StringField {
  kind: 'string';
  maxLength: number;
  default: string;
}

export type Field = NumberField | EnumField | StringField;
export type Schema = Record<string, Field>;

export type ValueOf<F extends Field> = F extends EnumField<infer V> ? V : F extends NumberField ? number : string;
export type StateOf<S extends Schema> = { [K in keyof S]: ValueOf<S[K]> };

export interface Problem {
  /** The URL parameter's name (with its prefix), or the state key for `validateState`; cut as `given` is. */
  param: string;
  /** The value as it was given (as text, at most ECHO_CHARS characters, then '…'); null when it was missing. */
  given: string | null;
  message: string;
}

export interface Read<S extends Schema> {
  state: StateOf<S>;
  problems: Problem[];
}

export interface ParamOptions {
  /** Namespaces the parameters: prefix 'c1' reads and writes `c1.t`. */
  prefix?: string;
}

// ---------------------------------------------------------------------------
// Field builders.

/** A real number in [min, max]. */
export function number(min: number, max: number, defaultValue: number): NumberField {
  return { kind: 'number', min, max, integer: false, default: defaultValue };
}

/** An integer in [min, max]. */
export function integer(min: number, max: number, defaultValue: number): NumberField {
  return { kind: 'number', min, max, integer: true, default: defaultValue };
}

/** One of a fixed list of names. */
export function oneOf<const V extends string>(values: readonly V[], defaultValue: NoInfer<V>): EnumField<V> {
  return { kind: 'enum', values, default: defaultValue };
}

/** Free text of at most `maxLength` characters (code points). */
export function text(maxLength: number, defaultValue = ''): StringField {
  return { kind: 'string', maxLength, default: defaultValue };
}

/** Checks a schema once, where it is written: a wrong schema is a programming error and throws. */
export function defineSchema<const S extends Schema>(schema: S): S {
  for (const [key, f] of Object.entries(schema)) {
    if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(key)) throw new Error(`url-state: bad key "${key}"`);
    if (f.kind === 'number') {
      if (!(Number.isFinite(f.min) && Number.isFinite(f.max) && f.min <= f.max)) throw new Error(`url-state: ${key}: need finite min ≤ max`);
      if (f.integer && !(Number.isInteger(f.min) && Number.isInteger(f.max))) throw new Error(`url-state: ${key}: integer bounds must be integers`);
      if (!(f.default >= f.min && f.default <= f.max) || (f.integer && !Number.isInteger(f.default))) {
        throw new Error(`url-state: ${key}: default ${f.default} is outside [${f.min}, ${f.max}]`);
      }
    } else if (f.kind === 'enum') {
      if (f.values.length === 0) throw new Error(`url-state: ${key}: no values`);
      if (!f.values.includes(f.default)) throw new Error(`url-state: ${key}: default "${f.default}" is not one of the values`);
    } else {
      if (!(Number.isInteger(f.maxLength) && f.maxLength >= 0)) throw new Error(`url-state: ${key}: bad maxLength`);
      if (codePoints(f.default) > f.maxLength) throw new Error(`url-state: ${key}: default is longer than maxLength`);
    }
  }
  return schema;
}

export function defaults<S extends Schema>(schema: S): StateOf<S> {
  const state: Record<string, unknown> = {};
  for (const [key, f] of Object.entries(schema)) state[key] = f.default;
  return state as StateOf<S>;
}

// ---------------------------------------------------------------------------
// Values.

// Digits, an optional '.' and its fraction, an optional exponent. Written so that no two
// parts can take the same digits: `\d+\.?\d*` could, and backtracked quadratically
// (100,000 digits and a letter: 9.6 s).
const NUMBER_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
// C0 and C1 control characters (newlines, tabs, escapes…) have no place in a one-line prompt.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_ALL = /[\u0000-\u001f\u007f-\u009f]/g;

/** A value or a name from a link, as a problem shows it: at most this many characters (code points), then '…'. */
export const ECHO_CHARS = 40;
/** At most this many problems are listed; one more says how many were left out. */
export const MAX_PROBLEMS = 10;

// Characters that would make an echo misleading or break its line: controls, and bidirectional overrides and marks.
// eslint-disable-next-line no-control-regex
const UNSHOWN = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `s` as a problem echoes it: the first ECHO_CHARS characters (never half a surrogate pair), then '…'; controls shown as '\ufffd'. */
export function echo(s: string): string {
  // look at no more than is shown: ECHO_CHARS + 1 code points fit in 2 * (ECHO_CHARS + 1) UTF-16 units
  const head = Array.from(s.slice(0, 2 * (ECHO_CHARS + 1)));
  const cut = head.length > ECHO_CHARS || s.length > 2 * (ECHO_CHARS + 1);
  return (cut ? `${head.slice(0, ECHO_CHARS).join('')}…` : s).replace(UNSHOWN, '\ufffd');
}

/** At most MAX_PROBLEMS problems, then one line for the rest (`unlisted`: more that were only counted). */
function listed(problems: Problem[], options?: ParamOptions, unlisted = 0): Problem[] {
  if (problems.length + unlisted <= MAX_PROBLEMS) return problems;
  const more = problems.length + unlisted - MAX_PROBLEMS;
  return [
    ...problems.slice(0, MAX_PROBLEMS),
    { param: options?.prefix ? `${options.prefix}.…` : '…', given: null, message: `and ${more} more ${more === 1 ? 'problem' : 'problems'}, not listed` },
  ];
}

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Shortest text that reads back as the same number (JavaScript's own). */
const fmt = (x: number): string => String(x);

/** Any value as text for a message; never throws (an object without a prototype, or whose toString throws, has no String()). */
function textOf(raw: unknown): string {
  try {
    return String(raw);
  } catch {
    return Object.prototype.toString.call(raw);
  }
}

/** Repairs one value; `given` is what the URL or the caller supplied. */
function coerce(f: Field, raw: unknown, param: string, problems: Problem[]): string | number {
  const given = raw === undefined || raw === null ? null : echo(typeof raw === 'string' ? raw : textOf(raw));
  const problem = (message: string) => problems.push({ param, given, message });
  if (f.kind === 'number') {
    let x: number;
    if (typeof raw === 'number') x = raw;
    else if (typeof raw === 'string' && NUMBER_TEXT.test(raw.trim())) x = Number(raw.trim());
    else x = NaN;
    if (!Number.isFinite(x)) {
      problem(`"${given}" is not a number; using ${fmt(f.default)}`);
      return f.default;
    }
    if (f.integer && !Number.isInteger(x)) {
      const r = Math.round(x);
      problem(`${fmt(x)} is not a whole number; using ${r}`);
      x = r;
    }
    if (x < f.min || x > f.max) {
      const c = Math.min(f.max, Math.max(f.min, x));
      problem(`${fmt(x)} is outside [${fmt(f.min)}, ${fmt(f.max)}]; using ${fmt(c)}`);
      x = c;
    }
    return x === 0 ? 0 : x; // no -0
  }
  if (f.kind === 'enum') {
    if (typeof raw === 'string' && f.values.includes(raw)) return raw;
    problem(`"${given}" is not one of ${f.values.join(', ')}; using ${f.default}`);
    return f.default;
  }
  if (typeof raw !== 'string') {
    problem(`not text; using "${f.default}"`);
    return f.default;
  }
  let s = raw;
  if (CONTROL.test(s)) {
    s = s.replace(CONTROL_ALL, ' ');
    problem('control characters were replaced by spaces');
  }
  if (codePoints(s) > f.maxLength) {
    s = Array.from(s).slice(0, f.maxLength).join('');
    problem(`longer than ${f.maxLength} characters; cut to the first ${f.maxLength}`);
  }
  return s;
}

function paramName(key: string, options?: ParamOptions): string {
  return options?.prefix ? `${options.prefix}.${key}` : key;
}

// ---------------------------------------------------------------------------
// Reading and writing.

/** Reads a state from URL parameters: missing → default, bad → repaired and listed in `problems`. */
export function readState<S extends Schema>(schema: S, params: URLSearchParams, options?: ParamOptions): Read<S> {
  const problems: Problem[] = [];
  const state: Record<string, unknown> = {};
  for (const [key, f] of Object.entries(schema)) {
    const name = paramName(key, options);
    const all = params.getAll(name);
    if (all.length === 0) {
      state[key] = f.default;
      continue;
    }
    if (all.length > 1) problems.push({ param: name, given: echo(all.slice(0, 3).map(echo).join(', ')), message: `given ${all.length} times; using the first` });
    state[key] = coerce(f, all[0], name, problems);
  }
  if (options?.prefix) {
    // With a prefix, every parameter under it belongs to this schema: name the strays.
    // (one pass over the entries: params.get() inside it would search them all again for each name;
    // past the listed ones, strays are only counted)
    const seen = new Set<string>();
    let unlisted = 0;
    for (const [name, value] of params) {
      if (!name.startsWith(`${options.prefix}.`) || seen.has(name)) continue;
      seen.add(name);
      const key = name.slice(options.prefix.length + 1);
      if (Object.hasOwn(schema, key)) continue;
      if (problems.length > MAX_PROBLEMS) unlisted++;
      else problems.push({ param: echo(name), given: echo(value), message: 'unknown parameter; ignored' });
    }
    return { state: state as StateOf<S>, problems: listed(problems, options, unlisted) };
  }
  return { state: state as StateOf<S>, problems: listed(problems, options) };
}

/** Repairs a state given in code (a "try this" button, a slider): same rules as reading, keys not in the schema are dropped. */
export function validateState<S extends Schema>(schema: S, input: Partial<Record<keyof S, unknown>>): Read<S> {
  const problems: Problem[] = [];
  const state: Record<string, unknown> = {};
  for (const [key, f] of Object.entries(schema)) {
    const raw = (input as Record<string, unknown>)[key];
    state[key] = raw === undefined ? f.default : coerce(f, raw, key, problems);
  }
  for (const key of Object.keys(input)) {
    if (!Object.hasOwn(schema, key)) problems.push({ param: echo(key), given: null, message: 'unknown key; ignored' });
  }
  return { state: state as StateOf<S>, problems: listed(problems) };
}

export interface WriteOptions extends ParamOptions {
  /** Write values equal to their default too (default: leave them out, for short links). */
  includeDefaults?: boolean;
}

/**
 * Writes a state into URL parameters (a copy of `params`, which is left untouched) and returns them.
 * Only this schema's parameters change; a value is repaired first, as `validateState` does.
 */
export function writeState<S extends Schema>(
  schema: S,
  state: Partial<StateOf<S>>,
  params: URLSearchParams = new URLSearchParams(),
  options?: WriteOptions,
): URLSearchParams {
  const out = new URLSearchParams(params);
  const { state: clean } = validateState(schema, state as Partial<Record<keyof S, unknown>>);
  for (const [key, f] of Object.entries(schema)) {
    const name = paramName(key, options);
    const value = (clean as Record<string, string | number>)[key];
    out.delete(name);
    if (!options?.includeDefaults && value === f.default) continue;
    out.set(name, typeof value === 'number' ? fmt(value) : value);
  }
  return out;
}

/** Whether two states of one schema are equal, value by value. */
export function sameState<S extends Schema>(schema: S, a: StateOf<S>, b: StateOf<S>): boolean {
  return Object.keys(schema).every((k) => a[k as keyof S] === b[k as keyof S]);
}
