// Chapter 4: Spacetime patches. A world clip's latent cut into patches of a
// chosen size, the grid over its frames and every token numbered in the order
// the DiT reads them; the token count and the cost of a DiT call as clips grow
// longer and larger (an image is a one-frame video); a DiT step timed here on
// clips of several shapes; and the DiT asked for durations and an aspect ratio
// it never trained on, with the judge's verdicts. Prose and layout: each figure
// is an element of this folder, the arithmetic is pipeline/lessons/patch-cost.ts
// and pipeline/diffusion/patchify.ts, the pieces components/.
import { LitElement, html } from 'lit';
import { term } from '../../components/shell/notation';
import { customElement } from 'lit/decorators.js';
import '../../components/shell/chapter-section';
import '../../components/shell/state-notice';
import type { Reference, TryThis, TryThisDetail } from '../../components/shell/chapter-section';
import { ModelController } from '../../components/controllers/model-controller';
import { controls, figureBox, layout, modelLines, prose } from '../../components/styles';
import { UrlStateController } from '../../components/controllers/url-state-controller';
import { attentionCrossover, DIT_ARCHITECTURE, DIT_PATCH, ditStepFlops, tokenGrid } from '../../pipeline/lessons/patch-cost';
import './costs-figure';
import type { CostsFigure } from './costs-figure';
import type { ShapesFigure } from './shapes-figure';
import type { TokenCostCharts } from '../../components/widgets/token-cost-charts';
import { formatCount } from '../../components/widgets/cost-table';
import { CLIP_SHAPES } from '../../pipeline/lessons/clip-shapes';
import './noise-figure';
import './patches-figure';
import './shapes-figure';
import './tally-figure';
import './timing-figure';
import { chapter4Schema, CHANNELS, CLIP_FRAMES, LATENT, markedToken, patchOf, type Chapter4State } from './state';

export { chapter4Schema, type Chapter4State } from './state';

/** The cost figure's chosen clip: its tokens and one call's FLOPs, as its chart keys say them (answers 1 and 2). */
function callCost(figure: HTMLElement): string | undefined {
  const charts = figure.shadowRoot?.querySelector<TokenCostCharts>('token-cost-charts');
  const s = (figure as CostsFigure).state;
  if (!charts || !s) return undefined;
  const c = charts.current, p = patchOf(s);
  const share = c.flops.attention / c.flops.total;
  return `${s.frames} frame${s.frames > 1 ? 's' : ''} of ${s.side} × ${s.side}, patches of ${p.pt} × ${p.ph} × ${p.pw}: ${c.tokens.toLocaleString('en')} tokens; one call of the DiT ${formatCount(c.flops.total)} FLOPs, ${(100 * share).toFixed(share < 0.01 ? 2 : 0)} % of them in attention’s N² part.`;
}

/** The judge's verdict on each shape's clip, for the prompt and seed the figure shows (answer 3). */
function shapeVerdicts(figure: HTMLElement): string | undefined {
  const f = figure as ShapesFigure;
  const done = CLIP_SHAPES.map((sh) => ({ sh, r: f.results[sh.id] })).filter(({ r }) => r && r.key === f.key && r.verdict);
  if (!done.length) return undefined;
  return `“${f.state.prompt}”, seed ${f.state.seed}: ${done.map(({ sh, r }) => `${sh.label} ${r!.verdict!.pass ? 'PASS' : 'FAIL'}`).join(', ')}${done.length < CLIP_SHAPES.length ? ` (${done.length} of ${CLIP_SHAPES.length} made)` : ''}.`;
}

/** How many times one DiT call on the 8-frame clip costs with 1 × 1 × 1 patches against the DiT's own (answer 1), by the FLOPs formula. */
export const FINER_PATCH_COST = (() => {
  const clip = { frames: CLIP_FRAMES, height: LATENT, width: LATENT }, one = { pt: 1, ph: 1, pw: 1 };
  return ditStepFlops(tokenGrid(clip, one).tokens, one).total / ditStepFlops(tokenGrid(clip, DIT_PATCH).tokens, DIT_PATCH).total;
})();

