/**
 * Diffusion in two dimensions, with no weights: 2-D data sets, the forward
 * process on particles, the exact (ideal) denoiser of a data set, and DDPM /
 * DDIM sampling with it. DOM-free; chapter 0 draws what this computes.
 *
 * The ideal denoiser. For a data set of N points d_1 … d_N (the "training
 * set", each equally likely) and x_t = √ᾱ·x₀ + √(1 − ᾱ)·ε, the posterior of x₀
 * given x_t is a weighting of the data points, and its mean is
 *
 *   E[x₀ | x_t] = Σ_i w_i·d_i,   w = softmax_i( −‖x_t − √ᾱ·d_i‖² / (2(1 − ᾱ)) ).
 *
 * That is the best possible x₀-prediction (the minimiser of the training loss
 * E‖x̂₀(x_t) − x₀‖² over every function), and so what a network trained on these
 * N points would converge to if it could represent any function. As ᾱ → 1 the
 * softmax picks the nearest data point, so sampling with it ends on a training
 * point: it memorises (Karras et al. 2022, "the ideal denoiser"; Kadkhodaie et
 * al. 2024 on why trained networks do not).
 *
 * Points are interleaved (x₀, y₀, x₁, y₁, …) in Float32Arrays. Arithmetic is in
 * float64. Expanding ‖x − a·d‖² = ‖x‖² − 2a·x·d + a²‖d‖², the ‖x‖² term is the
 * same for every i and cancels in the softmax, so a logit is a dot product plus
 * a constant: logit_i = x·u_i + c_i with u_i = a·d_i/s², c_i = −a²‖d_i‖²/(2s²).
 */
import { createRandom, fillNormal, seedToUint32, type Random } from '../random';
import { addNoise } from '../diffusion/forward';
import { ddimStep, ddpmStep } from '../diffusion/samplers';
import type { NoiseSchedule } from '../diffusion/schedule';
import { prevTimestepOf, setTimesteps, type TimestepSpacing } from '../diffusion/timesteps';

/** The data sets chapter 0 offers; 'drawn' is the reader's own points. */
export const DATASETS_2D = ['spiral', 'moons', 'drawn'] as const;
export type Dataset2D = (typeof DATASETS_2D)[number];

/** Every built-in data set lies inside [−DATA_EXTENT, DATA_EXTENT]² (the reader's points are clamped to it). */
export const DATA_EXTENT = 1.6;
/** Half the side of the square the chapter shows: noise N(0, 1) reaches about ±3. */
export const VIEW_EXTENT = 3.5;

/** A 2-D data set: n points, interleaved x, y. */
export interface Points2D {
  xy: Float32Array;
  n: number;
}

function points(xy: Float32Array): Points2D {
  return { xy, n: xy.length >> 1 };
}

/**
 * A spiral of one and a half turns (the 2-D "Swiss roll" of Sohl-Dickstein et al. 2015's
 * toy figures): n points spread evenly along its length, a little jitter, inside
 * [−DATA_EXTENT, DATA_EXTENT]². Same seed, same points.
 */
export function spiral(n: number, seed: number | string = 'spiral'): Points2D {
  assertCount('spiral', n);
  const rng = createRandom(seed);
  const xy = new Float32Array(2 * n);
  const start = 1.5 * Math.PI, end = 4.5 * Math.PI;
  for (let i = 0; i < n; i++) {
    // arc length grows as θ², so θ = √(uniform over [start², end²]) spreads points evenly along the curve
    const theta = Math.sqrt(start * start + rng.uniform() * (end * end - start * start));
    const r = (1.45 * theta) / end;
    xy[2 * i] = r * Math.cos(theta) + 0.03 * rng.normal();
    xy[2 * i + 1] = r * Math.sin(theta) + 0.03 * rng.normal();
  }
  return points(clampInto(xy, DATA_EXTENT));
}

