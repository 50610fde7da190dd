// The guidance scale against what it buys and what it costs: the judge's pass
// rate and the samples' diversity, measured over a handful of seeds at each
// scale. The sampling is the runtime's; here are the scales, the measures and
// the summary, DOM-free (the page and Node's tests run the same code).
import type { Verdict } from '../world/judge';
export { wilson } from '../world/score';

/** The scales a sweep visits, from none (the unconditional model) to strong. */
export const SWEEP_SCALES: readonly number[] = [0, 1, 2, 4, 7.5, 10, 15];
/** The scales shown side by side for one seed. */
export const STRIP_SCALES: readonly number[] = [0, 1, 4, 7.5, 15];

/**
 * Root-mean-square distance of two frames' pixels (RGB bytes of the same length), on a
 * 0–1 scale (1 = every channel of every pixel as far as it can be).
 */
export function pixelDistance(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length || a.length === 0) throw new RangeError('pixelDistance: the two images must have the same, non-zero size');
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    s += d * d;
  }
  return Math.sqrt(s / a.length) / 255;
}

/** Diversity of some samples: the mean pixel distance over every pair (0 when fewer than two). */
export function meanPairwiseDistance(images: readonly Uint8Array[]): number {
  let s = 0, n = 0;
  for (let i = 0; i < images.length; i++) {
    for (let j = i + 1; j < images.length; j++) {
      s += pixelDistance(images[i], images[j]);
      n++;
    }
  }
  return n ? s / n : 0;
}

export interface ScalePoint {
  scale: number;
  /** Samples made at this scale so far. */
  n: number;
  passed: number;
  /** passed / n (0 with no sample). */
  passRate: number;
  /** Mean pairwise pixel distance between the seeds' samples (0 with fewer than two). */
  diversity: number;
}

/** One sample of the sweep: its scale, seed, pixels and the judge's verdict. */
export interface SweepSample {
  scale: number;
  seed: number;
  frames: Uint8Array;
  verdict: Pick<Verdict, 'pass'> | null;
}

/** Per scale (in the order of `scales`): the pass rate and the diversity of the samples made so far. */
export function summariseSweep(samples: readonly SweepSample[], scales: readonly number[] = SWEEP_SCALES): ScalePoint[] {
  return scales.map((scale) => {
    const at = samples.filter((s) => s.scale === scale);
    const passed = at.filter((s) => s.verdict?.pass).length;
    return { scale, n: at.length, passed, passRate: at.length ? passed / at.length : 0, diversity: meanPairwiseDistance(at.map((s) => s.frames)) };
  });
}
