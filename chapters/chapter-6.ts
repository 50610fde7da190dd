// Chapter 6: Conditioning on text. How a prompt gets into the picture: the
// tokens and the text encoder's states (and how alike they are); where in the
// frame, and when in a clip, each word is read (cross-attention maps from the
// very run that made the sample); the guidance scale, the empty and the
// negative prompt, with the judge's pass rate and the samples' diversity
// measured over a few seeds; three ways to wire text into a DiT (adaLN,
// cross-attention, in context) drawn, beside the DiT paper's ablation and the
// three small models trained here; and prompt expansion by visible rules.
// Prose and wiring only: the maps are pipeline/lessons/cross-attention.ts, the rules
// pipeline/lessons/prompt-expansion.ts, the sweep pipeline/lessons/guidance-sweep.ts, the
// views components/.
//
// Every cell runs by itself when it comes into view (and again when its state
// changes), from its state in the URL (prefix c6), so a link or a reload gives
// the same figures. `ensure(cell)` runs one now (tests use it).
import * as Plot from '@observablehq/plot';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import '../components/attention-maps';
import '../components/chapter-section';
import '../components/choice-picker';
import '../components/clip-card';
import '../components/conditioning-diagram';
import '../components/expansion-rules';
import '../components/labelled-slider';
import '../components/live-cell';
import '../components/model-card';
import '../components/plot-chart';
import '../components/prompt-field';
import '../components/state-notice';
import '../components/token-embeddings';
import type { WordMap } from '../components/attention-maps';
import type { Reference, TryThis, TryThisDetail } from '../components/chapter-section';
import type { LiveCell } from '../components/live-cell';
import { ModelController } from '../components/model-controller';
import { term } from '../components/notation';
import { CHART_COLOURS, type ChartSpec } from '../components/plot-chart';
import type { PromptDetail } from '../components/prompt-field';
import { controls, layout, prose } from '../components/styles';
import { UrlStateController } from '../components/url-state-controller';
import { VisibleCellsController } from '../components/visible-cells-controller';
import {
  combineMaps, keysOfWord, layoutSteps, peakInsideObject, textToVideoWithAttention, tokenMap,
  type AttentionClip, type PeakCheck,
} from '../pipeline/lessons/cross-attention';
import { STRIP_SCALES, SWEEP_SCALES, summariseSweep, wilson, type ScalePoint, type SweepSample } from '../pipeline/lessons/guidance-sweep';
import { expandPrompt, type Expansion } from '../pipeline/lessons/prompt-expansion';
import type { EncodedText } from '../pipeline/text-to-video/prompt';
import type { GeneratedClip } from '../pipeline/text-to-video/clip';
import { scoreClip } from '../pipeline/text-to-video/clip';
import { defineSchema, integer, number, oneOf, text, type StateOf } from '../pipeline/url-state';
import { parsePrompt } from '../pipeline/world/caption';
import type { Verdict } from '../pipeline/world/judge';
import { COLOURS, type Colour } from '../pipeline/world/spec';
import { tokenize } from '../pipeline/world/tokenizer';

const MODELS = ['text_encoder', 'dit', 'dit_inspect', 'vae_decoder'];
/** The three small image DiTs of the comparison, trained alike but for how the text gets in. */
const WAYS = ['dit_adaln', 'dit_cross', 'dit_in_context'] as const;
const WAY_NAMES: Record<(typeof WAYS)[number], string> = { dit_adaln: 'adaLN', dit_cross: 'Cross-attention', dit_in_context: 'In context' };
const STEPS = 30;
/** Seeds the peak check and the ways' tally run over. */
const TALLY_SEEDS = 16;
const WAY_SEEDS = 8;
const CELLS = ['tokens', 'attention', 'strip', 'compare', 'expand'] as const;
export type Chapter6Cell = (typeof CELLS)[number] | 'tally' | 'sweep' | 'ways' | 'expandTally';

export const chapter6Schema = defineSchema({
  /** The prompt of the tokens and of the attention maps. */
  prompt: text(160, 'a red circle and a blue square'),
  /** The attention cell: seed, image or clip, and which steps and layers the maps average. */
  seed: integer(0, 99_999, 1),
  frames: oneOf(['1', '8'], '1'),
  /** 0: the first two thirds of the steps, averaged (the layout's steps); k: step k alone. */
  step: integer(0, STEPS, 0),
  /** 0: every layer; k: layer k alone. */
  layer: integer(0, 6, 0),
  /** Guidance: prompt, negative prompt, scale, seed, and seeds of the sweep. */
  gprompt: text(160, 'a big yellow triangle in the center'),
  gneg: text(160, ''),
  gscale: number(0, 15, 4),
  gseed: integer(0, 99_999, 0),
  gseeds: integer(2, 12, 6),
  /** The three ways in: one prompt, one seed. */
  cprompt: text(160, 'a red square in the top left'),
  cseed: integer(0, 99_999, 0),
  /** Prompt expansion: the short prompt, image or clip, the seed of the filled attributes, the seed of the sample. */
  eprompt: text(160, 'red ball'),
  emode: oneOf(['image', 'clip'], 'image'),
  eseed: integer(0, 99_999, 3),
  sseed: integer(0, 99_999, 0),
});
export type Chapter6State = StateOf<typeof chapter6Schema>;

const TRY_THIS: TryThis<Partial<Chapter6State>>[] = [
  {
    question: 'Turn the guidance scale down to 0, then up to 15. At 0 the model never reads the prompt: what does it draw? Where does the judge start passing, and what happens to the variety between seeds?',
    state: { gscale: 0, gprompt: 'a big yellow triangle in the center', gneg: '', gseed: 0 },
  },
  {
    question: 'The maps average six layers. Look at layer 5 alone, then layer 6: do all layers look at the object a colour word names?',
    state: { prompt: 'a red circle', seed: 0, frames: '1', step: 0, layer: 5 },
  },
  {
    question: 'Expand “two tiny boxes falling” as a clip. Which rules fire? Does the expanded prompt pass the judge, held to what you asked, more often than the short one?',
    state: { eprompt: 'two tiny boxes falling', emode: 'clip', eseed: 3, sseed: 0 },
  },
];

const REFERENCES: Reference[] = [
  { title: 'Radford et al. 2021, Learning Transferable Visual Models From Natural Language Supervision (CLIP)', href: 'https://arxiv.org/abs/2103.00020', note: 'a text encoder trained against images' },
  { title: 'Rombach et al. 2022, High-Resolution Image Synthesis with Latent Diffusion Models', href: 'https://arxiv.org/abs/2112.10752', note: 'text through cross-attention' },
  { title: 'Hertz et al. 2022, Prompt-to-Prompt Image Editing with Cross Attention Control', href: 'https://arxiv.org/abs/2208.01626', note: 'cross-attention maps' },
  { title: 'Tang et al. 2022, What the DAAM: Interpreting Stable Diffusion Using Cross Attention', href: 'https://arxiv.org/abs/2210.04885', note: 'word-to-pixel attribution, summed over layers, heads and steps' },
  { title: 'Ho & Salimans 2022, Classifier-Free Diffusion Guidance', href: 'https://arxiv.org/abs/2207.12598', note: 'the guidance scale, and its trade of quality for diversity' },
  { title: 'Peebles & Xie 2023, Scalable Diffusion Models with Transformers', href: 'https://arxiv.org/abs/2212.09748', note: 'adaLN-Zero, cross-attention, in context: their ablation of block designs' },
  { title: 'Chen et al. 2023, PixArt-α', href: 'https://arxiv.org/abs/2310.00426', note: 'a DiT with cross-attention to text, as the DiT here' },
  { title: 'Betker et al. 2023, Improving Image Generation with Better Captions (DALL·E 3)', href: 'https://cdn.openai.com/papers/dall-e-3.pdf', note: 'descriptive captions, and prompts upsampled by a language model' },
  { title: 'OpenAI 2024, Video generation models as world simulators', href: 'https://openai.com/index/video-generation-models-as-world-simulators/', note: 're-captioning, and short prompts expanded by GPT' },
];