/** Two interleaving half circles (scikit-learn's make_moons), centred and scaled into the data square. */
export function twoMoons(n: number, seed: number | string = 'moons'): Points2D {
  assertCount('twoMoons', n);
  const rng = createRandom(seed);
  const xy = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const theta = rng.uniform() * Math.PI;
    let x: number, y: number;
    if (i % 2 === 0) {
      x = Math.cos(theta);
      y = Math.sin(theta);
    } else {
      x = 1 - Math.cos(theta);
      y = 0.5 - Math.sin(theta);
    }
    // make_moons spans x ∈ [−1, 2], y ∈ [−0.5, 1]: centre it and scale by 1.
    xy[2 * i] = (x - 0.5) * 1.0 + 0.05 * rng.normal();
    xy[2 * i + 1] = (y - 0.25) * 1.0 + 0.05 * rng.normal();
  }
  return points(clampInto(xy, DATA_EXTENT));
}

/** A built-in data set by name (n points); 'drawn' is not built in. */
export function builtInDataset(name: Exclude<Dataset2D, 'drawn'>, n: number): Points2D {
  return name === 'spiral' ? spiral(n) : twoMoons(n);
}

function assertCount(fn: string, n: number) {
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) throw new RangeError(`${fn}: n must be an integer in [1, 1000000], got ${n}`);
}

function clampInto(xy: Float32Array, e: number): Float32Array {
  for (let i = 0; i < xy.length; i++) xy[i] = Math.min(e, Math.max(-e, xy[i]));
  return xy;
}

// ---------------------------------------------------------------------------
// The reader's points in a URL: each coordinate quantised to 12 bits over
// [−DATA_EXTENT, DATA_EXTENT] (a step of 0.0008), 3 bytes a point, base64url.

/** The most points a drawing may hold (about 1,070 URL characters). */
export const MAX_DRAWN_POINTS = 400;
const Q = 4095;

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function quantise(v: number): number {
  const c = Math.min(DATA_EXTENT, Math.max(-DATA_EXTENT, v));
  return Math.round(((c + DATA_EXTENT) / (2 * DATA_EXTENT)) * Q);
}

function dequantise(q: number): number {
  return (q / Q) * 2 * DATA_EXTENT - DATA_EXTENT;
}

/** Round a point to what `encodePoints` keeps, so the page shows exactly what a link restores. */
export function snapPoint(x: number, y: number): [number, number] {
  return [dequantise(quantise(x)), dequantise(quantise(y))];
}

/** Points (interleaved) → URL-safe text; at most MAX_DRAWN_POINTS are kept. */
export function encodePoints(xy: ArrayLike<number>): string {
  const n = Math.min(MAX_DRAWN_POINTS, xy.length >> 1);
  let out = '';
  for (let i = 0; i < n; i++) {
    const a = quantise(xy[2 * i]), b = quantise(xy[2 * i + 1]);
    const bits = (a << 12) | b; // 24 bits = 4 characters
    out += B64[(bits >> 18) & 63] + B64[(bits >> 12) & 63] + B64[(bits >> 6) & 63] + B64[bits & 63];
  }
  return out;
}

export interface DecodedPoints {
  points: Points2D;
  /** What was wrong with the text (empty when nothing). Decoding never throws. */
  problems: string[];
}

/** URL text → points. Bad characters or a ragged end are dropped and said so. */
export function decodePoints(text: string): DecodedPoints {
  const problems: string[] = [];
  const clean = typeof text === 'string' ? text : '';
  let usable = clean.replace(/[^A-Za-z0-9_-]/g, '');
  if (usable.length !== clean.length) problems.push(`${clean.length - usable.length} character(s) that are not point data were skipped`);
  if (usable.length % 4 !== 0) {
    problems.push('the point data ends in the middle of a point; that point was dropped');
    usable = usable.slice(0, usable.length - (usable.length % 4));
  }
  let n = usable.length / 4;
  if (n > MAX_DRAWN_POINTS) {
    problems.push(`more than ${MAX_DRAWN_POINTS} points; kept the first ${MAX_DRAWN_POINTS}`);
    n = MAX_DRAWN_POINTS;
  }
  const xy = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    let bits = 0;
    for (let k = 0; k < 4; k++) bits = (bits << 6) | B64.indexOf(usable[4 * i + k]);
    xy[2 * i] = dequantise((bits >> 12) & 0xfff);
    xy[2 * i + 1] = dequantise(bits & 0xfff);
  }
  return { points: points(xy), problems };
}

// ---------------------------------------------------------------------------
// The forward process on particles.

/** x_t = √ᾱ·x₀ + √(1 − ᾱ)·ε for every particle (interleaved), into `out` when given. */
export function noiseParticles(x0: ArrayLike<number>, eps: ArrayLike<number>, alphaBar: number, out?: Float32Array): Float32Array {
  return addNoise(x0, eps, alphaBar, out);
}

