/**
 * Timing one call of a model, as chapters 3 and 4 measure "a step": inputs
 * made from the shapes the manifest counted its FLOPs at (or others), a warm-up
 * call, then the median of a few timed calls. The caller supplies the call (in
 * the page, a `run` job of the model worker, which answers with the time of
 * the session's run alone, without the trip to the worker). DOM-free.
 */
import type { ManifestModel } from './runtime/manifest';
import { float32, int32, type Feeds } from './runtime/models';
import { createRandom, fillNormal } from './random';

/** The input shapes the manifest counted a model's FLOPs at, checked; null when it lists none. */
export function flopsShapes(entry: ManifestModel): Record<string, number[]> | null {
  const s = entry.flops_shapes;
  if (!s || typeof s !== 'object') return null;
  const out: Record<string, number[]> = {};
  for (const [name, dims] of Object.entries(s as Record<string, unknown>)) {
    if (!Array.isArray(dims) || !dims.every((d) => Number.isInteger(d) && d > 0)) return null;
    out[name] = dims as number[];
  }
  return out;
}

/**
 * Inputs of the given shapes: a `timestep` input holds t = 500, `tokens` holds the
 * empty prompt's ids (zeros: int32), every other input standard normal numbers from `seed`.
 */
export function feedsForShapes(shapes: Record<string, number[]>, seed = 0): Feeds {
  const rng = createRandom(seed);
  const feeds: Feeds = {};
  for (const [name, dims] of Object.entries(shapes)) {
    const n = dims.reduce((a, b) => a * b, 1);
    if (name === 'tokens') feeds[name] = int32(new Int32Array(n), dims);
    else if (name === 'timestep') feeds[name] = float32(new Float32Array(n).fill(500), dims);
    else feeds[name] = float32(fillNormal(rng, new Float32Array(n)), dims);
  }
  return feeds;
}

export function median(values: readonly number[]): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export interface Timing {
  /** Median of the timed calls, ms. */
  median: number;
  /** Every timed call, ms, in order. */
  times: number[];
}

/**
 * Calls `call` (which answers its own time in ms) `warmup` times untimed, then
 * `repeats` times, and gives the median. Stops between calls when `signal` aborts.
 */
export async function timeCalls(call: () => Promise<number>, options: { warmup?: number; repeats?: number; signal?: AbortSignal } = {}): Promise<Timing> {
  const warmup = options.warmup ?? 1, repeats = options.repeats ?? 5;
  if (!(Number.isInteger(warmup) && warmup >= 0 && Number.isInteger(repeats) && repeats >= 1)) throw new RangeError('timeCalls: warmup ≥ 0 and repeats ≥ 1, whole numbers');
  for (let i = 0; i < warmup; i++) {
    options.signal?.throwIfAborted();
    await call();
  }
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    options.signal?.throwIfAborted();
    times.push(await call());
  }
  return { median: median(times), times };
}
