// <noising-figure>: a Shapes World picture or the reader's drawing x₀ noised to
// x_t = √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε with the same ε at every t; one pixel's sum
// spelled out; the schedule (linear, scaled linear, cosine, and the
// zero-terminal-SNR rescale) as ᾱ_t, √ᾱ_t, √(1 − ᾱ_t) and log-SNR curves;
// and the histogram of x_t's values against N(0, 1). Arithmetic only.
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../../components/widgets/choice-picker';
import '../../components/widgets/draw-canvas';
import '../../components/widgets/labelled-slider';
import '../../components/shell/live-cell';
import '../../components/widgets/picture-picker';
import '../../components/widgets/pixel-view';
import '../../components/charts/plot-chart';
import '../../components/widgets/seed-control';
import type { DrawingDetail } from '../../components/widgets/draw-canvas';
import { setFigureState } from '../../components/figure/figure-state';
import { coefficientsSpec, histogramSpec, HIST_BINS, HIST_HI, HIST_LO, logSnr, logSnrRows, logSnrSpec, scheduleRows } from '../../components/charts/noising-charts';
import { term } from '../../components/shell/notation';
import type { PictureChangeDetail } from '../../components/widgets/picture-picker';
import type { Annotation } from '../../components/widgets/pixel-view';
import { CHART_COLOURS, type ChartOverlay, type ChartSpec } from '../../components/charts/plot-chart';
import type { SeedDetail } from '../../components/widgets/seed-control';
import { controls, layout, lineKeys, prose } from '../../components/styles';
import { checks } from '../../components/styles/checks';
import { BETA_SCHEDULES, addNoise, makeSchedule, type BetaSchedule, type NoiseSchedule } from '../../pipeline/diffusion';
import { decodeDrawing, encodeDrawing } from '../../pipeline/drawing';
import { bytesToModel, histogramDensity, meanStd, modelToBytes, type Histogram } from '../../pipeline/pixels';
import { createRandom, fillNormal } from '../../pipeline/random';
import { chapter1Styles, fmt, NOISING_PARAMS, pictureKey, pictureOf, SCHEDULE_NAMES, SIZE, T, VALUES, type Chapter1State, type Picture } from './state';

const SCHEDULE_OPTIONS = [
  { value: 'linear', label: 'Linear', description: 'DDPM: β from 0.0001 to 0.02' },
  { value: 'scaled_linear', label: 'Scaled linear', description: 'Stable Diffusion: √β from √0.00085 to √0.012' },
  { value: 'squaredcos_cap_v2', label: 'Cosine', description: 'Nichol and Dhariwal: squaredcos_cap_v2' },
];
const SOURCE_OPTIONS = [
  { value: 'world', label: 'From the world' },
  { value: 'drawing', label: 'Draw your own' },
];

/** Log-SNR of the three plain schedules, faint in the background of the log-SNR chart. */
let baseline: ReturnType<typeof logSnrRows> | null = null;
const baselineCurves = () =>
  (baseline ??= logSnrRows(Object.fromEntries(BETA_SCHEDULES.map((b) => [SCHEDULE_NAMES[b], makeSchedule({ betaSchedule: b }).alphasCumprod]))));

/** A schedule and its two charts. */
interface Curves {
  key: string;
  schedule: NoiseSchedule;
  signalSpec: ChartSpec;
  snrSpec: ChartSpec;
}

function makeCurves(schedule: BetaSchedule, zsnr: boolean): Curves {
  const s = makeSchedule({ betaSchedule: schedule, rescaleBetasZeroSnr: zsnr });
  const rows = scheduleRows(s.alphasCumprod);
  const name = `${SCHEDULE_NAMES[schedule]}${zsnr ? ', zero SNR' : ''}`;
  return { key: `${schedule}|${zsnr}`, schedule: s, signalSpec: coefficientsSpec(rows), snrSpec: logSnrSpec(rows, name, baselineCurves()) };
}

