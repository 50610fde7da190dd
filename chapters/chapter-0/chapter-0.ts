// Chapter 0: Diffusion in two dimensions. A 2-D data set (a spiral, two moons,
// or points the reader draws); the forward process as particles spreading into
// a Gaussian; the exact denoiser of the data set, E[x₀ | x_t], as a vector
// field; and DDPM or DDIM sampling with it, the particles flowing back along
// their paths. No weights: everything is computed from the data set itself
// (pipeline/lessons/toy2d.ts). Prose and layout: each figure is an element of
// this folder (forward-2d-figure, sampling-2d-figure), the charts
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
import { chapter0Schema, dataSetKey, makeDataSet, schedule, T, type Chapter0State, type DataSet } from './state';
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
        <h3>Why this is not yet a generative model</h3>
        <p>
          The ideal denoiser is perfect for its data set, and that is the problem: with enough steps every
          sample lands on a training point. It has memorised the data, and can only give back what it was
          shown. With few steps the last step stops at a noisy ${term('t')}, where the guess still averages a
          few neighbours, so samples fall between close points, along the shape but never anywhere new.
        </p>
        <p>
          A neural network trained with the same loss cannot represent this function exactly: it is smooth,
          has limited capacity, and sees each training point only through noisy copies. What it learns is a
          smoothed denoiser whose samples fill in the shape between the training points: it generalises. With
          enough data for its size, networks trained on different halves of a data set learn nearly the same
          denoiser (Kadkhodaie et al. 2024); with too little data, or with images repeated many times, real
          models do reproduce training images (Carlini et al. 2023). The models in the next chapters are such
          networks, trained on the Shapes World.
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
