// A notation term in running prose: a link to its glossary entry (section#notation)
// that also shows its one-line definition in a small popover, on hover (mouse),
// on focus (keyboard) and on a first tap (touch; a second tap follows the link).
// Escape, a tap elsewhere or leaving it closes the popover. The popover is a
// native manual popover (the top layer: no clipping by a cell, no layout shift),
// placed under the term (above it near the bottom of the window) and kept inside
// the window; the link names it with aria-describedby. Chapters do not use this
// tag directly: term('alphaBar') in notation.ts fills it in.
//
//   <notation-term href="#n-alpha-bar" definition="…" .symbol=${html`ᾱ<sub>t</sub>`}>ᾱ<sub>t</sub></notation-term>
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';

/** Space kept between the popover and the window's edges, and between it and the term (px). */
const MARGIN = 8;
const GAP = 6;
/** How long a popover opened by hover stays after the pointer leaves, so the pointer can cross to it (ms). */
const HIDE_DELAY = 200;

/** Where the popover goes: centred under the term, moved inside the window, above the term if there is no room below. */
export function placePopover(
  anchor: { left: number; top: number; right: number; bottom: number },
  size: { width: number; height: number },
  view: { width: number; height: number },
): { left: number; top: number } {
  const centre = (anchor.left + anchor.right) / 2;
  const left = Math.max(MARGIN, Math.min(centre - size.width / 2, view.width - MARGIN - size.width));
  const below = anchor.bottom + GAP;
  const above = anchor.top - GAP - size.height;
  const top = below + size.height <= view.height - MARGIN || above < MARGIN ? below : above;
  return { left: Math.round(left), top: Math.round(top) };
}

const canPopover = typeof HTMLElement !== 'undefined' && 'showPopover' in HTMLElement.prototype;

@customElement('notation-term')
export class NotationTerm extends LitElement {
  static styles = css`
    :host {
      display: inline;
    }
    a {
      color: inherit;
      font-style: italic;
      text-decoration: underline dotted var(--muted, #888);
      text-underline-offset: 0.15em;
      white-space: nowrap;
    }
    :host([word]) a {
      font-style: normal;
    }
    a:hover {
      color: var(--link-hover, inherit);
    }
    a:focus-visible {
      outline: 3px solid var(--focus, #4a90d9);
      outline-offset: 2px;
    }
    .tip {
      position: fixed;
      inset: auto;
      margin: 0;
      box-sizing: border-box;
      max-width: min(22rem, calc(100vw - ${MARGIN * 2}px));
      padding: 0.45em 0.7em;
      border: 1px solid var(--rule, #ccc);
      border-radius: 0.4rem;
      background: var(--paper, #fff);
      color: var(--ink, #222);
      box-shadow: 0 2px 10px rgb(0 0 0 / 0.18);
      font: 400 0.88rem/1.4 var(--font-sans, system-ui, sans-serif);
      font-style: normal;
      white-space: normal;
      text-align: left;
      overflow-wrap: anywhere;
      z-index: 1000;
    }
    .tip:not(.open) {
      display: none;
    }
    .tip strong {
      font-weight: 600;
    }
  `;

  /** The glossary entry, e.g. '#n-alpha-bar'. */
  @property() href = '';
  /** The one-line definition the popover shows. */
  @property() definition = '';
  /** A word (DDPM, adaLN), not a math symbol: set upright, not italic. */
  @property({ type: Boolean, reflect: true }) word = false;
  /** The term as the glossary writes it, at the head of the popover (the slotted text when not set). */
  @property({ attribute: false }) symbol: TemplateResult | string | null = null;

  @state() private open = false;
  @query('.tip') private tip!: HTMLElement;
  @query('a') private link!: HTMLAnchorElement;

  private hideTimer = 0;
  /** Whether the popover was open when the current touch began (a first tap opens it, a second follows the link). */
  private touchFoundOpen: boolean | null = null;

  render() {
    return html`<a
        class="term"
        href=${this.href}
        aria-describedby="tip"
        @pointerenter=${this.onPointerEnter}
        @pointerleave=${this.onPointerLeave}
        @pointerdown=${this.onPointerDown}
        @click=${this.onClick}
        @focus=${this.show}
        @blur=${this.hide}
        ><slot></slot></a
      ><span
        id="tip"
        class="tip ${this.open ? 'open' : ''}"
        role="tooltip"
        popover=${canPopover ? 'manual' : nothing}
        @pointerenter=${this.cancelHide}
        @pointerleave=${this.onPointerLeave}
        ><strong>${this.symbol ?? this.textContent}</strong> ${this.definition}</span
      >`;
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.hide();
  }

  /** Whether the definition is showing (for tests and the chapter). */
  get showing(): boolean {
    return this.open;
  }

  show = (): void => {
    this.cancelHide();
    if (this.open) return;
    this.open = true;
    document.addEventListener('keydown', this.onKey, true);
    document.addEventListener('pointerdown', this.onOutside, true);
    window.addEventListener('scroll', this.place, { capture: true, passive: true });
    window.addEventListener('resize', this.place, { passive: true });
    void this.updateComplete.then(() => {
      if (!this.open) return;
      if (canPopover && !this.tip.matches(':popover-open')) this.tip.showPopover();
      this.place();
    });
  };

  hide = (): void => {
    this.cancelHide();
    if (!this.open) return;
    this.open = false;
    document.removeEventListener('keydown', this.onKey, true);
    document.removeEventListener('pointerdown', this.onOutside, true);
    window.removeEventListener('scroll', this.place, { capture: true });
    window.removeEventListener('resize', this.place);
    if (canPopover && this.tip?.matches(':popover-open')) this.tip.hidePopover();
  };

  private place = (): void => {
    if (!this.open || !this.tip || !this.link) return;
    const a = this.link.getBoundingClientRect();
    if (a.bottom < 0 || a.top > window.innerHeight) return this.hide(); // scrolled away from its term
    const at = placePopover(a, { width: this.tip.offsetWidth, height: this.tip.offsetHeight }, { width: document.documentElement.clientWidth, height: window.innerHeight });
    this.tip.style.left = `${at.left}px`;
    this.tip.style.top = `${at.top}px`;
  };

  private cancelHide = (): void => {
    clearTimeout(this.hideTimer);
    this.hideTimer = 0;
  };

  private onPointerEnter = (e: PointerEvent): void => {
    if (e.pointerType !== 'touch') this.show();
  };

  private onPointerLeave = (e: PointerEvent): void => {
    if (e.pointerType === 'touch' || !this.open || this.matches(':focus-within')) return;
    this.cancelHide();
    this.hideTimer = window.setTimeout(this.hide, HIDE_DELAY);
  };

  private onPointerDown = (e: PointerEvent): void => {
    this.touchFoundOpen = e.pointerType === 'touch' ? this.open : null;
  };

  private onClick = (e: MouseEvent): void => {
    // a first tap shows the definition; the next one, with it open, follows the link
    if (this.touchFoundOpen === false) {
      e.preventDefault();
      this.show();
    } else {
      this.hide(); // the link is followed: the glossary entry says the rest
    }
    this.touchFoundOpen = null;
  };

  private onKey = (e: KeyboardEvent): void => {
    if (e.key === 'Escape') this.hide();
  };

  private onOutside = (e: PointerEvent): void => {
    if (!e.composedPath().includes(this)) this.hide();
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'notation-term': NotationTerm;
  }
}
