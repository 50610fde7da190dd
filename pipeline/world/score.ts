/**
 * Scores (world-spec "Scores"): GenEval's categories carried into the Shapes
 * World, plus size and two for video. A category's score is the share of its
 * samples that the judge passes; the overall score is the mean of the
 * categories. Every score comes with its number of samples and a 95 % interval.
 * DOM-free.
 */
import { captionText } from './caption';
import { judgeClip, type Verdict } from './judge';
import {
  CLIP_FRAMES, COLOURS, MOTIONS, POSITIONS, SHAPES, SIZES,
  type Colour, type ObjectPhrase, type Shape,
} from './spec';

export const CATEGORIES = [
  'single object', 'two objects', 'colour', 'position', 'colour binding', 'size', 'motion', 'temporal consistency',
] as const;
export type Category = (typeof CATEGORIES)[number];
/** Categories judged on clips (a motion is stated); the others on images. */
export const CLIP_CATEGORIES: readonly Category[] = ['motion', 'temporal consistency'];

/** What each category's prompts state (and nothing else). */
export const CATEGORY_STATES: Readonly<Record<Category, string>> = {
  'single object': 'shape',
  'two objects': 'two different shapes',
  colour: 'colour, shape',
  position: 'colour, shape, position',
  'colour binding': 'two objects, each with its colour and shape (shapes differ)',
  size: 'size, colour, shape',
  motion: 'colour, shape, direction or staying still',
  'temporal consistency': 'size, colour, shape, motion',
};

const SHAPE_PAIRS: [Shape, Shape][] = [['circle', 'square'], ['circle', 'triangle'], ['square', 'triangle']];

/**
 * The fixed prompt set of every category. Deterministic; each set covers every
 * value of every attribute it states, and every pair of values of two stated
 * attributes (colour × position, colour × motion, …) at least once:
 *  - single object: the 3 shapes, 12 times each (36);
 *  - two objects: the 6 ordered pairs of different shapes, 6 times each (36);
 *  - colour: the 18 colour × shape pairs, twice each (36);
 *  - position: the 54 colour × position pairs, shapes balanced (54);
 *  - colour binding: the 15 pairs of colours × the 3 pairs of shapes, with which
 *    colour gets which shape and which phrase comes first alternating (45);
 *  - size: every size × colour × shape (36);
 *  - motion: the 30 colour × motion pairs (15 of them twice), shapes balanced (45);
 *  - temporal consistency: every colour × motion pair at each size, shapes
 *    balanced, every pair of values of two attributes present (60).
 */
export function promptSets(): Record<Category, string[]> {
  const text = (...phrases: ObjectPhrase[]) => captionText(phrases);
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  const colourPairs: [Colour, Colour][] = [];
  for (let a = 0; a < COLOURS.length; a++) for (let b = a + 1; b < COLOURS.length; b++) colourPairs.push([COLOURS[a], COLOURS[b]]);
  const orderedShapePairs = SHAPE_PAIRS.flatMap(([a, b]) => [[a, b], [b, a]] as [Shape, Shape][]);
  return {
    'single object': range(36).map((i) => text({ shape: SHAPES[i % 3] })),
    'two objects': range(36).map((i) => {
      const [a, b] = orderedShapePairs[i % 6];
      return text({ shape: a }, { shape: b });
    }),
    colour: range(36).map((i) => text({ colour: COLOURS[i % 6], shape: SHAPES[(i % 6 + Math.floor(i / 6)) % 3] })),
    position: range(54).map((i) => {
      const c = Math.floor(i / 9);
      return text({ colour: COLOURS[c], shape: SHAPES[(i + c) % 3], position: POSITIONS[i % 9] });
    }),
    'colour binding': range(45).map((i) => {
      const [c1, c2] = colourPairs[Math.floor(i / 3)];
      let [s1, s2] = SHAPE_PAIRS[i % 3];
      if (i % 2) [s1, s2] = [s2, s1];
      const phrases: ObjectPhrase[] = [{ colour: c1, shape: s1 }, { colour: c2, shape: s2 }];
      if (Math.floor(i / 2) % 2) phrases.reverse();
      return text(...phrases);
    }),
    size: range(36).map((i) => text({ size: SIZES[i % 2], colour: COLOURS[Math.floor(i / 2) % 6], shape: SHAPES[Math.floor(i / 12)] })),
    motion: range(45).map((i) => text({ colour: COLOURS[i % 6], shape: SHAPES[(i + Math.floor(i / 3)) % 3], motion: MOTIONS[i % 5] })),
    'temporal consistency': range(60).map((i) => text({
      size: SIZES[Math.floor(i / 30)], colour: COLOURS[i % 6], shape: SHAPES[(i + Math.floor(i / 3)) % 3], motion: MOTIONS[i % 5],
    })),
  };
}

/** What a producer gives back: RGB bytes (T, H, W, 3). */
export interface Produced {
  frames: Uint8Array;
  numFrames: number;
  width: number;
  height: number;
}
/** Makes a clip for a prompt; `frames` is how many frames the category asks for (1 for images). */
export type Producer = (prompt: string, seed: number, frames: number) => Promise<Produced> | Produced;

