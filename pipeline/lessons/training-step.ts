// One training step of a latent denoiser, as weights/train/train_denoiser.py
// takes it, without the gradient: the loss the step would descend.
//
//   z₀  = VAE encoder(clip) · scaling_factor          (weights/train/latents.py: posterior mean, scaled)
//   ε   = per frame (a·ε_shared + ε_f′)/√(1 + a²)      (diffusion.frame_noise; a = the manifest's
//         shared_noise_trained, the a the weights learned at; images and one frame: a = 0)
//   z_t = √ᾱ_t·z₀ + √(1 − ᾱ_t)·ε
//   v   = √ᾱ_t·ε − √(1 − ᾱ_t)·z₀                      (diffusion.v_target)
//   v̂   = denoiser(z_t, t, the caption's text states)  (one call, batch 1, no guidance)
//   loss          = mean over every value of (v̂ − v)²   (per_sample in the training loop)
//   min-SNR loss  = w(t)·loss, w = min(SNR, 5)/(SNR + 1) (diffusion.min_snr_weight; Hang et al. 2023)
//
// The training loop averages the weighted loss over a batch; here the batch is
// one clip. ε̂ and x̂₀ are read off the same call (../diffusion/forward.ts):
// ε̂ − ε = √ᾱ·(v̂ − v) and x̂₀ − z₀ = −√(1 − ᾱ)·(v̂ − v), so their errors are
// the v error times ᾱ and 1 − ᾱ. Random numbers: createRandom(`training noise
// ${seed}`) through fillFrameNoise (the frames' own normals, then the shared
// part, the order frame_noise draws in). DOM-free: the page runs it over the
// model worker, Node over its own sessions (test/unit/lessons/training-step.test.ts
// checks it against weights/train/training_step_golden.py's PyTorch numbers).
import { addNoise, toEpsilonAndX0, velocity } from '../diffusion/forward';
import { fillFrameNoise } from '../diffusion/noise';
import { createRandom } from '../random';
import { denoiserSettings, modelEntry, scheduleOf, type Manifest } from '../runtime/manifest';
import { float32, int32, type BackendPreference, type ModelRunner } from '../runtime/models';
import { CONTEXT_WIDTH, TEXT_ENCODER, textStates } from '../text-to-video/prompt';
import { LATENT_CHANNELS } from '../text-to-video/sample';
import { encodeFrames, type Frames } from '../text-to-video/vae';
import { MAX_TOKENS, tokenize } from '../world/tokenizer';
import { parsePrompt } from '../world/caption';
import { generateClip } from '../world/generate';

/** γ of the min-SNR-γ weighting the denoisers here trained with (train_denoiser.py: D.min_snr_weight(t), default 5). */
export const MIN_SNR_GAMMA = 5;

export interface CallHooks {
  backend?: BackendPreference;
  signal?: AbortSignal;
}

/** The frames' shared part a that `model`'s weights were trained at: shared_noise_trained, else shared_noise, else 0. */
export function trainedSharedNoise(manifest: Manifest, model: string): number {
  const e = modelEntry(manifest, model);
  const a = e.shared_noise_trained ?? e.shared_noise ?? 0;
  return typeof a === 'number' && a >= 0 && Number.isFinite(a) ? a : 0;
}

/** The step's ε for `frames` frames of `valuesPerFrame` values: a clip's frames share a part `shared`; one frame gets plain N(0, I). */
export function trainingNoise(seed: number, frames: number, shared: number, valuesPerFrame = LATENT_CHANNELS * 64): Float32Array {
  return fillFrameNoise(createRandom(`training noise ${seed}`), new Float32Array(frames * valuesPerFrame), frames, frames > 1 ? shared : 0);
}

/** A world clip that fits `prompt` (8 frames when it names a motion, else one), drawn by `seed`, with its full caption. */
export function worldClipOf(prompt: string, seed: number): { clip: Frames; caption: string } {
  const phrases = parsePrompt(prompt).phrases;
  const frames = phrases.some((p) => p.motion) ? 8 : 1;
  const c = generateClip(seed, { frames, phrases });
  return { clip: { frames: c.frames, numFrames: c.numFrames, width: c.width, height: c.height }, caption: c.caption };
}

/** SNR(t) = ᾱ/(1 − ᾱ) (Kingma et al. 2021). */
export const snrOf = (abar: number) => abar / (1 - abar);

