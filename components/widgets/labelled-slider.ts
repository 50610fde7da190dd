// <labelled-slider>: a range input with its label and its value in words, and
// optionally a number box for an exact value. Arrow keys, Page Up/Down, Home
// and End work as on any slider; the number box clamps what is typed to the
// range and says so.
//
//   <labelled-slider label="Timestep t" min="0" max="999" .value=${t}
//       .format=${(v) => `t = ${v}`} @value-input=${(e) => this.setT(e.detail.value)}></labelled-slider>
//
// Events: `value-input` on every move ({ value }), `value-change` when a move
// ends (release, key up, a number typed and confirmed).
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';

export interface ValueDetail {
  value: number;
}

@customElement('labelled-slider')
export class LabelledSlider extends LitElement {
  static styles = css`
    :host {
      display: block;
      min-width: 10rem;
      font-size: 0.95rem;
    }
    .top {
      display: flex;
      flex-wrap: wrap; /* a long value goes under the label rather than past the edge */
      justify-content: space-between;
      align-items: baseline;
      column-gap: 0.5rem;
    }
    label {
      font-weight: 600;
    }
    output {
      font-variant-numeric: tabular-nums;
      color: var(--muted);
      white-space: nowrap;
      margin-left: auto;
    }
    .row {
      display: flex;
      align-items: center;
      gap: 0.5rem;
    }
    input[type='range'] {
      flex: 1 1 auto;
      min-width: 0;
      height: 2rem; /* a finger-sized target */
      margin: 0;
      accent-color: var(--accent);
      cursor: pointer;
    }
    input[type='number'] {
      width: 5.5em;
      font: inherit;
      font-variant-numeric: tabular-nums;
      padding: 0.2em 0.3em;
      border: 1px solid var(--rule);
      border-radius: 0.3rem;
      background: var(--cell-bg, #fff);
      color: var(--ink);
    }
    input:focus-visible {
      outline: 3px solid var(--focus);
      outline-offset: 2px;
    }
    .note {
      margin: 0.2rem 0 0;
      font-size: 0.85rem;
      color: var(--error);
    }
    .hint {
      margin: 0.1rem 0 0;
      font-size: 0.85rem;
      color: var(--muted);
    }
  `;

  @property() label = '';
  @property({ type: Number }) min = 0;
  @property({ type: Number }) max = 100;
  @property({ type: Number }) step = 1;
  @property({ type: Number }) value = 0;
  /** The value in words, beside the label and for screen readers (aria-valuetext). */
  @property({ attribute: false }) format: (value: number) => string = (v) => String(v);
  /** Also show a number box for typing an exact value. */
  @property({ type: Boolean, attribute: 'number-box' }) numberBox = false;
  /** A short help text under the slider. */
  @property() hint = '';
  @property({ type: Boolean }) disabled = false;

  @state() private note = '';
  @query('input[type=range]') private range!: HTMLInputElement;

  /** The range input, for focus() and for tests. */
  get input(): HTMLInputElement {
    return this.range;
  }

  focus(options?: FocusOptions) {
    this.range?.focus(options);
  }

  private clamp(v: number): number {
    const stepped = this.min + Math.round((v - this.min) / this.step) * this.step;
    const c = Math.min(this.max, Math.max(this.min, stepped));
    return Number(c.toFixed(10)); // no 0.30000000000000004 from the stepping
  }

  private emit(type: 'value-input' | 'value-change') {
    this.dispatchEvent(new CustomEvent<ValueDetail>(type, { detail: { value: this.value }, bubbles: true, composed: true }));
  }

  private onRange(e: Event, type: 'value-input' | 'value-change') {
    e.stopPropagation();
    const v = Number((e.target as HTMLInputElement).value);
    this.note = '';
    if (type === 'value-input' || v !== this.value) this.value = v;
    this.emit(type);
  }

  private onNumber(e: Event) {
    const box = e.target as HTMLInputElement;
    const raw = box.value.trim();
    const v = Number(raw);
    if (raw === '' || !Number.isFinite(v)) {
      this.note = `“${raw}” is not a number; kept ${this.format(this.value)}`;
      box.value = String(this.value);
      return;
    }
    const c = this.clamp(v);
    this.note = c !== v ? `${raw} is outside ${this.min}–${this.max} or between steps; using ${c}` : '';
    box.value = String(c);
    this.value = c;
    this.emit('value-input');
    this.emit('value-change');
  }

  render() {
    const text = this.format(this.value);
    return html`
      <div class="top">
        <label for="range">${this.label}</label>
        <output for="range" aria-hidden="true">${text}</output>
      </div>
      <div class="row">
        <input
          id="range"
          type="range"
          min=${this.min}
          max=${this.max}
          step=${this.step}
          .value=${String(this.value)}
          aria-valuetext=${text}
          aria-describedby=${this.hint ? 'hint' : nothing}
          ?disabled=${this.disabled}
          @input=${(e: Event) => this.onRange(e, 'value-input')}
          @change=${(e: Event) => this.onRange(e, 'value-change')}
        />
        ${this.numberBox
          ? html`<input
              type="number"
              min=${this.min}
              max=${this.max}
              step=${this.step}
              .value=${String(this.value)}
              aria-label="${this.label}, exact value"
              ?disabled=${this.disabled}
              @change=${this.onNumber}
              @input=${(e: Event) => e.stopPropagation()}
            />`
          : nothing}
      </div>
      ${this.hint ? html`<p class="hint" id="hint">${this.hint}</p>` : nothing}
      ${this.note ? html`<p class="note" role="status">${this.note}</p>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'labelled-slider': LabelledSlider;
  }
  interface HTMLElementEventMap {
    'value-input': CustomEvent<ValueDetail>;
    'value-change': CustomEvent<ValueDetail>;
  }
}
