// The measured figures chapter 6's prose quotes, read at build time from the
// committed evaluations (weights/eval/recipes, `npm run eval` of each recipe's
// weights; weights/eval/attention, `npm run eval:attention`) and the manifest (the text encoder's binding probe), so the prose
// cannot drift from them: a new evaluation or export changes the sentence.
import manifest from '../../weights/manifest.json';
import unetBefore from '../../weights/eval/recipes/unet-recipe3.json';
import unetAfter from '../../weights/eval/recipes/unet-recipe6.json';
import ditBefore from '../../weights/eval/recipes/dit-recipe4.json';
import ditAfter from '../../weights/eval/recipes/dit-recipe6.json';
import attention from '../../weights/eval/attention/dit.json';

interface Evaluation {
  scores: { images: { 'colour binding': { rate: number } } };
}

/** The judge's colour-binding rate on images, two decimals. */
const binding = (e: Evaluation) => e.scores.images['colour binding'].rate.toFixed(2);

/**
 * Colour binding on images before and after the denoiser read the context blocks' `phrases`: the last
 * recipe on the CLIP's `hidden` states against the last of those that read `phrases` (the cards' recipe tables).
 */
export const BINDING_GAIN = {
  unet: { before: binding(unetBefore), after: binding(unetAfter), recipes: '4–6' },
  dit: { before: binding(ditBefore), after: binding(ditAfter), recipes: '5–6' },
};

/** The context blocks' binding probe: cosine of a shape word's state across captions that swap the colours, in each output. */
const probe = manifest.models.text_encoder.context_blocks.binding_probe;
export const BINDING_PROBE = { hidden: probe.clip_cosine.toFixed(2), phrases: probe.context_cosine.toFixed(2), captions: probe.n };


interface AttentionTally {
  prompt: string;
  word: string;
  seeds: number;
  spans: Record<string, { steps: number[]; inside: number }>;
}

/** The span of a tally whose steps run from `first` to the last of them, or fail the build. */
function span(t: AttentionTally, first: number): { steps: number[]; inside: number } {
  const found = Object.values(t.spans).find((s) => s.steps[0] === first && s.steps.length < Object.values(t.spans).reduce((m, x) => Math.max(m, x.steps.length), 0));
  if (!found) throw new Error(`weights/eval/attention: no span starting at step ${first}`);
  return found;
}

/**
 * How often the colour word's cross-attention peak lies inside its object, for the shipped DiT over
 * seeds 0 … n−1 (`npm run eval:attention -- --out weights/eval/attention/dit.json`): over the layout
 * steps chapter 6 shows, and over the last third alone.
 */
export const ATTENTION_PEAK = (() => {
  const t = attention as AttentionTally;
  const layout = span(t, 1);
  const late = span(t, layout.steps.length + 1);
  const range = (s: number[]) => `${s[0]}–${s[s.length - 1]}`;
  return { prompt: t.prompt, word: t.word, seeds: t.seeds, layout: { steps: range(layout.steps), inside: layout.inside }, late: { steps: range(late.steps), inside: late.inside } };
})();
