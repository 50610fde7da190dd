// Chapter 2: Denoising, step by step. The reverse process with the page's real
// DiT: a prompt, a seed, DDPM or DDIM (with η), 1 to 100 steps and a guidance
// scale; run (Shift+Enter) and watch x_t become a picture; scrub the run to see
// x_t, ε̂ and x̂₀ at every step and where the step sits on the schedule; the
// denoiser's error against t measured on world images; four seeds side by side.
// Prose and layout: each figure is an element of this folder (sampler-figure,
// error-figure, seeds-figure), the math is in pipeline/, the pieces components/.
// The figures run the first time each is seen, one at a time in reading order
// (components/figure/run-queue.ts): the sampler first, the others after it.
import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import '../../components/shell/chapter-section';
import '../../components/shell/state-notice';
import type { Reference, TryThis, TryThisDetail } from '../../components/shell/chapter-section';
import { RunQueue } from '../../components/figure/run-queue';
import { ModelController } from '../../components/controllers/model-controller';
import { term } from '../../components/shell/notation';
import { controls, layout, prose } from '../../components/styles';
import { modelLines } from '../../components/styles/sampling';
import { UrlStateController } from '../../components/controllers/url-state-controller';
import './error-figure';
import './sampler-figure';
import type { StepShown } from './sampler-figure';
import './seeds-figure';
import { chapter2Schema, MODEL, type Chapter2State } from './state';

export { chapter2Schema, generateCommand, type Chapter2State } from './state';

const TRY_THIS: TryThis<Partial<Chapter2State>>[] = [
  {
    question: 'What does a single step make? Why is it a blur, and why is it exactly x̂₀ at the first step of a 30-step run with the same seed?',
    state: { steps: 1, sampler: 'ddim', eta: 0, step: 1, frames: '1' },
    figure: 'sampler-figure',
    answer: html`<p>
      One step from pure noise at t = 999 can only give the model's best guess x̂<sub>0</sub> there, and a
      guess in squared error is an average: of every picture that fits the prompt and (almost) any noise,
      so the object comes out soft, at an average place and size. The single DDIM step goes straight to that
      guess. A 30-step run with the same seed starts from the same noise and calls the same model at the same
      t = 999 first, so its x̂<sub>0</sub> at step 1 is this very picture; the 29 steps after it sharpen the
      guess as the noise goes.
    </p>`,
  },
  {
    question: 'What does guidance 0 do? Which prompt is the model following then — and what changes at 1, and at 10?',
    state: { guidance: 0, step: 100 },
    figure: 'sampler-figure',
    answer: html`<p>
      At 0 only the unconditional half of guidance runs, the model given the empty prompt: it follows no
      prompt and draws something like an average training clip. At 1 it is the plain conditional model, the
      prompt read once. At 10 each step is pushed ten times as far from the unconditional guess towards the
      prompt's: the sample follows the prompt harder, and samples of different seeds look more alike.
      <a href="#guidance">Chapter 8</a> measures both.
    </p>`,
  },
  {
    question: 'For “a yellow triangle”, DDIM makes nearly the same picture in 20 steps as in 50. Does DDPM? Try 20, then 50: why not?',
    state: { prompt: 'a yellow triangle', frames: '1', sampler: 'ddpm', steps: 20, eta: 0, step: 100 },
    figure: 'sampler-figure',
    answer: html`<p>
      No. DDIM with η = 0 is deterministic: the sample is a function of the starting noise alone, and 20 or
      50 steps are two approximations of the same path, close once both are fine enough. DDPM adds fresh noise
      at every step, and with another number of steps it draws other noise at other timesteps, so the two runs
      wander apart into different samples, both plausible. DDPM also needs more steps than DDIM to be good:
      Song et al. found its samples far worse than DDIM's at 20 steps.
    </p>`,
  },
];

const REFERENCES: Reference[] = [
  { title: 'Ho, Jain & Abbeel 2020, Denoising Diffusion Probabilistic Models', href: 'https://arxiv.org/abs/2006.11239', note: 'the DDPM sampler, and predicting ε' },
  { title: 'Song, Meng & Ermon 2021, Denoising Diffusion Implicit Models', href: 'https://arxiv.org/abs/2010.02502', note: 'DDIM: fewer, deterministic steps, and η' },
  { title: 'Salimans & Ho 2022, Progressive Distillation for Fast Sampling of Diffusion Models', href: 'https://arxiv.org/abs/2202.00512', note: 'v-prediction, what this page’s DiT predicts' },
  { title: 'Ho & Salimans 2022, Classifier-Free Diffusion Guidance', href: 'https://arxiv.org/abs/2207.12598', note: 'the guidance scale' },
  { title: 'Hugging Face diffusers: DDPMScheduler and DDIMScheduler', href: 'https://huggingface.co/docs/diffusers/api/schedulers/ddim', note: 'the same steps, in the library most code uses' },
];

