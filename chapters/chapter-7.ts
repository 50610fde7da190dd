// Chapter 7: Text to video. The whole pipeline at once, each stage shown and
// timed; then what Sora does with the same model besides text to video —
// animating a picture, extending a clip forwards and backwards, editing it with
// SDEdit, connecting two clips — each by holding some frames fixed (or starting
// from a noised clip) through the denoising; the same prompts through
// checkpoints of one training recipe (two early snapshots, from a rerun of its start, and the end; their share of the compute from the manifest); the motion and
// consistency of the clip just made, measured by the world's judge; and what
// differs from Sora. Prose and wiring only: the plans and measurements are
// pipeline/text-to-video/{edits,measure,stages}.ts, the views components/.
//
// Every cell runs by itself when it comes into view (and again when its state
// changes), from its state in the URL (prefix c7), so a link or a reload gives
// the same figures. `ensure(cell)` runs one now (tests use it).
import * as Plot from '@observablehq/plot';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import '../components/chapter-section';
import '../components/choice-picker';
import '../components/clip-card';
import '../components/draw-canvas';
import '../components/labelled-slider';
import '../components/live-cell';
import '../components/pipeline-stages';
import '../components/pixel-view';
import '../components/plot-chart';
import '../components/prompt-field';
import '../components/state-notice';
import '../components/track-chart';
import type { Reference, TryThis, TryThisDetail } from '../components/chapter-section';
import type { DrawingDetail } from '../components/draw-canvas';
import type { LiveCell } from '../components/live-cell';
import { ModelController } from '../components/model-controller';
import { term } from '../components/notation';
import { formatMs, textToVideoStages } from '../components/pipeline-stages';
import { CHART_COLOURS, type ChartSpec } from '../components/plot-chart';
import type { PromptDetail } from '../components/prompt-field';
import { controls, layout, prose } from '../components/styles';
import { UrlStateController } from '../components/url-state-controller';
import { VisibleCellsController } from '../components/visible-cells-controller';
import { decodeDrawing, drawingToRgb, encodeDrawing, isBlank } from '../pipeline/drawing';
import { denoiserSettings, formatBytes, scheduleOf, type Manifest, type ManifestModel } from '../pipeline/runtime/manifest';
import type { GeneratedClip, TextToVideoOptions } from '../pipeline/text-to-video/clip';
import {
  animatePlan, connectPlan, extendPlan, joinConnection, joinExtension, sdeditStart,
  type ExtendDirection, type JoinedClip,
} from '../pipeline/text-to-video/edits';
import { motionPrompt, passCount, phrasesOfReading } from '../pipeline/text-to-video/measure';
import { LATENT_CHANNELS, LATENT_SIDE, startingNoise } from '../pipeline/text-to-video/sample';
import { StageClock } from '../pipeline/worker/stages';
import { CONTEXT_WIDTH, statesRead, textStates } from '../pipeline/text-to-video/prompt';
import type { Frames } from '../pipeline/text-to-video/vae';
import { filmStrip, heatMap, latentTiles, type Picture } from '../pipeline/tensor-pictures';
import { defineSchema, integer, oneOf, text, type StateOf } from '../pipeline/url-state';
import { parsePrompt } from '../pipeline/world/caption';
import { generateClip } from '../pipeline/world/generate';
import type { Verdict } from '../pipeline/world/judge';
import { readFrames, type Reading } from '../pipeline/world/read-frames';
import { MOTIONS, type Motion } from '../pipeline/world/spec';
import { MAX_TOKENS, tokenize } from '../pipeline/world/tokenizer';

const CHECKPOINTS = ['dit_snap16', 'dit_snap4', 'dit'] as const;

/** What share of the final DiT's training time a checkpoint had: 1/16 for 26.4 of 423 minutes (null before the manifest). */
function computeShare(model: string, manifest: Manifest | null): number | null {
  const part = Number(manifest?.models[model]?.train_minutes);
  const whole = Number(manifest?.models.dit?.train_minutes);
  return part > 0 && whole > 0 ? Math.max(1, Math.round(whole / part)) : null;
}

/** A checkpoint's name, with the share of the compute it was trained with as the manifest says. */
function checkpointName(model: string, manifest: Manifest | null): string {
  if (model === 'dit') return 'DiT, all of it';
  const share = computeShare(model, manifest);
  return share ? `DiT at 1/${share}` : model === 'dit_snap16' ? 'DiT, early' : 'DiT, later';
}
const MAKE_MODELS = ['text_encoder', 'dit', 'vae_decoder', 'vae_encoder'];
const SCALE_MODELS = ['text_encoder', ...CHECKPOINTS, 'vae_decoder'];
const CELLS = ['make', 'animate', 'extend', 'edit', 'connect', 'scale', 'measure'] as const;
export type Chapter7Cell = (typeof CELLS)[number];
const MEASURABLE = ['make', 'animate', 'extend', 'edit', 'connect'] as const;
type Measurable = (typeof MEASURABLE)[number];
const FRAMES = 8;
/** Frames of each clip the bridge between two clips sees. */
const CONNECT_KEEP = 2;

export const chapter7Schema = defineSchema({
  /** The pipeline cell: prompt, seed of the starting noise, denoising steps (every cell uses them). */
  prompt: text(160, 'a red circle moving right'),
  seed: integer(0, 99_999, 0),
  steps: integer(4, 50, 30),
  /** Image to video: where the picture comes from, and the motion asked of it. */
  source: oneOf(['world', 'generated', 'drawing'], 'world'),
  picture: integer(0, 99_999, 7),
  imagePrompt: text(160, 'a big yellow square in the left'),
  drawing: text(1400, ''),
  motion: oneOf(MOTIONS, 'right'),
  /** Extending the pipeline cell's clip: which way, and how many of its frames the model sees. */
  direction: oneOf(['forward', 'backward'], 'forward'),
  keep: integer(1, 6, 4),
  /** SDEdit: the new prompt and how much of the schedule to run again (%). */
  editPrompt: text(160, 'a blue circle moving right'),
  strength: integer(0, 100, 60),
  /** Connecting: the second clip's seed and prompt (empty: the same prompt). */
  otherSeed: integer(0, 99_999, 1),
  otherPrompt: text(160, ''),
  /** Scaling with compute: a prompt, the first seed and how many seeds. */
  scalePrompt: text(160, 'a red circle moving right'),
  scaleSeed: integer(0, 99_999, 0),
  seeds: integer(1, 8, 4),
  /** Which clip the measuring cell reads. */
  measure: oneOf(MEASURABLE, 'make'),
});
export type Chapter7State = StateOf<typeof chapter7Schema>;

const EXAMPLES = ['a big yellow square moving left', 'a blue triangle moving down', 'a small purple circle staying still'];
const MOTION_OPTIONS = [
  { value: 'right', label: 'moving right' },
  { value: 'left', label: 'moving left' },
  { value: 'up', label: 'moving up' },
  { value: 'down', label: 'moving down' },
  { value: 'still', label: 'staying still' },
];
const MEASURE_OPTIONS: { value: Measurable; label: string }[] = [
  { value: 'make', label: 'Made from text' },
  { value: 'animate', label: 'Animated' },
  { value: 'extend', label: 'Extended' },
  { value: 'edit', label: 'Edited' },
  { value: 'connect', label: 'Connected' },
];

const TRY_THIS: TryThis<Partial<Chapter7State>>[] = [
  {
    question: 'Does the earliest checkpoint, trained with a small share of the compute, know what “moving right” means? Compare the three over 8 seeds.',
    state: { scalePrompt: 'a red circle moving right', scaleSeed: 0, seeds: 8 },
  },
  {
    question: 'Animate the blue triangle to the left instead, then ask it to stay still. Does frame 1 stay the picture you gave?',
    state: { source: 'world', picture: 7, motion: 'left' },
  },
  {
    question: 'SDEdit at 30 % and at 90 %: which keeps the motion of the clip, and which changes its colour to blue?',
    state: { editPrompt: 'a blue circle moving right', strength: 90 },
  },
];

