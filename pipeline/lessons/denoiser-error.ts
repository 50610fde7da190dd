// The denoiser's error against the timestep, measured on Shapes World frames.
//
// N world images (seeds worldSeed, worldSeed + 1, …) are encoded by the VAE
// encoder (scaled latents, what the denoiser sees), noised to each timestep t
// of the denoiser's schedule with fresh standard-normal noise ε,
//   x_t = √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε,
// and given to the denoiser twice in one batch: with each image's own caption,
// and with the empty prompt. Its output (v, ε or x₀, by the manifest's
// prediction type) becomes ε̂ and x̂₀ (../diffusion/forward.ts), and the mean
// squared errors against the true ε and x₀ are averaged over every latent value
// of every image. For v-prediction the two errors are one error seen twice:
// ε̂ − ε = √ᾱ·(v̂ − v) and x̂₀ − x₀ = −√(1 − ᾱ)·(v̂ − v), so
// MSE(x̂₀) = MSE(ε̂)·(1 − ᾱ)/ᾱ = MSE(ε̂)/SNR(t).
//
// Random numbers: one generator, createRandom(`denoiser error ${noiseSeed}`),
// N·4·h·w normals a timestep, in the order of `timesteps`. Calls: the VAE
// encoder once, the text encoder once ([empty, caption 1 … N]), the denoiser
// once a timestep with a batch of 2N ([captions…, empties…]). DOM-free: the
// page runs it over the model worker, Node over its own sessions.
import { addNoise, toEpsilonAndX0 } from '../diffusion/forward';
import { createRandom, fillNormal } from '../random';
import { denoiserSettings, scheduleOf } from '../runtime/manifest';
import { float32, int32, type BackendPreference, type ModelRunner } from '../runtime/models';
import { CONTEXT_WIDTH, TEXT_ENCODER, textStates } from '../text-to-video/prompt';
import { LATENT_CHANNELS } from '../text-to-video/sample';
import { encodeFrames } from '../text-to-video/vae';
import { generateClip } from '../world/generate';
import { emptyPromptIds, MAX_TOKENS, tokenize } from '../world/tokenizer';

/** The timesteps measured by default: dense near both ends, where the errors change fastest. */
export const ERROR_TIMESTEPS: readonly number[] = [0, 10, 25, 50, 75, ...Array.from({ length: 18 }, (_, i) => 100 + 50 * i), 975, 999];

export interface DenoiserErrorOptions {
  /** A denoiser in the manifest. */
  model: string;
  /** How many world images (1 to 64). */
  images: number;
  /** The first world seed; image i is generateClip(worldSeed + i, { frames: 1 }). */
  worldSeed: number;
  /** Seed of the noise; default worldSeed. */
  noiseSeed?: number;
  /** Default ERROR_TIMESTEPS. */
  timesteps?: readonly number[];
}

export interface ErrorRow {
  t: number;
  alphaBar: number;
  /** Mean squared error of ε̂, with each image's caption and with the empty prompt. */
  epsCaption: number;
  epsEmpty: number;
  /** Mean squared error of x̂₀ (scaled latent), likewise. */
  x0Caption: number;
  x0Empty: number;
}

export interface DenoiserError {
  rows: ErrorRow[];
  model: string;
  images: number;
  worldSeed: number;
  noiseSeed: number;
  /** The captions the images were drawn from (what the denoiser was told). */
  captions: string[];
  /** The images, RGB bytes (N, 32, 32, 3). */
  frames: Uint8Array;
  /** Latent values averaged over, per image: 4·h·w. */
  valuesPerImage: number;
}

export interface DenoiserErrorHooks {
  backend?: BackendPreference;
  signal?: AbortSignal;
  /** After each timestep's row, in order. */
  onRow?: (row: ErrorRow, index: number, of: number) => void;
}

/** Mean of the squared differences. */
export function meanSquaredError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`meanSquaredError: lengths ${a.length} and ${b.length} differ`);
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    s += d * d;
  }
  return a.length ? s / a.length : 0;
}

