/**
 * Classifier-free guidance in two dimensions, with exact denoisers. DOM-free;
 * chapter 0's guidance figure draws what this computes.
 *
 * The data: the two moons of toy2d.ts, each moon a class (label 0 the upper
 * moon, 1 the lower). The conditional ideal denoiser of class c is
 * IdealDenoiser over that class's points only, E[x₀ | x_t, c]; the
 * unconditional one is over all the points, E[x₀ | x_t]. In ε form,
 * ε̂ = (x_t − √ᾱ·x̂₀)/√(1 − ᾱ), and guidance (Ho & Salimans 2022) is
 *
 *   ε̂_s = ε̂_u + s·(ε̂_c − ε̂_u)   (pipeline/diffusion/guidance.ts),
 *
 * s = 0 the unconditional model, s = 1 the conditional one. Since
 * ε̂ ∝ −∇log p_t(x_t), this is the score of p_t(x_t)·p_t(c | x_t)^s: s > 1
 * sharpens the classifier p(c | x) hidden in the two denoisers, pushing
 * samples to where the class is most certain, away from the other class, and,
 * for large s, past the data. ε̂ and x̂₀ are affine in each other with the same
 * coefficients for both models, so the guided x̂₀ is x̂₀_u + s·(x̂₀_c − x̂₀_u).
 *
 * Sampling is DDIM (η = 0) with the guided ε̂; half the particles ask for
 * each class.
 */
import { createRandom, fillNormal, seedToUint32 } from '../random';
import { classifierFreeGuidance } from '../diffusion/guidance';
import { ddimStep } from '../diffusion/samplers';
import type { NoiseSchedule } from '../diffusion/schedule';
import { prevTimestepOf, setTimesteps } from '../diffusion/timesteps';
import { IdealDenoiser, VIEW_EXTENT, nearestIndex, twoMoons, type Points2D } from './toy2d';

/** Chapter 0's guidance figure: particles a class, DDIM steps, the largest scale its slider reaches. */
export const GUIDE_PER_CLASS = 200;
export const GUIDE_STEPS = 50;
export const GUIDE_MAX_SCALE = 8;

/** The two classes, by label. */
export const MOON_CLASSES = ['upper', 'lower'] as const;
export type MoonClass = 0 | 1;

/** The three fields the figure can draw. */
export const GUIDANCE_FIELDS = ['guided', 'cond', 'uncond'] as const;
export type GuidanceField = (typeof GUIDANCE_FIELDS)[number];

/** A data set of two labelled classes: all points, and each class's points. */
export interface LabelledData {
  all: Points2D;
  labels: Uint8Array;
  classes: [Points2D, Points2D];
}

/** The two moons, each moon a class (twoMoons alternates them: even indices the upper moon). */
export function labelledMoons(n: number): LabelledData {
  const all = twoMoons(n);
  const labels = Uint8Array.from({ length: all.n }, (_, i) => i % 2);
  const split = (c: number): Points2D => {
    const xy: number[] = [];
    for (let i = 0; i < all.n; i++) if (labels[i] === c) xy.push(all.xy[2 * i], all.xy[2 * i + 1]);
    return { xy: Float32Array.from(xy), n: xy.length / 2 };
  };
  return { all, labels, classes: [split(0), split(1)] };
}

/** The unconditional and the two conditional ideal denoisers of a labelled data set. */
export class GuidedDenoiser {
  readonly uncond: IdealDenoiser;
  readonly cond: [IdealDenoiser, IdealDenoiser];

  constructor(readonly data: LabelledData) {
    this.uncond = new IdealDenoiser(data.all);
    this.cond = [new IdealDenoiser(data.classes[0]), new IdealDenoiser(data.classes[1])];
  }

  /** x̂₀ of one field for class c at noise level ᾱ < 1 (guided: x̂₀_u + s·(x̂₀_c − x̂₀_u)). */
  predictX0(field: GuidanceField, xt: ArrayLike<number>, alphaBar: number, c: MoonClass, scale: number): Float32Array {
    if (field === 'uncond') return this.uncond.predictX0(xt, alphaBar);
    const cond = this.cond[c].predictX0(xt, alphaBar);
    if (field === 'cond') return cond;
    return classifierFreeGuidance(this.uncond.predictX0(xt, alphaBar), cond, scale);
  }

  /** The guided ε̂ = ε̂_u + s·(ε̂_c − ε̂_u) for class c at noise level ᾱ < 1, each ε̂ from its denoiser's x̂₀. */
  epsilon(xt: ArrayLike<number>, alphaBar: number, c: MoonClass, scale: number): Float32Array {
    if (!(alphaBar < 1)) throw new RangeError(`GuidedDenoiser.epsilon: alphaBar must be below 1, got ${alphaBar}`);
    const a = Math.sqrt(alphaBar), s = Math.sqrt(1 - alphaBar);
    const toEps = (x0: Float32Array) => {
      const e = new Float32Array(xt.length);
      for (let i = 0; i < xt.length; i++) e[i] = (xt[i] - a * x0[i]) / s;
      return e;
    };
    const epsU = toEps(this.uncond.predictX0(xt, alphaBar));
    const epsC = toEps(this.cond[c].predictX0(xt, alphaBar));
    return classifierFreeGuidance(epsU, epsC, scale);
  }
}

