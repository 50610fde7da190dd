// Inside the DiT, read from `dit_inspect` (the same weights as `dit`, with extra
// outputs): the adaLN-Zero modulation of each block against the timestep, and
// the self-attention over the spacetime tokens. Chapter 5 draws both; Node
// computes the same numbers in the tests. DOM-free.
//
// adaLN-Zero (Peebles & Xie 2023): each block turns the conditioning vector c
// into six vectors of the model's width, (shift₁, scale₁, gate₁, shift₂,
// scale₂, gate₂) = Linear(SiLU(c)); the attention branch sees
// LN(x)·(1 + scale₁) + shift₁ and is added back times gate₁, the MLP branch the
// same with the second three. In this DiT the text enters through
// cross-attention, so c is the timestep's embedding alone: the six vectors
// depend on t and on nothing else. One inspect call with a batch of timesteps
// (and the smallest latent, one 2 × 2 patch) gives every curve.
//
// `dit_inspect`'s outputs (weights/manifest.json):
//   adaln          (N, layers, 6, width)
//   self_attention (N, layers, heads, tokens, tokens), softmax(QKᵀ/√d), rows are queries
import { modelEntry } from '../runtime/manifest';
import { float32, type Feeds, type ModelRunner, type TensorData } from '../runtime/models';
import type { CallOptions } from '../text-to-video/prompt';
import { CONTEXT_WIDTH } from '../text-to-video/prompt';
import { LATENT_CHANNELS } from '../text-to-video/sample';
import { MAX_TOKENS } from '../world/tokenizer';
import type { Reading } from '../world/read-frames';
import { heatColour, PATCH_SIDE, type TokenGrid } from './cross-attention';

export const INSPECT_MODEL = 'dit_inspect';

/** The six modulation vectors of a block, in the order the adaLN Linear makes them. */
export const ADALN_PARTS = ['shift1', 'scale1', 'gate1', 'shift2', 'scale2', 'gate2'] as const;
export type AdalnPart = (typeof ADALN_PARTS)[number];

/** Names as the page writes them. */
export const ADALN_LABELS: Record<AdalnPart, string> = {
  shift1: 'shift₁',
  scale1: 'scale₁',
  gate1: 'gate₁',
  shift2: 'shift₂',
  scale2: 'scale₂',
  gate2: 'gate₂',
};

/** `count` timesteps evenly from T − 1 down to 0 (whole numbers, both ends included). */
export function adalnTimesteps(count = 50, numTrainTimesteps = 1000): number[] {
  if (!(Number.isInteger(count) && count >= 2)) throw new RangeError(`adalnTimesteps: count must be an integer ≥ 2, got ${count}`);
  const last = numTrainTimesteps - 1;
  return Array.from({ length: count }, (_, i) => Math.round(last - (i * last) / (count - 1)));
}

/**
 * Inputs of one inspect call for a batch of timesteps: the latent and the context are zeros (the
 * modulation does not read them), the latent is one frame of `side` × `side` cells (one 2 × 2 patch by default).
 */
export function adalnFeeds(timesteps: readonly number[], side = 2): Feeds {
  const N = timesteps.length;
  return {
    latent: float32(new Float32Array(N * LATENT_CHANNELS * side * side), [N, 1, LATENT_CHANNELS, side, side]),
    timestep: float32(Float32Array.from(timesteps), [N]),
    context: float32(new Float32Array(N * MAX_TOKENS * CONTEXT_WIDTH), [N, MAX_TOKENS, CONTEXT_WIDTH]),
  };
}

/** The modulation of every block at each timestep. */
export interface AdalnTable {
  timesteps: number[];
  layers: number;
  width: number;
  /** (N timesteps, layers, 6, width), as the model gives it. */
  data: Float32Array;
}

