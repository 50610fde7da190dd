// Prompt expansion by a small, visible rule set: a short or loose prompt
// ("red ball", "two tiny boxes falling") rewritten into the Shapes World's
// caption grammar, as Sora and DALL·E 3 rewrite a user's short prompt into the
// long, detailed kind of caption they were trained on (there with a language
// model, here with rules a reader can read one by one).
//
//   expandPrompt('red ball', { seed: 3, mode: 'image' })
//   // → intent 'a red circle', expanded 'a big red circle in the top left', and the rules that fired:
//   //   synonym ball → circle; article "a"; fill size → big (seed 3); fill position → top left (seed 3)
//
// Two results: `intent` says only what the reader said, in the world's words
// (the judge can hold a sample to it); `expanded` also states every attribute
// the reader left open, drawn from `seed`, as the training captions did most
// of the time. DOM-free.
import { createRandom, type Random } from '../random';
import { captionText, parsePrompt } from '../world/caption';
import {
  COLOURS, DIRECTIONS, POSITIONS, SHAPES, SIZES, MAX_OBJECTS,
  type Colour, type Direction, type Motion, type ObjectPhrase, type Position, type Shape, type Size,
} from '../world/spec';
import { splitWords } from '../world/text';

export type ExpansionMode = 'image' | 'clip';

export type RuleKind = 'synonym' | 'phrase' | 'count' | 'drop' | 'fill' | 'fix' | 'article';

export interface FiredRule {
  kind: RuleKind;
  /** What the rule read, as the reader wrote it. */
  from: string;
  /** What it wrote, in the world's words (empty when it only dropped words). */
  to: string;
  /** Why, in a few words. */
  why: string;
}

export interface Expansion {
  input: string;
  mode: ExpansionMode;
  seed: number;
  /** What the reader said, in the world's grammar (no attribute added); '' when no object could be read. */
  intent: string;
  /** Every attribute stated: the reader's and those drawn from the seed. */
  expanded: string;
  /** The objects of `expanded`. */
  phrases: ObjectPhrase[];
  /** Each rule that fired, in order. */
  rules: FiredRule[];
}

/** A word table without a prototype: "constructor" or "__proto__" typed in a prompt are words it does not have. */
const wordTable = <T>(table: Record<string, T>): Readonly<Record<string, T>> => Object.freeze(Object.assign(Object.create(null) as Record<string, T>, table));

/** Words the world does not have, and the world's word for them. */
export const SHAPE_SYNONYMS: Readonly<Record<string, Shape>> = wordTable({
  ball: 'circle', balls: 'circle', disc: 'circle', discs: 'circle', disk: 'circle', disks: 'circle', dot: 'circle', dots: 'circle',
  round: 'circle', ring: 'circle', sphere: 'circle', orb: 'circle', bubble: 'circle', circles: 'circle', coin: 'circle',
  box: 'square', boxes: 'square', block: 'square', blocks: 'square', cube: 'square', cubes: 'square', tile: 'square', rectangle: 'square', squares: 'square', crate: 'square',
  pyramid: 'triangle', pyramids: 'triangle', wedge: 'triangle', cone: 'triangle', tent: 'triangle', triangles: 'triangle', arrow: 'triangle',
});

export const COLOUR_SYNONYMS: Readonly<Record<string, Colour>> = wordTable({
  crimson: 'red', scarlet: 'red', ruby: 'red', cherry: 'red', orange: 'red',
  lime: 'green', emerald: 'green', olive: 'green', mint: 'green',
  navy: 'blue', azure: 'blue', cobalt: 'blue', sapphire: 'blue',
  gold: 'yellow', golden: 'yellow', lemon: 'yellow', amber: 'yellow',
  violet: 'purple', magenta: 'purple', lilac: 'purple', lavender: 'purple', pink: 'purple', indigo: 'purple',
  teal: 'cyan', aqua: 'cyan', turquoise: 'cyan',
});

