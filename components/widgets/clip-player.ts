// <clip-player>: a clip (RGB frames) in a <pixel-view>, with Play / Pause, a
// frame slider, and per-frame annotations drawn over it. It plays by itself
// only when the reader has not asked for reduced motion; Play always works.
//
//   <clip-player .rgb=${clip.frames} frames="8" width="32" height="32"
//       .annotations=${perFrame} alt="a red circle moving right"></clip-player>
import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import './labelled-slider';
import './pixel-view';
import type { Annotation } from './pixel-view';
import { controls } from '../styles';
import { prefersReducedMotion } from '../styles/motion';

export interface FrameDetail {
  frame: number;
}


@customElement('clip-player')
export class ClipPlayer extends LitElement {
  static styles = [
    controls,
    css`
      :host {
        display: block;
      }
      pixel-view {
        --pixel-view-size: 100%;
        display: block;
      }
      /* in a narrow column (four clips side by side) the slider goes under the button instead of under the next clip */
      :host {
        min-width: 0;
      }
      .controls {
        display: flex;
        flex-wrap: wrap;
        align-items: end;
        gap: 0.5rem 0.75rem;
        margin-top: 0.5rem;
      }
      labelled-slider {
        flex: 1 1 7rem;
        min-width: 0;
      }
      button {
        min-width: 5.5rem;
      }
    `,
  ];

  @property({ attribute: false }) rgb: Uint8Array | null = null;
  @property({ type: Number }) frames = 1;
  @property({ type: Number }) width = 32;
  @property({ type: Number }) height = 32;
  /** Annotations for each frame (index = frame); missing frames get none. */
  @property({ attribute: false }) annotations: readonly (readonly Annotation[])[] = [];
  @property() alt = '';
  /** Frames a second when playing. */
  @property({ type: Number }) fps = 4;
  /** Start playing by itself (ignored when the reader prefers reduced motion). */
  @property({ type: Boolean }) autoplay = false;

  @property({ type: Number }) frame = 0;
  @state() private playing = false;

  private raf = 0;
  private last = 0;
  private acc = 0;

  connectedCallback(): void {
    super.connectedCallback();
    if (this.autoplay && !prefersReducedMotion() && this.frames > 1) this.play();
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stop();
  }

  protected willUpdate(changed: PropertyValues<this>) {
    if (changed.has('frames') || changed.has('rgb')) {
      if (this.frame >= this.frames) this.frame = 0;
      if (this.frames <= 1) this.stop();
      else if (changed.has('rgb') && this.autoplay && !this.playing && !prefersReducedMotion()) this.play();
    }
  }

  play() {
    if (this.playing || this.frames <= 1) return;
    this.playing = true;
    this.last = performance.now();
    this.acc = 0;
    const tick = (now: number) => {
      if (!this.playing) return;
      this.acc += now - this.last;
      this.last = now;
      const period = 1000 / Math.max(0.5, this.fps);
      if (this.acc >= period) {
        this.acc %= period;
        this.setFrame((this.frame + 1) % this.frames);
      }
      this.raf = requestAnimationFrame(tick);
    };
    this.raf = requestAnimationFrame(tick);
  }

  stop() {
    this.playing = false;
    cancelAnimationFrame(this.raf);
  }

  private setFrame(f: number) {
    this.frame = f;
    this.dispatchEvent(new CustomEvent<FrameDetail>('frame-change', { detail: { frame: f }, bubbles: true, composed: true }));
  }

  render() {
    const n = this.frames;
    return html`
      <pixel-view
        .rgb=${this.rgb}
        .width=${this.width}
        .height=${this.height}
        .frame=${this.frame}
        .annotations=${this.annotations[this.frame] ?? []}
        alt=${this.alt}
      ></pixel-view>
      ${n > 1
        ? html`<div class="controls">
            <button type="button" aria-pressed=${this.playing ? 'true' : 'false'} @click=${() => (this.playing ? this.stop() : this.play())}>
              ${this.playing ? 'Pause' : 'Play'}
            </button>
            <labelled-slider
              label="Frame"
              min="0"
              max=${n - 1}
              .value=${this.frame}
              .format=${(v: number) => `${v + 1} of ${n}`}
              @value-input=${(e: CustomEvent<{ value: number }>) => {
                e.stopPropagation();
                this.stop();
                this.setFrame(e.detail.value);
              }}
              @value-change=${(e: Event) => e.stopPropagation()}
            ></labelled-slider>
          </div>`
        : ''}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'clip-player': ClipPlayer;
  }
  interface HTMLElementEventMap {
    'frame-change': CustomEvent<FrameDetail>;
  }
}