/** Standard normal ε for `n` particles (2n numbers) from a seed: the same seed, the same ε. */
export function particleNoise(n: number, seed: number): Float32Array {
  return fillNormal(createRandom(seed), new Float32Array(2 * n));
}

// ---------------------------------------------------------------------------
// The ideal denoiser.

/** Logits more than this far below the largest add less than e^-40 of weight each: skipped. */
const LOGIT_CUTOFF = 40;

/**
 * What the sampler and the field ask of a denoiser: x̂₀ for many x_t (interleaved) at noise level ᾱ.
 * The ideal denoiser below is one; a network trained on the same points is another
 * (pipeline/lessons/mlp2d.ts). `data` is the data set it denoises towards (for a network, the one it
 * was trained on).
 */
export interface Denoiser2D {
  readonly data: Points2D;
  predictX0(xt: ArrayLike<number>, alphaBar: number, out?: Float32Array): Float32Array;
}

/** e^(−k·ln2/16) for k = 0 … 1023: covers e^x down to x = −44. */
const EXP_STEPS = 16;
const EXP_TABLE = Float64Array.from({ length: 1024 }, (_, k) => Math.exp((-k * Math.LN2) / EXP_STEPS));
const TO_STEPS = EXP_STEPS * Math.LOG2E;
const STEP = Math.LN2 / EXP_STEPS;

/**
 * e^x for x in [−LOGIT_CUTOFF, 0], to a relative error below 1e-8: e^x = e^(−k·ln2/16)·e^t with
 * k the nearest whole number to −16·x·log₂e and |t| ≤ ln2/32, e^t by its Taylor series to degree 3.
 * The softmax's exps are most of the denoiser's work, and this is several times faster than
 * Math.exp in V8 (Math.floor(v + 0.5) too is much faster than Math.round, which it equals here).
 */
export function expNonPositive(x: number): number {
  const d = -x * TO_STEPS;
  const k = Math.floor(d + 0.5);
  const t = (k - d) * STEP;
  return EXP_TABLE[k] * (1 + t * (1 + t * (0.5 + t * (1 / 6))));
}

/**
 * E[x₀ | x_t] under the empirical data distribution, for many x_t at once.
 * Keeps per-ᾱ tables and scratch space, so repeated calls allocate nothing.
 */
export class IdealDenoiser implements Denoiser2D {
  readonly data: Points2D;
  private readonly dx: Float64Array;
  private readonly dy: Float64Array;
  private readonly ux: Float64Array;
  private readonly uy: Float64Array;
  private readonly c: Float64Array;
  private readonly logits: Float64Array;
  private tableFor = NaN;

  constructor(data: Points2D) {
    if (!data || data.n < 1 || data.xy.length < 2 * data.n) throw new RangeError('IdealDenoiser: the data set needs at least one point');
    this.data = data;
    this.dx = new Float64Array(data.n);
    this.dy = new Float64Array(data.n);
    for (let i = 0; i < data.n; i++) {
      this.dx[i] = data.xy[2 * i];
      this.dy[i] = data.xy[2 * i + 1];
    }
    this.ux = new Float64Array(data.n);
    this.uy = new Float64Array(data.n);
    this.c = new Float64Array(data.n);
    this.logits = new Float64Array(data.n);
  }

  private prepare(alphaBar: number) {
    if (alphaBar === this.tableFor) return;
    const { n } = this.data;
    const a = Math.sqrt(alphaBar), s2 = 1 - alphaBar;
    for (let i = 0; i < n; i++) {
      const dx = this.dx[i], dy = this.dy[i];
      this.ux[i] = (a * dx) / s2;
      this.uy[i] = (a * dy) / s2;
      this.c[i] = (-alphaBar * (dx * dx + dy * dy)) / (2 * s2);
    }
    this.tableFor = alphaBar;
  }

