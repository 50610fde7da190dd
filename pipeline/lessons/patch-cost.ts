/**
 * What spacetime patches cost (chapter 4): how many tokens a clip becomes for a
 * patch size, and the FLOPs of one call of the DiT on them, split into the part
 * that grows with the number of tokens N and the part that grows with N².
 * DOM-free.
 *
 * The FLOPs follow weights/train/dit.py (DiT blocks with adaLN-Zero, self-
 * attention, cross-attention to the 24 text tokens, an MLP of 4× the width) and
 * count what weights/train/flops.py counts from the ONNX graph: 2 × the
 * multiply-accumulates of every matrix product. Per sample, with width d, depth
 * L, patch features P = pt·ph·pw·C, context of n_c tokens of width d_c:
 *
 *   fixed      timestep MLP 256·d + d², and per block the adaLN 6d² and the
 *              context's keys and values n_c·d_c·2d; the final adaLN 2d²
 *   ∝ N        patch embedding P·d and output d·P, and per block q, k, v and
 *              output projections 4d², cross-attention's query and output 2d²,
 *              the MLP 8d², cross-attention scores and mixing 2·n_c·d
 *   ∝ N²       per block, self-attention's scores QKᵀ (N²·d) and mixing (N²·d)
 *
 * For the committed DiT this is exactly the manifest's count for an image and
 * within 0.001 % for an 8-frame clip (test/unit/patch-cost.test.ts).
 */
import type { PatchSize } from '../diffusion/patchify';

export interface DitArchitecture {
  /** Token width d. */
  width: number;
  /** Number of blocks L. */
  depth: number;
  heads: number;
  /** MLP hidden width / d. */
  mlpRatio: number;
  /** Latent channels C. */
  channels: number;
  /** Text tokens n_c and their width d_c (cross-attention's keys and values). */
  contextTokens: number;
  contextWidth: number;
  /** Sinusoidal timestep features. */
  timestepFeatures: number;
}

/** The committed DiT (weights/train/dit.py defaults, as trained). */
export const DIT_ARCHITECTURE: DitArchitecture = {
  width: 128,
  depth: 6,
  heads: 4,
  mlpRatio: 4,
  channels: 4,
  contextTokens: 24,
  contextWidth: 128,
  timestepFeatures: 256,
};

/** The patch the committed DiT was trained with. */
export const DIT_PATCH: PatchSize = { pt: 1, ph: 2, pw: 2 };

export interface ClipSize {
  frames: number;
  /** Latent height and width (a quarter of the pixels'). */
  height: number;
  width: number;
}

export interface TokenGrid {
  /** Patches along time, down and across. */
  t: number;
  h: number;
  w: number;
  tokens: number;
  /** Whether the clip had to be padded to whole patches. */
  padded: boolean;
}

/** The token grid of a clip for a patch: ⌈F/pt⌉ × ⌈h/ph⌉ × ⌈w/pw⌉ (padded to whole patches where the patch does not divide). */
export function tokenGrid(clip: ClipSize, patch: PatchSize): TokenGrid {
  for (const v of [clip.frames, clip.height, clip.width, patch.pt, patch.ph, patch.pw]) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`tokenGrid: sizes must be positive integers`);
  }
  const t = Math.ceil(clip.frames / patch.pt), h = Math.ceil(clip.height / patch.ph), w = Math.ceil(clip.width / patch.pw);
  const padded = t * patch.pt !== clip.frames || h * patch.ph !== clip.height || w * patch.pw !== clip.width;
  return { t, h, w, tokens: t * h * w, padded };
}

export interface StepFlops {
  /** FLOPs of one call. */
  total: number;
  /** The part that grows with N² (self-attention's scores and mixing). */
  attention: number;
  /** The part that grows with N. */
  linear: number;
  /** The part that does not depend on N. */
  fixed: number;
}

/** FLOPs of one DiT call on `tokens` tokens per sample, for `batch` samples (see the header). */
export function ditStepFlops(tokens: number, patch: PatchSize, arch: DitArchitecture = DIT_ARCHITECTURE, batch = 1): StepFlops {
  const d = arch.width, L = arch.depth, N = tokens;
  const P = patch.pt * patch.ph * patch.pw * arch.channels;
  const fixedMacs = arch.timestepFeatures * d + d * d + L * (6 * d * d + arch.contextTokens * arch.contextWidth * 2 * d) + 2 * d * d;
  const perToken = 2 * P * d + L * ((6 + 2 * arch.mlpRatio) * d * d + 2 * arch.contextTokens * d);
  const perPair = L * 2 * d;
  const k = 2 * batch;
  const fixed = k * fixedMacs, linear = k * perToken * N, attention = k * perPair * N * N;
  return { total: fixed + linear + attention, attention, linear, fixed };
}

/** The number of tokens at which self-attention's N² part equals the N part: (P·2 + L·((6 + 2r)d + 2n_c))/(2L). */
export function attentionCrossover(patch: PatchSize, arch: DitArchitecture = DIT_ARCHITECTURE): number {
  const d = arch.width, L = arch.depth;
  const P = patch.pt * patch.ph * patch.pw * arch.channels;
  const perToken = 2 * P * d + L * ((6 + 2 * arch.mlpRatio) * d * d + 2 * arch.contextTokens * d);
  return perToken / (L * 2 * d);
}

/** The divisors of n, ascending. */
export function divisors(n: number): number[] {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`divisors: ${n} is not a positive integer`);
  const out: number[] = [];
  for (let k = 1; k <= n; k++) if (n % k === 0) out.push(k);
  return out;
}
