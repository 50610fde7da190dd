/**
 * A small network that learns chapter 0's 2-D denoiser: a multilayer
 * perceptron from (x_t, t) to ε̂, written out by hand (forward pass, backprop,
 * Adam), so it trains in a Web Worker of the page and in Node alike, and gives
 * the same weights in both for the same seed. DOM-free; no dependency.
 *
 *   input   x_t (2 numbers), the timestep as sinusoidal features
 *           sin(2^k·π·t/T), cos(2^k·π·t/T) for k = 0 … frequencies − 1, and
 *           Fourier features of the point, sin and cos of 2^k·x and 2^k·y
 *           (Tancik et al. 2020: a small MLP fed raw x, y learns only smooth
 *           blobs; these let it bend sharply enough to follow the spiral)
 *   hidden  `depth` layers of `hidden` units: Linear → SiLU (z·σ(z))
 *   output  Linear → ε̂ (2 numbers), the noise in x_t (Ho et al. 2020's ε-prediction)
 *
 * Training (./mlp2d-train.ts) draws a batch of data points x₀, timesteps t and
 * noise ε, forms x_t = √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε and minimises the mean squared
 * error ‖ε̂(x_t, t) − ε‖² with Adam. `MlpDenoiser` turns ε̂ into x̂₀ for the
 * sampler and the field of ./toy2d.ts.
 *
 * Layout: every weight and bias in one Float32Array (`params`), layer by layer,
 * each weight matrix row-major (out × in) followed by its bias. A batch's
 * activations are feature-major (feature j of example b at j·B + b), so the
 * inner loops run over the batch, contiguously. Arithmetic is in float64; only
 * the parameters are stored as float32.
 */
import { createRandom } from '../random';
import type { Denoiser2D, Points2D } from './toy2d';

export interface Mlp2DConfig {
  /** Units in each hidden layer. */
  hidden: number;
  /** Number of hidden layers. */
  depth: number;
  /** Sinusoidal timestep frequencies (2 features each). */
  frequencies: number;
  /** Fourier features of the point: sin and cos of 2^k·x and 2^k·y for k < this (4 features each). */
  pointFrequencies: number;
  /** Number of training timesteps T (the features read t/T). */
  timesteps: number;
}

/** The network chapter 0 trains: 2 + 8 + 12 inputs, 2 hidden layers of 64, 2 outputs (5,762 parameters). */
export const MLP2D_CONFIG: Mlp2DConfig = { hidden: 64, depth: 2, frequencies: 4, pointFrequencies: 3, timesteps: 1000 };

/** Layer widths, input to output. */
export function layerSizes(c: Mlp2DConfig): number[] {
  return [2 + 2 * c.frequencies + 4 * c.pointFrequencies, ...Array.from({ length: c.depth }, () => c.hidden), 2];
}

/** Where each layer's weights (out × in) and biases start in `params`. */
export interface LayerOffsets {
  fanIn: number;
  fanOut: number;
  w: number;
  b: number;
}

export function layerOffsets(c: Mlp2DConfig): LayerOffsets[] {
  const sizes = layerSizes(c);
  const out: LayerOffsets[] = [];
  let at = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const fanIn = sizes[l], fanOut = sizes[l + 1];
    out.push({ fanIn, fanOut, w: at, b: at + fanIn * fanOut });
    at += fanIn * fanOut + fanOut;
  }
  return out;
}

export function parameterCount(c: Mlp2DConfig = MLP2D_CONFIG): number {
  const last = layerOffsets(c).at(-1)!;
  return last.b + last.fanOut;
}

/**
 * Initial parameters for a seed: each weight N(0, 1/fan_in) (LeCun), the last layer's scaled by 0.1 so
 * the first guesses are near ε̂ = 0; biases 0. The same seed gives the same numbers everywhere.
 */
export function initParams(seed: number, c: Mlp2DConfig = MLP2D_CONFIG): Float32Array {
  const rng = createRandom(`mlp2d-init:${seed}`);
  const layers = layerOffsets(c);
  const params = new Float32Array(parameterCount(c));
  layers.forEach((L, l) => {
    const scale = (l === layers.length - 1 ? 0.1 : 1) / Math.sqrt(L.fanIn);
    for (let k = 0; k < L.fanIn * L.fanOut; k++) params[L.w + k] = scale * rng.normal();
  });
  return params;
}

/** Writes the input features of one example (x, y, and the timestep's sin/cos) into column `b` of a feature-major batch of `B`. */
export function writeInput(input: Float64Array, B: number, b: number, x: number, y: number, t: number, c: Mlp2DConfig): void {
  input[b] = x;
  input[B + b] = y;
  const tau = (Math.PI * t) / c.timesteps;
  for (let k = 0; k < c.frequencies; k++) {
    const angle = tau * (1 << k);
    input[(2 + 2 * k) * B + b] = Math.sin(angle);
    input[(3 + 2 * k) * B + b] = Math.cos(angle);
  }
  const at = 2 + 2 * c.frequencies;
  for (let k = 0; k < c.pointFrequencies; k++) {
    const f = 1 << k, r = (at + 4 * k) * B + b;
    input[r] = Math.sin(f * x);
    input[r + B] = Math.cos(f * x);
    input[r + 2 * B] = Math.sin(f * y);
    input[r + 3 * B] = Math.cos(f * y);
  }
}

