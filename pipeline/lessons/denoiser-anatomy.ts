// The two denoisers' architectures as numbers, for chapter 5's diagrams
// (components/widgets/dit-diagram.ts, unet-diagram.ts): each part's sizes and
// parameter count, from the configuration the weights were trained with.
//
// The configurations mirror weights/train/dit.py's DiT() and unet.py's UNet()
// defaults, which weights/train/denoisers.py builds for `dit` and `unet`. The
// manifest stores only each model's total parameters, so the unit test
// (test/unit/lessons/denoiser-anatomy.test.ts) checks that these configurations
// give exactly those totals: if a model is retrained with other sizes, it fails
// until the configuration here is changed to match. No DOM here.
import { patchGrid, type LatentShape, type PatchSize } from '../diffusion/patchify';

export interface DitConfig {
  /** Latent channels in and out. */
  channels: number;
  /** Token width: every block's input and output. */
  width: number;
  /** Number of transformer blocks. */
  depth: number;
  heads: number;
  patch: PatchSize;
  /** Width of the text encoder's states, the keys' and values' input. */
  contextDim: number;
  /** Sinusoidal features of the timestep before its MLP. */
  freqDim: number;
  /** The MLP's hidden width, in multiples of `width`. */
  mlpRatio: number;
}

/** The page's DiT (`dit` in the manifest): weights/train/dit.py's DiT() defaults. */
export const DIT_CONFIG: DitConfig = { channels: 4, width: 128, depth: 6, heads: 4, patch: { pt: 1, ph: 2, pw: 2 }, contextDim: 128, freqDim: 256, mlpRatio: 4 };

/** The prompt's states: tokens × width, as the text encoder gives them. */
export const CONTEXT_TOKENS = 24;

const linear = (i: number, o: number) => i * o + o;

/** One DiT part: what it is called, its sizes in words, and its parameters. */
export interface DitPart {
  id: 'patchify' | 'embed' | 'timestep' | 'block' | 'final' | 'unpatchify';
  params: number;
}

export interface DitAnatomy {
  config: DitConfig;
  latent: LatentShape;
  /** Tokens for this latent, and the grid they come from. */
  tokens: number;
  grid: { t: number; h: number; w: number };
  /** Numbers in one patch: pt·ph·pw·C. */
  patchDim: number;
  /** Sin-cos position features given to time, rows and columns (they add up to the width). */
  positions: { t: number; h: number; w: number };
  headDim: number;
  mlpHidden: number;
  /** Vectors the adaLN of a block makes (shift, scale, gate twice), and of the final layer (shift, scale). */
  blockModulation: number;
  finalModulation: number;
  /** Parameters: the patch embedding, the timestep embedder, one block (each of `depth` has as many), the output head; and in all. */
  params: { embed: number; timestep: number; block: number; final: number; total: number };
}

/** The sin-cos position split of dit.py's positions(): a quarter of the width for time, the rest halved between rows and columns. */
export function positionSplit(width: number): { t: number; h: number; w: number } {
  const t = Math.floor(width / 4);
  const h = Math.floor((width - t) / 2);
  return { t, h, w: width - t - h };
}

/** Parameters of each part of a DiT with cross-attention to the text (dit.py, conditioning "cross"). */
export function ditParams(c: DitConfig): DitAnatomy['params'] {
  const { width: d, contextDim, freqDim, mlpRatio } = c;
  const patchDim = c.patch.pt * c.patch.ph * c.patch.pw * c.channels;
  const embed = linear(patchDim, d);
  const timestep = linear(freqDim, d) + linear(d, d);
  const selfAttn = linear(d, 3 * d) + linear(d, d);
  const crossNorm = 2 * d; // the LayerNorm before cross-attention has its own scale and shift
  const crossAttn = linear(d, d) + linear(contextDim, 2 * d) + linear(d, d);
  const mlp = linear(d, mlpRatio * d) + linear(mlpRatio * d, d);
  const adaln = linear(d, 6 * d);
  const block = selfAttn + crossNorm + crossAttn + mlp + adaln;
  const final = linear(d, 2 * d) + linear(d, patchDim);
  return { embed, timestep, block, final, total: embed + timestep + c.depth * block + final };
}

