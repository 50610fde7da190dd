/**
 * Flow matching (rectified flow) in two dimensions, with the exact velocity
 * field of a finite data set, beside DDIM with the exact denoiser. DOM-free;
 * chapter 0's flow figure draws what this computes.
 *
 * The path. Flow matching (Lipman et al. 2023; rectified flow, Liu et al.
 * 2023; SD3, Esser et al. 2024) joins a data point x₀ and noise ε by a straight
 * line, x_t = (1 − t)·x₀ + t·ε for t from 0 (data) to 1 (noise), and trains a
 * network v(x_t, t) on the velocity of that line, dx_t/dt = ε − x₀.
 *
 * The exact field. For data points d_1 … d_N, each equally likely, x_t given
 * x₀ = d_i is N((1 − t)·d_i, t²·I), so the posterior over the points is
 *
 *   w_i(x_t) = softmax_i( −‖x_t − (1 − t)·d_i‖² / (2t²) ),
 *
 * and the best velocity in squared error is the posterior mean of ε − x₀.
 * Given x₀ = d_i the noise is ε = (x_t − (1 − t)·d_i)/t, so ε − x₀ =
 * (x_t − d_i)/t, and averaging over i:
 *
 *   v(x_t, t) = Σ_i w_i·(x_t − d_i)/t = (x_t − E[x₀ | x_t]) / t.
 *
 * E[x₀ | x_t] is the ideal denoiser of toy2d.ts under another parametrisation:
 * with c = √((1 − t)² + t²), x_t/c = ((1 − t)/c)·x₀ + (t/c)·ε is a
 * variance-preserving x_t with √ᾱ = (1 − t)/c, and the two posteriors are the
 * same (their logits differ by the factor c² in both numerator and
 * denominator). So the flow reuses IdealDenoiser.
 *
 * Sampling: Euler steps from t = 1 (ε) to t = 0, x_{t−h} = x_t − h·v(x_t, t).
 * The last step lands on E[x₀ | x_t] exactly. Algebraically an Euler step of
 * this flow IS a DDIM step (η = 0) for the schedule α = 1 − t, σ = t:
 * x_s = (s/t)·x_t + (1 − s/t)·x̂₀ both ways. With the same field the two
 * samplers differ in where their steps fall (and in the space the paths are
 * drawn in), which the tests check.
 */
import { createRandom, fillNormal, seedToUint32 } from '../random';
import type { NoiseSchedule } from '../diffusion/schedule';
import { IdealDenoiser, Sampler2D, type Points2D } from './toy2d';

/** Chapter 0's flow figure: particles, the step counts its error is measured at, the many-step reference, the error it calls "the same samples". */
export const FLOW_PARTICLES = 300;
export const FLOW_STEP_COUNTS = [1, 2, 3, 4, 5, 6, 8, 10, 13, 16, 20, 25, 32, 40, 50, 64, 80, 100] as const;
export const FLOW_MAX_STEPS = 100;
export const FLOW_REFERENCE_STEPS = 500;
export const FLOW_TOLERANCE = 0.05;
/** The last stretch of a path, for straightness: from where the noise is half the signal (σ/α = 1/2, SNR 4) to the end. */
export const LATE_SNR = 4;

/** E[x₀ | x_t] for the flow's x_t = (1 − t)·x₀ + t·ε, t in [0, 1], for every point of `xt`. */
export function flowPredictX0(denoiser: IdealDenoiser, xt: ArrayLike<number>, t: number, out?: Float32Array): Float32Array {
  if (!(t >= 0 && t <= 1)) throw new RangeError(`flowPredictX0: t must be in [0, 1], got ${t}`);
  const c = Math.hypot(1 - t, t);
  const scaled = new Float32Array(xt.length);
  for (let i = 0; i < xt.length; i++) scaled[i] = xt[i] / c;
  const a = (1 - t) / c;
  return denoiser.predictX0(scaled, Math.min(1, a * a), out);
}

