// <pixel-view>: RGB bytes drawn to a canvas at their own resolution and scaled
// up with nearest-neighbour sampling (crisp pixels, never blurred), with
// optional annotations drawn over them in pixel coordinates: boxes, labels,
// paths and dots (the judge's reading of a clip, a probe on one pixel).
//
//   <pixel-view .rgb=${bytes} width="32" height="32" alt="a big red circle in the top left"
//       caption="x₀"></pixel-view>
//
// `rgb` holds one or more frames, (frames, height, width, 3); `frame` picks one.
// The canvas is what a test reads back: `readPixel(x, y)`.
import { LitElement, css, html, nothing, svg, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';

export type Annotation =
  /** A box around pixels x0 … x1, y0 … y1 (inclusive), with an optional label above it. */
  | { type: 'box'; x0: number; y0: number; x1: number; y1: number; colour?: string; label?: string }
  | { type: 'path'; points: readonly (readonly [number, number])[]; colour?: string }
  | { type: 'dot'; x: number; y: number; colour?: string; r?: number }
  | { type: 'probe'; x: number; y: number };

@customElement('pixel-view')
export class PixelView extends LitElement {
  static styles = css`
    :host {
      display: inline-block;
      width: var(--pixel-view-size, 10rem);
      max-width: 100%;
      vertical-align: top;
    }
    figure {
      margin: 0;
    }
    .frame {
      position: relative;
      width: 100%;
      aspect-ratio: var(--aspect, 1);
      background: #000;
      border-radius: 0.25rem;
      overflow: hidden;
    }
    canvas,
    svg {
      position: absolute;
      inset: 0;
      width: 100%;
      height: 100%;
    }
    canvas {
      image-rendering: pixelated;
      image-rendering: crisp-edges;
    }
    svg {
      overflow: visible;
      pointer-events: none;
    }
    figcaption {
      margin-top: 0.3rem;
      font-size: 0.9rem;
      text-align: center;
      color: var(--ink);
      line-height: 1.3;
    }
    .label {
      font: 600 2.3px var(--font-sans);
      paint-order: stroke;
      stroke: #000;
      stroke-width: 0.6px;
    }
  `;

  /** RGB bytes, (frames, height, width, 3). */
  @property({ attribute: false }) rgb: Uint8Array | null = null;
  @property({ type: Number }) width = 32;
  @property({ type: Number }) height = 32;
  @property({ type: Number }) frame = 0;
  /** Text alternative: what the picture shows. */
  @property() alt = '';
  /** A caption under the picture (a symbol such as x₀, or a few words); slotted content replaces it. */
  @property() caption = '';
  @property({ attribute: false }) annotations: readonly Annotation[] = [];

  /** How many times the canvas was drawn, and when last (performance.now()); for tests and benchmarks. */
  drawCount = 0;
  drawnAt = 0;

  @query('canvas') private canvas!: HTMLCanvasElement;
  private ctx: CanvasRenderingContext2D | null = null;
  private image: ImageData | null = null;

  /** The RGB bytes the canvas shows at pixel (x, y), read back from the canvas. */
  readPixel(x: number, y: number): [number, number, number] {
    const ctx = this.context();
    if (!ctx) return [0, 0, 0];
    const d = ctx.getImageData(x, y, 1, 1).data;
    return [d[0], d[1], d[2]];
  }

  private context(): CanvasRenderingContext2D | null {
    if (!this.canvas) return null;
    this.ctx ??= this.canvas.getContext('2d', { willReadFrequently: true });
    return this.ctx;
  }

  /** Draws now (Lit would on its next update); returns whether something was drawn. */
  draw(): boolean {
    const ctx = this.context();
    const { width: w, height: h } = this;
    if (!ctx || !this.rgb || !(w > 0 && h > 0)) return false;
    const size = w * h * 3;
    const frames = Math.floor(this.rgb.length / size);
    if (frames < 1) return false;
    const f = Math.min(frames - 1, Math.max(0, Math.floor(this.frame)));
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
    }
    if (!this.image || this.image.width !== w || this.image.height !== h) {
      this.image = ctx.createImageData(w, h);
      this.image.data.fill(255);
    }
    const src = this.rgb, dst = this.image.data;
    for (let p = 0, s = f * size; p < w * h; p++, s += 3) {
      dst[4 * p] = src[s];
      dst[4 * p + 1] = src[s + 1];
      dst[4 * p + 2] = src[s + 2];
    }
    ctx.putImageData(this.image, 0, 0);
    this.drawCount++;
    this.drawnAt = performance.now();
    return true;
  }

  protected updated(changed: PropertyValues<this>) {
    if (changed.has('rgb') || changed.has('frame') || changed.has('width') || changed.has('height')) this.draw();
  }

  /**
   * Where each box's label goes (pixel units): above its box (below when the box touches the top, or
   * when that spot is taken by an earlier label), moved left to stay inside the picture, and squeezed
   * (`squeeze`: the width to fit it to) when it is wider than the picture.
   */
  private labelPlaces(): Map<Annotation, { x: number; y: number; squeeze: number | null }> {
    const places = new Map<Annotation, { x: number; y: number; squeeze: number | null }>();
    const taken: { x0: number; x1: number; y: number }[] = [];
    const CHAR = 1.3; // about 0.56 em of the 2.3 px label font
    const room = this.width - 0.6;
    for (const a of this.annotations) {
      if (a.type !== 'box' || !a.label) continue;
      const wide = a.label.length * CHAR;
      const squeeze = wide > room ? room : null;
      const w = squeeze ?? wide;
      const x = Math.max(0.3, Math.min(a.x0 - 0.5, this.width - 0.3 - w));
      const above = a.y0 - 1.1;
      const below = a.y1 + 3.6;
      const clash = (y: number) => taken.some((t) => Math.abs(t.y - y) < 2.4 && x < t.x1 && x + w > t.x0);
      let y = a.y0 > 3 ? above : below;
      if (clash(y)) {
        const other = y === above ? below : above;
        if (other > 2.3 && other < this.height + 0.5 && !clash(other)) y = other;
      }
      taken.push({ x0: x, x1: x + w, y });
      places.set(a, { x, y, squeeze });
    }
    return places;
  }

  private renderAnnotations() {
    if (!this.annotations.length) return nothing;
    const places = this.labelPlaces();
    return svg`${this.annotations.map((a) => {
      switch (a.type) {
        case 'box': {
          const c = a.colour ?? '#fff';
          const at = places.get(a);
          // x0 … x1 and y0 … y1 are the first and last pixels inside: the outline runs half a pixel outside them
          return svg`<rect x=${a.x0 - 0.5} y=${a.y0 - 0.5} width=${a.x1 - a.x0 + 2} height=${a.y1 - a.y0 + 2}
              fill="none" stroke=${c} stroke-width="0.35"></rect>
            ${at
              ? svg`<text class="label" x=${at.x} y=${at.y} fill=${c}
                  textLength=${at.squeeze ?? nothing} lengthAdjust=${at.squeeze ? 'spacingAndGlyphs' : nothing}>${a.label}</text>`
              : nothing}`;
        }
        case 'path':
          return a.points.length > 1
            ? svg`<polyline points=${a.points.map(([x, y]) => `${x},${y}`).join(' ')} fill="none"
                stroke=${a.colour ?? '#fff'} stroke-width="0.3" stroke-dasharray="0.8 0.5"></polyline>`
            : nothing;
        case 'dot':
          return svg`<circle cx=${a.x} cy=${a.y} r=${a.r ?? 0.7} fill=${a.colour ?? '#fff'} stroke="#000" stroke-width="0.2"></circle>`;
        case 'probe':
          return svg`<rect x=${a.x - 0.15} y=${a.y - 0.15} width="1.3" height="1.3" fill="none" stroke="#fff" stroke-width="0.3"></rect>
            <rect x=${a.x - 0.45} y=${a.y - 0.45} width="1.9" height="1.9" fill="none" stroke="#000" stroke-width="0.3"></rect>`;
      }
    })}`;
  }

  render() {
    return html`
      <figure>
        <div class="frame" style="--aspect: ${this.width} / ${this.height}" role="img" aria-label=${this.alt || this.caption || 'picture'}>
          <canvas width=${this.width} height=${this.height}></canvas>
          <svg viewBox="0 0 ${this.width} ${this.height}" aria-hidden="true">${this.renderAnnotations()}</svg>
        </div>
        <figcaption><slot>${this.caption}</slot></figcaption>
      </figure>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pixel-view': PixelView;
  }
}
