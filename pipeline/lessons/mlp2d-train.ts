/**
 * Training chapter 0's network (./mlp2d.ts) on a 2-D data set, one Adam step
 * at a time. Each step draws a batch: a data point x₀ (uniformly), a timestep
 * t (uniform over 0 … T − 1) and noise ε ~ N(0, I) for each example, forms
 * x_t = √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε, and minimises the ε-prediction loss of Ho et
 * al. 2020 ("L_simple"):
 *
 *   loss = mean over the batch and both coordinates of (ε̂(x_t, t) − ε)²
 *
 * with Adam (Kingma & Ba 2015). A seed fixes the initial weights and every
 * batch, so the weights after k steps are the same in Node, in the page's
 * worker, and however the steps are split into chunks.
 */
import { createRandom, type Random } from '../random';
import { MLP2D_CONFIG, Mlp2D, MlpDenoiser, initParams, parameterCount, writeInput, type Mlp2DConfig } from './mlp2d';
import { IdealDenoiser, Sampler2D, type Points2D } from './toy2d';

export interface TrainOptions {
  data: Points2D;
  /** Fixes the initial weights and the batches. */
  seed: number;
  /** ᾱ_t for t = 0 … T − 1 (T must be the config's `timesteps`). */
  alphasCumprod: ArrayLike<number>;
  /** Examples a step; default TRAIN_BATCH. */
  batch?: number;
  /** Adam's learning rate; default TRAIN_LR. */
  lr?: number;
  config?: Mlp2DConfig;
  /** Decay of the weights' exponential moving average (`ema`); default TRAIN_EMA. */
  emaDecay?: number;
  /** Steps over which the learning rate falls linearly to a tenth (then stays); default TRAIN_STEPS_MAX. */
  horizon?: number;
}

/** Examples in a training batch. */
export const TRAIN_BATCH = 32;
/** Adam's step size at first (β₁ = 0.9, β₂ = 0.999, ε = 1e-8, as PyTorch's defaults); it falls linearly to a tenth over TRAIN_STEPS_MAX steps. */
export const TRAIN_LR = 3e-3;
/** The most steps the figure trains (its Start runs to here), and the learning rate's horizon. */
export const TRAIN_STEPS_MAX = 20_000;
/**
 * What chapter 0 says of the loss on its default seed (1, the spiral): the mean batch loss over LOSS_WINDOW
 * steps falls below LOSS_BELOW within LOSS_WITHIN steps (measured: 0.2167 at 3,000; it starts near 0.9).
 * test/unit/lessons/mlp2d.test.ts and the browser test check it.
 */
export const LOSS_BELOW = 0.225;
export const LOSS_WITHIN = 3000;
export const LOSS_WINDOW = 500;
/** Decay of the moving average of the weights. */
export const TRAIN_EMA = 0.995;
const BETA1 = 0.9, BETA2 = 0.999, ADAM_EPS = 1e-8;

/** The network, its Adam state and its batches: `step()` takes one Adam step and returns that batch's loss. */
export class Mlp2DTrainer {
  readonly params: Float32Array;
  /** An exponential moving average of `params`: what the sampler uses. */
  readonly ema: Float32Array;
  readonly batch: number;
  readonly lr: number;
  readonly config: Mlp2DConfig;
  /** Adam steps taken. */
  steps = 0;
  /** The loss of each step's batch (losses[k] that of step k + 1), as far as `steps`. */
  private lossLog = new Float32Array(1024);
  private readonly net: Mlp2D;
  private readonly grad: Float64Array;
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private readonly dOut: Float64Array;
  private readonly target: Float64Array;
  private readonly rng: Random;
  private readonly sqrtAb: Float64Array;
  private readonly sqrt1mAb: Float64Array;
  private beta1Power = 1;
  private beta2Power = 1;

  constructor(readonly options: TrainOptions) {
    const config = (this.config = options.config ?? MLP2D_CONFIG);
    if (options.data.n < 1) throw new RangeError('Mlp2DTrainer: the data set needs at least one point');
    if (options.alphasCumprod.length !== config.timesteps) throw new RangeError(`Mlp2DTrainer: ${options.alphasCumprod.length} values of ᾱ, the network reads T = ${config.timesteps}`);
    this.batch = options.batch ?? TRAIN_BATCH;
    this.lr = options.lr ?? TRAIN_LR;
    this.params = initParams(options.seed, config);
    this.ema = Float32Array.from(this.params);
    this.net = new Mlp2D(this.batch, config);
    const P = parameterCount(config);
    this.grad = new Float64Array(P);
    this.m = new Float64Array(P);
    this.v = new Float64Array(P);
    this.dOut = new Float64Array(2 * this.batch);
    this.target = new Float64Array(2 * this.batch);
    this.rng = createRandom(`mlp2d-batches:${options.seed}`);
    this.sqrtAb = Float64Array.from(options.alphasCumprod, (a) => Math.sqrt(a));
    this.sqrt1mAb = Float64Array.from(options.alphasCumprod, (a) => Math.sqrt(1 - a));
  }

  /** Every step's batch loss so far (a view: copy it to keep it). */
  get losses(): Float32Array {
    return this.lossLog.subarray(0, this.steps);
  }

