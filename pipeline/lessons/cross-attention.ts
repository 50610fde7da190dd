// Cross-attention maps: where in the frame (and when, in a clip) each word of
// the prompt is read, taken from the very run that made the sample.
//
// The method of prompt-to-prompt and DAAM (../shared/reference.md): the
// softmax(QKᵀ/√d) of the cross-attention layers for the conditional half of
// guidance, averaged over heads and layers (and timesteps, or one chosen
// step), one map per text token over the latent's patch grid, upsampled to the
// frame for display.
//
// Here the sampler (pipeline/text-to-video/sample.ts) calls `dit_inspect`, the
// DiT's own file with the attention probabilities as extra outputs, in place of
// `dit` (its `runAs`): one guided call a step gives the prediction and the maps,
// and the maps of the conditional half are those of the very step the sampler
// took. At guidance 0 the batch has no conditional half; then the inspect model
// is called once more a step, on that step's x_t, timestep and the prompt's
// context (a batch element never sees another). DOM-free: the page (through the
// model worker) and Node run this same code.
import type { ModelRunner } from '../runtime/models';
import { float32 } from '../runtime/models';
import { modelEntry, sameFile } from '../runtime/manifest';
import { encodePrompt, guidanceContexts, CONTEXT_WIDTH, type CallOptions, type EncodedText } from '../text-to-video/prompt';
import { resolveSampleOptions, sample, statesFor, LATENT_CHANNELS, type SampleOptions, type SampleResult, type StepProgress } from '../text-to-video/sample';
import { decodeLatents, type Frames } from '../text-to-video/vae';
import { scoreClip } from '../text-to-video/clip';
import { MAX_TOKENS } from '../world/tokenizer';
import type { Verdict } from '../world/judge';

export const INSPECT_MODEL = 'dit_inspect';
/** The DiT's patch: 1 frame × 2 × 2 latent cells, so one token covers 8 × 8 pixels. */
export const PATCH_SIDE = 2;
/** Pixels a latent cell. */
const VAE_DOWNSAMPLE = 4;

/** The token grid of a latent: tokens in time, then rows, then columns. */
export interface TokenGrid {
  frames: number;
  rows: number;
  cols: number;
}

/** Maps of every text token, for every step of a run. */
export interface CrossAttentionRun {
  grid: TokenGrid;
  /** The timestep of each step, in sampling order. */
  timesteps: number[];
  /**
   * Per step: (layers, 24 text tokens, F·rows·cols patch tokens), the attention probability
   * each patch token gives each text token, averaged over the heads.
   */
  perStep: Float32Array[];
  layers: number;
  heads: number;
}

/**
 * One inspect call's `cross_attention` (N, layers, heads, tokens, 24), batch element `b`,
 * averaged over the heads → (layers, 24, tokens), text token major within a layer.
 */
export function headMeanCrossAttention(data: Float32Array, dims: readonly number[], b = 0): Float32Array {
  if (dims.length !== 5) throw new RangeError(`cross_attention: expected 5 dimensions, got ${dims.length}`);
  const [N, L, Hh, T, K] = dims;
  if (data.length !== N * L * Hh * T * K) throw new RangeError('cross_attention: data does not match its dims');
  if (!(b >= 0 && b < N)) throw new RangeError(`cross_attention: batch element ${b} is outside [0, ${N - 1}]`);
  const out = new Float32Array(L * K * T);
  for (let l = 0; l < L; l++) {
    const dst = l * K * T;
    for (let h = 0; h < Hh; h++) {
      const off = ((b * L + l) * Hh + h) * T * K;
      for (let t = 0; t < T; t++) {
        const row = off + t * K;
        for (let k = 0; k < K; k++) out[dst + k * T + t] += data[row + k];
      }
    }
  }
  const inv = 1 / Hh;
  for (let i = 0; i < out.length; i++) out[i] *= inv;
  return out;
}

/**
 * The mean over some steps and some layers (every one of each when omitted) of a run's
 * maps → (24, tokens): DAAM's aggregate, or one step's, or one layer's.
 */
export function combineMaps(run: Pick<CrossAttentionRun, 'perStep' | 'layers'>, select: { steps?: readonly number[]; layers?: readonly number[] } = {}): Float32Array {
  const steps = select.steps ?? run.perStep.map((_, i) => i);
  const layers = select.layers ?? Array.from({ length: run.layers }, (_, l) => l);
  if (!steps.length || !layers.length || !run.perStep.length) throw new RangeError('combineMaps: nothing to average');
  const size = run.perStep[0].length / run.layers;
  const out = new Float32Array(size);
  for (const i of steps) {
    const m = run.perStep[i];
    if (!m) throw new RangeError(`combineMaps: no step ${i}`);
    for (const l of layers) {
      if (!(l >= 0 && l < run.layers)) throw new RangeError(`combineMaps: no layer ${l}`);
      const off = l * size;
      for (let j = 0; j < size; j++) out[j] += m[off + j];
    }
  }
  const inv = 1 / (steps.length * layers.length);
  for (let j = 0; j < size; j++) out[j] *= inv;
  return out;
}