  /**
   * x̂₀ for each point of `xt` (interleaved) at noise level ᾱ, written into `out`.
   * At ᾱ = 1 (no noise) it is the nearest data point; at ᾱ = 0 the mean of the data.
   */
  predictX0(xt: ArrayLike<number>, alphaBar: number, out?: Float32Array): Float32Array {
    if (!(alphaBar >= 0 && alphaBar <= 1)) throw new RangeError(`IdealDenoiser: alphaBar must be in [0, 1], got ${alphaBar}`);
    if (xt.length % 2 !== 0) throw new RangeError('IdealDenoiser: points must be interleaved x, y pairs');
    const result = out ?? new Float32Array(xt.length);
    if (result.length !== xt.length) throw new RangeError(`IdealDenoiser: out has length ${result.length}, expected ${xt.length}`);
    const m = xt.length >> 1;
    const { xy, n } = this.data;
    if (1 - alphaBar < 1e-12) {
      for (let j = 0; j < m; j++) {
        const k = nearestIndex(xy, n, xt[2 * j], xt[2 * j + 1]);
        result[2 * j] = xy[2 * k];
        result[2 * j + 1] = xy[2 * k + 1];
      }
      return result;
    }
    this.prepare(alphaBar);
    const { dx, dy, ux, uy, c, logits } = this;
    for (let j = 0; j < m; j++) {
      const x = xt[2 * j], y = xt[2 * j + 1];
      let max = -Infinity;
      for (let i = 0; i < n; i++) {
        const l = x * ux[i] + y * uy[i] + c[i];
        logits[i] = l;
        if (l > max) max = l;
      }
      const floor = max - LOGIT_CUTOFF;
      let sum = 0, sx = 0, sy = 0;
      for (let i = 0; i < n; i++) {
        const l = logits[i];
        if (l < floor) continue;
        // expNonPositive(l − max), inlined by hand: this loop is the sampler's whole cost
        const d = (max - l) * TO_STEPS;
        const k = Math.floor(d + 0.5);
        const t = (k - d) * STEP;
        const w = EXP_TABLE[k] * (1 + t * (1 + t * (0.5 + t * (1 / 6))));
        sum += w;
        sx += w * dx[i];
        sy += w * dy[i];
      }
      result[2 * j] = sx / sum;
      result[2 * j + 1] = sy / sum;
    }
    return result;
  }

  /** The posterior weights w_i of one x_t (they sum to 1): which training points it could have come from. */
  weights(x: number, y: number, alphaBar: number): Float64Array {
    const { xy, n } = this.data;
    const w = new Float64Array(n);
    if (1 - alphaBar < 1e-12) {
      w[nearestIndex(xy, n, x, y)] = 1;
      return w;
    }
    const a = Math.sqrt(alphaBar), s2 = 1 - alphaBar;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const dx = x - a * xy[2 * i], dy = y - a * xy[2 * i + 1];
      w[i] = -(dx * dx + dy * dy) / (2 * s2);
      if (w[i] > max) max = w[i];
    }
    let sum = 0;
    for (let i = 0; i < n; i++) sum += w[i] = Math.exp(w[i] - max);
    for (let i = 0; i < n; i++) w[i] /= sum;
    return w;
  }
}