/** Peebles & Xie 2023, DiT-XL/2 after 400K steps, FID-50K (lower is better). */
export const DIT_ABLATION = [
  { way: 'In-context', fid: 35.24, note: '' },
  { way: 'Cross-attention', fid: 26.14, note: '+15 % Gflops' },
  { way: 'adaLN', fid: 25.21, note: '' },
  { way: 'adaLN-Zero', fid: 19.47, note: 'the DiT’s choice' },
] as const;

const GUIDANCE_EXAMPLES = ['a big yellow triangle in the center', 'a small red circle in the top left', 'a blue square and a green circle'];
const NEGATIVE_EXAMPLES = ['a triangle', 'yellow', 'a big yellow triangle'];

// ---------------------------------------------------------------- results, each with the state key it was made from

interface TokensResult {
  key: string;
  text: EncodedText;
}
interface AttentionResult {
  key: string;
  clip: AttentionClip;
}
interface TallyRow {
  seed: number;
  pass: boolean;
  /** Per colour word of the prompt: inside in every frame, outside somewhere, or no object of that colour. */
  words: { word: Colour; inside: boolean; why: string }[];
}
interface TallyResult {
  key: string;
  rows: TallyRow[];
  of: number;
}
interface StripResult {
  key: string;
  /** Samples by scale, as they arrive. */
  clips: Map<number, GeneratedClip>;
}
interface SweepResult {
  key: string;
  samples: SweepSample[];
  of: number;
}
interface CompareResult {
  key: string;
  clips: Partial<Record<(typeof WAYS)[number], GeneratedClip>>;
}
interface WaysTally {
  key: string;
  passes: Record<(typeof WAYS)[number], boolean[]>;
  of: number;
}
interface ExpandResult {
  key: string;
  expansion: Expansion;
  short: GeneratedClip;
  expanded: GeneratedClip;
  /** Each sample judged against the intent (what the reader asked, in the world's words), if there is one. */
  shortVsIntent: Verdict | null;
  expandedVsIntent: Verdict | null;
}
interface ExpandTally {
  key: string;
  short: boolean[];
  expanded: boolean[];
  of: number;
}

const sameDims = (c: { frames: Uint8Array; numFrames: number; width: number; height: number }) => ({ frames: c.frames, numFrames: c.numFrames, width: c.width, height: c.height });
const fmtScale = (s: number) => (Number.isInteger(s) ? String(s) : s.toFixed(1));

/** The colour words of a prompt, in order, once each. */
function colourWords(prompt: string): Colour[] {
  const words = tokenize(prompt).pieces.map((p) => p.text);
  return [...new Set(words.filter((w): w is Colour => (COLOURS as readonly string[]).includes(w)))];
}

