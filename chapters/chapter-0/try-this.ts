// Chapter 0's "Try this" questions, their answers (each reading a number live
// from the figure it changes where it can) and the chapter's references. The
// chapter (chapter-0.ts) hands both to its <chapter-section>.
import { html } from 'lit';
import type { Reference, TryThis } from '../../components/shell/chapter-section';
import { encodePoints } from '../../pipeline/lessons/toy2d';
import type { Sampling2dFigure } from './sampling-2d-figure';
import { MEMORISED, SAMPLE_PARTICLES, type Chapter0State } from './state';

/** The end of the sampling figure's run as it reads now: how many samples are training points (answers 1–3). */
function samplesOnData(figure: HTMLElement): string | undefined {
  const f = figure as Sampling2dFigure;
  const run = f.run;
  if (!run) return undefined;
  return `${f.state.sampler.toUpperCase()}, ${f.state.steps} step${f.state.steps > 1 ? 's' : ''}: ${run.onData} of ${SAMPLE_PARTICLES} samples lie within ${MEMORISED} of a training point; the nearest is ${run.meanDistance.toFixed(3)} away on average.`;
}

export const TRY_THIS: TryThis<Partial<Chapter0State>>[] = [
  {
    question: 'Sample with a single DDIM step. Where do all the particles go, and why there?',
    state: { data: 'spiral', sampler: 'ddim', steps: 1 },
    figure: 'sampling-2d-figure',
    answer: html`<p>
      All ${SAMPLE_PARTICLES} particles land in one small clump at the mean of the spiral's points, on none of the points. One
      DDIM step from t = 999 jumps straight to the denoiser's guess x̂<sub>0</sub>. At t = 999 the linear
      schedule leaves √ᾱ<sub>t</sub> ≈ 0.006 of the data, so x<sub>t</sub> says almost nothing about where it came
      from: the softmax weights are nearly equal and the best guess is the mean of all the training points,
      whatever noise a particle started from.
    </p>`,
    live: { read: samplesOnData },
  },
  {
    question: 'Draw three points and sample with 200 DDPM steps. What can the ideal denoiser make?',
    state: { data: 'drawn', points: encodePoints([-1, -0.8, 1, -0.8, 0, 1]), sampler: 'ddpm', steps: 200 },
    figure: 'sampling-2d-figure',
    answer: html`<p>
      Only the three points: every sample ends on one of them. Near t = 0 the softmax
      puts all the weight on the nearest training point, so the last steps pull each particle onto it. The
      ideal denoiser of a data set can give back only that data set; it has nothing to fill the space
      between the points with.
    </p>`,
    live: { read: samplesOnData },
  },
  {
    question: 'Use all 1,000 steps on the spiral. What share of the samples are training points? Is that a good generative model?',
    state: { data: 'spiral', sampler: 'ddim', steps: 1000 },
    figure: 'sampling-2d-figure',
    answer: html`<p>
      Nearly all of them: with every step the last ones run at small t, where the guess is the nearest
      training point, and the particles snap onto it. It is a perfect memoriser and a poor generative model:
      it never makes a point that was not in the data. A trained network, smoother than this function, fills
      in the curve between the points instead.
    </p>`,
    live: { read: samplesOnData },
  },
];
export const REFERENCES: Reference[] = [
  { title: 'Sohl-Dickstein et al. 2015, Deep Unsupervised Learning using Nonequilibrium Thermodynamics', href: 'https://arxiv.org/abs/1503.03585', note: 'where diffusion models began, with a 2-D spiral' },
  { title: 'Ho, Jain & Abbeel 2020, Denoising Diffusion Probabilistic Models', href: 'https://arxiv.org/abs/2006.11239', note: 'the DDPM sampler' },
  { title: 'Song, Meng & Ermon 2021, Denoising Diffusion Implicit Models', href: 'https://arxiv.org/abs/2010.02502', note: 'DDIM: deterministic, fewer steps' },
  { title: 'Karras et al. 2022, Elucidating the Design Space of Diffusion-Based Generative Models', href: 'https://arxiv.org/abs/2206.00364', note: 'the ideal denoiser of a finite data set' },
  { title: 'Kadkhodaie et al. 2024, Generalization in diffusion models arises from geometry-adaptive harmonic representations', href: 'https://arxiv.org/abs/2310.02557', note: 'when networks memorise, and when they generalise' },
  { title: 'Carlini et al. 2023, Extracting Training Data from Diffusion Models', href: 'https://arxiv.org/abs/2301.13188', note: 'memorisation in real image models' },
];
