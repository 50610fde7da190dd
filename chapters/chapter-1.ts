// Chapter 1: Forward noising. A picture from the Shapes World (or one the
// reader paints), the timestep slider, the noise schedules and the zero-SNR
// rescale, the curves of ᾱ_t, √ᾱ_t, √(1 − ᾱ_t) and log-SNR, the pixel histogram
// turning Gaussian; then the world itself, with the judge's reading drawn over
// its clips. Prose and wiring only: the math is pipeline/, the pieces components/.
import * as Plot from '@observablehq/plot';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement } from 'lit/decorators.js';
import '../components/chapter-section';
import '../components/choice-picker';
import '../components/clip-player';
import '../components/draw-canvas';
import '../components/labelled-slider';
import '../components/live-cell';
import '../components/pixel-view';
import '../components/plot-chart';
import '../components/state-notice';
import type { Reference, TryThis, TryThisDetail } from '../components/chapter-section';
import type { DrawingDetail } from '../components/draw-canvas';
import { term } from '../components/notation';
import type { Annotation } from '../components/pixel-view';
import { CHART_COLOURS, type ChartOverlay, type ChartSpec } from '../components/plot-chart';
import { controls, fields, layout, prose, verdicts } from '../components/styles';
import { UrlStateController } from '../components/url-state-controller';
import { BETA_SCHEDULES, addNoise, makeSchedule, type BetaSchedule, type NoiseSchedule } from '../pipeline/diffusion';
import { decodeDrawing, drawingToRgb, encodeDrawing, isBlank } from '../pipeline/drawing';
import { bytesToModel, histogramDensity, meanStd, modelToBytes, normalPdf, type Histogram } from '../pipeline/pixels';
import { createRandom, fillNormal } from '../pipeline/random';
import { defineSchema, integer, oneOf, text, type StateOf } from '../pipeline/url-state';
import { PALETTE, captionText, dropParts, generateClip, judgeClip, parsePrompt, phraseOf, type Clip, type Verdict } from '../pipeline/world';
import { describeReading, trackNoun } from '../pipeline/world/read-frames';

const T = 1000;
const SIZE = 32;
const VALUES = SIZE * SIZE * 3;

export const chapter1Schema = defineSchema({
  /** Timestep of the noised picture. */
  t: integer(0, T - 1, 250),
  schedule: oneOf(BETA_SCHEDULES, 'linear'),
  /** Lin et al.'s zero-terminal-SNR rescale. */
  zsnr: oneOf(['off', 'on'], 'off'),
  /** Seed of ε. */
  seed: integer(0, 99_999, 0),
  source: oneOf(['world', 'drawing'], 'world'),
  /** Seed of the world picture. */
  image: integer(0, 99_999, 2),
  /** The reader's drawing (pipeline/drawing.ts). */
  drawing: text(1400, ''),
  /** The world cell: a caption, a seed, and whether it shows training examples. */
  caption: text(160, 'a red circle moving right'),
  clip: integer(0, 99_999, 0),
  example: oneOf(['off', 'on'], 'off'),
});
/** Each cell's parameters: its Reset sets only these back to their defaults. */
const NOISING_PARAMS = ['t', 'schedule', 'zsnr', 'seed', 'source', 'image', 'drawing'] as const satisfies readonly (keyof typeof chapter1Schema)[];
const WORLD_PARAMS = ['caption', 'clip', 'example'] as const satisfies readonly (keyof typeof chapter1Schema)[];

export type Chapter1State = StateOf<typeof chapter1Schema>;

const SCHEDULE_NAMES: Record<BetaSchedule, string> = {
  linear: 'Linear',
  scaled_linear: 'Scaled linear',
  squaredcos_cap_v2: 'Cosine',
};

const SCHEDULE_OPTIONS = [
  { value: 'linear', label: 'Linear', description: 'DDPM: β from 0.0001 to 0.02' },
  { value: 'scaled_linear', label: 'Scaled linear', description: 'Stable Diffusion: √β from √0.00085 to √0.012' },
  { value: 'squaredcos_cap_v2', label: 'Cosine', description: 'Nichol and Dhariwal: squaredcos_cap_v2' },
];

const EXAMPLE_CAPTIONS = [
  'a red circle moving right',
  'a big blue square in the top left',
  'a small yellow triangle moving up and a big cyan circle staying still',
  'a green triangle and a purple square',
  'a purple circle moving down',
  'a big cyan square staying still',
];

const HIST_LO = -4, HIST_HI = 4, HIST_BINS = 40;
const LOG_SNR_DOMAIN: [number, number] = [-20, 12];

/** A number for the page: fixed digits (or exponent form when very large or small), a true minus sign. */
const fmt = (v: number, digits = 3) =>
  (Number.isFinite(v) ? (Math.abs(v) >= 1000 || (Math.abs(v) < 0.001 && v !== 0) ? v.toExponential(2) : v.toFixed(digits)) : v > 0 ? '∞' : '-∞').replace('-', '−');