@customElement('noising-figure')
export class NoisingFigure extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    checks,
    lineKeys,
    chapter1Styles,
    css`
      .controls {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr));
        gap: 0.9rem 1.5rem;
        align-items: start;
        margin-bottom: 1rem;
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
        /* a phone: two rows, so each picture gets about half the width: x₀ × a + ε, then × b = x_t under ε */
        .equation {
          grid-template-columns: minmax(0, 1fr) auto minmax(0, 1fr);
          gap: 0.3rem 0.4rem;
        }
        .equation > #xt {
          grid-column: 3;
          grid-row: 2;
        }
        .equation > .op.eq {
          grid-column: 1 / 3;
          grid-row: 2;
          justify-self: end;
        }
        .op {
          font-size: 0.8rem;
        }
        .op b {
          font-size: 1.1rem;
        }
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
      .drawing {
        max-width: 40rem;
        margin-bottom: 0.75rem;
      }
    `,
  ];

  @property({ attribute: false }) state!: Chapter1State;

  /** The schedule of the state, with its charts. */
  curves: Curves | null = null;
  /** The picture x₀, as bytes and (below) as model values. */
  picture: Picture | null = null;
  readonly x0 = new Float32Array(VALUES);
  /** ε for the seed, x_t for the state (model values). */
  eps: Float32Array | null = null;
  readonly xt = new Float32Array(VALUES);
  private epsSeed = -1;
  private epsBytes: Uint8Array = new Uint8Array(VALUES);
  private xtBytes: Uint8Array = new Uint8Array(VALUES);
  private hist: Histogram | undefined;
  private drawn: { text: string; indices: Uint8Array } | null = null;

  /** ᾱ_t of the state's schedule. */
  get alphaBar(): number {
    return this.curves?.schedule.alphasCumprod[this.state.t] ?? NaN;
  }

  private set(partial: Partial<Chapter1State>) {
    setFigureState(this, partial);
  }

  protected willUpdate(_changed: PropertyValues<this>) {
    const s = this.state;
    const key = `${s.schedule}|${s.zsnr === 'on'}`;
    if (this.curves?.key !== key) this.curves = makeCurves(s.schedule, s.zsnr === 'on');
    if (this.picture?.key !== pictureKey(s)) {
      this.picture = pictureOf(s);
      bytesToModel(this.picture.rgb.subarray(0, VALUES), this.x0);
    }
    if (!this.eps || this.epsSeed !== s.seed) {
      this.eps = fillNormal(createRandom(s.seed), new Float32Array(VALUES));
      this.epsSeed = s.seed;
      modelToBytes(this.eps, this.epsBytes);
      this.epsBytes = this.epsBytes.slice(); // a new array, so the view redraws
    }
    addNoise(this.x0, this.eps, this.curves.schedule.alphasCumprod[s.t], this.xt);
    this.xtBytes = modelToBytes(this.xt, new Uint8Array(VALUES));
    this.hist = histogramDensity(this.xt, HIST_LO, HIST_HI, HIST_BINS, this.hist);
  }

  /** The drawing's pixels for the canvas; the same array while the text is the same. */
  private drawingIndices(text: string): Uint8Array {
    if (this.drawn?.text !== text) this.drawn = { text, indices: decodeDrawing(text, SIZE * SIZE).indices };
    return this.drawn.indices;
  }

  private onDrawing(e: CustomEvent<DrawingDetail>, commit: boolean) {
    this.set({ drawing: encodeDrawing(e.detail.indices), source: 'drawing' });
    if (commit) this.dispatchEvent(new CustomEvent('drawing-committed'));
  }

  private renderDrawing(pic: Picture) {
    return html`<div class="drawing">
        <draw-canvas
          label="Your picture x₀"
          .indices=${this.drawingIndices(this.state.drawing)}
          @drawing-input=${(e: CustomEvent<DrawingDetail>) => this.onDrawing(e, false)}
          @drawing-change=${(e: CustomEvent<DrawingDetail>) => this.onDrawing(e, true)}
        ></draw-canvas>
      </div>
      ${pic.problems.length ? html`<p class="notice" role="status">The drawing in the link could not all be read: ${pic.problems.join('; ')}.</p>` : nothing}
      ${pic.blank
        ? html`<p class="notice" role="status" data-empty-drawing>
            The drawing is empty: x<sub>0</sub> is all black (−1 everywhere), so x<sub>t</sub> is only noise,
            √(1 − ᾱ<sub>t</sub>)·ε, shifted down by √ᾱ<sub>t</sub>. Paint something.
          </p>`
        : nothing}`;
  }

  render() {
    const s = this.state;
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
    return html`<live-cell label="Noising one picture: the same ε at every t" .params=${NOISING_PARAMS}>
      <div class="controls">
        <picture-picker
          label="Picture"
          .options=${SOURCE_OPTIONS}
          .source=${s.source}
          .seed=${s.image}
          next-label="New picture"
          caption="picture #${s.image}"
          @picture-change=${(e: CustomEvent<PictureChangeDetail>) =>
            this.set(e.detail.source !== undefined ? { source: e.detail.source as Chapter1State['source'] } : { image: e.detail.seed })}
        ></picture-picker>
        <div class="stack">
          <choice-picker
            label="Noise schedule"
            .options=${SCHEDULE_OPTIONS}
            .value=${s.schedule}
            @choice-change=${(e: CustomEvent<{ value: string }>) => this.set({ schedule: e.detail.value as BetaSchedule })}
          ></choice-picker>
          <label class="check">
            <input type="checkbox" .checked=${s.zsnr === 'on'} @change=${(e: Event) => this.set({ zsnr: (e.target as HTMLInputElement).checked ? 'on' : 'off' })} />
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
          @value-input=${(e: CustomEvent<{ value: number }>) => this.set({ t: e.detail.value })}
        ></labelled-slider>
        <seed-control
          class="wide"
          label="Noise seed"
          live
          next="New noise"
          basis="16rem"
          .value=${s.seed}
          .format=${(v: number) => `ε #${v}`}
          @seed-change=${(e: CustomEvent<SeedDetail>) => this.set({ seed: e.detail.value })}
        ></seed-control>
      </div>
      ${s.source === 'drawing' ? this.renderDrawing(pic) : nothing}
      <div class="equation" role="group" aria-label="x_t is √ᾱ_t times x₀ plus √(1 − ᾱ_t) times ε">
        <pixel-view id="x0" .rgb=${pic.rgb} alt="x₀: ${pic.alt}" .annotations=${[{ type: 'probe', x, y } as Annotation]}>x<sub>0</sub></pixel-view>
        <div class="op" aria-hidden="true">× ${a.toFixed(2)}<b>+</b></div>
        <pixel-view id="eps" .rgb=${this.epsBytes} alt="ε: Gaussian noise number ${s.seed}">ε</pixel-view>
        <div class="op eq" aria-hidden="true">× ${b.toFixed(2)}<b>=</b></div>
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
            .spec=${histogramSpec()}
            .overlay=${histOverlay}
            alt="Histogram of the ${VALUES} values of x_t at t = ${s.t}: mean ${fmt(stats.mean, 2)}, standard deviation ${fmt(stats.std, 2)}, against the standard normal density (mean 0, standard deviation 1)."
          ></plot-chart>
        </div>
      </div>
    </live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'noising-figure': NoisingFigure;
  }
}
