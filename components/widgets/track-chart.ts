// <track-chart>: what the world's judge measured on a clip — each object's
// centroid path across the frame (an Observable Plot chart, y down as in the
// picture, the 3 × 3 position grid dashed), and a table of how far and how fast
// each object moved, the motion the judge's rules read, and whether it kept its
// shape and size in every frame.
//
//   <track-chart .reading=${verdict.reading}></track-chart>
import * as Plot from '@observablehq/plot';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../charts/plot-chart';
import type { ChartSpec } from '../charts/plot-chart';
import { summarizeTracks, trackPoints, type TrackPoint, type TrackSummary } from '../../pipeline/text-to-video/measure';
import type { Reading } from '../../pipeline/world/read-frames';
import { PALETTE, type Colour } from '../../pipeline/world/spec';

const num = (v: number, d = 1) => v.toFixed(d).replace('-', '−');
const rgb = (c: string) => `rgb(${PALETTE[c as Colour]?.join(',') ?? '200,200,200'})`;
const MOTION_WORDS: Record<string, string> = { still: 'staying still', left: 'moving left', right: 'moving right', up: 'moving up', down: 'moving down' };

function pathSpec(points: TrackPoint[], width: number, height: number): ChartSpec {
  const ends = points.filter((p, i) => i === 0 || points[i - 1].colour !== p.colour || i === points.length - 1 || points[i + 1].colour !== p.colour);
  return ({ width: w }) => {
    const size = Math.min(w, 340);
    return {
      width: size,
      height: size,
      marginLeft: 34,
      marginBottom: 34,
      marginTop: 26,
      marginRight: 12,
      x: { domain: [0, width], label: 'x (px) →', ticks: [0, 8, 16, 24, 32].filter((t) => t <= width) },
      y: { domain: [0, height], reverse: true, label: '↓ y (px)', ticks: [0, 8, 16, 24, 32].filter((t) => t <= height) },
      marks: [
        Plot.rect([{ x1: 0, x2: width, y1: 0, y2: height }], { x1: 'x1', x2: 'x2', y1: 'y1', y2: 'y2', fill: '#111' }),
        Plot.ruleX([width / 3, (2 * width) / 3], { stroke: '#666', strokeDasharray: '3 3' }),
        Plot.ruleY([height / 3, (2 * height) / 3], { stroke: '#666', strokeDasharray: '3 3' }),
        Plot.line(points, { x: 'x', y: 'y', z: 'colour', stroke: (d: TrackPoint) => rgb(d.colour), strokeWidth: 2 }),
        Plot.dot(points, { x: 'x', y: 'y', fill: (d: TrackPoint) => rgb(d.colour), r: 3, stroke: '#111', strokeWidth: 0.5 }),
        Plot.text(ends, { x: 'x', y: 'y', text: (d: TrackPoint) => String(d.frame + 1), dy: -9, fill: '#fff', fontSize: 11, fontWeight: 600 }),
      ],
    };
  };
}

@customElement('track-chart')
export class TrackChart extends LitElement {
  static styles = css`
    :host {
      display: grid;
      grid-template-columns: minmax(0, 22rem) minmax(0, 1fr);
      gap: 0.75rem 1.25rem;
      align-items: start;
    }
    @media (max-width: 44rem) {
      :host {
        grid-template-columns: minmax(0, 1fr);
      }
    }
    .table {
      overflow-x: auto;
    }
    table {
      border-collapse: collapse;
      font-size: 0.85rem;
      font-variant-numeric: tabular-nums;
      width: 100%;
    }
    th,
    td {
      text-align: left;
      padding: 0.25rem 0.5rem 0.25rem 0;
      border-bottom: 1px solid var(--rule);
      vertical-align: top;
    }
    th {
      font-weight: 600;
      color: var(--muted);
    }
    td.no {
      color: var(--error);
      font-weight: 600;
    }
    @media (max-width: 30rem) {
      /* a phone: each object's measurements as a list of label and value */
      thead {
        display: none;
      }
      tr,
      td {
        display: block;
      }
      td {
        display: flex;
        justify-content: space-between;
        gap: 0.75rem;
        border-bottom: 0;
        padding: 0.1rem 0;
      }
      td::before {
        content: attr(data-label);
        color: var(--muted);
        font-weight: 600;
      }
      tr {
        border-bottom: 1px solid var(--rule);
        padding: 0.3rem 0;
      }
    }
    .swatch {
      display: inline-block;
      width: 0.7rem;
      height: 0.7rem;
      border-radius: 50%;
      margin-right: 0.3rem;
      vertical-align: -0.05rem;
    }
    .empty,
    .note {
      margin: 0;
      font-size: 0.85rem;
      color: var(--muted);
    }
  `;

