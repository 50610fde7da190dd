// Chapter 7: Text to video. The whole pipeline at once, each stage shown and
// timed; then what Sora's report shows the same model doing besides text to
// video — animating a picture, extending a clip forwards and backwards, editing
// it with SDEdit, connecting two clips — each done here by holding some frames
// fixed (or starting from a noised clip) through the denoising; the same prompts
// through checkpoints of the DiT's run (two early snapshots, from a rerun of its
// first recipe, and the end; their share of the compute from the manifest); the
// motion and consistency of the clip just made, measured by the world's judge;
// and what differs from Sora. Prose and layout: each figure is an element of this folder
// (make, animate, extend, edit, connect, scale, measure), the plans and
// measurements pipeline/text-to-video/{edits,measure}.ts, the views components/.
//
// Every figure runs by itself when it comes into view (and again when its state
// changes), from its state in the URL (prefix c7), so a link or a reload gives
// the same figures. The first figure's clip goes up to the chapter and down to
// the figures that extend, edit, connect and measure it. `ensure(cell)` runs one
// now (tests use it).
import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import '../../components/shell/chapter-section';
import '../../components/shell/state-notice';
import type { TryThisDetail } from '../../components/shell/chapter-section';
import { REFERENCES, TRY_THIS } from './try-this';
import type { LiveCell } from '../../components/shell/live-cell';
import { ModelController } from '../../components/controllers/model-controller';
import { term } from '../../components/shell/notation';
import { controls, layout, prose } from '../../components/styles';
import { UrlStateController } from '../../components/controllers/url-state-controller';
import type { StageClock } from '../../pipeline/worker/stages';
import './animate-figure';
import './connect-figure';
import './edit-figure';
import './extend-figure';
import './make-figure';
import './measure-figure';
import './physics-figure';
import './scale-figure';
import type { ClipWantedDetail, MadeClip, MadeClips } from './clips';
import { cellKey, chapter7Schema, chapter7Styles, CHECKPOINTS, MAKE_MODELS, type Chapter7Cell, type Chapter7State, type Measurable } from './state';
import { prefersReducedMotion } from '../../components/styles/motion';

export { chapter7Schema, type Chapter7Cell, type Chapter7State } from './state';

/** Each figure's element. */
const FIGURES = {
  make: 'make-figure',
  animate: 'animate-figure',
  extend: 'extend-figure',
  edit: 'edit-figure',
  connect: 'connect-figure',
  scale: 'scale-figure',
  measure: 'measure-figure',
  physics: 'physics-figure',
} as const satisfies Record<Chapter7Cell, keyof HTMLElementTagNameMap>;
type FigureOf<K extends Chapter7Cell> = HTMLElementTagNameMap[(typeof FIGURES)[K]];

