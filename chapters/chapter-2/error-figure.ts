// <error-figure>: how good the DiT is at each t. World images whose x₀ is
// known are noised to 25 timesteps with a known ε, and the DiT's ε̂ and x̂₀ are
// compared with both, with their captions and with the empty prompt
// (pipeline/lessons/denoiser-error.ts); the sampler figure's step is marked on
// the chart (`runStep`, from the chapter). Measured the first time it is seen,
// after the figures above it; again on Measure.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../../components/widgets/choice-picker';
import '../../components/shell/live-cell';
import '../../components/widgets/pixel-view';
import '../../components/charts/plot-chart';
import '../../components/widgets/seed-control';
import { ERROR_KEYS, errorSpec } from '../../components/charts/denoise-charts';
import { FigureRunController } from '../../components/figure/figure-run-controller';
import { setFigureState } from '../../components/figure/figure-state';
import { QueueSeat, type RunQueue } from '../../components/figure/run-queue';
import { missingModels } from '../../components/figure/sampling';
import type { LiveCell } from '../../components/shell/live-cell';
import type { ModelController } from '../../components/controllers/model-controller';
import type { ChartOverlay } from '../../components/charts/plot-chart';
import type { SeedDetail } from '../../components/widgets/seed-control';
import { controls, layout, prose } from '../../components/styles';
import { controlGrid, sampling } from '../../components/styles/sampling';
import { ERROR_TIMESTEPS, measureDenoiserError, type DenoiserError, type ErrorRow } from '../../pipeline/lessons/denoiser-error';
import type { Manifest } from '../../pipeline/runtime/manifest';
import { chapter2Styles, ditAlphas, ditSettings, ERROR_MODELS, fmt, missingNotice, MODEL, seconds, type Chapter2State } from './state';
import type { StepShown } from './sampler-figure';

export interface ErrorRun {
  images: number;
  world: number;
  rows: ErrorRow[];
  result: DenoiserError | null;
  running: boolean;
  ms: number;
}