@customElement('chapter-6')
export class Chapter6 extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    css`
      details.phrases {
        margin-top: 0.75rem;
      }
      details.phrases summary {
        cursor: pointer;
        font-size: 0.9rem;
      }
      .weights,
      .backend {
        font-size: 0.85rem;
        color: var(--muted);
        margin: 0.5rem 0;
        max-width: none;
      }
      .controls {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr));
        gap: 0.75rem 1.5rem;
        align-items: start;
        margin-bottom: 1rem;
      }
      .readout {
        font-variant-numeric: tabular-nums;
        font-size: 0.95rem;
        margin: 0.5rem 0;
        max-width: none;
      }
      .formula {
        font-size: 1.05rem;
        margin: 0.5rem 0 1rem;
        padding-left: 1rem;
      }
      .attn {
        display: grid;
        grid-template-columns: minmax(15rem, 17rem) minmax(0, 1fr);
        gap: 1rem 1.5rem;
        align-items: start;
      }
      .strip {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(8.5rem, 1fr));
        gap: 0.9rem 1rem;
        align-items: start;
        margin: 0.5rem 0;
      }
      .strip clip-card.on {
        outline: 3px solid var(--focus);
        outline-offset: 3px;
        border-radius: 0.3rem;
      }
      .two,
      .three {
        display: grid;
        gap: 1rem 1.25rem;
        align-items: start;
      }
      .two {
        grid-template-columns: repeat(2, minmax(0, 16rem));
      }
      .three {
        grid-template-columns: repeat(3, minmax(0, 15rem));
      }
      .charts {
        display: grid;
        grid-template-columns: repeat(2, minmax(0, 1fr));
        gap: 1rem 1.5rem;
      }
      @media (max-width: 40rem) {
        .attn,
        .charts {
          grid-template-columns: minmax(0, 1fr);
        }
        .attn > clip-card {
          max-width: 16rem;
        }
        .two {
          grid-template-columns: repeat(2, minmax(0, 1fr));
        }
        .three {
          grid-template-columns: repeat(2, minmax(0, 1fr));
        }
      }
      .figure-box {
        margin: 1.5rem 0;
        padding: 1rem;
        border: 1px solid var(--rule);
        border-radius: 0.6rem;
        background: var(--cell-bg);
      }
      .figure-box > h4 {
        margin: 0 0 0.75rem;
        font-size: 0.9rem;
      }
      details {
        margin-top: 0.4rem;
        font-size: 0.85rem;
      }
      summary {
        cursor: pointer;
      }
      summary:focus-visible {
        outline: 3px solid var(--focus);
        outline-offset: 2px;
      }
      .keys {
        display: flex;
        flex-wrap: wrap;
        gap: 0.1rem 0.9rem;
        margin: 0.5rem 0 0.2rem;
        padding: 0;
        list-style: none;
        font-size: 0.85rem;
      }
      .keys li::before {
        content: '';
        display: inline-block;
        width: 0.7rem;
        height: 0.7rem;
        margin-right: 0.3rem;
        vertical-align: -0.05rem;
        background: var(--key);
      }
    `,
  ];

  private url = new UrlStateController(this, chapter6Schema, 'c6');
  readonly models = new ModelController(this, { models: MODELS });
  /** The three small models of the comparison (not trained yet where the manifest lacks them). */
  readonly ways = new ModelController(this, { models: ['text_encoder', ...WAYS, 'vae_decoder'] });

  /** The prompt as typed in the tokens cell (its tokens and states follow it before it is submitted). */
  @state() private draft: string | null = null;
  @state() private tokens: TokensResult | null = null;
  @state() private attention: AttentionResult | null = null;
  @state() private tally: TallyResult | null = null;
  @state() private strip: StripResult | null = null;
  @state() private sweep: SweepResult | null = null;
  @state() private compared: CompareResult | null = null;
  @state() private waysTally: WaysTally | null = null;
  @state() private expanded: ExpandResult | null = null;
  @state() private expandTally: ExpandTally | null = null;
  /** What each cell is doing, in a few words. */
  @state() private progress: Partial<Record<Chapter6Cell, string>> = {};

  private started: Partial<Record<Chapter6Cell, { key: string; promise: Promise<unknown> }>> = {};
  private runIds: Partial<Record<Chapter6Cell, number>> = {};
  /** The cells in view now (a cell that leaves it is un-marked). */
  private visible = new VisibleCellsController<Chapter6Cell>(this, {
    cells: () => CELLS.map((id) => this.cell(id)),
    rootMargin: '25% 0px 25% 0px',
    leaving: 'unmark',
    onChange: () => this.scheduleAuto(0),
  });
  private autoTimer: ReturnType<typeof setTimeout> | null = null;

  get state(): Chapter6State {
    return this.url.state;
  }

  /** Every cell's latest result, for tests. */
  get results() {
    return {
      tokens: this.tokens,
      attention: this.attention,
      tally: this.tally,
      strip: this.strip,
      sweep: this.sweep,
      compare: this.compared,
      ways: this.waysTally,
      expand: this.expanded,
      expandTally: this.expandTally,
    };
  }

  setState(partial: Partial<Chapter6State>) {
    this.url.set(partial);
  }

  cell(id: Chapter6Cell): LiveCell {
    return this.renderRoot.querySelector<LiveCell>(`live-cell#${id}`)!;
  }

  // ---------------------------------------------------------------- running cells when they come into view

  protected firstUpdated() {
    this.dataset.ready = 'true';
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.autoTimer !== null) clearTimeout(this.autoTimer);
  }

  private lastState: Chapter6State | null = null;
  private lastDraft: string | null = null;

  protected updated(_changed: PropertyValues<this>) {
    if (this.url.state === this.lastState && this.draft === this.lastDraft) return;
    this.lastState = this.url.state;
    this.lastDraft = this.draft;
    this.scheduleAuto(250);
  }

  private scheduleAuto(ms: number) {
    if (this.autoTimer !== null) clearTimeout(this.autoTimer);
    this.autoTimer = setTimeout(() => {
      this.autoTimer = null;
      for (const id of CELLS) if (this.visible.has(id) && this.started[id]?.key !== this.keyOf(id)) void this.ensure(id);
    }, ms);
  }

  /** The state a cell's figure depends on, as text: a new key means a new run. */
  keyOf(id: Chapter6Cell): string {
    const s = this.url.state;
    switch (id) {
      case 'tokens':
        return this.draft ?? s.prompt;
      case 'attention':
      case 'tally':
        return `${s.prompt}|${s.seed}|${s.frames}`;
      case 'strip':
        return `${s.gprompt}|${s.gneg}|${s.gseed}|${s.gscale}`;
      case 'sweep':
        return `${s.gprompt}|${s.gneg}|${s.gseed}|${s.gseeds}`;
      case 'compare':
      case 'ways':
        return `${s.cprompt}|${s.cseed}`;
      case 'expand':
      case 'expandTally':
        return `${s.eprompt}|${s.emode}|${s.eseed}|${s.sseed}`;
    }
  }

  /** Runs a cell for the current state (once per state): resolves when its figure is shown (or it failed). */
  ensure(id: Chapter6Cell): Promise<unknown> {
    const key = this.keyOf(id);
    const running = this.started[id];
    if (running?.key === key) return running.promise;
    const runId = (this.runIds[id] ?? 0) + 1;
    this.runIds[id] = runId;
    const current = () => this.runIds[id] === runId;
    const task = {
      tokens: () => this.runTokens(key, current),
      attention: () => this.runAttention(key, current),
      tally: () => this.runTally(key, current),
      strip: () => this.runStrip(key, current),
      sweep: () => this.runSweep(key, current),
      compare: () => this.runCompare(key, current),
      ways: () => this.runWays(key, current),
      expand: () => this.runExpand(key, current),
      expandTally: () => this.runExpandTally(key, current),
    }[id];
    const promise = this.updateComplete.then(task);
    this.started[id] = { key, promise };
    return promise;
  }

  private say(id: Chapter6Cell, text: string) {
    this.progress = { ...this.progress, [id]: text };
  }

  // ---------------------------------------------------------------- tokens and states

  private async runTokens(key: string, current: () => boolean) {
    await this.models.runTask(this.cell('tokens'), async ({ request }) => {
      const enc = await request({ kind: 'encodePrompt', prompt: key });
      if (current()) this.tokens = { key, text: enc.prompt };
    });
  }

  private renderTokens() {
    const s = this.url.state;
    const r = this.tokens;
    const fresh = r && r.key === this.keyOf('tokens') ? r : null;
    return html`
      <prompt-field
        label="Prompt"
        .value=${s.prompt}
        .examples=${['a red circle and a blue square', 'a big green triangle in the top right', 'a small purple square moving left', 'a red circle made of glass']}
        submit-label="Map the words"
        show-ids
        judge-note
        @prompt-input=${(e: CustomEvent<PromptDetail>) => (this.draft = e.detail.value)}
        @prompt-submit=${(e: CustomEvent<PromptDetail>) => {
          this.draft = null;
          this.url.set({ prompt: e.detail.value });
        }}
      ></prompt-field>
      ${r
        ? html`<token-embeddings .pieces=${r.text.tokens.pieces} .states=${r.text.hidden}></token-embeddings>
            ${r.text.phrases
              ? html`<details class="phrases">
                  <summary>The same tokens after the context blocks: the <code>phrases</code> output, what the U-Net reads</summary>
                  <token-embeddings id="phrases" .pieces=${r.text.tokens.pieces} .states=${r.text.phrases}></token-embeddings>
                </details>`
              : nothing}
            ${!fresh ? html`<p class="muted" role="status">Updating for the text as typed…</p>` : nothing}`
        : html`<p class="muted" role="status">The text encoder's states appear here.</p>`}
    `;
  }

  // ---------------------------------------------------------------- cross-attention maps

  /** The attention cell's sample with every step's maps, made on the page through the worker's model calls. */
  private async runAttention(key: string, current: () => boolean) {
    const s = this.url.state;
    this.say('attention', 'starting…');
    await this.models.runTask(this.cell('attention'), async ({ runner, signal }) => {
      const clip = await textToVideoWithAttention(
        runner,
        { prompt: s.prompt, model: 'dit', seed: s.seed, steps: STEPS, frames: Number(s.frames) },
        {
          signal,
          onStep: (p) => {
            if (current()) this.say('attention', `step ${p.step} of ${p.of}: the DiT, then its inspect twin on the same x_t`);
          },
        },
      );
      if (!current()) return;
      this.attention = { key, clip };
      this.say('attention', '');
    });
  }

  /** The steps and layers the maps average, as the controls say. */
  private selection(clip: AttentionClip): { steps?: number[]; layers?: number[] } {
    const s = this.url.state;
    const n = clip.attention.perStep.length;
    return {
      steps: s.step > 0 ? [Math.min(s.step, n) - 1] : layoutSteps(n),
      ...(s.layer > 0 ? { layers: [Math.min(s.layer, clip.attention.layers) - 1] } : {}),
    };
  }

  /** The word maps shown for the attention cell's sample (a new array only when something changed). */
  private wordMapsFor: { key: string; words: WordMap[]; average: Float32Array | null } = { key: '', words: [], average: null };
  private wordMaps(r: AttentionResult): { words: WordMap[]; average: Float32Array } {
    const s = this.url.state;
    const k = `${r.key}|${s.step}|${s.layer}`;
    if (this.wordMapsFor.key === k && this.wordMapsFor.average) return { words: this.wordMapsFor.words, average: this.wordMapsFor.average };
    const clip = r.clip;
    const grid = clip.attention.grid;
    const average = combineMaps(clip.attention, this.selection(clip));
    const words: WordMap[] = [];
    clip.text.tokens.pieces.forEach((p, key) => {
      if (p.kind === 'special') return;
      const map = tokenMap(average, key, grid);
      const word: WordMap = { label: p.text, map };
      if ((COLOURS as readonly string[]).includes(p.text)) {
        const checks: PeakCheck[] = Array.from({ length: grid.frames }, (_, f) => peakInsideObject(map, grid, clip.verdict, p.text, f));
        const track = clip.verdict.reading.tracks.find((t) => t.colour === p.text);
        word.inside = checks.map((c) => c.inside);
        word.boxes = Array.from({ length: grid.frames }, (_, f) => {
          const o = track?.frames[f];
          return o ? { x0: o.box.x0, y0: o.box.y0, x1: o.box.x1 - 1, y1: o.box.y1 - 1 } : null;
        });
        const n = checks.filter((c) => c.inside).length;
        word.note = !track
          ? `no ${p.text} object in the sample`
          : grid.frames === 1
            ? checks[0].inside
              ? `peak inside the ${p.text} ${track.shape ?? 'object'}`
              : `peak outside the ${p.text} ${track.shape ?? 'object'}`
            : `peak inside the ${p.text} ${track.shape ?? 'object'} in ${n} of ${grid.frames} frames`;
      }
      words.push(word);
    });
    this.wordMapsFor = { key: k, words, average };
    return { words, average };
  }

  /** How the attention of the average splits over the 24 text tokens (the padding summed). */
  private shareSpec(r: AttentionResult, average: Float32Array): { spec: ChartSpec; alt: string } {
    const pieces = r.clip.text.tokens.pieces;
    const T = average.length / 24;
    const rows = pieces.map((p, i) => {
      let s = 0;
      for (let t = 0; t < T; t++) s += average[i * T + t];
      return { label: `${i} ${p.text}`, share: s / T, kind: p.kind };
    });
    let pad = 0;
    for (let i = pieces.length; i < 24; i++) for (let t = 0; t < T; t++) pad += average[i * T + t];
    if (pieces.length < 24) rows.push({ label: `<pad> × ${24 - pieces.length}`, share: pad / T, kind: 'special' });
    const spec: ChartSpec = ({ width }) => ({
      width,
      height: 34 + 20 * rows.length,
      marginLeft: 100,
      marginRight: 44,
      marginBottom: 30,
      x: { domain: [0, Math.max(0.05, ...rows.map((d) => d.share))], label: 'share of a patch’s attention →', tickFormat: (v: number) => `${Math.round(v * 100)} %`, ticks: 4 },
      y: { domain: rows.map((d) => d.label), label: null, tickSize: 0 },
      marks: [
        Plot.barX(rows, { y: 'label', x: 'share', fill: (d: { kind: string }) => (d.kind === 'special' ? CHART_COLOURS.faint : CHART_COLOURS.noise) }),
        Plot.text(rows, { y: 'label', x: 'share', text: (d: { share: number }) => `${(d.share * 100).toFixed(0)} %`, dx: 4, textAnchor: 'start' }),
        Plot.ruleX([0]),
      ],
    });
    const alt = `On average a patch gives ${rows.map((d) => `${d.label.replace(/^\d+ /, '')} ${(d.share * 100).toFixed(0)} %`).join(', ')} of its cross-attention.`;
    return { spec, alt };
  }
  private shareFor: { key: string; value: { spec: ChartSpec; alt: string } | null } = { key: '', value: null };

  private renderAttention() {
    const s = this.url.state;
    const r = this.attention;
    const fresh = r && r.key === this.keyOf('attention') ? r : null;
    const clip = r?.clip;
    const shown = r ? this.wordMaps(r) : null;
    let share: { spec: ChartSpec; alt: string } | null = null;
    if (r && shown) {
      const k = this.wordMapsFor.key;
      if (this.shareFor.key !== k) this.shareFor = { key: k, value: this.shareSpec(r, shown.average) };
      share = this.shareFor.value;
    }
    const t = clip && s.step > 0 ? clip.attention.timesteps[Math.min(s.step, clip.attention.timesteps.length) - 1] : null;
    const layout = clip ? layoutSteps(clip.attention.perStep.length).length : 0; // the default average's steps
    return html`
      <div class="controls">
        <div class="row">
          <labelled-slider
            label="Seed"
            min="0"
            max="99999"
            number-box
            .value=${s.seed}
            @value-change=${(e: CustomEvent<{ value: number }>) => this.url.set({ seed: e.detail.value })}
            style="flex: 1 1 10rem"
          ></labelled-slider>
          <button type="button" @click=${() => this.url.set({ seed: (s.seed + 1) % 100_000 })}>New seed</button>
        </div>
        <choice-picker
          label="Make"
          .options=${[{ value: '1', label: 'An image' }, { value: '8', label: 'A clip (8 frames)' }]}
          .value=${s.frames}
          @choice-change=${(e: CustomEvent<{ value: string }>) => this.url.set({ frames: e.detail.value as Chapter6State['frames'] })}
        ></choice-picker>
        <labelled-slider
          label="Denoising step"
          min="0"
          max=${STEPS}
          .value=${s.step}
          .format=${(v: number) => (v === 0 ? `steps 1–${layoutSteps(STEPS).length} of ${STEPS}, averaged` : `step ${v} of ${STEPS}${clip ? `, t = ${clip.attention.timesteps[v - 1] ?? '…'}` : ''}`)}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.url.set({ step: e.detail.value })}
        ></labelled-slider>
        <labelled-slider
          label="Layer"
          min="0"
          max=${clip?.attention.layers ?? 6}
          .value=${s.layer}
          .format=${(v: number) => (v === 0 ? `all ${clip?.attention.layers ?? 6}, averaged` : `layer ${v} (of ${clip?.attention.layers ?? 6})`)}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.url.set({ layer: e.detail.value })}
        ></labelled-slider>
      </div>
      ${clip
        ? html`<div class="attn">
              <clip-card heading="The sample" subheading=${`“${clip.prompt}”, seed ${clip.sample.options.seed}`} .clip=${sameDims(clip)} .verdict=${clip.verdict}></clip-card>
              <div>
                <attention-maps .frames=${clip.frames} .grid=${clip.attention.grid} width=${clip.width} height=${clip.height} .words=${shown!.words}></attention-maps>
                <p class="readout" id="attention-readout">
                  Maps of ${s.step === 0 ? `steps 1–${layout} of ${clip.attention.perStep.length} (t = ${clip.attention.timesteps[0]} to ${clip.attention.timesteps[layout - 1]})` : `step ${s.step} (t = ${t})`}, ${s.layer === 0 ? `all ${clip.attention.layers} layers` : `layer ${s.layer}`} and
                  ${clip.attention.heads} heads, averaged; each patch token covers 8 × 8 pixels, upsampled bilinearly.
                </p>
              </div>
            </div>
            ${share
              ? html`<details>
                  <summary>Where a patch's attention goes, over all 24 text tokens</summary>
                  <plot-chart id="share-chart" .spec=${share.spec} alt=${share.alt}></plot-chart>
                </details>`
              : nothing}
            ${!fresh ? html`<p class="muted" role="status">${this.progress.attention || 'These maps are for an earlier prompt or seed.'}</p>` : nothing}`
        : html`<p class="muted" role="status">${this.progress.attention || 'Starts when you scroll here.'}</p>`}
    `;
  }

  // ---------------------------------------------------------------- the peak check over 16 seeds

  private async runTally(key: string, current: () => boolean) {
    const s = this.url.state;
    const colours = colourWords(s.prompt);
    const frames = Number(s.frames);
    const rows: TallyRow[] = [];
    this.tally = { key, rows, of: TALLY_SEEDS };
    await this.models.runTask(this.cell('tally'), async ({ runner, signal }) => {
      for (let k = 0; k < TALLY_SEEDS; k++) {
        const seed = (s.seed + k) % 100_000;
        const clip = await textToVideoWithAttention(runner, { prompt: s.prompt, model: 'dit', seed, steps: STEPS, frames }, { signal });
        const average = combineMaps(clip.attention, { steps: layoutSteps(clip.attention.perStep.length) });
        const words = colours.map((word) => {
          const keyIndex = keysOfWord(clip.text, word)[0];
          const map = tokenMap(average, keyIndex, clip.attention.grid);
          const checks = Array.from({ length: frames }, (_, f) => peakInsideObject(map, clip.attention.grid, clip.verdict, word, f));
          const bad = checks.find((c) => !c.inside);
          return { word, inside: !bad, why: bad?.why ?? '' };
        });
        if (!current()) return;
        rows.push({ seed, pass: clip.verdict.pass, words });
        this.tally = { key, rows: [...rows], of: TALLY_SEEDS };
      }
    });
  }

  private renderTally() {
    const s = this.url.state;
    const colours = colourWords(s.prompt);
    const t = this.tally;
    const fresh = t && t.key === this.keyOf('tally') ? t : null;
    const running = fresh && fresh.rows.length < fresh.of;
    const counts = colours.map((c) => ({ word: c, inside: fresh ? fresh.rows.filter((r) => r.words.find((w) => w.word === c)?.inside).length : 0 }));
    const cells = fresh ? fresh.rows.flatMap((r) => r.words.map((w) => ({ seed: r.seed, word: w.word, state: w.inside ? 'inside' : /no /.test(w.why) ? 'no such object' : 'outside' }))) : [];
    const seeds = Array.from({ length: TALLY_SEEDS }, (_, k) => (s.seed + k) % 100_000);
    const spec: ChartSpec | null = fresh && colours.length
      ? ({ width }) => ({
          width,
          height: 60 + 26 * colours.length,
          marginLeft: 60,
          marginBottom: 34,
          x: { domain: seeds, label: 'seed →', tickSize: 0, ticks: width < 520 ? seeds.filter((_, k) => k % 5 === 0) : seeds },
          y: { domain: colours, label: null, tickSize: 0 },
          color: { domain: ['inside', 'outside', 'no such object'], range: [CHART_COLOURS.accent, CHART_COLOURS.noise, CHART_COLOURS.faint] },
          marks: [Plot.cell(cells, { x: 'seed', y: 'word', fill: 'state', inset: 1.5 })],
        })
      : null;
    const words = frameWord(Number(s.frames));
    return html`
      ${colours.length
        ? html`<div class="row">
            <button type="button" id="run-tally" @click=${() => void this.ensure('tally')}>Check ${TALLY_SEEDS} seeds</button>
            <span class="muted" role="status">${running
              ? `${fresh!.rows.length} of ${fresh!.of} made`
              : `seeds ${s.seed}–${s.seed + TALLY_SEEDS - 1} of “${s.prompt}”: does each colour word peak inside its object${words}?`}</span>
          </div>`
        : html`<p class="muted">The prompt has no colour word to check; name a colour (“a red circle”).</p>`}
      ${t && !fresh ? html`<p class="muted" role="status">These counts are for another prompt, seed or length; check again to update them.</p>` : nothing}
      ${fresh && colours.length
        ? html`<ul class="keys" aria-hidden="true">
              <li style="--key:${CHART_COLOURS.accent}">peak inside the object</li>
              <li style="--key:${CHART_COLOURS.noise}">outside</li>
              <li style="--key:${CHART_COLOURS.faint}">no object of that colour</li>
            </ul>
            <plot-chart id="tally-chart" .spec=${spec} alt=${`Over ${fresh.rows.length} seeds: ${counts.map((c) => `“${c.word}” peaks inside its object for ${c.inside}`).join('; ')}; the judge passes ${fresh.rows.filter((r) => r.pass).length}.`}></plot-chart>
            <p class="readout" id="tally-readout">
              ${counts.map((c) => html`“${c.word}”: inside for <strong>${c.inside} of ${fresh.rows.length}</strong> seeds. `)}
              The judge passes ${fresh.rows.filter((r) => r.pass).length} of ${fresh.rows.length} of these samples.
            </p>`
        : nothing}
    `;
  }

  // ---------------------------------------------------------------- guidance

  private stripScales(): number[] {
    const s = this.url.state;
    return [...new Set([...STRIP_SCALES, s.gscale])].sort((a, b) => a - b);
  }

  private async runStrip(key: string, current: () => boolean) {
    const s = this.url.state;
    // the samples of this prompt, negative prompt and seed made already are kept: a new scale makes one more
    const base = `${s.gprompt}|${s.gneg}|${s.gseed}`;
    const kept = this.strip && this.strip.key.startsWith(`${base}|`) ? this.strip.clips : new Map<number, GeneratedClip>();
    const clips = new Map(kept);
    this.strip = { key, clips };
    const todo = [s.gscale, ...this.stripScales().filter((x) => x !== s.gscale)].filter((x) => !clips.has(x));
    await this.models.runTask(this.cell('strip'), async ({ request }) => {
      for (const scale of todo) {
        if (current()) this.say('strip', `s = ${fmtScale(scale)}…`);
        const clip = await request({ kind: 'generate', options: { prompt: s.gprompt, negativePrompt: s.gneg || undefined, model: 'dit', seed: s.gseed, steps: STEPS, frames: 1, guidance: scale } });
        if (!current()) return;
        clips.set(scale, clip);
        this.strip = { key, clips };
        this.requestUpdate();
      }
      if (current()) this.say('strip', '');
    });
  }

  private async runSweep(key: string, current: () => boolean) {
    const s = this.url.state;
    const samples: SweepSample[] = [];
    const of = SWEEP_SCALES.length * s.gseeds;
    this.sweep = { key, samples, of };
    await this.models.runTask(this.cell('sweep'), async ({ request }) => {
      for (let k = 0; k < s.gseeds; k++) {
        const seed = (s.gseed + k) % 100_000;
        for (const scale of SWEEP_SCALES) {
          const clip = await request({ kind: 'generate', options: { prompt: s.gprompt, negativePrompt: s.gneg || undefined, model: 'dit', seed, steps: STEPS, frames: 1, guidance: scale } });
          if (!current()) return;
          samples.push({ scale, seed, frames: clip.frames, verdict: clip.verdict });
          this.sweep = { key, samples: [...samples], of };
        }
      }
    });
  }

  private renderGuidance() {
    const s = this.url.state;
    const r = this.strip;
    const fresh = r && r.key === this.keyOf('strip') ? r : null;
    const main = r?.clips.get(s.gscale) ?? null;
    return html`
      <div class="controls">
        <prompt-field
          class="wide"
          label="Prompt"
          .value=${s.gprompt}
          .examples=${GUIDANCE_EXAMPLES}
          submit-label="Use it"
          judge-note
          @prompt-submit=${(e: CustomEvent<PromptDetail>) => this.url.set({ gprompt: e.detail.value })}
        ></prompt-field>
        <div class="row wide">
          <button type="button" id="empty-prompt" @click=${() => this.url.set({ gprompt: '' })}>The empty prompt</button>
          <span class="muted">What the model makes when the prompt is dropped, as 10 % of its training captions were.</span>
        </div>
        <prompt-field
          class="wide"
          label="Negative prompt (the other side of guidance)"
          .value=${s.gneg}
          .examples=${NEGATIVE_EXAMPLES}
          submit-label="Use it"
          @prompt-submit=${(e: CustomEvent<PromptDetail>) => this.url.set({ gneg: e.detail.value })}
        ></prompt-field>
        <div class="row wide">
          <button type="button" id="clear-negative" ?disabled=${!s.gneg} @click=${() => this.url.set({ gneg: '' })}>No negative prompt</button>
        </div>
        <labelled-slider
          label="Guidance scale s"
          min="0"
          max="15"
          step="0.5"
          number-box
          .value=${s.gscale}
          .format=${(v: number) => (v === 0 ? 's = 0: the prompt unread' : v === 1 ? 's = 1: plain conditional' : `s = ${fmtScale(v)}`)}
          @value-change=${(e: CustomEvent<{ value: number }>) => this.url.set({ gscale: e.detail.value })}
        ></labelled-slider>
        <div class="row">
          <labelled-slider
            label="Seed"
            min="0"
            max="99999"
            number-box
            .value=${s.gseed}
            @value-change=${(e: CustomEvent<{ value: number }>) => this.url.set({ gseed: e.detail.value })}
            style="flex: 1 1 10rem"
          ></labelled-slider>
          <button type="button" @click=${() => this.url.set({ gseed: (s.gseed + 1) % 100_000 })}>New seed</button>
        </div>
      </div>
      <p class="muted" id="strip-what">
        Seed ${s.gseed}; “${s.gprompt || '(the empty prompt)'}” against ${s.gneg ? html`the negative prompt “${s.gneg}”` : 'the empty prompt'}; one image per scale.
      </p>
      <div class="strip" role="group" aria-label="The same seed at several guidance scales">
        ${this.stripScales().map((scale) => {
          const c = r?.clips.get(scale) ?? null;
          return html`<clip-card
            class=${scale === s.gscale ? 'on' : ''}
            data-scale=${scale}
            heading=${`s = ${fmtScale(scale)}${scale === s.gscale ? ' (chosen)' : ''}`}
            .clip=${c ? sameDims(c) : null}
            .verdict=${c?.verdict ?? null}
            placeholder=${this.progress.strip && !c ? 'waiting…' : 'Not made yet.'}
          ></clip-card>`;
        })}
      </div>
      ${!fresh || this.progress.strip ? html`<p class="muted" role="status">${this.progress.strip ? `making ${this.progress.strip}` : 'Starts when you scroll here.'}</p>` : nothing}
      ${main && !s.gprompt.trim()
        ? html`<p class="readout">With the empty prompt the two sides of guidance are the same prompt, so every scale gives the same picture.</p>`
        : nothing}
    `;
  }

  private renderSweep() {
    const s = this.url.state;
    const sw = this.sweep;
    const fresh = sw && sw.key === this.keyOf('sweep') ? sw : null;
    const points: ScalePoint[] = sw ? summariseSweep(sw.samples) : [];
    const done = points.filter((p) => p.n > 0);
    const ci = done.map((p) => ({ scale: p.scale, lo: wilson(p.passed, p.n)[0], hi: wilson(p.passed, p.n)[1] }));
    const xDomain: [number, number] = [0, 15];
    const passSpec: ChartSpec | null = done.length
      ? ({ width }) => ({
          width,
          height: 220,
          marginLeft: 46,
          marginBottom: 38,
          x: { domain: xDomain, label: 'guidance scale s →' },
          y: { domain: [0, 1], label: '↑ judge passes', tickFormat: (v: number) => `${Math.round(v * 100)} %`, grid: true },
          marks: [
            Plot.ruleX(ci, { x: 'scale', y1: 'lo', y2: 'hi', stroke: CHART_COLOURS.accent, strokeOpacity: 0.4, strokeWidth: 6 }),
            Plot.line(done, { x: 'scale', y: 'passRate', stroke: CHART_COLOURS.accent, strokeWidth: 2 }),
            Plot.dot(done, { x: 'scale', y: 'passRate', fill: CHART_COLOURS.accent, r: 4 }),
          ],
        })
      : null;
    const divMax = Math.max(0.1, ...done.map((p) => p.diversity));
    const divSpec: ChartSpec | null = done.length
      ? ({ width }) => ({
          width,
          height: 220,
          marginLeft: 46,
          marginBottom: 38,
          x: { domain: xDomain, label: 'guidance scale s →' },
          y: { domain: [0, divMax * 1.1], label: '↑ diversity (mean pixel distance between seeds)', grid: true },
          marks: [
            Plot.line(done, { x: 'scale', y: 'diversity', stroke: CHART_COLOURS.signal, strokeWidth: 2 }),
            Plot.dot(done, { x: 'scale', y: 'diversity', fill: CHART_COLOURS.signal, r: 4 }),
          ],
        })
      : null;
    const total = SWEEP_SCALES.length * s.gseeds;
    const running = fresh && fresh.samples.length < fresh.of;
    return html`
      <div class="controls">
        <labelled-slider
          label="Seeds at each scale"
          min="2"
          max="12"
          .value=${s.gseeds}
          .format=${(v: number) => `${v} (seeds ${s.gseed}–${s.gseed + v - 1})`}
          @value-change=${(e: CustomEvent<{ value: number }>) => this.url.set({ gseeds: e.detail.value })}
        ></labelled-slider>
        <div class="row">
          <button type="button" id="run-sweep" @click=${() => void this.ensure('sweep')}>Make ${total} images</button>
          <span class="muted" role="status">${running ? `${fresh!.samples.length} of ${total} made` : `scales ${SWEEP_SCALES.map(fmtScale).join(', ')}`}</span>
        </div>
      </div>
      ${sw && !fresh ? html`<p class="muted" role="status">These curves are for another prompt, seed or number of seeds; measure again to update them.</p>` : nothing}
      ${done.length
        ? html`<div class="charts">
              <plot-chart id="pass-chart" .spec=${passSpec} alt=${`The judge's pass rate against the guidance scale: ${done.map((p) => `s = ${fmtScale(p.scale)}, ${p.passed} of ${p.n}`).join('; ')}.`}></plot-chart>
              <plot-chart id="diversity-chart" .spec=${divSpec} alt=${`Diversity (mean pixel distance between the seeds' images, 0 to 1) against the guidance scale: ${done.map((p) => `s = ${fmtScale(p.scale)}, ${p.diversity.toFixed(3)}`).join('; ')}.`}></plot-chart>
            </div>
            <p class="muted">Bars: 95 % intervals of the pass rate (Wilson). Diversity: the root-mean-square difference of two images' pixels on a 0–1 scale, averaged over every pair of seeds.</p>`
        : html`<p class="muted">Each scale made from seeds ${s.gseed} to ${s.gseed + s.gseeds - 1} of this prompt, judged and compared: what does the scale buy, and what does it cost?</p>`}
    `;
  }

  // ---------------------------------------------------------------- three ways in

  private missingWays(): string[] {
    const m = this.ways.manifest;
    return m ? WAYS.filter((w) => !m.models[w]) : [];
  }

  private async runCompare(key: string, current: () => boolean) {
    const s = this.url.state;
    await this.ways.refreshStatus();
    if (this.missingWays().length) return;
    const clips: CompareResult['clips'] = {};
    this.compared = { key, clips };
    await this.ways.runTask(this.cell('compare'), async ({ request }) => {
      for (const model of WAYS) {
        const clip = await request({ kind: 'generate', options: { prompt: s.cprompt, model, seed: s.cseed, frames: 1 } });
        if (!current()) return;
        clips[model] = clip;
        this.compared = { key, clips: { ...clips } };
      }
    });
  }

  private async runWays(key: string, current: () => boolean) {
    const s = this.url.state;
    if (this.missingWays().length) return;
    const passes = { dit_adaln: [], dit_cross: [], dit_in_context: [] } as WaysTally['passes'];
    this.waysTally = { key, passes, of: WAY_SEEDS };
    await this.updateComplete;
    await this.ways.runTask(this.cell('ways'), async ({ request }) => {
      for (let k = 0; k < WAY_SEEDS; k++) {
        for (const model of WAYS) {
          const clip = await request({ kind: 'generate', options: { prompt: s.cprompt, model, seed: (s.cseed + k) % 100_000, frames: 1 } });
          if (!current()) return;
          passes[model] = [...passes[model], !!clip.verdict?.pass];
          this.waysTally = { key, passes: { ...passes }, of: WAY_SEEDS };
        }
      }
    });
  }

  private ablationSpec: ChartSpec = ({ width }) => ({
    width,
    height: 190,
    marginLeft: 110,
    marginRight: 110,
    marginBottom: 36,
    x: { domain: [0, 40], label: 'FID-50K (lower is better) →', grid: true },
    y: { domain: DIT_ABLATION.map((d) => d.way), label: null, tickSize: 0 },
    marks: [
      Plot.barX(DIT_ABLATION, { y: 'way', x: 'fid', fill: (d: { way: string }) => (d.way === 'adaLN-Zero' ? CHART_COLOURS.accent : CHART_COLOURS.data) }),
      Plot.text(DIT_ABLATION, { y: 'way', x: 'fid', text: (d: { fid: number; note: string }) => `${d.fid.toFixed(2)}${d.note ? `  ${d.note}` : ''}`, dx: 5, textAnchor: 'start' }),
      Plot.ruleX([0]),
    ],
  });

  private renderCompare() {
    const s = this.url.state;
    const missing = this.missingWays();
    if (!this.ways.manifest) return html`<p class="muted" role="status">Looking up the three models…</p>`;
    if (missing.length) {
      return html`<p class="notice" role="status" id="ways-missing">
        Not trained yet: ${missing.join(', ')}. These three small image DiTs (four blocks each, the same data and training time, only the way the
        text gets in differs) are still training; when weights/manifest.json lists them, this cell makes the same prompt with each, side by side,
        and counts the judge's passes. The diagram and the paper's figures above do not need them.
      </p>`;
    }
    const r = this.compared;
    const fresh = r && r.key === this.keyOf('compare') ? r : null;
    return html`
      <div class="controls">
        <prompt-field
          label="Prompt (an image)"
          .value=${s.cprompt}
          .examples=${['a red square in the top left', 'a small green circle', 'a big blue triangle in the bottom right']}
          submit-label="Make three"
          judge-note
          @prompt-submit=${(e: CustomEvent<PromptDetail>) => this.url.set({ cprompt: e.detail.value })}
        ></prompt-field>
        <div class="row">
          <labelled-slider
            label="Seed"
            min="0"
            max="99999"
            number-box
            .value=${s.cseed}
            @value-change=${(e: CustomEvent<{ value: number }>) => this.url.set({ cseed: e.detail.value })}
            style="flex: 1 1 10rem"
          ></labelled-slider>
          <button type="button" @click=${() => this.url.set({ cseed: (s.cseed + 1) % 100_000 })}>New seed</button>
        </div>
      </div>
      <div class="three">
        ${WAYS.map((m) => {
          const c = r?.clips[m] ?? null;
          return html`<div data-model=${m}>
            <clip-card heading=${WAY_NAMES[m]} subheading=${m} .clip=${c ? sameDims(c) : null} .verdict=${c?.verdict ?? null} placeholder="Made when this cell runs."></clip-card>
            <model-card name=${m} .entry=${this.ways.manifest!.models[m]}></model-card>
          </div>`;
        })}
      </div>
      ${r && !fresh ? html`<p class="muted" role="status">These are for another prompt or seed.</p>` : nothing}
    `;
  }

  private renderWaysTally() {
    const s = this.url.state;
    const t = this.waysTally;
    const tFresh = t && t.key === this.keyOf('ways') ? t : null;
    return html`<div class="row">
      <button type="button" id="run-ways" @click=${() => void this.ensure('ways')}>Judge ${WAY_SEEDS} seeds of each</button>
      ${tFresh
        ? html`<span class="readout" id="ways-readout" role="status">${WAYS.map((m) => `${WAY_NAMES[m]} ${tFresh.passes[m].filter(Boolean).length} of ${tFresh.passes[m].length}`).join(' · ')}</span>`
        : html`<span class="muted">Seeds ${s.cseed}–${s.cseed + WAY_SEEDS - 1} of “${s.cprompt}” through each model; the judge counts the passes.</span>`}
    </div>`;
  }

  // ---------------------------------------------------------------- prompt expansion

  private expansion(): Expansion {
    const s = this.url.state;
    return expandPrompt(s.eprompt, { seed: s.eseed, mode: s.emode });
  }

  private async runExpand(key: string, current: () => boolean) {
    const s = this.url.state;
    const e = this.expansion();
    const frames = s.emode === 'clip' ? 8 : 1;
    await this.models.runTask(this.cell('expand'), async ({ request }) => {
      const short = await request({ kind: 'generate', options: { prompt: s.eprompt, model: 'dit', seed: s.sseed, steps: STEPS, frames } });
      const expanded = await request({ kind: 'generate', options: { prompt: e.expanded, model: 'dit', seed: s.sseed, steps: STEPS, frames } });
      if (!current()) return;
      const vs = (c: GeneratedClip) => (e.intent ? scoreClip(sameDims(c), e.intent) : null);
      this.expanded = { key, expansion: e, short, expanded, shortVsIntent: vs(short), expandedVsIntent: vs(expanded) };
    });
  }

  private async runExpandTally(key: string, current: () => boolean) {
    const s = this.url.state;
    const e = this.expansion();
    const frames = s.emode === 'clip' ? 8 : 1;
    const seeds = 8;
    const short: boolean[] = [], expanded: boolean[] = [];
    this.expandTally = { key, short, expanded, of: seeds };
    if (!e.intent) return;
    await this.models.runTask(this.cell('expandTally'), async ({ request }) => {
      for (let k = 0; k < seeds; k++) {
        const seed = (s.sseed + k) % 100_000;
        for (const [prompt, list] of [[s.eprompt, short], [e.expanded, expanded]] as const) {
          const clip = await request({ kind: 'generate', options: { prompt, model: 'dit', seed, steps: STEPS, frames, judge: false } });
          if (!current()) return;
          list.push(scoreClip(sameDims(clip), e.intent).pass);
          this.expandTally = { key, short: [...short], expanded: [...expanded], of: seeds };
        }
      }
    });
  }

  private renderExpand() {
    const s = this.url.state;
    const e = this.expansion();
    const r = this.expanded;
    const fresh = r && r.key === this.keyOf('expand') ? r : null;
    const verdictLine = (v: Verdict | null, against: string) =>
      v
        ? html`<p class="readout" data-pass=${v.pass ? 'true' : 'false'}>Held to ${against}: <strong>${v.pass ? 'PASS' : 'FAIL'}</strong>${v.pass ? '' : ` — ${v.reasons.join('; ')}`}</p>`
        : html`<p class="readout">${against}: the judge cannot read it.</p>`;
    return html`
      <div class="controls">
        <prompt-field
          class="wide"
          label="A short prompt"
          .value=${s.eprompt}
          .examples=${['red ball', 'two tiny boxes falling', 'crimson disc in the upper left corner', 'a teal pyramid rolling to the right']}
          submit-label="Expand"
          @prompt-submit=${(ev: CustomEvent<PromptDetail>) => this.url.set({ eprompt: ev.detail.value })}
        ></prompt-field>
        <choice-picker
          label="Make"
          .options=${[{ value: 'image', label: 'An image' }, { value: 'clip', label: 'A clip (8 frames)' }]}
          .value=${s.emode}
          @choice-change=${(ev: CustomEvent<{ value: string }>) => this.url.set({ emode: ev.detail.value as Chapter6State['emode'] })}
        ></choice-picker>
        <div class="row">
          <labelled-slider
            label="Seed of the filled-in words"
            min="0"
            max="99999"
            number-box
            .value=${s.eseed}
            @value-change=${(ev: CustomEvent<{ value: number }>) => this.url.set({ eseed: ev.detail.value })}
            style="flex: 1 1 10rem"
          ></labelled-slider>
          <button type="button" @click=${() => this.url.set({ eseed: (s.eseed + 1) % 100_000 })}>Expand again</button>
        </div>
        <labelled-slider
          label="Seed of the samples"
          min="0"
          max="99999"
          number-box
          .value=${s.sseed}
          @value-change=${(ev: CustomEvent<{ value: number }>) => this.url.set({ sseed: ev.detail.value })}
        ></labelled-slider>
      </div>
      <expansion-rules .expansion=${e}></expansion-rules>
      <div class="two" style="margin-top:1rem">
        <div data-which="short">
          <clip-card heading="As typed" subheading=${`“${s.eprompt}”`} .clip=${r ? sameDims(r.short) : null} .verdict=${null} placeholder="Made when this cell runs."></clip-card>
          ${fresh ? verdictLine(fresh.shortVsIntent, e.intent ? `“${e.intent}”` : 'what was asked') : nothing}
        </div>
        <div data-which="expanded">
          <clip-card heading="Expanded" subheading=${`“${e.expanded}”`} .clip=${r ? sameDims(r.expanded) : null} .verdict=${null} placeholder="Made when this cell runs."></clip-card>
          ${fresh
            ? html`${verdictLine(fresh.expandedVsIntent, e.intent ? `“${e.intent}”` : 'what was asked')}
              ${verdictLine(fresh.expanded.verdict, 'the expansion itself')}`
            : nothing}
        </div>
      </div>
      ${r && !fresh ? html`<p class="muted" role="status">These samples are for an earlier prompt or seed.</p>` : nothing}
    `;
  }

  private renderExpandTally() {
    const s = this.url.state;
    const e = this.expansion();
    const t = this.expandTally;
    const tFresh = t && t.key === this.keyOf('expandTally') ? t : null;
    return html`
      <div class="row">
        <button type="button" id="run-expand-tally" ?disabled=${!e.intent} @click=${() => void this.ensure('expandTally')}>Judge 8 seeds of each</button>
        ${tFresh && e.intent
          ? html`<span class="readout" id="expand-readout" role="status">Held to “${e.intent}”: as typed ${tFresh.short.filter(Boolean).length} of ${tFresh.short.length},
              expanded ${tFresh.expanded.filter(Boolean).length} of ${tFresh.expanded.length}</span>`
          : html`<span class="muted">${e.intent ? `Seeds ${s.sseed}–${s.sseed + 7}, both prompts, held to what was asked.` : 'Nothing to hold the samples to: the prompt names no object the world knows.'}</span>`}
      </div>
    `;
  }

  // ---------------------------------------------------------------- page

  private onTryThis(e: CustomEvent<TryThisDetail>) {
    this.url.clearProblems();
    this.draft = null;
    this.url.set(e.detail.state as Partial<Chapter6State>);
  }

  render() {
    const parsed = parsePrompt(this.url.state.prompt);
    return html`
      <chapter-section .tryThis=${TRY_THIS} .references=${REFERENCES} @try-this=${this.onTryThis}>
        <state-notice .messages=${this.url.messages()}></state-notice>
        <p>
          A denoiser that only knew the timestep ${term('t')} would make a shape, any shape, anywhere. To make “a red circle in the
          top left” it has to read the prompt. This chapter follows the prompt in: into tokens, into the text encoder's numbers,
          through cross-attention into each patch of the picture, and through classifier-free guidance, which decides how hard the
          prompt pulls. Then three ways to wire text into a transformer, and why Sora rewrites short prompts before it reads them.
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
          and a blue square” get the same state, cosine 1.00, in the figure below): the state of “triangle” in
          “a cyan triangle and a green square” is the same (cosine 0.999999, measured over 400 such captions) as in “a green
          triangle and a cyan square”, so a patch that attends to “triangle” learns nothing there about its colour. Two more
          blocks, trained so that every word carries the words of its own phrase, give the text encoder a second output in which
          those two states differ (cosine 0.82); open it under the figure, and the words of one phrase turn alike in the
          similarity map. The U-Net of chapters 3 and 5 and the DiT of this chapter read that one, and draw the right colour on
          the right shape far more often for it (the judge, colour-binding prompts: the U-Net 0.45 before, 0.79 after 130 minutes
          of training on it; the DiT's images 0.25 before, 0.78 after 110 minutes).
        </p>
        <live-cell id="tokens" label="The prompt as tokens, and each token's state">${this.renderTokens()}</live-cell>
        <h3>Where each word looks</h3>
        <p>
          The DiT here reads the 24 states of that second output in every block through cross-attention. Each patch token (2 × 2 latent cells: 8 × 8
          pixels) sends a query; each text state offers a key and a value; softmax(QKᵀ/√d) says how much of each word the patch
          takes in. Those probabilities, averaged over the 4 heads, the blocks and the first two thirds of the denoising steps, are
          a map per word of where it shapes the picture. DAAM averages every step; here the last third is left out, because by then
          the layout is settled and the maps may stop following it (prompt-to-prompt keeps a layout by reusing only the early
          steps' maps): for “a red circle”, seeds 0–15, the peak of “red” lies inside the red object for all 16 seeds averaged over
          steps 1–20 and for 14 over steps 21–30 alone; an earlier DiT, which read the bag-of-words states, had 14 and 9. Slide the step to see it. The maps here come from the very run that made the sample: at each step the
          sampler calls the DiT's inspect twin (the same file, with its attention as an output) in the DiT's place, on
          ${term('xt')} for both halves of guidance, and keeps the maps of the prompt's half.
        </p>
        <live-cell id="attention" label="Cross-attention maps: each word over the sample it shaped">${this.renderAttention()}</live-cell>
        <p>
          One sample is an anecdote. For the colour words of the prompt, check whether the map's peak lies inside the object of that
          colour (the judge's reading of it, grown by 1 pixel), over 16 seeds.${parsed.phrases.length > 1
            ? ' With two objects the model often swaps their shapes or sizes; see whether the colour words still find their own object.'
            : ''}
        </p>
        <live-cell id="tally" label="The colour words' peaks over 16 seeds">${this.renderTally()}</live-cell>
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
        <live-cell id="strip" label="One seed, several guidance scales">${this.renderGuidance()}</live-cell>
        <p>
          Guidance buys faithfulness and pays in variety: Ho &amp; Salimans found sample quality up and diversity down as the scale
          grows. Measure both here, over a few seeds of the same prompt.
        </p>
        <live-cell id="sweep" label="The judge's pass rate and the samples' diversity against the guidance scale">${this.renderSweep()}</live-cell>
        <h3>Three ways in: adaLN, cross-attention, in context</h3>
        <p>
          Peebles and Xie tried three ways to bring the condition (a class label, for them) into a DiT block, and kept the one that
          scored best. The DiT of this page uses two of them at once: adaLN-Zero for the timestep, cross-attention for the text, as
          PixArt-α does.
        </p>
        <section class="figure-box" aria-labelledby="ways-title">
          <h4 id="ways-title">Where the text enters a DiT block</h4>
          <conditioning-diagram highlight="cross"></conditioning-diagram>
        </section>
        <section class="figure-box" aria-labelledby="ablation-title">
          <h4 id="ablation-title">The DiT paper's ablation (Peebles &amp; Xie 2023): DiT-XL/2, 400K training steps, ImageNet 256 × 256</h4>
          <plot-chart
            id="ablation-chart"
            .spec=${this.ablationSpec}
            alt=${`FID-50K after 400K steps: ${DIT_ABLATION.map((d) => `${d.way} ${d.fid}`).join(', ')}; lower is better. Cross-attention costs about 15 % more Gflops.`}
          ></plot-chart>
          <p class="muted">
            Lower FID is better. adaLN-Zero is adaLN whose last layer starts at zero, so each block starts as the identity. Their
            condition was a class label; a whole sentence, where different words belong to different places, is what cross-attention
            is for, and text-to-image DiTs such as PixArt-α use it.
          </p>
        </section>
        ${this.ways.manifest && !this.missingWays().length ? this.ways.renderWeights() : nothing}
        <live-cell id="compare" label="The three ways, trained here alike: the same prompt and seed">${this.renderCompare()}</live-cell>
        ${this.ways.manifest && !this.missingWays().length
          ? html`<live-cell id="ways" label="The three ways over ${WAY_SEEDS} seeds">${this.renderWaysTally()}</live-cell>`
          : nothing}
        <h3>Prompt expansion</h3>
        <p>
          A model follows best the kind of text it learned from. DALL·E 3 was trained on long, descriptive captions, and Sora
          on re-captioned videos; both use a language model to turn a user's short prompt into such a caption before the model reads
          it. The world here has a tiny grammar, so a few visible rules do that job: synonyms into the world's words, the grammar's
          “a” and order, one phrase an object, and every attribute the prompt leaves open filled in from a seed, as the training
          captions stated them (each part was dropped only a third of the time).
        </p>
        <live-cell id="expand" label="A short prompt, expanded by rules; both prompts' samples">${this.renderExpand()}</live-cell>
        <live-cell id="expandTally" label="Eight seeds of each prompt, held to what was asked">${this.renderExpandTally()}</live-cell>
        <p>
          The expansion is held to what was asked, not only to itself: filling in “big” or “in the top left” is the rule's choice,
          and any picture that obeys the expansion also obeys the short prompt.
        </p>
        ${this.models.renderBackend()}
      </chapter-section>
    `;
  }
}

function frameWord(frames: number): string {
  return frames > 1 ? ' in every frame' : '';
}

declare global {
  interface HTMLElementTagNameMap {
    'chapter-6': Chapter6;
  }
}
