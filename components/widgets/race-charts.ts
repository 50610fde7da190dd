// <race-charts>: several denoisers over the same seeds, as a race. Two charts
// share their x axis (samples made so far, up to the race's length, so the
// lines grow across the chart as the race runs): the pass rate so far and the
// seconds of denoising so far, one line a model. Under them each model's
// samples as small pictures with the judge's mark, and its standing in words
// (passes of n, the rate with its 95 % interval, the time).
//
//   <race-charts .models=${[{ name: 'unet', label: 'U-Net', colour: '#1a5fb4' }, …]}
//       .seeds=${[0, 1, …, 15]} .samples=${[{ model: 'unet', seed: 0, pass: true, ms: 212, frames }]}></race-charts>
import * as Plot from '@observablehq/plot';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import './pixel-view';
import '../charts/plot-chart';
import type { ChartSpec } from '../charts/plot-chart';
import { raceSeries, raceStandings, type RaceSample, type RaceStanding } from '../../pipeline/lessons/denoiser-duel';

export interface RaceModel {
  name: string;
  label: string;
  colour: string;
}

export interface RaceEntry extends RaceSample {
  /** The sample, RGB bytes (H, W, 3) of its first frame or all of them. */
  frames?: Uint8Array;
}

const pct = (v: number) => `${Math.round(v * 100)} %`;
const secs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);

@customElement('race-charts')
export class RaceCharts extends LitElement {
  static styles = css`
    :host {
      display: block;
      min-width: 0;
    }
    .charts {
      display: grid;
      grid-template-columns: repeat(2, minmax(0, 1fr));
      gap: 1rem 1.5rem;
    }
    @media (max-width: 44rem) {
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
      gap: 0.1rem 1rem;
      margin: 0 0 0.4rem;
      padding: 0;
      list-style: none;
      font-size: 0.85rem;
    }
    .keys li::before {
      content: '';
      display: inline-block;
      width: 1.1rem;
      height: 0;
      margin-right: 0.35rem;
      vertical-align: middle;
      border-top: 3px solid var(--key);
    }
    .keys li.ring::after {
      content: '○';
      color: var(--key);
      font-weight: 700;
      margin-left: 0.25rem;
    }
    .model {
      margin-top: 0.9rem;
    }
    .standing {
      margin: 0 0 0.3rem;
      font-size: 0.9rem;
      font-variant-numeric: tabular-nums;
    }
    .standing strong {
      color: var(--key);
    }
    .thumbs {
      display: grid;
      grid-template-columns: repeat(var(--n, 16), minmax(0, 1fr));
      gap: 3px;
      max-width: 48rem;
    }
    @media (max-width: 36rem) {
      .thumbs {
        grid-template-columns: repeat(8, minmax(0, 1fr));
      }
    }
    .thumbs figure {
      margin: 0;
      min-width: 0;
    }
    .thumbs pixel-view {
      --pixel-view-size: 100%;
      display: block;
    }
    .thumbs .todo {
      aspect-ratio: 1;
      border-radius: 0.25rem;
      background: #e6e6e1;
    }
    .thumbs figcaption {
      font-size: 0.7rem;
      text-align: center;
      line-height: 1.2;
    }
    .pass {
      color: var(--accent-ink);
      font-weight: 600;
    }
    .fail {
      color: var(--error);
      font-weight: 600;
    }
  `;

  @property({ attribute: false }) models: readonly RaceModel[] = [];
  /** Every seed of the race, in order (the charts' x axis runs to their number). */
  @property({ attribute: false }) seeds: readonly number[] = [];
  @property({ attribute: false }) samples: readonly RaceEntry[] = [];

  /** Each model's standing, for tests. */
  standings: RaceStanding[] = [];
  private rateSpec: ChartSpec | null = null;
  private timeSpec: ChartSpec | null = null;

