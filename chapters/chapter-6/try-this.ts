// Chapter 6's "Try this" questions, their answers (each reading a number live
// from the figure it changes where it can) and the chapter's references. The
// chapter (chapter-6.ts) hands both to its <chapter-section>.
import { html } from 'lit';
import type { Reference, TryThis } from '../../components/shell/chapter-section';
import type { WordMap } from '../../components/widgets/attention-maps';
import type { CrossAttentionFigure } from './cross-attention-figure';
import { expansionKey, type ExpansionFigure } from './expansion-figure';
import type { GuidanceFigure } from './guidance-figure';
import { fmtScale, type Chapter6State } from './state';

/** The judge on each sample of the guidance strip made so far, for the prompt and seed it shows (answer 1). */
function stripVerdicts(figure: HTMLElement): string | undefined {
  const f = figure as GuidanceFigure;
  const s = f.state, r = f.result;
  if (!s || !r || !r.key.startsWith(`${s.gprompt}|${s.gneg}|${s.gseed}|`) || !r.clips.size) return undefined;
  const made = [...r.clips.entries()].sort(([a], [b]) => a - b).filter(([, c]) => c.verdict);
  if (!made.length) return undefined;
  return `seed ${s.gseed}: ${made.map(([scale, c]) => `s = ${fmtScale(scale)} ${c.verdict!.pass ? 'PASS' : 'FAIL'}`).join(', ')}.`;
}

/** Where each colour word's peak lies in the maps shown, and for which layer (answer 2). */
function colourWordPeak(figure: HTMLElement): string | undefined {
  const f = figure as CrossAttentionFigure;
  if (!f.shadowRoot?.querySelector('#attention-readout')) return undefined;
  const words = f.shadowRoot.querySelector<HTMLElement & { words: readonly WordMap[] }>('attention-maps')?.words ?? [];
  const notes = words.filter((w) => w.note).map((w) => `“${w.label}”: ${w.note}`);
  if (!notes.length) return undefined;
  return `${f.state.layer === 0 ? 'all layers, averaged' : `layer ${f.state.layer}`}: ${notes.join('; ')}.`;
}

/** Both samples of the expansion figure held to what was asked (answer 3). */
function expansionVerdicts(figure: HTMLElement): string | undefined {
  const f = figure as ExpansionFigure;
  const r = f.result;
  if (!r || r.key !== expansionKey(f.state) || !r.shortVsIntent || !r.expandedVsIntent) return undefined;
  const v = (x: { pass: boolean }) => (x.pass ? 'PASS' : 'FAIL');
  return `seed ${f.state.sseed}: the short prompt ${v(r.shortVsIntent)}, the expanded one ${v(r.expandedVsIntent)}.`;
}

export const TRY_THIS: TryThis<Partial<Chapter6State>>[] = [
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
    question: 'The maps average six layers. Look at layer 5 alone, then layer 6: do all layers look at the object a colour word names?',
    state: { prompt: 'a red circle', seed: 0, frames: '1', step: 0, layer: 5 },
    figure: 'cross-attention-figure',
    live: { read: colourWordPeak },
    answer: html`<p>
      Step the layer through 1–6 and read the line above for each: layers differ. A layer whose peak lies on
      the object uses the word to find it; one whose map is spread out, or peaks elsewhere, uses the word for
      something else (which layers do which is up to the trained weights). Averaging the layers, heads and steps, as DAAM does, keeps what they share, the object,
      and smooths the rest away; that is why the averaged map is the one to read.
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
  { title: 'Radford et al. 2021, Learning Transferable Visual Models From Natural Language Supervision (CLIP)', href: 'https://arxiv.org/abs/2103.00020', note: 'a text encoder trained against images' },
  { title: 'Rombach et al. 2022, High-Resolution Image Synthesis with Latent Diffusion Models', href: 'https://arxiv.org/abs/2112.10752', note: 'text through cross-attention' },
  { title: 'Hertz et al. 2022, Prompt-to-Prompt Image Editing with Cross Attention Control', href: 'https://arxiv.org/abs/2208.01626', note: 'cross-attention maps' },
  { title: 'Tang et al. 2022, What the DAAM: Interpreting Stable Diffusion Using Cross Attention', href: 'https://arxiv.org/abs/2210.04885', note: 'word-to-pixel attribution, summed over layers, heads and steps' },
  { title: 'Ho & Salimans 2022, Classifier-Free Diffusion Guidance', href: 'https://arxiv.org/abs/2207.12598', note: 'the guidance scale, and its trade of fidelity for diversity' },
  { title: 'Peebles & Xie 2023, Scalable Diffusion Models with Transformers', href: 'https://arxiv.org/abs/2212.09748', note: 'adaLN-Zero, cross-attention, in context: their ablation of block designs' },
  { title: 'Saharia et al. 2022, Photorealistic Text-to-Image Diffusion Models with Deep Language Understanding (Imagen)', href: 'https://arxiv.org/abs/2205.11487', note: 'a pooled text vector added to the timestep embedding, and cross-attention to the word states' },
  { title: 'Podell et al. 2023, SDXL', href: 'https://arxiv.org/abs/2307.01952', note: 'the pooled CLIP text embedding as a condition beside cross-attention' },
  { title: 'Chen et al. 2023, PixArt-α', href: 'https://arxiv.org/abs/2310.00426', note: 'a DiT with cross-attention to text, as the DiT here' },
  { title: 'Betker et al. 2023, Improving Image Generation with Better Captions (DALL·E 3)', href: 'https://cdn.openai.com/papers/dall-e-3.pdf', note: 'descriptive captions, and prompts upsampled by a language model' },
  { title: 'OpenAI 2024, Video generation models as world simulators', href: 'https://openai.com/index/video-generation-models-as-world-simulators/', note: 're-captioning, and short prompts expanded by GPT' },
];