/** Checks an `adaln` output against the timesteps it was asked for. */
export function adalnTable(output: TensorData | undefined, timesteps: readonly number[]): AdalnTable {
  if (!output) throw new Error(`${INSPECT_MODEL}: no adaln output`);
  const dims = output.dims;
  if (dims.length !== 4 || dims[0] !== timesteps.length || dims[2] !== ADALN_PARTS.length) {
    throw new RangeError(`${INSPECT_MODEL}: adaln is (${dims.join(', ')}), expected (${timesteps.length}, layers, 6, width)`);
  }
  const [N, layers, six, width] = dims;
  const data = output.data as Float32Array;
  if (data.length !== N * layers * six * width) throw new RangeError('adaln: data does not match its dims');
  return { timesteps: [...timesteps], layers, width, data };
}

/** Index of (timestep i, layer, part, channel) in an AdalnTable's data. */
const at = (t: AdalnTable, i: number, layer: number, part: number) => ((i * t.layers + layer) * ADALN_PARTS.length + part) * t.width;

/** How big each modulation is: the mean |value| over the width, (N, layers, 6). */
export function adalnMeanAbs(t: AdalnTable): Float32Array {
  const N = t.timesteps.length, P = ADALN_PARTS.length;
  const out = new Float32Array(N * t.layers * P);
  for (let i = 0; i < N; i++) {
    for (let l = 0; l < t.layers; l++) {
      for (let p = 0; p < P; p++) {
        const off = at(t, i, l, p);
        let s = 0;
        for (let c = 0; c < t.width; c++) s += Math.abs(t.data[off + c]);
        out[(i * t.layers + l) * P + p] = s / t.width;
      }
    }
  }
  return out;
}

/** One block's values of one part at every timestep, (N, width). */
export function adalnChannels(t: AdalnTable, layer: number, part: AdalnPart): Float32Array {
  const p = ADALN_PARTS.indexOf(part);
  if (p < 0) throw new RangeError(`adalnChannels: unknown part ${part}`);
  if (!(Number.isInteger(layer) && layer >= 0 && layer < t.layers)) throw new RangeError(`adalnChannels: block ${layer} is outside [0, ${t.layers - 1}]`);
  const N = t.timesteps.length;
  const out = new Float32Array(N * t.width);
  for (let i = 0; i < N; i++) out.set(t.data.subarray(at(t, i, layer, p), at(t, i, layer, p) + t.width), i * t.width);
  return out;
}

/** The index of the table's timestep nearest to t. */
export function nearestTimestep(t: AdalnTable, timestep: number): number {
  let best = 0;
  for (let i = 1; i < t.timesteps.length; i++) if (Math.abs(t.timesteps[i] - timestep) < Math.abs(t.timesteps[best] - timestep)) best = i;
  return best;
}

/** One inspect call for every timestep of `timesteps`: the adaLN table. */
export async function measureAdaln(
  runner: ModelRunner,
  timesteps: readonly number[] = adalnTimesteps(),
  call: CallOptions & { model?: string } = {},
): Promise<AdalnTable & { ms: number }> {
  const model = call.model ?? INSPECT_MODEL;
  modelEntry(await runner.manifest(), model);
  const r = await runner.run(model, adalnFeeds(timesteps), call);
  return { ...adalnTable(r.outputs.adaln, timesteps), ms: r.ms };
}

// ---------------------------------------------------------------- self-attention

/** A token's place in the grid (0-based). */
export interface TokenPlace {
  frame: number;
  row: number;
  col: number;
}

/** The token index of a place: time, then rows, then columns (patchify's order). */
export function tokenIndex(grid: TokenGrid, p: TokenPlace): number {
  if (!(p.frame >= 0 && p.frame < grid.frames && p.row >= 0 && p.row < grid.rows && p.col >= 0 && p.col < grid.cols)) {
    throw new RangeError(`tokenIndex: (${p.frame}, ${p.row}, ${p.col}) is outside the ${grid.frames} × ${grid.rows} × ${grid.cols} grid`);
  }
  return (p.frame * grid.rows + p.row) * grid.cols + p.col;
}

export function tokenPlace(grid: TokenGrid, n: number): TokenPlace {
  const per = grid.rows * grid.cols;
  return { frame: Math.floor(n / per), row: Math.floor((n % per) / grid.cols), col: n % grid.cols };
}

/** The self-attention of one inspect call: every layer, head, query and key. */
export interface SelfAttention {
  grid: TokenGrid;
  layers: number;
  heads: number;
  tokens: number;
  /** (layers, heads, tokens, tokens) of one batch element. */
  data: Float32Array;
}

