// <patch-grid>: the frames of a clip cut into spacetime patches. Frames that
// share a patch in time are boxed together; the patch grid is drawn over each
// frame, and every patch carries the number of its token in the order the DiT
// reads them (time, then rows, then columns; pipeline/diffusion/patchify.ts).
// One token can be marked; a click on a patch selects its token.
//
//   <patch-grid .rgb=${frames} frames="8" width="32" height="32" cell="4"
//       .patch=${{ pt: 2, ph: 2, pw: 2 }} selected="5" @token-select=${…}></patch-grid>
//
// `rgb` holds (frames, height, width, 3) bytes; `cell` is the pixels of one
// latent cell (4 for decoded frames, 1 for the latent itself).
import { LitElement, css, html, nothing, svg, type PropertyValues } from 'lit';
import { customElement, property, queryAll } from 'lit/decorators.js';
import type { PatchSize } from '../../pipeline/diffusion/patchify';

export interface TokenDetail {
  token: number;
}

@customElement('patch-grid')
export class PatchGrid extends LitElement {
  static styles = css`
    :host {
      display: block;
    }
    .groups {
      display: flex;
      flex-wrap: wrap;
      gap: 0.6rem;
    }
    .group {
      border: 1px solid var(--rule);
      border-radius: 0.4rem;
      padding: 0.3rem;
      background: var(--paper, #fff);
    }
    .group.has-selected {
      border-color: var(--focus);
      box-shadow: 0 0 0 1px var(--focus);
    }
    .group-label {
      /* wraps to the frames width instead of widening the group */
      width: 0;
      min-width: 100%;
      font-size: 0.8rem;
      color: var(--muted);
      margin: 0 0 0.25rem;
      font-variant-numeric: tabular-nums;
    }
    .frames {
      display: flex;
      flex-wrap: wrap;
      gap: 0.3rem;
    }
    figure {
      margin: 0;
      width: var(--patch-grid-frame, 9.5rem);
    }
    .frame {
      position: relative;
      width: 100%;
      background: #000;
      border-radius: 0.2rem;
      overflow: hidden;
      cursor: pointer;
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
    figcaption {
      font-size: 0.75rem;
      text-align: center;
      color: var(--muted);
      margin-top: 0.15rem;
    }
    .num {
      font-family: var(--font-sans);
      font-weight: 700;
      fill: #fff;
      paint-order: stroke;
      stroke: #000;
      text-anchor: middle;
      dominant-baseline: central;
    }
    .sel .num {
      fill: #ffd166;
    }
  `;

  @property({ attribute: false }) rgb: Uint8Array | null = null;
  @property({ type: Number }) frames = 8;
  @property({ type: Number }) width = 32;
  @property({ type: Number }) height = 32;
  /** Pixels of one latent cell in `rgb`. */
  @property({ type: Number }) cell = 4;
  @property({ attribute: false }) patch: PatchSize = { pt: 1, ph: 2, pw: 2 };
  /** The marked token, or −1. */
  @property({ type: Number }) selected = -1;
  /** Write each token's number in its patch. */
  @property({ type: Boolean }) numbers = true;
  /** What the frames show, for the text alternative ("the frames", "the latent"). */
  @property() subject = 'the frames';

  @queryAll('canvas') private canvases!: NodeListOf<HTMLCanvasElement>;

  /** The token grid (t, h, w) shown now. */
  get grid() {
    const { pt, ph, pw } = this.patch;
    const cellsH = this.height / this.cell, cellsW = this.width / this.cell;
    return { t: Math.ceil(this.frames / pt), h: Math.ceil(cellsH / ph), w: Math.ceil(cellsW / pw) };
  }

  /** The token a patch of frame f, latent row r, latent column c belongs to. */
  tokenAt(f: number, r: number, c: number): number {
    const g = this.grid;
    return (Math.floor(f / this.patch.pt) * g.h + Math.floor(r / this.patch.ph)) * g.w + Math.floor(c / this.patch.pw);
  }

  protected updated(changed: PropertyValues<this>) {
    if (changed.has('rgb') || changed.has('frames') || changed.has('width') || changed.has('height') || changed.has('patch')) this.draw();
  }

  private draw() {
    const { width: w, height: h, rgb } = this;
    if (!rgb) return;
    const size = w * h * 3;
    this.canvases.forEach((canvas) => {
      const f = Number(canvas.dataset.frame);
      if (!((f + 1) * size <= rgb.length)) return;
      canvas.width = w;
      canvas.height = h;
      const ctx = canvas.getContext('2d');
      if (!ctx) return;
      const img = ctx.createImageData(w, h);
      for (let p = 0, s = f * size; p < w * h; p++, s += 3) {
        img.data[4 * p] = rgb[s];
        img.data[4 * p + 1] = rgb[s + 1];
        img.data[4 * p + 2] = rgb[s + 2];
        img.data[4 * p + 3] = 255;
      }
      ctx.putImageData(img, 0, 0);
    });
  }

