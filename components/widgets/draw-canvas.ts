// <draw-canvas>: a small picture to paint in the world's palette (32 × 32 by
// default), by mouse, pen, touch or keyboard. The picture is one palette index
// a pixel (see pipeline/drawing.ts).
//
//   <draw-canvas .indices=${drawing} @drawing-input=${live} @drawing-change=${done}></draw-canvas>
//
// Keyboard: the canvas is focusable; the arrow keys move a cursor, Space or
// Enter paints under it with the brush, Delete or Backspace erases (paints
// black), the digits 0–6 pick a colour. Events carry a copy of the picture:
// `drawing-input` while a stroke goes on, `drawing-change` when it ends.
import { LitElement, css, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { DRAWING_COLOURS, drawingToRgb } from '../../pipeline/drawing';
import './choice-picker';
import { controls } from '../styles';

export interface DrawingDetail {
  indices: Uint8Array;
  rgb: Uint8Array;
}

@customElement('draw-canvas')
export class DrawCanvas extends LitElement {
  static styles = [
    controls,
    css`
      :host {
        display: flex;
        flex-wrap: wrap;
        gap: 0.75rem 1.25rem;
        align-items: start;
      }
      .surface {
        position: relative;
        flex: 0 1 15rem;
        min-width: 10rem;
        aspect-ratio: 1;
        touch-action: none;
        cursor: crosshair;
        border-radius: 0.25rem;
        background: #000;
      }
      .surface:focus-visible {
        outline: 3px solid var(--focus);
        outline-offset: 2px;
      }
      canvas {
        position: absolute;
        inset: 0;
        width: 100%;
        height: 100%;
        image-rendering: pixelated;
        border-radius: 0.25rem;
      }
      .cursor {
        position: absolute;
        border: 2px solid #fff;
        outline: 1px solid #000;
        pointer-events: none;
      }
      .side {
        flex: 1 1 14rem;
        min-width: 0;
      }
      .tools {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
        align-items: end;
      }
      .swatches {
        display: flex;
        flex-wrap: wrap;
        gap: 0.3rem;
      }
      .swatch {
        width: 2.25rem;
        height: 2.25rem;
        min-height: 0;
        padding: 0;
        border: 2px solid var(--rule);
        border-radius: 50%;
      }
      .swatch[aria-pressed='true'] {
        border-color: var(--ink);
        box-shadow: 0 0 0 2px var(--paper), 0 0 0 4px var(--ink);
      }
      .swatch:hover {
        background: inherit;
      }
      fieldset {
        border: 0;
        margin: 0;
        padding: 0;
      }
      legend {
        font-weight: 600;
        font-size: 0.95rem;
        padding: 0;
        margin-bottom: 0.25rem;
      }
      .help {
        font-size: 0.85rem;
        color: var(--muted);
        margin: 0.4rem 0 0;
      }
    `,
  ];

  @property({ type: Number }) width = 32;
  @property({ type: Number }) height = 32;
  /** The picture: one palette index a pixel (0 black, 1–6 the world's colours). */
  @property({ attribute: false }) indices: Uint8Array = new Uint8Array(32 * 32);
  /** Brush colour: a palette index. */
  @property({ type: Number }) colour = 1;
  /** Brush radius in pixels (1: one pixel). */
  @property({ type: Number }) brush = 2;
  @property() label = 'Drawing';

  @state() private cursor: [number, number] | null = null;
  @state() private focused = false;
  @query('canvas') private canvas!: HTMLCanvasElement;
  private painting = false;
  private lastCell: [number, number] | null = null;

  private pixels(): Uint8Array {
    if (this.indices.length !== this.width * this.height) this.indices = new Uint8Array(this.width * this.height);
    return this.indices;
  }

  private paintCell(cx: number, cy: number, colour: number) {
    const px = this.pixels();
    const r = this.brush - 1;
    for (let y = cy - r; y <= cy + r; y++) {
      for (let x = cx - r; x <= cx + r; x++) {
        if (x < 0 || y < 0 || x >= this.width || y >= this.height) continue;
        if ((x - cx) ** 2 + (y - cy) ** 2 > r * r + r) continue; // a round brush
        px[y * this.width + x] = colour;
      }
    }
  }

  /** Paints from the last cell to this one (no gaps when the pointer moves fast). */
  private strokeTo(cx: number, cy: number, colour: number) {
    const from = this.lastCell ?? [cx, cy];
    const n = Math.max(Math.abs(cx - from[0]), Math.abs(cy - from[1]), 1);
    for (let k = 0; k <= n; k++) this.paintCell(Math.round(from[0] + ((cx - from[0]) * k) / n), Math.round(from[1] + ((cy - from[1]) * k) / n), colour);
    this.lastCell = [cx, cy];
    this.redraw();
    this.emit('drawing-input');
  }

  private emit(type: 'drawing-input' | 'drawing-change') {
    const indices = this.pixels().slice();
    this.dispatchEvent(new CustomEvent<DrawingDetail>(type, { detail: { indices, rgb: drawingToRgb(indices) }, bubbles: true, composed: true }));
  }

  /** Clears the picture (and says so with a drawing-change event). */
  clear() {
    this.pixels().fill(0);
    this.redraw();
    this.emit('drawing-input');
    this.emit('drawing-change');
  }

  private redraw() {
    const ctx = this.canvas?.getContext('2d');
    if (!ctx) return;
    const { width: w, height: h } = this;
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
    }
    const img = ctx.createImageData(w, h);
    const rgb = drawingToRgb(this.pixels());
    for (let p = 0; p < w * h; p++) {
      img.data[4 * p] = rgb[3 * p];
      img.data[4 * p + 1] = rgb[3 * p + 1];
      img.data[4 * p + 2] = rgb[3 * p + 2];
      img.data[4 * p + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }

  protected updated() {
    this.redraw();
  }

  private cellOf(e: PointerEvent): [number, number] {
    const rect = (e.currentTarget as HTMLElement).getBoundingClientRect();
    const x = Math.floor(((e.clientX - rect.left) / rect.width) * this.width);
    const y = Math.floor(((e.clientY - rect.top) / rect.height) * this.height);
    return [Math.min(this.width - 1, Math.max(0, x)), Math.min(this.height - 1, Math.max(0, y))];
  }

  private onDown(e: PointerEvent) {
    if (e.button !== 0 && e.pointerType === 'mouse') return;
    e.preventDefault();
    (e.currentTarget as HTMLElement).setPointerCapture?.(e.pointerId);
    (e.currentTarget as HTMLElement).focus({ preventScroll: true });
    this.painting = true;
    this.lastCell = null;
    const [x, y] = this.cellOf(e);
    this.strokeTo(x, y, this.colour);
  }

  private onMove(e: PointerEvent) {
    if (!this.painting) return;
    const [x, y] = this.cellOf(e);
    this.strokeTo(x, y, this.colour);
  }

  private onUp() {
    if (!this.painting) return;
    this.painting = false;
    this.lastCell = null;
    this.emit('drawing-change');
  }

  private onKey(e: KeyboardEvent) {
    const c = this.cursor ?? [this.width >> 1, this.height >> 1];
    const moves: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (moves[e.key]) {
      e.preventDefault();
      const [dx, dy] = moves[e.key];
      this.cursor = [Math.min(this.width - 1, Math.max(0, c[0] + dx)), Math.min(this.height - 1, Math.max(0, c[1] + dy))];
    } else if (e.key === ' ' || e.key === 'Enter' || e.key === 'Delete' || e.key === 'Backspace') {
      e.preventDefault();
      this.cursor = c;
      this.lastCell = null;
      this.strokeTo(c[0], c[1], e.key === 'Delete' || e.key === 'Backspace' ? 0 : this.colour);
      this.lastCell = null;
      this.emit('drawing-change');
    } else if (/^[0-6]$/.test(e.key)) {
      this.colour = Number(e.key);
    }
  }

  render() {
    const c = this.focused ? (this.cursor ?? [this.width >> 1, this.height >> 1]) : null;
    const colourName = DRAWING_COLOURS[this.colour]?.name ?? 'black';
    return html`
      <div
        class="surface"
        tabindex="0"
        role="application"
        aria-roledescription="drawing canvas"
        aria-label="${this.label}, ${this.width} by ${this.height} pixels. Brush: ${colourName}."
        aria-describedby="help"
        @pointerdown=${this.onDown}
        @pointermove=${this.onMove}
        @pointerup=${this.onUp}
        @pointercancel=${this.onUp}
        @keydown=${this.onKey}
        @focus=${() => (this.focused = true)}
        @blur=${() => (this.focused = false)}
      >
        <canvas width=${this.width} height=${this.height}></canvas>
        ${c
          ? html`<div
              class="cursor"
              style="left:${(c[0] / this.width) * 100}%;top:${(c[1] / this.height) * 100}%;width:${100 / this.width}%;height:${100 / this.height}%"
            ></div>`
          : ''}
      </div>
      <div class="side">
      <div class="tools">
        <fieldset>
          <legend>Colour</legend>
          <div class="swatches">
            ${DRAWING_COLOURS.map(
              (col, i) => html`<button
                type="button"
                class="swatch"
                style="background: rgb(${col.rgb.join(',')})"
                aria-label=${i === 0 ? 'black (eraser)' : col.name}
                aria-pressed=${this.colour === i ? 'true' : 'false'}
                @click=${() => (this.colour = i)}
              ></button>`,
            )}
          </div>
        </fieldset>
        <choice-picker
          label="Brush"
          .options=${[
            { value: '1', label: 'Fine' },
            { value: '2', label: 'Medium' },
            { value: '3', label: 'Thick' },
          ]}
          .value=${String(this.brush)}
          @choice-change=${(e: CustomEvent<{ value: string }>) => {
            e.stopPropagation();
            this.brush = Number(e.detail.value);
          }}
        ></choice-picker>
        <button type="button" @click=${() => this.clear()}>Clear</button>
      </div>
      <p class="help" id="help">Paint with the mouse or a finger. With the keyboard: arrow keys move the cursor, Space paints, Delete erases, 0–6 pick a colour.</p>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'draw-canvas': DrawCanvas;
  }
  interface HTMLElementEventMap {
    'drawing-input': CustomEvent<DrawingDetail>;
    'drawing-change': CustomEvent<DrawingDetail>;
  }
}
