// <model-card>: a model's card, from its entry in weights/manifest.json, behind
// a disclosure ("Model card: dit_cross"): its parameters, its training, its
// data, how it samples and what a call costs, its file. Chapter 6 shows one
// under each of the three small image DiTs, chapter 7 one under each checkpoint
// of the clip DiT; `facts` says which lines a card has.
//
//   <model-card name="dit_cross" .entry=${manifest.models.dit_cross}></model-card>
//   <model-card name="dit_snap4" .entry=${e} .facts=${CLIP_DENOISER_FACTS}></model-card>
//
// Its looks can be set from outside with --model-card-size (the type),
// --model-card-margin (around the disclosure) and --model-card-gap (between
// the lines and columns of the card).
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { formatBytes, type ManifestModel } from '../../pipeline/runtime/manifest';

/** One line of a card. */
export type ModelFact = 'params' | 'training' | 'trainedOn' | 'sampling' | 'computeImage' | 'computeClip' | 'file';

/** An image denoiser's card (chapter 6): what a call costs on an image. */
export const IMAGE_DENOISER_FACTS: readonly ModelFact[] = ['params', 'training', 'trainedOn', 'computeImage', 'file'];
/** A clip denoiser's card (chapter 7): how it samples, and what a call costs on a clip. */
export const CLIP_DENOISER_FACTS: readonly ModelFact[] = ['params', 'training', 'trainedOn', 'sampling', 'computeClip', 'file'];

const MFLOPS = (flops: unknown) => (Number(flops) / 1e6).toFixed(0);

/** A card's lines, label and value, from a manifest entry ('—' or '?' for what the entry lacks). */
export function modelCardRows(e: ManifestModel, facts: readonly ModelFact[] = IMAGE_DENOISER_FACTS): [string, string][] {
  return facts.map((fact): [string, string] => {
    switch (fact) {
      case 'params':
        return ['Parameters', e.params ? e.params.toLocaleString('en') : '—'];
      case 'training':
        return ['Training', `${e.steps !== undefined ? Number(e.steps).toLocaleString('en') : '?'} steps, ${e.train_minutes ?? '?'} min on 2 CPU cores`];
      case 'trainedOn':
        return ['Trained on', String(e.trained_on ?? '—')];
      case 'sampling':
        return ['Sampling', `${e.num_inference_steps ?? '?'} ${String(e.sampler ?? '').toUpperCase()} steps, guidance ${e.guidance_scale ?? '?'}, ${e.prediction_type ?? ''}`];
      case 'computeImage':
        return ['Compute', e.flops ? `${MFLOPS(e.flops)} MFLOPs a denoiser call (an image, batch 2)` : '—'];
      case 'computeClip':
        return ['Compute a clip', e.flops_clip ? `${MFLOPS(e.flops_clip)} MFLOPs a denoiser call` : '—'];
      case 'file':
        return ['File', `${e.file}, ${formatBytes(e.bytes)}`];
    }
  });
}

@customElement('model-card')
export class ModelCard extends LitElement {
  static styles = css`
    :host {
      display: block;
    }
    details {
      margin: var(--model-card-margin, 0.4rem 0 0);
      font-size: var(--model-card-size, 0.85rem);
    }
    summary {
      cursor: pointer;
    }
    summary:focus-visible {
      outline: 3px solid var(--focus);
      outline-offset: 2px;
    }
    dl {
      display: grid;
      grid-template-columns: max-content minmax(0, 1fr);
      gap: var(--model-card-gap, 0.15rem 0.6rem);
      margin: 0.4rem 0 0;
    }
    dt {
      color: var(--muted);
    }
    dd {
      margin: 0;
    }
  `;

  /** The model's name in the manifest, e.g. 'dit_cross'. */
  @property() name = '';
  /** Its manifest entry; no card without one. */
  @property({ attribute: false }) entry: ManifestModel | null = null;
  /** The card's lines, in order. */
  @property({ attribute: false }) facts: readonly ModelFact[] = IMAGE_DENOISER_FACTS;

  render() {
    if (!this.entry) return nothing;
    return html`<details>
      <summary>Model card: ${this.name}</summary>
      <dl>${modelCardRows(this.entry, this.facts).map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
    </details>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'model-card': ModelCard;
  }
}