export const SIZE_SYNONYMS: Readonly<Record<string, Size>> = wordTable({
  large: 'big', huge: 'big', giant: 'big', massive: 'big', enormous: 'big', bigger: 'big', largest: 'big',
  tiny: 'small', little: 'small', mini: 'small', miniature: 'small', smaller: 'small', wee: 'small',
});

/** Verbs of motion: the direction that follows (or the one they mean) is a motion. */
const MOTION_VERBS = new Set(['moving', 'move', 'moves', 'going', 'goes', 'heading', 'rolling', 'rolls', 'sliding', 'slides', 'drifting', 'drifts', 'flying', 'flies', 'travelling', 'traveling', 'running', 'runs', 'gliding', 'glides', 'bouncing', 'shifting']);
/** Words that are a motion by themselves. */
const MOTION_WORDS: Readonly<Record<string, Motion>> = wordTable({
  falling: 'down', falls: 'down', dropping: 'down', drops: 'down', sinking: 'down', sinks: 'down', descending: 'down',
  rising: 'up', rises: 'up', climbing: 'up', climbs: 'up', ascending: 'up', floating: 'up',
  still: 'still', static: 'still', stationary: 'still', resting: 'still', motionless: 'still', sitting: 'still', idle: 'still', parked: 'still', frozen: 'still',
  leftward: 'left', leftwards: 'left', rightward: 'right', rightwards: 'right', upward: 'up', upwards: 'up', downward: 'down', downwards: 'down',
});
/** Position words and the world's. */
const POSITION_WORDS: Readonly<Record<string, 'top' | 'bottom' | 'left' | 'right' | 'center'>> = wordTable({
  top: 'top', upper: 'top', up: 'top', above: 'top', bottom: 'bottom', lower: 'bottom', below: 'bottom', down: 'bottom',
  left: 'left', right: 'right', center: 'center', centre: 'center', middle: 'center', centered: 'center', centred: 'center',
});
const NUMBERS: Readonly<Record<string, number>> = wordTable({ one: 1, '1': 1, single: 1, two: 2, '2': 2, pair: 2, couple: 2, both: 2, three: 3, '3': 3, several: 3, many: 3, some: 3 });
/** Words that join two objects. */
const JOINERS = new Set(['and', 'with', 'plus', 'beside', 'next', 'near', 'besides', 'alongside']);
const GLUE = new Set(['a', 'an', 'in', 'the']);
/** Words with no meaning in the world: dropped without comment beyond one rule. */
const FILLERS = new Set([
  'a', 'an', 'the', 'of', 'in', 'at', 'on', 'to', 'is', 'are', 'that', 'which', 'it', 'its', 'please', 'show', 'showing', 'me', 'make',
  'video', 'clip', 'image', 'picture', 'photo', 'frame', 'scene', 'shape', 'shapes', 'object', 'objects', 'thing', 'things', 'there',
  'corner', 'side', 'part', 'area', 'screen', 'slowly', 'quickly', 'fast', 'slow', 'towards', 'toward', 'across', 'from', 'by', 'staying', 'stays', 'stay', 'being',
  'not', 'no', 'keeps', 'keeping', 'is', 'while', 'very', 'really', 'bright', 'dark', 'light', 'colored', 'coloured', 'solid', 'filled', 'x', 'ish',
]);

interface Draft {
  shape?: Shape;
  colour?: Colour;
  size?: Size;
  position?: Position;
  motion?: Motion;
  /** The words this object was read from, for the rules' messages. */
  words: string[];
}

const quote = (ws: readonly string[]) => ws.join(' ');
const isIn = <T extends string>(list: readonly T[], w: string): w is T => (list as readonly string[]).includes(w);

/** A position from its parts: "top" + "left" → "top left"; "left" alone → "left"; "center" → "center". */
function positionOf(vertical: 'top' | 'bottom' | null, horizontal: 'left' | 'right' | null, center: boolean): Position | null {
  if (vertical && horizontal) return `${vertical} ${horizontal}` as Position;
  if (vertical) return vertical;
  if (horizontal) return horizontal;
  return center ? 'center' : null;
}

