// Chapter 1: Forward noising. A picture from the Shapes World (or one the
// reader paints), the timestep slider, the noise schedules and the zero-SNR
// rescale, the curves of ᾱ_t, √ᾱ_t, √(1 − ᾱ_t) and log-SNR, the pixel histogram
// turning Gaussian; then the world itself, with the judge's reading drawn over
// its clips. Prose and layout: each figure is an element of this folder
// (noising-figure, shapes-world-figure), the math is pipeline/, the charts
// components/charts/noising-charts.ts.
import { LitElement, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import '../../components/shell/chapter-section';
import '../../components/shell/state-notice';
import type { Reference, TryThis, TryThisDetail } from '../../components/shell/chapter-section';
import { term } from '../../components/shell/notation';
import { controls, layout, prose } from '../../components/styles';
import { UrlStateController } from '../../components/controllers/url-state-controller';
import './noising-figure';
import type { NoisingFigure } from './noising-figure';
import { logSnr } from '../../components/charts/noising-charts';
import { makeSchedule } from '../../pipeline/diffusion';
import './shapes-world-figure';
import { chapter1Schema, chapter1Styles, fmt, SCHEDULE_NAMES, type Chapter1State } from './state';

export { chapter1Schema, type Chapter1State } from './state';

/** The schedule's numbers at the noising figure's t, as its readout shows them. */
function scheduleAt(figure: HTMLElement, what: (abar: number) => string): string | undefined {
  const f = figure as NoisingFigure;
  const abar = f.alphaBar;
  if (!f.state || !Number.isFinite(abar)) return undefined;
  return `t = ${f.state.t}, ${SCHEDULE_NAMES[f.state.schedule]}${f.state.zsnr === 'on' ? ' rescaled to zero SNR' : ''}: ${what(abar)}.`;
}
/** ᾱ_t of the plain linear schedule, for the cosine answer's comparison (computed here, as the figure does). */
const LINEAR_ABAR = makeSchedule({ betaSchedule: 'linear' }).alphasCumprod;
/** Where the linear schedule's √ᾱ_t and √(1 − ᾱ_t) cross (ᾱ_t = 0.5). */
const EQUAL_T = LINEAR_ABAR.findIndex((a) => a < 0.5);

const TRY_THIS: TryThis<Partial<Chapter1State>>[] = [
  {
    question: 'On the linear schedule, how far does t go before you can no longer tell the shapes apart? Look at √ᾱ_t there.',
    state: { source: 'world', schedule: 'linear', zsnr: 'off', t: 450 },
    figure: 'noising-figure',
    live: { read: (f) => scheduleAt(f, (abar) => `√ᾱ_t = ${fmt(Math.sqrt(abar))}, √(1 − ᾱ_t) = ${fmt(Math.sqrt(1 - abar))}`) },
    answer: html`<p>
      Not as far as the curves suggest. At t = 450, x<sub>t</sub> looks like noise, yet √ᾱ<sub>t</sub> says a
      third of the picture's amplitude is still in it: each pixel gets nearly three times as much noise as
      picture, so no pixel alone tells you anything, and only an average over many of them (as a network
      takes) still finds a big shape. Step t down: the shapes come back as you near the place where the two
      curves cross, signal equal to noise (ᾱ<sub>t</sub> = 0.5, at t = ${EQUAL_T} on the linear schedule).
    </p>`,
  },
  {
    question: 'Stable Diffusion’s scaled_linear schedule stops at t = 999 with ᾱ_t = 0.0047. Is x₉₉₉ pure noise? Then tick the zero-SNR rescale.',
    state: { schedule: 'scaled_linear', zsnr: 'off', t: 999 },
    figure: 'noising-figure',
    live: { read: (f) => scheduleAt(f, (abar) => `ᾱ_t = ${fmt(abar, 4)}, √ᾱ_t = ${fmt(Math.sqrt(abar))}, log-SNR ${fmt(logSnr(abar), 2)}`) },
    answer: html`<p>
      No: √ᾱ<sub>999</sub> is about 0.07, so x<sub>999</sub> still holds a trace of the picture. You hardly see
      it, but a network does (the big shape's average colour and place), learns to rely on it, and at sampling
      gets pure noise, which has none: Lin et al. show that is why Stable Diffusion cannot make a very dark
      or a very bright picture. With the rescale, ᾱ<sub>999</sub> is exactly 0 and log-SNR −∞: x<sub>999</sub>
      is ε alone and the histogram is N(0, 1). The rest of the curve moves only a little.
    </p>`,
  },
  {
    question: 'Why did Nichol & Dhariwal switch to the cosine schedule? Compare it with linear at t = 500, on the log-SNR chart too.',
    state: { schedule: 'squaredcos_cap_v2', zsnr: 'off', t: 500 },
    figure: 'noising-figure',
    live: { read: (f) => scheduleAt(f, (abar) => `ᾱ_t = ${fmt(abar, 4)}, log-SNR ${fmt(logSnr(abar), 2)}`) },
    answer: html`<p>
      At t = 500 the cosine schedule keeps about half of ᾱ (log-SNR near 0, signal and noise equal), where
      the linear one is down to ᾱ = ${fmt(LINEAR_ABAR[500], 3)}. On the log-SNR chart the cosine curve falls
      nearly straight through the middle, spreading the timesteps evenly over noise levels; linear drops fast
      and then spends its last few hundred steps where nothing is left. Nichol &amp; Dhariwal found those last
      steps of the linear schedule add little (they could skip a fifth of them), most of all for small
      pictures like these, and that the cosine schedule improved the model's likelihood.
    </p>`,
  },
];
const REFERENCES: Reference[] = [
  { title: 'Ho, Jain & Abbeel 2020, Denoising Diffusion Probabilistic Models', href: 'https://arxiv.org/abs/2006.11239', note: 'the forward process in one jump, and the linear schedule' },
  { title: 'Nichol & Dhariwal 2021, Improved Denoising Diffusion Probabilistic Models', href: 'https://arxiv.org/abs/2102.09672', note: 'the cosine schedule' },
  { title: 'Rombach et al. 2022, High-Resolution Image Synthesis with Latent Diffusion Models', href: 'https://arxiv.org/abs/2112.10752', note: 'Stable Diffusion, whose schedule is scaled_linear' },
  { title: 'Kingma, Salimans, Poole & Ho 2021, Variational Diffusion Models', href: 'https://arxiv.org/abs/2107.00630', note: 'a schedule is a path down log-SNR' },
  { title: 'Salimans & Ho 2022, Progressive Distillation for Fast Sampling of Diffusion Models', href: 'https://arxiv.org/abs/2202.00512', note: 'v-prediction, what every model here predicts' },
  { title: 'Lin, Liu, Li & Yang 2023, Common Diffusion Noise Schedules and Sample Steps are Flawed', href: 'https://arxiv.org/abs/2305.08891', note: 'zero terminal SNR, with v-prediction and trailing spacing' },
];

@customElement('chapter-1')
export class Chapter1 extends LitElement {
  static styles = [prose, controls, layout, chapter1Styles];

  private url = new UrlStateController(this, chapter1Schema, 'c1');

  /** What the noising figure shows, for tests: the timestep, ᾱ_t, and x₀, ε and x_t as model values. */
  get figure() {
    const s = this.url.state;
    const f = this.renderRoot.querySelector('noising-figure');
    return {
      t: s.t,
      schedule: s.schedule,
      zsnr: s.zsnr,
      seed: s.seed,
      alphaBar: f?.alphaBar ?? NaN,
      x0: f?.x0 ?? new Float32Array(0),
      eps: f?.eps ?? null,
      xt: f?.xt ?? new Float32Array(0),
      probe: f?.picture?.probe,
    };
  }

  /** The chapter's state (as in the URL). */
  get state(): Chapter1State {
    return this.url.state;
  }

  /** Applies a state, as a "try this" button or a link does (values repaired, the URL follows). */
  setState(partial: Partial<Chapter1State>) {
    this.url.set(partial);
  }

  protected firstUpdated() {
    this.dataset.ready = 'true';
  }

  private onTryThis(e: CustomEvent<TryThisDetail>) {
    this.url.clearProblems();
    this.url.set(e.detail.state as Partial<Chapter1State>);
  }

  render() {
    const s = this.url.state;
    return html`
      <chapter-section
        .tryThis=${TRY_THIS}
        .references=${REFERENCES}
        @try-this=${this.onTryThis}
      >
        <state-notice .messages=${this.url.messages()}></state-notice>
        <p>
          A diffusion model learns to undo one thing: Gaussian noise added to a picture. Adding it needs no
          learning at all. Take a clean picture ${term('x0')}, pixel values in [−1, 1], and fresh noise
          ${term('eps')}, one standard normal number for every pixel and channel. At timestep ${term('t')},
          from 0 to ${term('T')} − 1 = 999,
        </p>
        <p class="readout" style="font-size:1.1rem">
          ${term('xt')} = √${term('alphaBar')} · ${term('x0')} + √(1 − ${term('alphaBar')}) · ${term('eps')}
        </p>
        <p>
          where ${term('alphaBar')} falls from nearly 1 to nearly 0 as ${term('t')} grows. There is no need to
          add noise step by step: a sum of small Gaussian steps is one Gaussian, so any ${term('xt')} comes in
          one jump. That is why training is cheap: pick a picture, a ${term('t')} and an ${term('eps')}, make
          ${term('xt')}, and ask the network what went in. DDPM asked for ${term('eps')} back; every denoiser
          trained for this page is asked instead for the <em>velocity</em> v = √${term('alphaBar')}·${term('eps')} −
          √(1 − ${term('alphaBar')})·${term('x0')}, from which both ${term('eps')} and ${term('x0')} follow (chapter 3).
          v is a sensible target at every noise level (Salimans &amp; Ho 2022): at ${term('alphaBar')} = 0,
          ${term('xt')} is all ${term('eps')}, so asking for ${term('eps')} teaches nothing about the picture, while
          v is −${term('x0')}.
        </p>
        <noising-figure .state=${s} @drawing-committed=${() => this.url.flush()}></noising-figure>
        <h3>What the schedule decides</h3>
        <p>
          The schedule is the list of per-step variances ${term('beta')}; ${term('alphaBar')} is the product of
          the (1 − β) up to ${term('t')}. DDPM's <em>linear</em> schedule has wiped the picture out by about
          ${term('t')} = 600 and spends the last 400 steps on what is nearly pure noise. The <em>cosine</em>
          schedule lowers ${term('alphaBar')} more gently, so more timesteps see a picture worth denoising.
          Stable Diffusion's <em>scaled linear</em> schedule, made for latents, stops early: at
          ${term('t')} = 999, √ᾱ = 0.068 of the picture is still there. The model learns to use that trace, and
          then, at sampling, starts from pure noise that has none. Rescaling to zero terminal
          ${term('snr')} makes ${term('alphaBar')} exactly 0 at the end, so training and sampling agree. It is not
          free: at ${term('alphaBar')} = 0 the clean picture cannot be had from the predicted noise ${term('epsHat')}
          (x̂<sub>0</sub> = (${term('xt')} − √(1 − ${term('alphaBar')})·ε̂)/√${term('alphaBar')} divides by zero), so
          Lin et al. pair the rescale with v-prediction, and with “trailing” timestep spacing, so that sampling
          starts at the last timestep, the one that is pure noise.
        </p>
        <p>
          The log-${term('snr')} chart shows the same schedules as paths from high signal to none. Seen that
          way a schedule is only a choice of how many timesteps to spend at each noise level.
        </p>
        <h3>The pixels turn Gaussian</h3>
        <p>
          A Shapes World picture is mostly black, so at ${term('t')} = 0 nearly every pixel value is −1, with a
          few at the colours' values. As ${term('t')} grows the histogram slides towards 0, widens, and
          becomes the bell of N(0, 1). At the end nothing tells ${term('xt')} from ${term('eps')}: that is why
          sampling can start from pure noise.
        </p>
        <h3>The world every model here learns from</h3>
        <p>
          Every model in this explainer is trained on the <em>Shapes World</em>: clips of 8 frames, 32 × 32
          pixels, with one or two coloured circles, squares or triangles, still or moving, and a caption in a
          tiny grammar. A <em>judge</em> reads frames back into objects (colour, shape, size, where they are,
          how they move) and says whether a clip matches a caption. Later chapters use it to score what the
          models make. Type a caption, or step through training examples: the boxes, labels and dashed
          centroid paths are what the judge read.
        </p>
        <shapes-world-figure .state=${s}></shapes-world-figure>
      </chapter-section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chapter-1': Chapter1;
  }
}
