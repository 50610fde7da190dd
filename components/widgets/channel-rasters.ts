// <channel-rasters>: planes of numbers (the channels of a latent, an error map)
// as Observable Plot rasters side by side, one colour scale for all of them,
// with its legend under them. A plane can be marked (the one being edited).
//
//   <channel-rasters .planes=${latent} rows="8" cols="8" .labels=${['z₁', 'z₂', 'z₃', 'z₄']}
//       .domain=${[-3, 3]} highlight="1" legend="latent value"></channel-rasters>
//
// `planes` holds K planes of rows × cols values, row by row; K is labels.length.
// Each raster's text alternative gives its size, range and mean.
import * as Plot from '@observablehq/plot';
import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { planeStats, type PlaneStats } from '../../pipeline/lessons/latent-space';
import '../charts/plot-chart';
import type { ChartSpec } from '../charts/plot-chart';

const fmt = (v: number, digits = 2) => (Math.abs(v) < 0.5 * 10 ** -digits ? (0).toFixed(digits) : v.toFixed(digits)).replace('-', '−');

@customElement('channel-rasters')
export class ChannelRasters extends LitElement {
  static styles = css`
    :host {
      display: block;
    }
    .grid {
      display: grid;
      grid-template-columns: repeat(var(--count, 4), minmax(0, 1fr));
      gap: 0.5rem;
      max-width: var(--channel-rasters-width, 100%);
    }
    figure {
      margin: 0;
      padding: 2px;
      border-radius: 0.3rem;
      border: 2px solid transparent;
    }
    figure.marked {
      border-color: var(--focus);
    }
    figcaption {
      text-align: center;
      white-space: nowrap;
      font-size: 0.8rem;
      line-height: 1.3;
      margin-top: 0.15rem;
      font-variant-numeric: tabular-nums;
    }
    .range {
      display: block;
      color: var(--muted);
      font-size: 0.7rem;
    }
    .legend {
      max-width: 18rem;
      margin-top: 0.3rem;
    }
  `;

  /** K planes of rows × cols values, row by row. */
  @property({ attribute: false }) planes: Float32Array | null = null;
  @property({ type: Number }) rows = 8;
  @property({ type: Number }) cols = 8;
  /** One label a plane (their number is the number of planes). */
  @property({ attribute: false }) labels: string[] = ['channel 1', 'channel 2', 'channel 3', 'channel 4'];
  /** The values at the two ends of the colour scale; values outside are clamped. */
  @property({ attribute: false }) domain: [number, number] = [-3, 3];
  /** 'diverging' (blue, white, red; for signed values) or 'sequential' (black to yellow; for sizes of errors). */
  @property() scheme: 'diverging' | 'sequential' = 'diverging';
  /** The plane to mark, or −1. */
  @property({ type: Number }) highlight = -1;
  /** What the colour means, under the legend. */
  @property() legend = 'value';
  /** Decimals of the numbers shown under each raster. */
  @property({ type: Number }) digits = 2;
  /** What the planes are, for the text alternatives ("the latent of the frame"). */
  @property() subject = '';
  /** Leave the colour scale out (a second set of planes on the same scale shows it). */
  @property({ type: Boolean, attribute: 'no-legend' }) noLegend = false;

  /** Each plane's minimum, maximum, mean and standard deviation (for the readouts and tests). */
  stats: PlaneStats[] = [];

  private specs: ChartSpec[] = [];
  private legendSpec: ChartSpec | null = null;
  private legendKey = '';

  private colour(): Plot.ScaleOptions {
    return this.scheme === 'diverging'
      ? { type: 'linear', scheme: 'RdBu', reverse: true, domain: this.domain, clamp: true }
      : { type: 'linear', scheme: 'magma', domain: this.domain, clamp: true };
  }

  protected willUpdate(changed: PropertyValues<this>) {
    const K = this.labels.length, rows = this.rows, cols = this.cols, size = rows * cols;
    if (changed.has('planes') || changed.has('rows') || changed.has('cols') || changed.has('labels') || changed.has('domain') || changed.has('scheme')) {
      const planes = this.planes && this.planes.length >= K * size ? this.planes : null;
      this.stats = planes ? planeStats(planes, K, size) : [];
      this.specs = planes
        ? Array.from({ length: K }, (_, k) => {
            const values = planes.slice(k * size, (k + 1) * size);
            const color = this.colour();
            return ({ width }: { width: number }) => ({
              width,
              height: Math.max(20, Math.round((width * rows) / cols)),
              margin: 0,
              x: { domain: [0, cols], axis: null },
              y: { domain: [0, rows], axis: null, reverse: true },
              color,
              marks: [
                Plot.raster(values, { width: cols, height: rows, x1: 0, y1: 0, x2: cols, y2: rows, imageRendering: 'pixelated' }),
                Plot.frame({ stroke: '#00000033' }),
              ],
            });
          })
        : [];
    }
    const key = `${this.domain}|${this.scheme}|${this.legend}`;
    if (key !== this.legendKey) {
      this.legendKey = key;
      const [lo, hi] = this.domain;
      const steps = Array.from({ length: 64 }, (_, i) => lo + ((i + 0.5) * (hi - lo)) / 64);
      const color = this.colour();
      const label = this.legend;
      this.legendSpec = ({ width }) => ({
        width,
        height: 52,
        marginTop: 4,
        marginBottom: 36,
        marginLeft: 12,
        marginRight: 12,
        x: { domain: [lo, hi], label, labelAnchor: 'center', labelArrow: 'none', labelOffset: 34, ticks: Math.max(2, Math.min(7, Math.floor(width / 45))), tickFormat: (v: number) => String(v).replace('-', '−') },
        y: { axis: null, domain: [0, 1] },
        color,
        marks: [Plot.rect(steps, { x1: (_: number, i: number) => lo + (i * (hi - lo)) / 64, x2: (_: number, i: number) => lo + ((i + 1) * (hi - lo)) / 64, y1: 0, y2: 1, fill: (v: number) => v })],
      });
    }
  }

  render() {
    const K = this.labels.length;
    return html`
      <div class="grid" style="--count: ${K}">
        ${this.labels.map((label, k) => {
          const s = this.stats[k];
          const alt = s
            ? `${label}${this.subject ? ` of ${this.subject}` : ''}: ${this.rows} × ${this.cols} values from ${fmt(s.min, this.digits)} to ${fmt(s.max, this.digits)}, mean ${fmt(s.mean, this.digits)}`
            : `${label}: not computed yet`;
          return html`<figure class=${k === this.highlight ? 'marked' : ''} data-plane=${k}>
            <plot-chart .spec=${this.specs[k] ?? null} alt=${alt}></plot-chart>
            <figcaption>${label}${s ? html`<span class="range">${fmt(s.min, this.digits)} … ${fmt(s.max, this.digits)}</span>` : ''}</figcaption>
          </figure>`;
        })}
      </div>
      ${this.noLegend ? '' : html`<div class="legend"><plot-chart .spec=${this.legendSpec} alt="Colour scale: ${this.legend}, from ${fmt(this.domain[0])} to ${fmt(this.domain[1])}"></plot-chart></div>`}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'channel-rasters': ChannelRasters;
  }
}