  @property({ attribute: false }) reading: Reading | null = null;

  private cache: { reading: Reading | null; points: TrackPoint[]; summary: TrackSummary[]; spec: ChartSpec | null } = { reading: null, points: [], summary: [], spec: null };

  /** The measurements shown, for tests. */
  get summary(): TrackSummary[] {
    this.ensure();
    return this.cache.summary;
  }

  private ensure() {
    if (this.cache.reading === this.reading) return;
    const r = this.reading;
    const points = r ? trackPoints(r) : [];
    this.cache = { reading: r, points, summary: r ? summarizeTracks(r) : [], spec: r ? pathSpec(points, r.width, r.height) : null };
  }

  private alt(): string {
    const s = this.cache.summary;
    if (!s.length) return 'No object was found in the clip.';
    return `Centroid paths in the ${this.reading!.width} × ${this.reading!.height} frame: ${s
      .map((t) => {
        const pts = this.cache.points.filter((p) => p.colour === t.colour);
        const a = pts[0], b = pts[pts.length - 1];
        return `${t.noun} from (${num(a.x)}, ${num(a.y)}) in frame ${a.frame + 1} to (${num(b.x)}, ${num(b.y)}) in frame ${b.frame + 1}`;
      })
      .join('; ')}.`;
  }

  render() {
    this.ensure();
    const r = this.reading;
    if (!r) return html`<p class="empty">No clip to measure yet.</p>`;
    const s = this.cache.summary;
    return html`
      <plot-chart .spec=${this.cache.spec} alt=${this.alt()}></plot-chart>
      <div class="table">
        ${s.length
          ? html`<table>
              <thead>
                <tr><th scope="col">Object</th><th scope="col">Found in</th><th scope="col">Moved (x, y)</th><th scope="col">Speed</th><th scope="col">Judge reads</th><th scope="col">Same shape and size</th></tr>
              </thead>
              <tbody>
                ${s.map(
                  (t) => html`<tr data-colour=${t.colour}>
                    <td data-label="Object"><span><span class="swatch" style="background:${rgb(t.colour)}"></span>${t.noun}</span></td>
                    <td data-label="Found in" class=${t.present < t.frames ? 'no' : ''}>${t.present} of ${t.frames} frames</td>
                    <td data-label="Moved (x, y)">${num(t.dx)}, ${num(t.dy)} px</td>
                    <td data-label="Speed">${num(t.speed)} px a frame</td>
                    <td data-label="Judge reads" class=${t.motion ? '' : 'no'}>${t.motion ? MOTION_WORDS[t.motion] : r.numFrames < 2 ? 'an image' : 'drifting: no clean motion'}</td>
                    <td data-label="Same shape and size" class=${t.consistent ? '' : 'no'}>${t.consistent ? 'yes' : 'no'}</td>
                  </tr>`,
                )}
              </tbody>
            </table>`
          : html`<p class="empty">The judge found no object.</p>`}
        ${s.length
          ? html`<p class="note" style="margin-top:0.4rem">
              Moved: net displacement from the first frame to the last, y down. Speed: mean distance between consecutive
              frames. The judge reads “moving” at 4 px or more along a direction (less than half of that across) and
              “staying still” within 2 px.
            </p>`
          : nothing}
        ${r.problems.length ? html`<p class="note" style="margin-top:0.5rem">The judge also says: ${r.problems.join('; ')}.</p>` : nothing}
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'track-chart': TrackChart;
  }
}
