/**
 * Pixels and the numbers a model sees, and the statistics chapter 1 draws.
 * DOM-free. The world's convention (world-spec.md): a model value is
 * pixel/127.5 − 1, in [−1, 1]; showing a value clips it to [−1, 1] first.
 */

/** RGB bytes → model values in [−1, 1] (pixel/127.5 − 1). */
export function bytesToModel(bytes: ArrayLike<number>, out?: Float32Array): Float32Array {
  const result = out ?? new Float32Array(bytes.length);
  if (result.length !== bytes.length) throw new RangeError(`bytesToModel: out has length ${result.length}, expected ${bytes.length}`);
  for (let i = 0; i < bytes.length; i++) result[i] = bytes[i] / 127.5 - 1;
  return result;
}

/** The byte that shows a model value: round((clip(v, −1, 1) + 1)·127.5). */
export function displayByte(v: number): number {
  const c = v < -1 ? -1 : v > 1 ? 1 : v;
  return Math.round((c + 1) * 127.5);
}

/** Model values → bytes to show (values outside [−1, 1] are clipped; NaN shows as black). */
export function modelToBytes(values: ArrayLike<number>, out?: Uint8Array): Uint8Array {
  const result = out ?? new Uint8Array(values.length);
  if (result.length !== values.length) throw new RangeError(`modelToBytes: out has length ${result.length}, expected ${values.length}`);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    result[i] = v === v ? displayByte(v) : 0;
  }
  return result;
}

export interface Histogram {
  /** Left edges of the bins. */
  x1: Float64Array;
  /** Right edges of the bins. */
  x2: Float64Array;
  /** Density: count / (n · bin width), so the bars' area is 1 (values outside [lo, hi] are counted but not drawn). */
  density: Float64Array;
  /** Values below lo and above hi. */
  below: number;
  above: number;
  n: number;
}

/** A density histogram of `values` over [lo, hi) in `bins` equal bins; `into` is reused when given. */
export function histogramDensity(values: ArrayLike<number>, lo: number, hi: number, bins: number, into?: Histogram): Histogram {
  if (!(hi > lo) || !Number.isInteger(bins) || bins < 1) throw new RangeError(`histogramDensity: need lo < hi and a positive whole number of bins`);
  const width = (hi - lo) / bins;
  const h = into && into.density.length === bins ? into : {
    x1: Float64Array.from({ length: bins }, (_, i) => lo + i * width),
    x2: Float64Array.from({ length: bins }, (_, i) => lo + (i + 1) * width),
    density: new Float64Array(bins),
    below: 0,
    above: 0,
    n: 0,
  };
  h.density.fill(0);
  let below = 0, above = 0;
  const scale = 1 / width;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < lo) below++;
    else if (v >= hi) above++;
    else h.density[Math.min(bins - 1, Math.floor((v - lo) * scale))]++;
  }
  const n = values.length;
  const norm = n > 0 ? 1 / (n * width) : 0;
  for (let b = 0; b < bins; b++) h.density[b] *= norm;
  h.below = below;
  h.above = above;
  h.n = n;
  return h;
}

/** The standard normal density. */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/** Mean and standard deviation. */
export function meanStd(values: ArrayLike<number>): { mean: number; std: number } {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN };
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i];
  const mean = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(v / n) };
}
