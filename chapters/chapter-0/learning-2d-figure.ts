// <learning-2d-figure>: a small network (pipeline/lessons/mlp2d.ts) learns the
// denoiser of the chapter's data set, live, in a worker of the page
// (./learning-run.ts): the loss curve against the ideal denoiser's loss, the
// network's field beside the ideal denoiser's at one timestep, and samples of
// each from the same starting noise, with how many land on a training point.
// The state (seed, steps trained, the fields' t) is in the URL; a link trains
// a fresh network to the same step, so it shows the same weights.
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../../components/widgets/labelled-slider';
import '../../components/shell/live-cell';
import '../../components/charts/plot-chart';
import '../../components/widgets/seed-control';
import { FigureRunController } from '../../components/figure/figure-run-controller';
import { setFigureState } from '../../components/figure/figure-state';
import type { LiveCell } from '../../components/shell/live-cell';
import { fieldPlaneSpec } from '../../components/charts/plane-charts';
import { binLosses, lossSpec } from '../../components/charts/learning-charts';
import { CHART_COLOURS, type ChartOverlay, type ChartSpec } from '../../components/charts/plot-chart';
import type { SeedDetail } from '../../components/widgets/seed-control';
import { controls, layout, prose } from '../../components/styles';
import { prefersReducedMotion } from '../../components/styles/motion';
import { MlpDenoiser } from '../../pipeline/lessons/mlp2d';
import { COMPARE_PARTICLES, COMPARE_STEPS, TRAIN_BATCH, TRAIN_STEPS_MAX, smoothedLoss } from '../../pipeline/lessons/mlp2d-train';
import { denoiserField } from '../../pipeline/lessons/toy2d';
import { LearningRun, type LearningView, type SampleSet } from './learning-run';
import { chapter0Styles, FIELD_CELLS, MEMORISED, schedule, T, type Chapter0State, type DataSet } from './state';

/** How often the URL follows the steps while training (ms). */
const WRITE_EVERY_MS = 1000;
const n0 = (v: number) => v.toLocaleString('en-US');
const pct = (s: SampleSet) => Math.round((100 * s.onData) / COMPARE_PARTICLES);

