// <flow-2d-figure>: flow matching beside DDIM in the plane. From the same
// starting noise, the exact flow of the data set sampled with Euler steps and
// the exact denoiser sampled with DDIM, each with the reader's number of steps
// (bold) over its 500-step path (faint); how far each one's samples are from
// where 500 steps take them, against the number of steps; and how straight the
// paths are. The math is pipeline/lessons/flow2d.ts; the work runs in slices on
// the main thread, the many-step measurement once a data set and seed.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../../components/widgets/labelled-slider';
import '../../components/shell/live-cell';
import '../../components/charts/plot-chart';
import '../../components/widgets/seed-control';
import { FigureRunController } from '../../components/figure/figure-run-controller';
import { setFigureState } from '../../components/figure/figure-state';
import type { LiveCell } from '../../components/shell/live-cell';
import { planeSpec, stepErrorSpec } from '../../components/charts/plane-charts';
import { CHART_COLOURS, OKABE_ITO, type ChartOverlay, type ChartSpec } from '../../components/charts/plot-chart';
import type { SeedDetail } from '../../components/widgets/seed-control';
import { controls, layout, prose } from '../../components/styles';
import {
  FLOW_MAX_STEPS, FLOW_PARTICLES, FLOW_REFERENCE_STEPS, FLOW_STEP_COUNTS, FLOW_TOLERANCE, compareFlowDdim, meanPairDistance, samplerPair, stepsToReach,
  type FlowComparison,
} from '../../pipeline/lessons/flow2d';
import { chapter0Styles, schedule, type Chapter0State, type DataSet } from './state';

/** The state this figure's Reset puts back. */
const FLOW_PARAMS = ['fsteps', 'fseed'];
/** Particles whose paths are drawn, in each plane. */
const FLOW_TRAILS = 30;
export const FLOW_COLOUR = OKABE_ITO[0];
export const DDIM_COLOUR = OKABE_ITO[1];

/** The runs with the reader's number of steps: every state of both samplers. */
export interface FlowStepRun {
  key: string;
  steps: number;
  flow: Float32Array[];
  ddim: Float32Array[];
}

/** The first `count` particles' paths through `states` (one polyline each). */
function trails(states: readonly Float32Array[], count: number): Float32Array[] {
  return Array.from({ length: count }, (_, j) => {
    const p = new Float32Array(2 * states.length);
    states.forEach((s, k) => {
      p[2 * k] = s[2 * j];
      p[2 * k + 1] = s[2 * j + 1];
    });
    return p;
  });
}

const f3 = (v: number) => v.toFixed(3);
const f2 = (v: number) => v.toFixed(2);