/** The min-SNR-γ weight of a v-prediction loss: min(SNR, γ)/(SNR + 1). */
export function minSnrWeight(abar: number, gamma = MIN_SNR_GAMMA): number {
  const snr = snrOf(abar);
  return Math.min(snr, gamma) / (snr + 1);
}

/**
 * What each objective weighs the x₀ error by at ᾱ (Hang et al. 2023's way of putting them side by side):
 * the ε-loss is SNR·‖x̂₀ − x₀‖², the v-loss (SNR + 1)·‖x̂₀ − x₀‖², the x₀-loss 1·‖x̂₀ − x₀‖², and min-SNR-γ
 * min(SNR, γ)·‖x̂₀ − x₀‖² (on v it is the v-loss times min(SNR, γ)/(SNR + 1)).
 */
export function lossWeights(abar: number, gamma = MIN_SNR_GAMMA): { snr: number; epsilon: number; x0: number; v: number; minSnr: number } {
  const snr = snrOf(abar);
  return { snr, epsilon: snr, x0: 1, v: snr + 1, minSnr: Math.min(snr, gamma) };
}

/** Mean of (a − b)² in float64. */
export function meanSquare(a: ArrayLike<number>, b: ArrayLike<number>, from = 0, to = a.length): number {
  let s = 0;
  for (let i = from; i < to; i++) {
    const d = a[i] - b[i];
    s += d * d;
  }
  return to > from ? s / (to - from) : 0;
}

/** What a step needs before any denoiser: the clip's latent, the caption's text states, and the noise. */
export interface PreparedStep {
  caption: string;
  /** The caption's token ids (24). */
  tokens: Int32Array;
  numFrames: number;
  /** Latent height and width. */
  height: number;
  width: number;
  t: number;
  alphaBar: number;
  /** z₀, the scaled latent (F, 4, h, w). */
  z0: Float32Array;
  eps: Float32Array;
  zt: Float32Array;
  /** The v target. */
  v: Float32Array;
  /** The text encoder's per-token outputs for the caption, (24, 128) each: `hidden` and, where it has them, `phrases`. */
  text: { hidden: Float32Array; phrases?: Float32Array };
}

export interface PrepareOptions {
  clip: Frames;
  caption: string;
  t: number;
  /** ε of the clip's latent shape, (F, 4, h, w): trainingNoise's, or any other. */
  eps: Float32Array;
}

/** The per-token states `model` reads of the prepared caption. */
export function contextFor(manifest: Manifest, model: string, step: Pick<PreparedStep, 'text'>): Float32Array {
  const which = textStates(manifest, model);
  const states = which === 'phrases' ? step.text.phrases : step.text.hidden;
  if (!states) throw new Error(`${model} reads the text encoder's ${which} output, which this text encoder does not give`);
  return states;
}

/** The timestep and its ᾱ in `model`'s schedule, checked. */
function alphaBarAt(manifest: Manifest, model: string, t: number): number {
  const T = denoiserSettings(manifest, model).numTrainTimesteps;
  if (!Number.isInteger(t) || t < 0 || t >= T) throw new RangeError(`training step: t must be an integer in [0, ${T - 1}], got ${t}`);
  return scheduleOf(manifest, model).alphasCumprod[t];
}

/** Encodes the clip (VAE encoder) and the caption (text encoder, batch 1), and builds z_t and v: two model calls. */
export async function prepareTrainingStep(runner: ModelRunner, model: string, o: PrepareOptions, hooks: CallHooks = {}): Promise<PreparedStep> {
  const manifest = await runner.manifest();
  const alphaBar = alphaBarAt(manifest, model, o.t);
  hooks.signal?.throwIfAborted();
  const encoded = await encodeFrames(runner, o.clip, hooks);
  const z0 = encoded.latent;
  const [F, , h, w] = encoded.shape;
  if (o.eps.length !== z0.length) throw new RangeError(`training step: ε must be (${F}, ${LATENT_CHANNELS}, ${h}, ${w}), got ${o.eps.length} values`);
  hooks.signal?.throwIfAborted();
  const tokens = tokenize(o.caption).ids;
  const out = await runner.run(TEXT_ENCODER, { tokens: int32(Int32Array.from(tokens), [1, MAX_TOKENS]) }, hooks);
  const n = MAX_TOKENS * CONTEXT_WIDTH;
  const hidden = out.outputs.hidden?.data as Float32Array | undefined;
  const phrases = out.outputs.phrases?.data as Float32Array | undefined;
  if (!hidden || hidden.length !== n) throw new Error(`text_encoder: expected hidden (1, ${MAX_TOKENS}, ${CONTEXT_WIDTH})`);
  return {
    caption: o.caption,
    tokens: Int32Array.from(tokens),
    numFrames: F,
    height: h,
    width: w,
    t: o.t,
    alphaBar,
    z0,
    eps: Float32Array.from(o.eps),
    zt: addNoise(z0, o.eps, alphaBar),
    v: velocity(z0, o.eps, alphaBar),
    text: { hidden: Float32Array.from(hidden), ...(phrases && phrases.length === n ? { phrases: Float32Array.from(phrases) } : {}) },
  };
}

