/**
 * The arithmetic of chapter 3 (the latent space) and of the latent views of
 * chapter 4, on plain arrays. DOM-free.
 *
 * Frames are RGB bytes (F, H, W, 3), as the world draws them; latents are
 * (F, C, h, w) floats, scaled as the denoisers see them (pipeline/text-to-video/vae.ts).
 */

/** Peak signal-to-noise ratio of two byte images, in dB: 10·log10(255² / MSE); Infinity when they are equal. */
export function psnr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length === 0) throw new RangeError(`psnr: need two non-empty images of one size, got ${a.length} and ${b.length}`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    sum += d * d;
  }
  const mse = sum / a.length;
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

/** Per pixel, the mean absolute difference over the three channels, in byte units (0 … 255); (H·W) values, row by row. */
export function errorMap(a: ArrayLike<number>, b: ArrayLike<number>, width: number, height: number): Float32Array {
  const n = width * height;
  if (a.length !== n * 3 || b.length !== n * 3) throw new RangeError(`errorMap: expected two ${height} × ${width} RGB images`);
  const out = new Float32Array(n);
  for (let p = 0; p < n; p++) {
    out[p] = (Math.abs(a[3 * p] - b[3 * p]) + Math.abs(a[3 * p + 1] - b[3 * p + 1]) + Math.abs(a[3 * p + 2] - b[3 * p + 2])) / 3;
  }
  return out;
}

/** Numbers in a frame against numbers in its latent: (H·W·3) / (h·w·C). */
export function compressionRatio(pixels: { height: number; width: number; channels?: number }, latent: { height: number; width: number; channels: number }): number {
  return (pixels.height * pixels.width * (pixels.channels ?? 3)) / (latent.height * latent.width * latent.channels);
}

export interface ChannelEdit {
  /** 0-based channel, or 'all'. */
  channel: number | 'all';
  /** Each value v of the channel becomes v·scale + shift. */
  scale: number;
  shift: number;
}

/** Whether an edit leaves the latent as it is. */
export const isIdentityEdit = (e: ChannelEdit) => e.scale === 1 && e.shift === 0;

/** A copy of a latent (F, C, h, w) with one channel (or all) scaled and shifted in every frame. */
export function editChannel(latent: Float32Array, shape: { frames?: number; channels: number; height: number; width: number }, edit: ChannelEdit): Float32Array {
  const F = shape.frames ?? 1, C = shape.channels, plane = shape.height * shape.width;
  if (latent.length !== F * C * plane) throw new RangeError(`editChannel: expected a latent of (${F}, ${C}, ${shape.height}, ${shape.width})`);
  if (edit.channel !== 'all' && !(Number.isInteger(edit.channel) && edit.channel >= 0 && edit.channel < C)) {
    throw new RangeError(`editChannel: channel must be 0 … ${C - 1} or 'all', got ${edit.channel}`);
  }
  const out = Float32Array.from(latent);
  for (let f = 0; f < F; f++) {
    for (let c = 0; c < C; c++) {
      if (edit.channel !== 'all' && edit.channel !== c) continue;
      const at = (f * C + c) * plane;
      for (let i = at; i < at + plane; i++) out[i] = latent[i] * edit.scale + edit.shift;
    }
  }
  return out;
}

/** (1 − α)·a + α·b, element by element. */
export function mixLatents(a: ArrayLike<number>, b: ArrayLike<number>, alpha: number, out?: Float32Array): Float32Array {
  if (a.length !== b.length) throw new RangeError(`mixLatents: lengths differ (${a.length} and ${b.length})`);
  const r = out ?? new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) r[i] = (1 - alpha) * a[i] + alpha * b[i];
  return r;
}

/** round((1 − α)·a + α·b) for byte images: a cross-fade, what mixing in pixel space does. */
export function mixBytes(a: ArrayLike<number>, b: ArrayLike<number>, alpha: number): Uint8Array {
  if (a.length !== b.length) throw new RangeError(`mixBytes: lengths differ (${a.length} and ${b.length})`);
  const r = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) r[i] = Math.round((1 - alpha) * a[i] + alpha * b[i]);
  return r;
}

export interface PlaneStats {
  min: number;
  max: number;
  mean: number;
  std: number;
}

/** Min, max, mean and standard deviation of each plane of `count` planes of `size` values. */
export function planeStats(values: ArrayLike<number>, count: number, size: number): PlaneStats[] {
  if (values.length < count * size) throw new RangeError(`planeStats: ${values.length} values, expected ${count} × ${size}`);
  const out: PlaneStats[] = [];
  for (let k = 0; k < count; k++) {
    let min = Infinity, max = -Infinity, sum = 0, sq = 0;
    for (let i = k * size; i < (k + 1) * size; i++) {
      const v = values[i];
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
      sq += v * v;
    }
    const mean = sum / size;
    out.push({ min, max, mean, std: Math.sqrt(Math.max(0, sq / size - mean * mean)) });
  }
  return out;
}

/**
 * A latent (F, C, h, w) as false-colour RGB bytes (F, h, w, 3): channels c0, c1, c2 to red,
 * green and blue, each value v mapped linearly from [−range, range] to [0, 255] (clipped).
 */
export function latentFalseColour(latent: ArrayLike<number>, shape: { frames: number; channels: number; height: number; width: number }, range = 3, channels: readonly [number, number, number] = [0, 1, 2]): Uint8Array {
  const { frames: F, channels: C, height: h, width: w } = shape;
  const plane = h * w;
  if (latent.length !== F * C * plane) throw new RangeError(`latentFalseColour: expected a latent of (${F}, ${C}, ${h}, ${w})`);
  const out = new Uint8Array(F * plane * 3);
  for (let f = 0; f < F; f++) {
    for (let k = 0; k < 3; k++) {
      const src = (f * C + channels[k]) * plane;
      for (let p = 0; p < plane; p++) {
        const v = (latent[src + p] + range) / (2 * range);
        out[(f * plane + p) * 3 + k] = Math.round(255 * Math.min(1, Math.max(0, v)));
      }
    }
  }
  return out;
}

/** One frame (H, W, 3) of a clip's bytes (F, H, W, 3), as a view. */
export function frameOf(frames: Uint8Array, index: number, width: number, height: number): Uint8Array {
  const size = width * height * 3;
  if ((index + 1) * size > frames.length || index < 0) throw new RangeError(`frameOf: no frame ${index}`);
  return frames.subarray(index * size, (index + 1) * size);
}
