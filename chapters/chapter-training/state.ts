// The training chapter's state in the URL (prefix ct), the clips a reader can
// train on, the models it runs, and the looks its figures share.
import { css } from 'lit';
import { worldClipOf } from '../../pipeline/lessons/training-step';
import { defineSchema, integer, oneOf, type StateOf } from '../../pipeline/url-state';

/** The denoiser a step trains: the page's DiT. */
export const MODEL = 'dit';
/** The DiT saved at 1/16 and 1/4 of its training, then shipped (weights/cards/dit.md). */
export const SNAPSHOTS = ['dit_snap16', 'dit_snap4', MODEL] as const;
export const STEP_MODELS = ['vae_encoder', 'text_encoder', MODEL, 'vae_decoder'];
export const CHAPTER_MODELS = [...STEP_MODELS, 'dit_snap16', 'dit_snap4'];

/** The clips on offer: a prompt each, drawn from the world with the world seed (a motion makes 8 frames, else 1). */
export const CLIPS = {
  'red-right': 'a red circle moving right',
  'blue-up': 'a big blue square moving up',
  'yellow-still': 'a small yellow triangle staying still',
  two: 'a green circle moving down and a purple square moving left',
  image: 'a big cyan triangle in the top left',
} as const;
export type ClipId = keyof typeof CLIPS;
export const CLIP_IDS = Object.keys(CLIPS) as ClipId[];

export const DRAWS = ['96', '192', '384'] as const;

export const chapterTrainingSchema = defineSchema({
  clip: oneOf(CLIP_IDS, 'red-right'),
  /** The world seed the clip is drawn with. */
  world: integer(0, 99_999, 0),
  t: integer(0, 999, 500),
  /** The seed of ε. */
  noise: integer(0, 99_999, 0),
  /** The frame whose latents the step figure shows (1-based). */
  frame: integer(1, 8, 1),
  /** Draws of the loss-against-t figure. */
  draws: oneOf(DRAWS, '96'),
});
export type ChapterTrainingState = StateOf<typeof chapterTrainingSchema>;

/** The clip the state names, and its full caption (what the denoiser is told, as in training). */
export function clipOf(s: Pick<ChapterTrainingState, 'clip' | 'world'>) {
  return worldClipOf(CLIPS[s.clip], s.world);
}

/** What a step depends on (the frame shown does not count). */
export const stepKey = (s: ChapterTrainingState) => `${s.clip}|${s.world}|${s.t}|${s.noise}`;

export const fmt = (v: number, digits = 4) =>
  (Number.isFinite(v) ? (Math.abs(v) >= 1000 || (Math.abs(v) < 10 ** -digits && v !== 0) ? v.toExponential(2) : v.toFixed(digits)) : '—').replace('-', '−');

/** The chapter's own looks, shared by its figures. */
export const trainingStyles = css`
  .readout {
    font-variant-numeric: tabular-nums;
    font-size: 0.95rem;
    margin: 0.6rem 0 0;
    max-width: none;
  }
  .stage-label {
    font-size: 0.85rem;
    font-weight: 600;
    margin: 0 0 0.3rem;
  }
  .math {
    font-style: italic;
  }
  .losses {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr));
    gap: 0.5rem 1rem;
    margin: 0.6rem 0 0;
    font-variant-numeric: tabular-nums;
  }
  .losses div {
    border-left: 3px solid var(--rule, #ccc);
    padding-left: 0.5rem;
  }
  .losses span {
    font-size: 0.88rem;
  }
  .losses strong {
    display: block;
    font-size: 1.15rem;
  }
`;
