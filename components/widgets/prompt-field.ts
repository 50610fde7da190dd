// <prompt-field>: a prompt box that shows the tokens the model will read as
// they are typed (unknown words and cuts marked), says when the world's judge
// cannot read the prompt, and offers example prompts.
//
//   <prompt-field label="Prompt" .value=${prompt} .examples=${['a red circle moving right', …]}
//       submit-label="Make the clip"
//       @prompt-input=${(e) => (this.draft = e.detail.value)}
//       @prompt-submit=${(e) => this.make(e.detail.value)}></prompt-field>
//
// Enter or the button submits; an example fills the box and submits.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { parsePrompt } from '../../pipeline/world/caption';
import { tokenize, type Tokenized } from '../../pipeline/world/tokenizer';
import { controls } from '../styles';

export interface PromptDetail {
  value: string;
}

let fields = 0;

@customElement('prompt-field')
export class PromptField extends LitElement {
  static styles = [
    controls,
    css`
      :host {
        display: block;
      }
      label {
        display: block;
        font-weight: 600;
        font-size: 0.95rem;
        margin-bottom: 0.25rem;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
      }
      input {
        flex: 1 1 14rem;
        min-width: 0;
        box-sizing: border-box;
        font: inherit;
        font-size: 1.05rem;
        padding: 0.4em 0.55em;
        border: 1px solid var(--muted);
        border-radius: 0.4rem;
        background: var(--cell-bg, #fff);
        color: var(--ink);
      }
      input:focus-visible {
        outline: 3px solid var(--focus);
        outline-offset: 1px;
      }
      button.go {
        font-weight: 600;
      }
      .tokens {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem;
        margin: 0.45rem 0 0;
        padding: 0;
        list-style: none;
        font-family: var(--font-mono);
        font-size: 0.78rem;
      }
      .tokens li {
        padding: 0.05rem 0.35rem;
        border-radius: 0.25rem;
        background: #eef0f4;
        color: var(--ink);
        white-space: nowrap;
      }
      .tokens li.special {
        background: transparent;
        border: 1px dashed var(--rule);
        color: var(--muted);
      }
      .tokens li.unknown {
        background: #fff0d6;
        border: 1px solid var(--focus);
      }
      .tokens .id {
        color: var(--muted);
        margin-left: 0.2rem;
        font-size: 0.7rem;
      }
      .note {
        margin: 0.35rem 0 0;
        font-size: 0.85rem;
        color: var(--muted);
        max-width: none;
      }
      .note.warn {
        color: var(--ink);
        border-left: 3px solid var(--focus);
        padding-left: 0.5rem;
      }
      .examples {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.3rem 0.4rem;
        margin-top: 0.5rem;
        font-size: 0.85rem;
      }
      .examples span {
        color: var(--muted);
      }
      .examples button {
        font-size: 0.8rem;
        min-height: 2rem;
        padding: 0.2em 0.6em;
        background: transparent;
        border-color: var(--rule);
        color: var(--link);
      }
      .examples button:hover {
        background: var(--accent-soft);
        color: var(--accent-ink);
      }
      /* on a phone the examples are one row that scrolls sideways, not a column of buttons */
      @media (max-width: 40rem) {
        .examples {
          flex-wrap: nowrap;
          overflow-x: auto;
          padding-bottom: 0.2rem;
          scrollbar-width: thin;
        }
        .examples > * {
          flex: none;
          white-space: nowrap;
        }
      }
    `,
  ];

  @property() label = 'Prompt';
  @property() value = '';
  @property({ attribute: false }) examples: readonly string[] = [];
  @property({ attribute: 'submit-label' }) submitLabel = 'Make the clip';
  /** Show the token ids beside the words. */
  @property({ type: Boolean, attribute: 'show-ids' }) showIds = false;
  /** Say when the judge cannot read the prompt (it is outside the world's grammar). */
  @property({ type: Boolean, attribute: 'judge-note' }) judgeNote = false;
  @property({ type: Boolean }) disabled = false;

  @state() private draft: string | null = null;
  private readonly uid = `prompt-${++fields}`;
  private tokenized: { text: string; tokens: Tokenized } | null = null;

  /** The text in the box (typed, not yet submitted, or the value). */
  get text(): string {
    return this.draft ?? this.value;
  }

  protected willUpdate(changed: Map<string, unknown>) {
    if (changed.has('value')) this.draft = null;
  }

  private tokens(): Tokenized {
    const text = this.text;
    if (this.tokenized?.text !== text) this.tokenized = { text, tokens: tokenize(text) };
    return this.tokenized.tokens;
  }

  private emit(type: 'prompt-input' | 'prompt-submit', value: string) {
    this.dispatchEvent(new CustomEvent<PromptDetail>(type, { detail: { value }, bubbles: true, composed: true }));
  }

  private onInput(e: Event) {
    this.draft = (e.target as HTMLInputElement).value;
    this.emit('prompt-input', this.draft);
  }

  private submit(value = this.text) {
    this.draft = null;
    this.emit('prompt-submit', value);
  }

  render() {
    const tokens = this.tokens();
    const parsed = this.judgeNote && this.text.trim() ? parsePrompt(this.text) : null;
    return html`
      <label for=${this.uid}>${this.label}</label>
      <div class="row">
        <input
          id=${this.uid}
          type="text"
          maxlength="160"
          autocomplete="off"
          spellcheck="false"
          enterkeyhint="go"
          aria-describedby="${this.uid}-tokens"
          .value=${this.text}
          ?disabled=${this.disabled}
          @input=${this.onInput}
          @keydown=${(e: KeyboardEvent) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              this.submit();
            }
          }}
        />
        <button type="button" class="go" ?disabled=${this.disabled} @click=${() => this.submit()}>${this.submitLabel}</button>
      </div>
      <ol class="tokens" id="${this.uid}-tokens" aria-label="Tokens the text encoder reads (${tokens.length} of 24)">
        ${tokens.pieces.map(
          (p) => html`<li class=${p.kind} title=${p.kind === 'unknown' ? 'not in the vocabulary: read as <unknown>' : `token ${p.id}`}>
            ${p.text}${this.showIds ? html`<span class="id">${p.id}</span>` : nothing}
          </li>`,
        )}
      </ol>
      ${tokens.notice ? html`<p class="note warn" role="status">${tokens.notice}</p>` : nothing}
      ${parsed && !parsed.ok
        ? html`<p class="note warn" role="status">The judge cannot read this prompt (${parsed.problems.join('; ')}); the model still makes a clip, but the judge can only fail it.</p>`
        : nothing}
      ${this.examples.length
        ? html`<div class="examples" role="group" aria-label="Example prompts">
            <span>Try:</span>
            ${this.examples.map((x) => html`<button type="button" ?disabled=${this.disabled} @click=${() => this.submit(x)}>${x}</button>`)}
          </div>`
        : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'prompt-field': PromptField;
  }
  interface HTMLElementEventMap {
    'prompt-input': CustomEvent<PromptDetail>;
    'prompt-submit': CustomEvent<PromptDetail>;
  }
}
