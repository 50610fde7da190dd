// <token-embeddings>: what the text encoder hands the denoiser, for one prompt.
// Two Observable Plot heat maps: each token's state (one row of 128 numbers,
// the `hidden` output), and the cosine similarity of every pair of tokens.
//
//   <token-embeddings .pieces=${tokens.pieces} .states=${encoded.hidden}></token-embeddings>
//
// `states` (the encoder's `hidden` output) is (24, 128), padding included; the maps show the prompt's own
// tokens (start, words, end), and say how many padding states follow.
import * as Plot from '@observablehq/plot';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../charts/plot-chart';
import type { ChartSpec } from '../charts/plot-chart';
import { cosineMatrix, mostSimilarPair } from '../../pipeline/lessons/token-similarity';
import type { TokenPiece } from '../../pipeline/world/tokenizer';

const WIDTH = 128;
const fmt = (v: number) => v.toFixed(2).replace('-', '−');

/** Row labels that stay unique when a word repeats: "3 red". */
export function tokenLabels(pieces: readonly TokenPiece[]): string[] {
  return pieces.map((p, i) => `${i} ${p.text}`);
}

@customElement('token-embeddings')
export class TokenEmbeddings extends LitElement {
  static styles = css`
    :host {
      display: block;
    }
    .pair {
      display: grid;
      grid-template-columns: minmax(0, 3fr) minmax(0, 2fr);
      gap: 1rem 1.5rem;
      align-items: start;
    }
    @media (max-width: 46rem) {
      .pair {
        grid-template-columns: minmax(0, 1fr);
      }
    }
    h4 {
      margin: 0 0 0.3rem;
      font-size: 0.9rem;
    }
    p {
      margin: 0.3rem 0 0;
      font-size: 0.85rem;
      color: var(--muted);
      max-width: none;
    }
  `;

  @property({ attribute: false }) pieces: readonly TokenPiece[] = [];
  /** (24, 128) per-token states. */
  @property({ attribute: false }) states: Float32Array | null = null;

  /** The similarity matrix shown (n × n, n = pieces.length), for tests. */
  similarity: Float32Array | null = null;
  private specs: { states: ChartSpec | null; sims: ChartSpec | null } = { states: null, sims: null };
  private summary = { states: '', sims: '' };

  protected willUpdate(changed: PropertyValues<this>) {
    if (!changed.has('pieces') && !changed.has('states')) return;
    const n = this.pieces.length;
    const h = this.states;
    if (!h || h.length < n * WIDTH || n === 0) {
      this.specs = { states: null, sims: null };
      this.similarity = null;
      return;
    }
    const labels = tokenLabels(this.pieces);
    const values = h.slice(0, n * WIDTH);
    let maxAbs = 0;
    for (const v of values) maxAbs = Math.max(maxAbs, Math.abs(v));
    const range = Math.max(1e-6, maxAbs);
    const rowHeight = 18;
    this.specs.states = ({ width }) => ({
      width,
      height: 50 + rowHeight * n,
      marginLeft: 86,
      marginBottom: 34,
      marginTop: 6,
      x: { domain: [0, WIDTH], label: '128 numbers a token →', ticks: [0, 32, 64, 96, 128] },
      y: { domain: [0, n], reverse: true, label: null, tickSize: 0, ticks: labels.map((_, i) => i + 0.5), tickFormat: (v: number) => labels[Math.floor(v)] ?? '' },
      color: { type: 'linear', scheme: 'RdBu', reverse: true, domain: [-range, range] },
      marks: [Plot.raster(values, { width: WIDTH, height: n, x1: 0, y1: 0, x2: WIDTH, y2: n, imageRendering: 'pixelated' })],
    });
    const sim = cosineMatrix(h, WIDTH, n);
    this.similarity = sim;
    const pairs: { a: string; b: string; v: number }[] = [];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) pairs.push({ a: labels[i], b: labels[j], v: sim[i * n + j] });
    const showText = n <= 12;
    this.specs.sims = ({ width }) => {
      const side = Math.min(width, 40 + 86 + 30 * n);
      return {
        width: side,
        height: side - 40,
        marginLeft: 86,
        marginBottom: 70,
        marginTop: 6,
        x: { domain: labels, label: null, tickRotate: -50, tickSize: 0 },
        y: { domain: labels, label: null, tickSize: 0 },
        color: { type: 'linear', scheme: 'PuOr', reverse: true, domain: [-1, 1] },
        marks: [
          Plot.cell(pairs, { x: 'b', y: 'a', fill: 'v', inset: 0.5 }),
          ...(showText
            ? [Plot.text(pairs, { x: 'b', y: 'a', text: (p: { v: number }) => fmt(p.v).replace(/^(−?)0\./, '$1.'), fill: (p: { v: number }) => (Math.abs(p.v) > 0.6 ? 'white' : 'black'), fontSize: 9 })]
            : []),
        ],
      };
    };
    const words = (i: number) => this.pieces[i].kind === 'special';
    const best = mostSimilarPair(sim, n, words);
    this.summary.states = `The encoder's state of each of the ${n} tokens (${this.pieces.map((p) => p.text).join(', ')}): 128 numbers each, from ${fmt(-range)} to ${fmt(range)} on the colour scale.`;
    this.summary.sims = `Cosine similarity of every pair of the ${n} tokens.${best ? ` The most similar pair of words: “${this.pieces[best.i].text}” and “${this.pieces[best.j].text}”, ${fmt(best.value)}.` : ''}`;
  }

  render() {
    const n = this.pieces.length;
    const pads = Math.max(0, 24 - n);
    if (!this.specs.states) return html`<p>The text encoder's states appear here.</p>`;
    return html`
      <div class="pair">
        <div>
          <h4>Each token's state (blue negative, red positive)</h4>
          <plot-chart id="states" .spec=${this.specs.states} alt=${this.summary.states}></plot-chart>
          ${pads ? html`<p>…and ${pads} padding tokens (“&lt;pad&gt;”) fill the 24; they have states too, and cross-attention can read them.</p>` : nothing}
        </div>
        <div>
          <h4>How alike two tokens’ states are (cosine: purple alike, orange opposite)</h4>
          <plot-chart id="similarity" .spec=${this.specs.sims} alt=${this.summary.sims}></plot-chart>
        </div>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'token-embeddings': TokenEmbeddings;
  }
}
