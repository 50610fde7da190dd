// <chapter-section>: the frame of one chapter. Its number and title, the prose
// and live cells (slotted), a "Try this" list of questions for a class — each
// with a button that asks the chapter to set its figure to the state that
// answers it, and under it a disclosure "What you should see, and why" whose
// numbers are read live from the figure — and the chapter's references.
//
//   <chapter-section                     (number and heading: the chapter's, from chapters/registry.ts)
//       .tryThis=${[{ question: 'When is the image gone?', state: { t: 999 }, figure: 'noising-figure' }]}
//       .references=${[{ title: 'Ho et al. 2020, DDPM', href: 'https://arxiv.org/abs/2006.11239' }]}
//       @try-this=${(e) => this.setState(e.detail.state)}>
//     <p>…</p>
//   </chapter-section>
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { controls } from '../styles';
import { prefersReducedMotion } from '../styles/motion';

export interface Reference {
  title: string;
  href: string;
  /** What to read it for, in a few words. */
  note?: string;
}

export interface TryThis<S = Record<string, unknown>> {
  question: string;
  /** The state that answers it; the chapter applies it (and puts it in the URL). */
  state: S;
  /** Button text; default "Show me". */
  label?: string;
  /** The figure it changes (a selector among the section's children, e.g. its tag): scrolled into view and marked. */
  figure?: string;
  /** What the reader should see, and why: the prose of the disclosure under the question. */
  answer?: TemplateResult | string;
  /** The number the answer rests on, read from the figure as it is now, so the answer cannot go stale. */
  live?: LiveAnswer;
}

/** A number read live from a figure for an answer. */
export interface LiveAnswer {
  /** The figure to read (a selector among the section's children); default: the item's `figure`. */
  figure?: string;
  /**
   * The number(s), as a phrase, from the figure element as it is now; undefined while the figure has not
   * computed them (the disclosure then says to run it). Reads what the figure shows; never computes anew.
   */
  read: (figure: HTMLElement) => string | undefined;
}

/**
 * The text a figure shows in the element `selector` of its shadow root, spaces collapsed; undefined when it
 * is not there. For live answers that quote a figure's readout as it stands.
 */
export function shownText(figure: Element, selector: string): string | undefined {
  const el = (figure.shadowRoot ?? figure).querySelector(selector);
  const text = el?.textContent?.replace(/\s+/g, ' ').trim();
  return text || undefined;
}

/** Said in place of a live number the figure has not computed yet. */
export const LIVE_PENDING = 'not computed yet: press “Show me” above, or run the figure, to see it';
/** How often an open answer reads its figure again (ms). */
export const LIVE_EVERY_MS = 500;

/** How long a figure stays marked after a try-this button brought it into view (ms). */
export const SHOWN_MS = 4000;


export interface TryThisDetail<S = Record<string, unknown>> {
  index: number;
  question: string;
  state: S;
}

