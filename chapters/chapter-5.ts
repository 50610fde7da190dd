// Chapter 5: U-Net versus Diffusion Transformer. The same prompt, seed,
// sampler and steps through the latent U-Net and the DiT, side by side and
// stepping together (x̂₀ of both at every step; a step timed here; parameters
// and FLOPs from the manifest; the judge on both); a race over 16 seeds; and
// inside the DiT: its adaLN-Zero modulation against t, and self-attention over
// a clip's spacetime tokens. Prose and wiring only: the arithmetic is
// pipeline/lessons/denoiser-duel.ts and pipeline/lessons/dit-inspect.ts, the pieces components/.
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { customElement } from 'lit/decorators.js';
import '../components/adaln-charts';
import '../components/chapter-section';
import '../components/choice-picker';
import '../components/clip-card';
import '../components/cost-table';
import '../components/labelled-slider';
import '../components/live-cell';
import '../components/pixel-view';
import '../components/race-charts';
import '../components/self-attention-view';
import '../components/state-notice';
import '../components/step-strip';
import type { Reference, TryThis, TryThisDetail } from '../components/chapter-section';
import type { CostRow } from '../components/cost-table';
import { formatCount } from '../components/cost-table';
import type { LiveCell } from '../components/live-cell';
import { ModelController } from '../components/model-controller';
import { term } from '../components/notation';
import { CHART_COLOURS } from '../components/plot-chart';
import type { RaceEntry, RaceModel } from '../components/race-charts';
import type { StripColumn } from '../components/step-strip';
import { controls, fields, layout, prose, verdicts } from '../components/styles';
import { UrlStateController } from '../components/url-state-controller';
import { VisibleCellsController } from '../components/visible-cells-controller';
import type { TokenGrid } from '../pipeline/lessons/cross-attention';
import { pictureDifference, raceSeeds, sampleSideBySide, type DuelResult } from '../pipeline/lessons/denoiser-duel';
import {
  ADALN_LABELS, ADALN_PARTS, adalnChannels, adalnMeanAbs, adalnTimesteps, attentionRow, frameArgmax, frameShares, inspectSelfAttention,
  measureAdaln, nearestTimestep, patchOfObject, patchOnObject, rowPeak, tokenIndex, tokenPlace, type AdalnPart, type AdalnTable,
  type SelfAttention,
} from '../pipeline/lessons/dit-inspect';
import { median } from '../pipeline/step-timing';
import type { GeneratedClip } from '../pipeline/text-to-video/clip';
import { guidanceContexts } from '../pipeline/text-to-video/prompt';
import { statesFor } from '../pipeline/text-to-video/sample';
import { shownStep, stripSteps } from '../pipeline/lessons/trajectory';
import { defineSchema, integer, number, oneOf, text, type StateOf } from '../pipeline/url-state';
import { parsePrompt } from '../pipeline/world/caption';
import { describeReading } from '../pipeline/world/read-frames';
import type { Verdict } from '../pipeline/world/judge';

const UNET = 'unet';
const DIT = 'dit';
const INSPECT = 'dit_inspect';
/** The two denoisers, in the order the page shows them. */
const DUEL_MODELS = [UNET, DIT] as const;
const DUEL_NEEDS = ['text_encoder', UNET, DIT, 'vae_decoder'];
const ADALN_NEEDS = [INSPECT];
const ATTN_NEEDS = ['text_encoder', DIT, 'vae_decoder', INSPECT];
const RACE_LENGTH = 16;
/** The attention cell's clip: 8 frames, the manifest's 30 steps. */
const ATTN_FRAMES = 8;
const ATTN_STEPS = 30;
const ATTN_GRID: TokenGrid = { frames: ATTN_FRAMES, rows: 4, cols: 4 };
const ADALN_POINTS = 50;

const LABEL: Record<string, string> = { unet: 'U-Net', dit: 'DiT' };
const COLOUR: Record<string, string> = { unet: CHART_COLOURS.noise, dit: CHART_COLOURS.signal };
const RACE_MODELS: RaceModel[] = DUEL_MODELS.map((m) => ({ name: m, label: LABEL[m], colour: COLOUR[m] }));

export const chapter5Schema = defineSchema({
  /** The side-by-side cell (and the race): an image prompt, seed, sampler, steps, guidance. */
  prompt: text(160, 'a green triangle'),
  seed: integer(0, 99_999, 0),
  sampler: oneOf(['ddim', 'ddpm'], 'ddim'),
  steps: integer(1, 100, 30),
  guidance: number(0, 15, 4),
  /** The step both strips look at; past the run's last it shows the last. */
  step: integer(1, 100, 100),
  /** adaLN: the part, the block (1-based) and the timestep read. */
  part: oneOf(ADALN_PARTS, 'gate1'),
  block: integer(1, 12, 1),
  t: integer(0, 999, 999),
  /** Self-attention: the clip's prompt and seed, the step read, layer and head, the query patch (1-based). */
  clip: text(160, 'a red circle moving right'),
  cseed: integer(0, 99_999, 0),
  astep: integer(1, ATTN_STEPS, 25),
  layer: integer(1, 12, 6),
  head: oneOf(['mean', '1', '2', '3', '4', '5', '6', '7', '8'], 'mean'),
  qf: integer(1, ATTN_FRAMES, 1),
  qr: integer(1, ATTN_GRID.rows, 2),
  qc: integer(1, ATTN_GRID.cols, 1),
});
export type Chapter5State = StateOf<typeof chapter5Schema>;

/** Each cell's part of the state (a cell's Reset sets these back to their defaults). */
const RACE_PARAMS: (keyof Chapter5State)[] = ['prompt', 'seed', 'sampler', 'steps', 'guidance'];
const DUEL_PARAMS: (keyof Chapter5State)[] = [...RACE_PARAMS, 'step'];
const ADALN_PARAMS: (keyof Chapter5State)[] = ['part', 'block', 't'];
const ATTN_PARAMS: (keyof Chapter5State)[] = ['clip', 'cseed', 'astep', 'layer', 'head', 'qf', 'qr', 'qc'];

interface DuelSettings {
  prompt: string;
  seed: number;
  sampler: 'ddim' | 'ddpm';
  steps: number;
  guidance: number;
}
const duelSettings = (s: Chapter5State): DuelSettings => ({ prompt: s.prompt, seed: s.seed, sampler: s.sampler, steps: s.steps, guidance: s.guidance });
const sameDuel = (a: DuelSettings | null | undefined, b: DuelSettings) => !!a && (Object.keys(b) as (keyof DuelSettings)[]).every((k) => a[k] === b[k]);

/** What the try-this buttons may ask beyond the state: start the race; put the query on the object once the clip is there. */
type TryState = Partial<Chapter5State> & { startRace?: boolean; snapQuery?: boolean };

const TRY_THIS: TryThis<TryState>[] = [
  {
    question: 'Two objects, each with its own colour, are the hardest prompts in this world. Which denoiser binds the colours to the right shapes more often? Race them over 16 seeds.',
    state: { prompt: 'a red square and a green circle', seed: 0, sampler: 'ddim', steps: 30, guidance: 4, step: 100, startRace: true },
  },
  {
    question: 'adaLN-Zero starts every gate at 0. After training, which block’s attention gate is widest open at the start of sampling (t = 999), and which at the end (t = 0)?',
    state: { part: 'gate1', t: 999 },
  },
  {
    question: 'Put the query on the moving circle in frame 1. In which layers does its attention stay in its own frame, and in which does the patch it attends to most in each frame follow the circle?',
    state: { clip: 'a red circle moving right', qf: 1, layer: 6, head: 'mean', astep: 25, snapQuery: true },
  },
];

