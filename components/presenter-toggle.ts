// <presenter-toggle>: the "Present" button in the page header that turns
// presenter mode on and off (components/presenter-mode.ts), with a line saying
// which keys step through the cells while it is on.
import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { isPresenting, setPresenting } from './presenter-mode';
import { controls } from './styles';

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
    `,
  ];

  @state() private on = isPresenting();

  private readonly sync = () => (this.on = isPresenting());

  connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('presenter-change', this.sync);
    this.sync();
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('presenter-change', this.sync);
  }

  render() {
    return html`<button type="button" aria-pressed=${this.on ? 'true' : 'false'} @click=${() => setPresenting(!this.on)}>
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
}
