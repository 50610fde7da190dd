// <self-attention-view>: where one query patch of a clip looks, over every
// spacetime token of the clip. Each frame shows the clip with the query's
// attention as heat, patch by patch (nearest, so a token is its 8 × 8 pixels),
// on one scale for the whole clip; the query patch is outlined in its frame and
// the token it attends to most is marked. Under the frames, a bar chart of the
// share of the attention each frame gets.
//
//   <self-attention-view .frames=${clip.frames} .grid=${{ frames: 8, rows: 4, cols: 4 }}
//       .row=${attentionRow(att, layer, head, query)} .query=${{ frame: 0, row: 1, col: 2 }}
//       @query-select=${(e) => this.setQuery(e.detail)}></self-attention-view>
//
// Slots: "aside" goes beside the chart (the clip itself), "after" under it (a readout).
// A click on a frame picks the patch under the pointer as the new query
// (`query-select`); the keyboard path is the chapter's sliders. Every picture
// and the chart have text alternatives.
import * as Plot from '@observablehq/plot';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import './pixel-view';
import '../charts/plot-chart';
import type { Annotation } from './pixel-view';
import { CHART_COLOURS, type ChartSpec } from '../charts/plot-chart';
import { frameShares, rowPeak, tokenHeat, tokenPlace, type TokenPlace } from '../../pipeline/lessons/dit-inspect';
import type { TokenGrid } from '../../pipeline/lessons/cross-attention';

const pct = (v: number) => `${(v * 100).toFixed(v < 0.1 ? 1 : 0)} %`;

@customElement('self-attention-view')
export class SelfAttentionView extends LitElement {
  static styles = css`
    :host {
      display: block;
      min-width: 0;
    }
    .frames {
      display: grid;
      grid-template-columns: repeat(var(--n, 8), minmax(0, 1fr));
      gap: 4px;
    }
    @media (max-width: 36rem) {
      .frames {
        grid-template-columns: repeat(4, minmax(0, 1fr));
      }
    }
    figure {
      margin: 0;
      min-width: 0;
    }
    figure pixel-view {
      --pixel-view-size: 100%;
      display: block;
      cursor: crosshair;
    }
    figure.query pixel-view {
      outline: 2px solid var(--focus);
      outline-offset: 1px;
      border-radius: 0.25rem;
    }
    figcaption {
      font-size: 0.75rem;
      text-align: center;
      font-variant-numeric: tabular-nums;
      margin-top: 0.15rem;
      white-space: nowrap;
    }
    .legend {
      display: flex;
      flex-wrap: wrap;
      gap: 0.3rem 1rem;
      align-items: center;
      margin: 0.5rem 0 0;
      font-size: 0.8rem;
      color: var(--muted);
    }
    .bar {
      width: 6rem;
      height: 0.6rem;
      border-radius: 2px;
      background: linear-gradient(to right, #000004, #65156e, #d44842, #fac127, #fcffa4);
    }
    .below {
      display: grid;
      grid-template-columns: auto minmax(0, 1fr);
      gap: 1rem 1.5rem;
      align-items: start;
      margin-top: 0.6rem;
    }
    .below.bare {
      grid-template-columns: minmax(0, 1fr);
    }
    @media (max-width: 40rem) {
      .below {
        grid-template-columns: minmax(0, 1fr);
      }
    }
    .shares {
      max-width: 36rem;
      min-width: 0;
    }
  `;

  /** The clip, RGB bytes (F, height, width, 3). */
  @property({ attribute: false }) frames: Uint8Array | null = null;
  @property({ attribute: false }) grid: TokenGrid | null = null;
  /** The query's attention over every token, (F · rows · cols). */
  @property({ attribute: false }) row: Float32Array | null = null;
  @property({ attribute: false }) query: TokenPlace | null = null;
  @property({ type: Number }) width = 32;
  @property({ type: Number }) height = 32;

  /** What is drawn, for tests: the heat frames and each frame's share. */
  heat: Uint8Array | null = null;
  shares: number[] = [];
  private sharesSpec: ChartSpec | null = null;

