// Sample a latent clip with a denoiser: the reverse process, step by step.
//
// The denoiser's schedule, prediction type and timestep spacing come from its
// manifest entry; the sampler (DDIM with η, or DDPM), the number of steps and
// the guidance scale default to the entry's and may be changed. Each step runs
// the denoiser once on a batch of 2, [unconditional, conditional] (batch 1 when
// the guidance scale is exactly 1 or 0), combines the two predictions with
// classifier-free guidance, and takes a sampler step (../diffusion).
//
// Random numbers come from pipeline/random.ts seeded with `seed`, in a fixed
// order, so the same options give the same noise in Node and in the browser:
//   1. the starting noise, F·4·H·W normals, frame by frame (then, for a model
//      trained on noise its frames share, `shared_noise` in its manifest entry,
//      4·H·W more for the shared part: ../diffusion/noise.ts);
//   2. then, for each step that adds noise (DDPM, or DDIM with η > 0; never the
//      last step), noise drawn the same way.
// Fixed frames (image-to-video by replacement): before the first step and after
// every step, the latent of each fixed frame is replaced by its known latent
// noised to the current timestep with that frame's starting noise, and by the
// known latent itself at the end (no extra random numbers).
// SDEdit (`init`): start from a given latent noised to the timestep where the
// last ⌊steps·strength⌋ steps begin, as diffusers' img2img.
// Cancellation: the signal is checked before every step.
// `runAs` calls a twin of the model at each step (another manifest entry naming
// the same file, e.g. dit_inspect with its attention outputs) and hands the
// step's outputs to onStep: one call gives the sample and what the twin shows.
import { addNoise } from '../diffusion/forward';
import { classifierFreeGuidance, rescaleNoiseCfg } from '../diffusion/guidance';
import { ddimStep, ddpmStep, type SamplerStepResult } from '../diffusion/samplers';
import { prevTimestepOf, setTimesteps } from '../diffusion/timesteps';
import { fillFrameNoise } from '../diffusion/noise';
import { createRandom } from '../random';
import { denoiserSettings, modelEntry, sameFile, scheduleOf, type Manifest, type SamplerName } from '../runtime/manifest';
import { float32, type BackendReport, type ModelRunner, type Outputs } from '../runtime/models';
import type { Contexts } from './contexts';
import { CONTEXT_WIDTH, POOLED_WIDTH, textStates, type CallOptions } from './prompt';
import { MAX_TOKENS } from '../world/tokenizer';

export const LATENT_CHANNELS = 4;
/** A frame's latent height and width by default: 8 × 8 (a 32 × 32 frame, 4 × down in each direction). */
export const LATENT_SIDE = 8;

export interface FixedFrame {
  /** Which frame, 0-based. */
  index: number;
  /** Its known latent, scaled (as the denoiser sees it), (4, H, W). */
  latent: Float32Array;
}

export interface Capture {
  /** x_t after each step (x_{t_prev}). */
  sample?: boolean;
  /** x̂₀ of each step. */
  predX0?: boolean;
  /** ε̂ of each step. */
  predEpsilon?: boolean;
  /** The guided model output of each step (v for v-prediction). */
  modelOutput?: boolean;
  /** The model's input x_t of each step. */
  input?: boolean;
  /** Both halves of the model's raw output, [uncond, cond], before guidance. */
  rawOutput?: boolean;
  /** Capture every n-th step only (and always the last); default 1. */
  every?: number;
}

export interface SampleOptions {
  /** A denoiser in the manifest: 'dit', 'unet', 'dit_snap4', … */
  model: string;
  /**
   * Call this manifest entry at each step instead of `model`: a twin that names the same file
   * (e.g. dit_inspect, which also returns attention maps); settings and states still come from
   * `model`. The step's `outputs` then hold everything the twin returns.
   */
  runAs?: string;
  context: Contexts;
  seed: number;
  /** Default: the manifest's num_inference_steps. */
  steps?: number;
  /** Default: the manifest's guidance_scale. */
  guidance?: number;
  /** Guidance rescale φ in [0, 1] (Lin et al.); default 0. */
  guidanceRescale?: number;
  /** Default: the manifest's sampler. */
  sampler?: SamplerName;
  /** DDIM's η in [0, 1]; default 0 (deterministic). Ignored by DDPM. */
  eta?: number;
  /** Default: 8 for a model trained on clips, 1 for an image model. */
  frames?: number;
  /** Latent height and width (even); default 8 × 8 (32 × 32 pixels). */
  height?: number;
  width?: number;
  fixedFrames?: FixedFrame[];
  /** SDEdit: start from this latent (scaled, (F, 4, H, W)), keeping `strength` in [0, 1] of the steps. */
  init?: { latent: Float32Array; strength: number };
  capture?: Capture;
}

