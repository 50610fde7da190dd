/**
 * One reverse step x_t → x_prev of the DDPM and DDIM samplers, as diffusers'
 * `DDPMScheduler.step` (variance_type 'fixed_small') and `DDIMScheduler.step`.
 *
 * With ᾱ_t, ᾱ_prev (ᾱ_prev = 1 when prevTimestep < 0, i.e. past the last step)
 * and β′ = 1 − ᾱ_t/ᾱ_prev:
 *   DDPM  x_prev = (√ᾱ_prev·β′/(1 − ᾱ_t))·x̂₀ + (√(1 − β′)·(1 − ᾱ_prev)/(1 − ᾱ_t))·x_t + σ·z,
 *         σ² = (1 − ᾱ_prev)/(1 − ᾱ_t)·β′ ('fixed_small'); no noise at the last step.
 *   DDIM  x_prev = √ᾱ_prev·x̂₀ + √(1 − ᾱ_prev − σ²)·ε̂ + σ·z,
 *         σ = η·√((1 − ᾱ_prev)/(1 − ᾱ_t))·√(1 − ᾱ_t/ᾱ_prev)  (Song et al. 2021).
 * η = 0 is deterministic; η = 1 gives DDPM's posterior exactly. `clipSample`
 * clips x̂₀ to [−1, 1] (diffusers' clip_sample; for pixel space, not latents);
 * predEpsilon is derived from the unclipped prediction, as in diffusers.
 * z is the caller's standard-normal `noise`, required whenever σ > 0.
 */
import { PREDICTION_TYPES, toEpsilonAndX0, type PredictionType } from './forward';
import type { NoiseSchedule } from './schedule';
import { assertSameLength } from './tensor';

export interface SamplerStepArgs {
  /** What the model returned for (sample, timestep). */
  modelOutput: ArrayLike<number>;
  /** The current timestep t, an integer in [0, T − 1]. */
  timestep: number;
  /** The timestep to step to, below `timestep`; negative past the last step. */
  prevTimestep: number;
  /** x_t. */
  sample: ArrayLike<number>;
  /** Only ᾱ is read. */
  schedule: Pick<NoiseSchedule, 'alphasCumprod'>;
  predictionType: PredictionType;
  /** Standard normal z, same length as sample; needed when the step adds noise. */
  noise?: ArrayLike<number>;
  /** Clip x̂₀ to [−1, 1]; default false. */
  clipSample?: boolean;
}

export interface DdimStepArgs extends SamplerStepArgs {
  /** η in [0, 1]: 0 deterministic DDIM, 1 as stochastic as DDPM. */
  eta: number;
}

export interface SamplerStepResult {
  /** x_prev, the sample at prevTimestep. */
  prevSample: Float32Array;
  /** x̂₀ (clipped when clipSample). */
  predX0: Float32Array;
  /** ε̂. */
  predEpsilon: Float32Array;
}

/** ᾱ_t and ᾱ_prev of a step, after checking the arguments. */
export function stepAlphas(fn: string, args: SamplerStepArgs): { abarT: number; abarPrev: number } {
  const { timestep, prevTimestep, sample, modelOutput, schedule, predictionType } = args;
  const abar = schedule?.alphasCumprod;
  if (!abar || abar.length < 1) throw new RangeError(`${fn}: schedule.alphasCumprod is missing or empty`);
  const T = abar.length;
  if (!Number.isInteger(timestep) || timestep < 0 || timestep >= T) {
    throw new RangeError(`${fn}: timestep must be an integer in [0, ${T - 1}], got ${timestep}`);
  }
  if (!Number.isInteger(prevTimestep) || prevTimestep >= timestep) {
    throw new RangeError(`${fn}: prevTimestep must be an integer below timestep ${timestep} (negative after the last step), got ${prevTimestep}`);
  }
  if (!PREDICTION_TYPES.includes(predictionType)) {
    throw new RangeError(`${fn}: unknown predictionType ${JSON.stringify(predictionType)}; expected one of ${PREDICTION_TYPES.join(', ')}`);
  }
  assertSameLength(fn, 'sample', sample, 'modelOutput', modelOutput);
  if (args.noise !== undefined) assertSameLength(fn, 'sample', sample, 'noise', args.noise);
  return { abarT: abar[timestep], abarPrev: prevTimestep >= 0 ? abar[prevTimestep] : 1 };
}