/** One field on a grid over the view, for class c: grid points and x̂₀ there (as toy2d.ts denoiserField). */
export function guidanceField(
  model: GuidedDenoiser,
  field: GuidanceField,
  alphaBar: number,
  c: MoonClass,
  scale: number,
  cells: number,
  extent = VIEW_EXTENT,
): { at: Float32Array; predX0: Float32Array } {
  const at = new Float32Array(2 * cells * cells);
  const step = (2 * extent) / cells;
  let k = 0;
  for (let r = 0; r < cells; r++) {
    for (let q = 0; q < cells; q++) {
      at[k++] = -extent + (q + 0.5) * step;
      at[k++] = -extent + (r + 0.5) * step;
    }
  }
  return { at, predX0: model.predictX0(field, at, alphaBar, c, scale) };
}

export interface GuidedSampleOptions {
  /** Particles for each class (the first half asks for class 0, the second for class 1). */
  perClass: number;
  seed: number;
  scale: number;
  steps: number;
  schedule: Pick<NoiseSchedule, 'alphasCumprod'>;
}

/**
 * DDIM (η = 0, trailing spacing) with the guided ε̂, one step a `step()` call. `path[k]` holds
 * the particles after k steps, interleaved; `labels[j]` the class particle j asked for.
 */
export class GuidedSampler {
  readonly path: Float32Array[];
  readonly labels: Uint8Array;
  readonly timesteps: Int32Array;

  constructor(readonly model: GuidedDenoiser, readonly options: GuidedSampleOptions) {
    const { perClass, steps, schedule, seed } = options;
    if (!Number.isInteger(perClass) || perClass < 1) throw new RangeError(`GuidedSampler: perClass must be a positive integer, got ${perClass}`);
    this.timesteps = setTimesteps(steps, { numTrainTimesteps: schedule.alphasCumprod.length, timestepSpacing: 'trailing' });
    this.path = [fillNormal(createRandom(seedToUint32(seed)), new Float32Array(4 * perClass))];
    this.labels = Uint8Array.from({ length: 2 * perClass }, (_, j) => (j < perClass ? 0 : 1));
  }

  get taken(): number {
    return this.path.length - 1;
  }

  get current(): Float32Array {
    return this.path[this.path.length - 1];
  }

  step(): boolean {
    if (this.taken >= this.timesteps.length) return false;
    const i = this.taken, timestep = this.timesteps[i];
    const { schedule, scale, perClass } = this.options;
    const x = this.current, half = 2 * perClass;
    const eps = new Float32Array(x.length);
    for (const c of [0, 1] as const) eps.set(this.model.epsilon(x.subarray(c * half, (c + 1) * half), schedule.alphasCumprod[timestep], c, scale), c * half);
    const r = ddimStep({ modelOutput: eps, sample: x, timestep, prevTimestep: prevTimestepOf(this.timesteps, i), schedule, predictionType: 'epsilon', eta: 0 });
    this.path.push(r.prevSample);
    return true;
  }

  run(): Float32Array {
    while (this.step());
    return this.current;
  }
}

export interface GuidanceMeasures {
  /** Share of samples nearer a training point of their own class than any of the other class. */
  classShare: number;
  /** Mean distance from a sample to the nearest training point of its own class. */
  meanDistance: number;
  /** RMS distance of each class's samples from their own mean, averaged over the classes. */
  spread: number;
}

/** RMS distance of points from their mean. */
export function rmsSpread(xy: ArrayLike<number>): number {
  const m = xy.length >> 1;
  let mx = 0, my = 0;
  for (let j = 0; j < m; j++) {
    mx += xy[2 * j] / m;
    my += xy[2 * j + 1] / m;
  }
  let ss = 0;
  for (let j = 0; j < m; j++) ss += (xy[2 * j] - mx) ** 2 + (xy[2 * j + 1] - my) ** 2;
  return Math.sqrt(ss / m);
}

/** How the samples sit against the labelled data: class share, distance to their class, spread. */
export function measureGuided(samples: ArrayLike<number>, labels: ArrayLike<number>, data: LabelledData): GuidanceMeasures {
  const m = samples.length >> 1;
  let own = 0, dist = 0;
  const byClass: [number[], number[]] = [[], []];
  for (let j = 0; j < m; j++) {
    const x = samples[2 * j], y = samples[2 * j + 1], c = labels[j] as MoonClass;
    const mine = data.classes[c], other = data.classes[1 - c];
    const a = nearestIndex(mine.xy, mine.n, x, y), b = nearestIndex(other.xy, other.n, x, y);
    const da = Math.hypot(x - mine.xy[2 * a], y - mine.xy[2 * a + 1]);
    const db = Math.hypot(x - other.xy[2 * b], y - other.xy[2 * b + 1]);
    if (da < db) own++;
    dist += da;
    byClass[c].push(x, y);
  }
  const spreads = byClass.filter((p) => p.length > 0).map(rmsSpread);
  return { classShare: own / m, meanDistance: dist / m, spread: spreads.reduce((s, v) => s + v, 0) / spreads.length };
}

/**
 * How far past the data the guided guess goes: the mean distance from the guided x̂₀ of each
 * particle (the first `perClass` asking for class 0, the rest for class 1) to the nearest training
 * point of its class, at noise level ᾱ < 1.
 */
export function guessDistance(model: GuidedDenoiser, xt: Float32Array, perClass: number, alphaBar: number, scale: number): number {
  let sum = 0;
  for (const c of [0, 1] as const) {
    const part = xt.subarray(c * 2 * perClass, (c + 1) * 2 * perClass);
    const guess = model.predictX0('guided', part, alphaBar, c, scale);
    const pts = model.data.classes[c];
    for (let j = 0; j < guess.length; j += 2) {
      const k = nearestIndex(pts.xy, pts.n, guess[j], guess[j + 1]);
      sum += Math.hypot(guess[j] - pts.xy[2 * k], guess[j + 1] - pts.xy[2 * k + 1]);
    }
  }
  return sum / (2 * perClass);
}