export interface StepProgress {
  /** 1-based. */
  step: number;
  of: number;
  timestep: number;
  prevTimestep: number;
  /** This step's denoiser time, ms. */
  ms: number;
  report: BackendReport;
  input?: Float32Array;
  sample?: Float32Array;
  predX0?: Float32Array;
  predEpsilon?: Float32Array;
  modelOutput?: Float32Array;
  rawOutput?: Float32Array;
  /** With `runAs`: everything the twin returned this step, by output name (the batch is `halves`). */
  outputs?: Outputs;
  /** The batch the denoiser saw, in order: [uncond, cond], or one of them when guidance is 1 or 0. */
  halves?: readonly Half[];
}

/** A half of a guided batch. */
export type Half = 'uncond' | 'cond';

export interface SampleHooks extends CallOptions {
  /** After each step; a returned promise is awaited before the next step (e.g. to decode a preview). */
  onStep?: (p: StepProgress) => void | Promise<void>;
}

export interface ResolvedSampleOptions {
  model: string;
  seed: number;
  steps: number;
  guidance: number;
  guidanceRescale: number;
  sampler: SamplerName;
  eta: number;
  frames: number;
  height: number;
  width: number;
}

export interface SampleResult {
  /** The clean latent, scaled, (F, 4, H, W). */
  latent: Float32Array;
  shape: [number, number, number, number];
  options: ResolvedSampleOptions;
  /** The timesteps visited, in order. */
  timesteps: number[];
  /** Denoiser time of each step, ms. */
  stepMs: number[];
  /** What ran the denoiser's last step. */
  report: BackendReport | null;
}

/**
 * Whether a denoiser takes the pooled caption embedding as an input `pooled` (dit_adaln: text
 * through adaLN): its manifest entry lists it among its inputs or in the shapes its FLOPs were counted at.
 */
export function denoiserTakesPooled(manifest: Manifest, model: string): boolean {
  const e = modelEntry(manifest, model);
  const has = (v: unknown) => !!v && typeof v === 'object' && Object.hasOwn(v, 'pooled');
  return has(e.inputs) || has(e.flops_shapes);
}

/** The per-token states `model` reads from the contexts: the CLIP's, or the context blocks' `phrases`. */
export function statesFor(manifest: Manifest, model: string, c: Contexts): { cond: Float32Array; uncond: Float32Array } {
  if (textStates(manifest, model) === 'hidden') return { cond: c.cond, uncond: c.uncond };
  if (!c.phrasesCond || !c.phrasesUncond) {
    throw new RangeError(`sample: ${model} reads the text encoder's phrases output; give context.phrasesCond and phrasesUncond (guidanceContexts does)`);
  }
  return { cond: c.phrasesCond, uncond: c.phrasesUncond };
}

/** The entry a sampler calls for `model`: `runAs` when given, which must name the same file. */
export function denoiserToRun(manifest: Manifest, model: string, runAs?: string): string {
  if (runAs === undefined || runAs === model) return model;
  if (!sameFile(manifest, model, runAs)) {
    const named = (m: string) => modelEntry(manifest, m).file;
    throw new RangeError(`sample: ${runAs} is not a twin of ${model} (it names ${named(runAs)}, not ${named(model)}); runAs must name the same file`);
  }
  return runAs;
}

/** The frames a model makes by default: 8 when it was trained on clips, else 1. */
export function defaultFrames(manifest: Manifest, model: string): number {
  const e = modelEntry(manifest, model);
  return typeof e.trained_on === 'string' && /clip/.test(e.trained_on) ? 8 : 1;
}

