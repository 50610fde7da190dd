// <step-strip>: a sampling run as a film strip. One column a step (a few steps
// evenly over the run, the first and the last among them), one row a quantity
// decoded to pixels (x_t, x̂₀); each column is a button that picks its step.
// The picked step is marked; a step still to come is an empty frame.
//
//   <step-strip .columns=${[{ step: 1, timestep: 999, frames: [xtBytes, x0Bytes] }, …]}
//       .rows=${['x_t', 'x̂₀']} selected="1" @step-select=${(e) => this.scrub(e.detail.step)}></step-strip>
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import './pixel-view';

export interface StripColumn {
  step: number;
  timestep: number;
  /** One RGB picture (H, W, 3) a row, or null where it is not there yet. */
  frames: readonly (Uint8Array | null)[];
}

export interface StepSelectDetail {
  step: number;
}

const BLANK = new Uint8Array(32 * 32 * 3);

@customElement('step-strip')
export class StepStrip extends LitElement {
  static styles = css`
    :host {
      display: block;
      min-width: 0;
    }
    .strip {
      display: grid;
      /* a frame never narrower than --step-strip-min: on a phone the strip scrolls sideways instead */
      grid-template-columns: auto repeat(var(--columns, 8), minmax(var(--step-strip-min, 3.25rem), 1fr));
      gap: 0.3rem;
      align-items: center;
      overflow-x: auto;
      overscroll-behavior-x: contain;
    }
    .label.step {
      font-style: normal;
      font-size: 0.75rem;
      color: var(--muted);
    }
    .label {
      font-size: 0.85rem;
      font-style: italic;
      text-align: right;
      padding-right: 0.15rem;
      /* the row's name stays in view while the strip scrolls */
      position: sticky;
      left: 0;
      z-index: 1;
      background: var(--cell-bg, #fff);
    }
    button {
      grid-row: 1 / span var(--rows, 2);
      display: grid;
      grid-template-rows: subgrid;
      gap: 0.3rem;
      margin: 0;
      padding: 0.15rem;
      border: 2px solid transparent;
      border-radius: 0.35rem;
      background: none;
      font: inherit;
      color: inherit;
      cursor: pointer;
      min-width: 0;
    }
    button:hover {
      border-color: var(--rule);
    }
    button[aria-pressed='true'] {
      border-color: var(--accent);
      background: var(--accent-soft);
    }
    button:focus-visible {
      outline: 3px solid var(--focus);
      outline-offset: 1px;
    }
    pixel-view {
      --pixel-view-size: 100%;
      display: block;
    }
    pixel-view.empty {
      opacity: 0.35;
    }
    .t {
      grid-column: 2 / -1;
      display: grid;
      grid-template-columns: repeat(var(--columns, 8), minmax(var(--step-strip-min, 3.25rem), 1fr));
      gap: 0.3rem;
      font-size: 0.75rem;
      color: var(--muted);
      text-align: center;
      font-variant-numeric: tabular-nums;
      white-space: nowrap;
    }
    .t span {
      overflow: hidden;
      text-overflow: clip;
    }
  `;

  @property({ attribute: false }) columns: readonly StripColumn[] = [];
  /** The name of each row, e.g. ['x_t', 'x̂₀'] (also read to screen readers). */
  @property({ attribute: false }) rows: readonly string[] = [];
  @property({ type: Number }) selected = 0;
  /** Which frame of each picture to show (clips). */
  @property({ type: Number }) frame = 0;
  @property({ type: Number, attribute: 'frame-width' }) frameWidth = 32;
  @property({ type: Number, attribute: 'frame-height' }) frameHeight = 32;

  private pick(step: number) {
    this.dispatchEvent(new CustomEvent<StepSelectDetail>('step-select', { detail: { step }, bubbles: true, composed: true }));
  }

  render() {
    const n = this.columns.length;
    const R = this.rows.length;
    if (!n) return nothing;
    return html`
      <div class="strip" style="--columns: ${n}; --rows: ${R}" role="group" aria-label="Steps of the run: pick one to look at it">
        ${this.rows.map((r, i) => html`<span class="label" style="grid-row: ${i + 1}; grid-column: 1">${r}</span>`)}
        ${this.columns.map(
          (c, k) => html`<button
            type="button"
            style="grid-column: ${k + 2}"
            aria-pressed=${c.step === this.selected ? 'true' : 'false'}
            aria-label="Step ${c.step}, t = ${c.timestep}"
            @click=${() => this.pick(c.step)}
          >
            ${this.rows.map(
              (r, i) => html`<pixel-view
                class=${c.frames[i] ? '' : 'empty'}
                .rgb=${c.frames[i] ?? BLANK}
                .frame=${this.frame}
                .width=${this.frameWidth}
                .height=${this.frameHeight}
                alt="${r} at step ${c.step}"
              ></pixel-view>`,
            )}
          </button>`,
        )}
        <span class="label step" aria-hidden="true" style="grid-row: ${R + 1}; grid-column: 1">step</span>
        <div class="t" aria-hidden="true" style="grid-row: ${R + 1}">${this.columns.map((c) => html`<span>${c.step}</span>`)}</div>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'step-strip': StepStrip;
  }
  interface HTMLElementEventMap {
    'step-select': CustomEvent<StepSelectDetail>;
  }
}