/** One denoiser's answer to a prepared step, and its losses. */
export interface StepPrediction {
  model: string;
  /** v̂ (F, 4, h, w). */
  prediction: Float32Array;
  /** mean (v̂ − v)², the unweighted v-loss. */
  loss: number;
  /** min(SNR, 5)/(SNR + 1) at t. */
  weight: number;
  /** weight · loss: what training descends. */
  weightedLoss: number;
  /** ε̂ and x̂₀ read off the same call, and their mean squared errors against ε and z₀. */
  epsHat: Float32Array;
  x0Hat: Float32Array;
  epsLoss: number;
  x0Loss: number;
  /** The v-loss of each frame. */
  frameLoss: number[];
  /** (v̂ − v)² averaged over the 4 channels: F planes of h × w. */
  errorMap: Float32Array;
  ms: number;
}

/** Runs `model` once on the step's z_t (batch 1, the caption's states, no guidance) and scores it. */
export async function predictTrainingStep(runner: ModelRunner, model: string, step: PreparedStep, hooks: CallHooks = {}): Promise<StepPrediction> {
  const manifest = await runner.manifest();
  const alphaBar = alphaBarAt(manifest, model, step.t);
  const { numFrames: F, height: h, width: w } = step;
  hooks.signal?.throwIfAborted();
  const run = await runner.run(
    model,
    {
      latent: float32(Float32Array.from(step.zt), [1, F, LATENT_CHANNELS, h, w]),
      timestep: float32(new Float32Array([step.t]), [1]),
      context: float32(Float32Array.from(contextFor(manifest, model, step)), [1, MAX_TOKENS, CONTEXT_WIDTH]),
    },
    hooks,
  );
  const pred = run.outputs.prediction?.data as Float32Array | undefined;
  if (!pred || pred.length !== step.zt.length) throw new Error(`${model}: expected a prediction of (1, ${F}, ${LATENT_CHANNELS}, ${h}, ${w})`);
  const prediction = Float32Array.from(pred);
  return { model, ...scorePrediction(prediction, step, alphaBar, denoiserSettings(manifest, model).predictionType), ms: run.ms };
}

/** The losses of a prediction against the step's targets (the model's output converted to v first when it predicts ε or x₀). */
export function scorePrediction(
  prediction: Float32Array,
  step: Pick<PreparedStep, 'numFrames' | 'height' | 'width' | 'zt' | 'z0' | 'eps' | 'v'>,
  alphaBar: number,
  predictionType: Parameters<typeof toEpsilonAndX0>[3] = 'v_prediction',
): Omit<StepPrediction, 'model' | 'ms'> {
  const { epsilon: epsHat, x0: x0Hat } = toEpsilonAndX0(prediction, step.zt, alphaBar, predictionType);
  const vHat = predictionType === 'v_prediction' ? prediction : velocity(x0Hat, epsHat, alphaBar);
  const { numFrames: F, height: h, width: w } = step;
  const plane = h * w, frame = LATENT_CHANNELS * plane;
  const errorMap = new Float32Array(F * plane);
  const frameLoss: number[] = [];
  for (let f = 0; f < F; f++) {
    frameLoss.push(meanSquare(vHat, step.v, f * frame, (f + 1) * frame));
    for (let c = 0; c < LATENT_CHANNELS; c++) {
      for (let p = 0; p < plane; p++) {
        const i = f * frame + c * plane + p;
        const d = vHat[i] - step.v[i];
        errorMap[f * plane + p] += (d * d) / LATENT_CHANNELS;
      }
    }
  }
  const loss = meanSquare(vHat, step.v);
  const weight = minSnrWeight(alphaBar);
  return {
    prediction,
    loss,
    weight,
    weightedLoss: weight * loss,
    epsHat,
    x0Hat,
    epsLoss: meanSquare(epsHat, step.eps),
    x0Loss: meanSquare(x0Hat, step.z0),
    frameLoss,
    errorMap,
  };
}