const logSnr = (abar: number) => Math.log(abar / (1 - abar));

interface Curves {
  schedule: NoiseSchedule;
  key: string;
  rows: { t: number; abar: number; sqrtAbar: number; sqrtOneMinus: number; logSnr: number }[];
  signalSpec: ChartSpec;
  snrSpec: ChartSpec;
}

/** Log-SNR of the three plain schedules, faint in the background of the log-SNR chart. */
let baseline: { t: number; logSnr: number; schedule: string }[] | null = null;
function baselineCurves() {
  baseline ??= BETA_SCHEDULES.flatMap((b) => {
    const abar = makeSchedule({ betaSchedule: b }).alphasCumprod;
    return Array.from(abar, (a, t) => ({ t, logSnr: Number.isFinite(logSnr(a)) ? logSnr(a) : NaN, schedule: SCHEDULE_NAMES[b] }));
  });
  return baseline;
}

function makeCurves(schedule: BetaSchedule, zsnr: boolean): Curves {
  const s = makeSchedule({ betaSchedule: schedule, rescaleBetasZeroSnr: zsnr });
  const rows = Array.from(s.alphasCumprod, (abar, t) => ({
    t,
    abar,
    sqrtAbar: Math.sqrt(abar),
    sqrtOneMinus: Math.sqrt(1 - abar),
    logSnr: Number.isFinite(logSnr(abar)) ? logSnr(abar) : NaN,
  }));
  const name = `${SCHEDULE_NAMES[schedule]}${zsnr ? ', zero SNR' : ''}`;
  const signalSpec: ChartSpec = ({ width }) => ({
    width,
    height: 210,
    marginLeft: 40,
    marginTop: 22,
    marginBottom: 38,
    x: { domain: [0, T - 1], label: 'timestep t →' },
    y: { domain: [0, 1], label: '↑ coefficient', grid: true },
    marks: [
      Plot.line(rows, { x: 't', y: 'abar', stroke: CHART_COLOURS.accent, strokeWidth: 2 }),
      Plot.line(rows, { x: 't', y: 'sqrtAbar', stroke: CHART_COLOURS.signal, strokeWidth: 2.5 }),
      Plot.line(rows, { x: 't', y: 'sqrtOneMinus', stroke: CHART_COLOURS.noise, strokeWidth: 2.5 }),
    ],
  });
  const snrSpec: ChartSpec = ({ width }) => ({
    width,
    height: 210,
    marginLeft: 40,
    marginTop: 22,
    marginBottom: 38,
    x: { domain: [0, T - 1], label: 'timestep t →' },
    y: { domain: LOG_SNR_DOMAIN, label: '↑ log SNR', grid: true },
    marks: [
      Plot.ruleY([0], { stroke: CHART_COLOURS.faint }),
      Plot.line(baselineCurves(), { x: 't', y: 'logSnr', z: 'schedule', stroke: CHART_COLOURS.faint, strokeWidth: 1.5 }),
      Plot.line(rows, { x: 't', y: 'logSnr', stroke: CHART_COLOURS.accent, strokeWidth: 2.5 }),
    ],
    ariaLabel: name,
  });
  return { schedule: s, key: `${schedule}|${zsnr}`, rows, signalSpec, snrSpec };
}

const normalCurve = Array.from({ length: 161 }, (_, i) => {
  const x = HIST_LO + (i * (HIST_HI - HIST_LO)) / 160;
  return { x, y: normalPdf(x) };
});
const histSpec: ChartSpec = ({ width }) => ({
  width,
  height: 210,
  marginLeft: 40,
  marginTop: 22,
  marginBottom: 38,
  x: { domain: [HIST_LO, HIST_HI], label: 'pixel value →' },
  y: { domain: [0, 1.2], label: '↑ density', grid: true },
  marks: [
    Plot.ruleX([-1, 1], { stroke: CHART_COLOURS.faint, strokeDasharray: '2 3' }),
    Plot.line(normalCurve, { x: 'x', y: 'y', stroke: CHART_COLOURS.noise, strokeWidth: 2.5 }),
  ],
});

/** The channel that carries most of a palette colour (where a probe on its pixel moves the most). */
function strongestChannel(rgb: readonly number[]): number {
  return rgb.indexOf(Math.max(...rgb));
}

interface Picture {
  rgb: Uint8Array;
  alt: string;
  caption: string;
  probe: { x: number; y: number; c: number };
  blank: boolean;
  problems: string[];
}

interface WorldView {
  clip: Clip | null;
  caption: string;
  verdict: Verdict | null;
  annotations: Annotation[][];
  message: string;
  note: string;
}

