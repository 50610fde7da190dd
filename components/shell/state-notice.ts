// <state-notice>: says what was wrong with a chapter's state — a link with an
// out-of-range value, a drawing that could not be read — and what is shown
// instead. Nothing to say, nothing shown. The reader can dismiss it.
//
//   <state-notice .messages=${['c1.t: 5000 is outside [0, 999]; using 999']}></state-notice>
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { controls } from '../styles';

@customElement('state-notice')
export class StateNotice extends LitElement {
  static styles = [
    controls,
    css`
      :host {
        display: block;
      }
      .box {
        display: flex;
        flex-wrap: wrap;
        align-items: start;
        gap: 0.5rem 1rem;
        margin: 0 0 1rem;
        padding: 0.6rem 0.8rem;
        border-left: 4px solid var(--focus);
        background: #fff6e0;
        border-radius: 0.3rem;
        max-width: var(--measure);
        font-size: 0.95rem;
      }
      .text {
        flex: 1 1 16rem;
        min-width: 0;
        overflow-wrap: anywhere;
      }
      p,
      ul {
        margin: 0;
      }
      ul {
        padding-left: 1.2em;
      }
    `,
  ];

  /** What was repaired, one sentence each. */
  @property({ attribute: false }) messages: readonly string[] = [];
  /** The lead sentence. */
  @property() heading = 'Some of what the link asked for could not be shown as it was:';

  @state() private dismissed = false;

  protected willUpdate(changed: PropertyValues<this>) {
    if (changed.has('messages')) this.dismissed = false;
  }

  render() {
    if (this.dismissed || this.messages.length === 0) return nothing;
    return html`<div class="box" role="status">
      <div class="text">
        <p>${this.heading}</p>
        <ul>
          ${this.messages.map((m) => html`<li>${m}</li>`)}
        </ul>
      </div>
      <button type="button" @click=${() => (this.dismissed = true)}>OK</button>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'state-notice': StateNotice;
  }
}