/** Grid cell index (0–8) of a position. */
const cellIndex = (p: Position) => POSITIONS.indexOf(p);

/** Rewrites a prompt into the world's grammar by rules; never throws. */
export function expandPrompt(input: string, options: { seed: number; mode: ExpansionMode }): Expansion {
  const { seed, mode } = options;
  const rules: FiredRule[] = [];
  const fire = (kind: RuleKind, from: string, to: string, why: string) => rules.push({ kind, from, to, why });
  const words = splitWords(input);
  const drafts: Draft[] = [{ words: [] }];
  let count = 0;
  let countWord = '';
  const dropped: string[] = [];
  const unknown: string[] = [];
  const cur = () => drafts[drafts.length - 1];
  /** Starts a new object when the current one already has what `field` would set. */
  const slot = (field: keyof Omit<Draft, 'words'>) => {
    if (cur()[field] !== undefined && cur().shape !== undefined) drafts.push({ words: [] });
    return cur();
  };

  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const next = words[i + 1];
    // Two-word places and motions first: "upper left", "top right", "in the middle", "not moving", "to the left".
    if (w === 'not' && (next === 'moving' || next === 'move' || next === 'moves')) {
      slot('motion').motion = 'still';
      cur().words.push(w, next);
      fire('phrase', `${w} ${next}`, 'staying still', 'the world’s words for no motion');
      i++;
      continue;
    }
    if (w === 'staying' && next === 'still') {
      slot('motion').motion = 'still';
      cur().words.push(w, next);
      i++;
      continue;
    }
    if (mode === 'clip' && isIn(DIRECTIONS, w)) {
      // In a clip, a bare direction is where the object goes.
      slot('motion').motion = w;
      cur().words.push(w);
      fire('phrase', w, `moving ${w}`, 'in a clip, a direction is a motion');
      continue;
    }
    if (MOTION_VERBS.has(w)) {
      // "moving left", "going up", "rolling to the right": the next direction word is a motion.
      let j = i + 1;
      while (j < words.length && (words[j] === 'to' || words[j] === 'the' || words[j] === 'towards' || words[j] === 'toward')) j++;
      const d = words[j] !== undefined ? (isIn(DIRECTIONS, words[j]) ? words[j] : MOTION_WORDS[words[j]]) : undefined;
      if (d && d !== 'still') {
        slot('motion').motion = d as Direction;
        const from = words.slice(i, j + 1);
        cur().words.push(...from);
        const to = `moving ${d}`;
        if (quote(from) !== to) fire('phrase', quote(from), to, mode === 'clip' ? 'a motion, in the world’s words' : 'a motion, in the world’s words (an image cannot show it: see below)');
        i = j;
        continue;
      }
      if (w !== 'moving') fire('drop', w, '', 'a motion with no direction the world knows');
      else dropped.push(w);
      continue;
    }
    if (MOTION_WORDS[w]) {
      const m = MOTION_WORDS[w];
      slot('motion').motion = m;
      cur().words.push(w);
      fire('phrase', w, m === 'still' ? 'staying still' : `moving ${m}`, 'a motion, in the world’s words');
      continue;
    }
    // A place: read a run of place words ("top left", "upper right corner", "the middle").
    if (POSITION_WORDS[w] && !(mode === 'clip' && (w === 'up' || w === 'down'))) {
      let j = i;
      let vertical: 'top' | 'bottom' | null = null, horizontal: 'left' | 'right' | null = null, center = false;
      const from: string[] = [];
      while (j < words.length && (POSITION_WORDS[words[j]] || words[j] === 'corner' || words[j] === 'side' || words[j] === 'hand')) {
        const p = POSITION_WORDS[words[j]];
        if (p === 'top' || p === 'bottom') {
          if (vertical) break;
          vertical = p;
        } else if (p === 'left' || p === 'right') {
          if (horizontal) break;
          horizontal = p;
        } else if (p === 'center') center = true;
        from.push(words[j]);
        j++;
      }
      const pos = positionOf(vertical, horizontal, center);
      if (pos) {
        slot('position').position = pos;
        cur().words.push(...from);
        const said = quote(from);
        if (said !== pos) fire('phrase', said, `in the ${pos}`, 'a place, as a cell of the 3 × 3 grid');
        i = j - 1;
        continue;
      }
    }
    if (isIn(SHAPES, w) || SHAPE_SYNONYMS[w]) {
      const shape = isIn(SHAPES, w) ? w : SHAPE_SYNONYMS[w];
      if (!isIn(SHAPES, w)) fire('synonym', w, shape, /s$/.test(w) && !/ss$/.test(w) ? 'the world’s word, one object a phrase' : 'the world’s word for that shape');
      if (cur().shape !== undefined) drafts.push({ words: [] });
      cur().shape = shape;
      cur().words.push(w);
      continue;
    }
    if (isIn(COLOURS, w) || COLOUR_SYNONYMS[w]) {
      const colour = isIn(COLOURS, w) ? w : COLOUR_SYNONYMS[w];
      if (!isIn(COLOURS, w)) fire('synonym', w, colour, 'the nearest of the world’s six colours');
      slot('colour').colour = colour;
      cur().words.push(w);
      continue;
    }
    if (isIn(SIZES, w) || SIZE_SYNONYMS[w]) {
      const size = isIn(SIZES, w) ? w : SIZE_SYNONYMS[w];
      if (!isIn(SIZES, w)) fire('synonym', w, size, 'the world has two sizes');
      slot('size').size = size;
      cur().words.push(w);
      continue;
    }
    if (NUMBERS[w] !== undefined) {
      count = NUMBERS[w];
      countWord = w;
      continue;
    }
    if (JOINERS.has(w)) {
      if (cur().shape !== undefined || cur().colour !== undefined) drafts.push({ words: [] });
      if (w !== 'and') dropped.push(w);
      continue;
    }
    if (FILLERS.has(w)) {
      // "a", "an", "in the" are the grammar's own glue: dropped here, written again where they belong.
      if (!GLUE.has(w)) dropped.push(w);
      continue;
    }
    unknown.push(w);
  }

  let objects = drafts.filter((d) => d.shape !== undefined || d.colour !== undefined || d.size !== undefined || d.position !== undefined || d.motion !== undefined);
  // A motion or a place read after its own phrase ("a ball and a box, moving left") belongs to the object before it.
  objects = objects.filter((d, k) => {
    if (k > 0 && d.shape === undefined && d.colour === undefined && d.size === undefined) {
      const prev = objects[k - 1];
      if (d.motion && !prev.motion) prev.motion = d.motion;
      if (d.position && !prev.position) prev.position = d.position;
      return false;
    }
    return true;
  });

  if (dropped.length) fire('drop', quote([...new Set(dropped)]), '', 'no meaning in the world’s grammar');
  if (unknown.length) fire('drop', quote([...new Set(unknown)]), '', 'not a word of the world: the model would read it as unknown');

  // "two balls": one phrase each.
  if (count >= 2 && objects.length === 1) {
    const copy: Draft = { ...objects[0], colour: undefined, position: undefined, words: [] };
    objects.push(copy);
    fire('count', `${countWord} ${quote(objects[0].words)}`, 'two phrases joined by “and”', 'one phrase an object');
  }
  if (count > MAX_OBJECTS || objects.length > MAX_OBJECTS) {
    fire('fix', count > MAX_OBJECTS ? countWord : `${objects.length} objects`, `${MAX_OBJECTS} objects`, `the world holds at most ${MAX_OBJECTS}`);
    objects = objects.slice(0, MAX_OBJECTS);
  }
  if (objects.length === 2 && objects[0].colour && objects[0].colour === objects[1].colour) {
    fire('fix', `two ${objects[1].colour} objects`, 'the second one’s colour left open', 'two objects never share a colour');
    objects[1].colour = undefined;
  }
  for (const o of objects) {
    if (mode === 'image' && o.motion) {
      fire('fix', o.motion === 'still' ? 'staying still' : `moving ${o.motion}`, '', 'an image has one frame: no motion to show');
      o.motion = undefined;
    }
    if (mode === 'clip' && o.position) {
      fire('fix', `in the ${o.position}`, '', 'the grammar states a place for images only; a clip states a motion');
      o.position = undefined;
    }
  }

  // What the reader said, in the world's words.
  const stated: ObjectPhrase[] = objects.filter((o) => o.shape).map((o) => clean(o));
  const shapeless = objects.filter((o) => !o.shape).length;
  let intent = stated.length && stated.length === objects.length ? captionText(stated) : '';
  if (intent && !parsePrompt(intent).ok) intent = '';

  // Fill what was left open, from the seed.
  const rng = createRandom(`expand:${seed}`);
  if (objects.length === 0) {
    objects = [{ words: [] }];
    fire('fill', '(no object)', 'one object', 'a caption names at least one object');
  }
  const articles = words.filter((w) => w === 'a' || w === 'an').length;
  if (articles < objects.length) fire('article', '', 'adds “a” before each object', 'every phrase starts with “a”');
  const phrases: ObjectPhrase[] = [];
  const usedColours = new Set(objects.map((o) => o.colour).filter(Boolean) as Colour[]);
  const usedCells: number[] = objects.map((o) => (o.position ? cellIndex(o.position) : -1)).filter((c) => c >= 0);
  objects.forEach((o, k) => {
    const which = objects.length > 1 ? ` (object ${k + 1})` : '';
    const fill = <T extends string>(field: string, value: T) => {
      const words = field === 'motion' ? (value === 'still' ? 'staying still' : `moving ${value}`) : field === 'position' ? `in the ${value}` : value;
      fire('fill', `${field}${which}`, words, `left open; drawn from seed ${seed}`);
      return value;
    };
    const shape = o.shape ?? fill('shape', rng.pick(SHAPES));
    const colour = o.colour ?? fill('colour', pickColour(rng, usedColours));
    usedColours.add(colour);
    const size = o.size ?? fill('size', rng.pick(SIZES));
    const p: ObjectPhrase = { shape, colour, size };
    if (mode === 'image') {
      p.position = o.position ?? fill('position', pickCell(rng, usedCells));
      usedCells.push(cellIndex(p.position));
    } else {
      p.motion = o.motion ?? fill('motion', pickMotion(rng));
    }
    phrases.push(p);
  });
  if (shapeless) fire('fill', `${shapeless} object${shapeless > 1 ? 's' : ''} without a shape`, '', 'the intent needs a shape; only the expansion has one');
  const expanded = captionText(phrases);
  return { input, mode, seed, intent, expanded, phrases, rules };
}

function clean(o: Draft): ObjectPhrase {
  const p: ObjectPhrase = { shape: o.shape! };
  if (o.size) p.size = o.size;
  if (o.colour) p.colour = o.colour;
  if (o.position) p.position = o.position;
  if (o.motion) p.motion = o.motion;
  return p;
}

function pickColour(rng: Random, used: Set<Colour>): Colour {
  const free = COLOURS.filter((c) => !used.has(c));
  return rng.pick(free.length ? free : COLOURS);
}

/** A grid cell for a new object: not next to (nor on) a cell in use, where one is left, so two objects have room. */
function pickCell(rng: Random, used: readonly number[]): Position {
  const far = (c: number) => used.every((u) => Math.max(Math.abs((u % 3) - (c % 3)), Math.abs(Math.floor(u / 3) - Math.floor(c / 3))) >= 2);
  const cells = POSITIONS.map((_, c) => c).filter(far);
  const free = cells.length ? cells : POSITIONS.map((_, c) => c).filter((c) => !used.includes(c));
  return POSITIONS[rng.pick(free.length ? free : POSITIONS.map((_, c) => c))];
}

function pickMotion(rng: Random): Motion {
  return rng.pick([...DIRECTIONS, 'still'] as const);
}
