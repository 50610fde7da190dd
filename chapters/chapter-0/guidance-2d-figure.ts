// <guidance-2d-figure>: classifier-free guidance in the plane. The two moons,
// each a class; the conditional, unconditional or guided field of the exact
// denoisers at a timestep, for one class; and DDIM samples, half asking for
// each class, at the reader's guidance scale s, with what the samples measure
// (class share, distance to their class, spread, the early guess's overshoot).
// The math is pipeline/lessons/guidance2d.ts; sampling runs in slices on the
// main thread whenever the scale or seed changes.
import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../../components/widgets/choice-picker';
import '../../components/widgets/labelled-slider';
import '../../components/shell/live-cell';
import '../../components/charts/plot-chart';
import '../../components/widgets/seed-control';
import { FigureRunController } from '../../components/figure/figure-run-controller';
import { setFigureState } from '../../components/figure/figure-state';
import type { LiveCell } from '../../components/shell/live-cell';
import { fieldArrows, labelledPlaneSpec } from '../../components/charts/plane-charts';
import { CHART_COLOURS, OKABE_ITO, type ChartOverlay, type ChartSpec } from '../../components/charts/plot-chart';
import type { SeedDetail } from '../../components/widgets/seed-control';
import { controls, layout, prose } from '../../components/styles';
import {
  GUIDE_MAX_SCALE, GUIDE_PER_CLASS, GUIDE_STEPS, GuidedDenoiser, GuidedSampler, MOON_CLASSES, guessDistance, guidanceField, labelledMoons,
  measureGuided, rmsSpread, type GuidanceMeasures, type MoonClass,
} from '../../pipeline/lessons/guidance2d';
import { chapter0Styles, DATA_POINTS, FIELD_CELLS, schedule, T, type Chapter0State } from './state';

export const CLASS_COLOURS = [OKABE_ITO[0], OKABE_ITO[1]] as const;
const CLASS_NAMES = ['upper moon', 'lower moon'] as const;
/** The state this figure's Reset puts back. */
const GUIDE_PARAMS = ['gscale', 'gfield', 'gclass', 'gt', 'gseed'];
/** Particles of each class whose paths are drawn. */
const GUIDE_TRAILS = 15;

const FIELD_OPTIONS = [
  { value: 'guided', label: 'Guided', description: 'ε̂_u + s·(ε̂_c − ε̂_u)' },
  { value: 'cond', label: 'Conditional', description: 'the class’s points only' },
  { value: 'uncond', label: 'Unconditional', description: 'all the points' },
];
const CLASS_OPTIONS = [
  { value: 'upper', label: 'Upper moon' },
  { value: 'lower', label: 'Lower moon' },
];

let shared: GuidedDenoiser | null = null;
/** The labelled two moons and their three exact denoisers (made once). */
export function guidanceModel(): GuidedDenoiser {
  return (shared ??= new GuidedDenoiser(labelledMoons(DATA_POINTS)));
}

/** A finished guided run: every state, the labels, and what the samples measure. */
export interface GuidedRun {
  key: string;
  path: Float32Array[];
  labels: Uint8Array;
  measures: GuidanceMeasures;
  /** Mean distance of the first step's guided guesses from their class's points. */
  firstGuess: number;
}

const f3 = (v: number) => v.toFixed(3);
const f2 = (v: number) => v.toFixed(2);