  /** Draws the next batch into the network's input and `target` (ε). */
  private drawBatch() {
    const { rng, net, target, batch: B, config } = this;
    const { xy, n } = this.options.data;
    const input = net.acts[0];
    for (let b = 0; b < B; b++) {
      const i = rng.int(n), t = rng.int(config.timesteps);
      const e0 = rng.normal(), e1 = rng.normal();
      const a = this.sqrtAb[t], s = this.sqrt1mAb[t];
      writeInput(input, B, b, a * xy[2 * i] + s * e0, a * xy[2 * i + 1] + s * e1, t, config);
      target[b] = e0;
      target[B + b] = e1;
    }
  }

  /** One Adam step on a fresh batch; returns the batch's loss (before the step). */
  step(): number {
    const { net, params, grad, m, v, dOut, target, batch: B } = this;
    this.drawBatch();
    const out = net.forward(params, B);
    let loss = 0;
    const scale = 2 / (2 * B); // ∂/∂ε̂ of the mean over 2B numbers
    for (let k = 0; k < 2 * B; k++) {
      const diff = out[k] - target[k];
      loss += diff * diff;
      dOut[k] = scale * diff;
    }
    loss /= 2 * B;
    net.backward(params, B, dOut, grad);
    this.beta1Power *= BETA1;
    this.beta2Power *= BETA2;
    const horizon = this.options.horizon ?? TRAIN_STEPS_MAX;
    const lr = this.lr * (1 - 0.9 * Math.min(1, this.steps / horizon));
    const stepSize = (lr * Math.sqrt(1 - this.beta2Power)) / (1 - this.beta1Power);
    for (let k = 0; k < params.length; k++) {
      const g = grad[k];
      const mk = (m[k] = BETA1 * m[k] + (1 - BETA1) * g);
      const vk = (v[k] = BETA2 * v[k] + (1 - BETA2) * g * g);
      params[k] -= (stepSize * mk) / (Math.sqrt(vk) + ADAM_EPS);
    }
    const decay = Math.min(this.options.emaDecay ?? TRAIN_EMA, (1 + this.steps) / (10 + this.steps));
    const { ema } = this;
    for (let k = 0; k < params.length; k++) ema[k] = decay * ema[k] + (1 - decay) * params[k];
    if (this.steps === this.lossLog.length) {
      const grown = new Float32Array(2 * this.lossLog.length);
      grown.set(this.lossLog);
      this.lossLog = grown;
    }
    this.lossLog[this.steps++] = loss;
    return loss;
  }

  /** Steps until `steps` = `until`, or `budgetMs` has passed (`now` a clock in ms); returns the steps taken. */
  trainTo(until: number, budgetMs = Infinity, now: () => number = () => performance.now()): number {
    const start = now(), from = this.steps;
    while (this.steps < until) {
      this.step();
      // read the clock every 16 steps: a step is well under a millisecond
      if ((this.steps & 15) === 0 && now() - start >= budgetMs) break;
    }
    return this.steps - from;
  }
}

/** The mean of `losses` over the `window` steps up to step `k` (1-based; fewer at the start). */
export function smoothedLoss(losses: ArrayLike<number>, k: number, window = 200): number {
  const from = Math.max(0, k - window);
  let s = 0;
  for (let i = from; i < k; i++) s += losses[i];
  return k > from ? s / (k - from) : NaN;
}

/** The figure's comparison: this many particles from the same starting noise, DDIM (η = 0) in COMPARE_STEPS steps (its last step starts at t = 4, where the ideal denoiser already picks out single training points). */
export const COMPARE_PARTICLES = 600;
export const COMPARE_STEPS = 200;

/**
 * Samples for the comparison: with the network of `weights` (as MlpDenoiser), or with the ideal denoiser of
 * `data` when `weights` is null; the starting noise is the sampler's for `seed`, the same for both.
 */
export function compareSamples(data: Points2D, weights: Float32Array | null, seed: number, alphasCumprod: Float64Array, config: Mlp2DConfig = MLP2D_CONFIG): Float32Array {
  const denoiser = weights ? new MlpDenoiser(data, weights, alphasCumprod, config) : undefined;
  const sampler = new Sampler2D({ data, particles: COMPARE_PARTICLES, seed, sampler: 'ddim', steps: COMPARE_STEPS, schedule: { alphasCumprod } }, denoiser);
  return sampler.run();
}

/**
 * The ideal denoiser's ε-prediction loss on the data set (./toy2d.ts IdealDenoiser, its x̂₀ turned into ε̂),
 * estimated over `draws` examples drawn as training draws them: the lowest loss any function can reach on
 * these points, which only a memoriser reaches.
 */
export function idealLoss(data: Points2D, alphasCumprod: Float64Array, draws = 20_000, seed = 0): number {
  const denoiser = new IdealDenoiser(data), rng = createRandom(`mlp2d-ideal-loss:${seed}`);
  const xt = new Float32Array(2), x0 = new Float32Array(2);
  let sum = 0;
  for (let k = 0; k < draws; k++) {
    const i = rng.int(data.n), ab = alphasCumprod[rng.int(alphasCumprod.length)];
    const e0 = rng.normal(), e1 = rng.normal(), a = Math.sqrt(ab), s = Math.sqrt(1 - ab);
    xt[0] = a * data.xy[2 * i] + s * e0;
    xt[1] = a * data.xy[2 * i + 1] + s * e1;
    denoiser.predictX0(xt, ab, x0);
    sum += (((xt[0] - a * x0[0]) / s - e0) ** 2 + ((xt[1] - a * x0[1]) / s - e1) ** 2) / 2;
  }
  return sum / draws;
}
