// Chapter 2's state in the URL (prefix c2), what a sampling run depends on,
// the DiT's schedule, and the looks its figures share.
import { css, html, nothing, type TemplateResult } from 'lit';
import { missingModels } from '../../components/figure/sampling';
import { denoiserSettings, scheduleOf, type DenoiserSettings, type Manifest } from '../../pipeline/runtime/manifest';
import { defineSchema, integer, number, oneOf, text, type StateOf } from '../../pipeline/url-state';

export const MODEL = 'dit';
export const SAMPLE_MODELS = ['text_encoder', MODEL, 'vae_decoder'];
export const ERROR_MODELS = ['vae_encoder', 'text_encoder', MODEL];
export const LATENT = { channels: 4, height: 8, width: 8 };

export const chapter2Schema = defineSchema({
  prompt: text(160, 'a big red circle in the top left'),
  seed: integer(0, 99_999, 0),
  sampler: oneOf(['ddim', 'ddpm'], 'ddim'),
  /** DDIM's η; DDPM ignores it. */
  eta: number(0, 1, 0),
  steps: integer(1, 100, 30),
  guidance: number(0, 15, 4),
  frames: oneOf(['1', '8'], '1'),
  /** The step looked at; past the run's last step it shows the last. */
  step: integer(1, 100, 100),
  /** The error cell: how many world images, and the first world seed (the noise's seed too). */
  images: oneOf(['4', '8', '16'], '8'),
  world: integer(0, 99_999, 0),
});
export type Chapter2State = StateOf<typeof chapter2Schema>;

/** What a sampling run depends on (the scrubbed step and the error cell's settings do not count). */
export interface RunSettings {
  prompt: string;
  seed: number;
  sampler: 'ddim' | 'ddpm';
  eta: number;
  steps: number;
  guidance: number;
  frames: number;
}

export const runSettings = (s: Chapter2State): RunSettings => ({
  prompt: s.prompt,
  seed: s.seed,
  sampler: s.sampler,
  eta: s.sampler === 'ddim' ? s.eta : 0,
  steps: s.steps,
  guidance: s.guidance,
  frames: Number(s.frames),
});
export const sameRun = (a: RunSettings | null, b: RunSettings) => !!a && (Object.keys(b) as (keyof RunSettings)[]).every((k) => a[k] === b[k]);
/** The settings as a key (FigureRunController's). */
export const runKey = (r: RunSettings) => JSON.stringify(r);

/** `npm run generate` with the same settings: the page's final frames are that command's. */
export function generateCommand(r: RunSettings): string {
  const q = (s: string) => `"${s.replace(/(["\\$`])/g, '\\$1')}"`;
  const eta = r.sampler === 'ddim' && r.eta > 0 ? ` --eta ${r.eta}` : '';
  return `npm run generate -- --prompt ${q(r.prompt)} --seed ${r.seed} --sampler ${r.sampler}${eta} --steps ${r.steps} --guidance ${r.guidance} --frames ${r.frames} --out x.png`;
}

/** The sampler figure's example prompts (one that moves makes a clip). */
export const EXAMPLE_PROMPTS = [
  'a big red circle in the top left',
  'a small green circle in the bottom right',
  'a big blue square in the center',
  'a yellow triangle',
  'a red circle moving right',
  'a big cyan square moving up',
];

export const fmt = (v: number, digits = 3) =>
  (Number.isFinite(v) ? (Math.abs(v) >= 1000 || (Math.abs(v) < 0.001 && v !== 0) ? v.toExponential(2) : v.toFixed(digits)) : '∞').replace('-', '−');
export const seconds = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};

/** The DiT's sampler settings from its manifest entry (null before the manifest, or without the DiT). */
export function ditSettings(manifest: Manifest | null): DenoiserSettings | null {
  try {
    return manifest ? denoiserSettings(manifest, MODEL) : null;
  } catch {
    return null;
  }
}

const alphaCache = new WeakMap<Manifest, { key: string; abar: Float64Array }>();

/** ᾱ of the DiT's schedule (from its manifest entry), and the key it is made for; the same array for the same manifest. */
export function ditAlphas(manifest: Manifest | null): { key: string; abar: Float64Array } | null {
  const d = ditSettings(manifest);
  if (!d || !manifest) return null;
  const key = `${d.betaSchedule}|${d.numTrainTimesteps}`;
  let hit = alphaCache.get(manifest);
  if (hit?.key !== key) alphaCache.set(manifest, (hit = { key, abar: scheduleOf(manifest, MODEL).alphasCumprod }));
  return hit;
}

/** A cell's notice when the manifest lacks a model it needs. */
export function missingNotice(manifest: Manifest | null, names: string[]): TemplateResult | typeof nothing {
  const missing = missingModels(manifest, names);
  if (!missing.length) return nothing;
  return html`<p class="notice" role="status" data-missing=${missing.join(' ')}>
    This cell needs ${missing.join(', ')}, which ${missing.length > 1 ? 'are' : 'is'} not trained yet (weights/manifest.json does not list ${missing.length > 1 ? 'them' : 'it'}).
    The rest of the page works without ${missing.length > 1 ? 'them' : 'it'}.
  </p>`;
}

/** The chapter's own looks, shared by its figures: readouts and math. */
export const chapter2Styles = css`
  .readout {
    font-variant-numeric: tabular-nums;
    font-size: 0.9rem;
    margin: 0.4rem 0 0;
    max-width: none;
  }
  .math {
    font-style: italic;
  }
`;