type FigureId = 'sampler' | 'error' | 'seeds';

@customElement('chapter-2')
export class Chapter2 extends LitElement {
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
        font-size: 1.08rem;
        margin: 0 0 1em 1.5rem;
        font-variant-numeric: tabular-nums;
      }
      .eq span {
        white-space: nowrap;
      }
      @media (max-width: 30rem) {
        .eq {
          margin-left: 0.5rem;
          font-size: 1rem;
        }
      }
    `,
  ];

  private url = new UrlStateController(this, chapter2Schema, 'c2');
  private models = new ModelController(this, { models: ['text_encoder', MODEL, 'vae_decoder', 'vae_encoder'] });
  /** The figures run by themselves one at a time, in reading order. */
  private readonly queue = new RunQueue(['sampler', 'error', 'seeds']);
  /** The step the sampler shows, marked on the error chart. */
  @state() private runStep: StepShown | null = null;

  private figureEl<K extends `${FigureId}-figure`>(tag: K): HTMLElementTagNameMap[K] | null {
    return this.renderRoot.querySelector(tag);
  }

  // ---------------------------------------------------------------- for tests

  /** The chapter's state (as in the URL). */
  get state(): Chapter2State {
    return this.url.state;
  }

  /** Applies a state as a "try this" button does (values repaired, the URL follows); `run` samples it too (showing its last step). */
  setState(partial: Partial<Chapter2State>, run = false) {
    this.url.set(partial);
    if (!run) return;
    this.url.set({ step: 100 });
    void this.updateComplete.then(() => this.figureEl('sampler-figure')?.start());
  }

  /** Runs a figure for the current state unless that run has started: resolves when it ends. */
  ensure(id: FigureId): Promise<unknown> {
    return this.figureEl(`${id}-figure`)?.ensure() ?? Promise.resolve();
  }

  /** What the figures show now, for tests. */
  get figure() {
    const snap = this.figureEl('sampler-figure')?.snapshot(this.url.state) ?? { run: null, final: null, step: null };
    const e = this.figureEl('error-figure')?.errors;
    const seeds = this.figureEl('seeds-figure')?.seeds;
    return {
      ...snap,
      errors: e ? { images: e.images, world: e.world, rows: e.rows, running: e.running, captions: e.result?.captions ?? [] } : null,
      seeds: seeds ? { settings: seeds.settings, running: seeds.running, clips: seeds.clips.map((c) => (c ? { frames: c.frames, verdict: c.verdict } : null)) } : null,
    };
  }

  // ---------------------------------------------------------------- lifecycle and events

  protected firstUpdated() {
    this.dataset.ready = 'true';
  }

  private async onTryThis(e: CustomEvent<TryThisDetail>) {
    this.url.clearProblems();
    const state = e.detail.state as Partial<Chapter2State>;
    const keepStep = state.step !== undefined && state.step !== 100;
    this.url.set(keepStep ? state : { ...state, step: 100 });
    this.url.flush();
    await this.updateComplete;
    void this.figureEl('sampler-figure')?.start();
  }

  /** The DiT's size from its manifest entry (a retrained DiT may differ). */
  private paramsText(): string {
    const p = this.models.manifest?.models[MODEL]?.params;
    return typeof p === 'number' ? `${(p / 1e6).toFixed(2)} M parameters` : 'a few million parameters';
  }

  render() {
    const s = this.url.state;
    const m = this.models.manifest;
    return html`
      <chapter-section .tryThis=${TRY_THIS} .references=${REFERENCES} @try-this=${this.onTryThis}>
        <state-notice .messages=${this.url.messages()}></state-notice>
        <p>
          Chapter 1 noised a picture in one jump. Sampling goes the other way, in steps: start from pure noise
          ${term('xt')} at ${term('t')} = 999 and ask the denoiser, again and again, what it sees. The denoiser here
          is this page’s small Diffusion Transformer (${this.paramsText()}, trained on the Shapes World in the VAE’s
          latent space, which chapter 4 explains). Given ${term('xt')}, ${term('t')} and the prompt, it predicts the
          <em>velocity</em> v = √${term('alphaBar')}·${term('eps')} − √(1 − ${term('alphaBar')})·${term('x0')}, and
          from v̂ and ${term('xt')} follow both the noise it sees and the clean picture it guesses:
        </p>
        <p class="eq">
          <span>${term('epsHat')} = √ᾱ<sub>t</sub>·v̂ + √(1 − ᾱ<sub>t</sub>)·x<sub>t</sub></span>
          <span>x̂<sub>0</sub> = √ᾱ<sub>t</sub>·x<sub>t</sub> − √(1 − ᾱ<sub>t</sub>)·v̂</span>
        </p>
        <p>
          A <em>sampler</em> turns them into the next, less noisy x<sub>t′</sub>. <strong>DDIM</strong> puts the guess
          back together at the lower noise level,
        </p>
        <p class="eq"><span>x<sub>t′</sub> = √ᾱ<sub>t′</sub>·x̂<sub>0</sub> + √(1 − ᾱ<sub>t′</sub>)·ε̂,</span></p>
        <p>
          with no randomness after the start, so the seed alone decides the picture. <strong>DDPM</strong> steps to
          the average x<sub>t′</sub> given x<sub>t</sub> and x̂<sub>0</sub>, then adds fresh Gaussian noise, at every
          step but the last; DDIM’s η blends the two (η = 1 is DDPM’s noise). Classifier-free guidance runs the
          denoiser on the prompt and on the empty prompt and pushes away from the empty one, by the guidance scale
          ${term('s')}:
        </p>
        <p class="eq"><span>ε̂ = ε̂<sub>uncond</sub> + ${term('s')}·(ε̂<sub>cond</sub> − ε̂<sub>uncond</sub>)</span></p>
        <p>
          The figure runs the whole text-to-video model, so five of its parts are taken on trust until their chapters: it
          denoises the VAE’s latents, not pixels (<a href="#latent-space">chapter 4</a>), cut into spacetime patches
          (<a href="#spacetime-patches">chapter 5</a>), with a transformer (<a href="#unet-vs-dit">chapter 6</a>) that reads
          the prompt through cross-attention (<a href="#conditioning">chapter 7</a>) and is steered by guidance (<a href="#guidance">chapter 8</a>). None of them
          changes the loop above; set ${term('s')} to 1 and guidance is off.
        </p>
        ${this.models.renderWeights()}
        <sampler-figure .state=${s} .models=${this.models} .manifest=${m} .queue=${this.queue} @step-shown=${(e: CustomEvent<StepShown | null>) => (this.runStep = e.detail)}></sampler-figure>
        <p>
          Scrub the run. At the first step x<sub>t</sub> is pure noise and ε̂ is x<sub>t</sub> itself, yet x̂<sub>0</sub>
          is already a blurred guess of the whole picture: the average of everything the prompt could mean. Each
          step commits to a little more of it, and x̂<sub>0</sub> is sharp long before x<sub>t</sub> looks like
          anything. In the latent rows, early on x<sub>t</sub> matches ε̂; at the end it matches x̂<sub>0</sub>. The
          timesteps are evenly spaced in ${term('t')} (“trailing” spacing), so on the cosine schedule about a fifth
          of the steps go by while ᾱ<sub>t</sub> is below 0.1, and half while it is below 0.5.
        </p>
        <h3>How good is the denoiser at each t?</h3>
        <p>
          The denoiser has one job, and it can be graded: take world images whose ${term('x0')} we know, noise them
          to each ${term('t')} with an ${term('eps')} we know, and compare its predictions with both. Whatever a model
          predicts (ε, x<sub>0</sub> or, as here, v), its ε̂ and x̂<sub>0</sub> mix back into the same ${term('xt')}, as the
          true ones do, so the two errors are one error seen twice, MSE(x̂<sub>0</sub>) = MSE(ε̂)/${term('snr')}(${term('t')}).
          ε̂ is hard at small ${term('t')}, where the noise is a whisper on the picture; x̂<sub>0</sub> is hard at
          large ${term('t')}, where little of the picture is left and the model can only guess what was there. The
          dashed lines give the same images the empty prompt: the caption helps most where the picture is gone.
        </p>
        <error-figure .state=${s} .models=${this.models} .manifest=${m} .queue=${this.queue} .runStep=${this.runStep}></error-figure>
        <h3>The seed is the picture</h3>
        <p>
          With DDIM the starting noise decides everything that follows, so a seed is a picture. Four seeds of the
          settings above, side by side, each read by the world’s judge: where they differ is everything the prompt
          left open (“a yellow triangle” can be anywhere, big or small), and where a seed fails is the model’s
          fault.
        </p>
        <seeds-figure .state=${s} .models=${this.models} .manifest=${m} .queue=${this.queue}></seeds-figure>
      </chapter-section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chapter-2': Chapter2;
  }
}
