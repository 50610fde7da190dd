// Encode a prompt: tokenizer → text encoder. One call of batch 2, [negative
// prompt (the empty prompt unless one is given), prompt]: the two contexts of
// classifier-free guidance.
import { emptyPromptIds, tokenize, MAX_TOKENS, type Tokenized } from '../world/tokenizer';
import { int32, type BackendPreference, type BackendReport, type ModelRunner } from '../runtime/models';
import type { DownloadProgress } from '../runtime/weights';

export const TEXT_ENCODER = 'text_encoder';
/** Width of the text encoder's per-token states (the denoisers' context). */
export const CONTEXT_WIDTH = 128;
/** Length of the pooled caption embedding. */
export const POOLED_WIDTH = 64;

export interface EncodedText {
  text: string;
  tokens: Tokenized;
  /** (24, 128): one state a token, what cross-attention reads. */
  hidden: Float32Array;
  /** (64,): the pooled, unit-length caption embedding. */
  pooled: Float32Array;
}

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
  if (!hidden || hidden.length !== 2 * MAX_TOKENS * CONTEXT_WIDTH) throw new Error(`text_encoder: expected hidden (2, ${MAX_TOKENS}, ${CONTEXT_WIDTH})`);
  const h = MAX_TOKENS * CONTEXT_WIDTH;
  const p = pooled ? pooled.length / 2 : 0;
  return {
    negative: { text: negativeText, tokens: negativeTokens, hidden: hidden.slice(0, h), pooled: pooled ? pooled.slice(0, p) : new Float32Array(0) },
    prompt: { text: prompt, tokens, hidden: hidden.slice(h), pooled: pooled ? pooled.slice(p) : new Float32Array(0) },
    report,
    ms,
  };
}
