// <adaln-charts>: the DiT's adaLN-Zero modulation against the timestep, from
// T − 1 down to 0 (left to right, as sampling goes). The first chart gives one
// of the six parts (shift₁, scale₁, gate₁, shift₂, scale₂, gate₂) as its mean
// |value| over the width, one line a block, the chosen block drawn thick; the
// second draws every channel of that part in the chosen block as a heat map
// (time across, channel down). A rule marks the timestep being read.
//
//   <adaln-charts .table=${table} block="0" quantity="gate1" t="500"></adaln-charts>
//
// Both charts are built when the table, part or block change; moving t only
// moves the overlay. Their text alternatives give the numbers in words.
import * as Plot from '@observablehq/plot';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { ADALN_LABELS, ADALN_PARTS, adalnChannels, adalnMeanAbs, nearestTimestep, type AdalnPart, type AdalnTable } from '../../pipeline/lessons/dit-inspect';
import '../charts/plot-chart';
import { CHART_COLOURS, OKABE_ITO, type ChartOverlay, type ChartSpec } from '../charts/plot-chart';

/** One colour a block: the Okabe–Ito series colours, in their order (the yellow left out: too faint as a line on white). */
export const BLOCK_COLOURS = [...OKABE_ITO.filter((c) => c !== '#F0E442'), CHART_COLOURS.muted];
const blockColour = (l: number) => BLOCK_COLOURS[l % BLOCK_COLOURS.length];

const fmt = (v: number, digits = 2) => (Math.abs(v) < 0.5 * 10 ** -digits ? (0).toFixed(digits) : v.toFixed(digits)).replace('-', '−');

@customElement('adaln-charts')
export class AdalnCharts extends LitElement {
  static styles = css`
    :host {
      display: block;
      min-width: 0;
    }
    .charts {
      display: grid;
      grid-template-columns: minmax(0, 1.1fr) minmax(0, 1fr);
      gap: 1rem 1.5rem;
      align-items: start;
    }
    @media (max-width: 52rem) {
      .charts {
        grid-template-columns: minmax(0, 1fr);
      }
    }
    h4 {
      margin: 0 0 0.3rem;
      font-size: 0.9rem;
    }
    .keys {
      display: flex;
      flex-wrap: wrap;
      gap: 0.1rem 0.8rem;
      margin: 0 0 0.2rem;
      padding: 0;
      list-style: none;
      font-size: 0.8rem;
    }
    .keys li::before {
      content: '';
      display: inline-block;
      width: 1rem;
      height: 0;
      margin-right: 0.3rem;
      vertical-align: middle;
      border-top: var(--w, 2px) solid var(--key);
    }
    .keys li.chosen {
      font-weight: 600;
    }
    .legend {
      margin: 0.2rem 0 0;
      font-size: 0.8rem;
      color: var(--muted);
      display: flex;
      align-items: center;
      gap: 0.4rem;
      flex-wrap: wrap;
    }
    .bar {
      width: 6rem;
      height: 0.6rem;
      border-radius: 2px;
      background: linear-gradient(to right, #2166ac, #f7f7f7, #b2182b);
    }
  `;

  @property({ attribute: false }) table: AdalnTable | null = null;
  /** The chosen block, 0-based. */
  @property({ type: Number }) block = 0;
  @property() quantity: AdalnPart = 'gate1';
  /** The timestep read (a rule on both charts). */
  @property({ type: Number }) t = 500;

  /** What the charts draw, for tests: per block, the mean |value| at each timestep; the chosen block's channels (N, width). */
  drawn: { meanAbs: number[][]; channels: Float32Array | null; range: number } = { meanAbs: [], channels: null, range: 0 };

  private summarySpec: ChartSpec | null = null;
  private heatSpec: ChartSpec | null = null;
  private meanAbsFor: { table: AdalnTable | null; values: Float32Array | null } = { table: null, values: null };

  private meanAbs(): Float32Array | null {
    if (!this.table) return null;
    if (this.meanAbsFor.table !== this.table) this.meanAbsFor = { table: this.table, values: adalnMeanAbs(this.table) };
    return this.meanAbsFor.values;
  }

  /** The chosen block, kept inside the table's blocks. */
  get blockShown(): number {
    const L = this.table?.layers ?? 1;
    return Math.min(L - 1, Math.max(0, Math.round(this.block)));
  }

