// The training chapter's "Try this" questions, their answers (each reading a
// number live from the figure it changes) and the chapter's references. The
// chapter (chapter-training.ts) hands both to its <chapter-section>.
import { html } from 'lit';
import type { Reference, TryThis } from '../../components/shell/chapter-section';
import type { LossSweepFigure } from './loss-sweep-figure';
import type { SnapshotsFigure } from './snapshots-figure';
import { fmt, type ChapterTrainingState } from './state';
import type { TrainingStepFigure } from './training-step-figure';

/** The step figure's losses, when it shows the step of its state. */
function stepShown(figure: HTMLElement): string | undefined {
  const f = figure as TrainingStepFigure;
  const m = f.made;
  if (!m || m.step.t !== f.state.t) return undefined;
  const p = m.prediction;
  return `t = ${m.step.t}, ᾱ = ${fmt(m.step.alphaBar, 4)}: v-loss ${fmt(p.loss, 5)}, weight ${fmt(p.weight, 4)}, min-SNR loss ${fmt(p.weightedLoss, 6)}; ε̂ error ${fmt(p.epsLoss, 5)}, x̂₀ error ${fmt(p.x0Loss, 5)}.`;
}

/** The sweep's means at both ends of t, once it is done. */
function sweepShown(figure: HTMLElement): string | undefined {
  const r = (figure as LossSweepFigure).sweep;
  if (!r || r.running || r.draws.length < 20) return undefined;
  const mean = (lo: number, hi: number, key: 'loss' | 'weightedLoss') => {
    const d = r.draws.filter((x) => x.t >= lo && x.t < hi);
    return d.length ? fmt(d.reduce((s, x) => s + x[key], 0) / d.length, 5) : '—';
  };
  return `${r.draws.length} draws: v-loss ${mean(0, 100, 'loss')} at t < 100, ${mean(400, 600, 'loss')} at 400 ≤ t < 600, ${mean(900, 1000, 'loss')} at t ≥ 900; weighted ${mean(0, 100, 'weightedLoss')}, ${mean(400, 600, 'weightedLoss')}, ${mean(900, 1000, 'weightedLoss')}.`;
}

/** The three checkpoints' losses on the step shown. */
function snapshotsShown(figure: HTMLElement): string | undefined {
  const f = figure as SnapshotsFigure;
  if (!f.rows.length || !f.made || f.shownKey !== f.made.key) return undefined;
  return `At t = ${f.made.step.t}: ${f.rows.map((r) => `${r.steps.toLocaleString('en')} steps v-loss ${fmt(r.prediction.loss, 4)}`).join(', ')}.`;
}

export const TRY_THIS: TryThis<Partial<ChapterTrainingState>>[] = [
  {
    question: 'Set t to 999. What is the DiT asked to predict there, and why does its loss hardly count in training?',
    state: { clip: 'red-right', t: 999 },
    figure: 'training-step-figure',
    answer: html`<p>
      At t = 999 the cosine schedule leaves ᾱ ≈ 0, so z<sub>t</sub> is pure noise and v = √ᾱ·ε − √(1 − ᾱ)·z<sub>0</sub>
      is almost exactly −z<sub>0</sub>: the DiT must say what the clean clip is from the caption alone. It cannot know
      where the object starts, so x̂<sub>0</sub> decodes to a faint average of every clip the caption allows, and the
      v-loss is large. The min-SNR-5 weight there is min(SNR, 5)/(SNR + 1) ≈ SNR ≈ ᾱ, nearly 0, so this large loss moves
      the weights almost not at all: training spends its effort where a step can be learned.
    </p>`,
    live: { read: stepShown },
  },
  {
    question: 'Now set t to 10. Which error is larger, the ε̂ error or the x̂₀ error, and by what factor?',
    state: { clip: 'red-right', t: 10 },
    figure: 'training-step-figure',
    answer: html`<p>
      The ε̂ error, by the SNR at t = 10, about 1,400. Both come from the same v̂: ε̂ − ε = √ᾱ·(v̂ − v) and
      x̂₀ − z<sub>0</sub> = −√(1 − ᾱ)·(v̂ − v). With almost no noise, z<sub>t</sub> shows the clip plainly (x̂<sub>0</sub>
      is nearly right), while the faint noise in it is hard to pick out exactly. A loss on ε would weigh these steps
      thousands of times more than the noisy ones; on x₀, thousands of times less. The v-loss sits between: its weight on
      the x₀ error is SNR + 1.
    </p>`,
    live: { read: stepShown },
  },
  {
    question: 'Draw 384 times. Where in t is the v-loss largest, and what does the min-SNR weight do to its shape?',
    state: { draws: '384' },
    figure: 'loss-sweep-figure',
    answer: html`<p>
      At both ends. At small t the target v is almost ε, a whisper of noise hidden in a clear z<sub>t</sub>, hard to pick
      out exactly; at large t it is almost −z<sub>0</sub>, the clean clip, which has to be guessed from the caption and
      a trace of signal, and no guess can be right about everything the caption leaves open. In between, where the clip
      is half visible, the loss is smallest. The min-SNR-5 weight is near 0 at both ends (about 5(1 − ᾱ) at small t,
      ᾱ at large t), so the weighted loss comes out nearly flat over most of t: no range of timesteps drowns out the
      others in the gradient, and the ends, whose errors either hardly show in a sample or cannot be learned away, count least.
    </p>`,
    live: { read: sweepShown },
  },
  {
    question: 'At t = 300, compare the earliest checkpoint of the DiT with the shipped one. Then try t = 800 with a few noise seeds: does the order hold?',
    state: { clip: 'red-right', t: 300 },
    figure: 'snapshots-figure',
    answer: html`<p>
      At t = 300 each later checkpoint has the lower loss on this step, several times lower from the first to the last,
      and its x̂<sub>0</sub> is the cleaner clip: the early DiT already has the colour and roughly the place, the later
      ones the shape and its edges. At t = 800 little of the clip is left, every checkpoint must guess, and one draw of ε
      decides a lot: the last two trade places from seed to seed, and on some clips even the earliest wins a draw now and then.
      Averaged over many draws (the figure above does that for the shipped DiT) the order holds. One step is a noisy
      measurement, which is why training averages over batches and takes tens of thousands of them.
    </p>`,
    live: { read: snapshotsShown },
  },
];

export const REFERENCES: Reference[] = [
  { title: 'Ho, Jain & Abbeel 2020, Denoising Diffusion Probabilistic Models', href: 'https://arxiv.org/abs/2006.11239', note: 'the training step: noise a sample, regress the noise' },
  { title: 'Kingma, Salimans, Poole & Ho 2021, Variational Diffusion Models', href: 'https://arxiv.org/abs/2107.00630', note: 'the SNR, and every diffusion loss as a weighting across it' },
  { title: 'Salimans & Ho 2022, Progressive Distillation for Fast Sampling of Diffusion Models', href: 'https://arxiv.org/abs/2202.00512', note: 'v-prediction' },
  { title: 'Hang et al. 2023, Efficient Diffusion Training via Min-SNR Weighting Strategy', href: 'https://arxiv.org/abs/2303.09556', note: 'min-SNR-γ loss weights' },
  { title: 'Lin et al. 2024, Common Diffusion Noise Schedules and Sample Steps are Flawed', href: 'https://arxiv.org/abs/2305.08891', note: 'why ε-prediction fails where ᾱ reaches 0' },
  { title: 'Ge et al. 2023, Preserve Your Own Correlation: A Noise Prior for Video Diffusion Models', href: 'https://arxiv.org/abs/2305.10474', note: 'noise that a clip’s frames share' },
];
