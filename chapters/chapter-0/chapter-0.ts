// Chapter 0: Diffusion in two dimensions. A 2-D data set (a spiral, two moons,
// or points the reader draws); the forward process as particles spreading into
// a Gaussian; the exact denoiser of the data set, E[x₀ | x_t], as a vector
// field; and DDPM or DDIM sampling with it, the particles flowing back along
// their paths. No weights: everything is computed from the data set itself
// (pipeline/lessons/toy2d.ts). Prose and layout: each figure is an element of
// this folder (forward-2d-figure, sampling-2d-figure, learning-2d-figure, flow-2d-figure,
// guidance-2d-figure), the charts
// components/charts/plane-charts.ts.
import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement } from 'lit/decorators.js';
import '../../components/shell/chapter-section';
import '../../components/shell/state-notice';
import type { TryThisDetail } from '../../components/shell/chapter-section';
import { term } from '../../components/shell/notation';
import { controls, layout, prose } from '../../components/styles';
import { UrlStateController } from '../../components/controllers/url-state-controller';
import './forward-2d-figure';
import './sampling-2d-figure';
import './learning-2d-figure';
import './flow-2d-figure';
import './guidance-2d-figure';
import { LOSS_BELOW, LOSS_WINDOW, LOSS_WITHIN } from '../../pipeline/lessons/mlp2d-train';
import { CHANCE_ON_DATA_PER_100, chapter0Schema, dataSetKey, makeDataSet, MEMORISED, schedule, T, type Chapter0State, type DataSet } from './state';
import { REFERENCES, TRY_THIS } from './try-this';

export { chapter0Schema, type Chapter0State } from './state';

