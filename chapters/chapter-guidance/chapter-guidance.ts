// The guidance chapter: how hard the prompt pulls, and what the prompt should say.
// Classifier-free guidance from 0 to 15, against the empty or a negative prompt
// (one seed at several scales), with the judge's pass rate and the samples'
// diversity measured over a few seeds; then prompt expansion by visible rules,
// each prompt's samples held to what was asked. It follows chapter 6 (the text
// encoder and cross-attention), from which it was split. Prose and layout: each
// figure is an element of this folder, the sweep pipeline/lessons/guidance-sweep.ts,
// the rules pipeline/lessons/prompt-expansion.ts, the charts
// components/charts/conditioning-charts.ts.
//
// Every figure runs by itself when it comes into view (and again when its state
// changes), or on its button, from its state in the URL (prefix cg), so a link
// or a reload gives the same figures. `ensure(cell)` runs one now (tests use it).
import { LitElement, css, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import '../../components/shell/chapter-section';
import '../../components/shell/state-notice';
import type { TryThisDetail } from '../../components/shell/chapter-section';
import type { LiveCell } from '../../components/shell/live-cell';
import { ModelController } from '../../components/controllers/model-controller';
import { term } from '../../components/shell/notation';
import { controls, layout, modelLines, prose } from '../../components/styles';
import { UrlStateController } from '../../components/controllers/url-state-controller';
import './expansion-figure';
import './expansion-tally-figure';
import './guidance-figure';
import './guidance-sweep-figure';
import { chapterGuidanceSchema, MODELS, type ChapterGuidanceCell, type ChapterGuidanceState } from './state';
import { REFERENCES, TRY_THIS } from './try-this';

export { chapterGuidanceSchema, type ChapterGuidanceCell, type ChapterGuidanceState } from './state';

/** Each cell's figure, by the id of its <live-cell>. */
const FIGURES = {
  strip: 'guidance-figure',
  sweep: 'guidance-sweep-figure',
  expand: 'expansion-figure',
  expandTally: 'expansion-tally-figure',
} as const satisfies Record<ChapterGuidanceCell, keyof HTMLElementTagNameMap>;
type FigureOf<K extends ChapterGuidanceCell> = HTMLElementTagNameMap[(typeof FIGURES)[K]];

@customElement('chapter-guidance')
export class ChapterGuidance extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    modelLines,
    css`
      .formula {
        font-size: 1.05rem;
        margin: 0.5rem 0 1rem;
        padding-left: 1rem;
      }
    `,
  ];

  private url = new UrlStateController(this, chapterGuidanceSchema, 'cg');
  readonly models = new ModelController(this, { models: MODELS });

  get state(): ChapterGuidanceState {
    return this.url.state;
  }

  setState(partial: Partial<ChapterGuidanceState>) {
    this.url.set(partial);
  }

  private figure<K extends ChapterGuidanceCell>(id: K): FigureOf<K> | null {
    return this.renderRoot.querySelector(FIGURES[id]) as FigureOf<K> | null;
  }

  /** Every cell's latest result, for tests. */
  get results() {
    const result = <K extends ChapterGuidanceCell>(id: K): FigureOf<K>['result'] | null => this.figure(id)?.result ?? null;
    return {
      strip: result('strip'),
      sweep: result('sweep'),
      expand: result('expand'),
      expandTally: result('expandTally'),
    };
  }

  /** A cell by its id (inside its figure). */
  cell(id: ChapterGuidanceCell): LiveCell {
    return this.figure(id)?.renderRoot.querySelector<LiveCell>(`live-cell#${id}`) as LiveCell;
  }

  /** Runs a cell for the current state (once per state): resolves when its figure is shown (or it failed). */
  ensure(id: ChapterGuidanceCell): Promise<unknown> {
    return this.figure(id)?.ensure() ?? Promise.resolve(undefined);
  }

  protected firstUpdated() {
    this.dataset.ready = 'true';
  }

  private onTryThis(e: CustomEvent<TryThisDetail>) {
    this.url.clearProblems();
    this.url.set(e.detail.state as Partial<ChapterGuidanceState>);
  }

  render() {
    const s = this.url.state;
    return html`
      <chapter-section .tryThis=${TRY_THIS} .references=${REFERENCES} @try-this=${this.onTryThis}>
        <state-notice .messages=${this.url.messages()}></state-notice>
        <p>
          The <a href="#conditioning">last chapter</a> followed the prompt into the DiT: tokens, the text encoder's states,
          and cross-attention, through which each patch reads the words it needs. Reading the prompt is not yet obeying it.
          This chapter is about how hard the prompt pulls, classifier-free guidance, with what it buys and what it costs
          measured over many samples; and about what the prompt should say: why Sora rewrites a short prompt into a long
          caption before the model reads it.
        </p>
        ${this.models.renderWeights()}
        <h3>Guidance: how hard the prompt pulls</h3>
        <p>
          In training, the prompt was replaced by the empty prompt 10 % of the time, so one network learned both the conditional
          prediction and the unconditional one. Classifier-free guidance runs both at each step and pushes past the conditional one,
          away from the unconditional:
        </p>
        <p class="formula">ε̂ = ε̂<sub>uncond</sub> + ${term('s')} · (ε̂<sub>cond</sub> − ε̂<sub>uncond</sub>)</p>
        <p>
          (the DiT here predicts v, and the same combination is taken of v). At ${term('s')} = 0 the prompt is never read; at 1 it
          is plain conditional sampling; above 1 the difference the prompt makes is amplified. A negative prompt takes the empty
          prompt's place on the unconditional side, so the sample is pushed away from it (and at ${term('s')} = 0, only the negative
          prompt is read).
        </p>
        <guidance-figure .state=${s} .models=${this.models}></guidance-figure>
        <p>
          Guidance buys faithfulness and pays in variety. Ho &amp; Salimans found a trade of fidelity for diversity, not a free
          gain: as the scale grows the Inception Score (how clearly each sample shows its class) keeps rising, while FID, which
          also counts what the samples miss, is best at a small scale and worse beyond it. Measure both here, over a few seeds
          of the same prompt.
        </p>
        <guidance-sweep-figure .state=${s} .models=${this.models}></guidance-sweep-figure>
        <h3>Prompt expansion</h3>
        <p>
          A model follows best the kind of text it learned from. DALL·E 3 was trained on long, descriptive captions, and Sora
          on re-captioned videos; both use a language model to turn a user's short prompt into such a caption before the model reads
          it. The world here has a tiny grammar, so a few visible rules do that job: synonyms into the world's words, the grammar's
          “a” and order, one phrase an object, and every attribute the prompt leaves open filled in from a seed, as the training
          captions stated them (each part was dropped only a third of the time).
        </p>
        <expansion-figure .state=${s} .models=${this.models}></expansion-figure>
        <expansion-tally-figure .state=${s} .models=${this.models}></expansion-tally-figure>
        <p>
          The expansion is held to what was asked, not only to itself: filling in “big” or “in the top left” is the rule's choice,
          and any picture that obeys the expansion also obeys the short prompt. The <a href="#text-to-video">next chapter</a> puts
          the whole pipeline together.
        </p>
      </chapter-section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chapter-guidance': ChapterGuidance;
  }
}