const REFERENCES: Reference[] = [
  { title: 'Ronneberger, Fischer & Brox 2015, U-Net', href: 'https://arxiv.org/abs/1505.04597', note: 'the down-and-up convolutional network with skip connections' },
  { title: 'Rombach et al. 2022, High-Resolution Image Synthesis with Latent Diffusion Models', href: 'https://arxiv.org/abs/2112.10752', note: 'the latent U-Net with cross-attention to text' },
  { title: 'Peebles & Xie 2023, Scalable Diffusion Models with Transformers', href: 'https://arxiv.org/abs/2212.09748', note: 'DiT, adaLN-Zero, and FLOPs predicting quality' },
  { title: 'Kadkhodaie, Guth, Simoncelli & Mallat 2024, Generalization in diffusion models arises from geometry-adaptive harmonic representations', href: 'https://arxiv.org/abs/2310.02557', note: 'different networks, the same noise, nearly the same picture' },
  { title: 'OpenAI 2024, Video generation models as world simulators', href: 'https://openai.com/index/video-generation-models-as-world-simulators/', note: 'Sora: a diffusion transformer over spacetime patches' },
];

const EXAMPLE_IMAGES = ['a green triangle', 'a yellow circle in the bottom right', 'a big red circle in the top left', 'a small purple square', 'a red square and a green circle'];
const EXAMPLE_CLIPS = ['a red circle moving right', 'a big blue square moving up', 'a green triangle moving left', 'a yellow circle staying still'];

