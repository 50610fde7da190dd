// The guidance chapter's "Try this" questions, their answers (each reading a
// number live from the figure it changes) and the chapter's references. The
// chapter (chapter-guidance.ts) hands both to its <chapter-section>.
import { html } from 'lit';
import type { Reference, TryThis } from '../../components/shell/chapter-section';
import { expansionKey, type ExpansionFigure } from './expansion-figure';
import type { GuidanceFigure } from './guidance-figure';
import type { GuidanceSweepFigure } from './guidance-sweep-figure';
import { SWEEP_SCALES } from '../../pipeline/lessons/guidance-sweep';
import { chapterGuidanceSchema, fmtScale, type ChapterGuidanceState } from './state';

/** The seeds the sweep question sets, and the scale the chapter starts at (the state's default). */
const SWEEP_SEEDS = 6;
const DEFAULT_SCALE = chapterGuidanceSchema.gscale.default;

/** The judge on each sample of the guidance strip made so far, for the prompt and seed it shows (answer 1). */
function stripVerdicts(figure: HTMLElement): string | undefined {
  const f = figure as GuidanceFigure;
  const s = f.state, r = f.result;
  if (!s || !r || !r.key.startsWith(`${s.gprompt}|${s.gneg}|${s.gseed}|`) || !r.clips.size) return undefined;
  const made = [...r.clips.entries()].sort(([a], [b]) => a - b).filter(([, c]) => c.verdict);
  if (!made.length) return undefined;
  return `seed ${s.gseed}: ${made.map(([scale, c]) => `s = ${fmtScale(scale)} ${c.verdict!.pass ? 'PASS' : 'FAIL'}`).join(', ')}.`;
}

/** The finished sweep's pass rates and diversities, as its two charts state them (answer 2). */
function sweepReadings(figure: HTMLElement): string | undefined {
  const f = figure as GuidanceSweepFigure;
  const r = f.result;
  if (!r || r.key !== f.key || r.samples.length < r.of) return undefined;
  const after = (id: string) => f.shadowRoot?.querySelector(`plot-chart#${id}`)?.getAttribute('alt')?.split(': ').slice(1).join(': ').replace(/\.$/, '');
  const pass = after('pass-chart'), diversity = after('diversity-chart');
  return pass && diversity ? `pass rate: ${pass}; diversity: ${diversity}.` : undefined;
}

/** Both samples of the expansion figure held to what was asked (answer 3). */
function expansionVerdicts(figure: HTMLElement): string | undefined {
  const f = figure as ExpansionFigure;
  const r = f.result;
  if (!r || r.key !== expansionKey(f.state) || !r.shortVsIntent || !r.expandedVsIntent) return undefined;
  const v = (x: { pass: boolean }) => (x.pass ? 'PASS' : 'FAIL');
  return `seed ${f.state.sseed}: the short prompt ${v(r.shortVsIntent)}, the expanded one ${v(r.expandedVsIntent)}.`;
}

export const TRY_THIS: TryThis<Partial<ChapterGuidanceState>>[] = [
  {
    question: 'Turn the guidance scale down to 0, then up to 15. At 0 the model never reads the prompt: what does it draw? Where does the judge start passing, and what happens to the variety between seeds?',
    state: { gscale: 0, gprompt: 'a big yellow triangle in the center', gneg: '', gseed: 0 },
    figure: 'guidance-figure',
    live: { read: stripVerdicts },
    answer: html`<p>
      At 0 only the unconditional half runs: the model gets the empty prompt and draws what a caption-less
      training clip looks like, some shape in some colour, rarely the yellow triangle. At 1 it is the plain
      conditional model. Above 1 each step is pushed further from the unconditional guess towards the
      prompt's, so the judge passes from some scale on (the line above says which, for this seed), while
      samples of different seeds grow more alike. That is Ho &amp; Salimans' trade-off, fidelity to the prompt
      against diversity; the sweep below measures both over many seeds.
    </p>`,
  },
  {
    question: `Measure the sweep over ${SWEEP_SEEDS} seeds. Does the pass rate keep rising with the scale? And the diversity between seeds?`,
    state: { gprompt: 'a big yellow triangle in the center', gneg: '', gseed: 0, gseeds: SWEEP_SEEDS },
    label: 'Set it up',
    figure: 'guidance-sweep-figure',
    live: { read: sweepReadings },
    answer: html`<p>
      Press “Make ${SWEEP_SCALES.length * SWEEP_SEEDS} images” and read the line above when they are made. At 0 the
      prompt is not read, so few samples pass, and they differ most from seed to seed. The pass rate climbs over the
      first scales and then has nothing left to gain; the diversity keeps falling as the seeds are pushed towards the
      same picture. What is bought early is paid for all the way up: that is why guided models sample at a moderate
      scale (${fmtScale(DEFAULT_SCALE)} by default here), as Ho &amp; Salimans found FID, which counts what the samples miss,
      best at a small scale.
    </p>`,
  },
  {
    question: 'Expand “two tiny boxes falling” as a clip. Which rules fire? Does the expanded prompt pass the judge, held to what you asked, more often than the short one?',
    state: { eprompt: 'two tiny boxes falling', emode: 'clip', eseed: 3, sseed: 0 },
    figure: 'expansion-figure',
    live: { read: expansionVerdicts },
    answer: html`<p>
      Five kinds of rule fire: “tiny” becomes small and “boxes” square (the world's words), “falling” becomes
      moving down, “two” becomes two phrases joined by “and”, each with “a”, and the colours nobody asked for
      are filled in from the seed. Whether the expanded prompt passes more often is for the judge: the line
      above holds this seed's two samples to what you asked; the tally below counts 8 seeds of each. The
      expanded prompt reads like the captions the model was trained on, which is why it should help; DALL·E 3
      and Sora expand short prompts for the same reason.
    </p>`,
  },
];

export const REFERENCES: Reference[] = [
  { title: 'Ho & Salimans 2022, Classifier-Free Diffusion Guidance', href: 'https://arxiv.org/abs/2207.12598', note: 'the guidance scale, and its trade of fidelity for diversity' },
  { title: 'Betker et al. 2023, Improving Image Generation with Better Captions (DALL·E 3)', href: 'https://cdn.openai.com/papers/dall-e-3.pdf', note: 'descriptive captions, and prompts upsampled by a language model' },
  { title: 'OpenAI 2024, Video generation models as world simulators', href: 'https://openai.com/index/video-generation-models-as-world-simulators/', note: 're-captioning, and short prompts expanded by GPT' },
];
