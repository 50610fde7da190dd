// Chapter 6's state in the URL (prefix c6), and the models and numbers its
// figures share. What it shares with chapter-guidance (the steps, the looks) is
// in ../shared/conditioning.ts.
import { defineSchema, integer, oneOf, text, type StateOf } from '../../pipeline/url-state';
import { COLOURS, type Colour } from '../../pipeline/world/spec';
import { tokenize } from '../../pipeline/world/tokenizer';
import { STEPS } from '../shared/conditioning';

/** The models of the chapter's download line: the DiT, its inspect twin, the text encoder and the decoder. */
export const MODELS = ['text_encoder', 'dit', 'dit_inspect', 'vae_decoder'];
/** The three small image DiTs of the comparison, trained alike but for how the text gets in. */
export const WAYS = ['dit_adaln', 'dit_cross', 'dit_in_context'] as const;
export type Way = (typeof WAYS)[number];
export const WAY_NAMES: Record<Way, string> = { dit_adaln: 'adaLN', dit_cross: 'Cross-attention', dit_in_context: 'In context' };
/** The comparison's download line: the three ways with the text encoder and the decoder. */
export const WAY_MODELS = ['text_encoder', ...WAYS, 'vae_decoder'];
/** Seeds the peak check and the ways' tally run over. */
export const TALLY_SEEDS = 16;
export const WAY_SEEDS = 8;
/** The chapter's cells, by the id of their <live-cell> (the key of a figure's link, and of `ensure(id)`). */
export type Chapter6Cell = 'tokens' | 'attention' | 'tally' | 'compare' | 'ways';

export const chapter6Schema = defineSchema({
  /** The prompt of the tokens and of the attention maps. */
  prompt: text(160, 'a red circle and a blue square'),
  /** The attention cell: seed, image or clip, and which steps and layers the maps average. */
  seed: integer(0, 99_999, 1),
  frames: oneOf(['1', '8'], '1'),
  /** 0: the first two thirds of the steps, averaged (the layout's steps); k: step k alone. */
  step: integer(0, STEPS, 0),
  /** 0: every layer; k: layer k alone. */
  layer: integer(0, 6, 0),
  /** The three ways in: one prompt, one seed. */
  cprompt: text(160, 'a red square in the top left'),
  cseed: integer(0, 99_999, 0),
});
export type Chapter6State = StateOf<typeof chapter6Schema>;

/** The colour words of a prompt, in order, once each. */
export function colourWords(prompt: string): Colour[] {
  const words = tokenize(prompt).pieces.map((p) => p.text);
  return [...new Set(words.filter((w): w is Colour => (COLOURS as readonly string[]).includes(w)))];
}
