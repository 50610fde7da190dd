// Chapter 0's "Try this" questions, their answers (each reading a number live
// from the figure it changes where it can) and the chapter's references. The
// chapter (chapter-0.ts) hands both to its <chapter-section>.
import { html } from 'lit';
import type { Reference, TryThis } from '../../components/shell/chapter-section';
import { encodePoints } from '../../pipeline/lessons/toy2d';
import type { Sampling2dFigure } from './sampling-2d-figure';
import type { Flow2dFigure } from './flow-2d-figure';
import type { Guidance2dFigure } from './guidance-2d-figure';
import { FLOW_MAX_STEPS, FLOW_REFERENCE_STEPS, FLOW_TOLERANCE, stepsToReach } from '../../pipeline/lessons/flow2d';
import { CHANCE_ON_DATA_PER_100, DATA_POINTS, MEMORISED, SAMPLE_PARTICLES, type Chapter0State } from './state';
import type { Learning2dFigure } from './learning-2d-figure';
import { COMPARE_PARTICLES } from '../../pipeline/lessons/mlp2d-train';

/** The end of the sampling figure's run as it reads now: how many samples are training points (answers 1–3). */
function samplesOnData(figure: HTMLElement): string | undefined {
  const f = figure as Sampling2dFigure;
  const run = f.run;
  if (!run) return undefined;
  return `${f.state.sampler.toUpperCase()}, ${f.state.steps} step${f.state.steps > 1 ? 's' : ''}: ${run.onData} of ${SAMPLE_PARTICLES} samples lie within ${MEMORISED} of a training point; the nearest is ${run.meanDistance.toFixed(3)} away on average.`;
}

/** The flow figure's errors at its step count, and the step counts that come within the tolerance (flow answer 1). */
function flowSteps(figure: HTMLElement): string | undefined {
  const f = figure as Flow2dFigure;
  const e = f.errors, c = f.comparison;
  if (!e || !c) return undefined;
  const reach = (err: number[]) => stepsToReach(c.stepCounts, err, FLOW_TOLERANCE) ?? `more than ${FLOW_MAX_STEPS}`;
  return `${f.state.fsteps} steps: the flow's samples ${e.flow.toFixed(3)} from the ${FLOW_REFERENCE_STEPS}-step ones, DDIM's ${e.ddim.toFixed(3)}; within ${FLOW_TOLERANCE} from ${reach(c.flowError)} steps (flow) and ${reach(c.ddimError)} (DDIM).`;
}

/** The flow figure's straightness ratios (flow answer 2). */
function flowStraightness(figure: HTMLElement): string | undefined {
  const st = (figure as Flow2dFigure).comparison?.straightness;
  if (!st) return undefined;
  return `length ÷ distance, whole paths: flow ${st.flow.toFixed(2)}, DDIM ${st.ddim.toFixed(2)}; last stretch: flow ${st.flowLate.toFixed(2)}, DDIM ${st.ddimLate.toFixed(2)}.`;
}

/** The guidance figure's measures at its scale (guidance answers). */
function guided(figure: HTMLElement): string | undefined {
  const f = figure as Guidance2dFigure;
  const run = f.run, m = run?.measures;
  if (!run || !m || run.key !== `${f.state.gscale}|${f.state.gseed}`) return undefined;
  return `s = ${f.state.gscale}: ${Math.round(100 * m.classShare)}% of the samples nearer their own class, ${m.meanDistance.toFixed(3)} from its nearest point; spread ${m.spread.toFixed(2)}; first guess ${run.firstGuess.toFixed(2)} from the class.`;
}

/** The learning figure's sample counts once it stops training (its questions). */
function learnedSamples(figure: HTMLElement): string | undefined {
  const f = figure as Learning2dFigure;
  const v = f.view;
  if (!v || f.training || !v.network || !v.exact || v.network.step !== v.steps) return undefined;
  return `after ${v.steps.toLocaleString('en-US')} steps, ${v.network.onData} of the network's ${COMPARE_PARTICLES} samples lie within ${MEMORISED} of a training point; ${v.exact.onData} of the ideal denoiser's.`;
}

