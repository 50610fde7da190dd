// <unet-diagram>: the text-conditioned U-Net drawn as a U, with its real sizes:
// down the left (a residual block and, where the level has one, a spatial
// transformer of self- and cross-attention at each resolution, halving
// between), the middle at the smallest resolution, up the right (doubling, each
// stage reading the skip connection of its level beside it), and where the
// timestep and the text enter. Drawn from the anatomy given
// (pipeline/lessons/denoiser-anatomy.ts, unetAnatomy), so any number of levels
// lays out the same way; the parts are listed in words under the drawing.
//
//   <unet-diagram .anatomy=${unetAnatomy(UNET_CONFIG, 8)}></unet-diagram>
import { LitElement, html, nothing, svg, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { CONTEXT_TOKENS, shortCount, type UnetAnatomy, type UnetStage } from '../../pipeline/lessons/denoiser-anatomy';
import { arrow, arrowHeads, box, boxHeight, diagramStyles, INK, label, MUTED, PATCH, TEXT } from './diagram-svg';

const W = 400;
const LEFT = { x: 8, w: 176 };
const RIGHT = { x: 216, w: 176 };
const STAGE_H = boxHeight(2);
const ROW = STAGE_H + 34;

const side = (s: UnetStage) => `${s.size} × ${s.size}`;

@customElement('unet-diagram')
export class UnetDiagram extends LitElement {
  static styles = diagramStyles;

  @property({ attribute: false }) anatomy: UnetAnatomy | null = null;

  private stage(s: UnetStage, x: number, w: number, y: number): TemplateResult {
    const res = s.kind === 'mid' ? `ResBlock ×2, ${s.channels} ch` : `ResBlock ${s.channelsIn === s.channels ? '' : `${s.channelsIn} → `}${s.channels} ch`;
    const attn = s.attention ? 'self- + cross-attention' : 'no attention';
    const name = s.kind === 'mid' ? `middle · ${side(s)}` : `${s.kind} · ${side(s)}`;
    return box(x, y, w, name, [res, attn], { colour: PATCH, part: `${s.kind}-${s.level}` });
  }

  private drawing(a: UnetAnatomy) {
    const c = a.config;
    const levels = c.widths.length;
    const parts: TemplateResult[] = [];
    const lx = LEFT.x + LEFT.w / 2, rx = RIGHT.x + RIGHT.w / 2;
    const small = boxHeight(1);
    parts.push(box(LEFT.x, 8, LEFT.w, 'noisy latent zₜ', [`${c.channels} × ${a.size} × ${a.size} a frame`], { colour: PATCH, fill: '#e8f0fb', part: 'latent' }));
    parts.push(box(RIGHT.x, 8, RIGHT.w, 'prediction v̂', [`${c.channels} × ${a.size} × ${a.size}`], { colour: PATCH, fill: '#e8f0fb', part: 'output' }));
    const inTop = 8 + small + 12;
    parts.push(box(LEFT.x, inTop, LEFT.w, 'conv in', [`3 × 3, ${c.channels} → ${c.widths[0]} ch`], { colour: PATCH, part: 'conv-in' }));
    parts.push(box(RIGHT.x, inTop, RIGHT.w, 'out', [`norm, 3 × 3 conv → ${c.channels}`], { colour: PATCH, part: 'conv-out' }));
    parts.push(arrow([[lx, 8 + small], [lx, inTop]], PATCH), arrow([[rx, inTop], [rx, 8 + small]], PATCH));
    const top = inTop + small + 14;
    const rowY = (level: number) => top + level * ROW;
    parts.push(arrow([[lx, inTop + small], [lx, top]], PATCH), arrow([[rx, top], [rx, inTop + small]], PATCH));
    for (const s of a.stages) {
      if (s.kind === 'mid') continue;
      const y = rowY(s.level);
      parts.push(s.kind === 'down' ? this.stage(s, LEFT.x, LEFT.w, y) : this.stage(s, RIGHT.x, RIGHT.w, y));
      if (s.kind === 'down') {
        // the skip connection across, at mid-height
        parts.push(arrow([[LEFT.x + LEFT.w, y + STAGE_H / 2], [RIGHT.x, y + STAGE_H / 2]], INK, true));
        parts.push(label((LEFT.x + LEFT.w + RIGHT.x) / 2, y + STAGE_H / 2 - 6, `${s.channels}`, INK));
        if (s.resample === 'down') {
          parts.push(arrow([[lx, y + STAGE_H], [lx, y + ROW]], PATCH));
          parts.push(label(lx + 6, y + STAGE_H + 21, `halve: ${s.size / 2} × ${s.size / 2}`, MUTED, 'start'));
        }
      } else if (s.resample === 'up') {
        parts.push(arrow([[rx, y], [rx, y - ROW + STAGE_H]], PATCH));
        parts.push(label(rx - 6, y - ROW + STAGE_H + 21, `double: ${s.size * 2} × ${s.size * 2}`, MUTED, 'end'));
      }
    }
    // the middle, below the deepest level, between the columns
    const mid = a.stages.find((s) => s.kind === 'mid')!;
    const deepest = rowY(levels - 1);
    const midY = deepest + ROW;
    const mx = { x: W / 2 - 94, w: 188 };
    parts.push(this.stage(mid, mx.x, mx.w, midY));
    parts.push(arrow([[lx, deepest + STAGE_H], [lx, midY + STAGE_H / 2], [mx.x, midY + STAGE_H / 2]], PATCH));
    parts.push(arrow([[mx.x + mx.w, midY + STAGE_H / 2], [rx, midY + STAGE_H / 2], [rx, deepest + STAGE_H]], PATCH));
    let y = midY + STAGE_H + 26;
    parts.push(label(8, y, `t: ${c.widths[0]} sin-cos → MLP → ${a.timeDim}, added in every ResBlock`, MUTED, 'start'));
    y += 20;
    parts.push(svg`<text x="8" y=${y} class="note" fill=${TEXT}>text ${CONTEXT_TOKENS} × ${c.contextDim} → keys, values of each cross-attention</text>`);
    y += 20;
    parts.push(label(8, y, '- - ▸ skip connection, concatenated (channels)', INK, 'start'));
    y += 24;
    parts.push(label(W - 8, y, `${shortCount(a.params.total)} parameters`, INK, 'end', 'name'));
    return { parts, height: y + 10 };
  }

  private list(a: UnetAnatomy) {
    const c = a.config;
    const attn = a.stages.filter((s) => s.attention).length;
    const n = (x: number) => html`<span class="params">(${x.toLocaleString('en-US')} parameters)</span>`;
    return html`<ol class="parts">
      <li><strong>In</strong>: one frame’s latent (${c.channels} × ${a.size} × ${a.size}), a 3 × 3 convolution to ${c.widths[0]} channels; the timestep: ${c.widths[0]} sin-cos features → MLP → ${a.timeDim} ${n(a.params.time + a.params.convIn)}.</li>
      ${a.stages.map(
        (s) => html`<li data-stage=${`${s.kind}-${s.level}`}><strong>${s.kind === 'down' ? 'Down' : s.kind === 'up' ? 'Up' : 'Middle'}, ${side(s)}</strong>:
          ${s.kind === 'up' ? html`the skip connection of ${c.widths[s.level]} channels joined on (${s.channelsIn} in), ` : nothing}a residual block${s.kind === 'mid' ? 's' : ''} to ${s.channels} channels with the timestep added${s.attention
            ? html`, then a spatial transformer: self-attention over the ${s.size * s.size} positions, cross-attention to the prompt, feed-forward`
            : nothing}${s.resample === 'down' ? ', then halved by a stride-2 convolution' : s.resample === 'up' ? ', then doubled' : ''} ${n(s.params)}.</li>`,
      )}
      <li><strong>Out</strong>: norm, SiLU, a 3 × 3 convolution back to ${c.channels} channels ${n(a.params.out)}. The text enters at ${attn} places, all by cross-attention.</li>
    </ol>`;
  }

  render() {
    const a = this.anatomy;
    if (!a) return nothing;
    const { parts, height } = this.drawing(a);
    return html`<figure>
      <svg viewBox="0 0 ${W} ${height}" aria-hidden="true" data-levels=${a.config.widths.length}>
        ${arrowHeads}${parts}
      </svg>
      ${this.list(a)}
    </figure>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'unet-diagram': UnetDiagram;
  }
}
