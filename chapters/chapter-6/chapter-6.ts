// Chapter 6: the text encoder and cross-attention. How a prompt gets into the
// picture: the tokens and the text encoder's states (and how alike they are);
// where in the frame, and when in a clip, each word is read (cross-attention
// maps from the very run that made the sample), checked over 16 seeds; three
// ways to wire text into a DiT (adaLN, cross-attention, in context) drawn,
// beside the DiT paper's ablation and the three small models trained here.
// Guidance and prompt expansion follow in their own chapter
// (chapters/chapter-guidance/). Prose and layout: each figure is an element of
// this folder, the maps are pipeline/lessons/cross-attention.ts, the charts
// components/charts/conditioning-charts.ts.
//
// Every figure runs by itself when it comes into view (and again when its state
// changes), or on its button, from its state in the URL (prefix c6), so a link
// or a reload gives the same figures. `ensure(cell)` runs one now (tests use it).
import { LitElement, css, html, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import '../../components/shell/chapter-section';
import '../../components/widgets/conditioning-diagram';
import '../../components/charts/plot-chart';
import '../../components/shell/state-notice';
import type { TryThisDetail } from '../../components/shell/chapter-section';
import { REFERENCES, TRY_THIS } from './try-this';
import { ablationSpec, DIT_ABLATION } from '../../components/charts/conditioning-charts';
import type { LiveCell } from '../../components/shell/live-cell';
import { ModelController } from '../../components/controllers/model-controller';
import { term } from '../../components/shell/notation';
import { controls, figureBox, layout, modelLines, prose } from '../../components/styles';
import { UrlStateController } from '../../components/controllers/url-state-controller';
import { parsePrompt } from '../../pipeline/world/caption';
import './cross-attention-figure';
import './peaks-figure';
import './token-states-figure';
import './ways-figure';
import './ways-tally-figure';
import { missingWays } from './ways-figure';
import { ATTENTION_PEAK, BINDING_GAIN, BINDING_PROBE } from './measured';
import { chapter6Schema, MODELS, WAY_MODELS, type Chapter6Cell, type Chapter6State } from './state';

export { DIT_ABLATION } from '../../components/charts/conditioning-charts';
export { chapter6Schema, type Chapter6Cell, type Chapter6State } from './state';

const ABLATION_SPEC = ablationSpec(DIT_ABLATION);

/** Each cell's figure, by the id of its <live-cell>. */
const FIGURES = {
  tokens: 'token-states-figure',
  attention: 'cross-attention-figure',
  tally: 'peaks-figure',
  compare: 'ways-figure',
  ways: 'ways-tally-figure',
} as const satisfies Record<Chapter6Cell, keyof HTMLElementTagNameMap>;
type FigureOf<K extends Chapter6Cell> = HTMLElementTagNameMap[(typeof FIGURES)[K]];

@customElement('chapter-6')
export class Chapter6 extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    modelLines,
    figureBox,
    css`
      .formula {
        font-size: 1.05rem;
        margin: 0.5rem 0 1rem;
        padding-left: 1rem;
      }
    `,
  ];

  private url = new UrlStateController(this, chapter6Schema, 'c6');
  readonly models = new ModelController(this, { models: MODELS });
  /** The three small models of the comparison (not trained yet where the manifest lacks them). */
  readonly ways = new ModelController(this, { models: WAY_MODELS });

  get state(): Chapter6State {
    return this.url.state;
  }

  setState(partial: Partial<Chapter6State>) {
    this.url.set(partial);
  }

  private figure<K extends Chapter6Cell>(id: K): FigureOf<K> | null {
    return this.renderRoot.querySelector(FIGURES[id]) as FigureOf<K> | null;
  }

  /** Every cell's latest result, for tests. */
  get results() {
    const result = <K extends Chapter6Cell>(id: K): FigureOf<K>['result'] | null => this.figure(id)?.result ?? null;
    return {
      tokens: result('tokens'),
      attention: result('attention'),
      tally: result('tally'),
      compare: result('compare'),
      ways: result('ways'),
    };
  }

  /** A cell by its id (inside its figure). */
  cell(id: Chapter6Cell): LiveCell {
    return this.figure(id)?.renderRoot.querySelector<LiveCell>(`live-cell#${id}`) as LiveCell;
  }

  /** Runs a cell for the current state (once per state): resolves when its figure is shown (or it failed). */
  ensure(id: Chapter6Cell): Promise<unknown> {
    return this.figure(id)?.ensure() ?? Promise.resolve(undefined);
  }

  protected firstUpdated() {
    this.dataset.ready = 'true';
  }

  private onTryThis(e: CustomEvent<TryThisDetail>) {
    this.url.clearProblems();
    this.figure('tokens')?.clearDraft();
    this.url.set(e.detail.state as Partial<Chapter6State>);
  }

  render() {
    const s = this.url.state;
    const parsed = parsePrompt(s.prompt);
    const waysReady = !!this.ways.manifest && !missingWays(this.ways.manifest).length;
    return html`
      <chapter-section .tryThis=${TRY_THIS} .references=${REFERENCES} @try-this=${this.onTryThis}>
        <state-notice .messages=${this.url.messages()}></state-notice>
        <p>
          A denoiser that only knew the timestep ${term('t')} would make a shape, any shape, anywhere. To make “a red circle in the
          top left” it has to read the prompt. This chapter follows the prompt in: into tokens, into the text encoder's numbers,
          and through cross-attention into each patch of the picture. Then three ways to wire text into a transformer. How hard
          the prompt pulls (classifier-free guidance) and what it should say (prompt expansion) are the
          <a href="#guidance">next chapter</a>.
        </p>
        ${this.models.renderWeights()}
        <h3>Tokens, and what the text encoder makes of them</h3>
        <p>
          The tokenizer splits the prompt into words of the world's small vocabulary, between a start and an end token, and pads it
          to 24. A word it does not know becomes <code>&lt;unknown&gt;</code>; the model still runs. The text encoder, a
          small transformer trained beside a video encoder so that a caption and its clip land close together (as CLIP does for
          images), turns each token into a state of 128 numbers. The states of different words are mostly far apart: the denoiser
          must be able to tell “red” from “blue”. What a state barely holds is the rest of the prompt. Trained only to match a
          whole caption to its clip, this encoder learned, as bigger CLIPs do, mostly a bag of words (the two “a”s of “a red circle
          and a blue square” get nearly the same state in the figure below): the state of “triangle” in
          “a cyan triangle and a green square” is the same (cosine ${BINDING_PROBE.hidden}, measured over ${BINDING_PROBE.captions}
          such captions) as in “a green triangle and a cyan square”, so a patch that attends to “triangle” learns nothing there
          about its colour. Two more blocks, trained so that every word carries the words of its own phrase, give the text encoder
          a second output in which those two states differ (cosine ${BINDING_PROBE.phrases}); open it under the figure, and the
          words of one phrase turn alike in the similarity map. The U-Net of chapters 4 and 6 and the DiT of this chapter read that
          one, and draw the right colour on the right shape far more often for it (the judge, colour-binding prompts on images: the
          U-Net ${BINDING_GAIN.unet.before} before, ${BINDING_GAIN.unet.after} after its recipes ${BINDING_GAIN.unet.recipes} on it;
          the DiT ${BINDING_GAIN.dit.before} before, ${BINDING_GAIN.dit.after} after its recipes ${BINDING_GAIN.dit.recipes}; the
          model cards have the recipes).
        </p>
        <token-states-figure .state=${s} .models=${this.models}></token-states-figure>
        <h3>Where each word looks</h3>
        <p>
          The DiT here reads the 24 states of that second output in every block through cross-attention. Each patch token (2 × 2 latent cells: 8 × 8
          pixels) sends a query; each text state offers a key and a value; softmax(QKᵀ/√d) says how much of each word the patch
          takes in. Those probabilities, averaged over the 4 heads, the blocks and the first two thirds of the denoising steps, are
          a map per word of where it shapes the picture. ${term('daam')} (Tang et al. 2022), which made such maps for Stable Diffusion, averages every step; here the last third is left out, because by then
          the layout is settled and the maps may stop following it (${term('promptToPrompt')}, which edits a picture by changing a word of its prompt, keeps the layout by
          reusing only the early steps' maps): for “${ATTENTION_PEAK.prompt}”, seeds 0–${ATTENTION_PEAK.seeds - 1}, the peak of “${ATTENTION_PEAK.word}” lies inside the ${ATTENTION_PEAK.word} object for ${ATTENTION_PEAK.layout.inside} of ${ATTENTION_PEAK.seeds} seeds averaged over
          steps ${ATTENTION_PEAK.layout.steps} and for ${ATTENTION_PEAK.late.inside} over steps ${ATTENTION_PEAK.late.steps} alone (one frame each; the DiT's model card has the counts of earlier recipes, which read the bag-of-words states). Slide the step to see it. The maps here come from the very run that made the sample: at each step the
          sampler calls, in the DiT's place, the same network with its attention as a second output, on
          ${term('xt')} for both halves of guidance (the <a href="#guidance">next chapter</a>), and keeps the maps of the prompt's half.
        </p>
        <cross-attention-figure .state=${s} .models=${this.models}></cross-attention-figure>
        <p>
          One sample is an anecdote. For the colour words of the prompt, check whether the map's peak lies inside the object of that
          colour (the judge's reading of it, grown by 1 pixel), over 16 seeds.${parsed.phrases.length > 1
            ? ' With two objects the model often swaps their shapes or sizes; see whether the colour words still find their own object.'
            : ''}
        </p>
        <peaks-figure .state=${s} .models=${this.models}></peaks-figure>
        <h3>Three ways in: adaLN, cross-attention, in context</h3>
        <p>
          Peebles and Xie tried four designs of a DiT block to bring the condition (a class label, for them) in: the three ways
          below, and adaLN in a second form, adaLN-Zero. They kept adaLN-Zero, which scored best. The DiT of this page uses two
          ways at once: adaLN-Zero for the timestep, cross-attention for the text, as PixArt-α does.
        </p>
        <section class="figure-box" aria-labelledby="ways-title">
          <h4 id="ways-title">Where the text enters a DiT block</h4>
          <conditioning-diagram highlight="cross"></conditioning-diagram>
        </section>
        <section class="figure-box" aria-labelledby="ablation-title">
          <h4 id="ablation-title">The DiT paper's ablation (Peebles &amp; Xie 2023): DiT-XL/2, 400K training steps, ImageNet 256 × 256</h4>
          <plot-chart
            id="ablation-chart"
            .spec=${ABLATION_SPEC}
            alt=${`FID-50K after 400K steps: ${DIT_ABLATION.map((d) => `${d.way} ${d.fid}`).join(', ')}; lower is better. Cross-attention costs about 15 % more Gflops.`}
          ></plot-chart>
          <p class="muted">
            Lower FID is better. adaLN-Zero is adaLN whose last layer starts at zero, so each block starts as the identity. Their
            condition was a class label; a whole sentence, where different words belong to different places, is what cross-attention
            is for, and text-to-image DiTs such as PixArt-α use it.
          </p>
        </section>
        <p>
          Many text-to-image models use two of these ways for the text itself. Imagen's U-Net adds one pooled vector of the whole
          prompt to the timestep's embedding, which scales and shifts every block as adaLN does, and also reads the whole sequence
          of word states through cross-attention (Saharia et al.); SDXL does the same with a pooled CLIP vector (Podell et al.).
          The pooled vector says what the whole prompt is about; cross-attention says which word goes where. The DiT of this page
          reads only the word states, and the adaLN model below only the pooled vector: see what each gets right.
        </p>
        ${waysReady ? this.ways.renderWeights() : nothing}
        <ways-figure .state=${s} .models=${this.ways} .manifest=${this.ways.manifest}></ways-figure>
        ${waysReady ? html`<ways-tally-figure .state=${s} .models=${this.ways}></ways-tally-figure>` : nothing}
      </chapter-section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chapter-6': Chapter6;
  }
}
