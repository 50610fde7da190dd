// <update-notice>: what the offline copy (components/shell/service-worker-client.ts)
// has to tell the reader, at the bottom of the window, one box each:
// - `updateReady`: a new version of the explainer is installed and waits for
//   this page to go. Two buttons: "Reload now" (fires `update-accept`: the new
//   version takes over and the page reloads, its figures restored from the URL)
//   and "Later" (hides the box; the new version takes over the next time the
//   explainer is opened).
// - `missing`: weight files the offline copy could not store (pipeline/offline/
//   status.ts words it: the files, why, that everything else works offline and
//   which models' figures need the network). "OK" hides the box.
// Announced politely; keyboard reachable.
//
//   const notice = document.createElement('update-notice');
//   notice.addEventListener('update-accept', () => apply());
//   document.body.append(notice);
//   notice.updateReady = true;
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { missingMessage, type MissingFile } from '../../pipeline/offline/status';
import { controls } from '../styles';

@customElement('update-notice')
export class UpdateNotice extends LitElement {
  static styles = [
    controls,
    css`
      :host {
        position: fixed;
        left: 0;
        right: 0;
        bottom: 0;
        z-index: 20;
        display: flex;
        flex-direction: column;
        align-items: center;
        gap: 0.5rem;
        padding: 0 0.75rem 0.75rem;
        pointer-events: none;
      }
      .box {
        pointer-events: auto;
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem 1rem;
        max-width: 40rem;
        padding: 0.6rem 0.9rem;
        background: var(--cell-bg, #fff);
        color: var(--ink);
        border: 1px solid var(--rule);
        border-left: 4px solid var(--accent);
        border-radius: 0.4rem;
        box-shadow: 0 0.3rem 1.2rem rgb(0 0 0 / 0.15);
        font-size: 0.95rem;
        line-height: 1.4;
      }
      p {
        margin: 0;
        flex: 1 1 16rem;
      }
      .buttons {
        display: flex;
        gap: 0.5rem;
      }
    `,
  ];

  /** A new version is installed and waits. */
  @property({ type: Boolean }) updateReady = false;
  /** Weight files the offline copy lacks. */
  @property({ attribute: false }) missing: readonly MissingFile[] = [];

  @state() private hidden_ = false;
  @state() private missingHidden = false;
  @state() private applying = false;

  render() {
    const update =
      this.updateReady && !this.hidden_
        ? html`<div class="box" role="status" aria-live="polite">
            <p id="update-text">A new version of this explainer is ready. It takes over the next time you open it, or now if you reload (your figures come back from the link).</p>
            <div class="buttons">
              <button type="button" id="reload" ?disabled=${this.applying} @click=${this.accept}>${this.applying ? 'Reloading…' : 'Reload now'}</button>
              <button type="button" id="later" ?disabled=${this.applying} @click=${() => (this.hidden_ = true)}>Later</button>
            </div>
          </div>`
        : nothing;
    const missing =
      this.missing.length && !this.missingHidden
        ? html`<div class="box" role="status" aria-live="polite">
            <p id="missing-text">${missingMessage(this.missing)}</p>
            <div class="buttons">
              <button type="button" id="missing-ok" @click=${() => (this.missingHidden = true)}>OK</button>
            </div>
          </div>`
        : nothing;
    return html`${update}${missing}`;
  }

  private accept() {
    this.applying = true;
    this.dispatchEvent(new CustomEvent('update-accept', { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'update-notice': UpdateNotice;
  }
}