/** Index of the data point nearest (x, y). */
export function nearestIndex(xy: ArrayLike<number>, n: number, x: number, y: number): number {
  let best = 0, bestD = Infinity;
  for (let i = 0; i < n; i++) {
    const dx = x - xy[2 * i], dy = y - xy[2 * i + 1];
    const d = dx * dx + dy * dy;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

/** Distance from each point to its nearest data point. */
export function distancesToData(pts: ArrayLike<number>, data: Points2D): Float32Array {
  const m = pts.length >> 1;
  const out = new Float32Array(m);
  for (let j = 0; j < m; j++) {
    const k = nearestIndex(data.xy, data.n, pts[2 * j], pts[2 * j + 1]);
    out[j] = Math.hypot(pts[2 * j] - data.xy[2 * k], pts[2 * j + 1] - data.xy[2 * k + 1]);
  }
  return out;
}

/**
 * The denoiser's field on a grid over [−extent, extent]²: at each grid point x,
 * the prediction x̂₀(x). Returns the grid points and the predictions, interleaved.
 */
export function denoiserField(
  denoiser: Denoiser2D,
  alphaBar: number,
  cells: number,
  extent = VIEW_EXTENT,
): { at: Float32Array; predX0: Float32Array } {
  if (!Number.isInteger(cells) || cells < 1 || cells > 200) throw new RangeError(`denoiserField: cells must be an integer in [1, 200], got ${cells}`);
  const at = new Float32Array(2 * cells * cells);
  const step = (2 * extent) / cells;
  let k = 0;
  for (let r = 0; r < cells; r++) {
    for (let q = 0; q < cells; q++) {
      at[k++] = -extent + (q + 0.5) * step;
      at[k++] = -extent + (r + 0.5) * step;
    }
  }
  return { at, predX0: denoiser.predictX0(at, alphaBar) };
}

// ---------------------------------------------------------------------------
// Sampling with the ideal denoiser.

export const SAMPLERS_2D = ['ddpm', 'ddim'] as const;
export type Sampler2DName = (typeof SAMPLERS_2D)[number];

export interface Sampler2DOptions {
  data: Points2D;
  /** Number of particles to sample. */
  particles: number;
  seed: number;
  sampler: Sampler2DName;
  /** Number of sampling steps S, 1 … T. */
  steps: number;
  schedule: Pick<NoiseSchedule, 'alphasCumprod'>;
  /** Default 'trailing', which starts at t = T − 1 (pure noise) for any S. */
  timestepSpacing?: TimestepSpacing;
  /** DDIM's η; default 0 (deterministic). */
  eta?: number;
}

/**
 * Particles flowing back from noise to data: x_T ~ N(0, I), then one DDPM or
 * DDIM step per `step()` call, the model being the ideal denoiser or any other
 * Denoiser2D (an x₀-prediction, diffusers' prediction_type 'sample'). `path[k]` is the state
 * after k steps (path[0] = x_T); `timesteps[k]` the t that step k starts from.
 */
export class Sampler2D {
  readonly denoiser: Denoiser2D;
  readonly timesteps: Int32Array;
  readonly path: Float32Array[] = [];
  readonly options: Required<Sampler2DOptions>;
  private readonly rng: Random;
  private readonly predX0: Float32Array;
  private readonly noise: Float32Array;

  /** `denoiser`: the ideal denoiser of `options.data` when left out (or made for another data set). */
  constructor(options: Sampler2DOptions, denoiser?: Denoiser2D) {
    const T = options.schedule.alphasCumprod.length;
    this.options = { timestepSpacing: 'trailing', eta: 0, ...options };
    if (!SAMPLERS_2D.includes(options.sampler)) throw new RangeError(`Sampler2D: unknown sampler ${JSON.stringify(options.sampler)}`);
    if (!Number.isInteger(options.particles) || options.particles < 1) throw new RangeError(`Sampler2D: particles must be a positive integer, got ${options.particles}`);
    this.denoiser = denoiser && denoiser.data === options.data ? denoiser : new IdealDenoiser(options.data);
    this.timesteps = setTimesteps(options.steps, { numTrainTimesteps: T, timestepSpacing: this.options.timestepSpacing });
    this.rng = createRandom(seedToUint32(options.seed));
    const x = fillNormal(this.rng, new Float32Array(2 * options.particles));
    this.path.push(x);
    this.predX0 = new Float32Array(x.length);
    this.noise = new Float32Array(x.length);
  }

  /** Steps taken so far. */
  get taken(): number {
    return this.path.length - 1;
  }

  get done(): boolean {
    return this.taken >= this.timesteps.length;
  }

  /** The particles now. */
  get current(): Float32Array {
    return this.path[this.path.length - 1];
  }

  /** One reverse step; returns false when there was none left. */
  step(): boolean {
    if (this.done) return false;
    const i = this.taken;
    const timestep = this.timesteps[i];
    const prevTimestep = prevTimestepOf(this.timesteps, i);
    const { schedule, sampler, eta } = this.options;
    const sample = this.current;
    this.denoiser.predictX0(sample, schedule.alphasCumprod[timestep], this.predX0);
    const needsNoise = prevTimestep >= 0 && (sampler === 'ddpm' || eta > 0);
    const args = {
      modelOutput: this.predX0,
      sample,
      timestep,
      prevTimestep,
      schedule,
      predictionType: 'sample' as const,
      noise: needsNoise ? fillNormal(this.rng, this.noise) : undefined,
    };
    const r = sampler === 'ddpm' ? ddpmStep(args) : ddimStep({ ...args, eta });
    this.path.push(r.prevSample);
    return true;
  }

  /** Every remaining step; returns the final particles. */
  run(): Float32Array {
    while (this.step());
    return this.current;
  }
}