@customElement('learning-2d-figure')
export class Learning2dFigure extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    chapter0Styles,
    css`
      .planes {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr));
        gap: 0.75rem 1.25rem;
      }
      .planes h4 {
        margin: 0.3rem 0 0.2rem;
        font-size: 0.95rem;
      }
      .status {
        font-variant-numeric: tabular-nums;
      }
    `,
  ];

  @property({ attribute: false }) state!: Chapter0State;
  /** The data set of the state (the chapter's; every figure gets the same). */
  @property({ attribute: false }) dataSet!: DataSet;

  /** The run in the worker: losses, weights, samples (null until the figure is first seen). */
  private learning: LearningRun | null = null;
  /** Whether the reader pressed Start (training on to TRAIN_STEPS_MAX). */
  private running = false;
  /** The value of `trained` this figure last wrote or followed: another value is a link's or a button's. */
  private followed = -1;
  private lastWrite = 0;
  private lastDraw = 0;
  private specs: Record<'net' | 'exact' | 'loss', { key: string; spec: ChartSpec } | null> = { net: null, exact: null, loss: null };
  private readonly runs = new FigureRunController(this, {
    auto: 'rerun',
    staysInView: true,
    delay: 0,
    key: () => (this.state && this.dataSet && this.dataSet.points.n > 0 ? `${this.dataSet.key}|${this.state.netSeed}` : null),
    run: (key) => this.restart(key),
  });

  /** What the figure shows now (tests and answers read it). */
  get view(): LearningView | null {
    return this.learning?.key === this.runKey() ? this.learning.view : null;
  }

  /** Whether training runs now (Start pressed, or a link's steps being reached). */
  get training(): boolean {
    return !!this.learning?.training;
  }

  /** The mean loss over the last 200 steps, at the step shown. */
  get recentLoss(): number {
    const v = this.view;
    return v ? smoothedLoss(v.losses, v.steps) : NaN;
  }

  ensure() {
    return this.runs.ensure();
  }

  private runKey() {
    return `${this.dataSet.key}|${this.state.netSeed}`;
  }

  private set(partial: Partial<Chapter0State>) {
    setFigureState(this, partial);
  }

  /** A fresh network for the key's data set and seed, trained to the state's step count. */
  private async restart(key: string) {
    const cell = this.renderRoot.querySelector<LiveCell>('live-cell');
    this.learning ??= new LearningRun((error) => this.onSnapshot(error));
    this.running = false;
    this.followed = this.state.trained;
    const target = this.state.trained;
    await cell?.run(() => this.learning!.start(key, this.dataSet.points, this.state.netSeed, target));
    this.requestUpdate();
  }

  protected updated(_changed: PropertyValues<this>) {
    const s = this.state;
    if (!this.learning || this.learning.key !== this.runKey() || s.trained === this.followed) return;
    // a link, a try-this button or Reset asked for another step count: train on to it, or afresh when it is behind
    this.followed = s.trained;
    this.running = false;
    const at = this.learning.view?.steps ?? 0;
    if (s.trained >= at) void this.learning.trainTo(s.trained).then(() => this.requestUpdate(), () => {});
    else void this.runs.retry();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.learning?.dispose();
    this.learning = null;
  }

  private onSnapshot(error?: Error) {
    if (error) {
      this.running = false;
      this.renderRoot.querySelector<LiveCell>('live-cell')?.fail(error);
      return;
    }
    const v = this.learning?.view;
    if (!v) return;
    const now = performance.now();
    const idle = v.steps >= v.target;
    if (this.running && (idle || now - this.lastWrite >= WRITE_EVERY_MS)) {
      // the URL follows the steps the reader trains, so a link made now restores this network
      this.lastWrite = now;
      this.followed = v.steps;
      if (idle) this.running = false;
      this.set({ trained: v.steps });
    }
    // with reduced motion the live charts redraw once a second while training
    if (!idle && prefersReducedMotion() && now - this.lastDraw < 1000) return;
    this.lastDraw = now;
    this.requestUpdate();
  }

  private start() {
    if (!this.learning?.view) return;
    this.running = true;
    this.lastWrite = performance.now();
    void this.learning.trainTo(TRAIN_STEPS_MAX).catch(() => {});
    this.requestUpdate();
  }

  private pause() {
    this.learning?.pause();
  }

  private reset() {
    this.running = false;
    this.followed = 0;
    this.set({ trained: 0 });
    void this.runs.retry();
  }

  /** The two planes' charts: the network's field from its averaged weights, the ideal denoiser's, at the state's t. */
  private planeSpecs(v: LearningView | null) {
    const s = this.state, data = this.dataSet.points, ab = schedule.alphasCumprod[s.netT];
    const exactKey = `${this.dataSet.key}|${s.netT}`;
    if (this.specs.exact?.key !== exactKey) {
      const field = this.dataSet.denoiser ? denoiserField(this.dataSet.denoiser, ab, FIELD_CELLS) : null;
      this.specs.exact = { key: exactKey, spec: fieldPlaneSpec(data, field, FIELD_CELLS, false) };
    }
    const netKey = `${exactKey}|${v ? `${this.learning!.key}|${v.steps}` : 'none'}`;
    if (this.specs.net?.key !== netKey) {
      const field = v ? denoiserField(new MlpDenoiser(data, v.ema, schedule.alphasCumprod), ab, FIELD_CELLS) : null;
      this.specs.net = { key: netKey, spec: fieldPlaneSpec(data, field, FIELD_CELLS, false) };
    }
    return { net: this.specs.net.spec, exact: this.specs.exact.spec };
  }

  private plane(id: string, title: unknown, spec: ChartSpec, samples: SampleSet | null, alt: string, readout: unknown) {
    const overlay: ChartOverlay[] = samples ? [{ type: 'points', xy: samples.xy, fill: CHART_COLOURS.samples, r: 2, opacity: 0.75 }] : [];
    return html`<div>
      <h4>${title}</h4>
      <plot-chart id=${id} .spec=${spec} .overlay=${overlay} alt=${alt}></plot-chart>
      <p class="readout" id="${id}-readout" data-on-data=${samples?.onData ?? ''}>${readout}</p>
    </div>`;
  }

  render() {
    const s = this.state, v = this.view;
    const empty = this.dataSet.points.n === 0;
    const training = this.training;
    const specs = this.planeSpecs(v);
    const lossKey = v ? `${this.learning!.key}|${v.steps}|${v.exactLoss}` : '';
    if (this.specs.loss?.key !== lossKey) this.specs.loss = { key: lossKey, spec: lossSpec(v ? binLosses(v.losses) : [], TRAIN_STEPS_MAX, v?.exactLoss ?? null) };
    const loss = this.specs.loss.spec;
    const rate = v && v.trainMs > 0 ? Math.round((1000 * v.steps) / v.trainMs) : 0;
    const recent = this.recentLoss;
    const restoring = training && !this.running;
    const status = !v
      ? empty
        ? 'No data to learn: draw some points above first.'
        : this.runs.visible
          ? 'Starting the training worker…'
          : 'The network trains in a worker of this page once the figure is on screen.'
      : html`Step <strong>${n0(v.steps)}</strong> of ${n0(TRAIN_STEPS_MAX)}${Number.isFinite(recent) ? html`, loss ${recent.toFixed(3)} (mean of the last ${Math.min(200, v.steps)} steps)` : nothing}${v.exactLoss !== null ? html`; the ideal denoiser's ${v.exactLoss.toFixed(3)}` : nothing}.
        ${rate ? html`<span class="muted">${n0(rate)} steps a second in the worker, ${TRAIN_BATCH} examples a step.</span>` : nothing}
        ${restoring ? html`<em>Training to step ${n0(v.target)}, as the link says…</em>` : nothing}`;
    const net = v?.network ?? null, exact = v?.exact ?? null;
    const sampleNote = (x: SampleSet | null, who: string) =>
      x ? html`<strong>${x.onData} of ${COMPARE_PARTICLES}</strong> samples (${pct(x)}%) lie within ${MEMORISED} of a training point${x.outside ? `; ${x.outside} ${x.outside === 1 ? 'lies' : 'lie'} outside the picture` : ''}${x.step >= 0 ? html` <span class="muted">(weights of step ${n0(x.step)})</span>` : nothing}.` : `${who}: sampling…`;
    return html`<live-cell id="learning-cell" label="A network learns the denoiser" .params=${['netSeed', 'trained', 'netT']}><div class="cell-body">
      <div class="controls">
        <div class="row">
          ${this.running
            ? html`<button type="button" @click=${() => this.pause()}>Pause</button>`
            : html`<button type="button" ?disabled=${!v || training || v.steps >= TRAIN_STEPS_MAX} @click=${() => this.start()}>${v && v.steps > 0 ? 'Go on training' : 'Start training'}</button>`}
          <button type="button" ?disabled=${!v} @click=${() => this.reset()}>Reset network</button>
        </div>
        <seed-control
          label="Network seed"
          next="New network"
          .value=${s.netSeed}
          .format=${(n: number) => `#${n}`}
          basis="12rem"
          @seed-change=${(e: CustomEvent<SeedDetail>) => this.set({ netSeed: e.detail.value, trained: 0 })}
        ></seed-control>
        <labelled-slider
          label="Fields drawn at t"
          min="0"
          max=${T - 1}
          number-box
          .value=${s.netT}
          .format=${(t: number) => `t = ${t}, ᾱ = ${schedule.alphasCumprod[t].toFixed(3)}`}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.set({ netT: e.detail.value })}
        ></labelled-slider>
      </div>
      <p class="readout status" id="learning-status" role="status" aria-live="off">${status}</p>
      <plot-chart
        id="loss-chart"
        .spec=${loss}
        alt="The training loss against the Adam step${v ? `: ${v.steps} steps so far, the last 200 averaging ${Number.isFinite(recent) ? recent.toFixed(3) : 'nothing yet'}` : ''}${v?.exactLoss != null ? `; the ideal denoiser's loss, ${v.exactLoss.toFixed(3)}, as a dashed line` : ''}."
      ></plot-chart>
      <ul class="keys" aria-hidden="true">
        <li style="--key:${CHART_COLOURS.data}">training points</li>
        <li class="arrow" style="--key:${CHART_COLOURS.field}">towards each one's guess x̂<sub>0</sub> at t = ${s.netT}</li>
        <li style="--key:${CHART_COLOURS.samples}">samples: DDIM, ${COMPARE_STEPS} steps, the same ${COMPARE_PARTICLES} starting points</li>
      </ul>
      <div class="planes">
        ${this.plane(
          'net-plane',
          html`The network${v ? html`, step ${n0(v.steps)}` : nothing}`,
          specs.net,
          net,
          `The network's field at t = ${s.netT} and its ${COMPARE_PARTICLES} samples${net ? `, ${net.onData} of them within ${MEMORISED} of a training point` : ''}.`,
          sampleNote(net, 'The network'),
        )}
        ${this.plane(
          'exact-plane',
          'The ideal denoiser',
          specs.exact,
          exact,
          `The ideal denoiser's field at t = ${s.netT} and its ${COMPARE_PARTICLES} samples${exact ? `, ${exact.onData} of them within ${MEMORISED} of a training point` : ''}.`,
          sampleNote(exact, 'The ideal denoiser'),
        )}
      </div>
    </div></live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'learning-2d-figure': Learning2dFigure;
  }
}
