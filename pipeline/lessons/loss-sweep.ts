// The training loss against t: one clip, many draws of (t, ε), as training
// draws them (t uniform over the schedule's timesteps, ε with the frames'
// shared part the weights learned at), scored by the denoiser in batches.
// Each draw gives the plain v-loss and the min-SNR-5 loss; the mean of the
// weighted ones is an estimate of this clip's share of the training objective
// E_{t,ε}[w(t)·‖v̂ − v‖²].
//
// Random numbers: createRandom(`loss sweep ${seed}`), for each draw in order
// its t (rng.int(T)), then its ε (fillFrameNoise). Calls: the denoiser once a
// batch of `batch` draws ([B, F, 4, h, w], B timesteps, the caption's states
// repeated). Cancellation: the signal is checked before every call. DOM-free.
import { addNoise, velocity } from '../diffusion/forward';
import { fillFrameNoise } from '../diffusion/noise';
import { createRandom } from '../random';
import { denoiserSettings, scheduleOf } from '../runtime/manifest';
import { float32, type ModelRunner } from '../runtime/models';
import { CONTEXT_WIDTH } from '../text-to-video/prompt';
import { LATENT_CHANNELS } from '../text-to-video/sample';
import { MAX_TOKENS } from '../world/tokenizer';
import { contextFor, meanSquare, minSnrWeight, trainedSharedNoise, type CallHooks, type PreparedStep } from './training-step';

export interface SweepDraw {
  t: number;
  alphaBar: number;
  /** mean (v̂ − v)². */
  loss: number;
  /** min(SNR, 5)/(SNR + 1) · loss. */
  weightedLoss: number;
}

export interface SweepOptions {
  /** How many draws (1 to 2,000). */
  draws: number;
  /** Draws a denoiser call (1 to 64). */
  batch: number;
  seed: number;
}

export interface SweepHooks extends CallHooks {
  /** After each batch: its draws, and how many are done of how many. */
  onBatch?: (draws: SweepDraw[], done: number, of: number) => void;
}

export async function lossSweep(
  runner: ModelRunner,
  model: string,
  step: Pick<PreparedStep, 'z0' | 'numFrames' | 'height' | 'width' | 'text'>,
  o: SweepOptions,
  hooks: SweepHooks = {},
): Promise<SweepDraw[]> {
  if (!Number.isInteger(o.draws) || o.draws < 1 || o.draws > 2000) throw new RangeError(`lossSweep: draws must be an integer in [1, 2000], got ${o.draws}`);
  if (!Number.isInteger(o.batch) || o.batch < 1 || o.batch > 64) throw new RangeError(`lossSweep: batch must be an integer in [1, 64], got ${o.batch}`);
  const manifest = await runner.manifest();
  const T = denoiserSettings(manifest, model).numTrainTimesteps;
  const abar = scheduleOf(manifest, model).alphasCumprod;
  const shared = trainedSharedNoise(manifest, model);
  const { numFrames: F, height: h, width: w, z0 } = step;
  const n = z0.length;
  if (n !== F * LATENT_CHANNELS * h * w) throw new RangeError(`lossSweep: z0 must be (${F}, ${LATENT_CHANNELS}, ${h}, ${w})`);
  const ctx = contextFor(manifest, model, step);
  const rng = createRandom(`loss sweep ${o.seed}`);
  const out: SweepDraw[] = [];
  while (out.length < o.draws) {
    hooks.signal?.throwIfAborted();
    const B = Math.min(o.batch, o.draws - out.length);
    const ts: number[] = [];
    const latent = new Float32Array(B * n), targets = new Float32Array(B * n), context = new Float32Array(B * ctx.length);
    for (let b = 0; b < B; b++) {
      const t = rng.int(T);
      const eps = fillFrameNoise(rng, new Float32Array(n), F, F > 1 ? shared : 0);
      ts.push(t);
      latent.set(addNoise(z0, eps, abar[t]), b * n);
      targets.set(velocity(z0, eps, abar[t]), b * n);
      context.set(ctx, b * ctx.length);
    }
    const run = await runner.run(
      model,
      {
        latent: float32(latent, [B, F, LATENT_CHANNELS, h, w]),
        timestep: float32(Float32Array.from(ts), [B]),
        context: float32(context, [B, MAX_TOKENS, CONTEXT_WIDTH]),
      },
      hooks,
    );
    const pred = run.outputs.prediction?.data as Float32Array | undefined;
    if (!pred || pred.length !== B * n) throw new Error(`${model}: expected a prediction of (${B}, ${F}, ${LATENT_CHANNELS}, ${h}, ${w})`);
    const batch = ts.map((t, b) => {
      const loss = meanSquare(pred.subarray(b * n, (b + 1) * n), targets.subarray(b * n, (b + 1) * n));
      return { t, alphaBar: abar[t], loss, weightedLoss: minSnrWeight(abar[t]) * loss };
    });
    out.push(...batch);
    hooks.onBatch?.(batch, out.length, o.draws);
  }
  return out;
}

/** The mean of each draw's value over bins of t ([lo, hi), `bins` of them over [0, T)); empty bins are left out. */
export function binnedMeans(draws: readonly SweepDraw[], key: 'loss' | 'weightedLoss', bins = 10, T = 1000): { t: number; lo: number; hi: number; mean: number; n: number }[] {
  const width = T / bins;
  const sums = new Array<number>(bins).fill(0), counts = new Array<number>(bins).fill(0);
  for (const d of draws) {
    const k = Math.min(bins - 1, Math.floor(d.t / width));
    sums[k] += d[key];
    counts[k]++;
  }
  return sums.flatMap((s, k) => (counts[k] ? [{ t: (k + 0.5) * width, lo: k * width, hi: (k + 1) * width, mean: s / counts[k], n: counts[k] }] : []));
}

/** The mean of `key` over the draws (NaN when there are none). */
export function meanOf(draws: readonly SweepDraw[], key: 'loss' | 'weightedLoss'): number {
  return draws.length ? draws.reduce((s, d) => s + d[key], 0) / draws.length : NaN;
}