const REFERENCES: Reference[] = [
  { title: 'OpenAI 2024, Video generation models as world simulators', href: 'https://openai.com/index/video-generation-models-as-world-simulators/', note: 'what Sora does: animating images, extending, editing and connecting videos, scaling' },
  { title: 'Ho et al. 2022, Video Diffusion Models', href: 'https://arxiv.org/abs/2204.03458', note: 'diffusion over space and time; conditioning by replacing known frames' },
  { title: 'Meng et al. 2022, SDEdit', href: 'https://arxiv.org/abs/2108.01073', note: 'editing by noising and denoising' },
  { title: 'Peebles & Xie 2023, Scalable Diffusion Models with Transformers', href: 'https://arxiv.org/abs/2212.09748', note: 'the DiT, and quality growing with compute' },
  { title: 'Blattmann et al. 2023, Align your Latents', href: 'https://arxiv.org/abs/2304.08818', note: 'latent video diffusion, and prediction of future frames from context frames' },
];

/** Results of the cells, each with the state key it was made from. */
interface MakeResult {
  key: string;
  clip: GeneratedClip;
  /** x̂₀ decoded at some steps: the DiT's guess of the clean clip as it goes. */
  previews: { step: number; timestep: number; strip: Picture }[];
  /** The sampler's starting noise as the worker drew it (step 1's input). */
  startNoise: Float32Array | null;
}
interface AnimateResult {
  key: string;
  picture: Frames;
  pictureVerdict: Verdict | null;
  prompt: string;
  clip: GeneratedClip;
}
interface ExtendResult {
  key: string;
  window: GeneratedClip;
  joined: JoinedClip;
  verdict: Verdict;
}
interface EditResult {
  key: string;
  clip: GeneratedClip;
  /** The share of the schedule it ran again. */
  strength: number;
}
interface ConnectResult {
  key: string;
  other: GeneratedClip;
  bridge: GeneratedClip;
  joined: JoinedClip;
  verdict: Verdict;
}
interface ScaleResult {
  key: string;
  seeds: number[];
  /** clips[model][k] for seeds[k]; null until made. */
  clips: Record<string, (GeneratedClip | null)[]>;
  done: number;
  of: number;
}

const sameDims = (c: GeneratedClip | Frames) => ({ frames: c.frames, numFrames: c.numFrames, width: c.width, height: c.height });

/** The world picture of a seed (one frame, the world's own drawing). */
function worldPicture(seed: number) {
  const clip = generateClip(seed, { frames: 1 });
  return { frames: clip.frames, numFrames: 1, width: clip.width, height: clip.height, caption: clip.caption };
}

