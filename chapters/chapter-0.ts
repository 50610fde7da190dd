// Chapter 0: Diffusion in two dimensions. A 2-D data set (a spiral, two moons,
// or points the reader draws); the forward process as particles spreading into
// a Gaussian; the exact denoiser of the data set, E[x₀ | x_t], as a vector
// field; and DDPM or DDIM sampling with it, the particles flowing back along
// their paths. No weights: everything is computed from the data set itself
// (pipeline/lessons/toy2d.ts). Prose and wiring only.
import * as Plot from '@observablehq/plot';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, query } from 'lit/decorators.js';
import '../components/chapter-section';
import '../components/choice-picker';
import '../components/labelled-slider';
import '../components/live-cell';
import '../components/plot-chart';
import '../components/state-notice';
import type { Reference, TryThis, TryThisDetail } from '../components/chapter-section';
import type { LiveCell } from '../components/live-cell';
import { term } from '../components/notation';
import { CHART_COLOURS, type ChartOverlay, type ChartPointerDetail, type ChartSpec } from '../components/plot-chart';
import { controls, layout, prose } from '../components/styles';
import { UrlStateController } from '../components/url-state-controller';
import { makeSchedule } from '../pipeline/diffusion';
import {
  DATASETS_2D, DATA_EXTENT, IdealDenoiser, MAX_DRAWN_POINTS, SAMPLERS_2D, Sampler2D, VIEW_EXTENT,
  builtInDataset, decodePoints, denoiserField, distancesToData, encodePoints, noiseParticles, particleNoise, snapPoint,
  type Points2D,
} from '../pipeline/lessons/toy2d';
import { defineSchema, integer, oneOf, text, type StateOf } from '../pipeline/url-state';

const T = 1000;
/** Points in each built-in data set: few enough that memorising them shows. */
const DATA_POINTS = 250;
/** Particles in the forward figure (each a noised copy of a data point) and in the sampler. */
const FORWARD_PARTICLES = 500;
const SAMPLE_PARTICLES = 600;
/** Particles whose whole path is drawn. */
const TRAILS = 90;
const FIELD_CELLS = 17;
/** A sample this close to a training point "is" that point. */
const MEMORISED = 0.01;

export const chapter0Schema = defineSchema({
  data: oneOf(DATASETS_2D, 'spiral'),
  /** The reader's points (pipeline/lessons/toy2d.ts encodePoints). */
  points: text(4 * MAX_DRAWN_POINTS, ''),
  t: integer(0, T - 1, 60),
  field: oneOf(['on', 'off'], 'on'),
  seed: integer(0, 99_999, 1),
  sampler: oneOf(SAMPLERS_2D, 'ddim'),
  steps: integer(1, T, 50),
  /** The sampling step shown (0 = pure noise, steps = the samples). */
  at: integer(0, T, T),
});
export type Chapter0State = StateOf<typeof chapter0Schema>;

const schedule = makeSchedule({ betaSchedule: 'linear' });

const DATA_OPTIONS = [
  { value: 'spiral', label: 'Spiral' },
  { value: 'moons', label: 'Two moons' },
  { value: 'drawn', label: 'Draw your own' },
];
const SAMPLER_OPTIONS = [
  { value: 'ddim', label: 'DDIM', description: 'deterministic, η = 0' },
  { value: 'ddpm', label: 'DDPM', description: 'fresh noise at every step' },
];

const reducedMotion = () => typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
const f2 = (v: number) => v.toFixed(2);

interface SampleRun {
  key: string;
  path: Float32Array[];
  timesteps: Int32Array;
  onData: number;
  meanDistance: number;
}