  private onClick(e: MouseEvent, f: number) {
    const box = (e.currentTarget as HTMLElement).getBoundingClientRect();
    const x = ((e.clientX - box.left) / box.width) * this.width, y = ((e.clientY - box.top) / box.height) * this.height;
    const token = this.tokenAt(f, Math.floor(y / this.cell), Math.floor(x / this.cell));
    this.dispatchEvent(new CustomEvent<TokenDetail>('token-select', { detail: { token }, bubbles: true, composed: true }));
  }

  private overlay(f: number) {
    const { ph, pw } = this.patch;
    const g = this.grid;
    const pxH = ph * this.cell, pxW = pw * this.cell;
    const lines = [];
    for (let r = 1; r < g.h; r++) lines.push(svg`<line x1="0" x2=${this.width} y1=${r * pxH} y2=${r * pxH}></line>`);
    for (let c = 1; c < g.w; c++) lines.push(svg`<line y1="0" y2=${this.height} x1=${c * pxW} x2=${c * pxW}></line>`);
    const thin = Math.max(this.width, this.height) / 160;
    const maxDigits = String(g.t * g.h * g.w - 1).length;
    const font = Math.min(pxH * 0.5, pxW / (0.72 * maxDigits + 0.45));
    const numbers = [];
    let sel: unknown = nothing;
    for (let r = 0; r < g.h; r++) {
      for (let c = 0; c < g.w; c++) {
        const n = (Math.floor(f / this.patch.pt) * g.h + r) * g.w + c;
        const x = c * pxW, y = r * pxH;
        const isSel = n === this.selected;
        if (isSel) {
          sel = svg`<rect x=${x + thin} y=${y + thin} width=${pxW - 2 * thin} height=${pxH - 2 * thin} fill="#ffd16633" stroke="#ffd166" stroke-width=${2.5 * thin}></rect>`;
        }
        if (this.numbers) {
          numbers.push(svg`<g class=${isSel ? 'sel' : ''}><text class="num" x=${x + pxW / 2} y=${y + pxH / 2} font-size=${font} stroke-width=${font / 5}>${n}</text></g>`);
        }
      }
    }
    return svg`<g stroke="#ffffffb0" stroke-width=${thin}>${lines}</g>${sel}${numbers}`;
  }

  render() {
    const { pt } = this.patch;
    const g = this.grid;
    const perSlice = g.h * g.w;
    const selectedSlice = this.selected >= 0 ? Math.floor(this.selected / perSlice) : -1;
    const groups = Array.from({ length: g.t }, (_, gt) => {
      const frames = Array.from({ length: pt }, (_, i) => gt * pt + i).filter((f) => f < this.frames);
      return { gt, frames, first: gt * perSlice, last: (gt + 1) * perSlice - 1 };
    });
    return html`<div class="groups" role="img" aria-label="${this.subject} cut into ${g.t} × ${g.h} × ${g.w} = ${g.t * perSlice} patches of ${this.patch.pt} × ${this.patch.ph} × ${this.patch.pw}, numbered in the order the DiT reads them: time, then rows, then columns${this.selected >= 0 ? `; token ${this.selected} is marked` : ''}">
      ${groups.map(
        ({ gt, frames, first, last }) => html`<div class="group ${gt === selectedSlice ? 'has-selected' : ''}" data-slice=${gt}>
          <p class="group-label">${pt > 1 ? `frames ${frames[0] + 1}–${frames.at(-1)! + 1}` : `frame ${frames[0] + 1}`} · tokens ${first}–${last}</p>
          <div class="frames">
            ${frames.map(
              (f) => html`<figure>
                <div class="frame" style="aspect-ratio: ${this.width} / ${this.height}" @click=${(e: MouseEvent) => this.onClick(e, f)}>
                  <canvas data-frame=${f} width=${this.width} height=${this.height}></canvas>
                  <svg viewBox="0 0 ${this.width} ${this.height}" aria-hidden="true">${this.overlay(f)}</svg>
                </div>
              </figure>`,
            )}
          </div>
        </div>`,
      )}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'patch-grid': PatchGrid;
  }
  interface HTMLElementEventMap {
    'token-select': CustomEvent<TokenDetail>;
  }
}
