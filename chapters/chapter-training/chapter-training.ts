// The training chapter: how the denoiser learned. One training step of the
// page's real DiT, live (a world clip, t and ε; the target v, the prediction,
// the loss with and without the min-SNR-5 weight); the ε-, x₀- and v-losses
// and min-SNR as weightings across t; the loss against t over many draws,
// beside the committed learning curve; and, since onnxruntime-web cannot take
// a gradient step, what training changed, through the checkpoints saved at
// 1/16 and 1/4 of it. Prose and layout; each figure is an element of this
// folder, the arithmetic pipeline/lessons/training-step.ts and loss-sweep.ts.
import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import '../../components/shell/chapter-section';
import '../../components/shell/state-notice';
import type { TryThisDetail } from '../../components/shell/chapter-section';
import { ModelController } from '../../components/controllers/model-controller';
import { term } from '../../components/shell/notation';
import { controls, layout, modelLines, prose } from '../../components/styles';
import { UrlStateController } from '../../components/controllers/url-state-controller';
import './loss-sweep-figure';
import './loss-weights-figure';
import './snapshots-figure';
import './training-step-figure';
import type { StepMade } from './training-step-figure';
import { trainedSharedNoise } from '../../pipeline/lessons/training-step';
import { CHAPTER_MODELS, chapterTrainingSchema, type ChapterTrainingState } from './state';
import { REFERENCES, TRY_THIS } from './try-this';

export { chapterTrainingSchema, type ChapterTrainingState } from './state';

type FigureTag = 'training-step-figure' | 'loss-weights-figure' | 'loss-sweep-figure' | 'snapshots-figure';

