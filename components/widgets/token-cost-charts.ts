// <token-cost-charts>: how many tokens a clip becomes, and what one call of the
// DiT costs on them, as the clip gets longer — for square frames of several
// sizes and the chosen patch. Two Observable Plot charts: tokens against
// frames (one line a frame size, the chosen one drawn strong), and FLOPs of a
// call against frames, split into the part that grows with N and self-
// attention's part that grows with N². The chosen clip is a dot on each.
//
//   <token-cost-charts frames="8" side="32" .patch=${{ pt: 1, ph: 2, pw: 2 }}></token-cost-charts>
//
// The numbers come from pipeline/lessons/patch-cost.ts (checked against the FLOPs the
// manifest counted from the DiT's graph).
import * as Plot from '@observablehq/plot';
import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { PatchSize } from '../../pipeline/diffusion/patchify';
import { DIT_ARCHITECTURE, ditStepFlops, tokenGrid, type DitArchitecture } from '../../pipeline/lessons/patch-cost';
import { lineKeys } from '../styles';
import { formatCount } from './cost-table';
import '../charts/plot-chart';
import { CHART_COLOURS, type ChartOverlay, type ChartSpec } from '../charts/plot-chart';

/** The frame sizes drawn (pixels, square); the latent is a quarter of each side. */
export const FRAME_SIDES = [32, 64, 128, 256] as const;
export const MAX_FRAMES = 64;

const FRAMES = Array.from({ length: MAX_FRAMES }, (_, i) => i + 1);

@customElement('token-cost-charts')
export class TokenCostCharts extends LitElement {
  static styles = [
    lineKeys,
    css`
      :host {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(17rem, 1fr));
        gap: 1rem 1.5rem;
      }
      h4 {
        margin: 0 0 0.2rem;
        font-size: 0.95rem;
      }
    `,
  ];

  /** The clip's number of frames. */
  @property({ type: Number }) frames = 8;
  /** Its frames' side, in pixels (one of FRAME_SIDES). */
  @property({ type: Number }) side = 32;
  @property({ attribute: false }) patch: PatchSize = { pt: 1, ph: 2, pw: 2 };
  @property({ attribute: false }) architecture: DitArchitecture = DIT_ARCHITECTURE;

  private tokenSpec: ChartSpec | null = null;
  private flopsSpec: ChartSpec | null = null;
  private specKey = '';

  private tokens(frames: number, side: number): number {
    return tokenGrid({ frames, height: side / 4, width: side / 4 }, this.patch).tokens;
  }

  protected willUpdate(changed: PropertyValues<this>) {
    const key = `${this.side}|${this.patch.pt}|${this.patch.ph}|${this.patch.pw}|${this.architecture.width}|${this.architecture.depth}`;
    if (key === this.specKey && !changed.has('architecture')) return;
    this.specKey = key;
    const side = this.side;
    const rows = FRAME_SIDES.flatMap((s) => FRAMES.map((f) => ({ frames: f, tokens: this.tokens(f, s), size: `${s} × ${s}`, chosen: s === side })));
    const chosen = rows.filter((r) => r.chosen);
    const others = rows.filter((r) => !r.chosen);
    const ends = FRAME_SIDES.map((s) => ({ frames: MAX_FRAMES, tokens: this.tokens(MAX_FRAMES, s), label: `${s}²` }));
    this.tokenSpec = ({ width }) => ({
      width,
      height: 230,
      marginLeft: 52,
      marginRight: 34,
      marginTop: 22,
      marginBottom: 38,
      x: { domain: [1, MAX_FRAMES], label: 'frames →' },
      y: { type: 'log', domain: [1, 2e6], label: '↑ tokens', grid: true, tickFormat: '~s' },
      marks: [
        Plot.line(others, { x: 'frames', y: 'tokens', z: 'size', stroke: CHART_COLOURS.faint, strokeWidth: 1.5 }),
        Plot.line(chosen, { x: 'frames', y: 'tokens', stroke: CHART_COLOURS.accent, strokeWidth: 2.5 }),
        Plot.text(ends, { x: 'frames', y: 'tokens', text: 'label', dx: 4, textAnchor: 'start', fill: CHART_COLOURS.muted, fontSize: 11 }),
      ],
    });
    const flops = FRAMES.flatMap((f) => {
      const c = ditStepFlops(this.tokens(f, side), this.patch, this.architecture);
      return [
        { frames: f, flops: c.total, part: 'total' },
        { frames: f, flops: c.attention, part: 'attention' },
        { frames: f, flops: c.linear + c.fixed, part: 'rest' },
      ];
    });
    const colour = { total: CHART_COLOURS.ink, attention: CHART_COLOURS.noise, rest: CHART_COLOURS.signal } as const;
    this.flopsSpec = ({ width }) => ({
      width,
      height: 230,
      marginLeft: 52,
      marginRight: 12,
      marginTop: 22,
      marginBottom: 38,
      x: { domain: [1, MAX_FRAMES], label: 'frames →' },
      y: { type: 'log', domain: [1e5, 1e14], label: '↑ FLOPs of one call', grid: true, tickFormat: '~s' },
      marks: (['rest', 'attention', 'total'] as const).map((part) =>
        Plot.line(flops.filter((r) => r.part === part), { x: 'frames', y: 'flops', stroke: colour[part], strokeWidth: part === 'total' ? 2.5 : 2, strokeDasharray: part === 'total' ? undefined : '5 3' }),
      ),
    });
  }