/** A square chart of the plane [−3.5, 3.5]², with the data set as grey dots, optional extra marks, and where points may be drawn. */
function planeSpec(data: Points2D, extra: (width: number) => Plot.Markish[] = () => [], drawable = false): ChartSpec {
  const rows = Array.from({ length: data.n }, (_, i) => ({ x: data.xy[2 * i], y: data.xy[2 * i + 1] }));
  return ({ width }) => {
    const w = Math.min(width, 560);
    return {
      width: w,
      height: w,
      marginLeft: 30,
      marginBottom: 30,
      marginTop: 10,
      marginRight: 10,
      x: { domain: [-VIEW_EXTENT, VIEW_EXTENT], label: null, ticks: 7 },
      y: { domain: [-VIEW_EXTENT, VIEW_EXTENT], label: null, ticks: 7 },
      marks: [
        Plot.frame({ stroke: CHART_COLOURS.faint }),
        drawable
          ? Plot.rect([{ x1: -DATA_EXTENT, x2: DATA_EXTENT, y1: -DATA_EXTENT, y2: DATA_EXTENT }], {
              x1: 'x1', x2: 'x2', y1: 'y1', y2: 'y2', fill: CHART_COLOURS.accent, fillOpacity: 0.06, stroke: CHART_COLOURS.accent, strokeDasharray: '4 3',
            })
          : null,
        Plot.dot(rows, { x: 'x', y: 'y', r: 2.2, fill: CHART_COLOURS.data, fillOpacity: 0.6 }),
        ...extra(w),
      ],
    };
  };
}

const TRY_THIS: TryThis<Partial<Chapter0State>>[] = [
  {
    question: 'Sample with a single DDIM step. Where do all the particles go, and why there?',
    state: { data: 'spiral', sampler: 'ddim', steps: 1 },
  },
  {
    question: 'Draw three points and sample with 200 DDPM steps. What can the ideal denoiser make?',
    state: { data: 'drawn', points: encodePoints([-1, -0.8, 1, -0.8, 0, 1]), sampler: 'ddpm', steps: 200 },
  },
  {
    question: 'Use all 1,000 steps on the spiral. What share of the samples are training points? Is that a good generative model?',
    state: { data: 'spiral', sampler: 'ddim', steps: 1000 },
  },
];
const REFERENCES: Reference[] = [
  { title: 'Sohl-Dickstein et al. 2015, Deep Unsupervised Learning using Nonequilibrium Thermodynamics', href: 'https://arxiv.org/abs/1503.03585', note: 'where diffusion models began, with a 2-D spiral' },
  { title: 'Ho, Jain & Abbeel 2020, Denoising Diffusion Probabilistic Models', href: 'https://arxiv.org/abs/2006.11239', note: 'the DDPM sampler' },
  { title: 'Song, Meng & Ermon 2021, Denoising Diffusion Implicit Models', href: 'https://arxiv.org/abs/2010.02502', note: 'DDIM: deterministic, fewer steps' },
  { title: 'Karras et al. 2022, Elucidating the Design Space of Diffusion-Based Generative Models', href: 'https://arxiv.org/abs/2206.00364', note: 'the ideal denoiser of a finite data set' },
  { title: 'Kadkhodaie et al. 2024, Generalization in diffusion models arises from geometry-adaptive harmonic representations', href: 'https://arxiv.org/abs/2310.02557', note: 'when networks memorise, and when they generalise' },
  { title: 'Carlini et al. 2023, Extracting Training Data from Diffusion Models', href: 'https://arxiv.org/abs/2301.13188', note: 'memorisation in real image models' },
];

