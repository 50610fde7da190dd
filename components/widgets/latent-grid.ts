// <latent-grid>: latents shown as what they are, numbers: one row a latent
// (x_t, ε̂, x̂₀ …), one column a channel, each channel an h × w raster of cells
// on one diverging colour scale (blue below 0, red above), with its legend.
// One Observable Plot chart (components/charts/plot-chart.ts), rebuilt when the rows change.
//
//   <latent-grid .rows=${[{ label: 'x_t', latent: xt }, { label: 'ε̂', latent: eps }]}
//       height="8" width="8" domain="3"></latent-grid>
//
// Each row's `latent` is one frame, (channels, height, width), row by row.
import * as Plot from '@observablehq/plot';
import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { channelCells, stats } from '../../pipeline/lessons/trajectory';
import '../charts/plot-chart';
import type { ChartSpec } from '../charts/plot-chart';

export interface LatentRow {
  /** A short name, as the row's label: "x_t", "ε̂", "x̂₀". */
  label: string;
  latent: Float32Array;
}

const SCHEME = 'BuRd';
const fmt = (v: number) => (Math.abs(v) < 0.005 ? '0.00' : v.toFixed(2)).replace('-', '−');

@customElement('latent-grid')
export class LatentGrid extends LitElement {
  static styles = css`
    :host {
      display: block;
      min-width: 0;
    }
    .legend {
      display: flex;
      align-items: center;
      gap: 0.4rem;
      margin: 0.3rem 0 0;
      font-size: 0.8rem;
      color: var(--muted);
      font-variant-numeric: tabular-nums;
    }
    .ramp {
      flex: 0 1 9rem;
      height: 0.6rem;
      border-radius: 0.2rem;
    }
  `;

  @property({ attribute: false }) rows: readonly LatentRow[] = [];
  @property({ type: Number }) channels = 4;
  @property({ type: Number }) height = 8;
  @property({ type: Number }) width = 8;
  /** The colour scale runs from −domain to +domain; values beyond take the end colours. */
  @property({ type: Number }) domain = 3;
  /** Words before the alternative text's numbers, e.g. "Step 12, t = 612". */
  @property() caption = '';

  private spec: ChartSpec | null = null;

  protected willUpdate(changed: PropertyValues<this>) {
    if (changed.has('rows') || changed.has('channels') || changed.has('height') || changed.has('width') || changed.has('domain')) this.spec = this.makeSpec();
  }

  private makeSpec(): ChartSpec | null {
    const { channels, height: h, width: w, domain } = this;
    const labels = this.rows.map((r) => r.label);
    if (!labels.length) return null;
    const data = this.rows.flatMap((r) => channelCells(r.latent, 0, { channels, height: h, width: w }).map((c) => ({ ...c, row: r.label, channel: `channel ${c.channel + 1}` })));
    const channelNames = Array.from({ length: channels }, (_, c) => `channel ${c + 1}`);
    return ({ width }) => {
      const marginLeft = 34, marginRight = 4, marginTop = 18, marginBottom = 2;
      const panel = Math.max(8, (width - marginLeft - marginRight) / channels);
      return {
        width,
        height: Math.round(marginTop + marginBottom + labels.length * panel * (h / w)),
        marginLeft,
        marginRight,
        marginTop,
        marginBottom,
        x: { axis: null, domain: Array.from({ length: w }, (_, i) => i), padding: 0 },
        y: { axis: null, domain: Array.from({ length: h }, (_, i) => i), padding: 0 },
        fx: { domain: channelNames, label: null, padding: 0.08, axis: 'top', tickFormat: (d: string) => d.replace('channel ', 'ch ') },
        fy: { domain: labels, label: null, padding: 0.08, axis: 'left', tickSize: 0 },
        color: { type: 'linear', scheme: SCHEME, domain: [-domain, domain], clamp: true },
        marks: [Plot.cell(data, { x: 'x', y: 'y', fx: 'channel', fy: 'row', fill: 'value', inset: 0 })],
      };
    };
  }

  /** What the grid shows, in words: each row's mean and spread. */
  get alt(): string {
    const parts = this.rows.map((r) => {
      const s = stats(r.latent);
      return `${r.label}: mean ${fmt(s.mean)}, standard deviation ${fmt(s.std)}`;
    });
    return `${this.caption ? `${this.caption}. ` : ''}The ${this.channels} latent channels (${this.height} × ${this.width} each) of ${parts.join('; ')}. Blue is below 0, red above, from −${this.domain} to +${this.domain}.`;
  }

  private rampFor: { domain: number; css: string } | null = null;

  private ramp(): string {
    if (this.rampFor?.domain === this.domain) return this.rampFor.css;
    const scale = Plot.scale({ color: { type: 'linear', scheme: SCHEME, domain: [-this.domain, this.domain] } });
    const stops = Array.from({ length: 9 }, (_, i) => {
      const v = -this.domain + (2 * this.domain * i) / 8;
      return `${scale.apply(v)} ${(i / 8) * 100}%`;
    });
    this.rampFor = { domain: this.domain, css: `linear-gradient(to right, ${stops.join(', ')})` };
    return this.rampFor.css;
  }

  render() {
    return html`
      <plot-chart .spec=${this.spec} alt=${this.alt}></plot-chart>
      <p class="legend" aria-hidden="true">
        <span>−${this.domain}</span><span class="ramp" style="background: ${this.ramp()}"></span><span>+${this.domain}</span>
        <span>latent value (0 is white)</span>
      </p>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'latent-grid': LatentGrid;
  }
}