  protected willUpdate(changed: PropertyValues<this>) {
    if (!(changed.has('table') || changed.has('block') || changed.has('quantity'))) return;
    const table = this.table, m = this.meanAbs();
    if (!table || !m) {
      this.summarySpec = this.heatSpec = null;
      this.drawn = { meanAbs: [], channels: null, range: 0 };
      return;
    }
    const p = ADALN_PARTS.indexOf(this.quantity);
    const L = table.layers, N = table.timesteps.length, W = table.width, P = ADALN_PARTS.length;
    const chosen = this.blockShown;
    const meanAbs = Array.from({ length: L }, (_, l) => table.timesteps.map((_, i) => m[(i * L + l) * P + p]));
    const rows = meanAbs.flatMap((series, l) => series.map((v, i) => ({ t: table.timesteps[i], v, block: l })));
    const label = ADALN_LABELS[this.quantity];
    const first = table.timesteps[0], last = table.timesteps[N - 1];
    this.summarySpec = ({ width }) => ({
      width,
      height: 250,
      marginLeft: 46,
      marginBottom: 40,
      x: { domain: [first, last], label: 't (sampling runs left to right) →', labelAnchor: 'right', ticks: Math.max(3, Math.min(6, Math.floor(width / 80))) },
      y: { label: `↑ mean |${label}|`, grid: true, zero: true },
      marks: [
        Plot.ruleY([0], { stroke: CHART_COLOURS.faint }),
        Plot.line(rows.filter((r) => r.block !== chosen), { x: 't', y: 'v', z: 'block', stroke: (r: { block: number }) => blockColour(r.block), strokeWidth: 1.3, strokeOpacity: 0.75 }),
        Plot.line(rows.filter((r) => r.block === chosen), { x: 't', y: 'v', stroke: blockColour(chosen), strokeWidth: 3.2 }),
      ],
    });
    const channels = adalnChannels(table, chosen, this.quantity);
    let range = 0;
    for (const v of channels) range = Math.max(range, Math.abs(v));
    range = range > 0 ? Math.ceil(range * 10) / 10 : 1;
    // raster rows are channels, columns timesteps: value (channel c, timestep i)
    const values = new Float32Array(W * N);
    for (let i = 0; i < N; i++) for (let c = 0; c < W; c++) values[c * N + i] = channels[i * W + c];
    const half = N > 1 ? (first - last) / (N - 1) / 2 : 0.5;
    this.heatSpec = ({ width }) => ({
      width,
      height: 250,
      marginLeft: 46,
      marginBottom: 40,
      x: { domain: [first + half, last - half], label: 't →', labelAnchor: 'right', ticks: width < 300 ? [800, 400, 0] : [800, 600, 400, 200, 0] },
      y: { domain: [0, W], label: '↓ channel', reverse: true, ticks: [0, 32, 64, 96, 127].filter((c) => c < W) },
      color: { type: 'linear', scheme: 'RdBu', reverse: true, domain: [-range, range], clamp: true },
      marks: [
        Plot.raster(values, { width: N, height: W, x1: first + half, x2: last - half, y1: 0, y2: W, imageRendering: 'pixelated' }),
        Plot.frame({ stroke: '#00000033' }),
      ],
    });
    this.drawn = { meanAbs, channels, range };
  }

  private overlay(which: 'summary' | 'heat'): ChartOverlay[] {
    const table = this.table, m = this.meanAbs();
    if (!table || !m) return [];
    const i = nearestTimestep(table, this.t);
    const t = table.timesteps[i];
    const list: ChartOverlay[] = [{ type: 'ruleX', x: t, label: `t = ${t}` }];
    if (which === 'summary') {
      const l = this.blockShown, p = ADALN_PARTS.indexOf(this.quantity);
      list.push({ type: 'dot', x: t, y: m[(i * table.layers + l) * ADALN_PARTS.length + p], fill: blockColour(l), r: 5 });
    }
    return list;
  }

  private summaryAlt(): string {
    const table = this.table;
    const { meanAbs } = this.drawn;
    if (!table || !meanAbs.length) return 'Not measured yet.';
    const label = ADALN_LABELS[this.quantity];
    const N = table.timesteps.length;
    const per = meanAbs.map((s, l) => `block ${l + 1} from ${fmt(s[0])} to ${fmt(s[N - 1])}`).join('; ');
    return `Mean |${label}| over the ${table.width} channels of each of the ${table.layers} blocks, against t from ${table.timesteps[0]} to ${table.timesteps[N - 1]}: ${per}.`;
  }

  private heatAlt(): string {
    const table = this.table;
    const ch = this.drawn.channels;
    if (!table || !ch) return 'Not measured yet.';
    let lo = Infinity, hi = -Infinity;
    for (const v of ch) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    return `Every channel of ${ADALN_LABELS[this.quantity]} in block ${this.blockShown + 1}, against t: ${table.width} channels × ${table.timesteps.length} timesteps, values from ${fmt(lo)} to ${fmt(hi)}.`;
  }

  render() {
    const table = this.table;
    if (!table) return nothing;
    const chosen = this.blockShown;
    const label = ADALN_LABELS[this.quantity];
    return html`
      <div class="charts">
        <div>
          <h4>How big ${label} is in each block</h4>
          <ul class="keys" aria-hidden="true">
            ${Array.from({ length: table.layers }, (_, l) => html`<li class=${l === chosen ? 'chosen' : ''} style="--key: ${blockColour(l)}; --w: ${l === chosen ? '3.5px' : '2px'}">block ${l + 1}</li>`)}
          </ul>
          <plot-chart id="adaln-summary" .spec=${this.summarySpec} .overlay=${this.overlay('summary')} alt=${this.summaryAlt()}></plot-chart>
        </div>
        <div>
          <h4>Block ${chosen + 1}: each of its ${table.width} channels of ${label}</h4>
          <plot-chart id="adaln-heat" .spec=${this.heatSpec} .overlay=${this.overlay('heat')} alt=${this.heatAlt()}></plot-chart>
          <p class="legend" aria-hidden="true">−${fmt(this.drawn.range, 1)} <span class="bar"></span> +${fmt(this.drawn.range, 1)}</p>
        </div>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'adaln-charts': AdalnCharts;
  }
}
