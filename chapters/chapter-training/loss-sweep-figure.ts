// <loss-sweep-figure>: the loss against t over many draws. The step figure's
// clip, with t and ε drawn as training draws them, a few hundred times, the DiT
// scoring a batch of 16 draws a call (pipeline/lessons/loss-sweep.ts); dots and
// tenth-of-t means drawn as the batches come. Beside it the committed learning
// curve (./learning-curves.ts, read at build time), with this clip's mean
// min-SNR loss drawn across it. Runs the first time it is seen; again, or
// stopped, by its buttons.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../../components/charts/plot-chart';
import '../../components/shell/live-cell';
import '../../components/widgets/choice-picker';
import { learningCurveSpec, SWEEP_KEYS, sweepSpec } from '../../components/charts/training-charts';
import { FigureRunController } from '../../components/figure/figure-run-controller';
import { setFigureState } from '../../components/figure/figure-state';
import { missingModels } from '../../components/figure/sampling';
import type { ModelController } from '../../components/controllers/model-controller';
import type { LiveCell } from '../../components/shell/live-cell';
import type { ChoiceDetail } from '../../components/widgets/choice-picker';
import { controls, layout, lineKeys, prose } from '../../components/styles';
import { meanLossBetween } from '../../pipeline/lessons/learning-curve';
import { lossSweep, meanOf, type SweepDraw } from '../../pipeline/lessons/loss-sweep';
import { prepareTrainingStep } from '../../pipeline/lessons/training-step';
import type { Manifest } from '../../pipeline/runtime/manifest';
import { clipOf, DRAWS, fmt, MODEL, trainingStyles, type ChapterTrainingState } from './state';

export const SWEEP_BATCH = 16;
const NEEDS = ['vae_encoder', 'text_encoder', MODEL];

export interface Sweep {
  key: string;
  caption: string;
  draws: SweepDraw[];
  of: number;
  running: boolean;
  stopped: boolean;
  ms: number;
}

type Curves = typeof import('./learning-curves');

/** 1870 → '1.9k': a checkpoint's step, short enough to label a narrow chart. */
const kilo = (step: number) => (step >= 1000 ? `${(step / 1000).toFixed(1)}k` : String(step));

const sweepKey = (s: ChapterTrainingState) => `${s.clip}|${s.world}|${s.noise}|${s.draws}`;