/** The share of a run's steps, from the first, whose maps are averaged by default: while the layout forms. */
export const LAYOUT_SHARE = 2 / 3;

/**
 * The indices of the first two thirds of `count` denoising steps (20 of 30): the steps
 * in which the layout is decided. Prompt-to-prompt keeps a prompt's layout by injecting
 * its maps in the early steps; in the last third the objects are placed, and the DiT
 * here attends to the words from the background too (measured: "red" in "a red circle",
 * recipe-3 DiT, seeds 0–31: peak inside the object 26 of 32 over steps 1–20, 8 of 32
 * over steps 21–30).
 */
export function layoutSteps(count: number): number[] {
  if (!(Number.isInteger(count) && count > 0)) throw new RangeError(`layoutSteps: ${count} is not a step count`);
  return Array.from({ length: Math.max(1, Math.round(count * LAYOUT_SHARE)) }, (_, i) => i);
}

/** One text token's map, (F, rows, cols), out of a (24, tokens) average. */
export function tokenMap(attention: Float32Array, key: number, grid: TokenGrid): Float32Array {
  const T = grid.frames * grid.rows * grid.cols;
  if (attention.length % T !== 0) throw new RangeError('tokenMap: attention does not match the grid');
  const K = attention.length / T;
  if (!(Number.isInteger(key) && key >= 0 && key < K)) throw new RangeError(`tokenMap: text token ${key} is outside [0, ${K - 1}]`);
  return attention.slice(key * T, (key + 1) * T);
}

/**
 * Bilinear upsampling of a (rows, cols) map to (height, width), with pixel centres
 * aligned as torch's `align_corners=False` (the edges repeat).
 */
