/**
 * Noise schedules: the betas β_t of the forward process and what follows from
 * them, α_t = 1 − β_t, ᾱ_t = α_0·α_1·…·α_t and SNR(t) = ᾱ_t / (1 − ᾱ_t).
 *
 * Names, options and defaults follow Hugging Face diffusers (`DDPMScheduler`,
 * `DDIMScheduler`): beta_schedule 'linear' | 'scaled_linear' |
 * 'squaredcos_cap_v2', num_train_timesteps = 1000, beta_start / beta_end,
 * rescale_betas_zero_snr. Timestep t runs 0 … T − 1, t = 0 the least noisy.
 * Everything is computed in float64 (diffusers uses float32 for the betas, so
 * the last digits may differ).
 */
import { assertInteger } from './tensor';

export type BetaSchedule = 'linear' | 'scaled_linear' | 'squaredcos_cap_v2';

export const BETA_SCHEDULES: readonly BetaSchedule[] = ['linear', 'scaled_linear', 'squaredcos_cap_v2'];

export interface ScheduleConfig {
  betaSchedule: BetaSchedule;
  /** T, the number of training timesteps; default 1000. */
  numTrainTimesteps?: number;
  /** Default 1e-4 for 'linear', 0.00085 for 'scaled_linear'; unused by 'squaredcos_cap_v2'. */
  betaStart?: number;
  /** Default 0.02 for 'linear', 0.012 for 'scaled_linear'; unused by 'squaredcos_cap_v2'. */
  betaEnd?: number;
  /** Lin et al. 2023: rescale so that ᾱ_{T−1} = 0 (zero terminal SNR); default false. */
  rescaleBetasZeroSnr?: boolean;
}

export interface NoiseSchedule {
  /** The config with every default filled in. */
  config: Required<ScheduleConfig>;
  betas: Float64Array;
  alphas: Float64Array;
  alphasCumprod: Float64Array;
  numTrainTimesteps: number;
}

/** Largest β of 'squaredcos_cap_v2' (diffusers' max_beta). */
export const MAX_COSINE_BETA = 0.999;

const MAX_TRAIN_TIMESTEPS = 1_000_000;

const DEFAULT_BETAS: Readonly<Record<BetaSchedule, readonly [number, number]>> = {
  linear: [1e-4, 0.02],
  scaled_linear: [0.00085, 0.012],
  squaredcos_cap_v2: [1e-4, 0.02],
};

/** Fills in defaults and throws a RangeError on anything out of range. */
export function resolveScheduleConfig(config: ScheduleConfig): Required<ScheduleConfig> {
  const fn = 'makeSchedule';
  if (config === null || typeof config !== 'object') throw new RangeError(`${fn}: expected a config object, got ${config}`);
  const { betaSchedule } = config;
  if (!BETA_SCHEDULES.includes(betaSchedule)) {
    throw new RangeError(`${fn}: unknown betaSchedule ${JSON.stringify(betaSchedule)}; expected one of ${BETA_SCHEDULES.join(', ')}`);
  }
  const numTrainTimesteps = config.numTrainTimesteps ?? 1000;
  const rescaleBetasZeroSnr = config.rescaleBetasZeroSnr ?? false;
  if (typeof rescaleBetasZeroSnr !== 'boolean') {
    throw new RangeError(`${fn}: rescaleBetasZeroSnr must be a boolean, got ${rescaleBetasZeroSnr}`);
  }
  assertInteger(fn, 'numTrainTimesteps', numTrainTimesteps, rescaleBetasZeroSnr ? 2 : 1, MAX_TRAIN_TIMESTEPS);
  const [defaultStart, defaultEnd] = DEFAULT_BETAS[betaSchedule];
  const betaStart = config.betaStart ?? defaultStart;
  const betaEnd = config.betaEnd ?? defaultEnd;
  for (const [name, beta] of [['betaStart', betaStart], ['betaEnd', betaEnd]] as const) {
    if (typeof beta !== 'number' || !Number.isFinite(beta) || beta <= 0 || beta >= 1) {
      throw new RangeError(`${fn}: ${name} must be a number in (0, 1), got ${beta}`);
    }
  }
  return { betaSchedule, numTrainTimesteps, betaStart, betaEnd, rescaleBetasZeroSnr };
}