  protected willUpdate(changed: PropertyValues<this>) {
    if (!(changed.has('samples') || changed.has('models') || changed.has('seeds'))) return;
    const names = this.models.map((m) => m.name);
    this.standings = raceStandings(this.samples, names);
    const colour = Object.fromEntries(this.models.map((m) => [m.name, m.colour]));
    const series = raceSeries(this.samples, names);
    const n = Math.max(2, this.seeds.length, ...series.map((s) => s.n));
    const maxSeconds = Math.max(0.5, ...series.map((s) => s.seconds));
    const common = (width: number) => ({
      width,
      height: 200,
      marginLeft: 44,
      marginBottom: 36,
      x: { domain: [1, n], label: 'samples made →', labelAnchor: 'right' as const, ticks: Math.min(n, Math.max(3, Math.floor(width / 60))) },
    });
    // the first model's dots are rings, the others' discs inside them: where the lines meet, both stay visible
    const first = names[0];
    const lines = (y: 'rate' | 'seconds') => [
      Plot.line(series, { x: 'n', y, z: 'model', stroke: (d: { model: string }) => colour[d.model], strokeWidth: 2.5 }),
      Plot.dot(series.filter((d) => d.model === first), { x: 'n', y, stroke: colour[first], strokeWidth: 2, fill: 'white', r: 5.5 }),
      Plot.dot(series.filter((d) => d.model !== first), { x: 'n', y, fill: (d: { model: string }) => colour[d.model], r: 3 }),
    ];
    this.rateSpec = ({ width }) => ({
      ...common(width),
      y: { domain: [0, 1], label: '↑ pass rate so far', grid: true, tickFormat: (v: number) => pct(v) },
      marks: [Plot.ruleY([0]), ...lines('rate')],
    });
    this.timeSpec = ({ width }) => ({
      ...common(width),
      y: { domain: [0, maxSeconds * 1.05], label: '↑ seconds of denoising so far', grid: true },
      marks: [Plot.ruleY([0]), ...lines('seconds')],
    });
  }

  private alt(kind: 'rate' | 'time'): string {
    const parts = this.standings.map((s) => {
      const label = this.models.find((m) => m.name === s.model)?.label ?? s.model;
      return kind === 'rate' ? `${label}: ${s.passed} of ${s.n} passed (${pct(s.rate)})` : `${label}: ${secs(s.ms)} for ${s.n} samples`;
    });
    return `${kind === 'rate' ? 'Pass rate' : 'Seconds of denoising'} so far against samples made, out of ${this.seeds.length}. ${parts.join('; ')}.`;
  }

  render() {
    if (!this.models.length) return nothing;
    return html`
      <ul class="keys" aria-hidden="true">
        ${this.models.map((m, i) => html`<li class=${i === 0 ? 'ring' : ''} style="--key: ${m.colour}">${m.label}</li>`)}
      </ul>
      <div class="charts">
        <div>
          <h4>Pass rate so far</h4>
          <plot-chart id="race-rate" .spec=${this.rateSpec} alt=${this.alt('rate')}></plot-chart>
        </div>
        <div>
          <h4>Time spent denoising so far</h4>
          <plot-chart id="race-time" .spec=${this.timeSpec} alt=${this.alt('time')}></plot-chart>
        </div>
      </div>
      ${this.models.map((m, i) => {
        const s = this.standings[i];
        return html`<div class="model" data-model=${m.name} style="--key: ${m.colour}">
          <p class="standing">
            <strong>${m.label}</strong>:
            ${s && s.n
              ? html`${s.passed} of ${s.n} pass (${pct(s.rate)}; 95 % interval ${pct(s.ci95[0])}–${pct(s.ci95[1])}), ${secs(s.ms)} of denoising, ${secs(s.ms / s.n)} a sample.`
              : 'no sample yet.'}
          </p>
          <div class="thumbs" style="--n: ${this.seeds.length}" role="group" aria-label="${m.label}'s samples">
            ${this.seeds.map((seed) => {
              const e = this.samples.find((x) => x.model === m.name && x.seed === seed);
              return html`<figure data-seed=${seed}>
                ${e?.frames
                  ? html`<pixel-view .rgb=${e.frames} alt="${m.label}, seed ${seed}: ${e.pass ? 'passes' : 'fails'}"></pixel-view>`
                  : html`<div class="todo" role="img" aria-label="${m.label}, seed ${seed}: not made yet"></div>`}
                <figcaption>${e ? html`<span class=${e.pass ? 'pass' : 'fail'}>${e.pass ? '✓' : '✗'}</span>` : html`&nbsp;`}</figcaption>
              </figure>`;
            })}
          </div>
        </div>`;
      })}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'race-charts': RaceCharts;
  }
}