export function upsampleBilinear(map: Float32Array, rows: number, cols: number, height: number, width: number): Float32Array {
  if (map.length !== rows * cols) throw new RangeError('upsampleBilinear: map does not match rows × cols');
  const out = new Float32Array(height * width);
  const sy = rows / height, sx = cols / width;
  for (let i = 0; i < height; i++) {
    const y = Math.min(rows - 1, Math.max(0, (i + 0.5) * sy - 0.5));
    const y0 = Math.floor(y), y1 = Math.min(rows - 1, y0 + 1), fy = y - y0;
    for (let j = 0; j < width; j++) {
      const x = Math.min(cols - 1, Math.max(0, (j + 0.5) * sx - 0.5));
      const x0 = Math.floor(x), x1 = Math.min(cols - 1, x0 + 1), fx = x - x0;
      const top = map[y0 * cols + x0] * (1 - fx) + map[y0 * cols + x1] * fx;
      const bottom = map[y1 * cols + x0] * (1 - fx) + map[y1 * cols + x1] * fx;
      out[i * width + j] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

/** A frame's token map upsampled to its pixels. */
export function frameMap(map: Float32Array, grid: TokenGrid, frame: number, height: number, width: number): Float32Array {
  const n = grid.rows * grid.cols;
  if (!(frame >= 0 && frame < grid.frames)) throw new RangeError(`frameMap: frame ${frame} is outside [0, ${grid.frames - 1}]`);
  return upsampleBilinear(map.subarray(frame * n, (frame + 1) * n), grid.rows, grid.cols, height, width);
}

/**
 * The peak of a map: among the pixels that share the largest value (bilinear upsampling
 * makes a flat top: 2 × 2 pixels round a token's centre, a 4-pixel band at an edge token),
 * the one nearest their centroid, so an edge token's peak is not pushed into the corner.
 */
export function peakOf(map: Float32Array, width: number): { x: number; y: number; value: number } {
  let max = -Infinity;
  for (let i = 0; i < map.length; i++) if (map[i] > max) max = map[i];
  const tol = Math.abs(max) * 1e-6;
  let sx = 0, sy = 0, n = 0;
  for (let i = 0; i < map.length; i++) {
    if (max - map[i] <= tol) {
      sx += i % width;
      sy += Math.floor(i / width);
      n++;
    }
  }
  const cx = sx / n, cy = sy / n;
  let best = -1, bestD = Infinity;
  for (let i = 0; i < map.length; i++) {
    if (max - map[i] > tol) continue;
    const d = (i % width - cx) ** 2 + (Math.floor(i / width) - cy) ** 2;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return { x: best % width, y: Math.floor(best / width), value: map[best] };
}

/** A mask (any value > 0 is in) grown by `by` pixels to its 8 neighbours, as 0/1. */
export function growMask(mask: ArrayLike<number>, width: number, height: number, by = 1): Uint8Array {
  let cur = Uint8Array.from(mask as ArrayLike<number>, (v) => (v > 0 ? 1 : 0));
  for (let k = 0; k < by; k++) {
    const next = new Uint8Array(cur.length);
    for (let i = 0; i < height; i++) {
      for (let j = 0; j < width; j++) {
        if (!cur[i * width + j]) continue;
        for (let di = -1; di <= 1; di++) {
          for (let dj = -1; dj <= 1; dj++) {
            const y = i + di, x = j + dj;
            if (y >= 0 && y < height && x >= 0 && x < width) next[y * width + x] = 1;
          }
        }
      }
    }
    cur = next;
  }
  return cur;
}

/** The indices of the text tokens (keys of cross-attention) that are this word, in the encoded prompt. */
export function keysOfWord(text: EncodedText, word: string): number[] {
  const out: number[] = [];
  text.tokens.pieces.forEach((p, i) => {
    if (p.kind !== 'special' && p.text === word) out.push(i);
  });
  return out;
}

export interface PeakCheck {
  /** The word's map has its peak inside the object of that colour (its mask grown by 1 px). */
  inside: boolean;
  /** Why not, when it is not. */
  why: string;
  peak: { x: number; y: number; value: number } | null;
}

/**
 * Does the word's map (one frame, upsampled to the frame) peak inside the object of colour
 * `colour` that the judge read in that frame, its mask grown by 1 px?
 */
export function peakInsideObject(
  map: Float32Array,
  grid: TokenGrid,
  verdict: Verdict,
  colour: string,
  frame = 0,
): PeakCheck {
  const { width, height } = verdict.reading;
  const full = frameMap(map, grid, frame, height, width);
  const peak = peakOf(full, width);
  const track = verdict.reading.tracks.find((t) => t.colour === colour);
  const object = track?.frames[frame];
  if (!object) return { inside: false, why: `the judge finds no ${colour} object in frame ${frame + 1}`, peak };
  const grown = growMask(object.mask, width, height, 1);
  const inside = grown[peak.y * width + peak.x] === 1;
  return { inside, why: inside ? '' : `the peak at (${peak.x}, ${peak.y}) lies outside the ${colour} ${object.shape}`, peak };
}

export interface AttentionHooks extends CallOptions {
  onStep?: (p: StepProgress, attention: Float32Array) => void | Promise<void>;
}

/**
 * Samples as `sample` does and, at each step, reads the conditional half's cross-attention:
 * from the step's own call when `inspectModel` is a twin of the model (it names the same file),
 * else from a second call of it on that step's input. The sample is exactly `sample`'s.
 */
export async function sampleWithCrossAttention(
  runner: ModelRunner,
  options: SampleOptions,
  hooks: AttentionHooks = {},
  inspectModel = INSPECT_MODEL,
): Promise<{ sampled: SampleResult; attention: CrossAttentionRun }> {
  const manifest = await runner.manifest();
  modelEntry(manifest, inspectModel); // a clear error before any step when it is missing
  const { frames: F, height: h, width: w, guidance } = resolveSampleOptions(manifest, options);
  const grid: TokenGrid = { frames: F, rows: h / PATCH_SIDE, cols: w / PATCH_SIDE };
  const cond = statesFor(manifest, options.model, options.context).cond; // the inspect export reads what its model reads
  // One call a step when the twin can stand in for the model and the batch holds the prompt's half.
  const twin = sameFile(manifest, options.model, inspectModel) && guidance !== 0;
  const perStep: Float32Array[] = [];
  const timesteps: number[] = [];
  let layers = 0, heads = 0;
  const call: CallOptions = { backend: hooks.backend, signal: hooks.signal, onLoad: hooks.onLoad };
  const separately = async (p: StepProgress) =>
    (await runner.run(
      inspectModel,
      {
        latent: float32(p.input!, [1, F, LATENT_CHANNELS, h, w]),
        timestep: float32(new Float32Array([p.timestep]), [1]),
        context: float32(cond, [1, MAX_TOKENS, CONTEXT_WIDTH]),
      },
      call,
    )).outputs;
  const sampled = await sample(
    runner,
    twin
      ? { ...options, frames: F, runAs: inspectModel }
      : { ...options, frames: F, capture: { ...options.capture, input: true, every: 1 } },
    {
      ...call,
      onStep: async (p) => {
        const outputs = twin ? p.outputs! : await separately(p);
        const ca = outputs.cross_attention;
        if (!ca) throw new Error(`${inspectModel}: no cross_attention output`);
        [, layers, heads] = ca.dims;
        const mean = headMeanCrossAttention(ca.data as Float32Array, ca.dims, twin ? p.halves!.indexOf('cond') : 0);
        if (mean.length !== layers * MAX_TOKENS * F * grid.rows * grid.cols) throw new Error(`${inspectModel}: cross_attention has ${ca.dims.join(' × ')}, not the grid of (${F}, ${h}, ${w})`);
        perStep.push(mean);
        timesteps.push(p.timestep);
        await hooks.onStep?.(p, mean);
      },
    },
  );
  return { sampled, attention: { grid, timesteps, perStep, layers, heads } };
}

export interface AttentionClipOptions extends Omit<SampleOptions, 'context' | 'fixedFrames' | 'init' | 'capture'> {
  prompt: string;
  negativePrompt?: string;
}

export interface AttentionClip extends Frames {
  prompt: string;
  /** The prompt as the text encoder read it (its tokens, hidden states, pooled embedding). */
  text: EncodedText;
  latent: Float32Array;
  verdict: Verdict;
  attention: CrossAttentionRun;
  sample: Omit<SampleResult, 'latent'>;
}

/** Prompt → tokens → text encoder → DiT (with the maps of every step) → decoder → judge. */
export async function textToVideoWithAttention(
  runner: ModelRunner,
  options: AttentionClipOptions,
  hooks: AttentionHooks = {},
): Promise<AttentionClip> {
  const call: CallOptions = { backend: hooks.backend, signal: hooks.signal, onLoad: hooks.onLoad };
  const encoded = await encodePrompt(runner, options.prompt, { ...call, negativePrompt: options.negativePrompt });
  const { prompt: _p, negativePrompt: _n, ...rest } = options;
  const { sampled, attention } = await sampleWithCrossAttention(
    runner,
    { ...rest, context: guidanceContexts(encoded) },
    hooks,
  );
  const [F, , h, w] = sampled.shape;
  const decoded = await decodeLatents(runner, sampled.latent, { frames: F, height: h, width: w }, call);
  const { latent, ...info } = sampled;
  return {
    prompt: options.prompt,
    text: encoded.prompt,
    frames: decoded.frames,
    numFrames: decoded.numFrames,
    width: decoded.width,
    height: decoded.height,
    latent,
    verdict: scoreClip(decoded, options.prompt),
    attention,
    sample: info,
  };
}

/** Pixels of the frame one token of the grid covers (one side). */
export const TOKEN_PIXELS = PATCH_SIDE * VAE_DOWNSAMPLE;

/** Inferno-like stops, dark to bright: attention as heat. */
const HEAT: readonly (readonly [number, number, number])[] = [
  [0, 0, 4], [40, 11, 84], [101, 21, 110], [159, 42, 99], [212, 72, 66], [245, 125, 21], [250, 193, 39], [252, 255, 164],
];

/** The heat colour of v in [0, 1]. */
export function heatColour(v: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, v)) * (HEAT.length - 1);
  const i = Math.min(HEAT.length - 2, Math.floor(x)), f = x - i;
  const a = HEAT[i], b = HEAT[i + 1];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/**
 * A word's map over a clip, as RGB frames (F, height, width, 3): each frame's map upsampled,
 * divided by the largest value over all frames (so frames compare), coloured as heat, with
 * the frame itself showing through (`through` of its brightness). Also the per-frame peaks.
 */
export function attentionOverlay(
  frames: Uint8Array,
  map: Float32Array,
  grid: TokenGrid,
  height: number,
  width: number,
  through = 0.35,
): { rgb: Uint8Array; peaks: { x: number; y: number; value: number }[]; max: number } {
  const plane = height * width;
  if (frames.length !== grid.frames * plane * 3) throw new RangeError('attentionOverlay: frames do not match the grid');
  const ups = Array.from({ length: grid.frames }, (_, f) => frameMap(map, grid, f, height, width));
  let max = 0;
  for (const u of ups) for (const v of u) max = Math.max(max, v);
  const inv = max > 0 ? 1 / max : 0;
  const rgb = new Uint8Array(frames.length);
  ups.forEach((u, f) => {
    for (let p = 0; p < plane; p++) {
      const [r, g, b] = heatColour(u[p] * inv);
      const o = (f * plane + p) * 3;
      rgb[o] = Math.round(r * (1 - through) + frames[o] * through);
      rgb[o + 1] = Math.round(g * (1 - through) + frames[o + 1] * through);
      rgb[o + 2] = Math.round(b * (1 - through) + frames[o + 2] * through);
    }
  });
  return { rgb, peaks: ups.map((u) => peakOf(u, width)), max };
}