/** n evenly spaced numbers from a to b inclusive, as numpy.linspace. */
export function linspace(a: number, b: number, n: number): Float64Array {
  const out = new Float64Array(n);
  const step = n > 1 ? (b - a) / (n - 1) : 0;
  for (let i = 0; i < n; i++) out[i] = a + i * step;
  if (n > 1) out[n - 1] = b;
  return out;
}

/** ᾱ(s) of the cosine schedule (Nichol & Dhariwal 2021), s in [0, 1]. */
export function cosineAlphaBar(s: number): number {
  return Math.cos(((s + 0.008) / 1.008) * Math.PI / 2) ** 2;
}

/** β_i = min(1 − ᾱ((i+1)/T)/ᾱ(i/T), 0.999), diffusers' betas_for_alpha_bar. */
export function cosineBetas(numTrainTimesteps: number, maxBeta = MAX_COSINE_BETA): Float64Array {
  const T = numTrainTimesteps;
  const betas = new Float64Array(T);
  for (let i = 0; i < T; i++) betas[i] = Math.min(1 - cosineAlphaBar((i + 1) / T) / cosineAlphaBar(i / T), maxBeta);
  return betas;
}

/** The betas of a config, zero-SNR rescaled when asked. */
export function betasFor(config: ScheduleConfig): Float64Array {
  const c = resolveScheduleConfig(config);
  const T = c.numTrainTimesteps;
  let betas: Float64Array;
  if (c.betaSchedule === 'linear') {
    betas = linspace(c.betaStart, c.betaEnd, T);
  } else if (c.betaSchedule === 'scaled_linear') {
    betas = linspace(Math.sqrt(c.betaStart), Math.sqrt(c.betaEnd), T).map((s) => s * s);
  } else {
    betas = cosineBetas(T);
  }
  return c.rescaleBetasZeroSnr ? rescaleZeroTerminalSnr(betas) : betas;
}

/**
 * Lin et al. 2023, "Common Diffusion Noise Schedules and Sample Steps are
 * Flawed": shift and scale √ᾱ so that the last one is 0 and the first is
 * unchanged, then turn ᾱ back into betas. The last β becomes 1 (ᾱ_{T−1} = 0).
 */
export function rescaleZeroTerminalSnr(betas: ArrayLike<number>): Float64Array {
  const T = betas.length;
  if (T < 2) throw new RangeError(`rescaleZeroTerminalSnr: needs at least 2 betas, got ${T}`);
  const sqrtAbar = alphasCumprod(betas).map(Math.sqrt);
  const s0 = sqrtAbar[0], sT = sqrtAbar[T - 1];
  if (!(s0 > sT)) throw new RangeError('rescaleZeroTerminalSnr: ᾱ must decrease from the first to the last step');
  const abar = sqrtAbar.map((s) => ((s - sT) * s0 / (s0 - sT)) ** 2);
  const out = new Float64Array(T);
  out[0] = 1 - abar[0];
  for (let t = 1; t < T; t++) out[t] = 1 - abar[t] / abar[t - 1];
  return out;
}

/** ᾱ_t = ∏_{s ≤ t} (1 − β_s). */
export function alphasCumprod(betas: ArrayLike<number>): Float64Array {
  const out = new Float64Array(betas.length);
  let product = 1;
  for (let t = 0; t < betas.length; t++) out[t] = product *= 1 - betas[t];
  return out;
}

/** Signal-to-noise ratio ᾱ / (1 − ᾱ): 0 where ᾱ = 0, Infinity where ᾱ = 1. */
export function snr(alphasCumprod: ArrayLike<number>): Float64Array {
  const out = new Float64Array(alphasCumprod.length);
  for (let t = 0; t < out.length; t++) out[t] = alphasCumprod[t] / (1 - alphasCumprod[t]);
  return out;
}

/** A validated schedule: config with defaults, betas, alphas and ᾱ. */
export function makeSchedule(config: ScheduleConfig): NoiseSchedule {
  const resolved = resolveScheduleConfig(config);
  const betas = betasFor(resolved);
  return {
    config: resolved,
    betas,
    alphas: betas.map((b) => 1 - b),
    alphasCumprod: alphasCumprod(betas),
    numTrainTimesteps: resolved.numTrainTimesteps,
  };
}
