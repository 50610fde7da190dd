// <sampling-2d-figure>: DDPM or DDIM sampling with the ideal denoiser of the
// data set: 600 particles from N(0, I) at t = 999 flow back to data, the paths
// of 90 drawn, the step shown chosen with a slider or played from noise; and how
// many samples landed on a training point. The sampler runs in slices on the
// main thread whenever its key (data set, seed, sampler, steps) changes.
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../../components/widgets/choice-picker';
import '../../components/widgets/labelled-slider';
import '../../components/shell/live-cell';
import '../../components/charts/plot-chart';
import '../../components/widgets/seed-control';
import { FigureRunController } from '../../components/figure/figure-run-controller';
import { setFigureState } from '../../components/figure/figure-state';
import type { LiveCell } from '../../components/shell/live-cell';
import { planeSpec } from '../../components/charts/plane-charts';
import { CHART_COLOURS, type ChartOverlay, type ChartSpec } from '../../components/charts/plot-chart';
import type { SeedDetail } from '../../components/widgets/seed-control';
import { controls, layout, prose } from '../../components/styles';
import { Sampler2D, distancesToData } from '../../pipeline/lessons/toy2d';
import { chapter0Styles, MEMORISED, SAMPLE_PARTICLES, schedule, T, TRAILS, type Chapter0State, type DataSet } from './state';
import { prefersReducedMotion } from '../../components/styles/motion';

const SAMPLER_OPTIONS = [
  { value: 'ddim', label: 'DDIM', description: 'deterministic, η = 0' },
  { value: 'ddpm', label: 'DDPM', description: 'fresh noise at every step' },
];


/** A finished run of the sampler: every step's particles, the timesteps visited, and how many samples are training points. */
export interface SampleRun {
  key: string;
  path: Float32Array[];
  timesteps: Int32Array;
  onData: number;
  meanDistance: number;
}

@customElement('sampling-2d-figure')
export class Sampling2dFigure extends LitElement {
  static styles = [prose, controls, layout, chapter0Styles];

  @property({ attribute: false }) state!: Chapter0State;
  /** The data set of the state (the chapter's; the forward figure gets the same). */
  @property({ attribute: false }) dataSet!: DataSet;

  /** The run for the current key, once made (null while sampling, or with no data). */
  run: SampleRun | null = null;
  private progress = '';
  private animating = 0;
  /** Whether a run has started: the first result is shown at once, later ones play from noise. */
  private sampledBefore = false;
  private spec: { key: string; spec: ChartSpec } | null = null;
  // Runs at once whenever the key changes, in view or not (the toy costs little): the figure starts each run
  // itself (auto 'off').
  private readonly runs = new FigureRunController(this, {
    auto: 'off',
    key: () => (this.state && this.dataSet ? this.sampleKey() : null),
    run: (key, current) => this.sample(key, current),
  });

  /** The sampling step on show (0 … steps). */
  get shownStep(): number {
    return Math.min(this.state.at, this.state.steps);
  }

  private set(partial: Partial<Chapter0State>) {
    setFigureState(this, partial);
  }

  private sampleKey(): string {
    const s = this.state;
    return `${this.dataSet.key}|${s.seed}|${s.sampler}|${s.steps}`;
  }

  protected willUpdate(_changed: PropertyValues<this>) {
    if (this.spec?.key !== this.dataSet.key) this.spec = { key: this.dataSet.key, spec: planeSpec(this.dataSet.points) };
    if (this.run && this.run.key !== this.sampleKey()) this.run = null;
  }

  protected updated() {
    if (this.runs.startedKey !== this.sampleKey()) void this.runs.ensure();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    cancelAnimationFrame(this.animating);
    this.animating = 0;
  }

  private async sample(key: string, current: () => boolean) {
    const s = this.state;
    const animate = this.sampledBefore;
    this.sampledBefore = true;
    const cell = this.renderRoot.querySelector<LiveCell>('live-cell#sampling-cell');
    if (!cell) return;
    cancelAnimationFrame(this.animating);
    this.animating = 0;
    const data = this.dataSet.points, denoiser = this.dataSet.denoiser;
    if (data.n === 0 || !denoiser) {
      this.run = null;
      cell.clearError();
      this.requestUpdate();
      return;
    }
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
    if (!result || !current()) return;
    this.run = result;
    if (animate) this.play();
    else this.requestUpdate();
  }

  /** Plays the particles flowing back, from noise to samples (at once when the reader prefers reduced motion). */
  play() {
    const steps = this.state.steps;
    cancelAnimationFrame(this.animating);
    if (prefersReducedMotion()) {
      this.set({ at: steps });
      return;
    }
    const duration = Math.min(4000, Math.max(1500, steps * 40));
    const start = performance.now();
    const tick = (now: number) => {
      const k = Math.min(steps, Math.round(((now - start) / duration) * steps));
      this.set({ at: k });
      this.animating = k < steps ? requestAnimationFrame(tick) : 0;
    };
    this.set({ at: 0 });
    this.animating = requestAnimationFrame(tick);
  }

  render() {
    const s = this.state;
    const empty = this.dataSet.points.n === 0;
    const run = this.run;
    const k = this.shownStep;
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
    return html`<live-cell id="sampling-cell" label="Sampling with the ideal denoiser"><div class="cell-body">
      <div class="split">
        <div class="side">
          <div class="controls">
            <choice-picker
              label="Sampler"
              .options=${SAMPLER_OPTIONS}
              .value=${s.sampler}
              @choice-change=${(e: CustomEvent<{ value: string }>) => this.set({ sampler: e.detail.value as Chapter0State['sampler'] })}
            ></choice-picker>
            <labelled-slider
              label="Sampling steps"
              min="1"
              max=${T}
              number-box
              .value=${s.steps}
              .format=${(v: number) => `${v} step${v > 1 ? 's' : ''}`}
              @value-change=${(e: CustomEvent<{ value: number }>) => this.set({ steps: e.detail.value })}
            ></labelled-slider>
            <seed-control
              .value=${s.seed}
              .format=${(v: number) => `#${v}`}
              basis="12rem"
              @seed-change=${(e: CustomEvent<SeedDetail>) => this.set({ seed: e.detail.value })}
            ></seed-control>
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
                  this.set({ at: e.detail.value });
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
              .spec=${this.spec!.spec}
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
    </div></live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sampling-2d-figure': Sampling2dFigure;
  }
}
