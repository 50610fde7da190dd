// Encode a prompt: tokenizer → text encoder. One call of batch 2, [negative
// prompt (the empty prompt unless one is given), prompt]: the two contexts of
// classifier-free guidance.
import { emptyPromptIds, tokenize, MAX_TOKENS, type Tokenized } from '../world/tokenizer';
import { int32, type BackendPreference, type BackendReport, type ModelRunner } from '../runtime/models';
import type { DownloadProgress } from '../runtime/weights';
import { modelEntry, WeightsError, type Manifest } from '../runtime/manifest';
import type { Contexts } from './contexts';

export const TEXT_ENCODER = 'text_encoder';
/** Width of the text encoder's per-token states (the denoisers' context). */
export const CONTEXT_WIDTH = 128;
/** Length of the pooled caption embedding. */
export const POOLED_WIDTH = 64;

export interface EncodedText {
  text: string;
  tokens: Tokenized;
  /** (24, 128): one state a token, the CLIP text tower's: what most denoisers' cross-attention reads. */
  hidden: Float32Array;
  /** (64,): the pooled, unit-length caption embedding. */
  pooled: Float32Array;
  /**
   * (24, 128): the same tokens after the context blocks, each carrying its phrase's words ("circle"
   * knows it is red); what a denoiser whose manifest entry says text_states "phrases" reads. Absent
   * when the text encoder has no such output.
   */
  phrases?: Float32Array;
}

/** Which of the text encoder's per-token outputs a denoiser was trained on. */
export type TextStates = 'hidden' | 'phrases';

export interface EncodedPrompt {
  prompt: EncodedText;
  /** The unconditional side of guidance: the empty prompt, or the negative prompt. */
  negative: EncodedText;
  report: BackendReport;
  ms: number;
}

export interface CallOptions {
  backend?: BackendPreference;
  signal?: AbortSignal;
  onLoad?: (p: DownloadProgress) => void;
}

export async function encodePrompt(
  runner: ModelRunner,
  prompt: string,
  options: CallOptions & { negativePrompt?: string } = {},
): Promise<EncodedPrompt> {
  const tokens = tokenize(prompt);
  const negativeText = options.negativePrompt ?? '';
  const negativeTokens = negativeText.trim() ? tokenize(negativeText) : { ...tokenize(''), ids: emptyPromptIds() };
  const ids = new Int32Array(2 * MAX_TOKENS);
  ids.set(negativeTokens.ids, 0);
  ids.set(tokens.ids, MAX_TOKENS);
  const { outputs, report, ms } = await runner.run(TEXT_ENCODER, { tokens: int32(ids, [2, MAX_TOKENS]) }, options);
  const hidden = outputs.hidden?.data as Float32Array | undefined;
  const pooled = outputs.pooled?.data as Float32Array | undefined;
  const phrases = outputs.phrases?.data as Float32Array | undefined;
  const h = MAX_TOKENS * CONTEXT_WIDTH;
  if (!hidden || hidden.length !== 2 * h) throw new Error(`text_encoder: expected hidden (2, ${MAX_TOKENS}, ${CONTEXT_WIDTH})`);
  if (phrases && phrases.length !== 2 * h) throw new Error(`text_encoder: expected phrases (2, ${MAX_TOKENS}, ${CONTEXT_WIDTH})`);
  const p = pooled ? pooled.length / 2 : 0;
  const half = (i: 0 | 1) => ({
    hidden: hidden.slice(i * h, (i + 1) * h),
    pooled: pooled ? pooled.slice(i * p, (i + 1) * p) : new Float32Array(0),
    ...(phrases ? { phrases: phrases.slice(i * h, (i + 1) * h) } : {}),
  });
  return {
    negative: { text: negativeText, tokens: negativeTokens, ...half(0) },
    prompt: { text: prompt, tokens, ...half(1) },
    report,
    ms,
  };
}

/** Everything a denoiser may read of an encoded prompt, as `sample` takes it. */
export function guidanceContexts(encoded: Pick<EncodedPrompt, 'prompt' | 'negative'>): Contexts {
  const { prompt: c, negative: u } = encoded;
  return {
    cond: c.hidden,
    uncond: u.hidden,
    pooledCond: c.pooled,
    pooledUncond: u.pooled,
    ...(c.phrases && u.phrases ? { phrasesCond: c.phrases, phrasesUncond: u.phrases } : {}),
  };
}

/** The per-token states of `text` that `model` reads: its `hidden` or its `phrases` (the manifest says which). */
export function statesRead(manifest: Manifest, model: string, text: Pick<EncodedText, 'hidden' | 'phrases'>): Float32Array {
  if (textStates(manifest, model) === 'hidden') return text.hidden;
  if (!text.phrases) throw new WeightsError(`"${model}" reads the text encoder's phrases output, which this text encoder does not give`, model, 'manifest');
  return text.phrases;
}

/** The per-token states `model` reads (its manifest entry's text_states; "hidden" when it names none). */
export function textStates(manifest: Manifest, model: string): TextStates {
  const v = modelEntry(manifest, model).text_states;
  if (v === undefined) return 'hidden';
  if (v === 'hidden' || v === 'phrases') return v;
  throw new WeightsError(`weights/manifest.json: "${model}" has an unknown text_states ${String(v)}`, model, 'manifest');
}
