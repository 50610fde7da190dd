// What a denoiser reads of an encoded prompt, both sides of classifier-free
// guidance: the prompt's and the empty (or negative) prompt's states. Made by
// ./prompt.ts (guidanceContexts), read by ./sample.ts. DOM-free.

export interface Contexts {
  /** (24, 128) of the prompt. */
  cond: Float32Array;
  /** (24, 128) of the empty (or negative) prompt. */
  uncond: Float32Array;
  /**
   * The pooled caption embeddings (64,) of the prompt and of the empty (or negative) prompt,
   * for a denoiser that takes a `pooled` input (dit_adaln, see `denoiserTakesPooled`); others ignore them.
   */
  pooledCond?: Float32Array;
  pooledUncond?: Float32Array;
  /**
   * The text encoder's `phrases` states (24, 128) of the prompt and of the empty (or negative)
   * prompt, for a denoiser trained on them (`textStates`); they then take the place of cond and uncond.
   */
  phrasesCond?: Float32Array;
  phrasesUncond?: Float32Array;
}