const TRY_THIS: TryThis<Partial<Chapter1State>>[] = [
  {
    question: 'On the linear schedule, how far does t go before you can no longer tell the shapes apart? Look at √ᾱ_t there.',
    state: { source: 'world', schedule: 'linear', zsnr: 'off', t: 450 },
  },
  {
    question: 'Stable Diffusion’s scaled_linear schedule stops at t = 999 with ᾱ_t = 0.0047. Is x₉₉₉ pure noise? Then tick the zero-SNR rescale.',
    state: { schedule: 'scaled_linear', zsnr: 'off', t: 999 },
  },
  {
    question: 'Why did Nichol & Dhariwal switch to the cosine schedule? Compare it with linear at t = 500, on the log-SNR chart too.',
    state: { schedule: 'squaredcos_cap_v2', zsnr: 'off', t: 500 },
  },
];
const REFERENCES: Reference[] = [
  { title: 'Ho, Jain & Abbeel 2020, Denoising Diffusion Probabilistic Models', href: 'https://arxiv.org/abs/2006.11239', note: 'the forward process in one jump, and the linear schedule' },
  { title: 'Nichol & Dhariwal 2021, Improved Denoising Diffusion Probabilistic Models', href: 'https://arxiv.org/abs/2102.09672', note: 'the cosine schedule' },
  { title: 'Rombach et al. 2022, High-Resolution Image Synthesis with Latent Diffusion Models', href: 'https://arxiv.org/abs/2112.10752', note: 'Stable Diffusion, whose schedule is scaled_linear' },
  { title: 'Kingma, Salimans, Poole & Ho 2021, Variational Diffusion Models', href: 'https://arxiv.org/abs/2107.00630', note: 'a schedule is a path down log-SNR' },
  { title: 'Lin, Liu, Li & Yang 2023, Common Diffusion Noise Schedules and Sample Steps are Flawed', href: 'https://arxiv.org/abs/2305.08891', note: 'zero terminal SNR' },
];

