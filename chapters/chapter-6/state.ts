// Chapter 6's state in the URL (prefix c6), the models and numbers its figures
// share, and the looks they share.
import { css } from 'lit';
import { colourKeys } from '../../components/styles';
import { defineSchema, integer, number, oneOf, text, type StateOf } from '../../pipeline/url-state';
import { COLOURS, type Colour } from '../../pipeline/world/spec';
import { tokenize } from '../../pipeline/world/tokenizer';

/** The models of the chapter's download line: the DiT, its inspect twin, the text encoder and the decoder. */
export const MODELS = ['text_encoder', 'dit', 'dit_inspect', 'vae_decoder'];
/** The three small image DiTs of the comparison, trained alike but for how the text gets in. */
export const WAYS = ['dit_adaln', 'dit_cross', 'dit_in_context'] as const;
export type Way = (typeof WAYS)[number];
export const WAY_NAMES: Record<Way, string> = { dit_adaln: 'adaLN', dit_cross: 'Cross-attention', dit_in_context: 'In context' };
/** The comparison's download line: the three ways with the text encoder and the decoder. */
export const WAY_MODELS = ['text_encoder', ...WAYS, 'vae_decoder'];
export const STEPS = 30;
/** Seeds the peak check and the ways' tally run over. */
export const TALLY_SEEDS = 16;
export const WAY_SEEDS = 8;
/** The chapter's cells, by the id of their <live-cell> (the key of a figure's link, and of `ensure(id)`). */
export type Chapter6Cell = 'tokens' | 'attention' | 'tally' | 'strip' | 'sweep' | 'compare' | 'ways' | 'expand' | 'expandTally';

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
  /** Guidance: prompt, negative prompt, scale, seed, and seeds of the sweep. */
  gprompt: text(160, 'a big yellow triangle in the center'),
  gneg: text(160, ''),
  gscale: number(0, 15, 4),
  gseed: integer(0, 99_999, 0),
  gseeds: integer(2, 12, 6),
  /** The three ways in: one prompt, one seed. */
  cprompt: text(160, 'a red square in the top left'),
  cseed: integer(0, 99_999, 0),
  /** Prompt expansion: the short prompt, image or clip, the seed of the filled attributes, the seed of the sample. */
  eprompt: text(160, 'red ball'),
  emode: oneOf(['image', 'clip'], 'image'),
  eseed: integer(0, 99_999, 3),
  sseed: integer(0, 99_999, 0),
});
export type Chapter6State = StateOf<typeof chapter6Schema>;

/** A sample's pictures, without the rest of what the worker sends (for <clip-card> and the judge). */
export const sameDims = (c: { frames: Uint8Array; numFrames: number; width: number; height: number }) => ({ frames: c.frames, numFrames: c.numFrames, width: c.width, height: c.height });
/** A guidance scale as written: 4, 7.5. */
export const fmtScale = (s: number) => (Number.isInteger(s) ? String(s) : s.toFixed(1));

/** The colour words of a prompt, in order, once each. */
export function colourWords(prompt: string): Colour[] {
  const words = tokenize(prompt).pieces.map((p) => p.text);
  return [...new Set(words.filter((w): w is Colour => (COLOURS as readonly string[]).includes(w)))];
}

/** The chapter's own looks, shared by its figures: grids of controls, readouts, colour keys, disclosures. */
export const chapter6Styles = css`
  ${colourKeys}
  .controls {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr));
    gap: 0.75rem 1.5rem;
    align-items: start;
    margin-bottom: 1rem;
  }
  .readout {
    font-variant-numeric: tabular-nums;
    font-size: 0.95rem;
    margin: 0.5rem 0;
    max-width: none;
  }
  details {
    margin-top: 0.4rem;
    font-size: 0.85rem;
  }
  summary {
    cursor: pointer;
  }
  summary:focus-visible {
    outline: 3px solid var(--focus);
    outline-offset: 2px;
  }
`;
