// The guidance chapter's state in the URL (prefix cg), and the models and
// numbers its figures share. What it shares with chapter 6 (the steps, the
// looks) is in ../shared/conditioning.ts. Its fields kept the names they had
// under c6 before the chapter was split out of chapter 6, so an old link's
// c6.gscale is read here as cg.gscale (chapters/registry.ts, MOVED).
import { defineSchema, integer, number, oneOf, text, type StateOf } from '../../pipeline/url-state';

/** The models of the chapter's download line: the text encoder, the DiT and the decoder. */
export const MODELS = ['text_encoder', 'dit', 'vae_decoder'];
/** The chapter's cells, by the id of their <live-cell> (the key of a figure's link, and of `ensure(id)`). */
export type ChapterGuidanceCell = 'strip' | 'sweep' | 'expand' | 'expandTally';

export const chapterGuidanceSchema = defineSchema({
  /** Guidance: prompt, negative prompt, scale, seed, and seeds of the sweep. */
  gprompt: text(160, 'a big yellow triangle in the center'),
  gneg: text(160, ''),
  gscale: number(0, 15, 4),
  gseed: integer(0, 99_999, 0),
  gseeds: integer(2, 12, 6),
  /** Prompt expansion: the short prompt, image or clip, the seed of the filled attributes, the seed of the sample. */
  eprompt: text(160, 'red ball'),
  emode: oneOf(['image', 'clip'], 'image'),
  eseed: integer(0, 99_999, 3),
  sseed: integer(0, 99_999, 0),
});
export type ChapterGuidanceState = StateOf<typeof chapterGuidanceSchema>;

/** A guidance scale as written: 4, 7.5. */
export const fmtScale = (s: number) => (Number.isInteger(s) ? String(s) : s.toFixed(1));
