// Chapter 5: U-Net versus Diffusion Transformer. The same prompt, seed,
// sampler and steps through the latent U-Net and the DiT, side by side and
// stepping together (x̂₀ of both at every step; a step timed here; parameters
// and FLOPs from the manifest; the judge on both); a race over 16 seeds; and
// inside the DiT: its adaLN-Zero modulation against t, and self-attention over
// a clip's spacetime tokens. Prose and layout: each figure is an element of
// this folder (duel-figure, race-figure, adaln-figure, attention-figure), the
// arithmetic is pipeline/lessons/denoiser-duel.ts and pipeline/lessons/dit-inspect.ts,
// the pieces components/. The figures run the first time each is seen, one at
// a time in reading order (components/figure/run-queue.ts); the race on its button.
import { LitElement, css, html, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import '../../components/shell/chapter-section';
import '../../components/shell/state-notice';
import type { TryThisDetail } from '../../components/shell/chapter-section';
import { REFERENCES, TRY_THIS, type TryState } from './try-this';
import { RunQueue } from '../../components/figure/run-queue';
import { ModelController } from '../../components/controllers/model-controller';
import { term } from '../../components/shell/notation';
import { controls, layout, prose } from '../../components/styles';
import { modelLines } from '../../components/styles/sampling';
import { UrlStateController } from '../../components/controllers/url-state-controller';
import './adaln-figure';
import './attention-figure';
import './duel-figure';
import './race-figure';
import './whole-dit';
import './why-transformer';
import { ADALN_PARAMS, ADALN_POINTS, ATTN_PARAMS, chapter5Schema, DIT, DUEL_PARAMS, INSPECT, UNET, type Chapter5State } from './state';

export { chapter5Schema, type Chapter5State } from './state';

type FigureTag = 'duel-figure' | 'race-figure' | 'adaln-figure' | 'attention-figure';
const FIGURES: Record<string, FigureTag> = { duel: 'duel-figure', race: 'race-figure', adaln: 'adaln-figure', attn: 'attention-figure' };

@customElement('chapter-5')
export class Chapter5 extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    modelLines,
    css`
      .eq {
        display: flex;
        flex-direction: column;
        gap: 0.25rem;
        font-size: 1.05rem;
        margin: 0 0 1em 1.5rem;
        font-variant-numeric: tabular-nums;
      }
      @media (max-width: 30rem) {
        .eq {
          margin-left: 0.25rem;
          font-size: 0.95rem;
        }
      }
    `,
  ];

  private url = new UrlStateController(this, chapter5Schema, 'c5');
  private models = new ModelController(this, { models: ['text_encoder', UNET, DIT, 'vae_decoder', INSPECT] });
  /** The figures run by themselves one at a time, in reading order (the race only on its button). */
  private readonly queue = new RunQueue(['duel', 'adaln', 'attn']);

  private figureEl<K extends FigureTag>(tag: K): HTMLElementTagNameMap[K] | null {
    return this.renderRoot.querySelector(tag);
  }

  // ---------------------------------------------------------------- for tests

  get state(): Chapter5State {
    return this.url.state;
  }

  /** Applies a state as a "try this" button does; `run` starts the side by side too (showing its last step). */
  setState(partial: Partial<Chapter5State>, run = false) {
    this.url.set(partial);
    if (!run) return;
    this.url.set({ step: 100 });
    void this.updateComplete.then(() => this.figureEl('duel-figure')?.start());
  }

  /** Runs a figure ('duel', 'race', 'adaln', 'attn') for the current state unless that run has started: resolves when it ends. */
  ensure(id: string): Promise<unknown> {
    const tag = FIGURES[id];
    return (tag && this.figureEl(tag)?.ensure()) || Promise.resolve();
  }

  /** What the figures show now, for tests. */
  get figure() {
    const s = this.url.state;
    const duel = this.figureEl('duel-figure');
    const race = this.figureEl('race-figure')?.race;
    return {
      duel: duel?.snapshot(s) ?? null,
      cost: duel?.costRows(s) ?? [],
      race: race ? { settings: race.settings, seeds: race.seeds, running: race.running, stopped: race.stopped, samples: race.samples } : null,
      adaln: this.figureEl('adaln-figure')?.table ?? null,
      attn: this.figureEl('attention-figure')?.snapshot(s) ?? null,
    };
  }

  /** Stops the race where it is. */
  stopRace() {
    this.figureEl('race-figure')?.stop();
  }

  // ---------------------------------------------------------------- lifecycle and events

  protected firstUpdated() {
    this.dataset.ready = 'true';
  }

  private async onTryThis(e: CustomEvent<TryThisDetail>) {
    this.url.clearProblems();
    const { snapQuery, startRace, ...state } = e.detail.state as TryState;
    this.url.set(state);
    this.url.flush();
    await this.updateComplete; // the figures have the new state
    const now = this.url.state;
    const asks = (keys: (keyof Chapter5State)[]) => keys.some((k) => k in state);
    const duel = this.figureEl('duel-figure'), attn = this.figureEl('attention-figure');
    // each figure the question is about runs now, unless it already shows that state
    const ran = asks(DUEL_PARAMS) && duel && !duel.shows(now) ? duel.start() : Promise.resolve();
    // the race after the side by side, so the two do not share the machine while they are timed
    if (startRace) void ran.then(() => this.figureEl('race-figure')?.start());
    if (asks(ADALN_PARAMS)) this.figureEl('adaln-figure')?.readIfNone();
    if (asks(ATTN_PARAMS) && attn && !attn.shows(now)) void attn.start();
    if (snapQuery) attn?.snapWhenMade();
  }

  render() {
    const s = this.url.state;
    const manifest = this.models.manifest;
    const unet = manifest?.models[UNET], dit = manifest?.models[DIT];
    const size = (e: typeof dit) => (typeof e?.params === 'number' ? `${(e.params / 1e6).toFixed(2)} M parameters` : '');
    return html`
      <chapter-section .tryThis=${TRY_THIS} .references=${REFERENCES} @try-this=${this.onTryThis}>
        <state-notice .messages=${this.url.messages()}></state-notice>
        <p>
          Chapter 3 treated the denoiser as a box: ${term('xt')}, ${term('t')} and the prompt go in, a prediction comes out. Two designs
          fill that box. The <strong>U-Net</strong>, the denoiser of DDPM and of Stable Diffusion, is a stack of convolutions that
          halves the picture’s resolution on the way down and doubles it on the way up, with skip connections across; the timestep is
          added inside every residual block, and the text enters through ${term('crossAttention')} at each resolution. The
          <strong>Diffusion Transformer</strong> (DiT) cuts the latent into patches, as chapter 5 did, and runs a plain transformer
          over them: every token attends to every other token, and the timestep steers each block through adaptive layer norm
          (${term('adaln')}: the scales and shifts around each layer norm are computed from the timestep; its formula is below). Sora
          is a DiT over spacetime patches.
        </p>
        <p>
          This page has one of each, trained on the same Shapes World latents with the same recipe (v-prediction, the cosine schedule,
          the same text encoder, the prompt dropped a tenth of the time; the DiT saw clips as well as images, the U-Net only images),
          and with the same inputs and outputs: a latent
          (N, F, 4, H, W), a timestep and the prompt’s 24 × 128 states in, v̂ out. So the page can swap one for the other. One
          difference matters: the U-Net here is an <em>image</em> model. Its convolutions see one frame, and given a clip it denoises
          each frame on its own, so it cannot make motion. That is this U-Net, not every U-Net: video U-Nets add layers across time.
          Video Diffusion Models (Ho et al. 2022) interleave spatial layers with attention over frames, Imagen Video cascades such
          U-Nets, and Stable Video Diffusion inserts temporal layers into Stable Diffusion’s image U-Net. Ours has none, so the
          comparison is on images, one frame each, where both are at home.
        </p>
        ${this.models.renderWeights()}
        <duel-figure .state=${s} .models=${this.models} .manifest=${manifest} .queue=${this.queue}></duel-figure>
        <p>
          Both start from the same noise (the seed fixes it) and take the same sampler steps; only the network that predicts v̂ differs.
          Early on, each x̂<sub>0</sub> is that network’s guess of the average picture the prompt allows. Often the two end close
          together, the same object in the same place. Networks that learn the same data well can learn nearly the same map from
          noise to picture: Kadkhodaie et al. trained two on halves of a data set with no image in common, and from the same noise they
          made nearly the same image. Here the designs differ as well. The line under the pictures measures how close they came;
          another seed or prompt may part them. Parameters and FLOPs are counted from each ONNX graph
          (FLOPs as 2 × every multiply-add of its matrix products and convolutions), for one guided step: the network runs on a
          batch of two, the prompt and the empty prompt. FLOPs are not time: how long a step takes also depends on how well this
          device runs each kind of operation, so the table gives both.
          ${dit ? html`The DiT here has ${size(dit)}${unet ? html`, the U-Net ${size(unet)}` : nothing}.` : nothing}
        </p>
        <h3>A race over 16 seeds</h3>
        <p>
          One seed proves little. The race takes the settings above through both denoisers for 16 seeds in turn, judges every sample
          and keeps score: the pass rate so far with its 95 % interval, and the seconds each spent denoising. With 16 samples the
          interval is wide; a difference of a sample or two is noise.
        </p>
        <race-figure .state=${s} .models=${this.models} .manifest=${manifest}></race-figure>
        <why-transformer .manifest=${manifest}></why-transformer>
        <whole-dit></whole-dit>
        <h3>Inside the DiT: adaLN-Zero</h3>
        <p>
          How does one network denoise both a picture that is nearly all noise and one that is nearly clean? It is told
          ${term('t')}, and in a DiT the timestep steers every block. From the timestep’s embedding <em>c</em>, each block computes six
          vectors as wide as a token, and uses them around its two branches (LN is layer norm without its own scale and shift):
        </p>
        <p class="eq">
          <span>(shift₁, scale₁, gate₁, shift₂, scale₂, gate₂) = Linear(SiLU(<em>c</em>))</span>
          <span>x ← x + gate₁ · Attention(LN(x) · (1 + scale₁) + shift₁)</span>
          <span>x ← x + gate₂ · MLP(LN(x) · (1 + scale₂) + shift₂)</span>
        </p>
        <p>
          “Zero” is how it starts: that Linear layer begins at zero, so every gate is 0 and every block passes x through unchanged,
          and training opens the gates it needs. In this DiT the prompt enters through cross-attention, so <em>c</em> depends on
          ${term('t')} alone, and so do the six vectors: one call of the network with a batch of ${ADALN_POINTS} timesteps gives every
          curve below. Left to right is the order in which sampling meets them.
        </p>
        <adaln-figure .state=${s} .models=${this.models} .manifest=${manifest} .queue=${this.queue}></adaln-figure>
        <p>
          Read the curves from left to right, as sampling does: the weights are the same at every ${term('t')}, and the modulation
          is what adapts them from one noise level to the next. A gate near 0 means the block’s branch barely adds to x at that
          ${term('t')}; a large scale sharpens or flattens the normalised features before the branch reads them.
        </p>
        <h3>Inside the DiT: attention over space and time</h3>
        <p>
          A clip of 8 frames is 8 × 4 × 4 = 128 tokens, and in every layer each token attends to all 128: to the other patches of its
          own frame and to every patch of the other frames. That is how the DiT keeps a moving object the same object from frame to
          frame, where this U-Net, seeing one frame, cannot. Below is one clip the DiT made, and for one query patch the softmax row
          of its self-attention (which of the 128 tokens it reads, and how much), from the very run that made the clip: the network
          is called again on that step’s ${term('xt')}, with the prompt, and asked for its attention.
        </p>
        <attention-figure .state=${s} .models=${this.models} .manifest=${manifest} .queue=${this.queue}></attention-figure>
        <p>
          Click a patch in any frame to make it the query, and step through the layers: the readout gives, layer by layer, how much
          of the query’s attention stays in its own frame. Layers that keep to their frame work on the picture; layers that spread
          over the clip are where one frame can learn from the others, and where the patch a query attends to most in each frame
          can follow an object as it moves. Whatever division of labour you find was learned, not built in: nothing in the DiT says
          which tokens are neighbours, in space or in time, except their sin-cos position features.
        </p>
      </chapter-section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chapter-5': Chapter5;
  }
}
