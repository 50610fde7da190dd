// <picture-picker>: where a figure's picture comes from (the Shapes World, a
// drawing, the DiT, …) as a row of choices, and for a world picture a button
// for another one with what it shows. Chapters 1, 3 and 7 each had this pair of
// controls; the drawing canvas (and any prompt) stays with the figure, which
// places it where its layout wants it.
//
//   <picture-picker label="The picture" .options=${[{ value: 'world', label: 'From the world' }, …]}
//       .source=${s.source} .seed=${s.picture} next-label="Another picture"
//       .caption=${html`picture #${s.picture}: ${caption}`}
//       @picture-change=${(e) => this.set(e.detail.source ? { source: e.detail.source } : { picture: e.detail.seed })}></picture-picker>
//
// Event: `picture-change`, { source } when another source is chosen, { seed } (the next world
// picture's seed, after 99,999 comes 0) when the button asks for another.
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import './choice-picker';
import type { ChoiceDetail, ChoiceOption } from './choice-picker';
import { controls, layout } from '../styles';

export type PictureChangeDetail = { source: string; seed?: undefined } | { seed: number; source?: undefined };

/** Seeds of world pictures run from 0 to 99,999. */
const SEEDS = 100_000;

@customElement('picture-picker')
export class PicturePicker extends LitElement {
  static styles = [
    controls,
    layout,
    css`
      :host {
        display: block;
      }
      .stack > * + * {
        margin-top: var(--picture-picker-gap, 0.75rem);
      }
    `,
  ];

  /** The choices' legend. */
  @property() label = 'Picture';
  @property({ attribute: false }) options: ChoiceOption[] = [];
  /** The chosen source; the button shows only for 'world'. */
  @property() source = 'world';
  /** The world picture's seed. */
  @property({ type: Number }) seed = 0;
  /** The button's text. */
  @property({ attribute: 'next-label' }) nextLabel = 'New picture';
  /**
   * What the world picture is, beside the button (e.g. 'picture #7: a big blue triangle in the left'). A
   * template keeps the text in the pieces it was written in (the browser shapes each text node alone).
   */
  @property() caption: string | TemplateResult = '';

  private change(detail: PictureChangeDetail) {
    this.dispatchEvent(new CustomEvent<PictureChangeDetail>('picture-change', { detail, bubbles: true, composed: true }));
  }

  private onChoice(e: CustomEvent<ChoiceDetail>) {
    e.stopPropagation(); // the figure hears picture-change only
    this.change({ source: e.detail.value });
  }

  render() {
    return html`<div class="stack">
      <choice-picker label=${this.label} .options=${this.options} .value=${this.source} @choice-change=${this.onChoice}></choice-picker>
      ${this.source === 'world'
        ? html`<div class="row">
            <button type="button" @click=${() => this.change({ seed: (this.seed + 1) % SEEDS })}>${this.nextLabel}</button>
            <span class="muted">${this.caption}</span>
          </div>`
        : nothing}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'picture-picker': PicturePicker;
  }
  interface HTMLElementEventMap {
    'picture-change': CustomEvent<PictureChangeDetail>;
  }
}