const TRY_THIS: TryThis<Partial<Chapter4State>>[] = [
  {
    question: 'Halve the patch side from 2 to 1. How many tokens does the 8-frame clip become, and how much does one call of the DiT cost now? Why does attention’s share grow?',
    state: { pt: '1', ph: '1', pw: '1', frames: 8, side: '32' },
    figure: 'patches-figure',
    live: { figure: 'costs-figure', read: callCost },
    answer: html`<p>
      Four times as many tokens (each frame is 8 × 8 of them instead of 4 × 4), and a call costs
      ${FINER_PATCH_COST.toFixed(1)} times as much. Everything but attention (the embedding, the MLPs, the projections) works on each token
      alone and grows with N, four times; attention compares every token with every other, N² of them, and
      grows sixteen times. So the bigger N gets, the more of the cost is attention: past about
      ${Math.round(attentionCrossover({ pt: 1, ph: 1, pw: 1 })).toLocaleString("en")} tokens it costs more than all the work done token by token.
    </p>`,
  },
  {
    question: 'A 10-second clip at 24 frames a second is 240 frames; at 256 × 256 even 64 frames is a lot. Read the token count and the share of attention for 64 frames of 256 × 256 with 2 × 2 × 2 patches.',
    state: { pt: '2', ph: '2', pw: '2', frames: 64, side: '256' },
    figure: 'patches-figure',
    live: { figure: 'costs-figure', read: callCost },
    answer: html`<p>
      Tens of thousands of tokens, even with patches twice as long in time, and nearly all of a call is
      attention's N² part: the rest hardly counts. That is why video models compress hard before they patch
      (Sora's network compresses time as well as space), use bigger patches, or attend within frames and
      across time separately; and why a long clip at full size costs far more than a picture, more than the
      count of frames alone would say.
    </p>`,
  },
  {
    question: 'The DiT trained on 8 frames of 32 × 32 only. Which of the other shapes keep the object and its motion, and which break? Try a still object too.',
    state: { prompt: 'a blue square staying still', seed: 1 },
    figure: 'shapes-figure',
    live: { read: shapeVerdicts },
    answer: html`<p>
      Read the verdicts: which pass depends on the prompt and the seed. What to look for: the image and the
      8 frames are shapes it trained on; 4 frames uses only places in time it has seen, just fewer of them;
      frames 9–12 and the columns past 32 pixels carry position features the DiT never saw, so that is where
      a break shows, if one does (the object fading, splitting or losing its way). A still object asks
      least, since no frame has to continue a motion. Sora's report says it trains on videos and images of
      many durations, sizes and aspect ratios at their own size, so it is likely seldom asked for a shape it
      has never seen.
    </p>`,
  },
];
const REFERENCES: Reference[] = [
  { title: 'OpenAI 2024, Video generation models as world simulators', href: 'https://openai.com/index/video-generation-models-as-world-simulators/', note: 'spacetime patches, native sizes and durations' },
  { title: 'Dosovitskiy et al. 2021, An Image is Worth 16x16 Words', href: 'https://arxiv.org/abs/2010.11929', note: 'images as sequences of patches' },
  { title: 'Peebles & Xie 2023, Scalable Diffusion Models with Transformers', href: 'https://arxiv.org/abs/2212.09748', note: 'the DiT, and patch size against Gflops' },
  { title: 'Arnab et al. 2021, ViViT: A Video Vision Transformer', href: 'https://arxiv.org/abs/2103.15691', note: 'tubelets: patches that span frames' },
  { title: 'Dehghani et al. 2023, Patch n\' Pack: NaViT', href: 'https://arxiv.org/abs/2307.06304', note: 'any aspect ratio and resolution' },
  { title: 'Ge et al. 2023, Preserve Your Own Correlation (PYoCo)', href: 'https://arxiv.org/abs/2305.10474', note: 'a video noise prior: frames that share part of their noise' },
  { title: 'Luo et al. 2023, VideoFusion', href: 'https://arxiv.org/abs/2303.08320', note: 'noise decomposed into a base shared by the frames and a residual of each' },
];