  /** The chosen clip: tokens and the parts of a call's FLOPs (for readouts and tests). */
  get current() {
    const g = tokenGrid({ frames: this.frames, height: this.side / 4, width: this.side / 4 }, this.patch);
    return { ...g, flops: ditStepFlops(g.tokens, this.patch, this.architecture) };
  }

  render() {
    const c = this.current;
    const share = c.flops.attention / c.flops.total;
    const what = `${this.frames} frame${this.frames > 1 ? 's' : ''} of ${this.side} × ${this.side}`;
    const tokenOverlay: ChartOverlay[] = [
      { type: 'ruleX', x: this.frames, label: this.frames === 1 ? 'an image' : `${this.frames} frames` },
      { type: 'dot', x: this.frames, y: c.tokens, fill: CHART_COLOURS.accent, label: `N = ${c.tokens.toLocaleString('en')}` },
    ];
    const flopsOverlay: ChartOverlay[] = [
      { type: 'ruleX', x: this.frames },
      { type: 'dot', x: this.frames, y: c.flops.total, fill: CHART_COLOURS.ink, label: formatCount(c.flops.total) },
      { type: 'dot', x: this.frames, y: Math.max(c.flops.attention, 1), fill: CHART_COLOURS.noise, r: 3.5 },
    ];
    return html`
      <div class="chart">
        <h4>Tokens a clip becomes</h4>
        <ul class="keys">
          <li style="--key:${CHART_COLOURS.accent}">${this.side} × ${this.side} frames: ${c.tokens.toLocaleString('en')} tokens</li>
          <li style="--key:${CHART_COLOURS.faint}">other sizes</li>
        </ul>
        <plot-chart
          id="tokens-chart"
          .spec=${this.tokenSpec}
          .overlay=${tokenOverlay}
          alt="Tokens against frames, log scale, for square frames of ${FRAME_SIDES.join(', ')} pixels with patches of ${this.patch.pt} × ${this.patch.ph} × ${this.patch.pw}. ${what}: ${c.tokens} tokens${c.padded ? ', padded to whole patches' : ''}."
        ></plot-chart>
      </div>
      <div class="chart">
        <h4>FLOPs of one call of the DiT</h4>
        <ul class="keys">
          <li style="--key:${CHART_COLOURS.ink}">total ${formatCount(c.flops.total)}</li>
          <li style="--key:${CHART_COLOURS.noise}">attention’s N² part: ${(100 * share).toFixed(share < 0.01 ? 2 : 0)} %</li>
          <li style="--key:${CHART_COLOURS.signal}">the rest (∝ N)</li>
        </ul>
        <plot-chart
          id="flops-chart"
          .spec=${this.flopsSpec}
          .overlay=${flopsOverlay}
          alt="FLOPs of one DiT call on one sample against frames, log scale, for ${this.side} × ${this.side} frames: the total, self-attention's part that grows with the square of the tokens, and the rest. ${what}: ${formatCount(c.flops.total)} FLOPs, ${(100 * share).toFixed(1)} % of them in attention's N² part."
        ></plot-chart>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'token-cost-charts': TokenCostCharts;
  }
}