const fmt = (v: number, digits = 2) => (Math.abs(v) < 0.5 * 10 ** -digits ? (0).toFixed(digits) : v.toFixed(digits)).replace('-', '−');
const pct = (v: number) => `${Math.round(v * 100)} %`;
const msText = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 10 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`);

interface StepView {
  step: number;
  timestep: number;
  ms: number;
  preview: Uint8Array | null;
}

interface DuelRun {
  serial: number;
  settings: DuelSettings;
  of: number;
  steps: Record<string, StepView[]>;
  result: DuelResult | null;
  running: boolean;
}

interface RaceRun {
  settings: DuelSettings;
  seeds: number[];
  samples: RaceEntry[];
  running: boolean;
  stopped: boolean;
}

interface AttnRun {
  serial: number;
  prompt: string;
  seed: number;
  /** x_t of every step (the DiT's input), the timesteps, the prompt's context. */
  inputs: Float32Array[];
  timesteps: number[];
  clip: GeneratedClip | null;
  running: boolean;
}

interface Inspected {
  key: string;
  step: number;
  timestep: number;
  attention: SelfAttention;
}

type CellId = 'duel' | 'race' | 'adaln' | 'attn';

@customElement('chapter-5')
export class Chapter5 extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    fields,
    verdicts,
    css`
      .controls {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(13rem, 1fr));
        gap: 0.9rem 1.5rem;
        align-items: start;
        margin-bottom: 1rem;
      }
      .prompt-row {
        display: grid;
        grid-template-columns: minmax(0, 1fr) minmax(0, 14rem);
        gap: 0.5rem;
      }
      @media (max-width: 40rem) {
        .prompt-row {
          grid-template-columns: minmax(0, 1fr);
        }
      }
      .hint {
        margin: 0.2rem 0 0;
        color: var(--muted);
        font-size: 0.85rem;
      }
      button.run {
        font-weight: 600;
        background: var(--accent);
        color: var(--paper);
        min-width: 6rem;
      }
      button.run:hover {
        background: var(--accent-ink);
      }
      .status {
        margin: 0;
        font-size: 0.95rem;
        font-variant-numeric: tabular-nums;
        max-width: none;
      }
      .weights,
      .backend {
        font-size: 0.85rem;
        color: var(--muted);
        margin: 0 0 0.5rem;
        max-width: var(--measure);
      }
      .weights progress {
        vertical-align: middle;
      }
      .eq {
        display: flex;
        flex-direction: column;
        gap: 0.25rem;
        font-size: 1.05rem;
        margin: 0 0 1em 1.5rem;
        font-variant-numeric: tabular-nums;
      }
      @media (max-width: 30rem) {
        .eq {
          margin-left: 0.25rem;
          font-size: 0.95rem;
        }
      }
      .sides {
        display: grid;
        grid-template-columns: repeat(2, minmax(0, 15rem));
        gap: 1rem 2rem;
        margin: 1rem 0 0.75rem;
      }
      @media (max-width: 30rem) {
        .sides {
          gap: 0.75rem;
        }
      }
      .side h4 {
        margin: 0 0 0.35rem;
        font-size: 1rem;
      }
      .side h4 .sub {
        display: block;
        font-weight: 400;
        font-size: 0.8rem;
        color: var(--muted);
      }
      .side pixel-view {
        --pixel-view-size: 100%;
        display: block;
      }
      .side .caption {
        font-size: 0.85rem;
        margin: 0.3rem 0 0;
        font-variant-numeric: tabular-nums;
      }
      .verdict {
        margin: 0.4rem 0 0;
        padding: 0.3rem 0.5rem;
        border-radius: 0.3rem;
        font-size: 0.85rem;
        line-height: 1.35;
        overflow-wrap: anywhere;
        max-width: none;
      }
      .verdict.none {
        background: #f3f3f0;
        border-left: 4px solid var(--muted);
      }
      .strip {
        max-width: 44rem;
        margin: 0.5rem 0;
      }
      cost-table {
        margin: 0.9rem 0 0.3rem;
        max-width: 44rem;
      }
      .math {
        font-style: italic;
      }
      .readout {
        font-variant-numeric: tabular-nums;
        font-size: 0.92rem;
        margin: 0.5rem 0 0;
        max-width: var(--measure);
      }
      .attn {
        margin-top: 0.5rem;
      }
      .attn clip-card {
        display: block;
        width: 14rem;
        max-width: 100%;
      }
      .attn .readout {
        margin-top: 0.75rem;
      }
    `,
  ];

  private url = new UrlStateController(this, chapter5Schema, 'c5');
  private models = new ModelController(this, { models: ['text_encoder', UNET, DIT, 'vae_decoder', INSPECT] });

  private duel: DuelRun | null = null;
  private race: RaceRun | null = null;
  private adaln: AdalnTable | null = null;
  private adalnRunning = false;
  private attn: AttnRun | null = null;
  private inspected: Inspected | null = null;
  /** The inspect call last asked for: a result for another is stale. */
  private askedInspect = '';
  /** A try-this asked for the query on the object: done when the clip is there. */
  private snapPending = false;
  /** The cells seen so far (each runs the first time it comes into view). */
  private visible = new VisibleCellsController<CellId>(this, {
    cells: () => (['duel', 'adaln', 'attn'] as CellId[]).map((id) => this.cell(id)),
    rootMargin: '200px 0px',
    leaving: 'stay',
    onChange: () => this.autoStart(),
  });
  private started = new Set<CellId>();

  // ---------------------------------------------------------------- for tests

  get state(): Chapter5State {
    return this.url.state;
  }

  /** Applies a state as a "try this" button does; `run` starts the side by side too. */
  setState(partial: Partial<Chapter5State>, run = false) {
    this.url.set(partial);
    if (run) void this.runDuel();
  }

  /** What the figures show now, for tests. */
  get figure() {
    const d = this.duel;
    const k = d ? this.shownDuelStep() : 0;
    const a = this.attn;
    const row = this.attentionRow();
    return {
      duel: d
        ? {
            serial: d.serial,
            settings: d.settings,
            running: d.running,
            of: d.of,
            shown: k,
            steps: Object.fromEntries(DUEL_MODELS.map((m) => [m, d.steps[m].filter(Boolean).length])),
            previews: Object.fromEntries(DUEL_MODELS.map((m) => [m, d.steps[m][k - 1]?.preview ?? null])),
            stepMs: Object.fromEntries(DUEL_MODELS.map((m) => [m, d.steps[m].map((s) => s?.ms ?? NaN)])),
            entries: d.result?.entries.map((e) => ({ model: e.model, frames: e.frames, pass: e.verdict.pass, stepMs: e.sample.stepMs })) ?? null,
            stale: !sameDuel(d.settings, duelSettings(this.url.state)),
          }
        : null,
      cost: this.costRows(),
      race: this.race ? { settings: this.race.settings, seeds: this.race.seeds, running: this.race.running, stopped: this.race.stopped, samples: this.race.samples } : null,
      adaln: this.adaln,
      attn: a
        ? {
            serial: a.serial,
            prompt: a.prompt,
            seed: a.seed,
            running: a.running,
            frames: a.clip?.frames ?? null,
            pass: a.clip?.verdict?.pass ?? null,
            inspected: this.inspected ? { key: this.inspected.key, step: this.inspected.step, timestep: this.inspected.timestep } : null,
            row,
            query: this.query(),
          }
        : null,
    };
  }

  // ---------------------------------------------------------------- lifecycle

  protected firstUpdated() {
    this.dataset.ready = 'true';
  }

  protected updated() {
    this.autoStart();
    // the self-attention at the step asked for, once the clip is made (a step, a cheap call)
    const a = this.attn;
    if (a && !a.running && a.clip && a.inputs.length) {
      if (this.snapPending) {
        this.snapPending = false;
        this.snapQuery();
      }
      const key = this.inspectKey();
      if (key !== this.askedInspect) void this.inspect(a, key);
    }
  }

  private cell(id: CellId): LiveCell | null {
    return this.renderRoot.querySelector<LiveCell>(`live-cell#${id}`);
  }

  /** Models a cell needs that the manifest does not list (empty until the manifest is read). */
  private missing(names: readonly string[]): string[] {
    const m = this.models.manifest;
    return m ? names.filter((n) => !m.models[n]) : [];
  }

  /** The first time a cell comes into view it runs with the URL's state; one at a time, the first in reading order first. */
  private autoStart() {
    if (!this.models.manifest) return;
    const busy = () => !!(this.duel?.running || this.attn?.running || this.adalnRunning);
    const go = (id: CellId, names: string[], start: () => void) => {
      if (!this.visible.has(id) || this.started.has(id) || this.missing(names).length) return;
      this.started.add(id);
      start();
    };
    go('duel', DUEL_NEEDS, () => void this.runDuel({ keepStep: true }));
    if (busy()) return;
    go('adaln', ADALN_NEEDS, () => void this.readAdaln());
    if (busy()) return;
    go('attn', ATTN_NEEDS, () => void this.makeClip());
  }

  /**
   * Retry in a cell: the cell reruns its last task, whose answer would reach no figure, so the
   * chapter starts the figure's run again right after (which replaces the cell's rerun).
   */
  private retry(again: () => Promise<void>) {
    queueMicrotask(() => void again());
  }

  // ---------------------------------------------------------------- side by side

  async runDuel(options: { keepStep?: boolean } = {}): Promise<void> {
    const cell = this.cell('duel');
    if (!cell || !this.models.manifest || this.missing(DUEL_NEEDS).length) return;
    this.started.add('duel');
    if (!options.keepStep) this.url.set({ step: 100 });
    const settings = duelSettings(this.url.state);
    const run: DuelRun = {
      serial: (this.duel?.serial ?? 0) + 1,
      settings,
      of: settings.steps,
      steps: Object.fromEntries(DUEL_MODELS.map((m) => [m, []])),
      result: null,
      running: true,
    };
    this.duel = run;
    this.requestUpdate();
    const result = await this.models.runTask(cell, ({ runner, signal }) =>
      sampleSideBySide(runner, { ...settings, eta: 0, frames: 1, models: DUEL_MODELS, previewEvery: 1 }, {
        signal,
        onStep: (s) => {
          if (this.duel !== run) return;
          run.steps[s.model][s.step - 1] = { step: s.step, timestep: s.timestep, ms: s.ms, preview: s.preview?.frames ?? null };
          run.of = s.of;
          this.requestUpdate();
        },
      }),
    );
    if (this.duel !== run) return;
    run.running = false;
    run.result = result ?? null;
    this.requestUpdate();
  }

  /** The step both sides show: the newest while the run goes, else the URL's (within the run). */
  private shownDuelStep(): number {
    const d = this.duel;
    if (!d) return 0;
    const done = Math.min(...DUEL_MODELS.map((m) => d.steps[m].length));
    if (d.running) return done;
    return shownStep(this.url.state.step, done);
  }

  /** Parameters and FLOPs from the manifest, and this run's median step time, for each denoiser. */
  private costRows(): CostRow[] {
    const manifest = this.models.manifest;
    const d = this.duel;
    const guidance = d?.settings.guidance ?? this.url.state.guidance;
    const batch = guidance === 0 || guidance === 1 ? 1 : 2;
    return DUEL_MODELS.map((m) => {
      const e = manifest?.models[m];
      const times = d?.result?.entries.find((x) => x.model === m)?.sample.stepMs ?? d?.steps[m].filter(Boolean).map((s) => s.ms) ?? [];
      // the manifest counts FLOPs at a batch of 2 (one guided step) of one 8 × 8 frame
      const flops = typeof e?.flops === 'number' ? (e.flops * batch) / 2 : undefined;
      return {
        label: LABEL[m],
        detail: e ? `${m} · batch ${batch}` : `${m} · not trained yet`,
        params: typeof e?.params === 'number' ? e.params : undefined,
        flops,
        ...(times.length ? { ms: median(times), times } : {}),
      };
    });
  }

  // ---------------------------------------------------------------- the race

  async runRace(): Promise<void> {
    const cell = this.cell('race');
    if (!cell || !this.models.manifest || this.missing(DUEL_NEEDS).length) return;
    const settings = duelSettings(this.url.state);
    const run: RaceRun = { settings, seeds: raceSeeds(settings.seed, RACE_LENGTH), samples: [], running: true, stopped: false };
    this.race = run;
    this.requestUpdate();
    await this.models.runTask(cell, async ({ request }) => {
      for (const seed of run.seeds) {
        for (const model of DUEL_MODELS) {
          const clip = await request({ kind: 'generate', options: { prompt: settings.prompt, model, seed, sampler: settings.sampler, steps: settings.steps, guidance: settings.guidance, frames: 1 } });
          if (this.race !== run || !run.running) return;
          run.samples = [...run.samples, { model, seed, pass: !!clip.verdict?.pass, ms: clip.sample.stepMs.reduce((s, v) => s + v, 0), frames: clip.frames }];
          this.requestUpdate();
        }
      }
    });
    if (this.race !== run) return;
    run.running = false;
    this.requestUpdate();
  }

  /** Stops the race where it is (the worker stops the sample under way at its next step). */
  stopRace() {
    const run = this.race, cell = this.cell('race');
    if (!run?.running || !cell) return;
    run.running = false;
    run.stopped = true;
    void cell.run(async () => undefined); // a newer run in the cell cancels the race's jobs
    this.requestUpdate();
  }

  // ---------------------------------------------------------------- adaLN

  /** One dit_inspect call with a batch of timesteps from T − 1 to 0: every block's modulation. */
  async readAdaln(): Promise<void> {
    const cell = this.cell('adaln');
    if (!cell || !this.models.manifest || this.missing(ADALN_NEEDS).length) return;
    this.started.add('adaln');
    const steps = this.models.manifest.models[DIT]?.num_train_timesteps ?? 1000;
    this.adalnRunning = true;
    const table = await this.models.runTask(cell, ({ runner }) => measureAdaln(runner, adalnTimesteps(ADALN_POINTS, steps)));
    this.adalnRunning = false;
    if (table) this.adaln = table;
    this.requestUpdate();
  }

  // ---------------------------------------------------------------- self-attention

  /** The clip whose self-attention is read: the DiT's sample for the prompt and seed, with every step's x_t. */
  async makeClip(): Promise<void> {
    const cell = this.cell('attn');
    if (!cell || !this.models.manifest || this.missing(ATTN_NEEDS).length) return;
    this.started.add('attn');
    const s = this.url.state;
    const run: AttnRun = { serial: (this.attn?.serial ?? 0) + 1, prompt: s.clip, seed: s.cseed, inputs: [], timesteps: [], clip: null, running: true };
    this.attn = run;
    this.inspected = null;
    this.askedInspect = '';
    this.requestUpdate();
    const clip = await this.models.run(
      cell,
      { kind: 'generate', options: { prompt: run.prompt, model: DIT, seed: run.seed, frames: ATTN_FRAMES, steps: ATTN_STEPS, capture: { input: true } } },
      {
        onProgress: (p) => {
          if (p.kind !== 'step' || this.attn !== run || !p.input) return;
          run.inputs[p.step - 1] = p.input;
          run.timesteps[p.step - 1] = p.timestep;
        },
      },
    );
    if (this.attn !== run) return;
    run.running = false;
    run.clip = clip ?? null;
    this.requestUpdate();
  }

  private inspectKey(): string {
    const a = this.attn;
    return a ? `${a.serial}|${Math.min(this.url.state.astep, a.inputs.length)}` : '';
  }

  /** dit_inspect on the step's x_t, its timestep and the prompt's context: that step's self-attention. */
  private async inspect(a: AttnRun, key: string) {
    this.askedInspect = key;
    const step = Math.min(this.url.state.astep, a.inputs.length);
    const cell = this.cell('attn');
    if (!cell || !a.clip) return;
    const manifest = this.models.manifest;
    if (!manifest) return;
    // the per-token states the DiT reads (its manifest entry's text_states), as the sampler gave them
    const context = statesFor(manifest, DIT, guidanceContexts(a.clip.encoded)).cond;
    const result = await this.models.runTask(cell, ({ runner }) =>
      inspectSelfAttention(runner, { latent: a.inputs[step - 1], frames: ATTN_FRAMES, height: 8, width: 8, timestep: a.timesteps[step - 1], context }),
    );
    if (!result || this.askedInspect !== key) return;
    this.inspected = { key, step, timestep: a.timesteps[step - 1], attention: result };
    this.requestUpdate();
  }

  private queryCache = { frame: 0, row: 1, col: 0 };

  /** The query patch (0-based); the same object while it does not change. */
  private query() {
    const s = this.url.state;
    const c = this.queryCache;
    if (c.frame !== s.qf - 1 || c.row !== s.qr - 1 || c.col !== s.qc - 1) this.queryCache = { frame: s.qf - 1, row: s.qr - 1, col: s.qc - 1 };
    return this.queryCache;
  }

  /** Layer and head as the model has them (the URL may ask for more than it has). */
  private layerHead(att: SelfAttention): { layer: number; head: number | 'mean' } {
    const s = this.url.state;
    const layer = Math.min(att.layers, s.layer) - 1;
    const head = s.head === 'mean' ? 'mean' : Math.min(att.heads, Number(s.head)) - 1;
    return { layer, head };
  }

  private rowCache: { key: string; row: Float32Array } | null = null;

  /** The query's attention row now shown, or null. */
  private attentionRow(): Float32Array | null {
    const ins = this.inspected;
    if (!ins || ins.key !== this.inspectKey()) return null;
    const { layer, head } = this.layerHead(ins.attention);
    const q = tokenIndex(ATTN_GRID, this.query());
    const key = `${ins.key}|${layer}|${head}|${q}`;
    if (this.rowCache?.key !== key) this.rowCache = { key, row: attentionRow(ins.attention, layer, head, q) };
    return this.rowCache.row;
  }

  /** Puts the query on the object the judge reads in the query's frame. */
  private snapQuery() {
    const reading = this.attn?.clip?.verdict?.reading;
    if (!reading) return;
    const p = patchOfObject(reading, this.url.state.qf - 1, ATTN_GRID);
    if (p) this.url.set({ qr: p.row + 1, qc: p.col + 1 });
  }

  // ---------------------------------------------------------------- events

  private onTryThis(e: CustomEvent<TryThisDetail>) {
    this.url.clearProblems();
    const { snapQuery, startRace, ...state } = e.detail.state as TryState;
    this.url.set(state);
    const now = this.url.state;
    const asks = (keys: (keyof Chapter5State)[]) => keys.some((k) => k in state);
    // each figure the question is about runs now, unless it already shows that state
    const d = this.duel;
    const duel = asks(DUEL_PARAMS) && !(d && sameDuel(d.settings, duelSettings(now)) && (d.running || d.result)) ? this.runDuel({ keepStep: true }) : Promise.resolve();
    // the race after the side by side, so the two do not share the machine while they are timed
    if (startRace) void duel.then(() => this.runRace());
    if (asks(ADALN_PARAMS) && !this.adaln && !this.adalnRunning) void this.readAdaln();
    const a = this.attn;
    if (asks(ATTN_PARAMS) && !(a && a.prompt === now.clip && a.seed === now.cseed && (a.running || a.clip))) {
      void this.makeClip();
    }
    if (snapQuery) {
      this.snapPending = true;
      if (this.attn?.clip && !this.attn.running) {
        this.snapPending = false;
        this.snapQuery();
      }
    }
    this.url.flush();
  }

  /** Enter in a prompt box, or Shift+Enter anywhere in the cell, runs it. */
  private onKey(e: KeyboardEvent, run: () => void) {
    if (e.key !== 'Enter' || e.isComposing) return;
    const target = e.composedPath()[0] as HTMLElement | undefined;
    const inPrompt = target?.tagName === 'INPUT' && (target as HTMLInputElement).type === 'text';
    if (!e.shiftKey && !inPrompt) return;
    e.preventDefault();
    run();
  }

  // ---------------------------------------------------------------- rendering

  private missingNotice(names: string[], what: string): TemplateResult | typeof nothing {
    const missing = this.missing(names);
    if (!missing.length) return nothing;
    const them = missing.length > 1;
    return html`<p class="notice" role="status" data-missing=${missing.join(' ')}>
      ${what} needs ${missing.map((m, i) => html`${i ? ' and ' : ''}<code>${m}</code>`)}, which ${them ? 'are' : 'is'} still training: weights/manifest.json does not list
      ${them ? 'them' : 'it'} yet. This cell runs as soon as ${them ? 'they appear' : 'it appears'} there; the rest of the chapter works without ${them ? 'them' : 'it'}.
    </p>`;
  }

  private promptField(id: string, label: string, value: string, examples: string[], set: (v: string) => void, hint: string) {
    return html`<div class="field wide">
      <label for=${id}>${label}</label>
      <div class="prompt-row">
        <input id=${id} type="text" maxlength="160" autocomplete="off" spellcheck="false" placeholder="(empty: no prompt)" aria-describedby="${id}-hint"
          .value=${value} @input=${(e: Event) => set((e.target as HTMLInputElement).value)} />
        <select aria-label="Example prompts" @change=${(e: Event) => {
          const el = e.target as HTMLSelectElement;
          const v = el.value;
          el.value = '';
          if (v) set(v);
        }}>
          <option value="">— example prompts —</option>
          ${examples.map((p) => html`<option value=${p}>${p}</option>`)}
        </select>
      </div>
      <p class="hint" id="${id}-hint">${hint}</p>
    </div>`;
  }

  private verdictLine(prompt: string, v: Verdict | null, id: string) {
    const parsed = parsePrompt(prompt);
    if (!v || !parsed.ok) {
      return html`<p class="verdict none" id=${id}>The judge cannot read this prompt${v ? html`; it sees ${describeReading(v.reading)}` : nothing}.</p>`;
    }
    return html`<p class="verdict ${v.pass ? 'pass' : 'fail'}" id=${id} data-pass=${v.pass ? 'true' : 'false'}>
      <strong>${v.pass ? 'PASS' : 'FAIL'}</strong> — ${v.pass ? describeReading(v.reading) : v.reasons.join('; ')}
    </p>`;
  }

  private renderDuelControls() {
    const s = this.url.state;
    const parsed = parsePrompt(s.prompt);
    const moving = parsed.phrases.some((p) => p.motion);
    return html`
      <div class="controls">
        ${this.promptField('prompt', 'Prompt (an image)', s.prompt, EXAMPLE_IMAGES, (v) => this.url.set({ prompt: v }), 'Enter runs it; Shift+Enter runs it from any control here.')}
        ${moving ? html`<p class="notice wide" role="status" id="prompt-note">A single frame cannot move: the comparison is on images, so say where the object is, not how it moves.</p>` : nothing}
        <choice-picker
          label="Sampler"
          .options=${[
            { value: 'ddim', label: 'DDIM', description: 'deterministic: the seed decides the picture' },
            { value: 'ddpm', label: 'DDPM', description: 'fresh noise at every step' },
          ]}
          .value=${s.sampler}
          @choice-change=${(e: CustomEvent<{ value: string }>) => this.url.set({ sampler: e.detail.value as Chapter5State['sampler'] })}
        ></choice-picker>
        <labelled-slider label="Steps" min="1" max="100" number-box .value=${s.steps} .format=${(v: number) => `${v} step${v > 1 ? 's' : ''}`}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.url.set({ steps: e.detail.value })}></labelled-slider>
        <labelled-slider label="Guidance scale s" min="0" max="15" step="0.5" .value=${s.guidance} .format=${(v: number) => `s = ${v}`}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.url.set({ guidance: e.detail.value })}></labelled-slider>
        <div class="row">
          <labelled-slider label="Seed" min="0" max="99999" number-box .value=${s.seed} .format=${(v: number) => `#${v}`} style="flex: 1 1 11rem"
            @value-input=${(e: CustomEvent<{ value: number }>) => this.url.set({ seed: e.detail.value })}></labelled-slider>
          <button type="button" id="next-seed" @click=${() => {
            this.url.set({ seed: (s.seed + 1) % 100_000 });
            void this.runDuel();
          }}>Next seed</button>
        </div>
      </div>
    `;
  }

  private renderDuel() {
    const d = this.duel;
    const now = duelSettings(this.url.state);
    const k = this.shownDuelStep();
    const stale = d && !d.running && !sameDuel(d.settings, now);
    let status: TemplateResult | string = 'Press Run to sample with both.';
    if (d?.running) status = k ? `Step ${k} of ${d.of}, both denoisers…` : 'Starting: the prompt through the text encoder…';
    else if (d?.result) status = `${d.of} steps each, stepping together; x̂₀ of both decoded at every step.`;
    else if (d) status = 'This run did not finish.';
    const columns: StripColumn[] = d
      ? stripSteps(d.of, 8).map((step) => ({
          step,
          timestep: d.steps[DIT][step - 1]?.timestep ?? d.steps[UNET][step - 1]?.timestep ?? 0,
          frames: DUEL_MODELS.map((m) => d.steps[m][step - 1]?.preview ?? null),
        }))
      : [];
    const done = !!d && !d.running && k === d.of && !!d.result;
    return html`
      <div class="row">
        <button type="button" class="run" id="run" @click=${() => void this.runDuel()}>${d?.running ? 'Restart' : 'Run'}</button>
        <p class="status" id="duel-status" data-state=${d?.running ? 'running' : d?.result ? 'done' : 'idle'}>${status}</p>
      </div>
      ${stale ? html`<p class="notice" role="status" id="duel-stale">The settings changed since this run: press Run (or Shift+Enter) to sample them.</p>` : nothing}
      ${d
        ? html`<div class="sides">
              ${DUEL_MODELS.map((m) => {
                const st = d.steps[m][k - 1];
                const entry = d.result?.entries.find((e) => e.model === m);
                const p = this.models.manifest?.models[m]?.params;
                return html`<figure class="side" data-model=${m} style="margin: 0">
                  <h4>${LABEL[m]}<span class="sub">${m}${typeof p === 'number' ? `, ${formatCount(p)} parameters` : ''}</span></h4>
                  <pixel-view id="${m}-x0" .rgb=${st?.preview ?? null}
                    alt=${st ? `${LABEL[m]}: x̂₀ at step ${k} of ${d.of}, t = ${st.timestep}${done && entry ? `: the sample; the judge reads ${describeReading(entry.verdict.reading)}` : ''}` : `${LABEL[m]}: nothing yet`}></pixel-view>
                  <p class="caption">${st ? html`x̂<sub>0</sub> at step ${k} of ${d.of} (t = ${st.timestep}) · this step ${msText(st.ms)}` : 'waiting…'}</p>
                  ${entry ? this.verdictLine(d.settings.prompt, entry.verdict, `${m}-verdict`) : nothing}
                </figure>`;
              })}
            </div>
            ${this.renderLikeness()}
            <div class="strip">
              <step-strip .columns=${columns} .rows=${DUEL_MODELS.map((m) => LABEL[m])} .selected=${k}
                @step-select=${(e: CustomEvent<{ step: number }>) => !d.running && this.url.set({ step: e.detail.step })}></step-strip>
            </div>
            <labelled-slider id="scrub" label="Look at step" min="1" max=${Math.max(1, d.of)} .value=${k} ?disabled=${d.running}
              .format=${(v: number) => `step ${v} of ${d.of} · t = ${d.steps[DIT][v - 1]?.timestep ?? '…'}`}
              hint=${d.running ? 'The run is under way; scrub it when it ends.' : 'Arrow keys move a step; Home and End go to the first and the last.'}
              @value-input=${(e: CustomEvent<{ value: number }>) => this.url.set({ step: e.detail.value })}></labelled-slider>`
        : nothing}
      <cost-table .rows=${this.costRows()} caption="A step of each: parameters and FLOPs from its ONNX graph, the time measured here (median of this run’s steps)"></cost-table>
      ${this.renderCostReadout()}
    `;
  }

  /** How alike the two samples are, once both are made. */
  private renderLikeness() {
    const entries = this.duel?.result?.entries;
    if (!entries || entries.length !== 2) return nothing;
    const d = pictureDifference(entries[0].frames, entries[1].frames);
    return html`<p class="readout" id="duel-likeness" data-mean=${d.meanAbs}>
      The two samples differ by <strong>${fmt(d.meanAbs, 1)}</strong> levels of 255 on average; ${pct(d.farShare)} of their pixels differ by more
      than 32 levels in some colour.
    </p>`;
  }

  private renderCostReadout() {
    const rows = this.costRows();
    const [u, t] = rows;
    if (u.params === undefined || t.params === undefined || !u.flops || !t.flops) return nothing;
    const times = (a: number, b: number) => `${fmt(a / b, a / b >= 10 ? 0 : a / b >= 1 ? 1 : 2)} ×`;
    return html`<p class="readout" id="cost-readout">
      Against the U-Net, the DiT has ${times(t.params, u.params)} the parameters and ${times(t.flops, u.flops)} the FLOPs a step.
      ${u.ms !== undefined && t.ms !== undefined ? html`Here a DiT step took ${msText(t.ms)} and a U-Net step ${msText(u.ms)}.` : nothing}
    </p>`;
  }

  private renderRace() {
    const r = this.race;
    const s = this.url.state;
    const judgeable = parsePrompt(s.prompt).ok;
    const settings = duelSettings(s);
    const stale = r && !r.running && !sameDuel(r.settings, settings);
    return html`
      <div class="row">
        <button type="button" class="run" id="race-start" ?disabled=${!judgeable} @click=${() => void this.runRace()}>${r?.running ? 'Restart the race' : r ? 'Race again' : 'Start the race'}</button>
        <button type="button" id="race-stop" ?disabled=${!r?.running} @click=${() => this.stopRace()}>Stop</button>
        <p class="status" id="race-status" data-state=${r?.running ? 'running' : r ? (r.stopped ? 'stopped' : 'done') : 'idle'}>
          ${r
            ? html`“${r.settings.prompt}”, ${r.settings.sampler.toUpperCase()}, ${r.settings.steps} steps, guidance ${r.settings.guidance}, seeds ${r.seeds[0]}–${r.seeds[r.seeds.length - 1]}:
                ${r.running ? `${r.samples.length} of ${r.seeds.length * DUEL_MODELS.length} samples…` : r.stopped ? `stopped after ${r.samples.length} samples.` : 'done.'}`
            : html`The settings of the cell above, over seeds ${settings.seed}–${(settings.seed + RACE_LENGTH - 1) % 100_000}: ${RACE_LENGTH * DUEL_MODELS.length} samples.`}
        </p>
      </div>
      ${!judgeable ? html`<p class="notice" role="status" id="race-unjudged">The judge cannot read “${s.prompt}”, so a race would have no winner: pick a prompt in the world’s grammar above.</p>` : nothing}
      ${stale ? html`<p class="notice" role="status" id="race-stale">The settings above changed since this race: start it again to race them.</p>` : nothing}
      ${r ? html`<race-charts .models=${RACE_MODELS} .seeds=${r.seeds} .samples=${r.samples}></race-charts>` : nothing}
    `;
  }

  private renderAdaln() {
    const s = this.url.state;
    const table = this.adaln;
    const L = table?.layers ?? 6;
    const block = Math.min(L, s.block);
    let readout: TemplateResult | typeof nothing = nothing;
    if (table) {
      const i = nearestTimestep(table, s.t);
      const p = ADALN_PARTS.indexOf(s.part);
      const m = adalnMeanAbs(table);
      const ch = adalnChannels(table, block - 1, s.part).subarray(i * table.width, (i + 1) * table.width);
      let lo = Infinity, hi = -Infinity;
      for (const v of ch) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      const each = Array.from({ length: L }, (_, l) => m[(i * L + l) * ADALN_PARTS.length + p]);
      const widest = each.indexOf(Math.max(...each));
      readout = html`<p class="readout" id="adaln-readout" data-t=${table.timesteps[i]}>
        At <span class="math">t</span> = ${table.timesteps[i]}: block ${block}’s ${ADALN_LABELS[s.part]} has a mean |value| of
        <strong>${fmt(each[block - 1])}</strong>, its ${table.width} channels from ${fmt(lo)} to ${fmt(hi)}. Of the ${L} blocks, block ${widest + 1}’s is the largest
        (${fmt(each[widest])}).
      </p>`;
    }
    return html`
      <div class="controls">
        <choice-picker
          label="Modulation"
          .options=${ADALN_PARTS.map((p) => ({ value: p, label: ADALN_LABELS[p] }))}
          .value=${s.part}
          @choice-change=${(e: CustomEvent<{ value: string }>) => this.url.set({ part: e.detail.value as AdalnPart })}
        ></choice-picker>
        <labelled-slider label="Block" min="1" max=${L} .value=${block} .format=${(v: number) => `block ${v} of ${L}`}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.url.set({ block: e.detail.value })}></labelled-slider>
        <labelled-slider label="Read at t" min="0" max="999" number-box .value=${s.t} .format=${(v: number) => `t = ${v}`}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.url.set({ t: e.detail.value })}></labelled-slider>
      </div>
      ${table
        ? html`<adaln-charts .table=${table} block=${block - 1} quantity=${s.part} t=${s.t}></adaln-charts>`
        : html`<p class="muted">The modulation of every block appears here when this cell comes into view (one call of the DiT with ${ADALN_POINTS} timesteps).</p>`}
      ${readout}
    `;
  }

  private renderAttention() {
    const s = this.url.state;
    const a = this.attn;
    const ins = this.inspected && this.inspected.key === this.inspectKey() ? this.inspected : null;
    const row = this.attentionRow();
    const q = this.query();
    const stale = a && !a.running && (a.prompt !== s.clip || a.seed !== s.cseed);
    const layers = ins?.attention.layers ?? 6, heads = ins?.attention.heads ?? 4;
    const step = a ? Math.min(s.astep, Math.max(1, a.inputs.length)) : s.astep;
    return html`
      <div class="controls">
        ${this.promptField('clip-prompt', 'Prompt (a clip of 8 frames)', s.clip, EXAMPLE_CLIPS, (v) => this.url.set({ clip: v }), 'Enter makes the clip; the other controls read the run that made it.')}
        <div class="row">
          <labelled-slider label="Seed" min="0" max="99999" number-box .value=${s.cseed} .format=${(v: number) => `#${v}`} style="flex: 1 1 11rem"
            @value-input=${(e: CustomEvent<{ value: number }>) => this.url.set({ cseed: e.detail.value })}></labelled-slider>
          <button type="button" class="run" id="make-clip" @click=${() => void this.makeClip()}>Make the clip</button>
        </div>
        <labelled-slider label="At step" min="1" max=${ATTN_STEPS} .value=${step}
          .format=${(v: number) => `step ${v} of ${ATTN_STEPS}${a?.timesteps[v - 1] !== undefined ? ` · t = ${a.timesteps[v - 1]}` : ''}`}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.url.set({ astep: e.detail.value })}></labelled-slider>
        <labelled-slider label="Layer" min="1" max=${layers} .value=${Math.min(layers, s.layer)} .format=${(v: number) => `layer ${v} of ${layers}`}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.url.set({ layer: e.detail.value })}></labelled-slider>
        <choice-picker
          label="Head"
          .options=${[{ value: 'mean', label: 'Mean', description: 'the mean of the heads' }, ...Array.from({ length: heads }, (_, h) => ({ value: String(h + 1), label: String(h + 1) }))]}
          .value=${s.head === 'mean' || Number(s.head) <= heads ? s.head : String(heads)}
          @choice-change=${(e: CustomEvent<{ value: string }>) => this.url.set({ head: e.detail.value as Chapter5State['head'] })}
        ></choice-picker>
        <labelled-slider label="Query frame" min="1" max=${ATTN_FRAMES} .value=${s.qf} .format=${(v: number) => `frame ${v}`}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.url.set({ qf: e.detail.value })}></labelled-slider>
        <labelled-slider label="Query row" min="1" max=${ATTN_GRID.rows} .value=${s.qr} .format=${(v: number) => `row ${v}`}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.url.set({ qr: e.detail.value })}></labelled-slider>
        <labelled-slider label="Query column" min="1" max=${ATTN_GRID.cols} .value=${s.qc} .format=${(v: number) => `column ${v}`}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.url.set({ qc: e.detail.value })}></labelled-slider>
        <div class="row">
          <button type="button" id="snap" ?disabled=${!a?.clip} @click=${() => this.snapQuery()}>Put the query on the object</button>
        </div>
      </div>
      ${stale ? html`<p class="notice" role="status" id="attn-stale">The prompt or seed changed: press Make the clip (or Enter) to read a new run.</p>` : nothing}
      ${a
        ? html`<div class="attn">
            ${row && ins && a.clip
              ? html`<self-attention-view .frames=${a.clip.frames} .grid=${ATTN_GRID} .row=${row} .query=${q}
                  @query-select=${(e: CustomEvent<{ frame: number; row: number; col: number }>) => this.url.set({ qf: e.detail.frame + 1, qr: e.detail.row + 1, qc: e.detail.col + 1 })}>
                  <clip-card slot="aside" heading="The DiT’s clip" subheading=${`“${a.prompt}”, seed ${a.seed}`} .clip=${a.clip} .verdict=${a.clip.verdict ?? null}></clip-card>
                  <div slot="after">${this.attentionReadout(row, ins, a.clip)}</div>
                </self-attention-view>`
              : html`<clip-card heading="The DiT’s clip" subheading=${`“${a.prompt}”, seed ${a.seed}`} .clip=${a.clip} .verdict=${a.clip?.verdict ?? null}
                    placeholder=${a.running ? `Denoising: step ${a.inputs.length} of ${ATTN_STEPS}…` : 'This run did not finish.'}></clip-card>
                  <p class="muted">${a.running ? 'The attention is read once the clip is made.' : 'Reading the attention…'}</p>`}
          </div>`
        : html`<p class="muted">A clip and its attention appear here when this cell comes into view.</p>`}
    `;
  }

  private attentionReadout(row: Float32Array, ins: Inspected, clip: GeneratedClip) {
    const s = this.url.state;
    const q = this.query();
    const n = tokenIndex(ATTN_GRID, q);
    const shares = frameShares(row, ATTN_GRID);
    const peak = tokenPlace(ATTN_GRID, rowPeak(row).token);
    const reading = clip.verdict?.reading;
    const argmax = frameArgmax(row, ATTN_GRID);
    const on = reading ? argmax.map((p) => patchOnObject(reading, p, ATTN_GRID)) : [];
    const judged = on.filter((v) => v !== null).length;
    const hits = on.filter((v) => v === true).length;
    const queryOn = reading ? patchOnObject(reading, q, ATTN_GRID) : null;
    const { layer, head } = this.layerHead(ins.attention);
    const own = Array.from({ length: ins.attention.layers }, (_, l) => frameShares(attentionRow(ins.attention, l, head, n), ATTN_GRID)[q.frame]);
    return html`<p class="readout" id="attn-readout" data-hits=${hits} data-judged=${judged}>
      The query is token ${n} of ${ATTN_GRID.frames * ATTN_GRID.rows * ATTN_GRID.cols} (frame ${q.frame + 1}, row ${q.row + 1}, column ${q.col + 1})${queryOn === true ? ', on the object' : queryOn === false ? ', on the background' : ''};
      layer ${layer + 1}, ${head === 'mean' ? 'the mean of the heads' : `head ${head + 1}`}, at step ${ins.step} (t = ${ins.timestep}).
      It gives <strong>${pct(shares[q.frame])}</strong> of its attention to its own frame and ${pct(1 - shares[q.frame])} to the other ${ATTN_FRAMES - 1};
      its most attended patch is frame ${peak.frame + 1}, row ${peak.row + 1}, column ${peak.col + 1} (${fmt(rowPeak(row).value * 100, 1)} %).
      ${judged ? html`In <strong>${hits} of ${judged}</strong> frames where the judge finds an object, the patch it attends to most in that frame lies on it.` : nothing}
      Its own frame’s share, layer by layer: <span id="own-shares">${own.map((v, l) => html`${l ? ', ' : ''}${l === layer ? html`<strong>${l + 1}: ${pct(v)}</strong>` : `${l + 1}: ${pct(v)}`}`)}</span>.
      ${s.head !== 'mean' && Number(s.head) > ins.attention.heads ? html` (This DiT has ${ins.attention.heads} heads.)` : nothing}
    </p>`;
  }

  render() {
    const manifest = this.models.manifest;
    const unet = manifest?.models[UNET], dit = manifest?.models[DIT];
    const size = (e: typeof dit) => (typeof e?.params === 'number' ? `${(e.params / 1e6).toFixed(2)} M parameters` : '');
    return html`
      <chapter-section .tryThis=${TRY_THIS} .references=${REFERENCES} @try-this=${this.onTryThis}>
        <state-notice .messages=${this.url.messages()}></state-notice>
        <p>
          Chapter 2 treated the denoiser as a box: ${term('xt')}, ${term('t')} and the prompt go in, a prediction comes out. Two designs
          fill that box. The <strong>U-Net</strong>, the denoiser of DDPM and of Stable Diffusion, is a stack of convolutions that
          halves the picture’s resolution on the way down and doubles it on the way up, with skip connections across; the timestep is
          added inside every residual block, and the text enters through cross-attention at each resolution. The
          <strong>Diffusion Transformer</strong> (DiT) cuts the latent into patches, as chapter 4 did, and runs a plain transformer
          over them: every token attends to every other token, and the timestep steers each block through adaptive layer norm. Sora
          is a DiT over spacetime patches.
        </p>
        <p>
          This page has one of each, trained on the same Shapes World latents with the same recipe (v-prediction, the cosine schedule,
          the same text encoder, the prompt dropped a tenth of the time; the DiT saw clips as well as images, the U-Net only images),
          and with the same inputs and outputs: a latent
          (N, F, 4, H, W), a timestep and the prompt’s 24 × 128 states in, v̂ out. So the page can swap one for the other. One
          difference matters: the U-Net is an <em>image</em> model. Its convolutions see one frame, and given a clip it denoises each
          frame on its own, so it cannot make motion. The comparison is on images, one frame each, where both are at home.
        </p>
        ${this.models.renderWeights()}
        <live-cell id="duel" label="One prompt, one seed, two denoisers, stepping together" streaming .params=${DUEL_PARAMS} @cell-retry=${() => this.retry(() => this.runDuel({ keepStep: true }))}>
          <div @keydown=${(e: KeyboardEvent) => this.onKey(e, () => void this.runDuel())}>
            ${this.missingNotice(DUEL_NEEDS, 'The side by side')}
            ${this.renderDuelControls()}
            ${this.missing(DUEL_NEEDS).length ? html`<cost-table .rows=${this.costRows()} caption="A step of each: parameters and FLOPs from its ONNX graph"></cost-table>` : this.renderDuel()}
          </div>
        </live-cell>
        <p>
          Both start from the same noise (the seed fixes it) and take the same sampler steps; only the network that predicts v̂ differs.
          Early on, each x̂<sub>0</sub> is that network’s guess of the average picture the prompt allows. Often the two end close
          together, the same object in the same place. Networks that learn the same data well can learn nearly the same map from
          noise to picture: Kadkhodaie et al. trained two on halves of a data set with no image in common, and from the same noise they
          made nearly the same image. Here the designs differ as well. The line under the pictures measures how close they came;
          another seed or prompt may part them. Parameters and FLOPs are counted from each ONNX graph
          (FLOPs as 2 × every multiply-add of its matrix products and convolutions), for one guided step: the network runs on a
          batch of two, the prompt and the empty prompt. FLOPs are not time: how long a step takes also depends on how well this
          device runs each kind of operation, so the table gives both.
          ${dit ? html`The DiT here has ${size(dit)}${unet ? html`, the U-Net ${size(unet)}` : nothing}.` : nothing}
        </p>
        <h3>A race over 16 seeds</h3>
        <p>
          One seed proves little. The race takes the settings above through both denoisers for 16 seeds in turn, judges every sample
          and keeps score: the pass rate so far with its 95 % interval, and the seconds each spent denoising. With 16 samples the
          interval is wide; a difference of a sample or two is noise.
        </p>
        <live-cell id="race" label="The race: 16 seeds, both denoisers, every sample judged" streaming .params=${RACE_PARAMS} @cell-retry=${() => this.retry(() => this.runRace())}>
          ${this.missingNotice(DUEL_NEEDS, 'The race')} ${this.missing(DUEL_NEEDS).length ? nothing : this.renderRace()}
        </live-cell>
        <h3>Inside the DiT: adaLN-Zero</h3>
        <p>
          How does one network denoise both a picture that is nearly all noise and one that is nearly clean? It is told
          ${term('t')}, and in a DiT the timestep steers every block. From the timestep’s embedding <em>c</em>, each block computes six
          vectors as wide as a token, and uses them around its two branches (LN is layer norm without its own scale and shift):
        </p>
        <p class="eq">
          <span>(shift₁, scale₁, gate₁, shift₂, scale₂, gate₂) = Linear(SiLU(<em>c</em>))</span>
          <span>x ← x + gate₁ · Attention(LN(x) · (1 + scale₁) + shift₁)</span>
          <span>x ← x + gate₂ · MLP(LN(x) · (1 + scale₂) + shift₂)</span>
        </p>
        <p>
          “Zero” is how it starts: that Linear layer begins at zero, so every gate is 0 and every block passes x through unchanged,
          and training opens the gates it needs. In this DiT the prompt enters through cross-attention, so <em>c</em> depends on
          ${term('t')} alone, and so do the six vectors: one call of the network with a batch of ${ADALN_POINTS} timesteps gives every
          curve below. Left to right is the order in which sampling meets them.
        </p>
        <live-cell id="adaln" label="The modulation of each block, from t = 999 down to 0" .params=${ADALN_PARAMS} @cell-retry=${() => this.retry(() => this.readAdaln())}>
          ${this.missingNotice(ADALN_NEEDS, 'This cell')} ${this.renderAdaln()}
        </live-cell>
        <p>
          Read the curves from left to right, as sampling does: the weights are the same at every ${term('t')}, and the modulation
          is what adapts them from one noise level to the next. A gate near 0 means the block’s branch barely adds to x at that
          ${term('t')}; a large scale sharpens or flattens the normalised features before the branch reads them.
        </p>
        <h3>Inside the DiT: attention over space and time</h3>
        <p>
          A clip of 8 frames is 8 × 4 × 4 = 128 tokens, and in every layer each token attends to all 128: to the other patches of its
          own frame and to every patch of the other frames. That is how the DiT keeps a moving object the same object from frame to
          frame, where the U-Net, seeing one frame, cannot. Below is one clip the DiT made, and for one query patch the softmax row
          of its self-attention (which of the 128 tokens it reads, and how much), from the very run that made the clip: the network
          is called again on that step’s ${term('xt')}, with the prompt, and asked for its attention.
        </p>
        <live-cell id="attn" label="Where one patch looks: self-attention over the clip’s 128 tokens" .params=${ATTN_PARAMS} @cell-retry=${() => this.retry(() => this.makeClip())}>
          <div @keydown=${(e: KeyboardEvent) => this.onKey(e, () => void this.makeClip())}>
            ${this.missingNotice(ATTN_NEEDS, 'This cell')} ${this.renderAttention()}
          </div>
        </live-cell>
        <p>
          Click a patch in any frame to make it the query, and step through the layers: the readout gives, layer by layer, how much
          of the query’s attention stays in its own frame. Layers that keep to their frame work on the picture; layers that spread
          over the clip are where one frame can learn from the others, and where the patch a query attends to most in each frame
          can follow an object as it moves. Whatever division of labour you find was learned, not built in: nothing in the DiT says
          which tokens are neighbours, in space or in time, except their sin-cos position features.
        </p>
        ${this.models.renderBackend()}
      </chapter-section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chapter-5': Chapter5;
  }
}