@customElement('chapter-0')
export class Chapter0 extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    css`
      .controls {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr));
        gap: 0.9rem 1.5rem;
        align-items: start;
        margin-bottom: 1rem;
      }
      .plane {
        max-width: 35rem;
      }
      /* controls beside the plane when the cell is wide enough, above it otherwise (they come first in reading order) */
      .split {
        display: grid;
        grid-template-columns: minmax(0, 1fr);
        gap: 0.5rem 1.5rem;
      }
      @container cell (min-width: 46rem) {
        .split {
          grid-template-columns: minmax(0, 33rem) minmax(14rem, 1fr);
          grid-template-areas: 'fig side';
          align-items: start;
        }
        .split > .side {
          grid-area: side;
        }
        .split > .fig {
          grid-area: fig;
        }
        .split .controls {
          grid-template-columns: minmax(0, 1fr);
        }
      }
      .cell-body {
        container: cell / inline-size;
      }
      .check {
        display: inline-flex;
        align-items: center;
        gap: 0.45rem;
        min-height: 2.25rem;
        cursor: pointer;
        font-size: 0.95rem;
      }
      .check input {
        width: 1.15rem;
        height: 1.15rem;
        accent-color: var(--accent);
      }
      .check input:focus-visible {
        outline: 3px solid var(--focus);
        outline-offset: 2px;
      }
      .keys {
        display: flex;
        flex-wrap: wrap;
        gap: 0.1rem 1rem;
        margin: 0 0 0.3rem;
        padding: 0;
        list-style: none;
        font-size: 0.88rem;
        max-width: none;
      }
      .keys li::before {
        content: '';
        display: inline-block;
        width: 0.6rem;
        height: 0.6rem;
        border-radius: 50%;
        margin-right: 0.35rem;
        vertical-align: 0.05em;
        background: var(--key);
      }
      .keys li.arrow::before {
        width: 0.9rem;
        height: 0.15rem;
        border-radius: 0;
        vertical-align: 0.2em;
      }
      .readout {
        font-variant-numeric: tabular-nums;
        font-size: 0.95rem;
        max-width: none;
      }
      .formula {
        font-size: 1.05rem;
        text-align: center;
        max-width: var(--measure);
        overflow-x: auto;
      }
    `,
  ];

  private url = new UrlStateController(this, chapter0Schema, 'c0');
  @query('#sampling-cell') private samplingCell!: LiveCell;

  private data: Points2D = { xy: new Float32Array(0), n: 0 };
  private dataKey = '';
  private dataProblems: string[] = [];
  private denoiser: IdealDenoiser | null = null;
  private eps: Float32Array = new Float32Array(0);
  private epsKey = '';
  private x0 = new Float32Array(2 * FORWARD_PARTICLES);
  private xt = new Float32Array(2 * FORWARD_PARTICLES);
  private forwardSpec: ChartSpec | null = null;
  private forwardSpecKey = '';
  private samplingSpec: ChartSpec | null = null;
  private samplingSpecKey = '';
  private run: SampleRun | null = null;
  private runKey = '';
  private progress = '';
  private animating = 0;
  private lastAdded: [number, number] | null = null;
  private drawNote = '';

  /** What the figures show, for tests: ᾱ_t, the forward particles (x₀, ε, x_t) and the sampler's path. */
  get figure() {
    const s = this.url.state;
    return {
      t: s.t,
      alphaBar: schedule.alphasCumprod[s.t],
      data: this.data,
      x0: this.x0,
      eps: this.eps,
      xt: this.xt,
      run: this.run,
      shownStep: this.shownStep(),
    };
  }

  get state(): Chapter0State {
    return this.url.state;
  }

  setState(partial: Partial<Chapter0State>) {
    this.url.set(partial);
  }

  // ---------------------------------------------------------------- derived values

  private ensureData() {
    const s = this.url.state;
    const key = s.data === 'drawn' ? `drawn:${s.points}` : s.data;
    if (key === this.dataKey) return;
    this.dataKey = key;
    this.dataProblems = [];
    if (s.data === 'drawn') {
      const { points, problems } = decodePoints(s.points);
      this.data = points;
      this.dataProblems = problems;
    } else {
      this.data = builtInDataset(s.data, DATA_POINTS);
    }
    this.denoiser = this.data.n > 0 ? new IdealDenoiser(this.data) : null;
    // each forward particle is a noised copy of a data point
    for (let j = 0; j < FORWARD_PARTICLES; j++) {
      const i = this.data.n > 0 ? j % this.data.n : 0;
      this.x0[2 * j] = this.data.n > 0 ? this.data.xy[2 * i] : 0;
      this.x0[2 * j + 1] = this.data.n > 0 ? this.data.xy[2 * i + 1] : 0;
    }
  }

  private ensureForwardSpec() {
    const s = this.url.state;
    const key = `${this.dataKey}|${s.t}|${s.field}`;
    if (key === this.forwardSpecKey && this.forwardSpec) return;
    this.forwardSpecKey = key;
    const denoiser = this.denoiser;
    const abar = schedule.alphasCumprod[s.t];
    const field = s.field === 'on' && denoiser ? denoiserField(denoiser, abar, FIELD_CELLS) : null;
    this.forwardSpec = planeSpec(this.data, (w) => {
      if (!field) return [];
      // arrows from each grid point towards the denoiser's guess x̂₀, at most one cell long
      const cell = (2 * VIEW_EXTENT) / FIELD_CELLS;
      const cellPx = (w - 40) / FIELD_CELLS;
      const rows = [];
      for (let k = 0; k < field.at.length / 2; k++) {
        const dx = field.predX0[2 * k] - field.at[2 * k], dy = field.predX0[2 * k + 1] - field.at[2 * k + 1];
        const d = Math.hypot(dx, dy);
        rows.push({
          x: field.at[2 * k],
          y: field.at[2 * k + 1],
          rotate: (Math.atan2(dx, dy) * 180) / Math.PI,
          length: 0.9 * cellPx * Math.min(1, d / cell),
        });
      }
      return [Plot.vector(rows, { x: 'x', y: 'y', rotate: 'rotate', length: 'length', anchor: 'start', stroke: CHART_COLOURS.field, strokeWidth: 1.3, r: 2.5 })];
    }, s.data === 'drawn');
  }

  private ensureSamplingSpec() {
    if (this.samplingSpecKey === this.dataKey && this.samplingSpec) return;
    this.samplingSpecKey = this.dataKey;
    this.samplingSpec = planeSpec(this.data);
  }

  private sampleKey(): string {
    const s = this.url.state;
    return `${this.dataKey}|${s.seed}|${s.sampler}|${s.steps}`;
  }

  protected willUpdate(_changed: PropertyValues<this>) {
    const s = this.url.state;
    this.ensureData();
    const epsKey = `${s.seed}`;
    if (epsKey !== this.epsKey) {
      this.eps = particleNoise(FORWARD_PARTICLES, s.seed);
      this.epsKey = epsKey;
    }
    noiseParticles(this.x0, this.eps, schedule.alphasCumprod[s.t], this.xt);
    this.ensureForwardSpec();
    this.ensureSamplingSpec();
    if (this.run && this.run.key !== this.sampleKey()) this.run = null;
  }

  protected firstUpdated() {
    this.dataset.ready = 'true';
  }

  protected updated() {
    const key = this.sampleKey();
    if (key !== this.runKey) {
      const initial = this.runKey === '';
      this.runKey = key;
      void this.sample(key, !initial);
    }
  }

  // ---------------------------------------------------------------- sampling

  private async sample(key: string, animate: boolean) {
    const s = this.url.state;
    const cell = this.samplingCell;
    if (!cell) return;
    cancelAnimationFrame(this.animating);
    this.animating = 0;
    if (this.data.n === 0) {
      this.run = null;
      cell.clearError();
      this.requestUpdate();
      return;
    }
    const data = this.data, denoiser = this.denoiser!;
    const result = await cell.run(async (signal) => {
      const sampler = new Sampler2D({ data, particles: SAMPLE_PARTICLES, seed: s.seed, sampler: s.sampler, steps: s.steps, schedule }, denoiser);
      let sliceStart = performance.now();
      while (sampler.step()) {
        if (performance.now() - sliceStart > 12) {
          this.progress = `sampling: step ${sampler.taken} of ${s.steps}…`;
          this.requestUpdate();
          await new Promise((done) => setTimeout(done, 0));
          if (signal.aborted) return null;
          sliceStart = performance.now();
        }
      }
      const dist = distancesToData(sampler.current, data);
      let onData = 0, sum = 0;
      for (const d of dist) {
        if (d < MEMORISED) onData++;
        sum += d;
      }
      return { key, path: sampler.path, timesteps: sampler.timesteps, onData, meanDistance: sum / dist.length };
    });
    this.progress = '';
    if (!result || key !== this.runKey) return;
    this.run = result;
    if (animate) this.play();
    else this.requestUpdate();
  }

  /** The sampling step on show (0 … steps). */
  private shownStep(): number {
    const s = this.url.state;
    return Math.min(s.at, s.steps);
  }

  /** Plays the particles flowing back, from noise to samples (at once when the reader prefers reduced motion). */
  private play() {
    const steps = this.url.state.steps;
    cancelAnimationFrame(this.animating);
    if (reducedMotion()) {
      this.url.set({ at: steps });
      return;
    }
    const duration = Math.min(4000, Math.max(1500, steps * 40));
    const start = performance.now();
    const tick = (now: number) => {
      const k = Math.min(steps, Math.round(((now - start) / duration) * steps));
      this.url.set({ at: k });
      this.animating = k < steps ? requestAnimationFrame(tick) : 0;
    };
    this.url.set({ at: 0 });
    this.animating = requestAnimationFrame(tick);
  }

  // ---------------------------------------------------------------- events

  private onTryThis(e: CustomEvent<TryThisDetail>) {
    this.url.clearProblems();
    this.url.set({ at: T, ...(e.detail.state as Partial<Chapter0State>) });
  }

  private addPoint(e: CustomEvent<ChartPointerDetail>) {
    const { x, y, phase } = e.detail;
    if (phase === 'up') {
      this.lastAdded = null;
      this.url.flush();
      return;
    }
    if (Math.abs(x) > DATA_EXTENT || Math.abs(y) > DATA_EXTENT) {
      this.drawNote = `Points go inside the data square, ±${DATA_EXTENT} on each axis; that one was outside.`;
      this.requestUpdate();
      return;
    }
    if (phase === 'move' && this.lastAdded && Math.hypot(x - this.lastAdded[0], y - this.lastAdded[1]) < 0.12) return;
    const { points } = decodePoints(this.url.state.points);
    if (points.n >= MAX_DRAWN_POINTS) {
      this.drawNote = `That is ${MAX_DRAWN_POINTS} points, the most a link can hold.`;
      this.requestUpdate();
      return;
    }
    const p = snapPoint(x, y);
    this.lastAdded = p;
    this.drawNote = '';
    this.url.set({ data: 'drawn', points: encodePoints([...points.xy, p[0], p[1]]) });
    if (phase === 'key') this.url.flush();
  }

  private editPoints(op: 'undo' | 'clear') {
    const { points } = decodePoints(this.url.state.points);
    this.drawNote = '';
    this.url.set({ points: op === 'clear' ? '' : encodePoints(points.xy.subarray(0, Math.max(0, 2 * (points.n - 1)))) });
  }

  // ---------------------------------------------------------------- rendering

  private renderForward() {
    const s = this.url.state;
    const abar = schedule.alphasCumprod[s.t];
    const drawn = s.data === 'drawn';
    const empty = this.data.n === 0;
    const overlay: ChartOverlay[] = empty ? [] : [{ type: 'points', xy: this.xt, fill: CHART_COLOURS.particles, r: 2.3, opacity: 0.75 }];
    const what = s.data === 'spiral' ? 'a spiral' : s.data === 'moons' ? 'two interleaving half circles' : `your ${this.data.n} points`;
    return html`
      <div class="split">
        <div class="side">
          <div class="controls">
            <choice-picker
              label="Data set"
              .options=${DATA_OPTIONS}
              .value=${s.data}
              @choice-change=${(e: CustomEvent<{ value: string }>) => this.url.set({ data: e.detail.value as Chapter0State['data'] })}
            ></choice-picker>
            <div>
              <label class="check">
                <input type="checkbox" .checked=${s.field === 'on'} @change=${(e: Event) => this.url.set({ field: (e.target as HTMLInputElement).checked ? 'on' : 'off' })} />
                Show the ideal denoiser's arrows
              </label>
            </div>
            <labelled-slider
              class="wide"
              label="Timestep t"
              min="0"
              max=${T - 1}
              number-box
              .value=${s.t}
              .format=${(v: number) => `t = ${v}, ᾱ = ${schedule.alphasCumprod[v].toFixed(3)}`}
              hint="Arrow keys step by 1, Page Up and Page Down by 100."
              @value-input=${(e: CustomEvent<{ value: number }>) => this.url.set({ t: e.detail.value })}
            ></labelled-slider>
          </div>
        </div>
        <div class="fig">
          <ul class="keys" aria-hidden="true">
            <li style="--key:${CHART_COLOURS.data}">data points (${this.data.n})</li>
            <li style="--key:${CHART_COLOURS.particles}">noised copies x<sub>t</sub></li>
            ${s.field === 'on' && !empty ? html`<li class="arrow" style="--key:${CHART_COLOURS.field}">towards E[x<sub>0</sub> | x<sub>t</sub>]</li>` : nothing}
          </ul>
          <div class="plane">
            <plot-chart
              id="forward-chart"
              .spec=${this.forwardSpec}
              .overlay=${overlay}
              ?pointer=${drawn}
              alt="The plane from −3.5 to 3.5 on both axes: ${what} in grey, and ${FORWARD_PARTICLES} noised copies at t = ${s.t}, where x_t keeps ${Math.round(Math.sqrt(abar) * 100)}% of x₀ and adds ${Math.round(Math.sqrt(1 - abar) * 100)}% of the noise${s.field === 'on' ? '; arrows point from each place to the ideal denoiser’s guess of where its point came from' : ''}."
              @chart-pointer=${this.addPoint}
            ></plot-chart>
          </div>
          ${drawn
            ? html`<div class="row">
                  <button type="button" @click=${() => this.editPoints('undo')} ?disabled=${empty}>Undo last point</button>
                  <button type="button" @click=${() => this.editPoints('clear')} ?disabled=${empty}>Clear</button>
                  <span class="muted">${this.data.n} of at most ${MAX_DRAWN_POINTS} points. Click or drag in the plot, or use the arrow keys and Enter.</span>
                </div>
                ${this.drawNote ? html`<p class="notice" role="status">${this.drawNote}</p>` : nothing}
                ${this.dataProblems.length ? html`<p class="notice" role="status">The points in the link could not all be read: ${this.dataProblems.join('; ')}.</p>` : nothing}`
            : nothing}
          ${empty
            ? html`<p class="notice" role="status" id="empty-data">
                No points yet: the denoiser needs a data set. Click or drag inside the square (±${DATA_EXTENT}), or focus the plot and press Enter.
              </p>`
            : nothing}
          <p class="readout">
            ${term('t')} = ${s.t}: ${term('xt')} = ${f2(Math.sqrt(abar))} · ${term('x0')} + ${f2(Math.sqrt(1 - abar))} · ${term('eps')}
          </p>
        </div>
      </div>
    `;
  }

  private renderSampling() {
    const s = this.url.state;
    const empty = this.data.n === 0;
    const run = this.run;
    const k = this.shownStep();
    const overlay: ChartOverlay[] = [];
    let where = '';
    if (run && !empty) {
      const upTo = Math.min(k, run.path.length - 1);
      const trails: Float32Array[] = [];
      for (let j = 0; j < TRAILS; j++) {
        const p = new Float32Array(2 * (upTo + 1));
        for (let i = 0; i <= upTo; i++) {
          p[2 * i] = run.path[i][2 * j];
          p[2 * i + 1] = run.path[i][2 * j + 1];
        }
        trails.push(p);
      }
      overlay.push({ type: 'paths', paths: trails, stroke: CHART_COLOURS.samples, opacity: 0.3, width: 1 });
      overlay.push({ type: 'points', xy: run.path[upTo], fill: CHART_COLOURS.samples, r: 2.3, opacity: 0.8 });
      where = upTo === 0 ? `pure noise, at t = ${run.timesteps[0]}` : upTo < run.timesteps.length ? `after ${upTo} step${upTo > 1 ? 's' : ''}, at t = ${run.timesteps[upTo]}` : 'the samples, after the last step';
    }
    const memo = run ? Math.round((100 * run.onData) / SAMPLE_PARTICLES) : 0;
    return html`
      <div class="split">
        <div class="side">
          <div class="controls">
            <choice-picker
              label="Sampler"
              .options=${SAMPLER_OPTIONS}
              .value=${s.sampler}
              @choice-change=${(e: CustomEvent<{ value: string }>) => this.url.set({ sampler: e.detail.value as Chapter0State['sampler'] })}
            ></choice-picker>
            <labelled-slider
              label="Sampling steps"
              min="1"
              max=${T}
              number-box
              .value=${s.steps}
              .format=${(v: number) => `${v} step${v > 1 ? 's' : ''}`}
              @value-change=${(e: CustomEvent<{ value: number }>) => this.url.set({ steps: e.detail.value })}
            ></labelled-slider>
            <div class="row">
              <labelled-slider
                label="Seed"
                min="0"
                max="99999"
                number-box
                .value=${s.seed}
                .format=${(v: number) => `#${v}`}
                @value-change=${(e: CustomEvent<{ value: number }>) => this.url.set({ seed: e.detail.value })}
                style="flex: 1 1 12rem"
              ></labelled-slider>
              <button type="button" @click=${() => this.url.set({ seed: (s.seed + 1) % 100_000 })}>New seed</button>
            </div>
            <div class="row wide">
              <labelled-slider
                label="Show step"
                min="0"
                max=${s.steps}
                .value=${k}
                .format=${(v: number) => `${v} of ${s.steps}`}
                ?disabled=${!run}
                @value-input=${(e: CustomEvent<{ value: number }>) => {
                  cancelAnimationFrame(this.animating);
                  this.url.set({ at: e.detail.value });
                }}
                style="flex: 1 1 16rem"
              ></labelled-slider>
              <button type="button" ?disabled=${!run} @click=${() => this.play()}>Play from noise</button>
            </div>
          </div>
          ${empty ? html`<p class="notice" role="status">Nothing to sample: draw some points above first.</p>` : nothing}
        </div>
        <div class="fig">
          <ul class="keys" aria-hidden="true">
            <li style="--key:${CHART_COLOURS.data}">data points</li>
            <li style="--key:${CHART_COLOURS.samples}">particles, with the paths of ${TRAILS}</li>
          </ul>
          <div class="plane">
            <plot-chart
              id="sampling-chart"
              .spec=${this.samplingSpec}
              .overlay=${overlay}
              alt="${SAMPLE_PARTICLES} particles sampled with ${s.sampler.toUpperCase()} in ${s.steps} steps from seed ${s.seed}, shown ${where || 'once computed'}${run ? `; at the end, ${memo}% of them lie within ${MEMORISED} of a training point` : ''}."
            ></plot-chart>
          </div>
          <p class="readout" id="sampling-readout" data-on-data=${run?.onData ?? ''}>
            ${this.progress
              ? this.progress
              : run
                ? html`Showing ${where}. At the end, <strong>${run.onData} of ${SAMPLE_PARTICLES}</strong> samples (${memo}%) lie within
                    ${MEMORISED} of a training point; on average the nearest one is ${run.meanDistance.toFixed(3)} away.`
                : ''}
          </p>
        </div>
      </div>
    `;
  }

  render() {
    return html`
      <chapter-section .tryThis=${TRY_THIS} .references=${REFERENCES} @try-this=${this.onTryThis}>
        <state-notice .messages=${this.url.messages()}></state-notice>
        <p>
          The whole idea of diffusion fits in a plane. Here the “data set” is a few hundred points in two
          dimensions, and a generative model should make new points that look like them. Diffusion gets there
          backwards: destroying data is easy (add noise), so learn to remove a little noise at a time, then
          start from pure noise and walk back to data.
        </p>
        <h3>Forward: the points spread out</h3>
        <p>
          Each point ${term('x0')} gets its own Gaussian noise ${term('eps')}. At timestep ${term('t')} it sits
          at ${term('xt')} = √${term('alphaBar')} · ${term('x0')} + √(1 − ${term('alphaBar')}) · ${term('eps')},
          with the linear schedule of <a href="#forward-noising">chapter 1</a> (${term('T')} = 1000). Move
          ${term('t')}: the shape blurs, shrinks towards the origin and spreads into a round cloud, the standard
          normal distribution, where every data set ends up.
        </p>
        <live-cell label="The forward process, and the ideal denoiser's field"><div class="cell-body">${this.renderForward()}</div></live-cell>
        <h3>The ideal denoiser</h3>
        <p>
          Given only ${term('xt')}, which point did it come from? For a fixed data set Bayes' rule answers
          exactly. Training point d<sub>i</sub> is the origin with a probability proportional to how likely its
          noise would be, and the best guess in squared error is the weighted average of the points:
        </p>
        <p class="formula">
          E[${term('x0')} | ${term('xt')}] = Σ<sub>i</sub> w<sub>i</sub> d<sub>i</sub>, &nbsp; w = softmax<sub>i</sub>(−‖${term('xt')} − √${term('alphaBar')} d<sub>i</sub>‖² / 2(1 − ${term('alphaBar')}))
        </p>
        <p>
          The arrows point from each place in the plane towards that guess. At small ${term('t')} the softmax
          picks the nearest training point, and the arrows converge on single dots; at large ${term('t')}
          every point is about as likely, and all arrows point at the data's mean. This is the function a
          diffusion model is trained to be: its loss, the squared error of the guess, is smallest exactly here.
        </p>
        <h3>Backward: sampling</h3>
        <p>
          Sampling runs the other way. Start with particles drawn from N(0, I) at ${term('t')} = 999, ask the
          denoiser for its guess x̂<sub>0</sub>, and move part of the way towards it, to the next, smaller
          timestep. DDPM adds fresh noise at every step; DDIM (η = 0) does not, so its paths are smooth and
          the same seed always gives the same samples. The sampler visits the steps you ask for, evenly spaced
          from 999 down (diffusers' “trailing” spacing).
        </p>
        <live-cell id="sampling-cell" label="Sampling with the ideal denoiser"><div class="cell-body">${this.renderSampling()}</div></live-cell>
        <h3>Why this is not yet a generative model</h3>
        <p>
          The ideal denoiser is perfect for its data set, and that is the problem: with enough steps every
          sample lands on a training point. It has memorised the data, and can only give back what it was
          shown. With few steps the last step stops at a noisy ${term('t')}, where the guess still averages a
          few neighbours, so samples fall between close points, along the shape but never anywhere new.
        </p>
        <p>
          A neural network trained with the same loss cannot represent this function exactly: it is smooth,
          has limited capacity, and sees each training point only through noisy copies. What it learns is a
          smoothed denoiser whose samples fill in the shape between the training points: it generalises. With
          enough data for its size, networks trained on different halves of a data set learn nearly the same
          denoiser (Kadkhodaie et al. 2024); with too little data, or with images repeated many times, real
          models do reproduce training images (Carlini et al. 2023). The models in the next chapters are such
          networks, trained on the Shapes World.
        </p>
      </chapter-section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chapter-0': Chapter0;
  }
}