@customElement('chapter-training')
export class ChapterTraining extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    modelLines,
    css`
      .eq {
        display: flex;
        flex-wrap: wrap;
        gap: 0.3rem 2.5rem;
        font-size: 1.05rem;
        margin: 0 0 1em 1.5rem;
      }
      .eq span {
        white-space: nowrap;
      }
      @media (max-width: 30rem) {
        .eq {
          margin-left: 0.5rem;
          font-size: 0.98rem;
        }
      }
    `,
  ];

  private url = new UrlStateController(this, chapterTrainingSchema, 'ct');
  readonly models = new ModelController(this, { models: CHAPTER_MODELS });
  /** The step the step figure made, handed to the snapshots figure. */
  @state() private made: StepMade | null = null;

  private figureEl<K extends FigureTag>(tag: K): HTMLElementTagNameMap[K] | null {
    return this.renderRoot.querySelector(tag);
  }

  // ---------------------------------------------------------------- for tests

  get state(): ChapterTrainingState {
    return this.url.state;
  }

  setState(partial: Partial<ChapterTrainingState>) {
    this.url.set(partial);
  }

  /** Runs a figure for the current state unless that run has started: resolves when it ends. */
  async ensure(tag: Exclude<FigureTag, 'loss-weights-figure'>): Promise<unknown> {
    // a figure cannot run before the manifest is read (its key is null, and its ensure() would end at once)
    if (!this.models.manifest) await this.models.refreshStatus();
    this.requestUpdate();
    await this.updateComplete; // the figures have the manifest, and a step just made reaches the snapshots figure
    const f = this.figureEl(tag);
    if (!f) return;
    await f.updateComplete;
    return f.ensure();
  }

  /** What the figures show now, for tests. */
  get figure() {
    const step = this.figureEl('training-step-figure')?.made ?? null;
    const sweep = this.figureEl('loss-sweep-figure');
    const snaps = this.figureEl('snapshots-figure');
    return {
      step: step
        ? { key: step.key, caption: step.step.caption, t: step.step.t, loss: step.prediction.loss, weight: step.prediction.weight, weightedLoss: step.prediction.weightedLoss, epsLoss: step.prediction.epsLoss, x0Loss: step.prediction.x0Loss, frameLoss: step.prediction.frameLoss }
        : null,
      weights: this.figureEl('loss-weights-figure')?.atT ?? null,
      sweep: sweep?.sweep ? { key: sweep.sweep.key, draws: sweep.sweep.draws, running: sweep.sweep.running, stopped: sweep.sweep.stopped } : null,
      curve: sweep?.curves ? { rows: sweep.curves.CURVE.length, last: sweep.curves.CURVE.at(-1)?.step ?? 0 } : null,
      snapshots: snaps && snaps.made && snaps.shownKey === snaps.made.key ? snaps.rows.map((r) => ({ model: r.model, steps: r.steps, loss: r.prediction.loss, weightedLoss: r.prediction.weightedLoss })) : [],
    };
  }

  /** A number of the DiT's manifest entry, in words ('46,700'), or `otherwise` before the manifest is read. */
  private count(field: 'steps' | 'params' | 'train_minutes', otherwise: string, model = 'dit'): string {
    const v = this.models.manifest?.models[model]?.[field];
    return typeof v === 'number' ? (field === 'train_minutes' ? String(Math.round(v)) : v.toLocaleString('en')) : otherwise;
  }

  /** The a the DiT trained with, from its manifest entry. */
  private sharedA(): string {
    const m = this.models.manifest;
    return m?.models.dit ? String(trainedSharedNoise(m, 'dit')) : 'the manifest’s shared_noise_trained';
  }

  /** ', 0.5 here' for the DiT's a, or nothing before the manifest. */
  private sharedCorrelation(): string {
    const m = this.models.manifest;
    if (!m?.models.dit) return '';
    const a = trainedSharedNoise(m, 'dit');
    return `, ${Number(((a * a) / (1 + a * a)).toFixed(2))} here`;
  }

  protected firstUpdated() {
    this.dataset.ready = 'true';
  }

  private onTryThis(e: CustomEvent<TryThisDetail>) {
    this.url.clearProblems();
    this.url.set(e.detail.state as Partial<ChapterTrainingState>);
  }

  render() {
    const s = this.url.state;
    const m = this.models.manifest;
    return html`
      <chapter-section .tryThis=${TRY_THIS} .references=${REFERENCES} @try-this=${this.onTryThis}>
        <state-notice .messages=${this.url.messages()}></state-notice>
        <p>
          Every later chapter runs a trained denoiser. Training it is the forward process of the last chapter turned
          into a regression (Ho et al. 2020). Take a clip from the data, a timestep ${term('t')} drawn uniformly from
          0 to 999 and fresh noise ${term('eps')}; noise the clip to ${term('xt')} in one jump; ask the network what it
          sees; score the answer by its squared error; and move every weight a little downhill on that score. The DiT
          behind this page took ${this.count('steps', 'tens of thousands of')} such steps, each on a batch of images or of clips.
        </p>
        <p>
          Here the clip is first squeezed by the VAE into a latent ${term('z')} (the latent-space chapter explains it),
          the clip's caption goes through the text encoder (in training it was dropped one time in ten, which is what
          guidance needs), and the DiT predicts the velocity ${term('v')} (Salimans &amp; Ho 2022):
        </p>
        <p class="eq">
          <span>z<sub>t</sub> = √ᾱ<sub>t</sub>·z<sub>0</sub> + √(1 − ᾱ<sub>t</sub>)·ε</span>
          <span>v = √ᾱ<sub>t</sub>·ε − √(1 − ᾱ<sub>t</sub>)·z<sub>0</sub></span>
          <span>loss = mean (v̂ − v)²</span>
        </p>
        <p>
          The eight frames of a clip do not get independent noise: each frame's ε is (a·ε<sub>shared</sub> + ε<sub>own</sub>)/√(1 + a²)
          with a = ${this.sharedA()}, as the DiT was trained (Ge et al. 2023): two frames' noise has a correlation of a²/(1 + a²)${this.sharedCorrelation()}. Below is one such step of the
          real DiT, run in your browser: the same numbers PyTorch computes in the training loop.
        </p>
        ${this.models.renderWeights()}
        <training-step-figure .state=${s} .models=${this.models} .manifest=${m} @step-made=${(e: CustomEvent<StepMade>) => (this.made = e.detail)}></training-step-figure>
        <p>
          Move ${term('t')}. Near 0, z<sub>t</sub> is the clean latent with a whisper of noise and v is almost ε; near 999,
          z<sub>t</sub> is noise and v is almost −z<sub>0</sub>: the task slides from “find the noise” to “guess the clip”.
          The error map shows where the DiT misses, mostly on the object and around it; the background is easy. From v̂ and
          z<sub>t</sub> follow ε̂ and x̂<sub>0</sub>, whose errors are the v error times ᾱ and times 1 − ᾱ.
        </p>
        <h3>Why v, and why the weight</h3>
        <p>
          Predicting ε, x<sub>0</sub> or v is one regression in three sets of units. Written as an error in x<sub>0</sub>, the ε-loss is
          ${term('snr')}·‖x̂<sub>0</sub> − x<sub>0</sub>‖², the v-loss (SNR + 1)·‖x̂<sub>0</sub> − x<sub>0</sub>‖² and the x₀-loss
          1·‖x̂<sub>0</sub> − x<sub>0</sub>‖² (Kingma et al. 2021 write every diffusion loss this way). So the choice of target is a
          choice of how much each ${term('t')} counts, and the SNR spans thirteen powers of ten across this schedule. The ε-loss
          (Ho et al.) spends nearly all of its weight on the cleanest steps, and its x̂<sub>0</sub> = (z<sub>t</sub> − √(1 − ᾱ)·ε̂)/√ᾱ
          divides by √ᾱ: at ᾱ → 0 a tiny error in ε̂ becomes a huge one in x̂<sub>0</sub>, and at ᾱ = 0 there is no x̂<sub>0</sub> at all.
          The v target has variance ᾱ + (1 − ᾱ) = 1 at every ${term('t')} for unit-variance latents, so the network's output has the
          same scale whatever the noise, and x̂<sub>0</sub> = √ᾱ·z<sub>t</sub> − √(1 − ᾱ)·v̂ stays defined at ᾱ = 0 (it is −v̂ there).
        </p>
        <p>
          The timesteps still compete for one network. Min-SNR-γ (Hang et al. 2023) caps the weight on the x<sub>0</sub> error at
          γ = 5: min(SNR, 5). On the v-loss that is a factor min(SNR, 5)/(SNR + 1), at most 5/6 where SNR = 5, falling to 0 at both
          ends. Put the other way: past SNR = 5 (${term('t')} above about 260 here) the weighted loss is exactly the ε-loss, and
          below it five times the x₀-loss; compare the step's numbers above. Hang et al. found training converged several
          times faster; this DiT used it from its first step.
        </p>
        <loss-weights-figure .state=${s} .manifest=${m}></loss-weights-figure>
        <h3>The loss against t, and the learning curve</h3>
        <p>
          One step is one draw of (${term('t')}, ε), and its loss is noisy; training sees a batch, and the next batch draws again.
          Draw a few hundred for this clip and the loss shows its shape in t: in the first chart each dot is a draw, the lines the means over
          tenths of t. Its mean, weighted, is this clip's share of what training minimised; the second chart is the loss of the
          batches the DiT was trained on, logged every 100 steps, with that mean drawn across it.
        </p>
        <loss-sweep-figure .state=${s} .models=${this.models} .manifest=${m}></loss-sweep-figure>
        <p>
          The plain v-loss is large at both ends of ${term('t')} and smallest in between; weighted, it is nearly flat over
          most of ${term('t')}, which is what the weight is for. In the training log, the loss fell fast in the first few thousand
          steps and slowly for tens of thousands more; the step up at the very end is the last fine-tune, on noise the frames
          share, a new target at first. Each logged value is one batch of clips with captions shortened at random (one in ten
          dropped), so one clip with its full caption need not sit on the curve.
        </p>
        <h3>What a step of training changes</h3>
        <p>
          A real step would now compute the gradient of the weighted loss with respect to all ${this.count('params', 'the')} weights
          (backpropagation), clip its norm to 1, and let the AdamW optimiser move each weight a little, then
          fold the new weights into a slow average (the EMA) that is what ships. That is out of reach here: the page's ONNX
          files hold the forward pass only, and onnxruntime-web runs them for inference. What the page can show is what many
          steps did. The DiT was saved along the way: after ${this.count('steps', 'a few thousand', 'dit_snap16')} and
          ${this.count('steps', 'more', 'dit_snap4')} steps (${this.count('train_minutes', 'some', 'dit_snap16')} and
          ${this.count('train_minutes', 'more', 'dit_snap4')} of its ${this.count('train_minutes', 'many', 'dit')} minutes of training).
          Give all three the same z<sub>t</sub>, ${term('t')} and ε. (The two early saves come from a run of the first recipe that read the text encoder's plain
          token states and drew independent noise for each frame; each reads its own kind of states here.)
        </p>
        <snapshots-figure .models=${this.models} .manifest=${m} .made=${this.made}></snapshots-figure>
      </chapter-section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chapter-training': ChapterTraining;
  }
}