/** DDPM 'fixed_small' variance (1 − ᾱ_prev)/(1 − ᾱ_t)·(1 − ᾱ_t/ᾱ_prev). */
export function ddpmVariance(abarT: number, abarPrev: number): number {
  return ((1 - abarPrev) / (1 - abarT)) * (1 - abarT / abarPrev);
}

/** DDIM σ = η·√((1 − ᾱ_prev)/(1 − ᾱ_t))·√(1 − ᾱ_t/ᾱ_prev). */
export function ddimSigma(abarT: number, abarPrev: number, eta: number): number {
  return eta * Math.sqrt((1 - abarPrev) / (1 - abarT)) * Math.sqrt(1 - abarT / abarPrev);
}

/** Clip every element to [−1, 1], in place. */
export function clipInPlace(x: Float32Array): Float32Array {
  for (let i = 0; i < x.length; i++) x[i] = Math.min(1, Math.max(-1, x[i]));
  return x;
}

function requireNoise(fn: string, args: SamplerStepArgs, sigma: number, why: string): ArrayLike<number> | undefined {
  if (sigma === 0) return undefined;
  if (args.noise === undefined) throw new RangeError(`${fn}: noise is required ${why}`);
  return args.noise;
}

/** One DDPM step with the 'fixed_small' variance. */
export function ddpmStep(args: SamplerStepArgs): SamplerStepResult {
  const fn = 'ddpmStep';
  const { abarT, abarPrev } = stepAlphas(fn, args);
  const { epsilon, x0 } = toEpsilonAndX0(args.modelOutput, args.sample, abarT, args.predictionType);
  if (args.clipSample) clipInPlace(x0);
  const alphaT = abarT / abarPrev;
  const betaT = 1 - alphaT;
  const x0Coeff = (Math.sqrt(abarPrev) * betaT) / (1 - abarT);
  const xtCoeff = (Math.sqrt(alphaT) * (1 - abarPrev)) / (1 - abarT);
  const sigma = args.prevTimestep >= 0 ? Math.sqrt(Math.max(0, ddpmVariance(abarT, abarPrev))) : 0;
  const z = requireNoise(fn, args, sigma, 'for every step but the last (prevTimestep >= 0)');
  const { sample } = args;
  const prevSample = new Float32Array(sample.length);
  for (let i = 0; i < sample.length; i++) {
    prevSample[i] = x0Coeff * x0[i] + xtCoeff * sample[i] + (z ? sigma * z[i] : 0);
  }
  return { prevSample, predX0: x0, predEpsilon: epsilon };
}

/** One DDIM step with stochasticity η. */
export function ddimStep(args: DdimStepArgs): SamplerStepResult {
  const fn = 'ddimStep';
  const { abarT, abarPrev } = stepAlphas(fn, args);
  const { eta } = args;
  if (typeof eta !== 'number' || !Number.isFinite(eta) || eta < 0 || eta > 1) {
    throw new RangeError(`${fn}: eta must be a number in [0, 1], got ${eta}`);
  }
  const { epsilon, x0 } = toEpsilonAndX0(args.modelOutput, args.sample, abarT, args.predictionType);
  if (args.clipSample) clipInPlace(x0);
  const sigma = ddimSigma(abarT, abarPrev, eta);
  const z = requireNoise(fn, args, sigma, 'when eta > 0 (except at the last step)');
  const x0Coeff = Math.sqrt(abarPrev);
  const epsCoeff = Math.sqrt(Math.max(0, 1 - abarPrev - sigma * sigma));
  const prevSample = new Float32Array(x0.length);
  for (let i = 0; i < x0.length; i++) {
    prevSample[i] = x0Coeff * x0[i] + epsCoeff * epsilon[i] + (z ? sigma * z[i] : 0);
  }
  return { prevSample, predX0: x0, predEpsilon: epsilon };
}