@customElement('error-figure')
export class ErrorFigure extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    controlGrid,
    sampling,
    chapter2Styles,
    css`
      .keys {
        display: flex;
        flex-wrap: wrap;
        gap: 0.1rem 0.9rem;
        margin: 0 0 0.2rem;
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
        border-top: 2.5px var(--dash, solid) var(--key);
      }
      .images {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem;
        margin: 0.5rem 0 0;
      }
      .images pixel-view {
        --pixel-view-size: 2.5rem;
      }
    `,
  ];

  @property({ attribute: false }) state!: Chapter2State;
  @property({ attribute: false }) models!: ModelController;
  @property({ attribute: false }) manifest: Manifest | null = null;
  @property({ attribute: false }) queue: RunQueue | null = null;
  /** The step the sampler figure shows (marked on the chart), or null. */
  @property({ attribute: false }) runStep: StepShown | null = null;

  /** The measurement shown (the newest). */
  errors: ErrorRun | null = null;
  /** Asked for (a button, a test): runs at once, not waiting for the figures above. */
  private asked = false;
  private readonly seat = new QueueSeat(this, 'error', () => !!this.errors?.running);
  private readonly runs = new FigureRunController(this, {
    auto: 'once',
    rootMargin: '200px 0px',
    staysInView: true,
    key: () => (this.state && this.manifest && !missingModels(this.manifest, ERROR_MODELS).length ? `${this.state.images}|${this.state.world}` : null),
    run: (_key, current) => (this.asked ? this.measure() : this.seat.turn(() => (current() ? this.measure() : undefined))),
  });

  /** Measures the current settings unless that measurement has started: resolves when it ends. */
  ensure(): Promise<unknown> {
    this.asked = true;
    return this.runs.ensure();
  }

  /** Measures the current settings now (the Measure button). */
  start(): Promise<unknown> {
    this.asked = true;
    return this.runs.retry();
  }

  private cell(): LiveCell | null {
    return this.renderRoot.querySelector<LiveCell>('live-cell#error');
  }

  private set(partial: Partial<Chapter2State>) {
    setFigureState(this, partial);
  }

  /** World images noised to each t, the denoiser's ε̂ and x̂₀ against the truth. */
  private async measure(): Promise<void> {
    const cell = this.cell();
    if (!cell || missingModels(this.manifest, ERROR_MODELS).length) return;
    const s = this.state;
    const run: ErrorRun = { images: Number(s.images), world: s.world, rows: [], result: null, running: true, ms: 0 };
    this.errors = run;
    this.requestUpdate();
    const t0 = performance.now();
    const result = await this.models.runTask(cell, ({ runner, signal }) =>
      measureDenoiserError(runner, { model: MODEL, images: run.images, worldSeed: run.world }, {
        signal,
        onRow: (row) => {
          if (this.errors !== run) return;
          run.rows = [...run.rows, row];
          this.requestUpdate();
        },
      }),
    );
    if (this.errors !== run) return;
    run.running = false;
    run.result = result ?? null;
    run.ms = performance.now() - t0;
    this.requestUpdate();
  }

  /** The chart of the rows so far (made again only when rows arrive). */
  private errorChart() {
    const e = this.errors!;
    return this.runs.memo('chart', e.rows, () => errorSpec(e.rows, ditSettings(this.manifest)?.numTrainTimesteps ?? 1000));
  }

  private renderBody() {
    const s = this.state;
    const e = this.errors;
    const stale = e && !e.running && (e.images !== Number(s.images) || e.world !== s.world);
    const st = this.runStep;
    const overlay: ChartOverlay[] = st ? [{ type: 'ruleX', x: st.timestep, label: `the run's step ${st.step}` }] : [];
    const rows = e?.rows ?? [];
    const at = (t: number) => rows.find((r) => r.t === t);
    const lo = at(10), hi = at(950);
    const abar0 = ditAlphas(this.manifest)?.abar[0];
    return html`
      <div class="controls">
        <choice-picker
          label="World images"
          .options=${['4', '8', '16'].map((v) => ({ value: v, label: v }))}
          .value=${s.images}
          @choice-change=${(ev: CustomEvent<{ value: string }>) => this.set({ images: ev.detail.value as Chapter2State['images'] })}
        ></choice-picker>
        <seed-control
          live
          label="World seed"
          .value=${s.world}
          .format=${(v: number) => `images #${v}–${v + Number(s.images) - 1}`}
          @seed-change=${(ev: CustomEvent<SeedDetail>) => this.set({ world: ev.detail.value })}
          ><button slot="button" type="button" class="run" id="measure" @click=${() => void this.start()}>Measure</button></seed-control
        >
      </div>
      ${stale ? html`<p class="notice" role="status" id="error-stale">The settings changed: press Measure to measure them.</p>` : nothing}
      ${e
        ? html`
            <p class="status" id="error-status" data-state=${e.running ? 'running' : e.result ? 'done' : 'idle'}>
              ${e.running
                ? `Measuring: ${rows.length} of ${ERROR_TIMESTEPS.length} timesteps…`
                : e.result
                  ? `${e.images} world images (seeds ${e.world}–${e.world + e.images - 1}), noise seed ${e.world}, ${rows.length} timesteps: ${rows.length} denoiser calls of ${2 * e.images} in ${seconds(e.ms)}.`
                  : 'This measurement did not finish.'}
            </p>
            ${e.result
              ? html`<div class="images" aria-label="The world images measured on">
                  ${e.result.captions.map((c, i) => html`<pixel-view .rgb=${e.result!.frames.subarray(i * 3072, (i + 1) * 3072)} alt=${c} title=${c}></pixel-view>`)}
                </div>`
              : nothing}
            <div class="chart">
              <ul class="keys">
                ${ERROR_KEYS.map((key) => html`<li style="--key:${key.colour};--dash:${key.dashed ? 'dashed' : 'solid'}">${key.what}</li>`)}
              </ul>
              <plot-chart
                id="error-chart"
                .spec=${this.errorChart()}
                .overlay=${overlay}
                alt=${`Mean squared error of the DiT's predictions against t, on ${e.images} world images, log scale. ${
                  lo && hi
                    ? `ε̂ with the caption: ${fmt(lo.epsCaption)} at t = 10, ${fmt(hi.epsCaption)} at t = 950. x̂₀ with the caption: ${fmt(lo.x0Caption)} at t = 10, ${fmt(hi.x0Caption)} at t = 950; with the empty prompt ${fmt(hi.x0Empty)} at t = 950.`
                    : `${rows.length} timesteps measured so far.`
                }`}
              ></plot-chart>
            </div>
            ${lo && hi
              ? html`<p class="readout" id="error-readout">
                  At <span class="math">t</span> = 10, ε̂ is off by ${fmt(lo.epsCaption)} (mean squared) and x̂₀ by ${fmt(lo.x0Caption)};
                  at <span class="math">t</span> = 950, ε̂ by ${fmt(hi.epsCaption)} and x̂₀ by ${fmt(hi.x0Caption)}
                  (${fmt(hi.x0Empty)} with the empty prompt).${abar0 !== undefined ? html` At <span class="math">t</span> = 0 the noise is only √(1 − ᾱ<sub>0</sub>) = ${fmt(Math.sqrt(1 - abar0), 4)} of x<sub>t</sub>.` : nothing}
                </p>`
              : nothing}
          `
        : nothing}
    `;
  }

  render() {
    return html`<live-cell id="error" label="The denoiser’s error against t, measured on world images" @cell-retry=${() => queueMicrotask(() => void this.start())}>
      ${missingNotice(this.manifest, ERROR_MODELS)} ${this.renderBody()}
    </live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'error-figure': ErrorFigure;
  }
}
