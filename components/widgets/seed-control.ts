// <seed-control>: the seed of a figure's sample, as every chapter that samples
// shows it: a slider from 0 to 99,999 with a number box, and beside it a button
// for the next seed (or the figure's own button, slotted in its place).
//
//   <seed-control .value=${s.seed} live next="Next seed" button-id="new-seed" basis="12rem"
//       .format=${(v: number) => `#${v}`}
//       @seed-change=${(e: CustomEvent<SeedDetail>) => setFigureState(this, { seed: e.detail.value })}></seed-control>
//
//   <seed-control label="World seed" .value=${s.world} live …>
//     <button slot="button" class="run" @click=…>Measure</button>       // styled by the figure around it
//   </seed-control>
//
// One event, `seed-change` ({ value, source }): with `live`, on every step of
// a drag (the slider's value-input), otherwise when the reader lets go (its
// value-change); a number typed in the box gives one either way; the button
// gives value + 1, wrapping to 0 past the largest seed (source 'button'). The
// slider's own events stop here. The markup is the row the chapters wrote by
// hand: `.row` > labelled-slider (flex: 1 1 `basis`) + button.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';
import './labelled-slider';
import type { ValueDetail } from './labelled-slider';
import { controls, layout } from '../styles';

export interface SeedDetail {
  value: number;
  /** The slider (or its number box), or the next-seed button. */
  source: 'slider' | 'button';
}

const plain = (v: number) => String(v);

@customElement('seed-control')
export class SeedControl extends LitElement {
  static styles = [
    controls,
    layout,
    css`
      :host {
        display: block;
      }
    `,
  ];

  /** The seed shown. */
  @property({ type: Number }) value = 0;
  @property() label = 'Seed';
  /** The largest seed; the button wraps from it to 0. */
  @property({ type: Number }) max = 99_999;
  /** The slider's readout (default: the number). */
  @property({ attribute: false }) format: (value: number) => string = plain;
  /** The button's text. */
  @property() next = 'New seed';
  /** The button's id (tests and links find it by that). */
  @property({ attribute: 'button-id' }) buttonId = '';
  /** The slider's flex-basis in the row. */
  @property() basis = '12rem';
  /** Report every step of a drag, not only where the reader lets go. */
  @property({ type: Boolean }) live = false;

  private emit(value: number, source: SeedDetail['source']) {
    this.dispatchEvent(new CustomEvent<SeedDetail>('seed-change', { detail: { value, source }, bubbles: true, composed: true }));
  }

  private onSlider(e: CustomEvent<ValueDetail>, live: boolean) {
    e.stopPropagation();
    if (live === this.live) this.emit(e.detail.value, 'slider');
  }

  render() {
    return html`<div class="row">
      <labelled-slider
        label=${this.label}
        min="0"
        max=${this.max}
        number-box
        .value=${this.value}
        .format=${this.format}
        style=${styleMap({ flex: `1 1 ${this.basis}` })}
        @value-input=${(e: CustomEvent<ValueDetail>) => this.onSlider(e, true)}
        @value-change=${(e: CustomEvent<ValueDetail>) => this.onSlider(e, false)}
      ></labelled-slider>
      <slot name="button"
        ><button type="button" id=${this.buttonId || nothing} @click=${() => this.emit((this.value + 1) % (this.max + 1), 'button')}>${this.next}</button></slot
      >
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'seed-control': SeedControl;
  }
  interface HTMLElementEventMap {
    'seed-change': CustomEvent<SeedDetail>;
  }
}