@customElement('chapter-7')
export class Chapter7 extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    chapter7Styles,
    css`
      ul.differs li {
        margin-bottom: 0.4rem;
      }
    `,
  ];

  private url = new UrlStateController(this, chapter7Schema, 'c7');
  readonly models = new ModelController(this, { models: MAKE_MODELS });
  /** Each figure's latest clip, as it said (`clip-made`): passed down to the figures that use it. */
  @state() private clips: MadeClips = {};

  private figure<K extends Chapter7Cell>(id: K): FigureOf<K> {
    return this.renderRoot.querySelector(FIGURES[id]) as FigureOf<K>;
  }

  /** The chapter's state (as in the URL). */
  get state(): Chapter7State {
    return this.url.state;
  }

  /** Every figure's latest result, for tests. */
  get results() {
    const r = <K extends Exclude<Chapter7Cell, 'measure'>>(id: K): FigureOf<K>['result'] => this.figure(id)?.result ?? null;
    return { make: r('make'), animate: r('animate'), extend: r('extend'), edit: r('edit'), connect: r('connect'), scale: r('scale'), physics: r('physics') };
  }

  /** The pipeline figure's stages, timed. */
  get clock(): StageClock {
    return this.figure('make').clock;
  }

  /** Applies a state, as a "try this" button or a link does (values repaired, the URL follows). */
  setState(partial: Partial<Chapter7State>) {
    this.url.set(partial);
  }

  cell(id: Chapter7Cell): LiveCell {
    return this.figure(id).cell;
  }

  /** Runs a figure for the current state (once per state): resolves when it is shown (or it failed). */
  async ensure(id: Chapter7Cell): Promise<unknown> {
    await this.updateComplete; // the figures have the state just set
    return this.figure(id).ensure();
  }

  protected firstUpdated() {
    this.dataset.ready = 'true';
  }

  /** A figure's clip for the current state, if it has one. */
  private fresh(id: Measurable): MadeClip | undefined {
    const c = this.clips[id];
    return c?.key === cellKey(this.url.state, id) ? c : undefined;
  }

  private onClipMade(e: CustomEvent<MadeClip>) {
    this.clips = { ...this.clips, [e.detail.cell]: e.detail };
  }

  /** A figure needs another's clip: that figure runs (if it has not), and the answer is its clip. */
  private onClipWanted(e: CustomEvent<ClipWantedDetail>) {
    const { cell } = e.detail;
    e.detail.made = this.ensure(cell).then(() => this.fresh(cell));
  }

  private onTryThis(e: CustomEvent<TryThisDetail>) {
    this.url.clearProblems();
    this.url.set(e.detail.state as Partial<Chapter7State>);
    const cell = ({ scalePrompt: 'scale', source: 'animate', editPrompt: 'edit', physicsPrompt: 'physics' } as Record<string, Chapter7Cell>)[Object.keys(e.detail.state)[0]];
    if (cell) {
      this.cell(cell).scrollIntoView({ behavior: prefersReducedMotion() ? 'auto' : 'smooth', block: 'start' });
      void this.ensure(cell);
    }
  }

  /** ' (after a and b of the final DiT's c training minutes)', the checkpoints' minutes from the manifest; '' until it is in. */
  private shareNote(): string {
    const m = this.models.manifest;
    const minutes = CHECKPOINTS.map((c) => Number(m?.models[c]?.train_minutes));
    if (!minutes.every((x) => x > 0)) return '';
    return ` (after ${Math.round(minutes[0])} and ${Math.round(minutes[1])} of the final DiT's ${Math.round(minutes[2])} training minutes)`;
  }

  private renderDiffers() {
    const dit = this.models.manifest?.models.dit;
    const params = dit?.params ? `${(dit.params / 1e6).toFixed(1)} million` : 'a few million';
    const trained = dit?.train_minutes ? `${dit.train_minutes} minutes` : 'a few hours';
    return html`<ul class="differs">
      <li>
        <strong>Size.</strong> This DiT has ${params} parameters and trained for ${trained} on two CPU cores. Sora's size
        and training compute are not published; the largest DiT of Peebles and Xie's paper, an image model, already has
        675 million parameters.
      </li>
      <li><strong>Video.</strong> 8 frames of 32 × 32 pixels, against Sora's up to a minute of video at up to 1920 × 1080, widescreen, vertical or anything between.</li>
      <li>
        <strong>Compression.</strong> Here the VAE compresses each frame alone, 4 × in each direction, and a patch is one
        frame's 2 × 2 latent cells. Sora's network compresses time as well as space before the latent is cut into
        spacetime patches.
      </li>
      <li>
        <strong>Data and text.</strong> A procedural world of coloured shapes and a 25-word grammar, against a large
        collection of videos and images, re-captioned by a captioning model, with short prompts expanded by a language
        model.
      </li>
      <li>
        <strong>The same.</strong> Latent diffusion; a transformer over spacetime patches; an image as a one-frame video;
        animating, extending, editing and connecting by the same model; quality that grows with compute. Likely the same,
        though the report does not say: text through cross-attention, and classifier-free guidance.
      </li>
    </ul>`;
  }

  render() {
    const s = this.url.state;
    const source = this.fresh('make')?.clip ?? null;
    const made = (e: CustomEvent<MadeClip>) => this.onClipMade(e);
    const wanted = (e: CustomEvent<ClipWantedDetail>) => this.onClipWanted(e);
    return html`
      <chapter-section .tryThis=${TRY_THIS} .references=${REFERENCES} @try-this=${this.onTryThis}>
        <state-notice .messages=${this.url.messages()}></state-notice>
        <p>
          Every piece is now in place. A prompt is cut into tokens and read by the text encoder; a clip of pure noise,
          ${term('z')} in the VAE's latent space, is denoised step by step by a Diffusion Transformer that looks at the
          text through cross-attention and at the clip as spacetime patches; the VAE decoder turns the clean latent
          into frames. Below, each stage shows what it made and how long it took on your device.
        </p>
        ${this.models.renderWeights()}
        <make-figure .state=${s} .models=${this.models} .manifest=${this.models.manifest} @clip-made=${made}></make-figure>

        <h3>Animating a picture</h3>
        <p>
          Sora's report shows it animating still images, but does not say how. Here nothing new is trained for it: the
          picture is encoded to a latent and held fixed as frame 1 while the others are denoised. Before the first
          step and after every step the model's frame 1 is replaced by the picture's latent, noised to the current
          ${term('t')} with the same noise each time, frame 1's part of the starting noise (the <em>replacement</em>
          method of Ho et al. 2022), so the other frames are made to agree with it. Ho et al. found replacement less
          coherent than their <em>reconstruction guidance</em>, which also nudges the made frames, at every step,
          towards a guess of the held frame that matches the picture. The prompt says what to do with the picture:
          here the judge reads what is in it and your motion is added.
        </p>
        <animate-figure .state=${s} .models=${this.models} @clip-made=${made} @drawing-change=${() => this.url.flush()}></animate-figure>

        <h3>Extending a clip, forwards and backwards</h3>
        <p>
          The same trick runs a clip on: put its last frames at the start of a new window of eight, hold them, and
          the model makes what follows. Put its first frames at the end of the window instead and it makes what came
          before. The model was trained on 8-frame clips, so it sees only the frames inside the window; what happened
          earlier is forgotten.
        </p>
        <extend-figure .state=${s} .models=${this.models} .source=${source} @clip-made=${made} @clip-wanted=${wanted}></extend-figure>

        <h3>Editing a clip: SDEdit</h3>
        <p>
          To change a clip without starting over, noise its latent part of the way, to some ${term('t')}, and
          denoise from there with a new prompt (Meng et al.'s SDEdit; Sora edits video this way). Little noise
          keeps the layout and the motion, and the prompt can only nudge; much noise leaves only rough blobs, and
          the prompt decides nearly everything. A colour is chosen early, at high noise: to make the red circle blue
          the edit has to start that high (it does at 85 %); try 60 % and see whether the circle keeps its red.
        </p>
        <edit-figure .state=${s} .models=${this.models} .manifest=${this.models.manifest} .source=${source} @clip-made=${made} @clip-wanted=${wanted}></edit-figure>

        <h3>Connecting two clips</h3>
        <p>
          Hold the last two frames of one clip at the start of the window and the first two of another at its
          end: the model fills the four frames between with a bridge that has to agree with both.
        </p>
        <connect-figure .state=${s} .models=${this.models} .source=${source} @clip-made=${made} @clip-wanted=${wanted}></connect-figure>

        <h3>More compute, better clips</h3>
        <p>
          Sora's report shows the same prompt and seed getting better as training compute grows. The DiT's first
          training recipe was run a second time to save two early checkpoints${this.shareNote()}. With the final DiT they
          are the same network, sampled the same way, on the same prompts and seeds, but not the same recipe: the
          snapshots read the text encoder's first, bag-of-words output, and the final DiT, after later recipes that
          changed the mix of data and the learning rate, reads its second (chapter 7). So this figure mixes more compute
          with changes of recipe. The judge counts how many clips do what the prompt says.
        </p>
        <scale-figure .state=${s} .backend=${this.models.backend}></scale-figure>

        <h3>Measuring the clip just made</h3>
        <p>
          The judge reads every frame back into objects. Their centroids give each object's path, its speed and
          whether it moved the way the prompt said; consistency is whether the same object, with the same shape and
          size, is in every frame. These are the two video categories in this explainer's scores.
        </p>
        <measure-figure .state=${s} .clips=${this.clips} @clip-wanted=${wanted}></measure-figure>

        <h3>Physics: what the caption does not say</h3>
        <p>
          A video model has to get right what no caption states: an object that is there stays there, and a moving
          one keeps its course and its speed. The Shapes World has one such law: every object moves in a straight
          line at a constant 1.5 to 2.5 px a frame, or stays put, and is in every frame. Sora's report counts its own
          failures of this kind among its limits: objects that appear from nowhere, interactions such as glass
          breaking whose physics it gets wrong. Here eight of the DiT's clips are measured against the law beside
          eight of the world's own, and beside the judge, which checks the caption (a net move of at least 4 px the
          right way) and so passes clips that speed up, stall or drift.
        </p>
        <physics-figure .state=${s} .models=${this.models}></physics-figure>

        <h3>What differs from Sora</h3>
        <p>This page follows the outline of Sora's report, not its details, which are mostly unpublished; almost every number here is smaller by orders of magnitude.</p>
        ${this.renderDiffers()}
        <p>
          Each model's card (parameters, training, data and scores) is in <code>weights/README.md</code> and
          <code>weights/cards/</code> of this project's repository; the checkpoint cell above opens the essentials
          from the manifest this page loads.
        </p>
      </chapter-section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chapter-7': Chapter7;
  }
}