@customElement('loss-sweep-figure')
export class LossSweepFigure extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    lineKeys,
    trainingStyles,
    css`
      .charts {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr));
        gap: 1rem 1.5rem;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
        align-items: center;
        margin-bottom: 0.6rem;
      }
    `,
  ];

  @property({ attribute: false }) state!: ChapterTrainingState;
  @property({ attribute: false }) models!: ModelController;
  @property({ attribute: false }) manifest: Manifest | null = null;

  sweep: Sweep | null = null;
  curves: Curves | null = null;
  private readonly runs = new FigureRunController(this, {
    auto: 'once',
    rootMargin: '100px 0px',
    key: () => (this.state && this.manifest && !missingModels(this.manifest, NEEDS).length ? sweepKey(this.state) : null),
    run: (key, current) => this.draw(key, current),
  });

  connectedCallback(): void {
    super.connectedCallback();
    void import('./learning-curves').then((c) => {
      this.curves = c;
      this.requestUpdate();
    });
  }

  /** Draws for the current state unless that has started: resolves when done or stopped. */
  ensure(): Promise<unknown> {
    return this.runs.ensure();
  }

  /** Draws again (the button). */
  start(): Promise<unknown> {
    return this.runs.retry();
  }

  /** Stops the draws where they are. */
  stop() {
    const run = this.sweep, cell = this.cell();
    if (!run?.running || !cell) return;
    run.running = false;
    run.stopped = true;
    void cell.run(async () => undefined); // a newer run in the cell cancels the draws' jobs
    this.requestUpdate();
  }

  private cell(): LiveCell | null {
    return this.renderRoot.querySelector<LiveCell>('live-cell#sweep');
  }

  private async draw(key: string, current: () => boolean): Promise<void> {
    const cell = this.cell();
    if (!cell) return;
    const s = this.state;
    const { clip, caption } = clipOf(s);
    const run: Sweep = { key, caption, draws: [], of: Number(s.draws), running: true, stopped: false, ms: 0 };
    this.sweep = run;
    this.requestUpdate();
    const t0 = performance.now();
    await this.models.runTask(cell, async ({ runner, signal }) => {
      const step = await prepareTrainingStep(runner, MODEL, { clip, caption, t: 0, eps: new Float32Array(clip.numFrames * 256) }, { signal });
      await lossSweep(runner, MODEL, step, { draws: run.of, batch: SWEEP_BATCH, seed: s.noise }, {
        signal,
        onBatch: (batch) => {
          if (this.sweep !== run || !current()) return;
          run.draws = [...run.draws, ...batch];
          run.ms = performance.now() - t0;
          this.requestUpdate();
        },
      });
    });
    if (this.sweep !== run) return;
    run.running = false;
    this.requestUpdate();
  }

  private renderCurve(level: number | undefined) {
    const c = this.curves;
    if (!c) return html`<p class="status">Reading the learning curve…</p>`;
    const marks = [
      { step: c.SNAPSHOT_STEPS.dit_snap16, label: kilo(c.SNAPSHOT_STEPS.dit_snap16) },
      { step: c.SNAPSHOT_STEPS.dit_snap4, label: kilo(c.SNAPSHOT_STEPS.dit_snap4) },
    ];
    const last = meanLossBetween(c.CURVE, c.SHIPPED_STEP - 900, c.SHIPPED_STEP);
    const spec = this.runs.memo(`curve`, level, () => learningCurveSpec(c.CURVE, c.SMOOTH, marks, level));
    return html`<div>
      <ul class="keys">
        <li style="--key:#0072B2">each logged batch, and a running mean</li>
        <li style="--key:#000">the checkpoints below</li>
        ${level !== undefined ? html`<li style="--key:#D55E00">this clip's mean min-SNR loss</li>` : nothing}
      </ul>
      <plot-chart
        id="curve-chart"
        .spec=${spec}
        alt=${`The DiT's training loss against the step, log scale, over ${c.CURVE.length} logged batches to step ${c.SHIPPED_STEP}: from ${fmt(c.CURVE[0].loss, 3)} at step ${c.CURVE[0].step} to a mean of ${fmt(last, 4)} over the last 900 steps.`}
      ></plot-chart>
      <p class="readout" id="curve-readout" data-last=${last}>
        The training log: ${c.CURVE.length} batches logged, one every 100 steps, to step ${c.SHIPPED_STEP.toLocaleString('en')}; the last 900 steps average
        <strong>${fmt(last, 4)}</strong>.
      </p>
    </div>`;
  }

  private renderSweep(r: Sweep) {
    const mean = meanOf(r.draws, 'loss'), weighted = meanOf(r.draws, 'weightedLoss');
    const spec = this.runs.memo('sweep', r.draws, () => sweepSpec(r.draws));
    const lo = r.draws.filter((d) => d.t < 100), hi = r.draws.filter((d) => d.t >= 900);
    return html`<div>
      <ul class="keys">
        ${SWEEP_KEYS.map((k) => html`<li style="--key:${k.colour}">${k.what}</li>`)}
      </ul>
      <plot-chart
        id="sweep-chart"
        .spec=${spec}
        alt=${`The loss of ${r.draws.length} draws of t and ε for “${r.caption}” against t, log scale: mean v-loss ${fmt(mean, 4)}, mean min-SNR loss ${fmt(weighted, 4)}.`}
      ></plot-chart>
      <p class="readout" id="sweep-readout" data-mean=${mean} data-weighted=${weighted} data-draws=${r.draws.length}>
        ${r.draws.length} draws${r.running ? ` of ${r.of}…` : r.stopped ? ` (stopped at ${r.draws.length} of ${r.of})` : ''}: mean v-loss <strong>${fmt(mean, 4)}</strong>, mean min-SNR loss
        <strong>${fmt(weighted, 4)}</strong>${lo.length && hi.length
          ? html`; the v-loss averages ${fmt(meanOf(lo, 'loss'), 4)} at t < 100 and ${fmt(meanOf(hi, 'loss'), 4)} at t ≥ 900, the weighted loss ${fmt(meanOf(lo, 'weightedLoss'), 5)} and ${fmt(meanOf(hi, 'weightedLoss'), 5)}`
          : nothing}.
        ${r.running ? nothing : html`${r.draws.length} DiT inputs in ${Math.ceil(r.draws.length / SWEEP_BATCH)} calls, ${(r.ms / 1000).toFixed(1)} s.`}
      </p>
    </div>`;
  }

  render() {
    const s = this.state;
    const r = this.sweep;
    const stale = r && !r.running && r.key !== sweepKey(s);
    const missing = missingModels(this.manifest, NEEDS);
    const done = r && !r.running && r.draws.length ? meanOf(r.draws, 'weightedLoss') : undefined;
    return html`<live-cell id="sweep" label="The loss against t, over many draws, beside the training log" streaming .params=${['clip', 'world', 'noise', 'draws']} @cell-retry=${() => queueMicrotask(() => void this.start())}>
      <div class="row">
        <choice-picker
          label="Draws"
          .options=${DRAWS.map((d) => ({ value: d, label: d }))}
          .value=${s.draws}
          @choice-change=${(e: CustomEvent<ChoiceDetail>) => setFigureState(this, { draws: e.detail.value as ChapterTrainingState['draws'] })}
        ></choice-picker>
        <button type="button" class="run" id="sweep-start" ?disabled=${missing.length > 0} @click=${() => void this.start()}>${r?.running ? 'Start again' : r ? 'Draw again' : 'Draw'}</button>
        <button type="button" id="sweep-stop" ?disabled=${!r?.running} @click=${() => this.stop()}>Stop</button>
      </div>
      ${missing.length ? html`<p class="notice" role="status" data-missing=${missing.join(' ')}>This cell needs ${missing.join(', ')}, which weights/manifest.json does not list.</p>` : nothing}
      ${stale ? html`<p class="notice" role="status" id="sweep-stale">The clip or the draws changed: press Draw again to draw for them.</p>` : nothing}
      <div class="charts">
        ${r ? this.renderSweep(r) : html`<p class="status" id="sweep-status">${s.draws} draws of (t, ε) start when this figure comes into view.</p>`}
        ${this.renderCurve(done)}
      </div>
    </live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'loss-sweep-figure': LossSweepFigure;
  }
}