@customElement('chapter-section')
export class ChapterSection extends LitElement {
  static styles = [
    controls,
    css`
      :host {
        display: block;
      }
      header {
        margin: 0 0 1.25rem;
      }
      .kicker {
        margin: 0;
        font-size: 0.85rem;
        font-weight: 600;
        letter-spacing: 0.06em;
        text-transform: uppercase;
        color: var(--accent-ink);
      }
      h2 {
        margin: 0.1em 0 0;
        font-size: clamp(1.6rem, 1.2rem + 1.6vw, 2.2rem);
        line-height: 1.15;
        letter-spacing: -0.01em;
      }
      aside {
        margin-top: 2rem;
        padding-top: 1rem;
        border-top: 1px solid var(--rule);
        max-width: var(--measure);
      }
      h3 {
        font-size: 1rem;
        margin: 0 0 0.5rem;
      }
      ol {
        margin: 0 0 1.5rem;
        padding-left: 1.4em;
      }
      li {
        margin: 0 0 0.6rem;
      }
      .try li::marker {
        color: var(--muted);
        font-weight: 600;
      }
      .try .item {
        display: flex;
        flex-wrap: wrap;
        align-items: baseline;
        gap: 0.4rem 0.8rem;
      }
      .try .question {
        flex: 1 1 16rem;
      }
      details.answer {
        flex: 1 1 100%;
        margin: 0.1rem 0 0.3rem;
        font-size: 0.95rem;
      }
      details.answer summary {
        cursor: pointer;
        color: var(--accent-ink);
        width: fit-content;
        padding: 0.15rem 0;
      }
      details.answer summary:focus-visible {
        outline: 3px solid var(--focus);
        outline-offset: 2px;
      }
      details.answer .body {
        border-left: 3px solid var(--rule);
        padding: 0.1rem 0 0.1rem 0.8rem;
        margin-top: 0.3rem;
        overflow-wrap: anywhere;
      }
      details.answer .body p {
        margin: 0.3rem 0;
      }
      .live {
        font-variant-numeric: tabular-nums;
      }
      .live .value[data-pending] {
        color: var(--muted);
        font-style: italic;
      }
      .refs {
        font-size: 0.92rem;
      }
      .refs a {
        color: var(--link);
        text-underline-offset: 0.15em;
      }
      .refs a:focus-visible {
        outline: 3px solid var(--focus);
        outline-offset: 2px;
      }
      .note {
        color: var(--muted);
      }
      /* presenter mode (components/shell/presenter-mode.ts) shows one stop at a time */
      .try[data-presenting] {
        outline: 4px solid var(--focus);
        outline-offset: 6px;
        border-radius: 0.2rem;
        scroll-margin-top: 1rem;
      }
      .try:focus {
        outline: none;
      }
      /* the figure a try-this button just changed */
      ::slotted([data-try-shown]) {
        outline: 4px solid var(--focus);
        outline-offset: 6px;
        border-radius: 0.2rem;
      }
      ::slotted(*) {
        scroll-margin-top: 1rem;
      }
      .try[data-presenting]:focus {
        outline: 4px solid var(--focus);
      }
    `,
  ];

  /** The chapter's number in reading order (0–7); by default its chapter element's data-number (chapters/registry.ts, written by the build). */
  @property() number = '';
  /** By default its chapter element's data-title. */
  @property() heading = '';
  @property({ attribute: false }) references: Reference[] = [];
  @property({ attribute: false }) tryThis: TryThis[] = [];

  /** The live numbers of the open answers, by item (undefined: not computed yet). */
  @state() private live: (string | undefined)[] = [];
  private open = new Set<number>();
  private liveTimer: ReturnType<typeof setInterval> | null = null;

  // A live number is read when its answer opens and then every LIVE_EVERY_MS while it stays open. The
  // figures have no common "updated" event (each computes in its own way: sliders, model runs, races
  // that stream), and an interval that calls one cheap read a half second, only while an answer is open,
  // cannot miss an update of any of them; nothing runs while every answer is closed.
  private onToggle(index: number, e: Event) {
    if ((e.target as HTMLDetailsElement).open) this.open.add(index);
    else this.open.delete(index);
    this.readLive();
    if (this.open.size && this.liveTimer === null) this.liveTimer = setInterval(() => this.readLive(), LIVE_EVERY_MS);
    if (!this.open.size) this.stopLive();
  }

  private stopLive() {
    if (this.liveTimer !== null) clearInterval(this.liveTimer);
    this.liveTimer = null;
  }

  /** Reads the live number of every open answer; a figure that is missing or throws reads as not computed. */
  private readLive() {
    const next = [...this.live];
    for (const i of this.open) {
      const item = this.tryThis[i];
      const selector = item?.live?.figure ?? item?.figure;
      let value: string | undefined;
      try {
        const figure = selector ? this.querySelector<HTMLElement>(selector) : null;
        value = figure && item.live ? item.live.read(figure) : undefined;
      } catch {
        value = undefined;
      }
      next[i] = value;
    }
    if (next.length !== this.live.length || next.some((v, i) => v !== this.live[i])) this.live = next;
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.stopLive();
    this.open.clear();
  }

