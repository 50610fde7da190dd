// <live-cell>: the frame around one live figure. It runs the figure's work,
// shows which backend ran it and how long it took, and contains its failures:
// an error (a missing model, an unsupported browser, a bad input) is shown in
// the cell with a Retry button, and never reaches the page.
//
//   const cell = this.renderRoot.querySelector('live-cell')!;
//   const image = await cell.run(async (signal) => model.noise(x0, t, { signal }));
//   if (image) draw(image);            // undefined: it failed (shown in the cell) or a newer run replaced it
//
// A newer `run` aborts the older one's signal, and the older result is dropped,
// so a stale figure is never shown. Work that does not go through `run` reports
// its errors with `reportCellError(element, error)` from anywhere inside the cell.
// Retry reruns the last task, and fires `cell-retry` for whoever wants to redo more.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { controls } from './styles';

export type CellTask<T> = (signal: AbortSignal) => Promise<T> | T;

export interface CellErrorDetail {
  error: unknown;
}

/** From inside a cell (light or shadow DOM): show `error` in the nearest enclosing <live-cell>. */
export function reportCellError(from: Element, error: unknown): void {
  from.dispatchEvent(new CustomEvent<CellErrorDetail>('cell-error', { detail: { error }, bubbles: true, composed: true }));
}

/** A readable message for anything thrown. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

type Status = 'idle' | 'running' | 'done' | 'error';

@customElement('live-cell')
export class LiveCell extends LitElement {
  static styles = [
    controls,
    css`
      :host {
        display: block;
        margin: 1.5rem 0;
        border: 1px solid var(--rule);
        border-radius: 0.6rem;
        background: var(--cell-bg);
      }
      figure {
        margin: 0;
        padding: 1rem;
      }
      figcaption {
        font-size: 0.9rem;
        font-weight: 600;
        margin: 0 0 0.75rem;
      }
      .error {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem 1rem;
        margin: 0 0 0.75rem;
        padding: 0.6rem 0.8rem;
        border-left: 4px solid var(--error);
        background: var(--error-soft);
        color: var(--ink);
        border-radius: 0.3rem;
      }
      .error p {
        margin: 0;
        flex: 1 1 14rem;
        overflow-wrap: anywhere;
      }
      .note {
        margin: 0 0 0.75rem;
        padding: 0.4rem 0.8rem;
        border-left: 4px solid var(--muted);
        font-size: 0.85rem;
        overflow-wrap: anywhere;
      }
      .content[aria-busy='true']:not(.streaming) {
        opacity: 0.7;
        transition: opacity 0.2s;
      }
      footer {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 1rem;
        padding: 0.4rem 1rem;
        border-top: 1px solid var(--rule);
        font-size: 0.8rem;
        color: var(--muted);
        min-height: 1.2rem;
      }
      @media (prefers-reduced-motion: reduce) {
        .content[aria-busy='true'] {
          transition: none;
        }
      }
    `,
  ];

  /** What the cell shows, in a few words (its caption). */
  @property() label = '';
  /** What ran the last result, e.g. "WebGPU" or "WASM (CPU)" (see pipeline/runtime/ort.ts executionReport). */
  @property() backend = '';
  /** A note about the last run the reader should see, e.g. "WebGPU failed (…); this ran on WASM". */
  @property() note = '';
  /** The figure fills in while the cell runs (a sampler's steps): it is not dimmed while busy. */
  @property({ type: Boolean }) streaming = false;

  @state() private status: Status = 'idle';
  @state() private message = '';
  @state() private elapsedMs: number | null = null;

  private controller: AbortController | null = null;
  private lastTask: CellTask<unknown> | null = null;

  constructor() {
    super();
    this.addEventListener('cell-error', (e: CustomEvent<CellErrorDetail>) => {
      e.stopPropagation();
      this.fail(e.detail?.error);
    });
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.controller?.abort();
  }

  /**
   * Runs `task`, aborting the previous one. Resolves to its result, or to undefined when it failed
   * (the error is shown here) or was replaced by a newer run. Never rejects.
   */
  async run<T>(task: CellTask<T>): Promise<T | undefined> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.lastTask = task;
    this.status = 'running';
    this.message = '';
    const t0 = performance.now();
    try {
      const result = await task(controller.signal);
      if (controller.signal.aborted) return undefined; // a newer run owns the cell
      this.elapsedMs = performance.now() - t0;
      this.status = 'done';
      return result;
    } catch (error) {
      if (controller.signal.aborted) return undefined;
      this.fail(error);
      return undefined;
    } finally {
      if (this.controller === controller) this.controller = null;
    }
  }

  /** Shows an error in the cell. */
  fail(error: unknown): void {
    this.status = 'error';
    this.message = describeError(error);
    // For whoever debugs: the page's console says it too, as a warning (the cell handled it).
    console.warn(`live cell "${this.label}":`, error);
  }

  /** Removes the error message. */
  clearError(): void {
    if (this.status === 'error') this.status = 'idle';
    this.message = '';
  }

  private retry() {
    this.clearError();
    this.dispatchEvent(new CustomEvent('cell-retry', { bubbles: true, composed: true }));
    if (this.lastTask) void this.run(this.lastTask);
  }

  private footer() {
    const parts: string[] = [];
    if (this.status === 'running') parts.push('computing…');
    if (this.backend) parts.push(`ran on ${this.backend}`);
    if (this.status === 'done' && this.elapsedMs !== null) parts.push(`${Math.max(1, Math.round(this.elapsedMs))} ms`);
    return parts.join(' · ');
  }

  render() {
    const footer = this.footer();
    return html`
      <figure>
        ${this.label ? html`<figcaption>${this.label}</figcaption>` : nothing}
        ${this.status === 'error'
          ? html`<div class="error" role="alert">
              <p><strong>This cell stopped:</strong> ${this.message}</p>
              <button type="button" @click=${this.retry}>Retry</button>
            </div>`
          : nothing}
        ${this.note ? html`<p class="note" role="status">${this.note}</p>` : nothing}
        <div class="content ${this.streaming ? 'streaming' : ''}" aria-busy=${this.status === 'running' ? 'true' : 'false'}>
          <slot></slot>
        </div>
      </figure>
      ${footer ? html`<footer>${footer}</footer>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'live-cell': LiveCell;
  }
  interface HTMLElementEventMap {
    'cell-error': CustomEvent<CellErrorDetail>;
    'cell-retry': CustomEvent<void>;
  }
}
