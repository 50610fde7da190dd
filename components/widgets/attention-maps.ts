// <attention-maps>: one cross-attention map per word, over the sample it
// shaped. Each map is upsampled from the DiT's 4 × 4 grid of patch tokens to
// the 32 × 32 frame, coloured as heat (dark: little attention, bright: most)
// with the frame showing through, and its peak marked. An image gives one
// picture a word; a clip gives a row of its frames a word, so where the word
// looks can be followed in time.
//
//   <attention-maps .frames=${clip.frames} .grid=${run.grid} width="32" height="32"
//       .words=${[{ label: 'red', map, box: { x0, y0, x1, y1 }, verdict: 'inside the red circle' }]}></attention-maps>
//
// Each picture has a text alternative: the word, the frame, where the peak is
// and, when given, what the judge found there.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import './pixel-view';
import type { Annotation } from './pixel-view';
import { attentionOverlay, heatColour, type TokenGrid } from '../../pipeline/lessons/cross-attention';
import { POSITIONS, cellOf } from '../../pipeline/world/spec';

export interface WordMap {
  /** The word (or special token) as the tokenizer read it. */
  label: string;
  /** Its map, (F, rows, cols) of the grid. */
  map: Float32Array;
  /** The object this word should land on, per frame (a box in pixels), if known. */
  boxes?: readonly ({ x0: number; y0: number; x1: number; y1: number } | null)[];
  /** Per frame, whether the peak lies inside that object, if checked. */
  inside?: readonly boolean[];
  /** A line under the word (what the check found). */
  note?: string;
}

interface Rendered {
  word: WordMap;
  rgb: Uint8Array;
  peaks: { x: number; y: number; value: number }[];
}

@customElement('attention-maps')
export class AttentionMaps extends LitElement {
  static styles = css`
    :host {
      display: block;
    }
    .grid {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(8.5rem, 1fr));
      gap: 0.9rem 0.8rem;
    }
    .grid.clip {
      grid-template-columns: minmax(0, 1fr);
      gap: 0.6rem;
    }
    figure {
      margin: 0;
      min-width: 0;
    }
    figcaption {
      font-size: 0.85rem;
      line-height: 1.3;
      margin-top: 0.25rem;
    }
    .clip figcaption {
      margin: 0 0 0.2rem;
    }
    .word {
      font-family: var(--font-mono);
      font-weight: 600;
    }
    .note {
      display: block;
      color: var(--muted);
      font-size: 0.78rem;
    }
    .note.in {
      color: var(--accent-ink);
    }
    .frames {
      display: grid;
      grid-template-columns: repeat(var(--n, 8), minmax(0, 1fr));
      gap: 2px;
      max-width: 36rem;
    }
    pixel-view {
      --pixel-view-size: 100%;
      display: block;
    }
    .legend {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.3rem 1rem;
      margin: 0.7rem 0 0;
      font-size: 0.8rem;
      color: var(--muted);
    }
    .scale {
      display: inline-flex;
      align-items: center;
      gap: 0.4rem;
    }
    .bar {
      width: 7rem;
      flex: none;
      height: 0.6rem;
      border-radius: 2px;
    }
  `;

  /** The sample, RGB bytes (F, height, width, 3). */
  @property({ attribute: false }) frames: Uint8Array | null = null;
  @property({ attribute: false }) grid: TokenGrid | null = null;
  @property({ type: Number }) width = 32;
  @property({ type: Number }) height = 32;
  @property({ attribute: false }) words: readonly WordMap[] = [];

  private cache: { frames: Uint8Array | null; words: readonly WordMap[]; out: Rendered[] } = { frames: null, words: [], out: [] };

  /** Each word's picture and per-frame peaks (for tests). */
  get rendered(): Rendered[] {
    const { frames, grid, words } = this;
    if (!frames || !grid) return [];
    if (this.cache.frames !== frames || this.cache.words !== words) {
      const out = words.map((word) => ({ word, ...attentionOverlay(frames, word.map, grid, this.height, this.width) }));
      this.cache = { frames, words, out };
    }
    return this.cache.out;
  }

  private annotations(r: Rendered, f: number): Annotation[] {
    const list: Annotation[] = [];
    const box = r.word.boxes?.[f];
    if (box) list.push({ type: 'box', ...box, colour: '#ffffff' });
    const p = r.peaks[f];
    list.push({ type: 'probe', x: p.x, y: p.y });
    return list;
  }

  private alt(r: Rendered, f: number): string {
    const p = r.peaks[f];
    const where = POSITIONS[cellOf(p.x + 0.5, p.y + 0.5, this.width, this.height)];
    const n = this.grid?.frames ?? 1;
    const inside = r.word.inside?.[f];
    return `“${r.word.label}”${n > 1 ? `, frame ${f + 1} of ${n}` : ''}: attends most at pixel (${p.x}, ${p.y}), ${where === 'center' ? 'the center' : `the ${where}`}${inside === undefined ? '' : inside ? ', inside its object' : ', outside its object'}.`;
  }

  render() {
    const rendered = this.rendered;
    if (!rendered.length) return nothing;
    const F = this.grid!.frames;
    const clip = F > 1;
    const stops = Array.from({ length: 9 }, (_, i) => {
      const [r, g, b] = heatColour(i / 8);
      return `rgb(${r | 0}, ${g | 0}, ${b | 0}) ${(i / 8) * 100}%`;
    });
    return html`
      <div class="grid ${clip ? 'clip' : ''}">
        ${rendered.map((r) => {
          const caption = html`<span class="word">${r.word.label}</span>${r.word.note
              ? html`<span class="note ${r.word.inside?.every(Boolean) ? 'in' : ''}">${r.word.note}</span>`
              : nothing}`;
          return clip
            ? html`<figure data-word=${r.word.label}>
                <figcaption>${caption}</figcaption>
                <div class="frames" style="--n: ${F}">
                  ${Array.from({ length: F }, (_, f) => html`<pixel-view .rgb=${r.rgb} .frame=${f} width=${this.width} height=${this.height}
                      .annotations=${this.annotations(r, f)} alt=${this.alt(r, f)}></pixel-view>`)}
                </div>
              </figure>`
            : html`<figure data-word=${r.word.label}>
                <pixel-view .rgb=${r.rgb} width=${this.width} height=${this.height} .annotations=${this.annotations(r, 0)} alt=${this.alt(r, 0)}></pixel-view>
                <figcaption>${caption}</figcaption>
              </figure>`;
        })}
      </div>
      <p class="legend" aria-hidden="true">
        <span class="scale"><span>least</span><span class="bar" style="background: linear-gradient(to right, ${stops.join(', ')})"></span><span>most attention of that word${clip ? ' over the clip' : ''}</span></span>
        <span>▫ its peak${rendered.some((r) => r.word.boxes) ? ' · ▢ the object of that colour' : ''}</span>
      </p>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'attention-maps': AttentionMaps;
  }
}
