// Chapter 5's state in the URL (prefix c5), the models each figure needs, what
// a side-by-side run depends on, and the looks its figures share.
import { css, html, nothing, type TemplateResult } from 'lit';
import { missingModels } from '../../components/figure/sampling';
import { CHART_COLOURS } from '../../components/charts/plot-chart';
import type { RaceModel } from '../../components/widgets/race-charts';
import type { TokenGrid } from '../../pipeline/lessons/cross-attention';
import { ADALN_PARTS } from '../../pipeline/lessons/dit-inspect';
import type { Manifest } from '../../pipeline/runtime/manifest';
import { defineSchema, integer, number, oneOf, text, type StateOf } from '../../pipeline/url-state';

export const UNET = 'unet';
export const DIT = 'dit';
export const INSPECT = 'dit_inspect';
/** The two denoisers, in the order the page shows them. */
export const DUEL_MODELS = [UNET, DIT] as const;
export const DUEL_NEEDS = ['text_encoder', UNET, DIT, 'vae_decoder'];
export const ADALN_NEEDS = [INSPECT];
export const ATTN_NEEDS = ['text_encoder', DIT, 'vae_decoder', INSPECT];
export const RACE_LENGTH = 16;
/** The attention cell's clip: 8 frames, the manifest's 30 steps. */
export const ATTN_FRAMES = 8;
export const ATTN_STEPS = 30;
export const ATTN_GRID: TokenGrid = { frames: ATTN_FRAMES, rows: 4, cols: 4 };
export const ADALN_POINTS = 50;

export const LABEL: Record<string, string> = { unet: 'U-Net', dit: 'DiT' };
const COLOUR: Record<string, string> = { unet: CHART_COLOURS.noise, dit: CHART_COLOURS.signal };
export const RACE_MODELS: RaceModel[] = DUEL_MODELS.map((m) => ({ name: m, label: LABEL[m], colour: COLOUR[m] }));

export const chapter5Schema = defineSchema({
  /** The side-by-side cell (and the race): an image prompt, seed, sampler, steps, guidance. */
  prompt: text(160, 'a green triangle'),
  seed: integer(0, 99_999, 0),
  sampler: oneOf(['ddim', 'ddpm'], 'ddim'),
  steps: integer(1, 100, 30),
  guidance: number(0, 15, 4),
  /** The step both strips look at; past the run's last it shows the last. */
  step: integer(1, 100, 100),
  /** adaLN: the part, the block (1-based) and the timestep read. */
  part: oneOf(ADALN_PARTS, 'gate1'),
  block: integer(1, 12, 1),
  t: integer(0, 999, 999),
  /** Self-attention: the clip's prompt and seed, the step read, layer and head, the query patch (1-based). */
  clip: text(160, 'a red circle moving right'),
  cseed: integer(0, 99_999, 0),
  astep: integer(1, ATTN_STEPS, 25),
  layer: integer(1, 12, 6),
  head: oneOf(['mean', '1', '2', '3', '4', '5', '6', '7', '8'], 'mean'),
  qf: integer(1, ATTN_FRAMES, 1),
  qr: integer(1, ATTN_GRID.rows, 2),
  qc: integer(1, ATTN_GRID.cols, 1),
});
export type Chapter5State = StateOf<typeof chapter5Schema>;

/** Each cell's part of the state (a cell's Reset sets these back to their defaults). */
export const RACE_PARAMS: (keyof Chapter5State)[] = ['prompt', 'seed', 'sampler', 'steps', 'guidance'];
export const DUEL_PARAMS: (keyof Chapter5State)[] = [...RACE_PARAMS, 'step'];
export const ADALN_PARAMS: (keyof Chapter5State)[] = ['part', 'block', 't'];
export const ATTN_PARAMS: (keyof Chapter5State)[] = ['clip', 'cseed', 'astep', 'layer', 'head', 'qf', 'qr', 'qc'];

export interface DuelSettings {
  prompt: string;
  seed: number;
  sampler: 'ddim' | 'ddpm';
  steps: number;
  guidance: number;
}
export const duelSettings = (s: Chapter5State): DuelSettings => ({ prompt: s.prompt, seed: s.seed, sampler: s.sampler, steps: s.steps, guidance: s.guidance });
export const sameDuel = (a: DuelSettings | null | undefined, b: DuelSettings) => !!a && (Object.keys(b) as (keyof DuelSettings)[]).every((k) => a[k] === b[k]);

export const fmt = (v: number, digits = 2) => (Math.abs(v) < 0.5 * 10 ** -digits ? (0).toFixed(digits) : v.toFixed(digits)).replace('-', '−');
export const pct = (v: number) => `${Math.round(v * 100)} %`;
export const msText = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 10 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`);

/** A cell's notice when the manifest lacks a model it needs (`what`: the cell, in words). */
export function missingNotice(manifest: Manifest | null, names: string[], what: string): TemplateResult | typeof nothing {
  const missing = missingModels(manifest, names);
  if (!missing.length) return nothing;
  const them = missing.length > 1;
  return html`<p class="notice" role="status" data-missing=${missing.join(' ')}>
    ${what} needs ${missing.map((m, i) => html`${i ? ' and ' : ''}<code>${m}</code>`)}, which ${them ? 'are' : 'is'} still training: weights/manifest.json does not list
    ${them ? 'them' : 'it'} yet. This cell runs as soon as ${them ? 'they appear' : 'it appears'} there; the rest of the chapter works without ${them ? 'them' : 'it'}.
  </p>`;
}

/** The chapter's own looks, shared by its figures: narrower columns of controls, readouts and math. */
export const chapter5Styles = css`
  :host {
    --controls-min: 13rem;
  }
  .math {
    font-style: italic;
  }
  .readout {
    font-variant-numeric: tabular-nums;
    font-size: 0.92rem;
    margin: 0.5rem 0 0;
    max-width: var(--measure);
  }
`;