  protected willUpdate(changed: PropertyValues<this>) {
    if (!(changed.has('frames') || changed.has('row') || changed.has('grid') || changed.has('query'))) return;
    const { frames, row, grid } = this;
    if (!frames || !row || !grid || row.length !== grid.frames * grid.rows * grid.cols || frames.length !== grid.frames * this.width * this.height * 3) {
      this.heat = null;
      this.shares = [];
      this.sharesSpec = null;
      return;
    }
    this.heat = tokenHeat(frames, row, grid, this.height, this.width);
    const shares = frameShares(row, grid);
    this.shares = shares;
    const q = this.query?.frame ?? -1;
    const data = shares.map((v, f) => ({ frame: f + 1, v, query: f === q }));
    this.sharesSpec = ({ width }) => ({
      width,
      height: 150,
      marginLeft: 44,
      marginBottom: 34,
      x: { label: 'frame', padding: 0.2 },
      y: { label: '↑ share of the attention', domain: [0, Math.max(0.25, Math.ceil(Math.max(...shares) * 10) / 10)], grid: true, tickFormat: (v: number) => `${Math.round(v * 100)} %` },
      marks: [
        Plot.barY(data, { x: 'frame', y: 'v', fill: (d: { query: boolean }) => (d.query ? CHART_COLOURS.noise : CHART_COLOURS.signal) }),
        Plot.ruleY([1 / grid.frames], { stroke: CHART_COLOURS.ink, strokeDasharray: '4 3' }),
        Plot.ruleY([0]),
      ],
    });
  }

  private annotations(f: number): Annotation[] {
    const { grid, query, row } = this;
    if (!grid || !row) return [];
    const ph = this.height / grid.rows, pw = this.width / grid.cols;
    const list: Annotation[] = [];
    const peak = tokenPlace(grid, rowPeak(row).token);
    if (peak.frame === f) list.push({ type: 'box', x0: peak.col * pw + 1, y0: peak.row * ph + 1, x1: (peak.col + 1) * pw - 2, y1: (peak.row + 1) * ph - 2, colour: '#7fd4ff' });
    if (query && query.frame === f) list.push({ type: 'box', x0: query.col * pw, y0: query.row * ph, x1: (query.col + 1) * pw - 1, y1: (query.row + 1) * ph - 1, colour: '#ffffff', label: 'query' });
    return list;
  }

  private pick(e: MouseEvent, f: number) {
    const grid = this.grid;
    if (!grid) return;
    const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
    if (!(r.width > 0 && r.height > 0)) return;
    const col = Math.min(grid.cols - 1, Math.max(0, Math.floor(((e.clientX - r.left) / r.width) * grid.cols)));
    const row = Math.min(grid.rows - 1, Math.max(0, Math.floor(((e.clientY - r.top) / r.height) * grid.rows)));
    this.dispatchEvent(new CustomEvent<TokenPlace>('query-select', { detail: { frame: f, row, col }, bubbles: true, composed: true }));
  }

  render() {
    const { grid, row, heat, query } = this;
    if (!grid || !row || !heat) return nothing;
    const peak = tokenPlace(grid, rowPeak(row).token);
    const q = query ? `frame ${query.frame + 1}, row ${query.row + 1}, column ${query.col + 1}` : 'the query';
    return html`
      <div class="frames" style="--n: ${grid.frames}" role="group" aria-label="Where the query patch (${q}) attends, frame by frame">
        ${Array.from({ length: grid.frames }, (_, f) => html`<figure class=${query?.frame === f ? 'query' : ''} data-frame=${f}>
            <pixel-view
              .rgb=${heat}
              .frame=${f}
              width=${this.width}
              height=${this.height}
              .annotations=${this.annotations(f)}
              alt="Frame ${f + 1}: ${pct(this.shares[f])} of the attention of the query patch at ${q}${peak.frame === f ? `; its most attended patch is here, row ${peak.row + 1}, column ${peak.col + 1}` : ''}"
              @click=${(e: MouseEvent) => this.pick(e, f)}
            ></pixel-view>
            <figcaption>${f + 1}: ${pct(this.shares[f])}</figcaption>
          </figure>`)}
      </div>
      <p class="legend" aria-hidden="true">
        <span>least</span><span class="bar"></span><span>most attention of the query (over the whole clip)</span>
        <span>▢ white: the query · ▢ blue: the patch it attends to most</span>
      </p>
      <div class="below ${this.querySelector('[slot="aside"]') ? '' : 'bare'}">
        <slot name="aside"></slot>
        <div class="shares">
          <plot-chart
            id="frame-shares"
            .spec=${this.sharesSpec}
            alt="The share of the query's attention on each frame: ${this.shares.map((v, f) => `frame ${f + 1} ${pct(v)}`).join(', ')}. The dashed line is an even share, ${pct(1 / grid.frames)}."
          ></plot-chart>
          <slot name="after"></slot>
        </div>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'self-attention-view': SelfAttentionView;
  }
  interface HTMLElementEventMap {
    'query-select': CustomEvent<TokenPlace>;
  }
}
