// Noise for a clip whose frames share a part (PYoCo's mixed noise, Ge et al.
// 2023; VideoFusion's shared base noise, Luo et al. 2023):
//
//   ε_f = (a·ε_shared + ε_f′) / √(1 + a²)
//
// Every entry is still a standard normal; two frames' noise is correlated by
// a² / (1 + a²) (0.5 at a = 1). A video model trained on it starts each clip
// from frames that already agree on the coarse decisions the noise makes (where
// an object appears, its colour and size), instead of letting every frame's own
// noise vote. a comes from the denoiser's manifest entry (`shared_noise`, 0 when
// absent), and the same function serves the starting noise and every step that
// adds noise, in the page, the worker and Node. weights/train/diffusion.py
// frame_noise draws in the same order: the frames' own noise, then the shared part.
import type { Random } from '../random';

/**
 * Fills `out` (frames · frameSize values, frame by frame) with noise whose frames share a part `shared`
 * (a ≥ 0). The frames' own normals are drawn first, as `fillNormal` would draw them, so a = 0 or one
 * frame gives exactly fillNormal's numbers; the shared part (frameSize more normals) comes after.
 */
export function fillFrameNoise(rng: Random, out: Float32Array, frames: number, shared = 0): Float32Array {
  if (!Number.isInteger(frames) || frames < 1 || out.length % frames !== 0) {
    throw new RangeError(`fillFrameNoise: ${out.length} values do not split into ${frames} frames`);
  }
  if (!(shared >= 0) || !Number.isFinite(shared)) throw new RangeError(`fillFrameNoise: shared must be a finite number ≥ 0, got ${shared}`);
  for (let i = 0; i < out.length; i++) out[i] = rng.normal();
  if (shared === 0 || frames === 1) return out;
  const size = out.length / frames;
  const common = new Float32Array(size);
  for (let i = 0; i < size; i++) common[i] = rng.normal();
  const norm = 1 / Math.sqrt(1 + shared * shared);
  for (let f = 0; f < frames; f++) {
    for (let i = 0, at = f * size; i < size; i++) out[at + i] = (shared * common[i] + out[at + i]) * norm;
  }
  return out;
}

/**
 * How alike neighbouring frames of a clip's noise are: the correlation of frame f with frame f + 1,
 * over every value and every pair of neighbours (about a²/(1 + a²) for noise from fillFrameNoise).
 */
export function neighbourCorrelation(values: Float32Array, frames: number): number {
  if (!Number.isInteger(frames) || frames < 2 || values.length % frames !== 0) {
    throw new RangeError(`neighbourCorrelation: ${values.length} values do not split into 2 or more frames (${frames})`);
  }
  const size = values.length / frames;
  let sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, n = 0;
  for (let f = 0; f + 1 < frames; f++) {
    for (let i = 0; i < size; i++) {
      const x = values[f * size + i], y = values[(f + 1) * size + i];
      sx += x; sy += y; sxx += x * x; syy += y * y; sxy += x * y; n++;
    }
  }
  const cov = sxy / n - (sx / n) * (sy / n);
  const vx = sxx / n - (sx / n) ** 2, vy = syy / n - (sy / n) ** 2;
  return vx > 0 && vy > 0 ? cov / Math.sqrt(vx * vy) : 0;
}