@customElement('flow-2d-figure')
export class Flow2dFigure extends LitElement {
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
      .keys li.wide-key::before {
        height: 0.35rem;
        vertical-align: 0.1em;
      }
      .errors {
        max-width: 40rem;
        margin-top: 0.75rem;
      }
    `,
  ];

  @property({ attribute: false }) state!: Chapter0State;
  /** The chapter's data set (the forward and sampling figures get the same). */
  @property({ attribute: false }) dataSet!: DataSet;

  /** The runs with the chosen number of steps, once made. */
  stepRun: FlowStepRun | null = null;
  /** The many-step measurement for the data set and seed, once made. */
  comparison: (FlowComparison & { key: string }) | null = null;
  /** The measurement under way: kept across runs, so moving the steps slider does not restart it. */
  private pending: { key: string; gen: Generator<number, FlowComparison> } | null = null;
  private progress = '';
  private readonly runs = new FigureRunController(this, {
    auto: 'rerun',
    delay: 30,
    staysInView: true,
    key: () => (this.state && this.dataSet ? this.stepKey() : null),
    run: (key, current) => this.make(key, current),
  });

  /** Runs the figure for the current state (for tests and "try this"). */
  ensure() {
    return this.runs.ensure();
  }

  private comparisonKey(): string {
    return `${this.dataSet.key}|${this.state.fseed}`;
  }

  private stepKey(): string {
    return `${this.comparisonKey()}|${this.state.fsteps}`;
  }

  /** How far the chosen runs' samples are from the 500-step samples of the same start (null until both are made). */
  get errors(): { flow: number; ddim: number } | null {
    const r = this.stepRun, c = this.comparison;
    if (!r || !c || r.key !== this.stepKey() || c.key !== this.comparisonKey()) return null;
    return {
      flow: meanPairDistance(r.flow[r.flow.length - 1], c.flowReference[c.flowReference.length - 1]),
      ddim: meanPairDistance(r.ddim[r.ddim.length - 1], c.ddimReference[c.ddimReference.length - 1]),
    };
  }

  private set(partial: Partial<Chapter0State>) {
    setFigureState(this, partial);
  }

  private async make(key: string, current: () => boolean) {
    const cell = this.renderRoot.querySelector<LiveCell>('live-cell#flow-cell');
    const data = this.dataSet.points, denoiser = this.dataSet.denoiser;
    if (!cell) return;
    if (data.n === 0 || !denoiser) {
      cell.clearError();
      this.requestUpdate();
      return;
    }
    const s = this.state, ckey = this.comparisonKey(), steps = s.fsteps;
    await cell.run(async (signal) => {
      let sliceStart = performance.now();
      const tick = async (what: string) => {
        if (performance.now() - sliceStart < 12) return true;
        this.progress = what;
        this.requestUpdate();
        await new Promise((done) => setTimeout(done, 0));
        sliceStart = performance.now();
        return !signal.aborted;
      };
      if (this.stepRun?.key !== key) {
        const pair = samplerPair({ data, particles: FLOW_PARTICLES, seed: s.fseed, schedule, denoiser }, steps);
        while (pair.flow.step()) if (!(await tick(`sampling: ${steps} steps…`))) return;
        while (pair.ddim.step()) if (!(await tick(`sampling: ${steps} steps…`))) return;
        if (!current()) return;
        this.stepRun = { key, steps, flow: pair.flow.path, ddim: pair.ddim.path };
        this.requestUpdate();
      }
      if (this.comparison?.key !== ckey) {
        if (this.pending?.key !== ckey) {
          this.pending = {
            key: ckey,
            gen: compareFlowDdim({ data, denoiser, particles: FLOW_PARTICLES, seed: s.fseed, schedule, stepCounts: FLOW_STEP_COUNTS, referenceSteps: FLOW_REFERENCE_STEPS }),
          };
        }
        const { gen } = this.pending;
        for (let done = 0; ; done++) {
          const r = gen.next();
          if (r.done) {
            this.comparison = { ...r.value, key: ckey };
            this.pending = null;
            break;
          }
          if (!(await tick(`measuring against ${FLOW_REFERENCE_STEPS} steps: ${Math.round((100 * done) / MEASURE_STEPS)}%…`))) return;
        }
      }
    });
    this.progress = '';
    this.requestUpdate();
  }

  private planeFor(key: string): ChartSpec {
    return this.runs.memo('plane', key, () => planeSpec(this.dataSet.points));
  }

  private overlay(which: 'flow' | 'ddim'): ChartOverlay[] {
    const colour = which === 'flow' ? FLOW_COLOUR : DDIM_COLOUR;
    const out: ChartOverlay[] = [];
    const c = this.comparison?.key === this.comparisonKey() ? this.comparison : null;
    if (c) out.push({ type: 'paths', paths: trails(which === 'flow' ? c.flowReference : c.ddimReference, FLOW_TRAILS), stroke: colour, opacity: 0.2, width: 3.5 });
    const r = this.stepRun?.key === this.stepKey() ? this.stepRun : null;
    if (r) {
      const states = which === 'flow' ? r.flow : r.ddim;
      out.push({ type: 'paths', paths: trails(states, FLOW_TRAILS), stroke: CHART_COLOURS.ink, opacity: 0.7, width: 1 });
      out.push({ type: 'points', xy: states[states.length - 1], fill: colour, r: 2.2, opacity: 0.8 });
    }
    return out;
  }

  private plane(which: 'flow' | 'ddim', title: string) {
    const s = this.state;
    const r = this.stepRun?.key === this.stepKey() ? this.stepRun : null;
    return html`<figure>
      <figcaption>${title}</figcaption>
      <plot-chart
        id="${which}-chart"
        .spec=${this.planeFor(this.dataSet.key)}
        .overlay=${this.overlay(which)}
        alt="${FLOW_PARTICLES} particles from seed ${s.fseed}, ${which === 'flow' ? 'flow matching with Euler steps' : 'DDIM'}, ${s.fsteps} step${s.fsteps > 1 ? 's' : ''}${r ? '' : ' (computing)'}; the paths of ${FLOW_TRAILS} as thin lines with these steps, and as wide pale ones with ${FLOW_REFERENCE_STEPS}."
      ></plot-chart>
    </figure>`;
  }

  render() {
    const s = this.state;
    const empty = this.dataSet.points.n === 0;
    const c = this.comparison?.key === this.comparisonKey() ? this.comparison : null;
    const e = this.errors;
    const errorSpec = c
      ? this.runs.memo('errors', c, () =>
          stepErrorSpec(
            [
              { name: 'flow (Euler)', colour: FLOW_COLOUR, steps: c.stepCounts, error: c.flowError },
              { name: 'DDIM', colour: DDIM_COLOUR, steps: c.stepCounts, error: c.ddimError },
            ],
            `↑ distance to the ${FLOW_REFERENCE_STEPS}-step samples`,
          ),
        )
      : null;
    const reach = c ? { flow: stepsToReach(c.stepCounts, c.flowError, FLOW_TOLERANCE), ddim: stepsToReach(c.stepCounts, c.ddimError, FLOW_TOLERANCE) } : null;
    const st = c?.straightness;
    return html`<live-cell id="flow-cell" label="Flow matching beside DDIM" .params=${FLOW_PARAMS}><div class="cell-body">
      <div class="controls">
        <labelled-slider
          label="Steps, each sampler"
          min="1"
          max=${FLOW_MAX_STEPS}
          number-box
          .value=${s.fsteps}
          .format=${(v: number) => `${v} step${v > 1 ? 's' : ''}`}
          @value-change=${(ev: CustomEvent<{ value: number }>) => this.set({ fsteps: ev.detail.value })}
        ></labelled-slider>
        <seed-control
          .value=${s.fseed}
          .format=${(v: number) => `#${v}`}
          basis="12rem"
          @seed-change=${(ev: CustomEvent<SeedDetail>) => this.set({ fseed: ev.detail.value })}
        ></seed-control>
      </div>
      ${empty ? html`<p class="notice" role="status">Nothing to sample: draw some points above first.</p>` : nothing}
      <ul class="keys" aria-hidden="true">
        <li style="--key:${CHART_COLOURS.data}">data points</li>
        <li style="--key:${FLOW_COLOUR}">flow matching</li>
        <li style="--key:${DDIM_COLOUR}">DDIM</li>
        <li class="arrow" style="--key:${CHART_COLOURS.ink}">the paths of ${FLOW_TRAILS}, with these steps</li>
        <li class="arrow wide-key" style="--key:${CHART_COLOURS.faint}">the same paths, ${FLOW_REFERENCE_STEPS} steps</li>
      </ul>
      <div class="pair">${this.plane('flow', 'Flow matching, Euler steps from t = 1')}${this.plane('ddim', 'DDIM (η = 0) from t = 999')}</div>
      <p class="readout" id="flow-readout" role="status">
        ${this.progress
          ? this.progress
          : e && reach
            ? html`With ${s.fsteps} step${s.fsteps > 1 ? 's' : ''}, the flow's samples lie on average <strong>${f3(e.flow)}</strong> from where
                ${FLOW_REFERENCE_STEPS} steps take the same start, DDIM's <strong>${f3(e.ddim)}</strong>. Within ${FLOW_TOLERANCE}:
                from ${reach.flow ?? `more than ${FLOW_MAX_STEPS}`} steps for the flow, ${reach.ddim ?? `more than ${FLOW_MAX_STEPS}`} for DDIM.`
            : ''}
      </p>
      <div class="errors">
        ${errorSpec
          ? html`<plot-chart
              id="flow-errors"
              .spec=${errorSpec}
              .overlay=${[{ type: 'ruleX', x: s.fsteps, label: `${s.fsteps}` } satisfies ChartOverlay]}
              alt="Mean distance of each sampler's samples to its ${FLOW_REFERENCE_STEPS}-step samples, against the number of steps (both axes logarithmic): flow ${c!.flowError.map(f3).join(', ')}; DDIM ${c!.ddimError.map(f3).join(', ')} at ${c!.stepCounts.join(', ')} steps."
            ></plot-chart>`
          : nothing}
      </div>
      <p class="readout" id="flow-straightness">
        ${st
          ? html`Path length ÷ distance from start to end (1 is a straight line; median of the ${FLOW_PARTICLES} particles, ${FLOW_REFERENCE_STEPS}-step paths):
              whole paths, flow <strong>${f2(st.flow)}</strong>, DDIM <strong>${f2(st.ddim)}</strong>; the last stretch, from where the noise is half the
              signal, flow <strong>${f2(st.flowLate)}</strong>, DDIM <strong>${f2(st.ddimLate)}</strong>.`
          : ''}
      </p>
    </div></live-cell>`;
  }
}

/** Sampler steps in one measurement: both references and both samplers at every measured count. */
const MEASURE_STEPS = 2 * (FLOW_REFERENCE_STEPS + FLOW_STEP_COUNTS.reduce((a, b) => a + b, 0));

declare global {
  interface HTMLElementTagNameMap {
    'flow-2d-figure': Flow2dFigure;
  }
}
