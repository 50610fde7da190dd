// One sampling run, kept step by step so a reader can scrub through it: at each
// step the denoiser's input x_t, its predictions ε̂ and x̂₀, and both latents
// decoded to pixels (the worker's previews). Plus the small sums the chapter
// shows about them. DOM-free.
import type { StepProgress } from '../text-to-video/sample';
import type { DecodedFrames } from '../text-to-video/vae';

export interface TrajectoryStep {
  /** 1-based, of `of`. */
  step: number;
  of: number;
  timestep: number;
  /** The timestep the step goes to; −1 after the last step. */
  prevTimestep: number;
  alphaBar: number;
  /** The step's input x_t, a scaled latent (F, 4, h, w). */
  xt: Float32Array;
  /** The predicted noise ε̂ and clean latent x̂₀ (after guidance). */
  epsHat: Float32Array;
  x0Hat: Float32Array;
  /** x_t and x̂₀ decoded to RGB bytes (F, H, W, 3); null where they were not decoded. */
  xtFrames: Uint8Array | null;
  x0Frames: Uint8Array | null;
  /** The denoiser's time for this step, ms. */
  ms: number;
}

/** A step's progress, with the worker's previews (x̂₀ as `preview`, x_t as `previewInput`). */
export type StepWithPreviews = StepProgress & { preview?: DecodedFrames; previewInput?: DecodedFrames };

/** A trajectory step from a step's progress; null when the progress lacks the captured tensors. */
export function trajectoryStep(p: StepWithPreviews, alphaBar: number): TrajectoryStep | null {
  if (!p.input || !p.predEpsilon || !p.predX0) return null;
  return {
    step: p.step,
    of: p.of,
    timestep: p.timestep,
    prevTimestep: p.prevTimestep,
    alphaBar,
    xt: p.input,
    epsHat: p.predEpsilon,
    x0Hat: p.predX0,
    xtFrames: p.previewInput?.frames ?? null,
    x0Frames: p.preview?.frames ?? null,
    ms: p.ms,
  };
}

/** The step to show: `wanted` clamped to 1 … of; 0 when there are no steps. */
export function shownStep(wanted: number, of: number): number {
  if (!(of >= 1)) return 0;
  if (!Number.isFinite(wanted)) return of;
  return Math.min(of, Math.max(1, Math.round(wanted)));
}

/** At most `count` steps of 1 … of for a strip of thumbnails: the first, the last, and evenly between. */
export function stripSteps(of: number, count: number): number[] {
  if (!(of >= 1) || !(count >= 1)) return [];
  if (of <= count) return Array.from({ length: of }, (_, i) => i + 1);
  if (count === 1) return [of];
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const s = 1 + Math.round((i * (of - 1)) / (count - 1));
    if (out.at(-1) !== s) out.push(s);
  }
  return out;
}

export interface ChannelCell {
  /** 0-based channel. */
  channel: number;
  x: number;
  y: number;
  value: number;
}

/** The channels of frame `frame` of a latent (F, C, h, w), one cell a value, for a raster chart. */
export function channelCells(latent: ArrayLike<number>, frame: number, shape: { channels: number; height: number; width: number }): ChannelCell[] {
  const { channels: C, height: h, width: w } = shape;
  const size = C * h * w;
  const frames = Math.floor(latent.length / size);
  if (frames < 1 || latent.length !== frames * size) throw new RangeError(`channelCells: a latent of ${latent.length} values is not whole frames of (${C}, ${h}, ${w})`);
  const f = Math.min(frames - 1, Math.max(0, Math.floor(frame)));
  const out: ChannelCell[] = [];
  for (let c = 0; c < C; c++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) out.push({ channel: c, x, y, value: latent[f * size + (c * h + y) * w + x] });
    }
  }
  return out;
}

/** Mean and standard deviation (population) of some values. */
export function stats(values: ArrayLike<number>): { mean: number; std: number } {
  const n = values.length;
  if (!n) return { mean: NaN, std: NaN };
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i];
  const mean = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(v / n) };
}
