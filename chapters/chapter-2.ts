// Chapter 2: Denoising, step by step. The reverse process with the page's real
// DiT: a prompt, a seed, DDPM or DDIM (with η), 1 to 100 steps and a guidance
// scale; run (Shift+Enter) and watch x_t become a picture; scrub the run to see
// x_t, ε̂ and x̂₀ at every step and where the step sits on the schedule; the
// denoiser's error against t measured on world images; four seeds side by side.
// Prose and wiring only: the math is in pipeline/, the pieces in components/.
import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement } from 'lit/decorators.js';
import '../components/chapter-section';
import '../components/choice-picker';
import '../components/clip-player';
import '../components/labelled-slider';
import '../components/latent-grid';
import '../components/live-cell';
import '../components/pixel-view';
import '../components/plot-chart';
import '../components/state-notice';
import '../components/step-strip';
import type { Reference, TryThis, TryThisDetail } from '../components/chapter-section';
import { ERROR_KEYS, errorSpec, scheduleSpec } from '../components/denoise-charts';
import type { LiveCell } from '../components/live-cell';
import { ModelController } from '../components/model-controller';
import { term } from '../components/notation';
import { CHART_COLOURS, type ChartOverlay, type ChartSpec } from '../components/plot-chart';
import type { StripColumn } from '../components/step-strip';
import { controls, fields, layout, prose, verdicts } from '../components/styles';
import { UrlStateController } from '../components/url-state-controller';
import { VisibleCellsController } from '../components/visible-cells-controller';
import { ERROR_TIMESTEPS, measureDenoiserError, type DenoiserError, type ErrorRow } from '../pipeline/lessons/denoiser-error';
import { setTimesteps } from '../pipeline/diffusion';
import { denoiserSettings, scheduleOf, type DenoiserSettings } from '../pipeline/runtime/manifest';
import type { GeneratedClip } from '../pipeline/text-to-video/clip';
import { shownStep, stats, stripSteps, trajectoryStep, type TrajectoryStep } from '../pipeline/lessons/trajectory';
import { defineSchema, integer, number, oneOf, text, type StateOf } from '../pipeline/url-state';
import { parsePrompt } from '../pipeline/world/caption';
import { describeReading } from '../pipeline/world/read-frames';

const MODEL = 'dit';
const SAMPLE_MODELS = ['text_encoder', MODEL, 'vae_decoder'];
const ERROR_MODELS = ['vae_encoder', 'text_encoder', MODEL];
const SEEDS = 4;
/** A prompt that leaves most of the picture open, for the seeds cell. */
const OPEN_PROMPT = 'a yellow triangle';
const LATENT = { channels: 4, height: 8, width: 8 };

export const chapter2Schema = defineSchema({
  prompt: text(160, 'a big red circle in the top left'),
  seed: integer(0, 99_999, 0),
  sampler: oneOf(['ddim', 'ddpm'], 'ddim'),
  /** DDIM's η; DDPM ignores it. */
  eta: number(0, 1, 0),
  steps: integer(1, 100, 30),
  guidance: number(0, 15, 4),
  frames: oneOf(['1', '8'], '1'),
  /** The step looked at; past the run's last step it shows the last. */
  step: integer(1, 100, 100),
  /** The error cell: how many world images, and the first world seed (the noise's seed too). */
  images: oneOf(['4', '8', '16'], '8'),
  world: integer(0, 99_999, 0),
});
export type Chapter2State = StateOf<typeof chapter2Schema>;

/** What a sampling run depends on (the scrubbed step and the error cell's settings do not count). */
interface RunSettings {
  prompt: string;
  seed: number;
  sampler: 'ddim' | 'ddpm';
  eta: number;
  steps: number;
  guidance: number;
  frames: number;
}

const runSettings = (s: Chapter2State): RunSettings => ({
  prompt: s.prompt,
  seed: s.seed,
  sampler: s.sampler,
  eta: s.sampler === 'ddim' ? s.eta : 0,
  steps: s.steps,
  guidance: s.guidance,
  frames: Number(s.frames),
});
const sameRun = (a: RunSettings | null, b: RunSettings) => !!a && (Object.keys(b) as (keyof RunSettings)[]).every((k) => a[k] === b[k]);

/** `npm run generate` with the same settings: the page's final frames are that command's. */
export function generateCommand(r: RunSettings): string {
  const q = (s: string) => `"${s.replace(/(["\\$`])/g, '\\$1')}"`;
  const eta = r.sampler === 'ddim' && r.eta > 0 ? ` --eta ${r.eta}` : '';
  return `npm run generate -- --prompt ${q(r.prompt)} --seed ${r.seed} --sampler ${r.sampler}${eta} --steps ${r.steps} --guidance ${r.guidance} --frames ${r.frames} --out x.png`;
}

const EXAMPLE_PROMPTS = [
  'a big red circle in the top left',
  'a small green circle in the bottom right',
  'a big blue square in the center',
  'a yellow triangle',
  'a red circle moving right',
  'a big cyan square moving up',
];

const fmt = (v: number, digits = 3) =>
  (Number.isFinite(v) ? (Math.abs(v) >= 1000 || (Math.abs(v) < 0.001 && v !== 0) ? v.toExponential(2) : v.toFixed(digits)) : '∞').replace('-', '−');
const seconds = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};

const TRY_THIS: TryThis<Partial<Chapter2State>>[] = [
  {
    question: 'What does a single step make? Why is it a blur, and why is it exactly x̂₀ at the first step of a 30-step run with the same seed?',
    state: { steps: 1, sampler: 'ddim', eta: 0, step: 1, frames: '1' },
  },
  {
    question: 'What does guidance 0 do? Which prompt is the model following then — and what changes at 1, and at 10?',
    state: { guidance: 0, step: 100 },
  },
  {
    question: 'For “a yellow triangle”, DDIM makes nearly the same picture in 20 steps as in 50. Does DDPM? Try 20, then 50: why not?',
    state: { prompt: 'a yellow triangle', frames: '1', sampler: 'ddpm', steps: 20, eta: 0, step: 100 },
  },
];