  private renderAnswer(t: TryThis, i: number) {
    if (!t.answer && !t.live) return nothing;
    const value = this.live[i];
    return html`<details class="answer" id="answer${i}" @toggle=${(e: Event) => this.onToggle(i, e)}>
      <summary>What you should see, and why</summary>
      <div class="body">
        ${t.live
          ? html`<p class="live">
              In the figure now:
              <span class="value" id="live${i}" data-live=${value ?? ''} ?data-pending=${value === undefined}>${value ?? LIVE_PENDING}</span>
            </p>`
          : nothing}
        ${typeof t.answer === 'string' ? html`<p>${t.answer}</p>` : (t.answer ?? nothing)}
      </div>
    </details>`;
  }

  private pick(index: number) {
    const item = this.tryThis[index];
    this.dispatchEvent(
      new CustomEvent<TryThisDetail>('try-this', {
        detail: { index, question: item.question, state: structuredClone(item.state) },
        bubbles: true,
        composed: true,
      }),
    );
    if (item.figure) void this.showFigure(item.figure);
  }

  private shownTimer: ReturnType<typeof setTimeout> | null = null;

  /**
   * Once the chapter has rendered the new state, scrolls the figure `selector` names to the top of the
   * screen, marks it (`data-try-shown`) for SHOWN_MS and moves the focus there, so a reader on the
   * try-this list sees what the button changed.
   */
  private async showFigure(selector: string) {
    await (this.chapter() as (HTMLElement & { updateComplete?: Promise<unknown> }) | null)?.updateComplete;
    const figure = this.querySelector<HTMLElement>(selector);
    if (!figure) return;
    let shown: HTMLElement = figure; // the child of this section that holds it (::slotted sees children only)
    while (shown.parentElement && shown.parentElement !== this) shown = shown.parentElement;
    for (const old of this.querySelectorAll<HTMLElement>(':scope > [data-try-shown]')) delete old.dataset.tryShown;
    shown.dataset.tryShown = '';
    if (!shown.hasAttribute('tabindex')) shown.tabIndex = -1;
    shown.scrollIntoView({ block: 'start', behavior: prefersReducedMotion() ? 'auto' : 'smooth' });
    shown.focus({ preventScroll: true });
    if (this.shownTimer !== null) clearTimeout(this.shownTimer);
    this.shownTimer = setTimeout(() => {
      this.shownTimer = null;
      delete shown.dataset.tryShown;
    }, SHOWN_MS);
  }

  /** The chapter element this section is the frame of (the host of the shadow root it is in). */
  private chapter(): HTMLElement | null {
    const root = this.getRootNode();
    return root instanceof ShadowRoot ? (root.host as HTMLElement) : null;
  }

  render() {
    const chapter = this.chapter();
    return html`
      <section aria-labelledby="heading">
        <header>
          <p class="kicker">Chapter ${this.number || chapter?.dataset.number || ''}</p>
          <h2 id="heading">${this.heading || chapter?.dataset.title || ''}</h2>
        </header>
        <slot></slot>
        ${this.tryThis.length || this.references.length
          ? html`<aside aria-label="Try this, and references">
              ${this.tryThis.length
                ? html`<section class="try" aria-labelledby="try">
                    <h3 id="try">Try this</h3>
                    <ol>
                      ${this.tryThis.map(
                        (t, i) => html`<li>
                          <div class="item">
                            <span class="question" id="q${i}">${t.question}</span>
                            <button type="button" aria-describedby="q${i}" @click=${() => this.pick(i)}>
                              ${t.label ?? 'Show me'}
                            </button>
                            ${this.renderAnswer(t, i)}
                          </div>
                        </li>`,
                      )}
                    </ol>
                  </section>`
                : nothing}
              ${this.references.length
                ? html`<section class="refs" aria-labelledby="refs">
                    <h3 id="refs">References</h3>
                    <ol>
                      ${this.references.map(
                        (r) => html`<li>
                          <a href=${r.href} rel="noopener">${r.title}</a>${r.note
                            ? html`<span class="note"> — ${r.note}</span>`
                            : nothing}
                        </li>`,
                      )}
                    </ol>
                  </section>`
                : nothing}
            </aside>`
          : nothing}
      </section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chapter-section': ChapterSection;
  }
  interface HTMLElementEventMap {
    'try-this': CustomEvent<TryThisDetail>;
  }
}
