// <training-step-figure>: one training step of the page's DiT, live. A world
// clip (a prompt and a world seed) is encoded by the VAE, noised to the
// reader's t with ε (its seed, with the frames' shared part the DiT trained
// on), the DiT predicts v̂ once with the clip's caption, and the figure shows
// z₀, ε, z_t, the target v, v̂ and their difference for a frame, the error of
// every frame, x̂₀ decoded, and the loss with and without the min-SNR-5 weight
// (pipeline/lessons/training-step.ts). Runs when seen and on every change.
// The step goes up as `step-made` for the figures below.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../../components/shell/live-cell';
import '../../components/widgets/channel-rasters';
import '../../components/widgets/choice-picker';
import '../../components/widgets/clip-player';
import '../../components/widgets/labelled-slider';
import '../../components/widgets/latent-grid';
import '../../components/widgets/seed-control';
import { FigureRunController } from '../../components/figure/figure-run-controller';
import { setFigureState } from '../../components/figure/figure-state';
import { missingModels } from '../../components/figure/sampling';
import type { ModelController } from '../../components/controllers/model-controller';
import type { LiveCell } from '../../components/shell/live-cell';
import type { ChoiceDetail } from '../../components/widgets/choice-picker';
import type { ValueDetail } from '../../components/widgets/labelled-slider';
import type { SeedDetail } from '../../components/widgets/seed-control';
import { controls, layout, prose } from '../../components/styles';
import { predictTrainingStep, prepareTrainingStep, snrOf, trainedSharedNoise, trainingNoise, type PreparedStep, type StepPrediction } from '../../pipeline/lessons/training-step';
import { scheduleOf, type Manifest } from '../../pipeline/runtime/manifest';
import { decodeLatents } from '../../pipeline/text-to-video/vae';
import { CLIP_IDS, CLIPS, clipOf, fmt, MODEL, STEP_MODELS, stepKey, trainingStyles, type ChapterTrainingState } from './state';

const FRAME = 256;

const CLIP_LABELS: Record<string, string> = {
  'red-right': 'red circle →',
  'blue-up': 'blue square ↑',
  'yellow-still': 'yellow triangle, still',
  two: 'two objects',
  image: 'an image',
};

/** A step made: its inputs and the DiT's answer, with the decoded x̂₀. */
export interface StepMade {
  key: string;
  step: PreparedStep;
  prediction: StepPrediction;
  clip: Uint8Array;
  x0Decoded: Uint8Array;
  ms: number;
}