@customElement('chapter-7')
export class Chapter7 extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    css`
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
      pipeline-stages {
        margin: 0.75rem 0 1rem;
      }
      .pipeline-grid {
        display: grid;
        grid-template-columns: minmax(12rem, 16rem) minmax(0, 1fr);
        gap: 1rem 1.5rem;
        align-items: start;
      }
      .two,
      .three {
        display: grid;
        gap: 1rem 1.25rem;
        align-items: start;
      }
      .two {
        grid-template-columns: repeat(2, minmax(0, 17rem));
      }
      .three {
        grid-template-columns: repeat(3, minmax(0, 16.5rem));
      }
      @media (max-width: 40rem) {
        .pipeline-grid {
          grid-template-columns: minmax(0, 1fr);
        }
        .pipeline-grid > clip-card {
          max-width: 20rem;
        }
        /* a phone: one clip a row, so each keeps its player's controls */
        .two,
        .three {
          grid-template-columns: minmax(0, 18rem);
        }
      }
      .inside h4,
      .strip h4 {
        margin: 0 0 0.25rem;
        font-size: 0.9rem;
      }
      .inside > * + * {
        margin-top: 0.9rem;
      }
      .inside pixel-view,
      .strip pixel-view {
        --pixel-view-size: 100%;
        display: block;
      }
      .inside .caption,
      .strip .caption {
        margin: 0.2rem 0 0;
        font-size: 0.8rem;
        color: var(--muted);
        max-width: none;
      }
      .previews {
        display: grid;
        gap: 0.3rem;
      }
      .previews figure {
        margin: 0;
        display: grid;
        grid-template-columns: 7.5rem minmax(0, 1fr);
        gap: 0.5rem;
        align-items: center;
        font-size: 0.8rem;
        font-variant-numeric: tabular-nums;
        color: var(--muted);
      }
      .noise {
        max-width: 18rem;
      }
      table {
        border-collapse: collapse;
        font-size: 0.85rem;
        font-variant-numeric: tabular-nums;
      }
      th,
      td {
        text-align: left;
        padding: 0.2rem 0.6rem 0.2rem 0;
        border-bottom: 1px solid var(--rule);
      }
      th {
        color: var(--muted);
        font-weight: 600;
      }
      .scroll {
        overflow-x: auto;
      }
      td.pass {
        color: var(--accent-ink);
        font-weight: 700;
      }
      td.fail {
        color: var(--error);
        font-weight: 700;
      }
      .source {
        display: grid;
        grid-template-columns: minmax(0, 14rem) 2.5rem minmax(0, 14rem);
        justify-content: start;
        gap: 0.75rem 1rem;
        align-items: center;
      }
      .arrow {
        align-self: center;
        font-size: 1.6rem;
        color: var(--muted);
        text-align: center;
      }
      @media (max-width: 40rem) {
        .source {
          grid-template-columns: minmax(0, 1fr);
        }
        .source > * {
          max-width: 18rem;
        }
        .arrow {
          transform: rotate(90deg);
          width: 2rem;
        }
      }
      .stack > * + * {
        margin-top: 0.6rem;
      }
      details {
        font-size: 0.9rem;
        margin: 0.75rem 0 0;
      }
      details dl {
        display: grid;
        grid-template-columns: max-content minmax(0, 1fr);
        gap: 0.15rem 0.8rem;
        margin: 0.4rem 0 0;
      }
      details dt {
        color: var(--muted);
      }
      details dd {
        margin: 0;
      }
      summary {
        cursor: pointer;
      }
      summary:focus-visible {
        outline: 3px solid var(--focus);
        outline-offset: 2px;
      }
      .weights,
      .backend {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.25rem 0.75rem;
        margin: 0.5rem 0;
        font-size: 0.85rem;
        color: var(--muted);
      }
      .weights progress {
        width: 10rem;
        max-width: 60vw;
        accent-color: var(--accent);
      }
      ul.differs li {
        margin-bottom: 0.4rem;
      }
    `,
  ];

  private url = new UrlStateController(this, chapter7Schema, 'c7');
  readonly models = new ModelController(this, { models: MAKE_MODELS });
  readonly scaleModels = new ModelController(this, {
    models: SCALE_MODELS,
    label: (m, manifest) => ((CHECKPOINTS as readonly string[]).includes(m) ? checkpointName(m, manifest) : undefined),
  });

  @state() private made: MakeResult | null = null;
  @state() private animated: AnimateResult | null = null;
  @state() private extended: ExtendResult | null = null;
  @state() private edited: EditResult | null = null;
  @state() private connected: ConnectResult | null = null;
  @state() private scaled: ScaleResult | null = null;
  /** The pipeline cell while it runs: its stages, and the latest preview. */
  @state() private live: { key: string; preview: Frames | null; previews: MakeResult['previews']; tokenizerMs: number } | null = null;
  /** A line per cell for what it is doing or why it cannot (a missing model, an empty drawing). */
  @state() private notes: Partial<Record<Chapter7Cell, string>> = {};

  readonly clock = new StageClock();
  /** The run in flight of each cell: its key and promise (a newer key replaces it). */
  private started: Partial<Record<Chapter7Cell, { key: string; promise: Promise<unknown> }>> = {};
  private runIds: Partial<Record<Chapter7Cell, number>> = {};
  /** The cells in view now (a cell that leaves it is un-marked). */
  private visible = new VisibleCellsController<Chapter7Cell>(this, {
    cells: () => CELLS.map((id) => this.cell(id)),
    rootMargin: '25% 0px 25% 0px',
    leaving: 'unmark',
    onChange: () => this.scheduleAuto(0),
  });
  private autoTimer: ReturnType<typeof setTimeout> | null = null;
  private tickTimer: ReturnType<typeof setInterval> | null = null;

  /** The chapter's state (as in the URL). */
  get state(): Chapter7State {
    return this.url.state;
  }

  /** Every cell's latest result, for tests. */
  get results() {
    return { make: this.made, animate: this.animated, extend: this.extended, edit: this.edited, connect: this.connected, scale: this.scaled };
  }

  /** Applies a state, as a "try this" button or a link does (values repaired, the URL follows). */
  setState(partial: Partial<Chapter7State>) {
    this.url.set(partial);
  }

  cell(id: Chapter7Cell): LiveCell {
    return this.renderRoot.querySelector<LiveCell>(`live-cell#${id}`)!;
  }

  // ---------------------------------------------------------------- running cells when they come into view

  protected firstUpdated() {
    this.dataset.ready = 'true';
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.autoTimer !== null) clearTimeout(this.autoTimer);
    if (this.tickTimer !== null) clearInterval(this.tickTimer);
  }

  private lastState: Chapter7State | null = null;

  protected updated(_changed: PropertyValues<this>) {
    // after a change of state (not every render): a slider dragged through values starts one run where it stops
    if (this.url.state === this.lastState) return;
    this.lastState = this.url.state;
    this.scheduleAuto(300);
  }

  /** A value made once per key (pictures of tensors: the same array while the key is the same, so views do not redraw). */
  private memo = new Map<string, { key: unknown; value: unknown }>();
  private cached<T>(name: string, key: unknown, make: () => T): T {
    const hit = this.memo.get(name);
    if (hit && hit.key === key) return hit.value as T;
    const value = make();
    this.memo.set(name, { key, value });
    return value;
  }

  private scheduleAuto(ms: number) {
    if (this.autoTimer !== null) clearTimeout(this.autoTimer);
    this.autoTimer = setTimeout(() => {
      this.autoTimer = null;
      for (const id of CELLS) if (this.visible.has(id) && this.started[id]?.key !== this.keyOf(id)) void this.ensure(id);
    }, ms);
  }

  /** The state a cell's figure depends on, as text: a new key means a new run. */
  keyOf(id: Chapter7Cell): string {
    const s = this.url.state;
    const make = `${s.prompt}|${s.seed}|${s.steps}`;
    switch (id) {
      case 'make':
        return make;
      case 'animate': {
        const from = s.source === 'world' ? `w${s.picture}` : s.source === 'generated' ? `g${s.imagePrompt}` : `d${s.drawing}`;
        return `${from}|${s.motion}|${s.seed}|${s.steps}`;
      }
      case 'extend':
        return `${make}|${s.direction}|${s.keep}`;
      case 'edit':
        return `${make}|${s.editPrompt}|${s.strength}`;
      case 'connect':
        return `${make}|${s.otherSeed}|${s.otherPrompt}`;
      case 'scale':
        return `${s.scalePrompt}|${s.scaleSeed}|${s.seeds}|${s.steps}`;
      case 'measure':
        return `${s.measure}|${this.keyOf(s.measure)}`;
    }
  }

  /** Runs a cell for the current state (once per state): resolves when its figure is shown (or it failed). */
  ensure(id: Chapter7Cell): Promise<unknown> {
    const key = this.keyOf(id);
    const running = this.started[id];
    if (running?.key === key) return running.promise;
    const runId = (this.runIds[id] ?? 0) + 1;
    this.runIds[id] = runId;
    const current = () => this.runIds[id] === runId;
    const task = {
      make: () => this.runMake(key, current),
      animate: () => this.runAnimate(key, current),
      extend: () => this.runExtend(key, current),
      edit: () => this.runEdit(key, current),
      connect: () => this.runConnect(key, current),
      scale: () => this.runScale(key, current),
      measure: () => this.ensure(this.url.state.measure),
    }[id];
    const promise = this.updateComplete.then(task);
    this.started[id] = { key, promise };
    return promise;
  }

  private retry(id: Chapter7Cell) {
    delete this.started[id];
    void this.ensure(id);
  }

  private note(id: Chapter7Cell, text: string) {
    this.notes = { ...this.notes, [id]: text };
  }

  /** The pipeline cell's clip for the current state (made there if need be). */
  private async mainClip(): Promise<GeneratedClip | undefined> {
    await this.ensure('make');
    return this.made?.key === this.keyOf('make') ? this.made.clip : undefined;
  }


  /** The sampler's starting noise for a seed: F·4·8·8 normals, drawn first (pipeline/text-to-video/sample.ts). */
  startNoise(manifest: Manifest, seed: number): Float32Array {
    return startingNoise(manifest, { model: 'dit', seed, frames: FRAMES });
  }
  /** Options every generation of this chapter shares. */
  private options(prompt: string, seed: number, extra: Partial<TextToVideoOptions> = {}): TextToVideoOptions {
    return { prompt, model: 'dit', seed, steps: this.url.state.steps, frames: FRAMES, ...extra };
  }

  // ---------------------------------------------------------------- the cells' work
  // Each cell's jobs run as one task in its <live-cell> (ModelController.runTask): one busy state, one
  // error with Retry (which reruns the whole task), and a newer run of the cell cancels every job of it.

  private async runMake(key: string, current: () => boolean) {
    const s = this.url.state;
    const every = Math.max(1, Math.round(s.steps / 6));
    await this.models.runTask(this.cell('make'), async ({ request }) => {
      const t0 = performance.now();
      tokenize(s.prompt);
      const tokenizerMs = performance.now() - t0;
      this.clock.start(tokenizerMs);
      this.live = { key, preview: null, previews: [], tokenizerMs };
      await request({ kind: 'load', models: MAKE_MODELS });
      let startNoise: Float32Array | null = null;
      if (this.tickTimer !== null) clearInterval(this.tickTimer);
      this.tickTimer = setInterval(() => {
        this.clock.tick();
        this.requestUpdate();
      }, 100);
      try {
        const clip = await request(
          { kind: 'generate', options: this.options(s.prompt, s.seed, { capture: { input: true, every: 1 } }), preview: { every } },
          {
            onProgress: (p) => {
              if (!current()) return;
              this.clock.progress(p);
              if (p.kind === 'step') {
                if (p.step === 1 && p.input) startNoise = p.input;
                if (p.preview) {
                  const strip = filmStrip(p.preview.frames, p.preview.numFrames, p.preview.width, p.preview.height, 1);
                  this.live = { ...this.live!, preview: p.preview, previews: [...this.live!.previews, { step: p.step, timestep: p.timestep, strip }] };
                }
              }
              this.requestUpdate();
            },
          },
        );
        if (!current()) return;
        this.clock.finish(clip.timings);
        this.made = { key, clip, previews: this.live?.previews ?? [], startNoise };
        this.live = null;
      } catch (e) {
        if (current()) this.clock.fail();
        throw e;
      } finally {
        if (current() && this.tickTimer !== null) {
          clearInterval(this.tickTimer);
          this.tickTimer = null;
        }
        this.requestUpdate();
      }
    });
  }

  private async runAnimate(key: string, current: () => boolean) {
    const s = this.url.state;
    this.note('animate', '');
    // the picture, and what the judge reads in it
    let picture: Frames;
    let pictureVerdict: Verdict | null = null;
    if (s.source === 'world') picture = worldPicture(s.picture);
    else if (s.source === 'drawing') {
      const { indices } = decodeDrawing(s.drawing, 32 * 32);
      if (isBlank(indices)) {
        this.note('animate', 'The drawing is empty: paint a shape in one of the colours, and it will be set moving.');
        this.animated = null;
        return;
      }
      picture = { frames: drawingToRgb(indices), numFrames: 1, width: 32, height: 32 };
    } else picture = { frames: new Uint8Array(0), numFrames: 1, width: 32, height: 32 };
    await this.models.runTask(this.cell('animate'), async ({ request }) => {
      if (s.source === 'generated') {
        const image = await request({ kind: 'generate', options: { prompt: s.imagePrompt, model: 'dit', seed: s.seed, steps: s.steps, frames: 1 } });
        picture = sameDims(image);
        pictureVerdict = image.verdict;
      }
      let phrases = phrasesOfReading(pictureVerdict?.reading ?? readFrames(picture.frames, 1, picture.width, picture.height));
      if (!phrases.length && s.source === 'generated') phrases = parsePrompt(s.imagePrompt).phrases;
      if (!phrases.length) {
        if (current()) {
          this.note('animate', 'The judge finds no object in this picture, so there is nothing to set moving: paint a bigger shape, or pick another picture.');
          this.animated = null;
        }
        return;
      }
      const prompt = motionPrompt(phrases.slice(0, 2), s.motion as Motion);
      const plan = animatePlan(picture.frames, FRAMES);
      const clip = await request({ kind: 'generate', options: this.options(prompt, s.seed, { fixedFrames: plan.fixed }) });
      if (current()) this.animated = { key, picture, pictureVerdict, prompt, clip };
    });
  }

  private async runExtend(key: string, current: () => boolean) {
    const s = this.url.state;
    const source = await this.mainClip();
    if (!source || !current()) return;
    const direction = s.direction as ExtendDirection;
    await this.models.runTask(this.cell('extend'), async ({ request }) => {
      const plan = extendPlan(source, direction, s.keep, FRAMES);
      const window = await request({ kind: 'generate', options: this.options(s.prompt, s.seed, { fixedFrames: plan.fixed, judge: false }) });
      const joined = joinExtension(sameDims(source), window, direction, s.keep);
      const verdict = await request({ kind: 'judge', clip: sameDims(joined), prompt: s.prompt });
      if (current()) this.extended = { key, window, joined, verdict };
    });
  }

  private async runEdit(key: string, current: () => boolean) {
    const s = this.url.state;
    const source = await this.mainClip();
    if (!source || !current()) return;
    const strength = s.strength / 100;
    await this.models.runTask(this.cell('edit'), async ({ request }) => {
      const clip = await request({ kind: 'generate', options: this.options(s.editPrompt, s.seed, { init: { frames: source.frames, strength } }) });
      if (current()) this.edited = { key, clip, strength };
    });
  }

  private async runConnect(key: string, current: () => boolean) {
    const s = this.url.state;
    const a = await this.mainClip();
    if (!a || !current()) return;
    await this.models.runTask(this.cell('connect'), async ({ request }) => {
      const other = await request({ kind: 'generate', options: this.options(s.otherPrompt.trim() || s.prompt, s.otherSeed) });
      const plan = connectPlan(a, other, CONNECT_KEEP, FRAMES);
      const bridge = await request({ kind: 'generate', options: this.options(s.prompt, s.seed, { fixedFrames: plan.fixed, judge: false }) });
      const joined = joinConnection(sameDims(a), bridge, sameDims(other), CONNECT_KEEP);
      const verdict = await request({ kind: 'judge', clip: sameDims(joined), prompt: s.prompt });
      if (current()) this.connected = { key, other, bridge, joined, verdict };
    });
  }

  private async runScale(key: string, current: () => boolean) {
    const s = this.url.state;
    this.note('scale', '');
    if (!this.scaleModels.manifest) await this.scaleModels.refreshStatus();
    if (!current()) return;
    const missing = this.scaleModels.manifest ? this.scaleModels.sizes.missing : [];
    if (missing.length) {
      this.note('scale', `This cell needs ${missing.join(', ')}, which weights/manifest.json does not list yet (still training): the comparison comes when it is there.`);
      this.scaled = null;
      return;
    }
    const seeds = Array.from({ length: s.seeds }, (_, k) => (s.scaleSeed + k) % 100_000);
    const clips: ScaleResult['clips'] = Object.fromEntries(CHECKPOINTS.map((m) => [m, seeds.map(() => null)]));
    this.scaled = { key, seeds, clips, done: 0, of: seeds.length * CHECKPOINTS.length };
    await this.scaleModels.runTask(this.cell('scale'), async ({ request }) => {
      // seed by seed, so the first seed's three clips (shown side by side) come first
      for (let k = 0; k < seeds.length; k++) {
        for (const model of CHECKPOINTS) {
          if (clips[model][k]) continue; // a Retry keeps what was made
          const clip = await request({ kind: 'generate', options: { prompt: s.scalePrompt, model, seed: seeds[k], steps: s.steps, frames: FRAMES } });
          if (!current()) return;
          clips[model][k] = clip;
          this.scaled = { ...this.scaled!, clips: { ...clips }, done: this.scaled!.done + 1 };
        }
      }
    });
  }

  // ---------------------------------------------------------------- events

  private onTryThis(e: CustomEvent<TryThisDetail>) {
    this.url.clearProblems();
    this.url.set(e.detail.state as Partial<Chapter7State>);
    const cell = ({ scalePrompt: 'scale', source: 'animate', editPrompt: 'edit' } as Record<string, Chapter7Cell>)[Object.keys(e.detail.state)[0]];
    if (cell) {
      this.cell(cell).scrollIntoView({ behavior: matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth', block: 'start' });
      void this.ensure(cell);
    }
  }

  /** A prompt box's submit: the new state, and the cell runs now (again, if the text did not change). */
  private submit(id: Chapter7Cell, partial: Partial<Chapter7State>) {
    this.url.set(partial);
    this.retry(id);
  }

  private onDrawing(e: CustomEvent<DrawingDetail>, commit: boolean) {
    this.url.set({ drawing: encodeDrawing(e.detail.indices), source: 'drawing' });
    if (commit) this.url.flush();
  }

  private drawn: { text: string; indices: Uint8Array } | null = null;
  private drawingIndices(text: string): Uint8Array {
    if (this.drawn?.text !== text) this.drawn = { text, indices: decodeDrawing(text, 32 * 32).indices };
    return this.drawn.indices;
  }

  // ---------------------------------------------------------------- rendering

  private renderMake() {
    const s = this.url.state;
    const key = this.keyOf('make');
    const made = this.made?.key === key ? this.made : null;
    const live = this.live?.key === key ? this.live : null;
    const clip = made?.clip ?? null;
    const stages = textToVideoStages(this.clock, {
      tokens: tokenize(s.prompt).length,
      seed: s.seed,
      frames: FRAMES,
      steps: s.steps,
      pass: clip && parsePrompt(s.prompt).ok ? (clip.verdict?.pass ?? null) : null,
    });
    const previews = live?.previews ?? made?.previews ?? [];
    const manifest = this.models.manifest;
    // The states the DiT reads (its manifest entry says which output of the text encoder).
    const hidden = clip && manifest ? this.cached('hidden', clip, () => heatMap(statesRead(manifest, 'dit', clip.encoded.prompt), MAX_TOKENS, CONTEXT_WIDTH)) : null;
    const noise = manifest?.models.dit ? this.cached('noise', s.seed, () => latentTiles(this.startNoise(manifest, s.seed), FRAMES, LATENT_CHANNELS, LATENT_SIDE, LATENT_SIDE)) : null;
    return html`
      <div class="controls">
        <prompt-field
          class="wide"
          label="Prompt"
          .value=${s.prompt}
          .examples=${EXAMPLES}
          submit-label="Make the clip"
          show-ids
          judge-note
          @prompt-submit=${(e: CustomEvent<PromptDetail>) => {
            this.url.set({ prompt: e.detail.value });
            this.retry('make');
          }}
        ></prompt-field>
        <div class="row">
          <labelled-slider
            label="Seed of the noise"
            min="0"
            max="99999"
            number-box
            .value=${s.seed}
            .format=${(v: number) => `#${v}`}
            @value-input=${(e: CustomEvent<{ value: number }>) => this.url.set({ seed: e.detail.value })}
            style="flex: 1 1 12rem"
          ></labelled-slider>
          <button type="button" @click=${() => this.url.set({ seed: (s.seed + 1) % 100_000 })}>New noise</button>
        </div>
        <labelled-slider
          label="Denoising steps"
          min="4"
          max="50"
          .value=${s.steps}
          .format=${(v: number) => `${v} DDIM steps`}
          hint="Every cell of this chapter uses them."
          @value-input=${(e: CustomEvent<{ value: number }>) => this.url.set({ steps: e.detail.value })}
        ></labelled-slider>
      </div>
      <pipeline-stages wide .stages=${stages} label="The stages of the pipeline, with their times"></pipeline-stages>
      <div class="pipeline-grid">
        <clip-card
          heading="The clip"
          subheading=${clip ? `“${clip.prompt}”, seed ${s.seed}` : ''}
          .clip=${live?.preview ?? clip}
          .verdict=${live?.preview ? null : (clip?.verdict ?? null)}
          ?preview=${!!live?.preview}
          annotate
          placeholder="The clip appears here when this cell runs."
        ></clip-card>
        <div class="inside">
          <div>
            <h4>Text encoder: one vector a token</h4>
            ${hidden
              ? html`<pixel-view id="hidden" .rgb=${hidden.rgb} width="128" height="24" alt="The text encoder's 24 × 128 states for “${clip!.prompt}”: one row a token, red positive, blue negative, white near 0."></pixel-view>
                  <p class="caption">24 rows (tokens, then padding) × 128 numbers; red &gt; 0, blue &lt; 0, full colour at ±${hidden.range.toFixed(2)}. The DiT reads these (the text encoder's <code>${textStates(manifest!, 'dit')}</code> output) through cross-attention.</p>`
              : html`<p class="caption">Appears when the text encoder has run.</p>`}
          </div>
          <div class="noise">
            <h4>Noise: where the DiT starts, z<sub>T</sub></h4>
            ${noise
              ? html`<pixel-view id="noise" .rgb=${noise.rgb} width=${noise.width} height=${noise.height} alt="The starting noise for seed ${s.seed}: 8 frames left to right, 4 latent channels top to bottom, each 8 × 8, grey for 0."></pixel-view>`
              : nothing}
            <p class="caption">8 frames × 4 channels of 8 × 8: ${FRAMES * LATENT_CHANNELS * LATENT_SIDE * LATENT_SIDE} normal numbers from seed #${s.seed}, the same on every device.</p>
          </div>
          <div>
            <h4>DiT steps: its guess of the clean clip, x̂<sub>0</sub>, decoded</h4>
            ${previews.length
              ? html`<div class="previews" id="previews">
                  ${previews.map(
                    (p) => html`<figure>
                      <figcaption>step ${p.step} · t = ${p.timestep}</figcaption>
                      <pixel-view .rgb=${p.strip.rgb} width=${p.strip.width} height=${p.strip.height} alt="The DiT's guess of the clean clip at step ${p.step}, t = ${p.timestep}, its 8 frames left to right."></pixel-view>
                    </figure>`,
                  )}
                </div>`
              : html`<p class="caption">Appears while the DiT denoises.</p>`}
          </div>
        </div>
      </div>
      ${clip ? this.renderTimings(clip) : nothing}
    `;
  }

  private renderTimings(clip: GeneratedClip) {
    const steps = clip.sample.stepMs;
    const median = [...steps].sort((a, b) => a - b)[Math.floor(steps.length / 2)] ?? 0;
    const ran = (m: string) => clip.reports[m]?.label ?? '—';
    const rows: [string, number | null, string][] = [
      ['Tokenizer (on this page)', this.clock.states.tokens.ms, 'JavaScript'],
      ['Text encoder', clip.timings.encode, ran('text_encoder')],
      [`DiT, ${steps.length} steps of a batch of 2 (with and without the prompt), about ${formatMs(median)} each`, clip.timings.sample, ran('dit')],
      ['VAE decoder, 8 frames', clip.timings.decode, ran('vae_decoder')],
      ['The judge', clip.timings.judge, 'JavaScript, in the worker'],
    ];
    return html`<div class="scroll" style="margin-top:1rem">
      <table id="timings">
        <caption class="muted" style="caption-side: bottom; text-align: left; padding-top: 0.3rem">
          Total ${formatMs(clip.timings.total)} in the model worker. The first run also starts ONNX Runtime and each model's
          session; run it again for the warm times.
        </caption>
        <thead><tr><th scope="col">Stage</th><th scope="col">Time</th><th scope="col">Ran on</th></tr></thead>
        <tbody>
          ${rows.map(([what, ms, on]) => html`<tr><td>${what}</td><td style="white-space:nowrap">${ms === null ? '—' : formatMs(ms)}</td><td>${on}</td></tr>`)}
        </tbody>
      </table>
    </div>`;
  }

  private renderAnimate() {
    const s = this.url.state;
    const r = this.animated?.key === this.keyOf('animate') ? this.animated : null;
    const world = s.source === 'world' ? this.cached('world', s.picture, () => worldPicture(s.picture)) : null;
    return html`
      <div class="controls">
        <div class="stack">
          <choice-picker
            label="The picture"
            .options=${[
              { value: 'world', label: 'From the world' },
              { value: 'generated', label: 'Made by the DiT' },
              { value: 'drawing', label: 'Drawn by you' },
            ]}
            .value=${s.source}
            @choice-change=${(e: CustomEvent<{ value: string }>) => this.url.set({ source: e.detail.value as Chapter7State['source'] })}
          ></choice-picker>
          ${s.source === 'world'
            ? html`<div class="row">
                <button type="button" @click=${() => this.url.set({ picture: (s.picture + 1) % 100_000 })}>Another picture</button>
                <span class="muted">picture #${s.picture}: ${world!.caption}</span>
              </div>`
            : nothing}
        </div>
        <choice-picker
          label="Motion"
          .options=${MOTION_OPTIONS}
          .value=${s.motion}
          @choice-change=${(e: CustomEvent<{ value: string }>) => this.url.set({ motion: e.detail.value as Motion })}
        ></choice-picker>
        ${s.source === 'generated'
          ? html`<prompt-field
              class="wide"
              label="The picture's prompt (an image: one frame)"
              .value=${s.imagePrompt}
              submit-label="Make the picture"
              judge-note
              @prompt-submit=${(e: CustomEvent<PromptDetail>) => this.submit('animate', { imagePrompt: e.detail.value })}
            ></prompt-field>`
          : nothing}
        ${s.source === 'drawing'
          ? html`<draw-canvas
              class="wide"
              label="Your picture"
              .indices=${this.drawingIndices(s.drawing)}
              @drawing-input=${(e: CustomEvent<DrawingDetail>) => this.onDrawing(e, false)}
              @drawing-change=${(e: CustomEvent<DrawingDetail>) => this.onDrawing(e, true)}
            ></draw-canvas>`
          : nothing}
      </div>
      ${this.notes.animate ? html`<p class="notice" role="status" id="animate-note">${this.notes.animate}</p>` : nothing}
      <div class="source">
        <clip-card
          heading="Frame 1, given"
          subheading=${s.source === 'world' ? `picture #${s.picture}` : s.source === 'drawing' ? 'your drawing' : `“${s.imagePrompt}”`}
          .clip=${r?.picture ?? (world ? { ...world } : null)}
          .verdict=${r?.pictureVerdict ?? null}
          placeholder="The picture appears here."
        ></clip-card>
        <div class="arrow" aria-hidden="true">→</div>
        <clip-card
          heading="Frames 2–8, made"
          subheading=${r ? `“${r.prompt}”` : ''}
          .clip=${r?.clip ?? null}
          .verdict=${r?.clip.verdict ?? null}
          .made=${[1, FRAMES] as const}
          annotate
          placeholder="The clip appears here when this cell runs."
        ></clip-card>
      </div>
    `;
  }

  private renderStrip(clip: JoinedClip, label: string) {
    const strip = this.cached(`strip ${label.slice(0, 12)}`, clip, () => filmStrip(clip.frames, clip.numFrames, clip.width, clip.height, 1));
    return html`<div class="strip" style="margin-top:0.75rem">
      <h4>All ${clip.numFrames} frames</h4>
      <pixel-view .rgb=${strip.rgb} width=${strip.width} height=${strip.height} alt=${label}></pixel-view>
      <p class="caption">Frames ${clip.made[0] + 1}–${clip.made[1]} are new; the others were given.</p>
    </div>`;
  }

  private renderExtend() {
    const s = this.url.state;
    const r = this.extended?.key === this.keyOf('extend') ? this.extended : null;
    const made = this.made?.key === this.keyOf('make') ? this.made.clip : null;
    return html`
      <div class="controls">
        <choice-picker
          label="Extend"
          .options=${[
            { value: 'forward', label: 'Forwards: what happens next' },
            { value: 'backward', label: 'Backwards: what came before' },
          ]}
          .value=${s.direction}
          @choice-change=${(e: CustomEvent<{ value: string }>) => this.url.set({ direction: e.detail.value as ExtendDirection })}
        ></choice-picker>
        <labelled-slider
          label="Frames of the clip the model sees"
          min="1"
          max="6"
          .value=${s.keep}
          .format=${(v: number) => `${v} given, ${FRAMES - v} made`}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.url.set({ keep: e.detail.value })}
        ></labelled-slider>
      </div>
      <div class="two">
        <clip-card heading="The clip from the first cell" subheading=${made ? `“${made.prompt}”` : ''} .clip=${made} .verdict=${made?.verdict ?? null} placeholder="Made in the first cell."></clip-card>
        <clip-card
          heading=${s.direction === 'forward' ? 'Extended forwards' : 'Extended backwards'}
          subheading=${r ? `${r.joined.numFrames} frames` : ''}
          .clip=${r?.joined ?? null}
          .verdict=${r?.verdict ?? null}
          .made=${r?.joined.made ?? null}
          annotate
          placeholder="The longer clip appears here when this cell runs."
        ></clip-card>
      </div>
      ${r ? this.renderStrip(r.joined, `The extended clip, ${r.joined.numFrames} frames left to right; frames ${r.joined.made[0] + 1} to ${r.joined.made[1]} are new.`) : nothing}
    `;
  }

  private renderEdit() {
    const s = this.url.state;
    const r = this.edited?.key === this.keyOf('edit') ? this.edited : null;
    const made = this.made?.key === this.keyOf('make') ? this.made.clip : null;
    const manifest = this.models.manifest;
    const start = manifest?.models.dit ? sdeditStart(s.strength / 100, s.steps, denoiserSettings(manifest, 'dit')) : null;
    return html`
      <div class="controls">
        <prompt-field
          class="wide"
          label="The new prompt"
          .value=${s.editPrompt}
          submit-label="Edit the clip"
          judge-note
          @prompt-submit=${(e: CustomEvent<PromptDetail>) => this.submit('edit', { editPrompt: e.detail.value })}
        ></prompt-field>
        <labelled-slider
          class="wide"
          label="Strength: how much of the schedule runs again"
          min="0"
          max="100"
          .value=${s.strength}
          .format=${(v: number) => `${v} %`}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.url.set({ strength: e.detail.value })}
        ></labelled-slider>
      </div>
      <p class="readout" id="sdedit-start">
        ${start
          ? start.timestep === null
            ? html`At 0 % nothing is noised and no step runs: the clip only goes through the VAE and back.`
            : html`The clip's latent is noised to ${term('t')} = <strong>${start.timestep}</strong>
                (√${term('alphaBar')} = ${Math.sqrt(this.alphaBar(start.timestep) ?? 0).toFixed(2)} of it is left), then
                ${start.steps} of the ${s.steps} steps run with the new prompt.`
          : html`Looking up the DiT's schedule…`}
      </p>
      <div class="two">
        <clip-card heading="Before" subheading=${made ? `“${made.prompt}”` : ''} .clip=${made} .verdict=${made?.verdict ?? null} placeholder="Made in the first cell."></clip-card>
        <clip-card heading="After" subheading=${r ? `“${r.clip.prompt}”` : ''} .clip=${r?.clip ?? null} .verdict=${r?.clip.verdict ?? null} annotate placeholder="The edited clip appears here when this cell runs."></clip-card>
      </div>
    `;
  }

  /** ᾱ_t of the DiT's schedule (from its manifest entry; made once). */
  private abar: { key: Manifest; values: Float64Array | Float32Array } | null = null;
  private alphaBar(t: number): number | null {
    const manifest = this.models.manifest;
    if (!manifest?.models.dit) return null;
    if (this.abar?.key !== manifest) {
      this.abar = { key: manifest, values: scheduleOf(manifest, 'dit').alphasCumprod };
    }
    return this.abar.values[t] ?? null;
  }

  private renderConnect() {
    const s = this.url.state;
    const r = this.connected?.key === this.keyOf('connect') ? this.connected : null;
    const made = this.made?.key === this.keyOf('make') ? this.made.clip : null;
    const problems = r?.verdict.reading.problems ?? [];
    return html`
      <div class="controls">
        <div class="row">
          <labelled-slider
            label="Seed of the second clip"
            min="0"
            max="99999"
            number-box
            .value=${s.otherSeed}
            .format=${(v: number) => `#${v}`}
            @value-input=${(e: CustomEvent<{ value: number }>) => this.url.set({ otherSeed: e.detail.value })}
            style="flex: 1 1 12rem"
          ></labelled-slider>
          <button type="button" @click=${() => this.url.set({ otherSeed: (s.otherSeed + 1) % 100_000 })}>Another</button>
        </div>
        <prompt-field
          label="Its prompt"
          .value=${s.otherPrompt || s.prompt}
          submit-label="Use it"
          @prompt-submit=${(e: CustomEvent<PromptDetail>) => this.submit('connect', { otherPrompt: e.detail.value })}
        ></prompt-field>
      </div>
      <div class="three">
        <clip-card heading="A: the first cell's clip" .clip=${made} .verdict=${made?.verdict ?? null} placeholder="Made in the first cell."></clip-card>
        <clip-card heading="B: another clip" subheading=${r ? `“${r.other.prompt}”, seed ${s.otherSeed}` : ''} .clip=${r?.other ?? null} .verdict=${r?.other.verdict ?? null} placeholder="Made when this cell runs."></clip-card>
        <clip-card heading="A, a bridge, B" subheading=${r ? `${r.joined.numFrames} frames` : ''} .clip=${r?.joined ?? null} .made=${r?.joined.made ?? null} annotate placeholder="Connected when this cell runs."></clip-card>
      </div>
      ${r
        ? html`<p class="readout" id="connect-reading">
              ${problems.length
                ? html`<strong>The judge:</strong> ${problems.join('; ')}.`
                : html`<strong>The judge:</strong> the same objects, with the same colour, shape and size, in all ${r.joined.numFrames} frames.`}
            </p>
            ${this.renderStrip(r.joined, `A, the bridge and B, ${r.joined.numFrames} frames left to right; frames ${r.joined.made[0] + 1} to ${r.joined.made[1]} are the bridge.`)}`
        : nothing}
    `;
  }

  private scaleSpec: { key: string; spec: ChartSpec } | null = null;

  private renderScale() {
    const s = this.url.state;
    const r = this.scaled?.key === this.keyOf('scale') ? this.scaled : null;
    const manifest = this.scaleModels.manifest;
    const counts = CHECKPOINTS.map((m) => {
      const verdicts = (r?.clips[m] ?? []).filter((c): c is GeneratedClip => !!c).map((c) => !!c.verdict?.pass);
      return { model: m, ...passCount(verdicts) };
    });
    const names = CHECKPOINTS.map((m) => checkpointName(m, manifest));
    const specKey = JSON.stringify([counts, names]); // the names wait for the manifest
    if (this.scaleSpec?.key !== specKey) {
      const rows = counts.map((c) => ({ ...c, name: names[CHECKPOINTS.indexOf(c.model)], lo: c.ci95[0], hi: c.ci95[1] }));
      const spec: ChartSpec = ({ width }) => ({
        width,
        height: 190,
        marginLeft: 110,
        marginRight: 20,
        marginBottom: 36,
        x: { domain: [0, 1], label: 'passed by the judge →', tickFormat: '.0%', grid: true },
        y: { domain: rows.map((d) => d.name), label: null },
        marks: [
          Plot.ruleY(rows, { x1: 'lo', x2: 'hi', y: 'name', stroke: CHART_COLOURS.faint, strokeWidth: 6 }),
          Plot.dot(rows.filter((d) => d.n > 0), { x: 'rate', y: 'name', r: 6, fill: CHART_COLOURS.accent }),
          Plot.text(rows.filter((d) => d.n > 0), { x: 'rate', y: 'name', text: (d: { passed: number; n: number }) => `${d.passed} of ${d.n}`, dy: -13, fill: CHART_COLOURS.ink }),
        ],
      });
      this.scaleSpec = { key: specKey, spec };
    }
    const alt = `Share of clips the judge passed, with 95 % intervals: ${counts.map((c) => `${checkpointName(c.model, manifest)} ${c.passed} of ${c.n}`).join(', ')}.`;
    return html`
      <div class="controls">
        <prompt-field
          class="wide"
          label="Prompt"
          .value=${s.scalePrompt}
          submit-label="Compare"
          judge-note
          @prompt-submit=${(e: CustomEvent<PromptDetail>) => this.submit('scale', { scalePrompt: e.detail.value })}
        ></prompt-field>
        <labelled-slider
          label="First seed"
          min="0"
          max="99999"
          number-box
          .value=${s.scaleSeed}
          .format=${(v: number) => `#${v}`}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.url.set({ scaleSeed: e.detail.value })}
        ></labelled-slider>
        <labelled-slider
          label="Seeds to count passes over"
          min="1"
          max="8"
          .value=${s.seeds}
          .format=${(v: number) => `${v} seed${v > 1 ? 's' : ''}, ${v * 3} clips`}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.url.set({ seeds: e.detail.value })}
        ></labelled-slider>
      </div>
      ${this.scaleModels.renderWeights()}
      ${this.notes.scale ? html`<p class="notice" role="status" id="scale-note">${this.notes.scale}</p>` : nothing}
      ${r && r.done < r.of ? html`<p class="muted" role="status">Made ${r.done} of ${r.of} clips…</p>` : nothing}
      <div class="three" id="checkpoints">
        ${CHECKPOINTS.map((m) => {
          const e = manifest?.models[m];
          return html`<div>
            <clip-card
              heading=${checkpointName(m, manifest)}
              subheading=${e ? `${Number(e.steps).toLocaleString('en')} training steps, ${e.train_minutes} min` : ''}
              .clip=${r?.clips[m][0] ?? null}
              .verdict=${r?.clips[m][0]?.verdict ?? null}
              annotate
              placeholder=${this.notes.scale ? 'Not available yet.' : `Seed #${s.scaleSeed} appears here.`}
            ></clip-card>
            ${e ? this.renderCard(m, e) : nothing}
          </div>`;
        })}
      </div>
      ${r
        ? html`<div class="scroll" style="margin-top:1rem">
              <table id="passes">
                <caption class="muted" style="caption-side: bottom; text-align: left; padding-top: 0.3rem">
                  Each clip judged against “${s.scalePrompt}”; a mark's tooltip gives the judge's reason. The side-by-side clips above are seed #${s.scaleSeed}.
                </caption>
                <thead>
                  <tr><th scope="col">Checkpoint</th>${r.seeds.map((seed) => html`<th scope="col">#${seed}</th>`)}<th scope="col">Passed</th></tr>
                </thead>
                <tbody>
                  ${CHECKPOINTS.map((m, i) => html`<tr data-model=${m}>
                    <th scope="row">${checkpointName(m, manifest)}</th>
                    ${r.clips[m].map((c) =>
                      c
                        ? html`<td class=${c.verdict?.pass ? 'pass' : 'fail'} title=${c.verdict?.reason ?? ''} aria-label=${`${c.verdict?.pass ? 'passed' : 'failed'}: ${c.verdict?.reason ?? ''}`}>${c.verdict?.pass ? '✓' : '✗'}</td>`
                        : html`<td class="muted">…</td>`,
                    )}
                    <td>${counts[i].passed} of ${counts[i].n}</td>
                  </tr>`)}
                </tbody>
              </table>
            </div>
            <plot-chart id="pass-chart" .spec=${this.scaleSpec!.spec} alt=${alt}></plot-chart>`
        : nothing}
    `;
  }

  /** ' (after 9 and 38 of its 423 minutes)', once the manifest is in. */
  private shareNote(): string {
    const m = this.scaleModels.manifest ?? this.models.manifest;
    const minutes = CHECKPOINTS.map((c) => Number(m?.models[c]?.train_minutes));
    if (!minutes.every((x) => x > 0)) return '';
    return ` (after ${Math.round(minutes[0])} and ${Math.round(minutes[1])} of the final DiT's ${Math.round(minutes[2])} training minutes)`;
  }

  /** A model's card, from its manifest entry. */
  private renderCard(name: string, e: ManifestModel) {
    const rows: [string, string][] = [
      ['Parameters', e.params ? e.params.toLocaleString('en') : '—'],
      ['Training', `${Number(e.steps).toLocaleString('en') ?? '?'} steps, ${e.train_minutes ?? '?'} min on 2 CPU cores`],
      ['Trained on', String(e.trained_on ?? '—')],
      ['Sampling', `${e.num_inference_steps ?? '?'} ${String(e.sampler ?? '').toUpperCase()} steps, guidance ${e.guidance_scale ?? '?'}, ${e.prediction_type ?? ''}`],
      ['Compute a clip', e.flops_clip ? `${(Number(e.flops_clip) / 1e6).toFixed(0)} MFLOPs a denoiser call` : '—'],
      ['File', `${e.file}, ${formatBytes(e.bytes)}`],
    ];
    return html`<details>
      <summary>Model card: ${name}</summary>
      <dl>${rows.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
    </details>`;
  }

  private measured(): { reading: Reading | null; what: string } {
    const s = this.url.state;
    const fresh = <T extends { key: string }>(r: T | null, id: Chapter7Cell) => (r && r.key === this.keyOf(id) ? r : null);
    switch (s.measure) {
      case 'make': {
        const r = fresh(this.made, 'make');
        return { reading: r?.clip.verdict?.reading ?? null, what: r ? `“${r.clip.prompt}”, from the first cell` : '' };
      }
      case 'animate': {
        const r = fresh(this.animated, 'animate');
        return { reading: r?.clip.verdict?.reading ?? null, what: r ? `the animated picture, “${r.prompt}”` : '' };
      }
      case 'extend': {
        const r = fresh(this.extended, 'extend');
        return { reading: r?.verdict.reading ?? null, what: r ? `the extended clip, ${r.joined.numFrames} frames` : '' };
      }
      case 'edit': {
        const r = fresh(this.edited, 'edit');
        return { reading: r?.clip.verdict?.reading ?? null, what: r ? `the edited clip, “${r.clip.prompt}”` : '' };
      }
      case 'connect': {
        const r = fresh(this.connected, 'connect');
        return { reading: r?.verdict.reading ?? null, what: r ? `the connected clip, ${r.joined.numFrames} frames` : '' };
      }
    }
  }

  private renderMeasure() {
    const s = this.url.state;
    const m = this.measured();
    return html`
      <choice-picker
        label="Measure the clip"
        .options=${MEASURE_OPTIONS}
        .value=${s.measure}
        @choice-change=${(e: CustomEvent<{ value: string }>) => this.url.set({ measure: e.detail.value as Measurable })}
      ></choice-picker>
      <p class="muted">${m.reading ? html`Reading ${m.what}.` : 'Waiting for that clip to be made…'}</p>
      <track-chart .reading=${m.reading}></track-chart>
    `;
  }


  private renderDiffers() {
    const dit = this.models.manifest?.models.dit;
    const params = dit?.params ? `${(dit.params / 1e6).toFixed(1)} million` : 'a few million';
    const trained = dit?.train_minutes ? `${dit.train_minutes} minutes` : 'a few hours';
    return html`<ul class="differs">
      <li>
        <strong>Size.</strong> This DiT has ${params} parameters and trained for ${trained} on two CPU cores. Sora's size
        and training compute are not published; the largest DiT of Peebles and Xie's paper, an image model, already has
        675 million parameters.
      </li>
      <li><strong>Video.</strong> 8 frames of 32 × 32 pixels, against Sora's up to a minute of video at up to 1920 × 1080, in any aspect ratio.</li>
      <li>
        <strong>Compression.</strong> Here the VAE compresses each frame alone, 4 × in each direction, and a patch is one
        frame's 2 × 2 latent cells. Sora's network compresses time as well as space before the latent is cut into
        spacetime patches.
      </li>
      <li>
        <strong>Data and text.</strong> A procedural world of coloured shapes and a 25-word grammar, against a large
        collection of videos and images, re-captioned by a captioning model, with short prompts expanded by a language
        model.
      </li>
      <li>
        <strong>The same.</strong> Latent diffusion; a transformer over spacetime patches; text through cross-attention,
        with classifier-free guidance; an image as a one-frame video; animating, extending, editing and connecting by the
        same model; quality that grows with compute.
      </li>
    </ul>`;
  }
  private renderBackend() {
    // one switch for both controllers: the checkpoints follow the pipeline's choice
    return html`${this.models.renderWeights()}
      <div @change=${() => (this.scaleModels.backend = this.models.backend)}>${this.models.renderBackend()}</div>`;
  }

  render() {
    return html`
      <chapter-section .tryThis=${TRY_THIS} .references=${REFERENCES} @try-this=${this.onTryThis}>
        <state-notice .messages=${this.url.messages()}></state-notice>
        <p>
          Every piece is now in place. A prompt is cut into tokens and read by the text encoder; a clip of pure noise,
          ${term('z')} in the VAE's latent space, is denoised step by step by a Diffusion Transformer that looks at the
          text through cross-attention and at the clip as spacetime patches; the VAE decoder turns the clean latent
          into frames. Below, each stage shows what it made and how long it took on your device.
        </p>
        ${this.renderBackend()}
        <live-cell id="make" label="Text to video, stage by stage" streaming>${this.renderMake()}</live-cell>

        <h3>Animating a picture</h3>
        <p>
          Sora animates still images with the same model that makes video from text. Nothing new is trained for it:
          the picture is encoded to a latent and held fixed as frame 1 while the others are denoised. At every step
          the model's frame 1 is replaced by the picture's latent, noised to the current ${term('t')} (the
          <em>replacement</em> method of Ho et al.), so the other frames are made to agree with it. The prompt
          says what to do with it: here the judge reads what is in the picture and your motion is added.
        </p>
        <live-cell id="animate" label="Image to video: frame 1 held fixed">${this.renderAnimate()}</live-cell>

        <h3>Extending a clip, forwards and backwards</h3>
        <p>
          The same trick runs a clip on: put its last frames at the start of a new window of eight, hold them, and
          the model makes what follows. Put its first frames at the end of the window instead and it makes what came
          before. The model was trained on 8-frame clips, so it sees only the frames inside the window; what happened
          earlier is forgotten.
        </p>
        <live-cell id="extend" label="Extending the first cell's clip">${this.renderExtend()}</live-cell>

        <h3>Editing a clip: SDEdit</h3>
        <p>
          To change a clip without starting over, noise its latent part of the way, to some ${term('t')}, and
          denoise from there with a new prompt (Meng et al.'s SDEdit; Sora edits video this way). Little noise
          keeps the layout and the motion, and the prompt can only nudge; much noise leaves only rough blobs, and
          the prompt decides nearly everything.
        </p>
        <live-cell id="edit" label="SDEdit: noise to t, denoise with a new prompt">${this.renderEdit()}</live-cell>

        <h3>Connecting two clips</h3>
        <p>
          Hold the last two frames of one clip at the start of the window and the first two of another at its
          end: the model fills the four frames between with a bridge that has to agree with both.
        </p>
        <live-cell id="connect" label="Connecting two clips">${this.renderConnect()}</live-cell>

        <h3>More compute, better clips</h3>
        <p>
          Sora's report shows the same prompt and seed getting better as training compute grows. The DiT's first
          training recipe was run a second time to save two early checkpoints${this.shareNote()}; with the final DiT they
          are the same network, run the same way, on the same prompts and seeds. The judge counts how many clips do what
          the prompt says.
        </p>
        <live-cell id="scale" label="Three checkpoints, the same prompts and seeds" streaming>${this.renderScale()}</live-cell>

        <h3>Measuring the clip just made</h3>
        <p>
          The judge reads every frame back into objects. Their centroids give each object's path, its speed and
          whether it moved the way the prompt said; consistency is whether the same object, with the same shape and
          size, is in every frame. These are the two video categories in this explainer's scores.
        </p>
        <live-cell id="measure" label="Paths, motion and consistency, by the judge">${this.renderMeasure()}</live-cell>

        <h3>What differs from Sora</h3>
        <p>The ideas are Sora's; almost every number here is smaller by orders of magnitude.</p>
        ${this.renderDiffers()}
        <p>
          Each model's card (parameters, training, data and scores) is in <code>weights/README.md</code> and
          <code>weights/cards/</code> of this project's repository; the checkpoint cell above opens the essentials
          from the manifest this page loads.
        </p>
      </chapter-section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chapter-7': Chapter7;
  }
}