@customElement('guidance-2d-figure')
export class Guidance2dFigure extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    chapter0Styles,
    css`
      .pair {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr));
        gap: 0.5rem 1.25rem;
      }
      figure {
        margin: 0;
      }
      figcaption {
        font-weight: 600;
        font-size: 0.95rem;
        margin: 0 0 0.2rem;
      }
    `,
  ];

  @property({ attribute: false }) state!: Chapter0State;

  /** The samples for the current scale and seed, once made. */
  run: GuidedRun | null = null;
  private progress = '';
  private fieldSpec: { key: string; spec: ChartSpec } | null = null;
  private readonly runs = new FigureRunController(this, {
    auto: 'rerun',
    delay: 30,
    staysInView: true,
    key: () => (this.state ? this.sampleKey() : null),
    run: (key, current) => this.sample(key, current),
  });

  ensure() {
    return this.runs.ensure();
  }

  private sampleKey(): string {
    return `${this.state.gscale}|${this.state.gseed}`;
  }

  private get classIndex(): MoonClass {
    return MOON_CLASSES.indexOf(this.state.gclass) === 1 ? 1 : 0;
  }

  private set(partial: Partial<Chapter0State>) {
    setFigureState(this, partial);
  }

  protected willUpdate(_changed: PropertyValues<this>) {
    const s = this.state, model = guidanceModel();
    const key = `${s.gfield}|${s.gclass}|${s.gt}|${s.gfield === 'guided' ? s.gscale : ''}`;
    if (this.fieldSpec?.key !== key) {
      const field = guidanceField(model, s.gfield, schedule.alphasCumprod[s.gt], this.classIndex, s.gscale, FIELD_CELLS);
      const classes = model.data.classes.map((points, c) => ({ points, colour: CLASS_COLOURS[c] }));
      this.fieldSpec = { key, spec: labelledPlaneSpec(classes, (w) => [fieldArrows(field, FIELD_CELLS, w)]) };
    }
  }

  private async sample(key: string, current: () => boolean) {
    const cell = this.renderRoot.querySelector<LiveCell>('live-cell#guidance-cell');
    if (!cell) return;
    const s = this.state, model = guidanceModel();
    const result = await cell.run(async (signal) => {
      const sampler = new GuidedSampler(model, { perClass: GUIDE_PER_CLASS, seed: s.gseed, scale: s.gscale, steps: GUIDE_STEPS, schedule });
      let sliceStart = performance.now();
      while (sampler.step()) {
        if (performance.now() - sliceStart > 12) {
          this.progress = `sampling: step ${sampler.taken} of ${GUIDE_STEPS}…`;
          this.requestUpdate();
          await new Promise((done) => setTimeout(done, 0));
          if (signal.aborted) return null;
          sliceStart = performance.now();
        }
      }
      const firstGuess = guessDistance(model, sampler.path[0], GUIDE_PER_CLASS, schedule.alphasCumprod[sampler.timesteps[0]], s.gscale);
      return { key, path: sampler.path, labels: sampler.labels, measures: measureGuided(sampler.current, sampler.labels, model.data), firstGuess };
    });
    this.progress = '';
    if (result && current()) this.run = result;
    this.requestUpdate();
  }

  private samplesOverlay(run: GuidedRun): ChartOverlay[] {
    const out: ChartOverlay[] = [];
    const end = run.path[run.path.length - 1], half = 2 * GUIDE_PER_CLASS;
    for (const c of [0, 1]) {
      const paths = Array.from({ length: GUIDE_TRAILS }, (_, j) => {
        const p = new Float32Array(2 * run.path.length), i = c * GUIDE_PER_CLASS + j;
        run.path.forEach((x, k) => {
          p[2 * k] = x[2 * i];
          p[2 * k + 1] = x[2 * i + 1];
        });
        return p;
      });
      out.push({ type: 'paths', paths, stroke: CLASS_COLOURS[c], opacity: 0.3, width: 1 });
      out.push({ type: 'points', xy: end.subarray(c * half, (c + 1) * half), fill: CLASS_COLOURS[c], r: 2.3, opacity: 0.85 });
    }
    return out;
  }

  private samplesSpec(): ChartSpec {
    return this.runs.memo('samples', 'moons', () => labelledPlaneSpec(guidanceModel().data.classes.map((points, c) => ({ points, colour: CLASS_COLOURS[c] }))));
  }

  render() {
    const s = this.state;
    const run = this.run?.key === this.sampleKey() ? this.run : null;
    const data = guidanceModel().data;
    const dataSpread = (rmsSpread(data.classes[0].xy) + rmsSpread(data.classes[1].xy)) / 2;
    const fieldName = FIELD_OPTIONS.find((o) => o.value === s.gfield)!.label.toLowerCase();
    const m = run?.measures;
    const n = 2 * GUIDE_PER_CLASS;
    return html`<live-cell id="guidance-cell" label="Guidance in two dimensions" .params=${GUIDE_PARAMS}><div class="cell-body">
      <div class="controls">
        <labelled-slider
          label="Guidance scale s"
          min="0"
          max=${GUIDE_MAX_SCALE}
          step="0.25"
          number-box
          .value=${s.gscale}
          .format=${(v: number) => `s = ${v}`}
          @value-change=${(e: CustomEvent<{ value: number }>) => this.set({ gscale: e.detail.value })}
        ></labelled-slider>
        <seed-control .value=${s.gseed} .format=${(v: number) => `#${v}`} basis="12rem" @seed-change=${(e: CustomEvent<SeedDetail>) => this.set({ gseed: e.detail.value })}></seed-control>
        <choice-picker label="Field drawn" .options=${FIELD_OPTIONS} .value=${s.gfield} @choice-change=${(e: CustomEvent<{ value: string }>) => this.set({ gfield: e.detail.value as Chapter0State['gfield'] })}></choice-picker>
        <choice-picker label="For the class" .options=${CLASS_OPTIONS} .value=${s.gclass} @choice-change=${(e: CustomEvent<{ value: string }>) => this.set({ gclass: e.detail.value as Chapter0State['gclass'] })}></choice-picker>
        <labelled-slider
          label="Field shown at t"
          min="0"
          max=${T - 1}
          number-box
          .value=${s.gt}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.set({ gt: e.detail.value })}
        ></labelled-slider>
      </div>
      <ul class="keys" aria-hidden="true">
        <li style="--key:${CLASS_COLOURS[0]}">upper moon, and samples asking for it</li>
        <li style="--key:${CLASS_COLOURS[1]}">lower moon, and samples asking for it</li>
        <li class="arrow" style="--key:${CHART_COLOURS.field}">towards the guess x̂₀</li>
      </ul>
      <div class="pair">
        <figure>
          <figcaption>The ${fieldName} field at t = ${s.gt}, ${CLASS_NAMES[this.classIndex]}</figcaption>
          <plot-chart
            id="guidance-field"
            .spec=${this.fieldSpec!.spec}
            alt="The two moons, upper in blue and lower in vermillion, with arrows from each place towards the ${fieldName} denoiser's guess x̂₀ for the ${CLASS_NAMES[this.classIndex]} at t = ${s.gt}${s.gfield === 'guided' ? ` and s = ${s.gscale}` : ''}."
          ></plot-chart>
        </figure>
        <figure>
          <figcaption>Samples: DDIM, ${GUIDE_STEPS} steps, s = ${s.gscale}</figcaption>
          <plot-chart
            id="guidance-samples"
            .spec=${this.samplesSpec()}
            .overlay=${run ? this.samplesOverlay(run) : []}
            alt="${n} samples at guidance scale ${s.gscale} from seed ${s.gseed}, half asking for each moon${m ? `: ${Math.round(100 * m.classShare)}% nearer their own class, spread ${f2(m.spread)}` : ' (computing)'}."
          ></plot-chart>
        </figure>
      </div>
      <p class="readout" id="guidance-readout" role="status">
        ${this.progress
          ? this.progress
          : m && run
            ? html`At s = ${s.gscale}, <strong>${Math.round(m.classShare * n)} of ${n}</strong> samples (${Math.round(100 * m.classShare)}%) lie nearer a
                training point of their own class than of the other, on average <strong>${f3(m.meanDistance)}</strong> from the nearest one of
                their class. Spread (RMS distance from their class's mean): <strong>${f2(m.spread)}</strong>, the data's ${f2(dataSpread)}. At the
                first step the guided guess x̂₀ lies <strong>${f2(run.firstGuess)}</strong> from the class's points on average.`
            : ''}
      </p>
    </div></live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'guidance-2d-figure': Guidance2dFigure;
  }
}