@customElement('chapter-4')
export class Chapter4 extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    modelLines,
    figureBox,
  ];

  private url = new UrlStateController(this, chapter4Schema, 'c4');
  readonly models = new ModelController(this, { models: ['vae_encoder', 'text_encoder', 'dit', 'vae_decoder'] });

  private figureEl<K extends 'patches-figure' | 'timing-figure' | 'shapes-figure' | 'tally-figure' | 'noise-figure'>(tag: K): HTMLElementTagNameMap[K] | null {
    return this.renderRoot.querySelector(tag);
  }

  /** What the figures show, for tests. */
  get figure() {
    const s = this.url.state;
    const patches = this.figureEl('patches-figure');
    const latent = patches?.latent?.seed === s.clip ? patches.latent.values : null;
    return {
      patch: patchOf(s),
      token: markedToken(s),
      latent,
      tokenValues: patches?.tokenValues ?? null,
      tokenKey: patches?.tokenKey ?? '',
      shapes: this.figureEl('shapes-figure')?.results ?? {},
      shapesKey: `${s.prompt}|${s.seed}`,
      timing: this.figureEl('timing-figure')?.timing ?? [],
      tally: this.figureEl('tally-figure')?.tally ?? null,
      noise: this.figureEl('noise-figure')?.figure ?? null,
    };
  }

  get state(): Chapter4State {
    return this.url.state;
  }

  setState(partial: Partial<Chapter4State>) {
    this.url.set(partial);
  }

  /** Times a DiT step on each shape, as the figure's button does. */
  measureDit(): Promise<void> {
    return this.figureEl('timing-figure')?.measureDit() ?? Promise.resolve();
  }

  /** Judges the shapes on several seeds, as the tally's button does. */
  runTally(): Promise<void> {
    return this.figureEl('tally-figure')?.runTally() ?? Promise.resolve();
  }

  protected firstUpdated() {
    this.dataset.ready = 'true';
  }

  private onTryThis(e: CustomEvent<TryThisDetail>) {
    this.url.clearProblems();
    this.url.set(e.detail.state as Partial<Chapter4State>);
  }

  render() {
    const s = this.url.state;
    const patch = patchOf(s);
    const cross = Math.round(attentionCrossover(patch));
    return html`
      <chapter-section .tryThis=${TRY_THIS} .references=${REFERENCES} @try-this=${this.onTryThis}>
        <state-notice .messages=${this.url.messages()}></state-notice>
        <p>
          A transformer reads a sequence of tokens. Sora makes video into one: a compression network turns the clip into a latent
          (here the VAE of the last chapter, frame by frame; Sora's compresses time too), and the latent is cut into <em>spacetime patches</em>,
          small blocks of a few frames × a few rows × a few columns with all their channels. Each patch, flattened, is a token.
          In the DiT here a linear layer embeds it, and fixed sine and cosine features of its place in time, row and column
          are added, so the transformer knows where each token came from.
        </p>
        <p>
          Choose the patch. The numbers are the order in which the DiT here reads the tokens: time first, then rows, then
          columns, as in <code>pipeline/diffusion/patchify.ts</code> and the model's training code.
        </p>
        ${this.models.renderWeights()}
        <patches-figure .state=${s} .models=${this.models}></patches-figure>
        <p>
          The patch size trades detail for length. Whatever the patch, the latent holds the same
          ${(CLIP_FRAMES * LATENT * LATENT * CHANNELS).toLocaleString('en')} numbers; a smaller patch makes more tokens with fewer
          numbers each. Halving the side of a patch in rows and columns makes four times the tokens; spanning two frames
          instead of one halves them. An image is simply a clip of one frame: the same cutting gives its tokens, and the same
          model can learn from images and clips together, as Sora and the DiT here do.
        </p>
        <h3>Tokens, and what they cost</h3>
        <p>
          Each DiT block does two kinds of work. Everything a token does alone — the projections to queries, keys and values,
          ${term('crossAttention')} to the text (each token asking the prompt's words what it needs), the MLP — grows with the number of tokens N. Self-attention compares every token with
          every other: its scores and their mixing grow with N². For this DiT (width ${DIT_ARCHITECTURE.width},
          ${DIT_ARCHITECTURE.depth} blocks) the two are equal at about ${cross.toLocaleString('en')} tokens with this patch;
          past that, attention dominates. Longer clips and larger frames get there fast.
        </p>
        <costs-figure .state=${s}></costs-figure>
        <h3>A step, measured</h3>
        <p>
          FLOPs are a count; time is what the reader waits for. Here is one step of the committed DiT on clips of the shapes
          asked for below, each on the backend this page runs the models on.
        </p>
        <timing-figure .models=${this.models} .manifest=${this.models.manifest}></timing-figure>
        <h3>Durations and shapes it never saw</h3>
        <p>
          Because positions are features of each token's coordinates, nothing in the DiT fixes the number of tokens: give it
          a latent of 4 or 12 frames, or 8 × 12 cells (32 × 48 pixels), and it runs. Sora's report says patches are what let it
          train on videos and images at their native durations, resolutions and aspect ratios, and that it chooses the output's
          shape by the size of the grid of noise it starts from. The DiT here saw only images and 8-frame clips of 32 × 32, so other shapes ask it to generalise:
          coordinates it never saw, and clips whose motion is measured over more or fewer frames. The world's judge says what
          held.
        </p>
        <section id="shapes" class="figure-box" aria-labelledby="shapes-title"><h4 id="shapes-title">The same prompt and seed, as clips of five shapes</h4>
          <shapes-figure .state=${s} .models=${this.models}></shapes-figure>
          <tally-figure .state=${s} .models=${this.models}></tally-figure>
        </section>
        <h3>Noise over space and time</h3>
        <p>
          A clip starts as noise of its own shape: ${CLIP_FRAMES} frames × ${CHANNELS} channels × ${LATENT} × ${LATENT} numbers.
          Drawn independently, every frame starts somewhere else, and each frame settles early, at high noise, where an
          object appears and what colour and size it is: frames that each decide alone disagree, and the clip flickers.
          Ge et al. (PYoCo) and Luo et al. (VideoFusion) draw a clip's noise with a part that every frame shares,
          ε<sub>f</sub> = (a·ε<sub>shared</sub> + ε′<sub>f</sub>)/√(1 + a²), so that the frames start out agreeing; every
          number is still a standard normal, so the sampler does not change, and a model trained on such noise learns to
          expect it.
        </p>
        <noise-figure .state=${s} .manifest=${this.models.manifest}></noise-figure>
      </chapter-section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chapter-4': Chapter4;
  }
}