/** The DiT's sizes for one latent (frames × channels × height × width). */
export function ditAnatomy(c: DitConfig, latent: LatentShape): DitAnatomy {
  if (latent.channels !== c.channels) throw new RangeError(`ditAnatomy: the latent has ${latent.channels} channels, the DiT ${c.channels}`);
  if (c.width % c.heads !== 0) throw new RangeError(`ditAnatomy: width ${c.width} is not divisible by ${c.heads} heads`);
  const grid = patchGrid(latent, c.patch, 'ditAnatomy');
  return {
    config: c,
    latent,
    tokens: grid.t * grid.h * grid.w,
    grid,
    patchDim: c.patch.pt * c.patch.ph * c.patch.pw * c.channels,
    positions: positionSplit(c.width),
    headDim: c.width / c.heads,
    mlpHidden: c.mlpRatio * c.width,
    blockModulation: 6,
    finalModulation: 2,
    params: ditParams(c),
  };
}

// ---------------------------------------------------------------- the U-Net

export interface UnetConfig {
  channels: number;
  /** Channels at each level; each level after the first halves the resolution. */
  widths: number[];
  heads: number;
  contextDim: number;
  /** The first level with a spatial transformer (self- and cross-attention). */
  attentionFrom: number;
  /** The feed-forward's hidden width, in multiples of the channels. */
  ffRatio: number;
}

/** The page's latent U-Net (`unet` in the manifest): weights/train/unet.py's UNet() defaults. */
export const UNET_CONFIG: UnetConfig = { channels: 4, widths: [64, 128], heads: 4, contextDim: 128, attentionFrom: 0, ffRatio: 4 };

/** A stage of the U-Net at one resolution: a residual block, then (where the level has one) a spatial transformer. */
export interface UnetStage {
  kind: 'down' | 'mid' | 'up';
  level: number;
  /** Side of the feature map (square latents). */
  size: number;
  channelsIn: number;
  channels: number;
  attention: boolean;
  /** What is done after the stage: halve (stride-2 conv), double (nearest, then a conv), or nothing. */
  resample: 'down' | 'up' | null;
  params: number;
}

export interface UnetAnatomy {
  config: UnetConfig;
  size: number;
  timeDim: number;
  stages: UnetStage[];
  params: { time: number; convIn: number; stages: number; out: number; total: number };
}

const conv = (i: number, o: number, k: number) => i * o * k * k + o;
const groupNorm = (ch: number) => 2 * ch;

function resBlock(ci: number, co: number, timeDim: number): number {
  return groupNorm(ci) + conv(ci, co, 3) + linear(timeDim, co) + groupNorm(co) + conv(co, co, 3) + (ci !== co ? conv(ci, co, 1) : 0);
}

function spatialTransformer(ch: number, c: UnetConfig): number {
  const selfAttn = linear(ch, 3 * ch) + linear(ch, ch);
  const cross = linear(ch, ch) + linear(c.contextDim, 2 * ch) + linear(ch, ch);
  const ff = linear(ch, c.ffRatio * ch) + linear(c.ffRatio * ch, ch);
  return groupNorm(ch) + linear(ch, ch) + 3 * 2 * ch + selfAttn + cross + ff + linear(ch, ch);
}

/** The U-Net's stages, in the order the latent passes them, with their sizes for a `size` × `size` latent. */
export function unetAnatomy(c: UnetConfig, size: number): UnetAnatomy {
  const levels = c.widths.length;
  if (size % 2 ** (levels - 1) !== 0) throw new RangeError(`unetAnatomy: ${size} cannot be halved ${levels - 1} times`);
  const timeDim = 4 * c.widths[0];
  const stages: UnetStage[] = [];
  let ch = c.widths[0];
  c.widths.forEach((w, i) => {
    const attention = i >= c.attentionFrom;
    const halve = i < levels - 1;
    const params = resBlock(ch, w, timeDim) + (attention ? spatialTransformer(w, c) : 0) + (halve ? conv(w, w, 3) : 0);
    stages.push({ kind: 'down', level: i, size: size / 2 ** i, channelsIn: ch, channels: w, attention, resample: halve ? 'down' : null, params });
    ch = w;
  });
  stages.push({ kind: 'mid', level: levels - 1, size: size / 2 ** (levels - 1), channelsIn: ch, channels: ch, attention: true, resample: null, params: 2 * resBlock(ch, ch, timeDim) + spatialTransformer(ch, c) });
  for (let i = levels - 1; i >= 0; i--) {
    const w = c.widths[i];
    const attention = i >= c.attentionFrom;
    const params = resBlock(ch + c.widths[i], w, timeDim) + (attention ? spatialTransformer(w, c) : 0) + (i > 0 ? conv(w, w, 3) : 0);
    stages.push({ kind: 'up', level: i, size: size / 2 ** i, channelsIn: ch + c.widths[i], channels: w, attention, resample: i > 0 ? 'up' : null, params });
    ch = w;
  }
  const time = linear(c.widths[0], timeDim) + linear(timeDim, timeDim);
  const convIn = conv(c.channels, c.widths[0], 3);
  const out = groupNorm(ch) + conv(ch, c.channels, 3);
  const inStages = stages.reduce((s, st) => s + st.params, 0);
  return { config: c, size, timeDim, stages, params: { time, convIn, stages: inStages, out, total: time + convIn + inStages + out } };
}