/** Every option filled in from the manifest, and checked. */
export function resolveSampleOptions(manifest: Manifest, o: Omit<SampleOptions, 'context'>): ResolvedSampleOptions {
  const s = denoiserSettings(manifest, o.model);
  const r: ResolvedSampleOptions = {
    model: o.model,
    seed: o.seed,
    steps: o.steps ?? s.numInferenceSteps,
    guidance: o.guidance ?? s.guidanceScale,
    guidanceRescale: o.guidanceRescale ?? 0,
    sampler: o.sampler ?? s.sampler,
    eta: o.eta ?? 0,
    frames: o.frames ?? defaultFrames(manifest, o.model),
    height: o.height ?? LATENT_SIDE,
    width: o.width ?? LATENT_SIDE,
  };
  const int = (name: keyof ResolvedSampleOptions, lo: number, hi: number) => {
    const v = r[name] as number;
    if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`sample: ${name} must be an integer in [${lo}, ${hi}], got ${v}`);
  };
  int('steps', 1, s.numTrainTimesteps);
  int('frames', 1, 64);
  int('height', 2, 64);
  int('width', 2, 64);
  if (r.height % 2 || r.width % 2) throw new RangeError(`sample: the latent height and width must be even (2 × 2 patches), got ${r.height} × ${r.width}`);
  if (!Number.isFinite(r.guidance) || r.guidance < 0 || r.guidance > 50) throw new RangeError(`sample: guidance must be in [0, 50], got ${r.guidance}`);
  if (!(r.guidanceRescale >= 0 && r.guidanceRescale <= 1)) throw new RangeError(`sample: guidanceRescale must be in [0, 1], got ${r.guidanceRescale}`);
  if (!(r.eta >= 0 && r.eta <= 1)) throw new RangeError(`sample: eta must be in [0, 1], got ${r.eta}`);
  if (!Number.isFinite(r.seed)) throw new RangeError(`sample: seed must be a number, got ${r.seed}`);
  if (r.sampler !== 'ddim' && r.sampler !== 'ddpm') throw new RangeError(`sample: unknown sampler ${r.sampler}`);
  return r;
}

/**
 * The starting noise `sample` draws for these options, (F, 4, H, W): the first draws of the seed's
 * generator, with the frames' shared part the model was trained on. For a figure that shows it.
 */
export function startingNoise(manifest: Manifest, o: Pick<SampleOptions, 'model' | 'seed' | 'frames' | 'height' | 'width'>): Float32Array {
  const r = resolveSampleOptions(manifest, o);
  const n = r.frames * LATENT_CHANNELS * r.height * r.width;
  return fillFrameNoise(createRandom(r.seed), new Float32Array(n), r.frames, denoiserSettings(manifest, r.model).sharedNoise);
}