/** Batch element `b` of a `self_attention` output (N, layers, heads, tokens, tokens), checked against the grid. */
export function selfAttentionOf(output: TensorData | undefined, grid: TokenGrid, b = 0): SelfAttention {
  if (!output) throw new Error(`${INSPECT_MODEL}: no self_attention output`);
  const dims = output.dims;
  if (dims.length !== 5) throw new RangeError(`self_attention: expected 5 dimensions, got ${dims.length}`);
  const [N, layers, heads, T, K] = dims;
  const tokens = grid.frames * grid.rows * grid.cols;
  if (T !== tokens || K !== tokens) throw new RangeError(`self_attention is (${dims.join(', ')}), not over the ${tokens} tokens of the grid`);
  if (!(Number.isInteger(b) && b >= 0 && b < N)) throw new RangeError(`self_attention: batch element ${b} is outside [0, ${N - 1}]`);
  const size = layers * heads * T * K;
  const data = output.data as Float32Array;
  if (data.length !== N * size) throw new RangeError('self_attention: data does not match its dims');
  return { grid, layers, heads, tokens, data: data.slice(b * size, (b + 1) * size) };
}

/** Where one query token attends: its row of probabilities over every key token, for a head or the mean of the heads. */
export function attentionRow(a: SelfAttention, layer: number, head: number | 'mean', query: number): Float32Array {
  if (!(Number.isInteger(layer) && layer >= 0 && layer < a.layers)) throw new RangeError(`attentionRow: layer ${layer} is outside [0, ${a.layers - 1}]`);
  if (!(Number.isInteger(query) && query >= 0 && query < a.tokens)) throw new RangeError(`attentionRow: query ${query} is outside [0, ${a.tokens - 1}]`);
  const T = a.tokens;
  const heads = head === 'mean' ? Array.from({ length: a.heads }, (_, h) => h) : [head];
  for (const h of heads) if (!(Number.isInteger(h) && h >= 0 && h < a.heads)) throw new RangeError(`attentionRow: head ${h} is outside [0, ${a.heads - 1}]`);
  const out = new Float32Array(T);
  for (const h of heads) {
    const off = ((layer * a.heads + h) * T + query) * T;
    for (let k = 0; k < T; k++) out[k] += a.data[off + k];
  }
  if (heads.length > 1) for (let k = 0; k < T; k++) out[k] /= heads.length;
  return out;
}

/** The share of a row's attention that lands on each frame (sums to the row's total, 1 for a softmax row). */
export function frameShares(row: Float32Array, grid: TokenGrid): number[] {
  const per = grid.rows * grid.cols;
  if (row.length !== grid.frames * per) throw new RangeError('frameShares: the row does not match the grid');
  return Array.from({ length: grid.frames }, (_, f) => {
    let s = 0;
    for (let k = f * per; k < (f + 1) * per; k++) s += row[k];
    return s;
  });
}

/** The key token a row attends to most, with its probability. */
export function rowPeak(row: Float32Array): { token: number; value: number } {
  let token = 0;
  for (let k = 1; k < row.length; k++) if (row[k] > row[token]) token = k;
  return { token, value: row[token] };
}

/**
 * One inspect call on a sampling step's input: x_t (F, 4, H, W), its timestep, the prompt's context
 * (the conditional half of guidance), batch 1. Gives that step's self-attention.
 */
export async function inspectSelfAttention(
  runner: ModelRunner,
  input: { latent: Float32Array; frames: number; height: number; width: number; timestep: number; context: Float32Array },
  call: CallOptions & { model?: string } = {},
): Promise<SelfAttention & { ms: number }> {
  const { latent, frames: F, height: H, width: W } = input;
  if (latent.length !== F * LATENT_CHANNELS * H * W) throw new RangeError(`inspectSelfAttention: the latent must be (${F}, 4, ${H}, ${W})`);
  if (input.context.length !== MAX_TOKENS * CONTEXT_WIDTH) throw new RangeError(`inspectSelfAttention: the context must be (${MAX_TOKENS}, ${CONTEXT_WIDTH})`);
  const r = await runner.run(
    call.model ?? INSPECT_MODEL,
    {
      latent: float32(latent, [1, F, LATENT_CHANNELS, H, W]),
      timestep: float32(new Float32Array([input.timestep]), [1]),
      context: float32(input.context, [1, MAX_TOKENS, CONTEXT_WIDTH]),
    },
    call,
  );
  const grid: TokenGrid = { frames: F, rows: H / PATCH_SIDE, cols: W / PATCH_SIDE };
  return { ...selfAttentionOf(r.outputs.self_attention, grid), ms: r.ms };
}