/** The learning figure's loss (mean of the last 200 steps) against the ideal denoiser's. */
function learnedLoss(figure: HTMLElement): string | undefined {
  const f = figure as Learning2dFigure;
  const v = f.view;
  if (!v || f.training || v.steps < 200 || v.exactLoss === null) return undefined;
  return `after ${v.steps.toLocaleString('en-US')} steps the network's loss is ${f.recentLoss.toFixed(3)} (the mean of the last 200 steps); the ideal denoiser's is ${v.exactLoss.toFixed(3)}.`;
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
  {
    question: 'Flow matching with 4 steps: how far are its samples, and DDIM’s, from where 500 steps take them? How many steps does each need to come within 0.05?',
    state: { fsteps: 4 },
    figure: 'flow-2d-figure',
    answer: html`<p>
      The flow’s samples are much closer, at every step count from 2 up, and it needs fewer steps to come within
      ${FLOW_TOLERANCE} of its ${FLOW_REFERENCE_STEPS}-step samples. With the exact field this is not because its paths are
      straight (see the next question): an Euler step of the flow is a DDIM step in rescaled coordinates. What differs
      is where the steps fall. Steps even in t put more of them at low noise, where each particle picks its training
      point; the linear schedule’s timesteps put most of them at high noise, and DDIM’s last step starts from a noisier
      place.
    </p>`,
    live: { read: flowSteps },
  },
  {
    question: 'Are the flow’s paths straighter than DDIM’s? Compare the two ratios under the figure, and follow where the wide, 500-step flow paths go first.',
    state: { fsteps: 100 },
    figure: 'flow-2d-figure',
    answer: html`<p>
      Not over the whole path: the flow’s ratio is well above DDIM’s. Each training pair moves on a straight line, but
      at a place the field averages every line through it. Near t = 1 all training points are about equally likely,
      so every particle first heads for the middle of the data, then turns towards the point it settles on. Only the
      last stretch, once the posterior has picked one point, is a straight line to it, and there the flow is the
      straighter of the two. Rectified flow’s “reflow” (Liu et al. 2023) straightens the whole path by training again on
      pairs of noise and the sample it gave.
    </p>`,
    live: { read: flowStraightness },
  },
  {
    question: 'Set the guidance scale to 0, then to 1. What share of the samples lands nearer the class they asked for?',
    state: { gscale: 0 },
    figure: 'guidance-2d-figure',
    answer: html`<p>
      At s = 0 about half: guidance at 0 is the unconditional denoiser, which ignores the label, so a sample lands on
      either moon. At s = 1 all of them: that is the conditional denoiser, which knows only its class’s points. Because
      it is exact here, s = 1 is already a perfect conditional model; a trained network is not, which is why real
      models use s above 1.
    </p>`,
    live: { read: guided },
  },
  {
    question: 'Raise s to 8 and draw the guided field at t = 900. Where does the guess point, what happens to the spread, and where do the samples end?',
    state: { gscale: 8, gfield: 'guided', gt: 900 },
    figure: 'guidance-2d-figure',
    answer: html`<p>
      The guided guess points far past the data, away from the other moon: at the first step it lies several units
      from the class’s points. The spread falls well below the data’s: each class’s samples crowd onto the part of
      their moon farthest from the other, since s sharpens p(c | x)<sup>s</sup> and rewards being unmistakable. The
      samples still end on training points, because the exact denoisers pull them back in the last steps; a network has
      no such exact pull, and in an image the overshoot stays, as the over-saturated colours of
      <a href="#guidance">chapter 8</a>’s largest scales.
    </p>`,
    live: { read: guided },
  },
  {
    question: 'Train the network on the spiral to the end, 20,000 steps (“Show me” does it in half a minute or so). How many of its samples land on a training point, and how many of the ideal denoiser’s?',
    state: { data: 'spiral', netSeed: 1, trained: 20_000 },
    figure: 'learning-2d-figure',
    answer: html`<p>
      The ideal denoiser puts close to half of its ${COMPARE_PARTICLES} samples within ${MEMORISED} of a training point,
      the network about one in ten. That is what a model that generalises should give: new points drawn from the
      same spiral land that close to one of its ${DATA_POINTS} training points about ${CHANCE_ON_DATA_PER_100} times in 100, by chance. The network's
      samples follow the curve, between the training points as often as on them; its smooth function cannot single
      out ${DATA_POINTS} points the way the softmax of the ideal denoiser does at small t. (They are a little more spread out
      than the spiral itself: 5,762 weights and 20,000 steps are not much.)
    </p>`,
    live: { read: learnedSamples },
  },
  {
    question: 'Draw three points and train the network to the end. Does it still generalise?',
    state: { data: 'drawn', points: encodePoints([-1, -0.8, 1, -0.8, 0, 1]), trained: 20_000 },
    figure: 'learning-2d-figure',
    answer: html`<p>
      No: by the end most of its samples sit on the three points, as all of the ideal denoiser's do (after 3,000
      steps only a few, in blurred blobs around them; press Reset network and Start training to watch it happen).
      With three points there is no shape between them to fill in, and a smooth function can fit three points
      exactly; the longer it trains, the more it memorises. A network generalises when it has too much data to
      memorise for its size (Kadkhodaie et al. 2024); image models trained on few images, or on images repeated many
      times, reproduce them (Carlini et al. 2023).
    </p>`,
    live: { read: learnedSamples },
  },
  {
    question: 'Does the network’s loss ever reach the dashed line, the ideal denoiser’s loss on the same points?',
    state: { data: 'spiral', netSeed: 1, trained: 20_000 },
    figure: 'learning-2d-figure',
    answer: html`<p>
      No, it stays a little above it. Most of the loss cannot be removed by anyone: at small t the noise along
      the curve could have come from any nearby point, so even the best guess is often wrong. The gap that
      remains is what knowing the ${DATA_POINTS} points exactly is worth. The ideal denoiser is the lowest loss any
      function can have on these points, and it is reached only by memorising them; the loss does not reward
      generalising, and a network that closed the gap would sample only training points.
    </p>`,
    live: { read: learnedLoss },
  },
];
export const REFERENCES: Reference[] = [
  { title: 'Sohl-Dickstein et al. 2015, Deep Unsupervised Learning using Nonequilibrium Thermodynamics', href: 'https://arxiv.org/abs/1503.03585', note: 'where diffusion models began, with a 2-D spiral' },
  { title: 'Ho, Jain & Abbeel 2020, Denoising Diffusion Probabilistic Models', href: 'https://arxiv.org/abs/2006.11239', note: 'the DDPM sampler' },
  { title: 'Song, Meng & Ermon 2021, Denoising Diffusion Implicit Models', href: 'https://arxiv.org/abs/2010.02502', note: 'DDIM: deterministic, fewer steps' },
  { title: 'Karras et al. 2022, Elucidating the Design Space of Diffusion-Based Generative Models', href: 'https://arxiv.org/abs/2206.00364', note: 'the ideal denoiser of a finite data set' },
  { title: 'Kadkhodaie et al. 2024, Generalization in diffusion models arises from geometry-adaptive harmonic representations', href: 'https://arxiv.org/abs/2310.02557', note: 'when networks memorise, and when they generalise' },
  { title: 'Carlini et al. 2023, Extracting Training Data from Diffusion Models', href: 'https://arxiv.org/abs/2301.13188', note: 'memorisation in real image models' },
  { title: 'Lipman et al. 2023, Flow Matching for Generative Modeling', href: 'https://arxiv.org/abs/2210.02747', note: 'regressing the velocity of a path from noise to data' },
  { title: 'Liu, Gong & Liu 2023, Flow Straight and Fast: Learning to Generate and Transfer Data with Rectified Flow', href: 'https://arxiv.org/abs/2209.03003', note: 'straight paths, and reflow' },
  { title: 'Esser et al. 2024, Scaling Rectified Flow Transformers for High-Resolution Image Synthesis', href: 'https://arxiv.org/abs/2403.03206', note: 'Stable Diffusion 3: rectified flow at scale' },
  { title: 'Ho & Salimans 2022, Classifier-Free Diffusion Guidance', href: 'https://arxiv.org/abs/2207.12598', note: 'the guidance scale' },
  { title: 'Saharia et al. 2022, Photorealistic Text-to-Image Diffusion Models with Deep Language Understanding', href: 'https://arxiv.org/abs/2205.11487', note: 'Imagen: large guidance and dynamic thresholding' },
  { title: 'Lin et al. 2023, Common Diffusion Noise Schedules and Sample Steps are Flawed', href: 'https://arxiv.org/abs/2305.08891', note: 'guidance rescale against over-exposure' },
  { title: 'Kingma & Ba 2015, Adam: A Method for Stochastic Optimization', href: 'https://arxiv.org/abs/1412.6980', note: 'the optimiser the small network trains with' },
  { title: 'Salimans & Ho 2022, Progressive Distillation for Fast Sampling of Diffusion Models', href: 'https://arxiv.org/abs/2202.00512', note: 'v-prediction, and why ε-prediction fails at the highest noise' },
];