@customElement('chapter-0')
export class Chapter0 extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    css`
      .formula {
        font-size: 1.05rem;
        text-align: center;
        max-width: var(--measure);
        overflow-x: auto;
      }
    `,
  ];

  private url = new UrlStateController(this, chapter0Schema, 'c0');
  /** The data set of the state, handed to both figures. */
  private dataSet: DataSet = makeDataSet(this.url.state);

  private figureEl<K extends 'forward-2d-figure' | 'sampling-2d-figure'>(tag: K): HTMLElementTagNameMap[K] | null {
    return this.renderRoot.querySelector(tag);
  }

  /** What the figures show, for tests: ᾱ_t, the forward particles (x₀, ε, x_t) and the sampler's path. */
  get figure() {
    const s = this.url.state;
    const forward = this.figureEl('forward-2d-figure');
    const sampling = this.figureEl('sampling-2d-figure');
    return {
      t: s.t,
      alphaBar: schedule.alphasCumprod[s.t],
      data: this.dataSet.points,
      x0: forward?.x0 ?? new Float32Array(0),
      eps: forward?.eps ?? new Float32Array(0),
      xt: forward?.xt ?? new Float32Array(0),
      run: sampling?.run ?? null,
      shownStep: sampling?.shownStep ?? Math.min(s.at, s.steps),
    };
  }

  get state(): Chapter0State {
    return this.url.state;
  }

  setState(partial: Partial<Chapter0State>) {
    this.url.set(partial);
  }

  protected willUpdate(_changed: PropertyValues<this>) {
    if (this.dataSet.key !== dataSetKey(this.url.state)) this.dataSet = makeDataSet(this.url.state);
  }

  protected firstUpdated() {
    this.dataset.ready = 'true';
  }

  private onTryThis(e: CustomEvent<TryThisDetail>) {
    this.url.clearProblems();
    this.url.set({ at: T, ...(e.detail.state as Partial<Chapter0State>) });
  }

  render() {
    const s = this.url.state;
    return html`
      <chapter-section .tryThis=${TRY_THIS} .references=${REFERENCES} @try-this=${this.onTryThis}>
        <state-notice .messages=${this.url.messages()}></state-notice>
        <p>
          The whole idea of diffusion fits in a plane. Here the “data set” is a few hundred points in two
          dimensions, and a generative model should make new points that look like them. Diffusion gets there
          backwards: destroying data is easy (add noise), so learn to remove a little noise at a time, then
          start from pure noise and walk back to data.
        </p>
        <h3>Forward: the points spread out</h3>
        <p>
          Each point ${term('x0')} gets its own Gaussian noise ${term('eps')}. At timestep ${term('t')} it sits
          at ${term('xt')} = √${term('alphaBar')} · ${term('x0')} + √(1 − ${term('alphaBar')}) · ${term('eps')},
          with the linear schedule of <a href="#forward-noising">chapter 1</a> (${term('T')} = 1000). Move
          ${term('t')}: the shape blurs, shrinks towards the origin and spreads into a round cloud, the standard
          normal distribution, where every data set ends up.
        </p>
        <forward-2d-figure .state=${s} .dataSet=${this.dataSet} @points-committed=${() => this.url.flush()}></forward-2d-figure>
        <h3>The ideal denoiser</h3>
        <p>
          Given only ${term('xt')}, which point did it come from? For a fixed data set Bayes' rule answers
          exactly. Training point d<sub>i</sub> is the origin with a probability proportional to how likely its
          noise would be, and the best guess in squared error is the weighted average of the points:
        </p>
        <p class="formula">
          E[${term('x0')} | ${term('xt')}] = Σ<sub>i</sub> w<sub>i</sub> d<sub>i</sub>, &nbsp; w = softmax<sub>i</sub>(−‖${term('xt')} − √${term('alphaBar')} d<sub>i</sub>‖² / 2(1 − ${term('alphaBar')}))
        </p>
        <p>
          The arrows point from each place in the plane towards that guess. At small ${term('t')} the softmax
          picks the nearest training point, and the arrows converge on single dots; at large ${term('t')}
          every point is about as likely, and all arrows point at the data's mean. This is the function a
          diffusion model is trained to be: its loss, the squared error of the guess, is smallest exactly here.
        </p>
        <h3>Backward: sampling</h3>
        <p>
          Sampling runs the other way. Start with particles drawn from N(0, I) at ${term('t')} = 999, ask the
          denoiser for its guess x̂<sub>0</sub>, and move part of the way towards it, to the next, smaller
          timestep. Two samplers do this for the same denoiser. ${term('ddpm')}, the original (Ho et al. 2020), adds
          fresh noise at every step; ${term('ddim')} (Song et al. 2021) has a knob ${term('eta')} for how much, and at
          ${term('eta')} = 0 adds none, so its paths are smooth and where a particle ends depends only on where it
          started. (A seeded DDPM run repeats too, but its result depends on the noise drawn at every step as well.)
          The sampler visits the steps you ask for, evenly spaced from 999 down, so the first step always starts
          from the noisiest timestep (diffusers calls this ${term('trailing', '“trailing”')} spacing).
        </p>
        <sampling-2d-figure .state=${s} .dataSet=${this.dataSet}></sampling-2d-figure>
        <h3>A network learns the denoiser</h3>
        <p>
          A diffusion model does not compute that average: it is a neural network trained to predict the noise.
          Below, a small one learns the data set chosen above while you watch, in a worker of this page. It is a
          multilayer perceptron of 5,762 weights (two hidden layers of 64 units) that reads a noisy point
          ${term('xt')} and the timestep ${term('t')} (as a few sines and cosines) and outputs ε̂, its guess of the
          noise ${term('eps')}. Each training step draws 32 training points, a random ${term('t')} and fresh noise for
          each, forms their ${term('xt')}, and moves the weights a little (with Adam) to shrink the loss, the mean
          squared error of the guess, ‖ε̂ − ${term('eps')}‖² (Ho et al. 2020). A guess of the noise is a guess of the
          point: x̂<sub>0</sub> = (${term('xt')} − √(1 − ${term('alphaBar')})·ε̂) / √${term('alphaBar')}, so the same
          samplers run with it.
        </p>
        <learning-2d-figure .state=${s} .dataSet=${this.dataSet}></learning-2d-figure>
        <p>
          The loss falls fast from about 1 (guessing no noise at all), is below ${LOSS_BELOW} by step
          ${LOSS_WITHIN.toLocaleString('en-US')} (on the spiral, averaged over ${LOSS_WINDOW} steps), then creeps down, and stays
          above the dashed line: the ideal denoiser's own loss on these points, which no smooth network reaches. At middle
          timesteps the trained network's arrows point where the ideal denoiser's do: it has learned where the data lies. At the largest
          ${term('t')} they part: there √${term('alphaBar')} is nearly 0 (0.006 at ${term('t')} = 999), and turning
          ε̂ into x̂<sub>0</sub> divides its small error by it, one reason many models predict v instead (Salimans
          &amp; Ho 2022). The samples hardly feel this, since a sampling step there takes only √${term('alphaBar')} of
          that guess. Where the two differ is in the samples: from the same starting noise, with the same
          sampler, the ideal denoiser puts close to half of them within ${MEMORISED} of a training point, the
          spiral's trained network about one in ten, close to what new points drawn from the spiral itself would
          give (${CHANCE_ON_DATA_PER_100} in 100).
        </p>
        <h3>Why this is not yet a generative model</h3>
        <p>
          The ideal denoiser is perfect for its data set, and that is the problem: with enough steps every
          sample lands on a training point. It has memorised the data, and can only give back what it was
          shown. With few steps the last step stops at a noisy ${term('t')}, where the guess still averages a
          few neighbours, so samples fall between close points, along the shape but never anywhere new.
        </p>
        <p>
          The network above, trained with the same loss, cannot represent that function exactly: it is smooth,
          has limited capacity, and sees each training point only through noisy copies. What it learns is a
          smoothed denoiser whose samples fill in the shape between the training points: it generalises. With
          enough data for its size, networks trained on different halves of a data set learn nearly the same
          denoiser (Kadkhodaie et al. 2024); with too little data, or with images repeated many times, real
          models do reproduce training images (Carlini et al. 2023). The models in the next chapters are such
          networks, trained on the Shapes World.
        </p>
        <h3>Flow matching: straight lines to the data</h3>
        <p>
          Stable Diffusion 3 (Esser et al. 2024) and many recent video transformers use a simpler path. Flow
          matching (Lipman et al. 2023), or rectified flow (Liu et al. 2023), mixes a point and its noise along a
          straight line, x<sub>t</sub> = (1 − t)·${term('x0')} + t·${term('eps')} for t from 0 to 1, and trains the
          network to predict the line's velocity, ${term('eps')} − ${term('x0')}. The ideal prediction is again a
          weighted average: the softmax over the training points, now of −‖x<sub>t</sub> − (1 − t)d<sub>i</sub>‖² / 2t²,
          gives E[${term('x0')} | x<sub>t</sub>], and the velocity is v = (x<sub>t</sub> − E[${term('x0')} | x<sub>t</sub>]) / t.
          Sampling follows it from pure noise at t = 1 to the data at t = 0 in Euler steps, x ← x − Δt·v. Below, the
          same starting noise goes through both samplers of the data set chosen above.
        </p>
        <flow-2d-figure .state=${s} .dataSet=${this.dataSet}></flow-2d-figure>
        <p>
          Each training pair moves on a straight line, but the field at a place averages all the lines through it.
          At first every training point is about as likely, so every particle heads for the middle of the data and
          then turns towards the point it settles on: over the whole path the flow's particles are less straight
          than DDIM's, and only the last stretch, once a particle has chosen its point, is straight. (Liu et al.
          straighten the paths by training again on the model's own pairs of noise and sample, “reflow”.) Yet the
          flow reaches its many-step samples in fewer steps, and with the exact field that is not the straightness
          but where the steps fall: an Euler step of this flow is a DDIM step, rescaled, and DDIM run at the flow's
          noise levels gives the flow's samples. Steps even in t spend more of the budget at low noise, where
          particles choose their points; the linear schedule's timesteps spend most of it at high noise.
        </p>
        <h3>Guidance in two dimensions</h3>
        <p>
          Now give the points labels: each of the two moons is a class. A conditional denoiser sees only its class's
          points, E[${term('x0')} | ${term('xt')}, c]; the unconditional one sees them all. Classifier-free guidance
          (Ho &amp; Salimans 2022) extrapolates from the second past the first, ε̂ = ε̂<sub>u</sub> + s·(ε̂<sub>c</sub> − ε̂<sub>u</sub>).
          The noise prediction points down the log density, so the guided one follows the gradient of
          log p(${term('xt')})·p(c | ${term('xt')})<sup>s</sup>:
          s = 0 ignores the label, s = 1 is the conditional model, and a larger s sharpens the classifier hidden in the
          two denoisers, pushing samples to where their class is most certain, away from the other moon.
        </p>
        <guidance-2d-figure .state=${s}></guidance-2d-figure>
        <p>
          Because this conditional denoiser is exact, s = 1 already puts every sample on its own moon; a larger s only
          takes variety away, as the samples crowd onto the parts of their moon farthest from the other. Early in
          sampling the guided guess x̂<sub>0</sub> lies far past the data (draw the guided field at a large t), and
          here the exact denoisers pull the particles back onto training points in the last steps. A trained network
          has no such exact pull: in an image the overshoot stays, as over-saturated colours, which Imagen clips
          (Saharia et al. 2022) and guidance rescale damps (Lin et al. 2023). This is the picture behind the guidance
          slider of <a href="#guidance">chapter 8</a>.
        </p>
      </chapter-section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chapter-0': Chapter0;
  }
}
