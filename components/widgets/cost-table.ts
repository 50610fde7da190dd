// <cost-table>: what a step of each model costs, side by side — parameters and
// FLOPs (from the manifest, counted from the ONNX graph) and the time of one
// call measured in this browser (the median of a few calls after a warm-up).
//
//   <cost-table .rows=${[{ label: 'latent U-Net', detail: '(2, 4, 8, 8)', params: 1.2e6, flops: 3e8, ms: 12.5, times: [...] }]}
//       caption="One denoising step (batch 2)"></cost-table>
//
// A row without `ms` shows "not measured yet"; `ratioTo` adds each row's time
// and FLOPs as a multiple of that row's.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';

export interface CostRow {
  label: string;
  /** What it runs on, e.g. the input's shape or "8 frames, 128 tokens". */
  detail?: string;
  params?: number;
  flops?: number;
  /** Median time of a call, ms. */
  ms?: number;
  /** Every timed call, ms. */
  times?: number[];
}

/** 1.23 M, 456 k, 7.8 G: three significant figures. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '—';
  const units: [number, string][] = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [v, u] of units) if (Math.abs(n) >= v) return `${(n / v).toPrecision(3)} ${u}`;
  return String(Math.round(n));
}

const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

@customElement('cost-table')
export class CostTable extends LitElement {
  static styles = css`
    :host {
      display: block;
      /* in a grid or flex column it must not grow to the table's width (the column would clip it) */
      min-width: 0;
      max-width: 100%;
    }
    /* the table scrolls sideways when the column is narrower (a phone); its caption wraps above it */
    .scroll {
      overflow-x: auto;
    }
    .caption {
      margin: 0 0 0.3rem;
      font-size: 0.9rem;
      font-weight: 600;
    }
    @media (max-width: 40rem) {
      table {
        font-size: 0.8rem;
      }
      th,
      td {
        padding: 0.25rem 0.35rem;
      }
    }
    table {
      border-collapse: collapse;
      font-size: 0.9rem;
      font-variant-numeric: tabular-nums;
      min-width: 100%;
    }
    th,
    td {
      padding: 0.3rem 0.6rem;
      border-bottom: 1px solid var(--rule);
      text-align: right;
      white-space: nowrap;
    }
    th:first-child,
    td:first-child {
      text-align: left;
      white-space: normal;
    }
    thead th {
      font-weight: 600;
      color: var(--muted);
      font-size: 0.8rem;
    }
    .detail {
      display: block;
      color: var(--muted);
      font-size: 0.8rem;
    }
    .x {
      color: var(--muted);
    }
  `;

  @property({ attribute: false }) rows: CostRow[] = [];
  @property() caption = '';
  /** Index of the row the others are compared with, or −1. */
  @property({ type: Number, attribute: 'ratio-to' }) ratioTo = -1;

  render() {
    const base = this.rows[this.ratioTo];
    const showParams = this.rows.some((r) => r.params !== undefined);
    const times = (r: CostRow) => (r.times?.length ? `calls: ${r.times.map(ms).join(', ')} ms` : '');
    return html`${this.caption ? html`<p class="caption" id="caption">${this.caption}</p>` : nothing}
      <div class="scroll"><table aria-labelledby=${this.caption ? 'caption' : nothing}>
      <thead>
        <tr>
          <th scope="col">model</th>
          ${showParams ? html`<th scope="col">parameters</th>` : nothing}
          <th scope="col">FLOPs a call</th>
          <th scope="col">time a call, here</th>
        </tr>
      </thead>
      <tbody>
        ${this.rows.map(
          (r) => html`<tr>
            <th scope="row">${r.label}${r.detail ? html`<span class="detail">${r.detail}</span>` : nothing}</th>
            ${showParams ? html`<td>${r.params !== undefined ? formatCount(r.params) : '—'}</td>` : nothing}
            <td>
              ${r.flops !== undefined ? formatCount(r.flops) : '—'}
              ${base && base !== r && r.flops && base.flops ? html`<span class="x">(${(r.flops / base.flops).toFixed(1)}×)</span>` : nothing}
            </td>
            <td title=${times(r)} data-ms=${r.ms ?? ''}>
              ${r.ms !== undefined ? `${ms(r.ms)} ms` : 'not measured yet'}
              ${base && base !== r && r.ms !== undefined && base.ms ? html`<span class="x">(${(r.ms / base.ms).toFixed(1)}×)</span>` : nothing}
            </td>
          </tr>`,
        )}
      </tbody>
    </table></div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cost-table': CostTable;
  }
}
