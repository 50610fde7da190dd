// <snapshots-figure>: what training changed. The step figure's z_t, t and ε
// (handed down as `made`) through the DiT saved at 1/16 and 1/4 of its
// training and through the shipped DiT (whose answer the step figure already
// has): each one's v-loss, min-SNR loss and x̂₀ decoded, side by side. Runs
// when seen, and again whenever the step changes while it is.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../../components/shell/live-cell';
import '../../components/widgets/clip-player';
import { FigureRunController } from '../../components/figure/figure-run-controller';
import { missingModels } from '../../components/figure/sampling';
import type { ModelController } from '../../components/controllers/model-controller';
import type { LiveCell } from '../../components/shell/live-cell';
import { controls, layout, prose } from '../../components/styles';
import { predictTrainingStep, type StepPrediction } from '../../pipeline/lessons/training-step';
import type { Manifest } from '../../pipeline/runtime/manifest';
import { decodeLatents } from '../../pipeline/text-to-video/vae';
import { fmt, MODEL, SNAPSHOTS, trainingStyles } from './state';
import type { StepMade } from './training-step-figure';

export interface SnapshotRow {
  model: string;
  steps: number;
  minutes: number;
  prediction: StepPrediction;
  x0Decoded: Uint8Array;
}


@customElement('snapshots-figure')
export class SnapshotsFigure extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    trainingStyles,
    css`
      .row3 {
        display: grid;
        grid-template-columns: repeat(3, minmax(0, 1fr));
        gap: 1rem;
      }
      .row3 clip-player {
        --pixel-view-size: 100%;
      }
      .row3 h4 {
        margin: 0 0 0.3rem;
        font-size: 0.9rem;
      }
      .row3 p {
        margin: 0.3rem 0 0;
        font-size: 0.88rem;
        font-variant-numeric: tabular-nums;
      }
      @media (max-width: 30rem) {
        .row3 {
          gap: 0.5rem;
        }
        .row3 p {
          font-size: 0.8rem;
        }
      }
    `,
  ];

  @property({ attribute: false }) models!: ModelController;
  @property({ attribute: false }) manifest: Manifest | null = null;
  /** The step of the figure above (its inputs and the shipped DiT's answer). */
  @property({ attribute: false }) made: StepMade | null = null;

  /** The rows shown, in SNAPSHOTS' order, for the step of `shownKey`. */
  rows: SnapshotRow[] = [];
  shownKey = '';
  private readonly runs = new FigureRunController(this, {
    auto: 'rerun',
    rootMargin: '200px 0px',
    key: () => (this.made && this.manifest && !missingModels(this.manifest, [...SNAPSHOTS, 'vae_decoder']).length ? this.made.key : null),
    run: (key, current) => this.compare(key, current),
  });

  ensure(): Promise<unknown> {
    return this.runs.ensure();
  }

  private async compare(key: string, current: () => boolean) {
    const made = this.made, manifest = this.manifest;
    const cell = this.renderRoot.querySelector<LiveCell>('live-cell#snapshots');
    if (!made || made.key !== key || !manifest || !cell) return;
    const { step } = made;
    const rows = await this.models.runTask(cell, async ({ runner, signal }) => {
      const out: SnapshotRow[] = [];
      for (const model of SNAPSHOTS) {
        const prediction = model === MODEL ? made.prediction : await predictTrainingStep(runner, model, step, { signal });
        const x0Decoded = model === MODEL ? made.x0Decoded : (await decodeLatents(runner, prediction.x0Hat, { frames: step.numFrames, height: step.height, width: step.width }, { signal })).frames;
        const e = manifest.models[model];
        out.push({ model, steps: Number(e.steps ?? NaN), minutes: Number(e.train_minutes ?? NaN), prediction, x0Decoded });
      }
      return out;
    });
    if (!rows || !current()) return;
    this.rows = rows;
    this.shownKey = key;
    this.requestUpdate();
  }

  render() {
    const missing = missingModels(this.manifest, [...SNAPSHOTS, 'vae_decoder']);
    const made = this.made;
    const rows = made && this.shownKey === made.key ? this.rows : [];
    const F = made?.step.numFrames ?? 1;
    return html`<live-cell id="snapshots" label="The same z_t, t and ε through three checkpoints of the DiT">
      ${missing.length
        ? html`<p class="notice" role="status" data-missing=${missing.join(' ')}>This cell needs ${missing.join(', ')}, which weights/manifest.json does not list.</p>`
        : nothing}
      ${made
        ? html`<p class="readout">“${made.step.caption}”, t = ${made.step.t}, the ε of the figure above.</p>`
        : html`<p class="status" id="snapshots-status">This figure compares the checkpoints on the step above, once it is made.</p>`}
      ${rows.length
        ? html`<div class="row3" id="snapshot-rows">
            ${rows.map(
              (r) => html`<div class="snapshot" data-model=${r.model} data-loss=${r.prediction.loss} data-weighted=${r.prediction.weightedLoss}>
                <h4>${Number.isFinite(r.steps) ? html`${r.model === MODEL ? 'shipped, ' : ''}${r.steps.toLocaleString('en')} steps` : r.model}</h4>
                <clip-player .rgb=${r.x0Decoded} frames=${F} alt=${`x̂₀ of ${r.model} at t = ${made!.step.t}, decoded`}></clip-player>
                <p>${Number.isFinite(r.minutes) ? `${Math.round(r.minutes)} min of training` : ''}</p>
                <p>v-loss <strong>${fmt(r.prediction.loss, 5)}</strong></p>
                <p>min-SNR <strong>${fmt(r.prediction.weightedLoss, 5)}</strong></p>
              </div>`,
            )}
          </div>`
        : nothing}
    </live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'snapshots-figure': SnapshotsFigure;
  }
}