export async function measureDenoiserError(runner: ModelRunner, options: DenoiserErrorOptions, hooks: DenoiserErrorHooks = {}): Promise<DenoiserError> {
  const { model, images: N, worldSeed } = options;
  const noiseSeed = options.noiseSeed ?? worldSeed;
  const timesteps = [...(options.timesteps ?? ERROR_TIMESTEPS)];
  if (!Number.isInteger(N) || N < 1 || N > 64) throw new RangeError(`measureDenoiserError: images must be an integer in [1, 64], got ${N}`);
  if (!Number.isInteger(worldSeed) || worldSeed < 0) throw new RangeError(`measureDenoiserError: worldSeed must be a whole number ≥ 0, got ${worldSeed}`);
  const manifest = await runner.manifest();
  const settings = denoiserSettings(manifest, model);
  const T = settings.numTrainTimesteps;
  for (const t of timesteps) {
    if (!Number.isInteger(t) || t < 0 || t >= T) throw new RangeError(`measureDenoiserError: timestep ${t} is outside [0, ${T - 1}]`);
  }
  const abar = scheduleOf(manifest, model).alphasCumprod;
  const call = { backend: hooks.backend, signal: hooks.signal };

  // The world images and their captions.
  const clips = Array.from({ length: N }, (_, i) => generateClip(worldSeed + i, { frames: 1 }));
  const { width: W, height: H } = clips[0];
  const frames = new Uint8Array(N * H * W * 3);
  clips.forEach((c, i) => frames.set(c.frames, i * H * W * 3));
  const captions = clips.map((c) => c.caption);

  // x₀: the scaled latents.
  hooks.signal?.throwIfAborted();
  const encoded = await encodeFrames(runner, { frames, numFrames: N, width: W, height: H }, call);
  const x0 = encoded.latent;
  const [, , h, w] = encoded.shape;
  const n = LATENT_CHANNELS * h * w;

  // The contexts: [empty, caption 1 … N] in one text encoder call.
  hooks.signal?.throwIfAborted();
  const ids = new Int32Array((N + 1) * MAX_TOKENS);
  ids.set(emptyPromptIds(), 0);
  captions.forEach((c, i) => ids.set(tokenize(c).ids, (i + 1) * MAX_TOKENS));
  const text = await runner.run(TEXT_ENCODER, { tokens: int32(ids, [N + 1, MAX_TOKENS]) }, call);
  const states = textStates(manifest, model); // the per-token output this denoiser was trained on
  const hidden = text.outputs[states]?.data as Float32Array | undefined;
  const ctx = MAX_TOKENS * CONTEXT_WIDTH;
  if (!hidden || hidden.length !== (N + 1) * ctx) throw new Error(`text_encoder: expected ${states} (${N + 1}, ${MAX_TOKENS}, ${CONTEXT_WIDTH})`);
  const context = new Float32Array(2 * N * ctx);
  for (let i = 0; i < N; i++) {
    context.set(hidden.subarray((i + 1) * ctx, (i + 2) * ctx), i * ctx);
    context.set(hidden.subarray(0, ctx), (N + i) * ctx);
  }

  const rng = createRandom(`denoiser error ${noiseSeed}`);
  const latentIn = new Float32Array(2 * N * n);
  const rows: ErrorRow[] = [];
  for (let k = 0; k < timesteps.length; k++) {
    hooks.signal?.throwIfAborted();
    const t = timesteps[k];
    const a = abar[t];
    const eps = fillNormal(rng, new Float32Array(N * n));
    const xt = addNoise(x0, eps, a);
    latentIn.set(xt, 0);
    latentIn.set(xt, N * n);
    const run = await runner.run(
      model,
      {
        latent: float32(latentIn, [2 * N, 1, LATENT_CHANNELS, h, w]),
        timestep: float32(new Float32Array(2 * N).fill(t), [2 * N]),
        context: float32(context, [2 * N, MAX_TOKENS, CONTEXT_WIDTH]),
      },
      call,
    );
    const pred = run.outputs.prediction?.data as Float32Array | undefined;
    if (!pred || pred.length !== 2 * N * n) throw new Error(`${model}: expected a prediction of (${2 * N}, 1, ${LATENT_CHANNELS}, ${h}, ${w})`);
    const half = (from: number) => toEpsilonAndX0(pred.subarray(from * N * n, (from + 1) * N * n), xt, a, settings.predictionType);
    const cond = half(0), empty = half(1);
    const row: ErrorRow = {
      t,
      alphaBar: a,
      epsCaption: meanSquaredError(cond.epsilon, eps),
      epsEmpty: meanSquaredError(empty.epsilon, eps),
      x0Caption: meanSquaredError(cond.x0, x0),
      x0Empty: meanSquaredError(empty.x0, x0),
    };
    rows.push(row);
    hooks.onRow?.(row, k, timesteps.length);
  }
  return { rows, model, images: N, worldSeed, noiseSeed, captions, frames, valuesPerImage: n };
}