export async function sample(runner: ModelRunner, options: SampleOptions, hooks: SampleHooks = {}): Promise<SampleResult> {
  const manifest = await runner.manifest();
  const o = resolveSampleOptions(manifest, options);
  const settings = denoiserSettings(manifest, o.model);
  const schedule = scheduleOf(manifest, o.model);
  const abar = schedule.alphasCumprod;
  const { frames: F, height: H, width: W } = o;
  const frameSize = LATENT_CHANNELS * H * W;
  const n = F * frameSize;
  const ctx = MAX_TOKENS * CONTEXT_WIDTH;
  const states = statesFor(manifest, o.model, options.context);
  const denoiser = denoiserToRun(manifest, o.model, options.runAs);
  if (states.cond.length !== ctx || states.uncond.length !== ctx) {
    throw new RangeError(`sample: each context must be (${MAX_TOKENS}, ${CONTEXT_WIDTH})`);
  }
  const fixed = options.fixedFrames ?? [];
  for (const f of fixed) {
    if (!Number.isInteger(f.index) || f.index < 0 || f.index >= F) throw new RangeError(`sample: fixed frame index ${f.index} is outside [0, ${F - 1}]`);
    if (f.latent.length !== frameSize) throw new RangeError(`sample: fixed frame ${f.index} must be (4, ${H}, ${W})`);
  }
  let timesteps = Array.from(setTimesteps(o.steps, { numTrainTimesteps: settings.numTrainTimesteps, timestepSpacing: settings.timestepSpacing }));

  const rng = createRandom(o.seed);
  const drawNoise = (): Float32Array => fillFrameNoise(rng, new Float32Array(n), F, settings.sharedNoise);
  const noise0 = drawNoise();
  let x: Float32Array;
  if (options.init) {
    const { latent, strength } = options.init;
    if (latent.length !== n) throw new RangeError(`sample: init latent must be (${F}, 4, ${H}, ${W})`);
    if (!(strength >= 0 && strength <= 1)) throw new RangeError(`sample: init strength must be in [0, 1], got ${strength}`);
    const keep = Math.min(Math.floor(o.steps * strength), o.steps);
    timesteps = timesteps.slice(o.steps - keep);
    x = timesteps.length ? addNoise(latent, noise0, abar[timesteps[0]]) : Float32Array.from(latent);
  } else {
    x = Float32Array.from(noise0);
  }
  const replaceFixed = (t: number) => {
    for (const f of fixed) {
      const at = f.index * frameSize;
      const part = t < 0 ? f.latent : addNoise(f.latent, noise0.subarray(at, at + frameSize), abar[t]);
      x.set(part, at);
    }
  };
  if (timesteps.length) replaceFixed(timesteps[0]);

  // Batch: [uncond, cond], or one of them when the guidance scale makes the other irrelevant.
  const halves: Half[] = o.guidance === 1 ? ['cond'] : o.guidance === 0 ? ['uncond'] : ['uncond', 'cond'];
  const B = halves.length;
  const context = new Float32Array(B * ctx);
  halves.forEach((h, i) => context.set(states[h], i * ctx));
  // A denoiser that takes the pooled caption embedding too (text through adaLN) gets it, half by half.
  const takesPooled = denoiserTakesPooled(manifest, o.model);
  let pooled: Float32Array | null = null;
  if (takesPooled) {
    const { pooledCond, pooledUncond } = options.context;
    if (!pooledCond || !pooledUncond || pooledCond.length !== POOLED_WIDTH || pooledUncond.length !== POOLED_WIDTH) {
      throw new RangeError(`sample: ${o.model} takes the pooled caption embedding; give context.pooledCond and pooledUncond of (${POOLED_WIDTH})`);
    }
    const halvesPooled = { cond: pooledCond, uncond: pooledUncond };
    pooled = new Float32Array(B * POOLED_WIDTH);
    halves.forEach((h, i) => pooled!.set(halvesPooled[h], i * POOLED_WIDTH));
  }
  const latentIn = new Float32Array(B * n);
  const every = Math.max(1, Math.floor(options.capture?.every ?? 1));
  const cap = options.capture ?? {};
  const stepMs: number[] = [];
  let report: BackendReport | null = null;

  for (let i = 0; i < timesteps.length; i++) {
    hooks.signal?.throwIfAborted();
    const t = timesteps[i];
    const tPrev = prevTimestepOf(timesteps, i);
    for (let b = 0; b < B; b++) latentIn.set(x, b * n);
    const run = await runner.run(
      denoiser,
      {
        latent: float32(latentIn, [B, F, LATENT_CHANNELS, H, W]),
        timestep: float32(new Float32Array(B).fill(t), [B]),
        context: float32(context, [B, MAX_TOKENS, CONTEXT_WIDTH]),
        ...(pooled ? { pooled: float32(pooled, [B, POOLED_WIDTH]) } : {}),
      },
      hooks,
    );
    report = run.report;
    stepMs.push(run.ms);
    const pred = run.outputs.prediction?.data as Float32Array | undefined;
    if (!pred || pred.length !== B * n) throw new Error(`${denoiser}: expected a prediction of (${B}, ${F}, 4, ${H}, ${W})`);
    let guided: Float32Array;
    if (B === 1) guided = pred;
    else {
      const uncond = pred.subarray(0, n), cond = pred.subarray(n);
      guided = classifierFreeGuidance(uncond, cond, o.guidance);
      if (o.guidanceRescale > 0) rescaleNoiseCfg(guided, cond, o.guidanceRescale, guided);
    }
    const args = {
      modelOutput: guided,
      timestep: t,
      prevTimestep: tPrev,
      sample: x,
      schedule,
      predictionType: settings.predictionType,
    };
    let step: SamplerStepResult;
    if (o.sampler === 'ddpm') {
      const noise = tPrev >= 0 ? drawNoise() : undefined;
      step = ddpmStep({ ...args, noise });
    } else {
      const needsNoise = o.eta > 0 && tPrev >= 0;
      step = ddimStep({ ...args, eta: o.eta, noise: needsNoise ? drawNoise() : undefined });
    }
    const input = x;
    x = step.prevSample;
    replaceFixed(tPrev);
    const last = i === timesteps.length - 1;
    const captured = last || (i + 1) % every === 0;
    await hooks.onStep?.({
      step: i + 1,
      of: timesteps.length,
      timestep: t,
      prevTimestep: tPrev,
      ms: run.ms,
      report: run.report,
      ...(captured && cap.input ? { input } : {}),
      ...(captured && cap.sample ? { sample: Float32Array.from(x) } : {}),
      ...(captured && cap.predX0 ? { predX0: step.predX0 } : {}),
      ...(captured && cap.predEpsilon ? { predEpsilon: step.predEpsilon } : {}),
      ...(captured && cap.modelOutput ? { modelOutput: B === 1 ? Float32Array.from(guided) : guided } : {}),
      ...(captured && cap.rawOutput ? { rawOutput: Float32Array.from(pred) } : {}),
      ...(denoiser !== o.model ? { outputs: run.outputs } : {}),
      halves,
    });
  }
  hooks.signal?.throwIfAborted();
  return { latent: x, shape: [F, LATENT_CHANNELS, H, W], options: o, timesteps, stepMs, report };
}
