// Chapter 6's "Try this" questions, their answers (each reading a number live
// from the figure it changes where it can) and the chapter's references. The
// chapter (chapter-6.ts) hands both to its <chapter-section>.
import { html } from 'lit';
import { shownText, type Reference, type TryThis } from '../../components/shell/chapter-section';
import type { WordMap } from '../../components/widgets/attention-maps';
import type { TokenEmbeddings } from '../../components/widgets/token-embeddings';
import type { CrossAttentionFigure } from './cross-attention-figure';
import type { Chapter6State } from './state';
import type { WaysTallyFigure } from './ways-tally-figure';

/** The cosine of the prompt's first two “a”s in both outputs of the text encoder, as the similarity maps show it (answer 1). */
function twoAs(figure: HTMLElement): string | undefined {
  const maps = [...(figure.shadowRoot?.querySelectorAll<TokenEmbeddings>('token-embeddings') ?? [])];
  const cosine = (m: TokenEmbeddings | undefined) => {
    const at = m?.pieces.flatMap((p, i) => (p.text === 'a' ? [i] : [])) ?? [];
    return m?.similarity && at.length >= 2 ? m.similarity[at[0] * m.pieces.length + at[1]] : undefined;
  };
  const hidden = cosine(maps.find((m) => m.id !== 'phrases')), phrases = cosine(maps.find((m) => m.id === 'phrases'));
  if (hidden === undefined || phrases === undefined) return undefined;
  return `the two “a”s: cosine ${hidden.toFixed(2)} in the encoder's output, ${phrases.toFixed(2)} after the context blocks.`;
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

/** Each way's passes once all its seeds are judged, as the tally's line says them (answer 3). */
function waysTally(figure: HTMLElement): string | undefined {
  const f = figure as WaysTallyFigure;
  const r = f.result;
  if (!r || r.key !== f.key || Object.values(r.passes).some((p) => p.length < r.of)) return undefined;
  return shownText(f, '#ways-readout');
}

export const TRY_THIS: TryThis<Partial<Chapter6State>>[] = [
  {
    question: 'In “a red circle and a blue square”, the word “a” comes twice. How alike are its two states in the text encoder’s output? Open the context blocks’ output under the figure: and there?',
    state: { prompt: 'a red circle and a blue square' },
    figure: 'token-states-figure',
    live: { read: twoAs },
    answer: html`<p>
      In the encoder's output the two are nearly the same state (the line above gives the cosine): trained only to
      match a whole caption to its clip, it learned a bag of words, and a word's state hardly depends on its neighbours.
      After the two context blocks, trained so that every word carries the words of its own phrase, the first “a”
      belongs to “a red circle” and the second to “a blue square”, and their cosine drops well below 1. That is what
      lets a patch that attends to “square” also read that it is blue, not red.
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
    question: 'Judge 8 seeds of each way on “a big green circle”. Which way passes least often? What does it read of the prompt that the other two do not?',
    state: { cprompt: 'a big green circle', cseed: 0 },
    figure: 'ways-tally-figure',
    live: { read: waysTally },
    answer: html`<p>
      The line above has the counts for your seeds. Expect the adaLN model at the bottom: it reads the prompt as one
      pooled vector, which sets the same shifts and scales for every patch, while the other two read the word states,
      each patch taking what it needs (through cross-attention, or as extra tokens in its self-attention). Try “a red
      square in the top left” and “a small blue triangle in the bottom right” too: one object's few words can fit in one
      vector, so on some prompts adaLN keeps up, but it cannot give different patches different words. For a
      class label, where one vector is all there is to read, Peebles and Xie found adaLN a little ahead of
      cross-attention (the chart above). Two objects (“a red circle and a blue square”) are hard for all three of
      these small models.
    </p>`,
  },
];

export const REFERENCES: Reference[] = [
  { title: 'Radford et al. 2021, Learning Transferable Visual Models From Natural Language Supervision (CLIP)', href: 'https://arxiv.org/abs/2103.00020', note: 'a text encoder trained against images' },
  { title: 'Rombach et al. 2022, High-Resolution Image Synthesis with Latent Diffusion Models', href: 'https://arxiv.org/abs/2112.10752', note: 'text through cross-attention' },
  { title: 'Hertz et al. 2022, Prompt-to-Prompt Image Editing with Cross Attention Control', href: 'https://arxiv.org/abs/2208.01626', note: 'cross-attention maps' },
  { title: 'Tang et al. 2022, What the DAAM: Interpreting Stable Diffusion Using Cross Attention', href: 'https://arxiv.org/abs/2210.04885', note: 'word-to-pixel attribution, summed over layers, heads and steps' },
  { title: 'Peebles & Xie 2023, Scalable Diffusion Models with Transformers', href: 'https://arxiv.org/abs/2212.09748', note: 'adaLN-Zero, cross-attention, in context: their ablation of block designs' },
  { title: 'Saharia et al. 2022, Photorealistic Text-to-Image Diffusion Models with Deep Language Understanding (Imagen)', href: 'https://arxiv.org/abs/2205.11487', note: 'a pooled text vector added to the timestep embedding, and cross-attention to the word states' },
  { title: 'Podell et al. 2023, SDXL', href: 'https://arxiv.org/abs/2307.01952', note: 'the pooled CLIP text embedding as a condition beside cross-attention' },
  { title: 'Chen et al. 2023, PixArt-α', href: 'https://arxiv.org/abs/2310.00426', note: 'a DiT with cross-attention to text, as the DiT here' },
];