@customElement('training-step-figure')
export class TrainingStepFigure extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    trainingStyles,
    css`
      .controls {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr));
        gap: 0.8rem 1.5rem;
        margin-bottom: 1rem;
      }
      .views {
        display: grid;
        grid-template-columns: minmax(7rem, 10rem) minmax(7rem, 10rem) minmax(0, 1fr);
        gap: 1rem;
        align-items: start;
      }
      .views clip-player {
        --pixel-view-size: 100%;
      }
      .error-maps {
        display: grid;
        gap: 0.4rem;
        max-width: 30rem;
      }
      @media (max-width: 40rem) {
        .views {
          grid-template-columns: 1fr 1fr;
        }
        .views .latents {
          grid-column: 1 / -1;
        }
      }
    `,
  ];

  @property({ attribute: false }) state!: ChapterTrainingState;
  @property({ attribute: false }) models!: ModelController;
  @property({ attribute: false }) manifest: Manifest | null = null;

  /** The step shown (the newest made). */
  made: StepMade | null = null;
  private readonly runs = new FigureRunController(this, {
    auto: 'rerun',
    delay: 60,
    rootMargin: '300px 0px',
    key: () => (this.state && this.manifest && !missingModels(this.manifest, STEP_MODELS).length ? stepKey(this.state) : null),
    run: (key, current) => this.make(key, current),
  });

  /** Makes the step of the current state unless that has started: resolves when it is shown. */
  ensure(): Promise<unknown> {
    return this.runs.ensure();
  }

  private set(partial: Partial<ChapterTrainingState>) {
    setFigureState(this, partial);
  }

  private async make(key: string, current: () => boolean): Promise<void> {
    const cell = this.renderRoot.querySelector<LiveCell>('live-cell#step');
    const manifest = this.manifest;
    if (!cell || !manifest) return;
    const s = this.state;
    const { clip, caption } = clipOf(s);
    const eps = trainingNoise(s.noise, clip.numFrames, trainedSharedNoise(manifest, MODEL));
    const t0 = performance.now();
    const made = await this.models.runTask(cell, async ({ runner, signal }) => {
      const step = await prepareTrainingStep(runner, MODEL, { clip, caption, t: s.t, eps }, { signal });
      const prediction = await predictTrainingStep(runner, MODEL, step, { signal });
      const decoded = await decodeLatents(runner, prediction.x0Hat, { frames: step.numFrames, height: step.height, width: step.width }, { signal });
      return { key, step, prediction, clip: clip.frames, x0Decoded: decoded.frames, ms: performance.now() - t0 } satisfies StepMade;
    });
    if (!made || !current()) return;
    this.made = made;
    this.dispatchEvent(new CustomEvent<StepMade>('step-made', { detail: made }));
    this.requestUpdate();
  }

  private renderControls(s: ChapterTrainingState, frames: number) {
    // no schedule to read while the manifest lacks the DiT (the cell says so): t alone
    const abar = this.manifest?.models[MODEL] ? scheduleOf(this.manifest, MODEL).alphasCumprod : null;
    const tText = (t: number) => (abar ? `t = ${t}: ᾱ = ${fmt(abar[t], 3)}, SNR ${fmt(snrOf(abar[t]), 3)}` : `t = ${t}`);
    return html`<div class="controls">
      <choice-picker
        label="Clip"
        .options=${CLIP_IDS.map((id) => ({ value: id, label: CLIP_LABELS[id], description: CLIPS[id] }))}
        .value=${s.clip}
        @choice-change=${(e: CustomEvent<ChoiceDetail>) => this.set({ clip: e.detail.value as ChapterTrainingState['clip'], frame: 1 })}
      ></choice-picker>
      <seed-control live label="World seed" .value=${s.world} next="New clip" button-id="new-clip" .format=${(v: number) => `clip #${v}`} @seed-change=${(e: CustomEvent<SeedDetail>) => this.set({ world: e.detail.value })}></seed-control>
      <labelled-slider id="t" label="Timestep" min="0" max="999" number-box .value=${s.t} .format=${tText} @value-input=${(e: CustomEvent<ValueDetail>) => this.set({ t: e.detail.value })}></labelled-slider>
      <seed-control live label="Noise seed" .value=${s.noise} next="New ε" button-id="new-noise" .format=${(v: number) => `ε #${v}`} @seed-change=${(e: CustomEvent<SeedDetail>) => this.set({ noise: e.detail.value })}></seed-control>
      ${frames > 1
        ? html`<labelled-slider id="frame" label="Frame shown" min="1" max=${frames} .value=${Math.min(s.frame, frames)} .format=${(v: number) => `frame ${v} of ${frames}`} @value-input=${(e: CustomEvent<ValueDetail>) => this.set({ frame: e.detail.value })}></labelled-slider>`
        : nothing}
    </div>`;
  }

  private renderStep(m: StepMade, s: ChapterTrainingState) {
    const { step, prediction: p } = m;
    const F = step.numFrames;
    const f = Math.min(s.frame, F) - 1;
    const at = (a: Float32Array) => a.subarray(f * FRAME, (f + 1) * FRAME);
    const diff = this.runs.memo('diff', p, () => p.prediction.map((v, i) => v - step.v[i]));
    const rows = [
      { label: 'z₀', latent: at(step.z0) },
      { label: 'ε', latent: at(step.eps) },
      { label: 'zₜ', latent: at(step.zt) },
      { label: 'v', latent: at(step.v) },
      { label: 'v̂', latent: at(p.prediction) },
      { label: 'v̂ − v', latent: at(diff) },
    ];
    const maxErr = Math.max(0.05, ...p.errorMap);
    const worst = p.frameLoss.indexOf(Math.max(...p.frameLoss));
    return html`
      <div class="views">
        <div>
          <p class="stage-label">the clip x₀</p>
          <clip-player id="clip" .rgb=${m.clip} frames=${F} .frame=${f} alt=${`The clip: ${step.caption}`}></clip-player>
        </div>
        <div>
          <p class="stage-label">x̂₀, decoded</p>
          <clip-player id="x0hat" .rgb=${m.x0Decoded} frames=${F} .frame=${f} alt=${`The DiT's guess of the clean clip at t = ${step.t}, decoded`}></clip-player>
        </div>
        <div class="latents">
          <latent-grid .rows=${rows} caption=${`Frame ${f + 1}'s latents, 4 channels of 8 × 8`}></latent-grid>
        </div>
      </div>
      <p class="stage-label">(v̂ − v)² of each frame, averaged over the 4 channels</p>
      ${this.errorMaps(p.errorMap, F, maxErr)}
      <div class="losses" id="losses" data-loss=${p.loss} data-weighted=${p.weightedLoss}>
        <div><span>v-loss, mean (v̂ − v)²</span><strong id="loss">${fmt(p.loss, 6)}</strong></div>
        <div><span>min-SNR-5 weight at t = ${step.t}</span><strong id="weight">${fmt(p.weight, 4)}</strong></div>
        <div><span>weighted loss (what training descends)</span><strong id="weighted-loss">${fmt(p.weightedLoss, 6)}</strong></div>
        <div><span>ε̂ error, mean (ε̂ − ε)²</span><strong id="eps-loss">${fmt(p.epsLoss, 6)}</strong></div>
        <div><span>x̂₀ error, mean (x̂₀ − z₀)²</span><strong id="x0-loss">${fmt(p.x0Loss, 6)}</strong></div>
      </div>
      <p class="readout" id="step-readout">
        “${step.caption}”, ${F > 1 ? `${F} frames` : 'one frame'}, t = ${step.t} (ᾱ = ${fmt(step.alphaBar, 4)}), ε seed ${s.noise}${F > 1 ? `, frames sharing a part (a = ${fmt(trainedSharedNoise(this.manifest!, MODEL), 1)})` : ''}:
        ${F > 1 ? html`the worst frame is frame ${worst + 1} (${fmt(p.frameLoss[worst], 5)}). ` : nothing}The DiT call took ${Math.round(p.ms)} ms.
      </p>
    `;
  }

  /** The frames' error maps, in rows of at most four, one colour scale (its legend under the last row). */
  private errorMaps(map: Float32Array, F: number, max: number) {
    const rows = Array.from({ length: Math.ceil(F / 4) }, (_, r) => r);
    return html`<div class="error-maps" id="error-map">
      ${rows.map((r) => {
        const n = Math.min(4, F - 4 * r);
        return html`<channel-rasters
          .planes=${map.subarray(4 * r * 64, (4 * r + n) * 64)}
          rows="8"
          cols="8"
          .labels=${Array.from({ length: n }, (_, i) => `frame ${4 * r + i + 1}`)}
          .domain=${[0, max] as [number, number]}
          scheme="sequential"
          digits="2"
          legend="squared error"
          subject="the DiT's error"
          ?no-legend=${r < rows.length - 1}
        ></channel-rasters>`;
      })}
    </div>`;
  }

  render() {
    const s = this.state;
    const m = this.made;
    const frames = m ? m.step.numFrames : clipOf(s).clip.numFrames;
    const missing = missingModels(this.manifest, STEP_MODELS);
    return html`<live-cell id="step" label="One training step of the DiT: a clip, t and ε, the target v and the DiT's v̂" .params=${['clip', 'world', 't', 'noise', 'frame']}>
      ${this.renderControls(s, frames)}
      ${missing.length
        ? html`<p class="notice" role="status" data-missing=${missing.join(' ')}>This cell needs ${missing.join(', ')}, which weights/manifest.json does not list; the rest of the page works without it.</p>`
        : m
          ? this.renderStep(m, s)
          : html`<p class="status" id="step-status">The step runs when this figure comes into view.</p>`}
      ${m && m.key !== stepKey(s) ? html`<p class="status" role="status">Making the step for the new settings…</p>` : nothing}
    </live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'training-step-figure': TrainingStepFigure;
  }
}
