// <prompt-with-examples>: a prompt box as chapters 2 and 5 show it: its label
// above, the text field with a menu of example prompts beside it (under it on a
// phone), a hint under both, and whatever the figure slots in after the hint (a
// note about the prompt). Unlike <prompt-field> it shows no tokens: every
// keystroke is the prompt, and the figure runs on Enter (its own key handler:
// the keydown leaves this element composed).
//
//   <prompt-with-examples class="wide" label="Prompt" input-id="prompt" examples-id="examples"
//       .value=${s.prompt} .examples=${EXAMPLES} hint="Enter runs it."
//       @prompt-change=${(e: CustomEvent<PromptChange>) => set({ prompt: e.detail.value })}>
//     <p class="notice" role="status">…</p>
//   </prompt-with-examples>
//
// One event up, `prompt-change` ({ value, example }): on every input, and when
// an example is picked (example: true; the menu goes back to its first line).
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { fields, prose } from '../styles';

export interface PromptChange {
  value: string;
  /** Picked from the examples (not typed). */
  example: boolean;
}

@customElement('prompt-with-examples')
export class PromptWithExamples extends LitElement {
  static styles = [
    prose,
    fields,
    css`
      .prompt-row {
        display: grid;
        grid-template-columns: minmax(0, 1fr) minmax(0, 14rem);
        gap: 0.5rem;
      }
      @media (max-width: 40rem) {
        .prompt-row {
          grid-template-columns: minmax(0, 1fr);
        }
      }
      .hint {
        margin: 0.2rem 0 0;
        color: var(--muted);
        font-size: 0.85rem;
      }
    `,
  ];

  @property() label = 'Prompt';
  @property() value = '';
  @property({ attribute: false }) examples: readonly string[] = [];
  @property() hint = '';
  @property() placeholder = '(empty: no prompt)';
  /** The text field's id (its hint is `${id}-hint`). */
  @property({ attribute: 'input-id' }) inputId = 'prompt';
  /** The example menu's id, if it has one. */
  @property({ attribute: 'examples-id' }) examplesId = '';

  private emit(value: string, example: boolean) {
    this.dispatchEvent(new CustomEvent<PromptChange>('prompt-change', { detail: { value, example }, bubbles: true, composed: true }));
  }

  private onPick(e: Event) {
    const el = e.target as HTMLSelectElement;
    const v = el.value;
    el.value = '';
    if (v) this.emit(v, true);
  }

  render() {
    const id = this.inputId;
    return html`<div class="field">
      <label for=${id}>${this.label}</label>
      <div class="prompt-row">
        <input
          id=${id}
          type="text"
          maxlength="160"
          autocomplete="off"
          spellcheck="false"
          placeholder=${this.placeholder}
          aria-describedby="${id}-hint"
          .value=${this.value}
          @input=${(e: Event) => this.emit((e.target as HTMLInputElement).value, false)}
        />
        <select id=${this.examplesId || nothing} aria-label="Example prompts" @change=${this.onPick}>
          <option value="">— example prompts —</option>
          ${this.examples.map((p) => html`<option value=${p}>${p}</option>`)}
        </select>
      </div>
      <p class="hint" id="${id}-hint">${this.hint}</p>
      <slot></slot>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'prompt-with-examples': PromptWithExamples;
  }
  interface HTMLElementEventMap {
    'prompt-change': CustomEvent<PromptChange>;
  }
}