/** The exact velocity v(x_t, t) = (x_t − E[x₀ | x_t])/t, t in (0, 1], for every point of `xt`. */
export function flowVelocity(denoiser: IdealDenoiser, xt: ArrayLike<number>, t: number, out?: Float32Array): Float32Array {
  if (!(t > 0 && t <= 1)) throw new RangeError(`flowVelocity: t must be in (0, 1], got ${t}`);
  const x0 = flowPredictX0(denoiser, xt, t);
  const v = out ?? new Float32Array(xt.length);
  for (let i = 0; i < xt.length; i++) v[i] = (xt[i] - x0[i]) / t;
  return v;
}

/** The starting noise of `particles` particles for a seed: the very x_T that Sampler2D draws for the same seed. */
export function startingNoise(particles: number, seed: number): Float32Array {
  return fillNormal(createRandom(seedToUint32(seed)), new Float32Array(2 * particles));
}

/**
 * Euler sampling of the exact flow, from t = 1 down to 0 in `steps` equal steps, one step a
 * `step()` call. `path[k]` holds the particles after k steps (path[0] the starting noise);
 * `times[k]` the t they are at.
 */
export class FlowSampler {
  readonly path: Float32Array[];
  readonly times: Float64Array;
  private readonly v: Float32Array;

  constructor(readonly denoiser: IdealDenoiser, start: Float32Array, readonly steps: number) {
    if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`FlowSampler: steps must be a positive integer, got ${steps}`);
    this.path = [start];
    this.times = Float64Array.from({ length: steps + 1 }, (_, k) => 1 - k / steps);
    this.v = new Float32Array(start.length);
  }

  get taken(): number {
    return this.path.length - 1;
  }

  get done(): boolean {
    return this.taken >= this.steps;
  }

  get current(): Float32Array {
    return this.path[this.path.length - 1];
  }

  /** One Euler step; false when none was left. */
  step(): boolean {
    if (this.done) return false;
    const k = this.taken, t = this.times[k], h = t - this.times[k + 1];
    const x = this.current;
    flowVelocity(this.denoiser, x, t, this.v);
    const next = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) next[i] = x[i] - h * this.v[i];
    this.path.push(next);
    return true;
  }

  run(): Float32Array {
    while (this.step());
    return this.current;
  }
}

// ---------------------------------------------------------------------------
// Measures.

/** Mean Euclidean distance between matching points of two interleaved sets. */
export function meanPairDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length === 0) throw new RangeError('meanPairDistance: the sets must be the same, non-zero size');
  let sum = 0;
  for (let j = 0; j < a.length; j += 2) sum += Math.hypot(a[j] - b[j], a[j + 1] - b[j + 1]);
  return sum / (a.length / 2);
}

/**
 * How far from straight the particles' paths are: for each particle, the length of its polyline
 * from state `from` to the end, divided by the distance between those two states (1 for a
 * straight line); the median over the particles (a particle that ends near where it started
 * would dominate a mean).
 */
export function pathStraightness(path: readonly Float32Array[], from = 0): number {
  const m = path[0].length >> 1;
  const first = path[from], last = path[path.length - 1];
  const ratios = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    let length = 0;
    for (let k = from + 1; k < path.length; k++) length += Math.hypot(path[k][2 * j] - path[k - 1][2 * j], path[k][2 * j + 1] - path[k - 1][2 * j + 1]);
    const chord = Math.hypot(last[2 * j] - first[2 * j], last[2 * j + 1] - first[2 * j + 1]);
    ratios[j] = chord > 1e-9 ? length / chord : 1;
  }
  ratios.sort();
  return m % 2 ? ratios[m >> 1] : (ratios[m / 2 - 1] + ratios[m / 2]) / 2;
}

/** Signal-to-noise ratio of the flow at t: ((1 − t)/t)². */
export function flowSnr(t: number): number {
  return ((1 - t) / t) ** 2;
}

/** The first state of a path whose signal-to-noise ratio is at least `snr`: for the flow's times, and for DDIM's timesteps. */
export function firstFlowStateAt(times: ArrayLike<number>, snr: number): number {
  for (let k = 0; k < times.length; k++) if (times[k] === 0 || flowSnr(times[k]) >= snr) return k;
  return times.length - 1;
}
export function firstDdimStateAt(timesteps: ArrayLike<number>, alphasCumprod: ArrayLike<number>, snr: number): number {
  for (let k = 0; k < timesteps.length; k++) {
    const a = alphasCumprod[timesteps[k]];
    if (a / (1 - a) >= snr) return k;
  }
  return timesteps.length; // the samples, past the last step
}