export interface ScoreOptions {
  /** Samples a prompt, each with its own seed (default 1). */
  seedsPerPrompt?: number;
  /** Which categories to score (default all). */
  categories?: readonly Category[];
  /** Frames asked for in the image categories (default 1). */
  frames?: number;
  /** Frames asked for in the clip categories (default 8); a clip category fails a sample with fewer than 2. */
  clipFrames?: number;
  /** Added to every seed (default 0). Seeds: base + 1,000,000 · category index + seedsPerPrompt · prompt index + k. */
  seed?: number;
  /** Prompt sets to use instead of promptSets() for some categories. */
  prompts?: Partial<Record<Category, readonly string[]>>;
  /** Called after every sample. */
  onSample?: (sample: Sample, done: number, total: number) => void;
  /** Stops between samples (the promise rejects with the signal's reason). */
  signal?: AbortSignal;
}

export interface Sample {
  category: Category;
  prompt: string;
  seed: number;
  verdict: Verdict;
}

export interface CategoryScore {
  category: Category;
  passed: number;
  n: number;
  rate: number;
  /** Wilson score interval, 95 %. */
  ci95: [number, number];
}

export interface ScoreReport {
  /** One entry per scored category, in CATEGORIES order. */
  categories: Partial<Record<Category, CategoryScore>>;
  /**
   * Mean of the category rates; its 95 % interval treats categories as
   * independent, each with the Agresti–Coull variance p̃(1 − p̃)/(n + z²) where
   * p̃ = (passed + z²/2)/(n + z²), clamped to [0, 1].
   */
  overall: { rate: number; ci95: [number, number]; categories: number; n: number };
  samples: Sample[];
}

const Z = 1.959963984540054;

/** Wilson score interval for `passed` of `n` at 95 %. [0, 1] when n is 0. */
export function wilson(passed: number, n: number, z = Z): [number, number] {
  if (!(n > 0)) return [0, 1];
  const p = passed / n, z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [passed <= 0 ? 0 : Math.max(0, centre - half), passed >= n ? 1 : Math.min(1, centre + half)];
}

/** The score of one category from its passes. */
export function categoryScore(category: Category, passed: number, n: number): CategoryScore {
  return { category, passed, n, rate: n > 0 ? passed / n : 0, ci95: wilson(passed, n) };
}

/** The overall score: the mean of the category rates, with its interval (see ScoreReport.overall). */
export function overallScore(scores: readonly CategoryScore[]): ScoreReport['overall'] {
  const k = scores.length;
  if (k === 0) return { rate: 0, ci95: [0, 1], categories: 0, n: 0 };
  const z2 = Z * Z;
  let sum = 0, variance = 0, n = 0;
  for (const s of scores) {
    sum += s.rate;
    const pt = (s.passed + z2 / 2) / (s.n + z2);
    variance += (pt * (1 - pt)) / (s.n + z2) / (k * k);
    n += s.n;
  }
  const mean = sum / k;
  const half = Z * Math.sqrt(variance);
  return { rate: mean, ci95: [Math.max(0, mean - half), Math.min(1, mean + half)], categories: k, n };
}

/** A failing verdict for a sample the judge never saw (the producer failed, or gave too few frames). */
function failed(prompt: string, reason: string, produced?: Produced): Verdict {
  const v = judgeClip(new Uint8Array(0), 1, 1, 1, prompt);
  const reading = produced ? { ...v.reading, numFrames: produced.numFrames, width: produced.width, height: produced.height } : v.reading;
  return { ...v, pass: false, reason, reasons: [reason], reading: { ...reading, problems: [reason] } };
}

/** Score a producer on the categories' prompt sets. Samples run one after another. */
export async function scoreProducer(produce: Producer, options: ScoreOptions = {}): Promise<ScoreReport> {
  const seedsPerPrompt = Math.max(1, Math.floor(options.seedsPerPrompt ?? 1));
  const categories = CATEGORIES.filter((c) => (options.categories ?? CATEGORIES).includes(c));
  const sets = promptSets();
  const base = options.seed ?? 0;
  const imageFrames = options.frames ?? 1;
  const clipFrames = options.clipFrames ?? CLIP_FRAMES;
  const plan: { category: Category; prompt: string; seed: number }[] = [];
  for (const category of categories) {
    const prompts = options.prompts?.[category] ?? sets[category];
    const ci = CATEGORIES.indexOf(category);
    prompts.forEach((prompt, pi) => {
      for (let k = 0; k < seedsPerPrompt; k++) plan.push({ category, prompt, seed: base + 1_000_000 * ci + seedsPerPrompt * pi + k });
    });
  }
  const samples: Sample[] = [];
  for (const item of plan) {
    options.signal?.throwIfAborted();
    const isClip = CLIP_CATEGORIES.includes(item.category);
    const frames = isClip ? clipFrames : imageFrames;
    let verdict: Verdict;
    try {
      const out = await produce(item.prompt, item.seed, frames);
      if (isClip && !(out?.numFrames >= 2)) {
        verdict = failed(item.prompt, `the ${item.category} category needs a clip of at least 2 frames; the producer gave ${out?.numFrames}`, out);
      } else {
        verdict = judgeClip(out?.frames, out?.numFrames, out?.width, out?.height, item.prompt);
      }
    } catch (e) {
      verdict = failed(item.prompt, `the producer failed: ${(e as Error)?.message ?? String(e)}`);
    }
    const sample: Sample = { ...item, verdict };
    samples.push(sample);
    options.onSample?.(sample, samples.length, plan.length);
  }
  const scores = categories.map((category) => {
    const mine = samples.filter((s) => s.category === category);
    return categoryScore(category, mine.filter((s) => s.verdict.pass).length, mine.length);
  });
  const byCategory: Partial<Record<Category, CategoryScore>> = {};
  for (const s of scores) byCategory[s.category] = s;
  return { categories: byCategory, overall: overallScore(scores), samples };
}