/** "2.27 M", "363 k", "2,176": a parameter count short enough for a diagram. */
export function shortCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e4) return `${Math.round(n / 1e3)} k`;
  return n.toLocaleString('en-US');
}

// ---------------------------------------------------------------- judged scores

/** What chapter 5 reads of weights/eval/<model>.json: the judge's image categories. */
export interface EvalScores {
  model: string;
  scores: { images?: Record<string, { passed: number; n: number } | number> };
}

interface CategoryScore {
  passed: number;
  n: number;
  rate: number;
  ci95: [number, number];
}

/** One image category of two models' evaluations, and which is ahead with their 95 % intervals apart (null: they overlap). */
export interface CategoryRow {
  category: string;
  a: CategoryScore;
  b: CategoryScore;
  lead: 'a' | 'b' | null;
}

/** The image categories both evaluations judged, in a's order. */
export function compareImageCategories(a: EvalScores, b: EvalScores): CategoryRow[] {
  const rows: CategoryRow[] = [];
  const ai = a.scores.images ?? {}, bi = b.scores.images ?? {};
  for (const [category, x] of Object.entries(ai)) {
    const y = bi[category];
    if (typeof x === 'number' || !y || typeof y === 'number') continue;
    const sa = x as CategoryScore, sb = y as CategoryScore;
    const lead = sa.ci95[0] > sb.ci95[1] ? 'a' : sb.ci95[0] > sa.ci95[1] ? 'b' : null;
    rows.push({ category, a: sa, b: sb, lead });
  }
  return rows;
}

/** One kind of product in the step: [b, m, k] · [b, k, n], made `count` times. */
export interface MatrixProduct {
  what: string;
  b: number;
  m: number;
  k: number;
  n: number;
  count: number;
}

/**
 * The matrix products of one guided DiT call (batch 2: with and without the prompt), for a latent of
 * `frames` × `height` × `width`: what each is, its [b, m, k] · [b, k, n] shape and how often the call makes
 * it (tools/bench-matmul.ts times each alone). Their FLOPs (`productFlops`) add up to the manifest's.
 */
export function ditProducts(frames: number, height = 8, width = 8, config: DitConfig = DIT_CONFIG): MatrixProduct[] {
  const c = config;
  const T = frames * (height / c.patch.ph) * (width / c.patch.pw) / c.patch.pt;
  const R = 2 * T, d = c.width, hd = d / c.heads, L = CONTEXT_TOKENS, D = c.depth, patch = c.patch.pt * c.patch.ph * c.patch.pw * c.channels;
  const heads = 2 * c.heads;
  return [
    { what: 'patch embedding', b: 1, m: R, k: patch, n: d, count: 1 },
    { what: 'timestep MLP', b: 1, m: 2, k: c.freqDim, n: d, count: 1 },
    { what: 'timestep MLP, second', b: 1, m: 2, k: d, n: d, count: 1 },
    { what: 'adaLN of a block', b: 1, m: 2, k: d, n: 6 * d, count: D },
    { what: 'q, k, v', b: 1, m: R, k: d, n: 3 * d, count: D },
    { what: 'self-attention scores', b: heads, m: T, k: hd, n: T, count: D },
    { what: 'self-attention · v', b: heads, m: T, k: T, n: hd, count: D },
    { what: 'out projections, cross q', b: 1, m: R, k: d, n: d, count: 3 * D },
    { what: 'cross k, v of the text', b: 1, m: 2 * L, k: d, n: 2 * d, count: D },
    { what: 'cross-attention scores', b: heads, m: T, k: hd, n: L, count: D },
    { what: 'cross-attention · v', b: heads, m: T, k: L, n: hd, count: D },
    { what: 'MLP up', b: 1, m: R, k: d, n: c.mlpRatio * d, count: D },
    { what: 'MLP down', b: 1, m: R, k: c.mlpRatio * d, n: d, count: D },
    { what: 'final adaLN', b: 1, m: 2, k: d, n: 2 * d, count: 1 },
    { what: 'output head', b: 1, m: R, k: d, n: patch, count: 1 },
  ];
}

/** Multiply-adds of a product, counted as 2 FLOPs each (as the manifest counts them). */
export const productFlops = (p: MatrixProduct): number => 2 * p.b * p.m * p.k * p.n;