// ---------------------------------------------------------------------------
// The comparison the figure shows: flow and DDIM from the same noise.

export interface FlowComparisonOptions {
  data: Points2D;
  denoiser?: IdealDenoiser;
  particles: number;
  seed: number;
  /** DDIM's schedule (chapter 0's linear one). */
  schedule: Pick<NoiseSchedule, 'alphasCumprod'>;
  /** The step counts the error is measured at. */
  stepCounts: readonly number[];
  /** The many-step run both are measured against. */
  referenceSteps: number;
}

export interface FlowComparison {
  start: Float32Array;
  /** The many-step paths (referenceSteps + 1 states each). */
  flowReference: Float32Array[];
  ddimReference: Float32Array[];
  /** Path length / endpoint distance of the reference paths (median over particles): the whole path, and its last stretch (from SNR = LATE_SNR on). */
  straightness: { flow: number; ddim: number; flowLate: number; ddimLate: number };
  /** For each of stepCounts: mean distance of the samples to the reference run's samples. */
  stepCounts: number[];
  flowError: number[];
  ddimError: number[];
}

/** A flow run and a DDIM run of `steps` steps from the same seed (Sampler2D draws the same noise as startingNoise). */
export function samplerPair(o: Pick<FlowComparisonOptions, 'data' | 'particles' | 'seed' | 'schedule'> & { denoiser: IdealDenoiser }, steps: number): { flow: FlowSampler; ddim: Sampler2D } {
  const ddim = new Sampler2D({ data: o.data, particles: o.particles, seed: o.seed, sampler: 'ddim', steps, schedule: o.schedule }, o.denoiser);
  const flow = new FlowSampler(o.denoiser, ddim.path[0], steps);
  return { flow, ddim };
}

/**
 * Runs the comparison one sampler step at a time (a generator, so a page can slice the work; Node
 * just runs it to the end with `runToEnd`).
 */
export function* compareFlowDdim(o: FlowComparisonOptions): Generator<number, FlowComparison> {
  const denoiser = o.denoiser && o.denoiser.data === o.data ? o.denoiser : new IdealDenoiser(o.data);
  const opts = { ...o, denoiser };
  const ref = samplerPair(opts, o.referenceSteps);
  while (ref.flow.step()) yield 1;
  while (ref.ddim.step()) yield 1;
  const flowEnd = ref.flow.current, ddimEnd = ref.ddim.current;
  const flowError: number[] = [], ddimError: number[] = [];
  for (const k of o.stepCounts) {
    const run = samplerPair(opts, k);
    while (run.flow.step()) yield 1;
    while (run.ddim.step()) yield 1;
    flowError.push(meanPairDistance(run.flow.current, flowEnd));
    ddimError.push(meanPairDistance(run.ddim.current, ddimEnd));
  }
  return {
    start: ref.ddim.path[0],
    flowReference: ref.flow.path,
    ddimReference: ref.ddim.path,
    straightness: {
      flow: pathStraightness(ref.flow.path),
      ddim: pathStraightness(ref.ddim.path),
      flowLate: pathStraightness(ref.flow.path, firstFlowStateAt(ref.flow.times, LATE_SNR)),
      ddimLate: pathStraightness(ref.ddim.path, firstDdimStateAt(ref.ddim.timesteps, o.schedule.alphasCumprod, LATE_SNR)),
    },
    stepCounts: [...o.stepCounts],
    flowError,
    ddimError,
  };
}

/** Drives a generator to its end and returns its result. */
export function runToEnd<R>(gen: Generator<unknown, R>): R {
  for (;;) {
    const r = gen.next();
    if (r.done) return r.value;
  }
}

/** The fewest of the measured step counts whose error is below `tolerance` (null if none). */
export function stepsToReach(stepCounts: readonly number[], errors: readonly number[], tolerance: number): number | null {
  for (let i = 0; i < stepCounts.length; i++) if (errors[i] < tolerance) return stepCounts[i];
  return null;
}