/** The logistic function σ(z) = 1 / (1 + e^−z). */
function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/**
 * The network for batches of up to `capacity` examples, with its scratch space: a forward pass
 * (keeping what backprop needs) and backprop into a gradient of the same layout as `params`.
 */
export class Mlp2D {
  readonly config: Mlp2DConfig;
  readonly layers: LayerOffsets[];
  readonly sizes: number[];
  /** acts[0] the input, acts[l] the output of layer l (after SiLU; the last is ε̂), each feature-major. */
  readonly acts: Float64Array[];
  /** sig[l] = σ(z) of hidden layer l + 1's pre-activation z (for SiLU and its derivative). */
  private readonly sig: Float64Array[];
  private readonly pre: Float64Array[];
  private readonly delta: Float64Array[];

  constructor(readonly capacity: number, config: Mlp2DConfig = MLP2D_CONFIG) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`Mlp2D: capacity must be a positive integer, got ${capacity}`);
    this.config = config;
    this.layers = layerOffsets(config);
    this.sizes = layerSizes(config);
    this.acts = this.sizes.map((n) => new Float64Array(n * capacity));
    this.pre = this.sizes.map((n) => new Float64Array(n * capacity));
    this.sig = this.sizes.map((n) => new Float64Array(n * capacity));
    this.delta = this.sizes.map((n) => new Float64Array(n * capacity));
  }

  /** The forward pass for the first `B` columns of acts[0]; returns the output (ε̂, feature-major, 2 × B). */
  forward(params: Float32Array, B: number): Float64Array {
    const { layers, acts, pre, sig } = this;
    const last = layers.length - 1;
    for (let l = 0; l <= last; l++) {
      const { fanIn, fanOut, w, b } = layers[l];
      const z = l === last ? acts[l + 1] : pre[l + 1];
      for (let o = 0; o < fanOut; o++) {
        z.fill(params[b + o], o * B, (o + 1) * B);
        mulAddRows(z, o * B, params, w + o * fanIn, 1, acts[l], fanIn, B);
      }
      if (l === last) break;
      const h = acts[l + 1], s = sig[l + 1], n = fanOut * B;
      for (let k = 0; k < n; k++) {
        const sk = sigmoid(z[k]);
        s[k] = sk;
        h[k] = z[k] * sk;
      }
    }
    return acts[last + 1];
  }

  /**
   * Backprop after `forward` for the same B: `dOut` (2 × B, feature-major) is ∂loss/∂ε̂; the gradient of
   * every parameter is written (not added) into `grad`.
   */
  backward(params: Float32Array, B: number, dOut: Float64Array, grad: Float64Array): void {
    const { layers, acts, pre, sig, delta } = this;
    let d = dOut;
    for (let l = layers.length - 1; l >= 0; l--) {
      const { fanIn, fanOut, w, b } = layers[l];
      for (let o = 0; o < fanOut; o++) {
        let sb = 0;
        for (let k = o * B, end = k + B; k < end; k++) sb += d[k];
        grad[b + o] = sb;
        dotRows(grad, w + o * fanIn, d, o * B, acts[l], fanIn, B);
      }
      if (l === 0) break;
      // ∂loss/∂a of the layer below (Wᵀ·d), then through its SiLU: silu'(z) = σ(z)·(1 + z·(1 − σ(z)))
      const da = delta[l];
      for (let i = 0; i < fanIn; i++) {
        da.fill(0, i * B, (i + 1) * B);
        mulAddRows(da, i * B, params, w + i, fanIn, d, fanOut, B);
      }
      const z = pre[l], s = sig[l], n = fanIn * B;
      for (let k = 0; k < n; k++) da[k] *= s[k] * (1 + z[k] * (1 - s[k]));
      d = da;
    }
  }
}

/**
 * dst[at + k] += Σ_j coef[c0 + j·cStride] · src[j·B + k] for k < B, j < rows: one output row of a
 * matrix product, four source rows at a time (the hot loop of both passes).
 */
