// <presenter-toggle>: the "Present" button in the page header that turns
// presenter mode on and off, with a line saying which keys step through the
// cells while it is on. A view only: it asks with a `presenter-request` event
// and follows the document's `presenter-change` (components/shell/presenter-mode.ts
// answers the one and sends the other).
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { controls } from '../styles';

export interface PresenterDetail {
  on: boolean;
}

@customElement('presenter-toggle')
export class PresenterToggle extends LitElement {
  static styles = [
    controls,
    css`
      :host {
        display: flex;
        flex-wrap: wrap;
        align-items: baseline;
        gap: 0.3rem 0.8rem;
        margin: 0.5rem 0 0;
        font-size: 0.85rem;
        color: var(--muted);
      }
      p {
        margin: 0;
      }
      /* a phone is no projector: the button shows there only while presenting (?present=1) */
      @media (max-width: 40rem) {
        :host(:not([on])) {
          display: none;
        }
      }
    `,
  ];

  /** Whether presenter mode is on. */
  @property({ type: Boolean, reflect: true }) on = false;

  private readonly sync = (e: CustomEvent<PresenterDetail>) => (this.on = e.detail.on);

  connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('presenter-change', this.sync);
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('presenter-change', this.sync);
  }

  private request(on: boolean) {
    this.dispatchEvent(new CustomEvent<PresenterDetail>('presenter-request', { detail: { on }, bubbles: true, composed: true }));
  }

  render() {
    return html`<button type="button" aria-pressed=${this.on ? 'true' : 'false'} @click=${() => this.request(!this.on)}>
        ${this.on ? 'Stop presenting' : 'Present'}
      </button>
      ${this.on
        ? html`<p role="status">Large type. → or PageDown: next figure; ← or PageUp: previous; Escape: stop.</p>`
        : html`<p>Large type and one figure at a time, for a projector.</p>`}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'presenter-toggle': PresenterToggle;
  }
  interface HTMLElementEventMap {
    'presenter-request': CustomEvent<PresenterDetail>;
  }
}