/**
 * A row of attention over a clip as RGB frames (F, height, width, 3): each token's patch filled with
 * its heat (nearest, so a patch is a patch), divided by the row's largest value (frames compare),
 * with the clip showing through (`through` of its brightness).
 */
export function tokenHeat(frames: Uint8Array, row: Float32Array, grid: TokenGrid, height: number, width: number, through = 0.35): Uint8Array {
  const plane = height * width;
  if (frames.length !== grid.frames * plane * 3) throw new RangeError('tokenHeat: frames do not match the grid');
  if (row.length !== grid.frames * grid.rows * grid.cols) throw new RangeError('tokenHeat: the row does not match the grid');
  let max = 0;
  for (const v of row) max = Math.max(max, v);
  const inv = max > 0 ? 1 / max : 0;
  const sy = grid.rows / height, sx = grid.cols / width;
  const out = new Uint8Array(frames.length);
  for (let f = 0; f < grid.frames; f++) {
    for (let y = 0; y < height; y++) {
      const r = Math.min(grid.rows - 1, Math.floor(y * sy));
      for (let x = 0; x < width; x++) {
        const c = Math.min(grid.cols - 1, Math.floor(x * sx));
        const [hr, hg, hb] = heatColour(row[(f * grid.rows + r) * grid.cols + c] * inv);
        const o = ((f * height + y) * width + x) * 3;
        out[o] = Math.round(hr * (1 - through) + frames[o] * through);
        out[o + 1] = Math.round(hg * (1 - through) + frames[o + 1] * through);
        out[o + 2] = Math.round(hb * (1 - through) + frames[o + 2] * through);
      }
    }
  }
  return out;
}

/** In each frame, the patch the row attends to most. */
export function frameArgmax(row: Float32Array, grid: TokenGrid): TokenPlace[] {
  const per = grid.rows * grid.cols;
  if (row.length !== grid.frames * per) throw new RangeError('frameArgmax: the row does not match the grid');
  return Array.from({ length: grid.frames }, (_, f) => {
    let best = f * per;
    for (let k = f * per + 1; k < (f + 1) * per; k++) if (row[k] > row[best]) best = k;
    return tokenPlace(grid, best);
  });
}

/** Whether a patch's pixels hold any of an object the judge read in that frame; null when it read none there. */
export function patchOnObject(reading: Reading, place: TokenPlace, grid: TokenGrid): boolean | null {
  const objects = reading.frames[place.frame]?.objects ?? [];
  if (!objects.length) return null;
  const { width, height } = reading;
  const ph = height / grid.rows, pw = width / grid.cols;
  for (const o of objects) {
    for (let y = place.row * ph; y < (place.row + 1) * ph; y++) {
      for (let x = place.col * pw; x < (place.col + 1) * pw; x++) if (o.mask[y * width + x] > 0) return true;
    }
  }
  return false;
}

/** The patch that holds the centroid of the largest object the judge read in `frame`, or null when it read none. */
export function patchOfObject(reading: Reading, frame: number, grid: TokenGrid): TokenPlace | null {
  const objects = reading.frames[frame]?.objects ?? [];
  if (!objects.length) return null;
  const o = objects.reduce((a, b) => (b.area > a.area ? b : a));
  const [cx, cy] = o.centroid;
  const col = Math.min(grid.cols - 1, Math.max(0, Math.floor((cx / reading.width) * grid.cols)));
  const row = Math.min(grid.rows - 1, Math.max(0, Math.floor((cy / reading.height) * grid.rows)));
  return { frame, row, col };
}