const REFERENCES: Reference[] = [
  { title: 'Ho, Jain & Abbeel 2020, Denoising Diffusion Probabilistic Models', href: 'https://arxiv.org/abs/2006.11239', note: 'the DDPM sampler, and predicting ε' },
  { title: 'Song, Meng & Ermon 2021, Denoising Diffusion Implicit Models', href: 'https://arxiv.org/abs/2010.02502', note: 'DDIM: fewer, deterministic steps, and η' },
  { title: 'Salimans & Ho 2022, Progressive Distillation for Fast Sampling of Diffusion Models', href: 'https://arxiv.org/abs/2202.00512', note: 'v-prediction, what this page’s DiT predicts' },
  { title: 'Ho & Salimans 2022, Classifier-Free Diffusion Guidance', href: 'https://arxiv.org/abs/2207.12598', note: 'the guidance scale' },
  { title: 'Hugging Face diffusers: DDPMScheduler and DDIMScheduler', href: 'https://huggingface.co/docs/diffusers/api/schedulers/ddim', note: 'the same steps, in the library most code uses' },
];

interface SampleRun {
  /** Counts runs, for whoever waits for the next one. */
  serial: number;
  settings: RunSettings;
  steps: TrajectoryStep[];
  of: number;
  result: GeneratedClip | null;
  running: boolean;
}

interface SeedsRun {
  settings: RunSettings;
  clips: (GeneratedClip | null)[];
  running: boolean;
}

interface ErrorRun {
  images: number;
  world: number;
  rows: ErrorRow[];
  result: DenoiserError | null;
  running: boolean;
  ms: number;
}

type CellId = 'sampler' | 'error' | 'seeds';

