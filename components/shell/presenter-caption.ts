// <presenter-caption>: in presenter mode, a band fixed to the top of the screen
// that says where the class is — the chapter, and one line of the prose that
// introduces the figure being shown (the first sentence of the paragraph before
// it) — since the stops themselves are figures only. A view: presenter-mode.ts
// sets its properties, and hides it when nothing is shown.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';

@customElement('presenter-caption')
export class PresenterCaption extends LitElement {
  static styles = css`
    :host {
      position: fixed;
      inset: 0 0 auto 0;
      z-index: 20;
      display: block;
      padding: 0.35rem 1.25rem;
      background: var(--paper, #fdfcf8);
      border-bottom: 1px solid var(--rule, #ddd);
      font-size: 1rem;
      line-height: 1.35;
    }
    :host([hidden]) {
      display: none;
    }
    p {
      margin: 0;
      overflow: hidden;
      white-space: nowrap;
      text-overflow: ellipsis;
    }
    .where {
      font-weight: 700;
      color: var(--accent-ink, #1b5e4a);
    }
    .gist {
      color: var(--muted, #555);
    }
  `;

  /** "Chapter 1 · Forward noising", or the first screen's heading. */
  @property() where = '';
  /** One line about the figure shown. */
  @property() gist = '';

  render() {
    return html`<p aria-live="polite">
      <span class="where">${this.where}</span>${this.gist ? html`<span class="gist"> — ${this.gist}</span>` : nothing}
    </p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'presenter-caption': PresenterCaption;
  }
}
