// <chapter-section>: the frame of one chapter. Its number and title, the prose
// and live cells (slotted), a "Try this" list of questions for a class — each
// with a button that asks the chapter to set its figure to the state that
// answers it — and the chapter's references.
//
//   <chapter-section                     (number and heading: the chapter's, from chapters/registry.ts)
//       .tryThis=${[{ question: 'When is the image gone?', state: { t: 999 }, figure: 'noising-figure' }]}
//       .references=${[{ title: 'Ho et al. 2020, DDPM', href: 'https://arxiv.org/abs/2006.11239' }]}
//       @try-this=${(e) => this.setState(e.detail.state)}>
//     <p>…</p>
//   </chapter-section>
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
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
}

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