@customElement('chapter-2')
export class Chapter2 extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    fields,
    verdicts,
    css`
      .controls {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr));
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
      .eq {
        display: flex;
        flex-wrap: wrap;
        gap: 0.3rem 2.5rem;
        font-size: 1.08rem;
        margin: 0 0 1em 1.5rem;
        font-variant-numeric: tabular-nums;
      }
      .eq span {
        white-space: nowrap;
      }
      @media (max-width: 30rem) {
        .eq {
          margin-left: 0.5rem;
          font-size: 1rem;
        }
      }
      .sr {
        position: absolute;
        width: 1px;
        height: 1px;
        overflow: hidden;
        clip-path: inset(50%);
        white-space: nowrap;
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
      .trajectory {
        margin-top: 1rem;
        padding-top: 0.75rem;
        border-top: 1px solid var(--rule);
      }
      .trajectory h4,
      .result h4,
      .chart h4 {
        margin: 0 0 0.4rem;
        font-size: 0.95rem;
      }
      .detail {
        display: grid;
        grid-template-columns: minmax(0, 0.9fr) minmax(0, 1.35fr) minmax(0, 1.2fr);
        gap: 1rem 1.25rem;
        align-items: start;
        margin: 0.75rem 0;
      }
      @media (max-width: 58rem) {
        .detail {
          grid-template-columns: minmax(0, 1fr) minmax(0, 1.3fr);
        }
        .detail .schedule {
          grid-column: 1 / -1;
        }
      }
      @media (max-width: 36rem) {
        .detail {
          grid-template-columns: minmax(0, 1fr);
        }
      }
      .pictures {
        display: grid;
        grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
        gap: 0.5rem;
      }
      .pictures pixel-view {
        --pixel-view-size: 100%;
      }
      .result pixel-view,
      .result clip-player {
        --pixel-view-size: 100%;
        display: block;
        max-width: 14rem;
      }
      .readout {
        font-variant-numeric: tabular-nums;
        font-size: 0.9rem;
        margin: 0.4rem 0 0;
        max-width: none;
      }
      .math {
        font-style: italic;
      }
      .result {
        display: grid;
        grid-template-columns: minmax(8rem, 12rem) minmax(0, 1fr);
        gap: 1rem 1.5rem;
        align-items: start;
        margin-top: 1rem;
        padding-top: 0.75rem;
        border-top: 1px solid var(--rule);
      }
      @media (max-width: 30rem) {
        .result {
          grid-template-columns: minmax(0, 1fr);
        }
      }
      .verdict {
        margin: 0.5rem 0 0;
        padding: 0.5rem 0.75rem;
        border-radius: 0.3rem;
        font-size: 0.95rem;
        max-width: none;
      }
      .verdict.none {
        background: #f3f3f0;
        border-left: 4px solid var(--muted);
      }
      code.cmd {
        display: block;
        margin-top: 0.4rem;
        padding: 0.4rem 0.6rem;
        background: #f3f2ec;
        border-radius: 0.3rem;
        font-size: 0.8rem;
        overflow-wrap: anywhere;
      }
      .keys {
        display: flex;
        flex-wrap: wrap;
        gap: 0.1rem 0.9rem;
        margin: 0 0 0.2rem;
        padding: 0;
        list-style: none;
        font-size: 0.85rem;
      }
      .keys li::before {
        content: '';
        display: inline-block;
        width: 1.1rem;
        height: 0;
        margin-right: 0.35rem;
        vertical-align: middle;
        border-top: 2.5px var(--dash, solid) var(--key);
      }
      .seeds {
        display: grid;
        max-width: 44rem;
        grid-template-columns: repeat(4, minmax(0, 1fr));
        gap: 0.75rem 1rem;
        align-items: start;
      }
      @media (max-width: 36rem) {
        .seeds {
          grid-template-columns: repeat(2, minmax(0, 1fr));
        }
      }
      .seeds figure {
        margin: 0;
      }
      .seeds pixel-view,
      .seeds clip-player {
        --pixel-view-size: 100%;
      }
      .seeds figcaption {
        font-size: 0.85rem;
        margin-top: 0.3rem;
        overflow-wrap: anywhere;
      }
      .seeds .pass-mark {
        font-weight: 600;
        color: var(--accent-ink);
      }
      .seeds .fail-mark {
        font-weight: 600;
        color: var(--error);
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
      .images {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem;
        margin: 0.5rem 0 0;
      }
      .images pixel-view {
        --pixel-view-size: 2.5rem;
      }
    `,
  ];

  private url = new UrlStateController(this, chapter2Schema, 'c2');
  private models = new ModelController(this, { models: ['text_encoder', MODEL, 'vae_decoder', 'vae_encoder'] });

  private run: SampleRun | null = null;
  private seeds: SeedsRun | null = null;
  private errors: ErrorRun | null = null;
  /** The frame of a clip the trajectory shows. */
  private viewFrame = 0;
  /** The cells seen so far (each runs the first time it comes into view). */
  private visible = new VisibleCellsController<CellId>(this, {
    cells: () => (['sampler', 'error', 'seeds'] as CellId[]).map((id) => this.cell(id)),
    rootMargin: '200px 0px',
    leaving: 'stay',
    onChange: () => this.autoStart(),
  });
  private started = new Set<CellId>();
  private abarCache: { key: string; abar: Float64Array } | null = null;
  private scheduleCache: { key: string; spec: ChartSpec } | null = null;
  private errorSpecCache: { rows: ErrorRow[] | null; length: number; spec: ChartSpec } | null = null;

  // ---------------------------------------------------------------- for tests

  /** The chapter's state (as in the URL). */
  get state(): Chapter2State {
    return this.url.state;
  }

  /** Applies a state as a "try this" button does (values repaired, the URL follows); `run` samples it too. */
  setState(partial: Partial<Chapter2State>, run = false) {
    this.url.set(partial);
    if (run) void this.sample();
  }

  /** What the figures show now, for tests. */
  get figure() {
    const r = this.run;
    const k = r ? this.shown() : 0;
    const st = r && k ? r.steps[k - 1] : undefined;
    return {
      run: r ? { serial: r.serial, settings: r.settings, running: r.running, stepsDone: r.steps.filter(Boolean).length, of: r.of, shown: k, timestep: st?.timestep ?? null, stale: !sameRun(r.settings, runSettings(this.url.state)) } : null,
      final: r?.result ? { frames: r.result.frames, numFrames: r.result.numFrames, verdict: r.result.verdict, timesteps: r.result.sample.timesteps } : null,
      step: st ? { xt: st.xt, epsHat: st.epsHat, x0Hat: st.x0Hat, xtFrames: st.xtFrames, x0Frames: st.x0Frames, alphaBar: st.alphaBar } : null,
      errors: this.errors ? { images: this.errors.images, world: this.errors.world, rows: this.errors.rows, running: this.errors.running, captions: this.errors.result?.captions ?? [] } : null,
      seeds: this.seeds ? { settings: this.seeds.settings, running: this.seeds.running, clips: this.seeds.clips.map((c) => (c ? { frames: c.frames, verdict: c.verdict } : null)) } : null,
    };
  }

  // ---------------------------------------------------------------- lifecycle

  protected firstUpdated() {
    this.dataset.ready = 'true';
  }

  protected updated(_changed: PropertyValues<this>) {
    this.autoStart();
  }

  private cell(id: CellId): LiveCell | null {
    return this.renderRoot.querySelector<LiveCell>(`live-cell#${id}`);
  }

  /** Models a cell needs that the manifest does not list (empty until the manifest is read). */
  private missing(names: readonly string[]): string[] {
    const m = this.models.manifest;
    return m ? names.filter((n) => !m.models[n]) : [];
  }

  /** The first time a cell comes into view, it runs with the URL's state: a link gives its figure. */
  private autoStart() {
    if (!this.models.manifest) return;
    const go = (id: CellId, names: string[], start: () => void) => {
      if (!this.visible.has(id) || this.started.has(id) || this.missing(names).length) return;
      this.started.add(id);
      start();
    };
    go('sampler', SAMPLE_MODELS, () => void this.sample({ keepStep: true }));
    // one at a time, the figure the reader sees first first: the others wait while a run goes
    if (this.run?.running || this.errors?.running || this.seeds?.running) return;
    go('error', ERROR_MODELS, () => void this.measure());
    if (this.errors?.running) return;
    go('seeds', SAMPLE_MODELS, () => void this.makeSeeds());
  }

  // ---------------------------------------------------------------- runs

  private settings(): DenoiserSettings | null {
    try {
      return this.models.manifest ? denoiserSettings(this.models.manifest, MODEL) : null;
    } catch {
      return null;
    }
  }

  /** ᾱ of the denoiser's schedule (from its manifest entry). */
  private alphas(): Float64Array | null {
    const d = this.settings();
    if (!d) return null;
    const key = `${d.betaSchedule}|${d.numTrainTimesteps}`;
    if (this.abarCache?.key !== key) this.abarCache = { key, abar: scheduleOf(this.models.manifest!, MODEL).alphasCumprod };
    return this.abarCache.abar;
  }

  /** Samples with the current settings: the x_t and x̂₀ of every step are decoded as the run goes. */
  async sample(options: { keepStep?: boolean } = {}): Promise<void> {
    const cell = this.cell('sampler');
    const abar = this.alphas();
    if (!cell || !abar || this.missing(SAMPLE_MODELS).length) return;
    this.started.add('sampler');
    if (!options.keepStep) this.url.set({ step: 100 });
    const settings = runSettings(this.url.state);
    const run: SampleRun = { serial: (this.run?.serial ?? 0) + 1, settings, steps: [], of: settings.steps, result: null, running: true };
    this.run = run;
    this.viewFrame = Math.min(this.viewFrame, settings.frames - 1);
    this.requestUpdate();
    const result = await this.models.run(
      cell,
      {
        kind: 'generate',
        options: { ...settings, model: MODEL, capture: { predEpsilon: true, input: true } },
        preview: { every: 1, input: true },
      },
      {
        onProgress: (p) => {
          if (p.kind !== 'step' || this.run !== run) return;
          const st = trajectoryStep(p, abar[p.timestep]);
          if (st) run.steps[st.step - 1] = st;
          run.of = p.of;
          this.requestUpdate();
        },
      },
    );
    if (this.run !== run) return; // a newer run owns the figure
    run.running = false;
    run.result = result ?? null;
    this.requestUpdate();
  }

  /** The error cell: world images noised to each t, the denoiser's ε̂ and x̂₀ against the truth. */
  async measure(): Promise<void> {
    const cell = this.cell('error');
    if (!cell || this.missing(ERROR_MODELS).length) return;
    this.started.add('error');
    const s = this.url.state;
    const run: ErrorRun = { images: Number(s.images), world: s.world, rows: [], result: null, running: true, ms: 0 };
    this.errors = run;
    this.requestUpdate();
    const t0 = performance.now();
    const result = await this.models.runTask(cell, ({ runner, signal }) =>
      measureDenoiserError(runner, { model: MODEL, images: run.images, worldSeed: run.world }, {
        signal,
        onRow: (row) => {
          if (this.errors !== run) return;
          run.rows = [...run.rows, row];
          this.requestUpdate();
        },
      }),
    );
    if (this.errors !== run) return;
    run.running = false;
    run.result = result ?? null;
    run.ms = performance.now() - t0;
    this.requestUpdate();
  }

  /** Four seeds of the current settings, one after another. */
  async makeSeeds(): Promise<void> {
    const cell = this.cell('seeds');
    if (!cell || this.missing(SAMPLE_MODELS).length) return;
    this.started.add('seeds');
    const settings = runSettings(this.url.state);
    const run: SeedsRun = { settings, clips: Array(SEEDS).fill(null), running: true };
    this.seeds = run;
    this.requestUpdate();
    await this.models.runTask(cell, async ({ request }) => {
      for (let i = 0; i < SEEDS; i++) {
        const clip = await request({ kind: 'generate', options: { ...settings, seed: (settings.seed + i) % 100_000, model: MODEL } });
        if (this.seeds !== run) return;
        run.clips = run.clips.map((c, j) => (j === i ? clip : c));
        this.requestUpdate();
      }
    });
    if (this.seeds !== run) return;
    run.running = false;
    this.requestUpdate();
  }

  // ---------------------------------------------------------------- events

  private onTryThis(e: CustomEvent<TryThisDetail>) {
    this.url.clearProblems();
    const state = e.detail.state as Partial<Chapter2State>;
    this.url.set(state);
    void this.sample({ keepStep: state.step !== undefined && state.step !== 100 });
    this.url.flush();
  }

  /** Enter in the prompt box, or Shift+Enter anywhere in the cell, runs it (as in a notebook). */
  private onKey(e: KeyboardEvent) {
    if (e.key !== 'Enter' || e.isComposing) return;
    const inPrompt = (e.composedPath()[0] as HTMLElement | undefined)?.id === 'prompt';
    if (!e.shiftKey && !inPrompt) return;
    e.preventDefault();
    void this.sample();
  }

  /**
   * Retry in a cell: the cell reruns its last job by itself, but that job's answer would reach no figure,
   * so the chapter starts the figure's run again right after (which replaces the cell's rerun).
   */
  private retry(again: () => Promise<void>) {
    queueMicrotask(() => void again());
  }

  /** The DiT's size from its manifest entry (a retrained DiT may differ). */
  private paramsText(): string {
    const p = this.models.manifest?.models[MODEL]?.params;
    return typeof p === 'number' ? `${(p / 1e6).toFixed(2)} M parameters` : 'a few million parameters';
  }

  private setStep(step: number) {
    this.url.set({ step });
  }

  // ---------------------------------------------------------------- rendering helpers

  /** The step shown: the newest while a run goes, else the URL's (clamped to the run). */
  private shown(): number {
    const r = this.run;
    if (!r) return 0;
    const done = r.steps.length;
    if (r.running) return done;
    return shownStep(this.url.state.step, done);
  }

  /** The schedule chart for the timesteps a run visits (rebuilt only when they change). */
  private scheduleChart(visited: readonly number[]): ChartSpec | null {
    const abar = this.alphas();
    if (!abar) return null;
    const key = `${this.abarCache!.key}|${visited.join(',')}`;
    if (this.scheduleCache?.key !== key) this.scheduleCache = { key, spec: scheduleSpec(abar, visited) };
    return this.scheduleCache.spec;
  }

  private missingNotice(names: string[]): TemplateResult | typeof nothing {
    const missing = this.missing(names);
    if (!missing.length) return nothing;
    return html`<p class="notice" role="status" data-missing=${missing.join(' ')}>
      This cell needs ${missing.join(', ')}, which ${missing.length > 1 ? 'are' : 'is'} not trained yet (weights/manifest.json does not list ${missing.length > 1 ? 'them' : 'it'}).
      The rest of the page works without ${missing.length > 1 ? 'them' : 'it'}.
    </p>`;
  }

  private verdictLine(clip: GeneratedClip): TemplateResult {
    const v = clip.verdict;
    const parsed = parsePrompt(clip.prompt);
    if (!v || !parsed.ok) {
      return html`<p class="verdict none" id="verdict">
        <strong>The judge:</strong> ${clip.prompt.trim() ? `cannot read this prompt (${parsed.problems.join('; ')}), so it judges nothing` : 'no prompt, nothing to judge'}.
        ${v ? html`It reads ${describeReading(v.reading)}.` : nothing}
      </p>`;
    }
    return html`<p class="verdict ${v.pass ? 'pass' : 'fail'}" id="verdict">
      <strong>The judge:</strong> ${v.pass ? `PASS — ${describeReading(v.reading)}` : `FAIL — ${v.reasons.join('; ')}`}
    </p>`;
  }

  // ---------------------------------------------------------------- the sampler cell

  private renderControls() {
    const s = this.url.state;
    const parsed = parsePrompt(s.prompt);
    const image = s.frames === '1';
    const hasPosition = parsed.phrases.some((p) => p.position);
    const hasMotion = parsed.phrases.some((p) => p.motion);
    const note = !s.prompt.trim()
      ? 'No prompt: both halves of guidance see the empty prompt, so the model samples anything from its world, and the guidance scale changes nothing.'
      : !image && hasPosition
        ? 'The world states a position only for images: for a clip, say how it moves (“a red circle moving right”).'
        : image && hasMotion
          ? 'A single frame cannot move: for a motion, make an 8-frame clip.'
          : !parsed.ok
            ? `The judge cannot read this prompt (${parsed.problems.join('; ')}); the model still gets its words.`
            : '';
    return html`
      <div class="controls">
        <div class="field wide">
          <label for="prompt">Prompt</label>
          <div class="prompt-row">
            <input
              id="prompt"
              type="text"
              maxlength="160"
              autocomplete="off"
              spellcheck="false"
              placeholder="(empty: no prompt)"
              aria-describedby="prompt-hint"
              .value=${s.prompt}
              @input=${(e: Event) => this.url.set({ prompt: (e.target as HTMLInputElement).value })}
            />
            <select
              id="examples"
              aria-label="Example prompts"
              @change=${(e: Event) => {
                const v = (e.target as HTMLSelectElement).value;
                (e.target as HTMLSelectElement).value = '';
                if (!v) return;
                const clip = / moving | staying still/.test(v);
                this.url.set({ prompt: v, frames: clip ? '8' : '1' });
              }}
            >
              <option value="">— example prompts —</option>
              ${EXAMPLE_PROMPTS.map((p) => html`<option value=${p}>${p}</option>`)}
            </select>
          </div>
          <p class="hint" id="prompt-hint">Enter runs it; Shift+Enter runs it from any control here.</p>
          ${note ? html`<p class="notice" role="status" id="prompt-note">${note}</p>` : nothing}
        </div>
        <choice-picker
          label="Sampler"
          .options=${[
            { value: 'ddim', label: 'DDIM', description: 'Song et al.: deterministic when η is 0' },
            { value: 'ddpm', label: 'DDPM', description: 'Ho et al.: fresh noise at every step' },
          ]}
          .value=${s.sampler}
          @choice-change=${(e: CustomEvent<{ value: string }>) => this.url.set({ sampler: e.detail.value as Chapter2State['sampler'] })}
        ></choice-picker>
        <labelled-slider
          label="DDIM’s η"
          min="0"
          max="1"
          step="0.1"
          .value=${s.eta}
          ?disabled=${s.sampler !== 'ddim'}
          .format=${(v: number) => (s.sampler === 'ddim' ? `η = ${v.toFixed(1)}${v === 0 ? ', no noise' : v === 1 ? ', as much as DDPM' : ''}` : 'DDPM ignores η')}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.url.set({ eta: e.detail.value })}
        ></labelled-slider>
        <labelled-slider
          label="Steps"
          min="1"
          max="100"
          number-box
          .value=${s.steps}
          .format=${(v: number) => `${v} step${v > 1 ? 's' : ''}`}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.url.set({ steps: e.detail.value })}
        ></labelled-slider>
        <labelled-slider
          label="Guidance scale s"
          min="0"
          max="15"
          step="0.5"
          .value=${s.guidance}
          .format=${(v: number) => `s = ${v}${v === 0 ? ', the empty prompt only' : v === 1 ? ', the prompt, unguided' : ''}`}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.url.set({ guidance: e.detail.value })}
        ></labelled-slider>
        <div class="row">
          <labelled-slider
            label="Seed"
            min="0"
            max="99999"
            number-box
            .value=${s.seed}
            .format=${(v: number) => `#${v}`}
            @value-input=${(e: CustomEvent<{ value: number }>) => this.url.set({ seed: e.detail.value })}
            style="flex: 1 1 12rem"
          ></labelled-slider>
          <button type="button" id="new-seed" @click=${() => this.url.set({ seed: (s.seed + 1) % 100_000 })}>Next seed</button>
        </div>
        <choice-picker
          label="Make"
          .options=${[
            { value: '1', label: 'An image', description: 'one frame' },
            { value: '8', label: 'A clip', description: 'eight frames' },
          ]}
          .value=${s.frames}
          @choice-change=${(e: CustomEvent<{ value: string }>) => this.url.set({ frames: e.detail.value as Chapter2State['frames'] })}
        ></choice-picker>
      </div>
    `;
  }

  private renderStatus() {
    const r = this.run;
    const now = runSettings(this.url.state);
    let text: TemplateResult | string = 'Press Run to sample.';
    if (r?.running) {
      const done = r.steps.length;
      text = done ? `Step ${done} of ${r.of}: t = ${r.steps[done - 1]?.timestep}…` : 'Starting: the prompt through the text encoder…';
    } else if (r?.result) {
      const ms = r.result.sample.stepMs;
      text = html`${r.of} step${r.of > 1 ? 's' : ''} in ${seconds(r.result.timings.total)}: the DiT ${seconds(median(ms))} a step, each x<sub>t</sub> and x̂<sub>0</sub> decoded as it went.`;
    } else if (r) {
      text = 'This run did not finish.';
    }
    const stale = r && !r.running && !sameRun(r.settings, now);
    return html`
      <div class="row">
        <button type="button" class="run" id="run" @click=${() => void this.sample()}>${r?.running ? 'Restart' : 'Run'}</button>
        <p class="status" id="status" data-state=${r?.running ? 'running' : r?.result ? 'done' : 'idle'}>${text}</p>
        <span class="sr" role="status">${r?.running ? 'Sampling…' : r?.result ? `Done: ${r.of} steps. ${r.result.verdict && parsePrompt(r.result.prompt).ok ? (r.result.verdict.pass ? 'The judge: pass.' : 'The judge: fail.') : ''}` : ''}</span>
      </div>
      ${stale ? html`<p class="notice" id="stale" role="status">The settings changed since this run: press Run (or Shift+Enter) to sample them.</p>` : nothing}
    `;
  }

  private renderTrajectory() {
    const r = this.run;
    if (!r || !r.steps.length) return nothing;
    const k = this.shown();
    const st = r.steps[k - 1];
    if (!st) return nothing;
    const F = r.settings.frames;
    const f = Math.min(this.viewFrame, F - 1);
    const size = LATENT.channels * LATENT.height * LATENT.width;
    const one = (x: Float32Array) => x.subarray(f * size, (f + 1) * size);
    const a = Math.sqrt(st.alphaBar), b = Math.sqrt(1 - st.alphaBar);
    const visited = r.result?.sample.timesteps ?? setTimesteps(r.of, { numTrainTimesteps: this.settings()?.numTrainTimesteps ?? 1000, timestepSpacing: this.settings()?.timestepSpacing ?? 'trailing' });
    const sched = this.scheduleChart(Array.from(visited));
    const overlay: ChartOverlay[] = [
      { type: 'ruleX', x: st.timestep, label: `step ${k}: t = ${st.timestep}` },
      { type: 'dot', x: st.timestep, y: st.alphaBar, fill: CHART_COLOURS.noise, r: 5.5 },
    ];
    const columns: StripColumn[] = stripSteps(r.of, 8).map((step) => {
      const s = r.steps[step - 1];
      return { step, timestep: s?.timestep ?? (visited[step - 1] as number), frames: [s?.xtFrames ?? null, s?.x0Frames ?? null] };
    });
    const eps = stats(one(st.epsHat));
    const last = st.prevTimestep < 0;
    return html`
      <div class="trajectory" id="trajectory">
        <h4>The run, step by step</h4>
        <step-strip
          .columns=${columns}
          .rows=${['xₜ', 'x̂₀']}
          .selected=${k}
          .frame=${f}
          @step-select=${(e: CustomEvent<{ step: number }>) => !r.running && this.setStep(e.detail.step)}
        ></step-strip>
        <labelled-slider
          id="scrub"
          label="Look at step"
          min="1"
          max=${Math.max(1, r.of)}
          .value=${k}
          ?disabled=${r.running}
          .format=${(v: number) => `step ${v} of ${r.of} · t = ${r.steps[v - 1]?.timestep ?? '…'}`}
          hint=${r.running ? 'The run is under way; scrub it when it ends.' : 'Arrow keys move a step; Home and End go to the first and the last.'}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.setStep(e.detail.value)}
        ></labelled-slider>
        ${F > 1
          ? html`<labelled-slider
              label="Frame"
              min="0"
              max=${F - 1}
              .value=${f}
              .format=${(v: number) => `${v + 1} of ${F}`}
              @value-input=${(e: CustomEvent<{ value: number }>) => {
                this.viewFrame = e.detail.value;
                this.requestUpdate();
              }}
            ></labelled-slider>`
          : nothing}
        <div class="detail">
          <div>
            <div class="pictures">
              <pixel-view id="xt" .rgb=${st.xtFrames} .frame=${f} alt="x_t at step ${k}, t = ${st.timestep}, decoded by the VAE decoder">x<sub>t</sub>, decoded</pixel-view>
              <pixel-view id="x0hat" .rgb=${st.x0Frames} .frame=${f} alt="x̂₀, the denoiser's clean guess at step ${k}, decoded">x̂<sub>0</sub>, decoded</pixel-view>
            </div>
            <p class="readout" id="step-readout" data-step=${k} data-t=${st.timestep}>
              Step ${k} of ${r.of}: <span class="math">t</span> = ${st.timestep} → ${last ? 'the end' : st.prevTimestep}.
              ${term('alphaBar')} = ${fmt(st.alphaBar, 4)}, so from the model’s v̂,
              x̂<sub>0</sub> = ${fmt(a)}·x<sub>t</sub> − ${fmt(b)}·v̂ and ε̂ = ${fmt(a)}·v̂ + ${fmt(b)}·x<sub>t</sub>.
            </p>
          </div>
          <div>
            <latent-grid
              .rows=${[
                { label: 'xₜ', latent: one(st.xt) },
                { label: 'ε̂', latent: one(st.epsHat) },
                { label: 'x̂₀', latent: one(st.x0Hat) },
              ]}
              caption="Step ${k}, t = ${st.timestep}"
            ></latent-grid>
            <p class="readout muted">
              ε̂ is noise, and the decoder only knows latents of pictures, so ε̂ is shown as numbers: its four channels
              (mean ${fmt(eps.mean, 2)}, spread ${fmt(eps.std, 2)}; true noise has 0 and 1).
            </p>
          </div>
          <div class="chart schedule">
            <h4>Where the step sits on the schedule</h4>
            ${sched
              ? html`<plot-chart
                  id="schedule-chart"
                  .spec=${sched}
                  .overlay=${overlay}
                  alt="ᾱ_t against t for the DiT's cosine schedule, with the ${r.of} timesteps this run visits as dots. Step ${k} is at t = ${st.timestep}, where ᾱ_t = ${fmt(st.alphaBar, 4)}."
                ></plot-chart>`
              : nothing}
          </div>
        </div>
      </div>
    `;
  }

  private renderResult() {
    const r = this.run;
    const clip = r?.result;
    if (!r || !clip) return nothing;
    const F = clip.numFrames;
    return html`
      <div class="result" id="result">
        <div>
          <h4>The sample</h4>
          ${F > 1
            ? html`<clip-player .rgb=${clip.frames} .frames=${F} .width=${clip.width} .height=${clip.height} alt="The clip the DiT made for “${clip.prompt}”" autoplay></clip-player>`
            : html`<pixel-view id="final" .rgb=${clip.frames} alt="The image the DiT made for “${clip.prompt}”"></pixel-view>`}
        </div>
        <div>
          ${this.verdictLine(clip)}
          <p class="readout">The same settings in Node make the same pixels:</p>
          <code class="cmd" id="command">${generateCommand(r.settings)}</code>
        </div>
      </div>
    `;
  }

  // ---------------------------------------------------------------- the error cell

  private errorChart() {
    const e = this.errors;
    if (!e) return null;
    const c = this.errorSpecCache;
    if (!c || c.rows !== e.rows || c.length !== e.rows.length) {
      this.errorSpecCache = { rows: e.rows, length: e.rows.length, spec: errorSpec(e.rows, this.settings()?.numTrainTimesteps ?? 1000) };
    }
    return this.errorSpecCache!.spec;
  }

  private renderError() {
    const s = this.url.state;
    const e = this.errors;
    const stale = e && !e.running && (e.images !== Number(s.images) || e.world !== s.world);
    const k = this.shown();
    const st = this.run && k ? this.run.steps[k - 1] : undefined;
    const overlay: ChartOverlay[] = st ? [{ type: 'ruleX', x: st.timestep, label: `the run's step ${k}` }] : [];
    const rows = e?.rows ?? [];
    const at = (t: number) => rows.find((r) => r.t === t);
    const lo = at(10), hi = at(950);
    const abar0 = this.alphas()?.[0];
    return html`
      <div class="controls">
        <choice-picker
          label="World images"
          .options=${['4', '8', '16'].map((v) => ({ value: v, label: v }))}
          .value=${s.images}
          @choice-change=${(ev: CustomEvent<{ value: string }>) => this.url.set({ images: ev.detail.value as Chapter2State['images'] })}
        ></choice-picker>
        <div class="row">
          <labelled-slider
            label="World seed"
            min="0"
            max="99999"
            number-box
            .value=${s.world}
            .format=${(v: number) => `images #${v}–${v + Number(s.images) - 1}`}
            @value-input=${(ev: CustomEvent<{ value: number }>) => this.url.set({ world: ev.detail.value })}
            style="flex: 1 1 12rem"
          ></labelled-slider>
          <button type="button" class="run" id="measure" @click=${() => void this.measure()}>Measure</button>
        </div>
      </div>
      ${stale ? html`<p class="notice" role="status" id="error-stale">The settings changed: press Measure to measure them.</p>` : nothing}
      ${e
        ? html`
            <p class="status" id="error-status" data-state=${e.running ? 'running' : e.result ? 'done' : 'idle'}>
              ${e.running
                ? `Measuring: ${rows.length} of ${ERROR_TIMESTEPS.length} timesteps…`
                : e.result
                  ? `${e.images} world images (seeds ${e.world}–${e.world + e.images - 1}), noise seed ${e.world}, ${rows.length} timesteps: ${rows.length} denoiser calls of ${2 * e.images} in ${seconds(e.ms)}.`
                  : 'This measurement did not finish.'}
            </p>
            ${e.result
              ? html`<div class="images" aria-label="The world images measured on">
                  ${e.result.captions.map((c, i) => html`<pixel-view .rgb=${e.result!.frames.subarray(i * 3072, (i + 1) * 3072)} alt=${c} title=${c}></pixel-view>`)}
                </div>`
              : nothing}
            <div class="chart">
              <ul class="keys">
                ${ERROR_KEYS.map((key) => html`<li style="--key:${key.colour};--dash:${key.dashed ? 'dashed' : 'solid'}">${key.what}</li>`)}
              </ul>
              <plot-chart
                id="error-chart"
                .spec=${this.errorChart()}
                .overlay=${overlay}
                alt=${`Mean squared error of the DiT's predictions against t, on ${e.images} world images, log scale. ${
                  lo && hi
                    ? `ε̂ with the caption: ${fmt(lo.epsCaption)} at t = 10, ${fmt(hi.epsCaption)} at t = 950. x̂₀ with the caption: ${fmt(lo.x0Caption)} at t = 10, ${fmt(hi.x0Caption)} at t = 950; with the empty prompt ${fmt(hi.x0Empty)} at t = 950.`
                    : `${rows.length} timesteps measured so far.`
                }`}
              ></plot-chart>
            </div>
            ${lo && hi
              ? html`<p class="readout" id="error-readout">
                  At <span class="math">t</span> = 10, ε̂ is off by ${fmt(lo.epsCaption)} (mean squared) and x̂₀ by ${fmt(lo.x0Caption)};
                  at <span class="math">t</span> = 950, ε̂ by ${fmt(hi.epsCaption)} and x̂₀ by ${fmt(hi.x0Caption)}
                  (${fmt(hi.x0Empty)} with the empty prompt).${abar0 !== undefined ? html` At <span class="math">t</span> = 0 the noise is only √(1 − ᾱ<sub>0</sub>) = ${fmt(Math.sqrt(1 - abar0), 4)} of x<sub>t</sub>.` : nothing}
                </p>`
              : nothing}
          `
        : nothing}
    `;
  }

  // ---------------------------------------------------------------- the seeds cell

  private renderSeeds() {
    const r = this.seeds;
    if (!r) return html`<p class="muted">Four samples appear here when this cell comes into view.</p>`;
    const now = runSettings(this.url.state);
    const stale = !r.running && !sameRun(r.settings, now);
    const judged = r.clips.filter((c): c is GeneratedClip => !!c && !!c.verdict && parsePrompt(c.prompt).ok);
    const passed = judged.filter((c) => c.verdict!.pass).length;
    const o = r.settings;
    return html`
      <div class="row">
        <button type="button" class="run" id="make-seeds" @click=${() => void this.makeSeeds()}>Make four</button>
        ${o.prompt !== OPEN_PROMPT
          ? html`<button type="button" id="open-prompt" @click=${() => {
              this.url.set({ prompt: OPEN_PROMPT, frames: '1' });
              void this.makeSeeds();
            }}>Four of “${OPEN_PROMPT}”</button>`
          : nothing}
        <p class="status" id="seeds-status" data-state=${r.running ? 'running' : 'done'}>
          “${o.prompt || '(no prompt)'}”, ${o.sampler.toUpperCase()}${o.sampler === 'ddim' && o.eta ? ` η ${o.eta}` : ''}, ${o.steps} steps, guidance ${o.guidance}, seeds ${o.seed}–${o.seed + SEEDS - 1}.
          ${judged.length ? html`<strong>${passed} of ${judged.length}</strong> pass the judge.` : nothing}
        </p>
      </div>
      ${stale ? html`<p class="notice" role="status" id="seeds-stale">The settings above changed: press Make four to sample them.</p>` : nothing}
      <div class="seeds" id="seeds-grid">
        ${r.clips.map((c, i) => {
          const seed = (o.seed + i) % 100_000;
          if (!c) return html`<figure><pixel-view .rgb=${null} alt="seed ${seed}: still to come"></pixel-view><figcaption>seed ${seed}…</figcaption></figure>`;
          const ok = c.verdict && parsePrompt(c.prompt).ok;
          return html`<figure data-seed=${seed}>
            ${c.numFrames > 1
              ? html`<clip-player .rgb=${c.frames} .frames=${c.numFrames} .width=${c.width} .height=${c.height} alt="seed ${seed}" autoplay></clip-player>`
              : html`<pixel-view .rgb=${c.frames} alt="seed ${seed}: ${c.verdict ? describeReading(c.verdict.reading) : 'not judged'}"></pixel-view>`}
            <figcaption>
              seed ${seed}:
              ${ok ? (c.verdict!.pass ? html`<span class="pass-mark">PASS</span>` : html`<span class="fail-mark">FAIL</span> — ${c.verdict!.reasons[0]}`) : html`reads as ${c.verdict ? describeReading(c.verdict.reading) : 'nothing'}`}
            </figcaption>
          </figure>`;
        })}
      </div>
    `;
  }

  render() {
    return html`
      <chapter-section .tryThis=${TRY_THIS} .references=${REFERENCES} @try-this=${this.onTryThis}>
        <state-notice .messages=${this.url.messages()}></state-notice>
        <p>
          Chapter 1 noised a picture in one jump. Sampling goes the other way, in steps: start from pure noise
          ${term('xt')} at ${term('t')} = 999 and ask the denoiser, again and again, what it sees. The denoiser here
          is this page’s small Diffusion Transformer (${this.paramsText()}, trained on the Shapes World in the VAE’s
          latent space, which chapter 3 explains). Given ${term('xt')}, ${term('t')} and the prompt, it predicts the
          <em>velocity</em> v = √${term('alphaBar')}·${term('eps')} − √(1 − ${term('alphaBar')})·${term('x0')}, and
          from v̂ and ${term('xt')} follow both the noise it sees and the clean picture it guesses:
        </p>
        <p class="eq">
          <span>${term('epsHat')} = √ᾱ<sub>t</sub>·v̂ + √(1 − ᾱ<sub>t</sub>)·x<sub>t</sub></span>
          <span>x̂<sub>0</sub> = √ᾱ<sub>t</sub>·x<sub>t</sub> − √(1 − ᾱ<sub>t</sub>)·v̂</span>
        </p>
        <p>
          A <em>sampler</em> turns them into the next, less noisy x<sub>t′</sub>. <strong>DDIM</strong> puts the guess
          back together at the lower noise level,
        </p>
        <p class="eq"><span>x<sub>t′</sub> = √ᾱ<sub>t′</sub>·x̂<sub>0</sub> + √(1 − ᾱ<sub>t′</sub>)·ε̂,</span></p>
        <p>
          with no randomness after the start, so the seed alone decides the picture. <strong>DDPM</strong> steps to
          the average x<sub>t′</sub> given x<sub>t</sub> and x̂<sub>0</sub>, then adds fresh Gaussian noise, at every
          step but the last; DDIM’s η blends the two (η = 1 is DDPM’s noise). Classifier-free guidance runs the
          denoiser on the prompt and on the empty prompt and pushes away from the empty one, by the guidance scale
          ${term('s')}:
        </p>
        <p class="eq"><span>ε̂ = ε̂<sub>∅</sub> + ${term('s')}·(ε̂<sub>prompt</sub> − ε̂<sub>∅</sub>)</span></p>
        ${this.models.renderWeights()}
        <live-cell id="sampler" label="Sampling: from noise to a picture, step by step" streaming @cell-retry=${() => this.retry(() => this.sample({ keepStep: true }))}>
          <div @keydown=${this.onKey}>
            ${this.missingNotice(SAMPLE_MODELS)}
            ${this.renderControls()}
            ${this.renderStatus()}
            ${this.renderTrajectory()}
            ${this.renderResult()}
          </div>
        </live-cell>
        <p>
          Scrub the run. At the first step x<sub>t</sub> is pure noise and ε̂ is x<sub>t</sub> itself, yet x̂<sub>0</sub>
          is already a blurred guess of the whole picture: the average of everything the prompt could mean. Each
          step commits to a little more of it, and x̂<sub>0</sub> is sharp long before x<sub>t</sub> looks like
          anything. In the latent rows, early on x<sub>t</sub> matches ε̂; at the end it matches x̂<sub>0</sub>. The
          timesteps are evenly spaced in ${term('t')} (“trailing” spacing), so on the cosine schedule about a fifth
          of the steps go by while ᾱ<sub>t</sub> is below 0.1, and half while it is below 0.5.
        </p>
        <h3>How good is the denoiser at each t?</h3>
        <p>
          The denoiser has one job, and it can be graded: take world images whose ${term('x0')} we know, noise them
          to each ${term('t')} with an ${term('eps')} we know, and compare its predictions with both. For a model
          that predicts v the two errors are one error seen twice, MSE(x̂<sub>0</sub>) = MSE(ε̂)/${term('snr')}(${term('t')}).
          ε̂ is hard at small ${term('t')}, where the noise is a whisper on the picture; x̂<sub>0</sub> is hard at
          large ${term('t')}, where little of the picture is left and the model can only guess what was there. The
          dashed lines give the same images the empty prompt: the caption helps most where the picture is gone.
        </p>
        <live-cell id="error" label="The denoiser’s error against t, measured on world images" @cell-retry=${() => this.retry(() => this.measure())}>
          ${this.missingNotice(ERROR_MODELS)} ${this.renderError()}
        </live-cell>
        <h3>The seed is the picture</h3>
        <p>
          With DDIM the starting noise decides everything that follows, so a seed is a picture. Four seeds of the
          settings above, side by side, each read by the world’s judge: where they differ is everything the prompt
          left open (“a yellow triangle” can be anywhere, big or small), and where a seed fails is the model’s
          fault.
        </p>
        <live-cell id="seeds" label="Four seeds, one prompt" @cell-retry=${() => this.retry(() => this.makeSeeds())}>${this.missingNotice(SAMPLE_MODELS)} ${this.renderSeeds()}</live-cell>
        ${this.models.renderBackend()}
      </chapter-section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chapter-2': Chapter2;
  }
}