function mulAddRows(dst: Float64Array, at: number, coef: Float32Array, c0: number, cStride: number, src: Float64Array, rows: number, B: number) {
  let j = 0;
  for (; j + 4 <= rows; j += 4) {
    const c = c0 + j * cStride;
    const w0 = coef[c], w1 = coef[c + cStride], w2 = coef[c + 2 * cStride], w3 = coef[c + 3 * cStride];
    const r0 = j * B, r1 = r0 + B, r2 = r1 + B, r3 = r2 + B;
    for (let k = 0; k < B; k++) dst[at + k] += w0 * src[r0 + k] + w1 * src[r1 + k] + w2 * src[r2 + k] + w3 * src[r3 + k];
  }
  for (; j < rows; j++) {
    const wj = coef[c0 + j * cStride], r = j * B;
    for (let k = 0; k < B; k++) dst[at + k] += wj * src[r + k];
  }
}

/** out[at + i] = Σ_k d[d0 + k] · a[i·B + k] for i < rows: a weight row's gradient, four at a time. */
function dotRows(out: Float64Array, at: number, d: Float64Array, d0: number, a: Float64Array, rows: number, B: number) {
  let i = 0;
  for (; i + 4 <= rows; i += 4) {
    const r0 = i * B, r1 = r0 + B, r2 = r1 + B, r3 = r2 + B;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let k = 0; k < B; k++) {
      const dk = d[d0 + k];
      s0 += dk * a[r0 + k];
      s1 += dk * a[r1 + k];
      s2 += dk * a[r2 + k];
      s3 += dk * a[r3 + k];
    }
    out[at + i] = s0;
    out[at + i + 1] = s1;
    out[at + i + 2] = s2;
    out[at + i + 3] = s3;
  }
  for (; i < rows; i++) {
    const r = i * B;
    let s = 0;
    for (let k = 0; k < B; k++) s += d[d0 + k] * a[r + k];
    out[at + i] = s;
  }
}

/** The timestep whose ᾱ is `alphaBar` in a decreasing ᾱ table (fractional between entries, clamped to [0, T − 1]). */
export function timestepOf(alphasCumprod: ArrayLike<number>, alphaBar: number): number {
  const T = alphasCumprod.length;
  if (alphaBar >= alphasCumprod[0]) return 0;
  if (alphaBar <= alphasCumprod[T - 1]) return T - 1;
  let lo = 0, hi = T - 1; // alphasCumprod[lo] > alphaBar ≥ alphasCumprod[hi]
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (alphasCumprod[mid] > alphaBar) lo = mid;
    else hi = mid;
  }
  const a = alphasCumprod[lo], b = alphasCumprod[hi];
  return lo + (a - alphaBar) / (a - b);
}

/** Examples a forward pass of the denoiser takes at once (the sampler's 600 particles in 3 passes). */
const DENOISE_BATCH = 256;

/**
 * The network as a Denoiser2D (./toy2d.ts): ε̂ from the network, then x̂₀ = (x_t − √(1 − ᾱ)·ε̂)/√ᾱ,
 * so the DDIM and DDPM samplers and the field use it exactly as they use the ideal denoiser.
 * `data` is the data set it was trained on. `params` may be replaced (a newer snapshot).
 */
export class MlpDenoiser implements Denoiser2D {
  private readonly net: Mlp2D;

  constructor(
    readonly data: Points2D,
    public params: Float32Array,
    private readonly alphasCumprod: ArrayLike<number>,
    config: Mlp2DConfig = MLP2D_CONFIG,
  ) {
    if (params.length !== parameterCount(config)) throw new RangeError(`MlpDenoiser: ${params.length} parameters, the network has ${parameterCount(config)}`);
    this.net = new Mlp2D(DENOISE_BATCH, config);
  }

  /** ε̂ for each point of `xt` (interleaved) at timestep t (may be fractional), into `out`. */
  predictEps(xt: ArrayLike<number>, t: number, out?: Float32Array): Float32Array {
    if (xt.length % 2 !== 0) throw new RangeError('MlpDenoiser: points must be interleaved x, y pairs');
    const result = out ?? new Float32Array(xt.length);
    const m = xt.length >> 1, net = this.net, input = net.acts[0];
    for (let start = 0; start < m; start += DENOISE_BATCH) {
      const B = Math.min(DENOISE_BATCH, m - start);
      for (let b = 0; b < B; b++) writeInput(input, B, b, xt[2 * (start + b)], xt[2 * (start + b) + 1], t, net.config);
      const eps = net.forward(this.params, B);
      for (let b = 0; b < B; b++) {
        result[2 * (start + b)] = eps[b];
        result[2 * (start + b) + 1] = eps[B + b];
      }
    }
    return result;
  }

  predictX0(xt: ArrayLike<number>, alphaBar: number, out?: Float32Array): Float32Array {
    if (!(alphaBar > 0 && alphaBar <= 1)) throw new RangeError(`MlpDenoiser: alphaBar must be in (0, 1], got ${alphaBar}`);
    const result = this.predictEps(xt, timestepOf(this.alphasCumprod, alphaBar), out);
    const a = Math.sqrt(alphaBar), s = Math.sqrt(1 - alphaBar);
    for (let k = 0; k < result.length; k++) result[k] = (xt[k] - s * result[k]) / a;
    return result;
  }
}
