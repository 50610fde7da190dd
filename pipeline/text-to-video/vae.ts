// The VAE, a frame at a time: pixels ↔ latent.
//
// Frames are RGB bytes (F, height, width, 3), as the Shapes World draws them and
// the judge reads them; the VAE sees (F, 3, height, width) in [−1, 1]. Latents
// are handed around *scaled* (latent · vae.scaling_factor, what the denoisers
// work on), shape (F, 4, height/4, width/4).
// Pixels → bytes: clamp to [−1, 1], (x + 1) · 127.5, round.
import { vaeScalingFactor } from '../runtime/manifest';
import { float32, type BackendReport, type ModelRunner } from '../runtime/models';
import type { CallOptions } from './prompt';
import { LATENT_CHANNELS } from './sample';

export const VAE_ENCODER = 'vae_encoder';
export const VAE_DECODER = 'vae_decoder';
/** Pixels a latent cell. */
export const VAE_DOWNSAMPLE = 4;

export interface Frames {
  /** RGB bytes, (numFrames, height, width, 3). */
  frames: Uint8Array;
  numFrames: number;
  width: number;
  height: number;
}

export interface DecodedFrames extends Frames {
  report: BackendReport;
  ms: number;
}

/** (F, 3, H, W) floats in about [−1, 1] → RGB bytes (F, H, W, 3). */
export function pixelsToBytes(pixels: Float32Array, numFrames: number, height: number, width: number): Uint8Array {
  const plane = height * width;
  if (pixels.length !== numFrames * 3 * plane) throw new RangeError(`pixelsToBytes: expected ${numFrames * 3 * plane} values, got ${pixels.length}`);
  const out = new Uint8Array(numFrames * plane * 3);
  for (let f = 0; f < numFrames; f++) {
    for (let c = 0; c < 3; c++) {
      const src = (f * 3 + c) * plane;
      for (let p = 0; p < plane; p++) {
        const v = Math.min(1, Math.max(-1, pixels[src + p]));
        out[(f * plane + p) * 3 + c] = Math.round((v + 1) * 127.5);
      }
    }
  }
  return out;
}

/** RGB bytes (F, H, W, 3) → (F, 3, H, W) floats in [−1, 1]. */
export function bytesToPixels(bytes: Uint8Array, numFrames: number, height: number, width: number): Float32Array {
  const plane = height * width;
  if (bytes.length !== numFrames * plane * 3) throw new RangeError(`bytesToPixels: expected ${numFrames * plane * 3} bytes, got ${bytes.length}`);
  const out = new Float32Array(numFrames * 3 * plane);
  for (let f = 0; f < numFrames; f++) {
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++) out[(f * 3 + c) * plane + p] = bytes[(f * plane + p) * 3 + c] / 127.5 - 1;
    }
  }
  return out;
}

/** Scaled latents (F, 4, h, w) → RGB frames (F, 4h, 4w, 3). */
export async function decodeLatents(
  runner: ModelRunner,
  latent: Float32Array,
  shape: { frames: number; height: number; width: number },
  options: CallOptions = {},
): Promise<DecodedFrames> {
  const { frames: F, height: h, width: w } = shape;
  if (latent.length !== F * LATENT_CHANNELS * h * w) throw new RangeError(`decodeLatents: expected a latent of (${F}, 4, ${h}, ${w})`);
  const scale = vaeScalingFactor(await runner.manifest());
  const unscaled = new Float32Array(latent.length);
  for (let i = 0; i < latent.length; i++) unscaled[i] = latent[i] / scale;
  const { outputs, report, ms } = await runner.run(VAE_DECODER, { latent: float32(unscaled, [F, LATENT_CHANNELS, h, w]) }, options);
  const H = h * VAE_DOWNSAMPLE, W = w * VAE_DOWNSAMPLE;
  const pixels = outputs.frames?.data as Float32Array | undefined;
  if (!pixels || pixels.length !== F * 3 * H * W) throw new Error(`vae_decoder: expected frames of (${F}, 3, ${H}, ${W})`);
  return { frames: pixelsToBytes(pixels, F, H, W), numFrames: F, width: W, height: H, report, ms };
}

/** RGB frames (F, H, W, 3) → scaled latents (F, 4, H/4, W/4). */
export async function encodeFrames(
  runner: ModelRunner,
  frames: Frames,
  options: CallOptions = {},
): Promise<{ latent: Float32Array; shape: [number, number, number, number]; report: BackendReport; ms: number }> {
  const { numFrames: F, height: H, width: W } = frames;
  if (H % VAE_DOWNSAMPLE || W % VAE_DOWNSAMPLE) throw new RangeError(`encodeFrames: frame size must be a multiple of ${VAE_DOWNSAMPLE}`);
  const scale = vaeScalingFactor(await runner.manifest());
  const pixels = bytesToPixels(frames.frames, F, H, W);
  const { outputs, report, ms } = await runner.run(VAE_ENCODER, { frames: float32(pixels, [F, 3, H, W]) }, options);
  const h = H / VAE_DOWNSAMPLE, w = W / VAE_DOWNSAMPLE;
  const raw = outputs.latent?.data as Float32Array | undefined;
  if (!raw || raw.length !== F * LATENT_CHANNELS * h * w) throw new Error(`vae_encoder: expected a latent of (${F}, 4, ${h}, ${w})`);
  const latent = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) latent[i] = raw[i] * scale;
  return { latent, shape: [F, LATENT_CHANNELS, h, w], report, ms };
}
