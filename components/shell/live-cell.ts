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
//
// Every cell also has tools for a classroom (under the figure): "Copy link" (the
// URL with the current state and a fragment that opens the page at this cell),
// "Save PNG" (its canvases and SVGs as one picture), "Save GIF" (when it holds a
// clip), and "Reset" (its parameters — `params`, or else the whole chapter's — back
// to their defaults, through the chapter's UrlStateController). Loading this
// module installs presenter mode (components/shell/presenter-mode.ts).
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { clipGif, clipsIn, download, figurePng, slug, type PngReport } from './cell-export';
import { hostsOf, installPresenterMode } from './presenter-mode';
import { controls } from '../styles';

installPresenterMode();

/** The element whose id a figure link starts with: the chapter (the outermost host) around `el`. */
function chapterOf(el: Element): Element | null {
  return hostsOf(el).at(-1) ?? null;
}

/** What a <live-cell> sends with `cell-reset` (a chapter's UrlStateController answers it: components/controllers/url-state-controller.ts). */
export interface CellResetDetail {
  /** The state keys of the cell; none: the whole chapter's. */
  params?: readonly string[];
  /** Only asks whether anyone would reset (the cell shows its Reset button when so). */
  probe?: boolean;
  /** Set by a controller that handled it. */
  handled: boolean;
}

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
      .bar {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        justify-content: space-between;
        gap: 0.25rem 1rem;
        border-top: 1px solid var(--rule);
      }
      .bar footer {
        border-top: 0;
      }
      .tools {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.3rem;
        padding: 0.3rem 1rem;
        font-size: 0.8rem;
      }
      .tools button {
        font-size: 0.8rem;
        padding: 0.2rem 0.55rem;
        min-height: 2rem;
      }
      .tools output {
        color: var(--muted);
        overflow-wrap: anywhere;
      }
      .tools input {
        font: inherit;
        width: min(18rem, 100%);
      }
      :host([data-presenting]) {
        outline: 4px solid var(--focus);
        outline-offset: 4px;
        scroll-margin-top: 1rem;
      }
      :host(:focus) {
        outline: none;
      }
      :host([data-presenting]:focus) {
        outline: 4px solid var(--focus);
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
  /** The chapter's state keys this cell's figure depends on (Reset sets these back); none: all of the chapter's. */
  @property({ attribute: false }) params: readonly string[] = [];

  @state() private canReset = false;
  @state() private hasClip = false;
  @state() private toolMessage = '';
  /** The last link "Copy link" made (also shown in the cell when the clipboard refused it). */
  @state() lastLink = '';
  @state() private showLink = false;

  @state() private status: Status = 'idle';
  @state() private message = '';
  @state() private elapsedMs: number | null = null;

  private controller: AbortController | null = null;
  private lastTask: CellTask<unknown> | null = null;

  constructor() {
    super();
    // the same looks in every copy of a page for the same inputs (whoever compares two pages sees the same tools)
    for (const type of ['pointerenter', 'focusin', 'input', 'click', 'value-change', 'choice-change']) this.addEventListener(type, this.lookSoon);
    this.addEventListener('cell-error', (e: CustomEvent<CellErrorDetail>) => {
      e.stopPropagation();
      this.fail(e.detail?.error);
    });
  }

  connectedCallback(): void {
    super.connectedCallback();
    // does a chapter's UrlStateController answer a reset? (it marks the probe handled)
    const probe: CellResetDetail = { params: this.params, probe: true, handled: false };
    this.dispatchEvent(new CustomEvent('cell-reset', { detail: probe, bubbles: true, composed: true }));
    this.canReset = probe.handled;
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.controller?.abort();
  }

  /** The cell's name in a figure link: its id, else its label as a slug. */
  get key(): string {
    return this.id || slug(this.label);
  }

  /** The URL of this figure: the page with its current state, and a fragment that opens it here. */
  figureLink(): string {
    const chapter = chapterOf(this);
    const fragment = chapter?.id ? `#${chapter.id}--${this.key}` : location.hash;
    return `${location.origin}${location.pathname}${location.search}${fragment}`;
  }

  private say(message: string) {
    this.toolMessage = message;
  }

  private async copyLink() {
    this.lastLink = this.figureLink();
    try {
      await navigator.clipboard.writeText(this.lastLink);
      this.showLink = false;
      this.say('Link copied.');
    } catch {
      this.showLink = true;
      this.say('Copy the link:');
      await this.updateComplete;
      const input = this.renderRoot.querySelector<HTMLInputElement>('.tools input');
      input?.focus();
      input?.select();
    }
  }

  private fileName(ext: string): string {
    const chapter = chapterOf(this);
    return `${chapter?.id ? `${chapter.id}-` : ''}${slug(this.label || this.key)}.${ext}`;
  }

  /** What the last Save PNG drew (its words and size), for tests. */
  lastPng: PngReport | null = null;

  private async savePng() {
    const blob = await figurePng(this, { title: this.label, report: (r) => (this.lastPng = r) });
    if (!blob) return this.say('This cell holds no picture to save.');
    download(blob, this.fileName('png'));
    this.say('Saved as PNG.');
  }

  private saveGif() {
    const bytes = clipGif(this);
    if (!bytes) return this.say('This cell holds no clip.');
    download(bytes, this.fileName('gif'), 'image/gif');
    this.say('Saved as GIF.');
  }

  private reset() {
    const detail: CellResetDetail = { params: this.params, handled: false };
    this.dispatchEvent(new CustomEvent('cell-reset', { detail, bubbles: true, composed: true }));
    this.say(detail.handled ? 'Back to the defaults.' : 'Nothing to reset here.');
  }

  private readonly lookForClip = () => {
    const has = clipsIn(this).length > 0;
    if (has !== this.hasClip) this.hasClip = has;
  };

  /** Looks for a clip soon, and again a second later (the chapter draws it after the cell's work, or an input, is done). */
  private readonly lookSoon = () => {
    setTimeout(this.lookForClip, 50);
    setTimeout(this.lookForClip, 1000);
  };

  protected updated(changed: PropertyValues<this>): void {
    if (changed.has('status' as keyof LiveCell)) {
      // on the host, for tests and tools that wait for a cell: idle, running, done or error
      this.dataset.status = this.status;
      this.lookSoon();
    }
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
      <div class="bar">
        ${footer ? html`<footer>${footer}</footer>` : html`<span></span>`}
        <div class="tools" role="group" aria-label="Figure tools">
          <button type="button" aria-label="Copy link to this figure" @click=${this.copyLink}>Copy link</button>
          <button type="button" aria-label="Save this figure as PNG" @click=${this.savePng}>Save PNG</button>
          ${this.hasClip
            ? html`<button type="button" aria-label="Save the clip as an animated GIF" @click=${this.saveGif}>Save GIF</button>`
            : nothing}
          ${this.canReset
            ? html`<button type="button" aria-label="Reset this figure to its defaults" @click=${this.reset}>Reset</button>`
            : nothing}
          <output aria-live="polite">${this.toolMessage}</output>
          ${this.showLink
            ? html`<input type="text" readonly aria-label="Link to this figure" .value=${this.lastLink} />`
            : nothing}
        </div>
      </div>
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
