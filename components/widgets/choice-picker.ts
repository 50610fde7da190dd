// <choice-picker>: one of a few named options, as a row of radio buttons that
// look like a segmented control. A fieldset with a legend, so the group has a
// name; arrow keys move the choice as in any radio group.
//
//   <choice-picker label="Schedule" .options=${[{ value: 'linear', label: 'Linear' }, …]}
//       .value=${schedule} @choice-change=${(e) => this.set({ schedule: e.detail.value })}></choice-picker>
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';

export interface ChoiceOption {
  value: string;
  label: string;
  /** A longer description, read after the label. */
  description?: string;
}

export interface ChoiceDetail {
  value: string;
}

let groups = 0;

@customElement('choice-picker')
export class ChoicePicker extends LitElement {
  static styles = css`
    :host {
      display: block;
      font-size: 0.95rem;
    }
    fieldset {
      border: 0;
      margin: 0;
      padding: 0;
      min-width: 0;
    }
    legend {
      font-weight: 600;
      padding: 0;
      margin: 0 0 0.25rem;
    }
    .options {
      display: flex;
      flex-wrap: wrap;
      gap: 0.35rem;
    }
    label {
      position: relative;
      display: inline-flex;
      align-items: center;
      min-height: 2.25rem;
      padding: 0.3em 0.75em;
      border: 1px solid var(--rule);
      border-radius: 0.4rem;
      background: var(--cell-bg, #fff);
      color: var(--ink);
      cursor: pointer;
      line-height: 1.2;
    }
    label:hover {
      border-color: var(--accent);
    }
    /* the radio itself covers its label, unseen: a click anywhere on the label is a click on it */
    input {
      position: absolute;
      inset: 0;
      width: 100%;
      height: 100%;
      opacity: 0;
      margin: 0;
      cursor: pointer;
    }
    label:has(input:checked) {
      background: var(--accent);
      border-color: var(--accent);
      color: var(--paper);
      font-weight: 600;
    }
    label:has(input:focus-visible) {
      outline: 3px solid var(--focus);
      outline-offset: 2px;
    }
    label:has(input:disabled) {
      opacity: 0.5;
      cursor: default;
    }
    .sr {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
  `;

  @property() label = '';
  @property({ attribute: false }) options: ChoiceOption[] = [];
  @property() value = '';
  @property({ type: Boolean }) disabled = false;

  private readonly name = `choice-${++groups}`;

  private pick(value: string) {
    if (value === this.value) return;
    this.value = value;
    this.dispatchEvent(new CustomEvent<ChoiceDetail>('choice-change', { detail: { value }, bubbles: true, composed: true }));
  }

  render() {
    return html`
      <fieldset ?disabled=${this.disabled}>
        <legend>${this.label}</legend>
        <div class="options">
          ${this.options.map(
            (o) => html`<label>
              <input
                type="radio"
                name=${this.name}
                .value=${o.value}
                .checked=${o.value === this.value}
                @change=${() => this.pick(o.value)}
              />${o.label}${o.description ? html`<span class="sr">, ${o.description}</span>` : nothing}
            </label>`,
          )}
        </div>
      </fieldset>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'choice-picker': ChoicePicker;
  }
  interface HTMLElementEventMap {
    'choice-change': CustomEvent<ChoiceDetail>;
  }
}