@customElement('chapter-1')
export class Chapter1 extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    fields,
    verdicts,
    css`
      .controls {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr));
        gap: 0.9rem 1.5rem;
        align-items: start;
        margin-bottom: 1rem;
      }
      .check {
        display: inline-flex;
        align-items: center;
        gap: 0.45rem;
        min-height: 2.25rem;
        cursor: pointer;
        font-size: 0.95rem;
      }
      .check input {
        width: 1.15rem;
        height: 1.15rem;
        accent-color: var(--accent);
      }
      .check input:focus-visible {
        outline: 3px solid var(--focus);
        outline-offset: 2px;
      }
      .equation {
        display: grid;
        grid-template-columns: minmax(0, 1fr) auto minmax(0, 1fr) auto minmax(0, 1fr);
        align-items: center;
        gap: 0.4rem;
        max-width: 40rem;
        margin: 0.5rem 0 0.75rem;
      }
      .equation pixel-view {
        --pixel-view-size: 100%;
      }
      .op {
        font-size: 1.05rem;
        text-align: center;
        font-variant-numeric: tabular-nums;
        white-space: nowrap;
        padding-bottom: 1.6rem;
      }
      .op b {
        display: block;
        font-size: 1.3rem;
      }
      @media (max-width: 30rem) {
        /* a phone: the pictures get the room */
        .equation {
          gap: 0.2rem;
        }
        .op {
          font-size: 0.8rem;
        }
        .op b {
          font-size: 1.1rem;
        }
      }
      .readout {
        font-variant-numeric: tabular-nums;
        font-size: 0.95rem;
        margin: 0 0 0.5rem;
        max-width: none;
      }
      .readout .math {
        font-style: italic;
      }
      .charts {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(17rem, 1fr));
        gap: 1rem 1.5rem;
        margin-top: 1rem;
      }
      .chart h4 {
        margin: 0 0 0.2rem;
        font-size: 0.95rem;
      }
      .keys {
        display: flex;
        flex-wrap: wrap;
        gap: 0.1rem 0.9rem;
        margin: 0 0 0.2rem;
        padding: 0;
        list-style: none;
        font-size: 0.85rem;
        font-variant-numeric: tabular-nums;
      }
      .keys li::before {
        content: '';
        display: inline-block;
        width: 0.9rem;
        height: 0.2rem;
        margin-right: 0.3rem;
        vertical-align: middle;
        background: var(--key);
      }
      .keys li.faint::before {
        height: 0.12rem;
      }
      .drawing {
        max-width: 40rem;
        margin-bottom: 0.75rem;
      }
      .world {
        display: grid;
        grid-template-columns: minmax(0, 1fr) minmax(12rem, 17rem);
        gap: 1rem 1.5rem;
        align-items: start;
      }
      @media (max-width: 40rem) {
        .world {
          grid-template-columns: minmax(0, 1fr);
        }
      }
      .verdict {
        margin: 0.75rem 0 0;
        padding: 0.5rem 0.75rem;
        border-radius: 0.3rem;
        font-size: 0.95rem;
        max-width: none;
      }
      .stack > * + * {
        margin-top: 0.75rem;
      }
    `,
  ];

  private url = new UrlStateController(this, chapter1Schema, 'c1');

  private curves: Curves | null = null;
  private picture: Picture | null = null;
  private pictureKey = '';
  private eps: Float32Array | null = null;
  private epsSeed = -1;
  private epsBytes: Uint8Array = new Uint8Array(VALUES);
  private x0 = new Float32Array(VALUES);
  private xt = new Float32Array(VALUES);
  private xtBytes: Uint8Array = new Uint8Array(VALUES);
  private hist: Histogram | undefined;
  private world: WorldView | null = null;
  private worldKey = '';

  /** What the noising figure shows, for tests: the timestep, ᾱ_t, and x₀, ε and x_t as model values. */
  get figure() {
    const s = this.url.state;
    const abar = this.curves?.schedule.alphasCumprod[s.t] ?? NaN;
    return { t: s.t, schedule: s.schedule, zsnr: s.zsnr, seed: s.seed, alphaBar: abar, x0: this.x0, eps: this.eps, xt: this.xt, probe: this.picture?.probe };
  }

  /** The chapter's state (as in the URL). */
  get state(): Chapter1State {
    return this.url.state;
  }

  /** Applies a state, as a "try this" button or a link does (values repaired, the URL follows). */
  setState(partial: Partial<Chapter1State>) {
    this.url.set(partial);
  }

  // ---------------------------------------------------------------- derived values

  private ensureCurves() {
    const { schedule, zsnr } = this.url.state;
    const key = `${schedule}|${zsnr === 'on'}`;
    if (this.curves?.key !== key) this.curves = makeCurves(schedule, zsnr === 'on');
    return this.curves;
  }

  private ensurePicture(): Picture {
    const s = this.url.state;
    const key = s.source === 'world' ? `w${s.image}` : `d${s.drawing}`;
    if (this.picture && key === this.pictureKey) return this.picture;
    this.pictureKey = key;
    if (s.source === 'world') {
      const clip = generateClip(s.image, { frames: 1 });
      const o = clip.objects[0];
      const [cx, cy] = o.centroids[0];
      this.picture = {
        rgb: clip.frames,
        alt: clip.caption,
        caption: clip.caption,
        probe: { x: Math.floor(cx), y: Math.floor(cy), c: strongestChannel([...PALETTE[o.colour]]) },
        blank: false,
        problems: [],
      };
    } else {
      const { indices, problems } = decodeDrawing(s.drawing, SIZE * SIZE);
      const first = indices.findIndex((v) => v !== 0);
      const blank = isBlank(indices);
      const rgb = drawingToRgb(indices);
      const p = first >= 0 ? first : (SIZE * SIZE) / 2 + SIZE / 2;
      const c = first >= 0 ? strongestChannel([rgb[3 * p], rgb[3 * p + 1], rgb[3 * p + 2]]) : 0;
      this.picture = {
        rgb,
        alt: blank ? 'your drawing, still empty (all black)' : 'your drawing',
        caption: blank ? 'your drawing (empty)' : 'your drawing',
        probe: { x: p % SIZE, y: Math.floor(p / SIZE), c },
        blank,
        problems,
      };
    }
    bytesToModel(this.picture.rgb.subarray(0, VALUES), this.x0);
    return this.picture;
  }

  private ensureNoise(): Float32Array {
    const { seed } = this.url.state;
    if (!this.eps || this.epsSeed !== seed) {
      this.eps = fillNormal(createRandom(seed), new Float32Array(VALUES));
      this.epsSeed = seed;
      modelToBytes(this.eps, this.epsBytes);
      this.epsBytes = this.epsBytes.slice(); // a new array, so the view redraws
    }
    return this.eps;
  }

  private ensureWorld(): WorldView {
    const s = this.url.state;
    const key = `${s.example}|${s.clip}|${s.example === 'on' ? '' : s.caption}`;
    if (this.world && key === this.worldKey) return this.world;
    this.worldKey = key;
    const view: WorldView = { clip: null, caption: s.caption, verdict: null, annotations: [], message: '', note: '' };
    try {
      let clip: Clip;
      if (s.example === 'on') {
        clip = generateClip(s.clip, { frames: 8 });
        const rng = createRandom(`training caption ${s.clip}`);
        view.caption = captionText(clip.objects.map((o) => dropParts(phraseOf(o), rng)));
        view.note = `Training example #${s.clip}: its full description is “${clip.caption}”; the caption drops parts at random, as in training.`;
      } else {
        const parsed = parsePrompt(s.caption);
        if (parsed.phrases.length === 0) {
          view.message = `Nothing to draw: ${parsed.problems.join('; ') || 'the caption names no shape'}. Try “${EXAMPLE_CAPTIONS[0]}”.`;
          this.world = view;
          return view;
        }
        let phrases = parsed.phrases;
        const image = phrases.some((p) => p.position);
        if (image && phrases.some((p) => p.motion)) {
          phrases = phrases.map(({ motion: _motion, ...p }) => p);
          view.note = 'A position is stated only for images and a motion only for clips: the motion was left out, and this is an image.';
        }
        if (!parsed.ok) view.note = `Read as “${captionText(phrases)}”; the rest is outside the world's grammar (${parsed.problems.join('; ')}).`;
        clip = generateClip(s.clip, { frames: image ? 1 : 8, phrases });
        view.caption = s.caption;
      }
      view.clip = clip;
      view.verdict = judgeClip(clip.frames, clip.numFrames, clip.width, clip.height, s.example === 'on' ? view.caption : parsePrompt(s.caption).ok ? s.caption : clip.objects.map(phraseOf));
      view.annotations = annotate(view.verdict, clip.numFrames);
    } catch (error) {
      view.message = `The world cannot draw this: ${error instanceof Error ? error.message : String(error)}.`;
    }
    this.world = view;
    return view;
  }

  protected willUpdate(_changed: PropertyValues<this>) {
    const curves = this.ensureCurves();
    this.ensurePicture();
    const eps = this.ensureNoise();
    const abar = curves.schedule.alphasCumprod[this.url.state.t];
    addNoise(this.x0, eps, abar, this.xt);
    this.xtBytes = modelToBytes(this.xt, new Uint8Array(VALUES));
    this.hist = histogramDensity(this.xt, HIST_LO, HIST_HI, HIST_BINS, this.hist);
    this.ensureWorld();
  }

  protected firstUpdated() {
    this.dataset.ready = 'true';
  }

  private drawn: { text: string; indices: Uint8Array } | null = null;

  /** The drawing's pixels for the canvas; the same array while the text is the same. */
  private drawingIndices(text: string): Uint8Array {
    if (this.drawn?.text !== text) this.drawn = { text, indices: decodeDrawing(text, SIZE * SIZE).indices };
    return this.drawn.indices;
  }

  // ---------------------------------------------------------------- events

  private onTryThis(e: CustomEvent<TryThisDetail>) {
    this.url.clearProblems();
    this.url.set(e.detail.state as Partial<Chapter1State>);
  }

  private onDrawing(e: CustomEvent<DrawingDetail>, commit: boolean) {
    const text = encodeDrawing(e.detail.indices);
    this.url.set({ drawing: text, source: 'drawing' });
    if (commit) this.url.flush();
  }

  // ---------------------------------------------------------------- rendering

  private renderNoising() {
    const s = this.url.state;
    const curves = this.curves!;
    const pic = this.picture!;
    const abar = curves.schedule.alphasCumprod[s.t];
    const a = Math.sqrt(abar), b = Math.sqrt(1 - abar);
    const { x, y, c } = pic.probe;
    const i = (y * SIZE + x) * 3 + c;
    const x0v = this.x0[i], ev = this.eps![i], xtv = this.xt[i];
    const channel = ['red', 'green', 'blue'][c];
    const stats = meanStd(this.xt);
    const h = this.hist!;
    const name = `${SCHEDULE_NAMES[s.schedule]} schedule${s.zsnr === 'on' ? ', rescaled to zero terminal SNR' : ''}`;
    const signalOverlay: ChartOverlay[] = [
      { type: 'ruleX', x: s.t, label: `t = ${s.t}` },
      { type: 'dot', x: s.t, y: abar, fill: CHART_COLOURS.accent },
      { type: 'dot', x: s.t, y: a, fill: CHART_COLOURS.signal },
      { type: 'dot', x: s.t, y: b, fill: CHART_COLOURS.noise },
    ];
    const ls = logSnr(abar);
    const snrOverlay: ChartOverlay[] = [
      { type: 'ruleX', x: s.t },
      { type: 'dot', x: s.t, y: ls, fill: CHART_COLOURS.accent, label: fmt(ls, 2) },
    ];
    const histOverlay: ChartOverlay[] = [{ type: 'bars', x1: h.x1, x2: h.x2, y: h.density, fill: CHART_COLOURS.signal }];
    const drawingProblems = s.source === 'drawing' ? pic.problems : [];
    return html`
      <div class="controls">
        <div class="stack">
          <choice-picker
            label="Picture"
            .options=${[
              { value: 'world', label: 'From the world' },
              { value: 'drawing', label: 'Draw your own' },
            ]}
            .value=${s.source}
            @choice-change=${(e: CustomEvent<{ value: string }>) => this.url.set({ source: e.detail.value as Chapter1State['source'] })}
          ></choice-picker>
          ${s.source === 'world'
            ? html`<div class="row">
                <button type="button" @click=${() => this.url.set({ image: (s.image + 1) % 100_000 })}>New picture</button>
                <span class="muted">picture #${s.image}</span>
              </div>`
            : nothing}
        </div>
        <div class="stack">
          <choice-picker
            label="Noise schedule"
            .options=${SCHEDULE_OPTIONS}
            .value=${s.schedule}
            @choice-change=${(e: CustomEvent<{ value: string }>) => this.url.set({ schedule: e.detail.value as BetaSchedule })}
          ></choice-picker>
          <label class="check">
            <input
              type="checkbox"
              .checked=${s.zsnr === 'on'}
              @change=${(e: Event) => this.url.set({ zsnr: (e.target as HTMLInputElement).checked ? 'on' : 'off' })}
            />
            <span>Rescale to zero terminal SNR (ᾱ<sub>999</sub> = 0)</span>
          </label>
        </div>
        <labelled-slider
          class="wide"
          label="Timestep t"
          min="0"
          max=${T - 1}
          number-box
          .value=${s.t}
          .format=${(v: number) => `t = ${v} of ${T - 1}`}
          hint="Arrow keys step by 1, Page Up and Page Down by 100."
          @value-input=${(e: CustomEvent<{ value: number }>) => this.url.set({ t: e.detail.value })}
        ></labelled-slider>
        <div class="row wide">
          <labelled-slider
            label="Noise seed"
            min="0"
            max="99999"
            number-box
            .value=${s.seed}
            .format=${(v: number) => `ε #${v}`}
            @value-input=${(e: CustomEvent<{ value: number }>) => this.url.set({ seed: e.detail.value })}
            style="flex: 1 1 16rem"
          ></labelled-slider>
          <button type="button" @click=${() => this.url.set({ seed: (s.seed + 1) % 100_000 })}>New noise</button>
        </div>
      </div>
      ${s.source === 'drawing'
        ? html`<div class="drawing">
            <draw-canvas
              label="Your picture x₀"
              .indices=${this.drawingIndices(s.drawing)}
              @drawing-input=${(e: CustomEvent<DrawingDetail>) => this.onDrawing(e, false)}
              @drawing-change=${(e: CustomEvent<DrawingDetail>) => this.onDrawing(e, true)}
            ></draw-canvas>
          </div>
          ${drawingProblems.length ? html`<p class="notice" role="status">The drawing in the link could not all be read: ${drawingProblems.join('; ')}.</p>` : nothing}
          ${pic.blank
            ? html`<p class="notice" role="status" data-empty-drawing>
                The drawing is empty: x<sub>0</sub> is all black (−1 everywhere), so x<sub>t</sub> is only noise,
                √(1 − ᾱ<sub>t</sub>)·ε, shifted down by √ᾱ<sub>t</sub>. Paint something.
              </p>`
            : nothing}`
        : nothing}
      <div class="equation" role="group" aria-label="x_t is √ᾱ_t times x₀ plus √(1 − ᾱ_t) times ε">
        <pixel-view id="x0" .rgb=${pic.rgb} alt="x₀: ${pic.alt}" .annotations=${[{ type: 'probe', x, y } as Annotation]}>x<sub>0</sub></pixel-view>
        <div class="op" aria-hidden="true">× ${a.toFixed(2)}<b>+</b></div>
        <pixel-view id="eps" .rgb=${this.epsBytes} alt="ε: Gaussian noise number ${s.seed}">ε</pixel-view>
        <div class="op" aria-hidden="true">× ${b.toFixed(2)}<b>=</b></div>
        <pixel-view
          id="xt"
          .rgb=${this.xtBytes}
          alt="x_t at t = ${s.t}: ${Math.round(a * 100)}% of the picture's amplitude and ${Math.round(b * 100)}% of the noise's"
          .annotations=${[{ type: 'probe', x, y } as Annotation]}
          >x<sub>t</sub></pixel-view
        >
      </div>
      <p class="readout" id="probe" data-x=${x} data-y=${y} data-c=${c} data-x0=${x0v} data-eps=${ev} data-xt=${xtv}>
        The marked pixel (${channel}):
        <span class="math">x<sub>t</sub></span> = ${a.toFixed(3)} × ${fmt(x0v)} + ${b.toFixed(3)} × ${fmt(ev)} = <strong>${fmt(xtv)}</strong>
        <span class="muted">(shown clipped to [−1, 1])</span>
      </p>
      <p class="readout">
        ${term('alphaBar')} = ${fmt(abar, 4)} · √ᾱ<sub>t</sub> = ${fmt(a)} · √(1 − ᾱ<sub>t</sub>) = ${fmt(b)} · ${term('snr')} = ${fmt(abar / (1 - abar))}
      </p>
      <div class="charts">
        <div class="chart">
          <h4>How much picture, how much noise</h4>
          <ul class="keys">
            <li style="--key:${CHART_COLOURS.signal}">√ᾱ<sub>t</sub> = ${fmt(a)}</li>
            <li style="--key:${CHART_COLOURS.noise}">√(1 − ᾱ<sub>t</sub>) = ${fmt(b)}</li>
            <li style="--key:${CHART_COLOURS.accent}">ᾱ<sub>t</sub> = ${fmt(abar)}</li>
          </ul>
          <plot-chart
            id="signal-chart"
            .spec=${curves.signalSpec}
            .overlay=${signalOverlay}
            alt="The ${name}: ᾱ_t, √ᾱ_t and √(1 − ᾱ_t) against t. At t = ${s.t}, ᾱ_t = ${fmt(abar)}, √ᾱ_t = ${fmt(a)}, √(1 − ᾱ_t) = ${fmt(b)}."
          ></plot-chart>
        </div>
        <div class="chart">
          <h4>Signal-to-noise ratio, on a log scale</h4>
          <ul class="keys">
            <li style="--key:${CHART_COLOURS.accent}">${SCHEDULE_NAMES[s.schedule]}${s.zsnr === 'on' ? ', zero SNR' : ''}: ${fmt(ls, 2)}</li>
            <li class="faint" style="--key:${CHART_COLOURS.faint}">the three schedules</li>
          </ul>
          <plot-chart
            id="snr-chart"
            .spec=${curves.snrSpec}
            .overlay=${snrOverlay}
            alt="Log signal-to-noise ratio against t for the ${name}, beside the three plain schedules. At t = ${s.t} it is ${fmt(ls, 2)}."
          ></plot-chart>
        </div>
        <div class="chart">
          <h4>The pixels of x<sub>t</sub> against N(0, 1)</h4>
          <ul class="keys">
            <li style="--key:${CHART_COLOURS.signal}">x<sub>t</sub>: mean ${fmt(stats.mean, 2)}, std ${fmt(stats.std, 2)}</li>
            <li style="--key:${CHART_COLOURS.noise}">N(0, 1)</li>
          </ul>
          <plot-chart
            id="hist-chart"
            .spec=${histSpec}
            .overlay=${histOverlay}
            alt="Histogram of the ${VALUES} values of x_t at t = ${s.t}: mean ${fmt(stats.mean, 2)}, standard deviation ${fmt(stats.std, 2)}, against the standard normal density (mean 0, standard deviation 1)."
          ></plot-chart>
        </div>
      </div>
    `;
  }

  private renderWorld() {
    const s = this.url.state;
    const w = this.world!;
    const caption = s.example === 'on' ? w.caption : s.caption;
    return html`
      <div class="world">
        <div class="stack">
          <div class="field">
            <label for="caption">Caption</label>
            <input
              id="caption"
              type="text"
              maxlength="160"
              autocomplete="off"
              spellcheck="false"
              .value=${caption}
              @input=${(e: Event) => this.url.set({ caption: (e.target as HTMLInputElement).value, example: 'off' })}
            />
          </div>
          <div class="field">
            <label for="examples">Or pick one</label>
            <select
              id="examples"
              @change=${(e: Event) => {
                const v = (e.target as HTMLSelectElement).value;
                if (v) this.url.set({ caption: v, example: 'off' });
                (e.target as HTMLSelectElement).value = '';
              }}
            >
              <option value="">— example captions —</option>
              ${EXAMPLE_CAPTIONS.map((c) => html`<option value=${c}>${c}</option>`)}
            </select>
          </div>
          <div class="row">
            <button type="button" @click=${() => this.url.set({ clip: (s.clip + 1) % 100_000 })}>${s.example === 'on' ? 'Next example' : 'Another sample'}</button>
            ${s.example === 'on'
              ? html`<button type="button" @click=${() => this.url.set({ clip: (s.clip + 99_999) % 100_000 })}>Previous example</button>
                  <button type="button" @click=${() => this.url.set({ example: 'off', caption: w.caption })}>Edit this caption</button>`
              : html`<button type="button" @click=${() => this.url.set({ example: 'on' })}>Show training examples</button>`}
          </div>
          ${w.note ? html`<p class="muted" role="status">${w.note}</p>` : nothing}
          ${w.message ? html`<p class="notice" role="status" id="world-message">${w.message}</p>` : nothing}
          ${w.verdict
            ? html`<p class="verdict ${w.verdict.pass ? 'pass' : 'fail'}" id="verdict">
                <strong>The judge:</strong> ${w.verdict.pass ? `PASS — ${describeReading(w.verdict.reading)}` : `FAIL — ${w.verdict.reasons.join('; ')}`}
              </p>`
            : nothing}
        </div>
        <div>
          ${w.clip
            ? html`<clip-player
                .rgb=${w.clip.frames}
                .frames=${w.clip.numFrames}
                .width=${w.clip.width}
                .height=${w.clip.height}
                .annotations=${w.annotations}
                alt=${`The judge reads: ${describeReading(w.verdict!.reading)}`}
                autoplay
              ></clip-player>`
            : nothing}
        </div>
      </div>
    `;
  }

  render() {
    return html`
      <chapter-section
        .tryThis=${TRY_THIS}
        .references=${REFERENCES}
        @try-this=${this.onTryThis}
      >
        <state-notice .messages=${this.url.messages()}></state-notice>
        <p>
          A diffusion model learns to undo one thing: Gaussian noise added to a picture. Adding it needs no
          learning at all. Take a clean picture ${term('x0')}, pixel values in [−1, 1], and fresh noise
          ${term('eps')}, one standard normal number for every pixel and channel. At timestep ${term('t')},
          from 0 to ${term('T')} − 1 = 999,
        </p>
        <p class="readout" style="font-size:1.1rem">
          ${term('xt')} = √${term('alphaBar')} · ${term('x0')} + √(1 − ${term('alphaBar')}) · ${term('eps')}
        </p>
        <p>
          where ${term('alphaBar')} falls from nearly 1 to nearly 0 as ${term('t')} grows. There is no need to
          add noise step by step: a sum of small Gaussian steps is one Gaussian, so any ${term('xt')} comes in
          one jump. That is why training is cheap: pick a picture, a ${term('t')} and an ${term('eps')}, make
          ${term('xt')}, and ask the network for ${term('eps')} back.
        </p>
        <live-cell label="Noising one picture: the same ε at every t" .params=${NOISING_PARAMS}>${this.renderNoising()}</live-cell>
        <h3>What the schedule decides</h3>
        <p>
          The schedule is the list of per-step variances ${term('beta')}; ${term('alphaBar')} is the product of
          the (1 − β) up to ${term('t')}. DDPM's <em>linear</em> schedule has wiped the picture out by about
          ${term('t')} = 600 and spends the last 400 steps on what is nearly pure noise. The <em>cosine</em>
          schedule lowers ${term('alphaBar')} more gently, so more timesteps see a picture worth denoising.
          Stable Diffusion's <em>scaled linear</em> schedule, made for latents, stops early: at
          ${term('t')} = 999, √ᾱ = 0.068 of the picture is still there. The model learns to use that trace, and
          then, at sampling, starts from pure noise that has none. Rescaling to zero terminal
          ${term('snr')} makes ${term('alphaBar')} exactly 0 at the end, so training and sampling agree.
        </p>
        <p>
          The log-${term('snr')} chart shows the same schedules as paths from high signal to none. Seen that
          way a schedule is only a choice of how many timesteps to spend at each noise level.
        </p>
        <h3>The pixels turn Gaussian</h3>
        <p>
          A Shapes World picture is mostly black, so at ${term('t')} = 0 nearly every pixel value is −1, with a
          few at the colours' values. As ${term('t')} grows the histogram slides towards 0, widens, and
          becomes the bell of N(0, 1). At the end nothing tells ${term('xt')} from ${term('eps')}: that is why
          sampling can start from pure noise.
        </p>
        <h3>The world every model here learns from</h3>
        <p>
          Every model in this explainer is trained on the <em>Shapes World</em>: clips of 8 frames, 32 × 32
          pixels, with one or two coloured circles, squares or triangles, still or moving, and a caption in a
          tiny grammar. A <em>judge</em> reads frames back into objects (colour, shape, size, where they are,
          how they move) and says whether a clip matches a caption. Later chapters use it to score what the
          models make. Type a caption, or step through training examples: the boxes, labels and dashed
          centroid paths are what the judge read.
        </p>
        <live-cell label="The Shapes World, read by the judge" .params=${WORLD_PARAMS}>${this.renderWorld()}</live-cell>
      </chapter-section>
    `;
  }
}

/** Boxes, labels and centroid paths of the judge's reading, per frame, in pixel coordinates. */
function annotate(verdict: Verdict, frames: number): Annotation[][] {
  const out: Annotation[][] = [];
  const tracks = verdict.reading.tracks;
  for (let f = 0; f < frames; f++) {
    const list: Annotation[] = [];
    for (const track of tracks) {
      const path = track.frames.filter((o) => o !== null).map((o) => [o!.centroid[0], o!.centroid[1]] as const);
      if (path.length > 1) list.push({ type: 'path', points: path });
      const o = track.frames[f];
      if (!o) continue;
      list.push({ type: 'box', x0: o.box.x0, y0: o.box.y0, x1: o.box.x1 - 1, y1: o.box.y1 - 1, label: trackNoun(track).replace(/^an? /, '') });
      list.push({ type: 'dot', x: o.centroid[0], y: o.centroid[1] });
    }
    out.push(list);
  }
  return out;
}

declare global {
  interface HTMLElementTagNameMap {
    'chapter-1': Chapter1;
  }
}
