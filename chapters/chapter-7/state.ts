// Chapter 7's state in the URL (prefix c7), the state each figure's clip
// depends on (its key), the checkpoints of the scaling figure, and the looks its
// figures share.
import { css } from 'lit';
import type { Manifest } from '../../pipeline/runtime/manifest';
import { shareOfTraining } from '../../components/controllers/engine-state';
import type { TextToVideoOptions } from '../../pipeline/text-to-video/clip';
import { defineSchema, integer, oneOf, text, type StateOf } from '../../pipeline/url-state';
import { MOTIONS } from '../../pipeline/world/spec';

/** Frames of every clip this chapter makes. */
export const FRAMES = 8;
export const MAKE_MODELS = ['text_encoder', 'dit', 'vae_decoder', 'vae_encoder'];
export const CELLS = ['make', 'animate', 'extend', 'edit', 'connect', 'scale', 'measure', 'physics'] as const;
export type Chapter7Cell = (typeof CELLS)[number];
/** The figures whose clip the measuring figure can read. */
export const MEASURABLE = ['make', 'animate', 'extend', 'edit', 'connect'] as const;
export type Measurable = (typeof MEASURABLE)[number];

export const chapter7Schema = defineSchema({
  /** The pipeline cell: prompt, seed of the starting noise, denoising steps (every cell uses them). */
  prompt: text(160, 'a red circle moving right'),
  seed: integer(0, 99_999, 0),
  steps: integer(4, 50, 30),
  /** Image to video: where the picture comes from, and the motion asked of it. */
  source: oneOf(['world', 'generated', 'drawing'], 'world'),
  picture: integer(0, 99_999, 7),
  imagePrompt: text(160, 'a big yellow square in the left'),
  drawing: text(1400, ''),
  motion: oneOf(MOTIONS, 'right'),
  /** Extending the pipeline cell's clip: which way, and how many of its frames the model sees. */
  direction: oneOf(['forward', 'backward'], 'forward'),
  keep: integer(1, 6, 4),
  /** SDEdit: the new prompt and how much of the schedule to run again (%). The defaults here and for
   *  connecting are ones the judge passes with the committed DiT (chapter-7.test.ts checks them). */
  editPrompt: text(160, 'a blue circle moving right'),
  strength: integer(0, 100, 85),
  /** Connecting: the second clip's seed and prompt (empty: the same prompt). */
  otherSeed: integer(0, 99_999, 3),
  otherPrompt: text(160, ''),
  /** Scaling with compute: a prompt, the first seed and how many seeds. */
  scalePrompt: text(160, 'a red circle moving right'),
  scaleSeed: integer(0, 99_999, 0),
  seeds: integer(1, 8, 4),
  /** Which clip the measuring cell reads. */
  measure: oneOf(MEASURABLE, 'make'),
  /** The law of motion: one object and its motion, and the first of the seeds. */
  physicsPrompt: text(160, 'a red circle moving right'),
  physicsSeed: integer(0, 99_999, 0),
});
export type Chapter7State = StateOf<typeof chapter7Schema>;

/** The state a figure's clip depends on, as text: a new key means a new run. */
export function cellKey(s: Chapter7State, id: Chapter7Cell): string {
  const make = `${s.prompt}|${s.seed}|${s.steps}`;
  switch (id) {
    case 'make':
      return make;
    case 'animate': {
      const from = s.source === 'world' ? `w${s.picture}` : s.source === 'generated' ? `g${s.imagePrompt}` : `d${s.drawing}`;
      return `${from}|${s.motion}|${s.seed}|${s.steps}`;
    }
    case 'extend':
      return `${make}|${s.direction}|${s.keep}`;
    case 'edit':
      return `${make}|${s.editPrompt}|${s.strength}`;
    case 'connect':
      return `${make}|${s.otherSeed}|${s.otherPrompt}`;
    case 'scale':
      return `${s.scalePrompt}|${s.scaleSeed}|${s.seeds}|${s.steps}`;
    case 'measure':
      return `${s.measure}|${cellKey(s, s.measure)}`;
    case 'physics':
      return `${s.physicsPrompt}|${s.physicsSeed}|${s.steps}`;
  }
}

/** Options every generation of this chapter shares. */
export function clipOptions(s: Chapter7State, prompt: string, seed: number, extra: Partial<TextToVideoOptions> = {}): TextToVideoOptions {
  return { prompt, model: 'dit', seed, steps: s.steps, frames: FRAMES, ...extra };
}

/** The scaling figure's checkpoints: two early snapshots of the DiT's first recipe, and the DiT. */
export const CHECKPOINTS = ['dit_snap16', 'dit_snap4', 'dit'] as const;


/** A checkpoint's name, with the share of the compute it was trained with as the manifest says. */
export function checkpointName(model: string, manifest: Manifest | null): string {
  if (model === 'dit') return 'DiT, all of it';
  const share = shareOfTraining(model, 'dit', manifest); // 1/16 for 26.4 of 423 minutes
  return share ? `DiT at 1/${share}` : model === 'dit_snap16' ? 'DiT, early' : 'DiT, later';
}

/** The chapter's own looks, shared by its figures: grids of controls and of clips, readouts, strips, tables, the weights line. */
export const chapter7Styles = css`
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
  .two,
  .three {
    display: grid;
    gap: 1rem 1.25rem;
    align-items: start;
  }
  .two {
    grid-template-columns: repeat(2, minmax(0, 17rem));
  }
  .three {
    grid-template-columns: repeat(3, minmax(0, 16.5rem));
  }
  @media (max-width: 40rem) {
    /* a phone: one clip a row, so each keeps its player's controls */
    .two,
    .three {
      grid-template-columns: minmax(0, 18rem);
    }
  }
  .strip h4 {
    margin: 0 0 0.25rem;
    font-size: 0.9rem;
  }
  .strip pixel-view {
    --pixel-view-size: 100%;
    display: block;
  }
  .strip .caption {
    margin: 0.2rem 0 0;
    font-size: 0.8rem;
    color: var(--muted);
    max-width: none;
  }
  table {
    border-collapse: collapse;
    font-size: 0.85rem;
    font-variant-numeric: tabular-nums;
  }
  th,
  td {
    text-align: left;
    padding: 0.2rem 0.6rem 0.2rem 0;
    border-bottom: 1px solid var(--rule);
  }
  th {
    color: var(--muted);
    font-weight: 600;
  }
  .scroll {
    overflow-x: auto;
  }
  td.pass {
    color: var(--accent-ink);
    font-weight: 700;
  }
  td.fail {
    color: var(--error);
    font-weight: 700;
  }
  .weights,
  .backend {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.25rem 0.75rem;
    margin: 0.5rem 0;
    font-size: 0.85rem;
    color: var(--muted);
  }
  .weights progress {
    width: 10rem;
    max-width: 60vw;
    accent-color: var(--accent);
  }
`;
