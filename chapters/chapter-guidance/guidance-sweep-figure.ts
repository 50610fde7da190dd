// <guidance-sweep-figure>: what guidance buys and what it costs, measured: a
// few seeds of the guidance prompt at each scale of the sweep, the judge's pass
// rate (with Wilson intervals) and the samples' diversity against the scale
// (pipeline/lessons/guidance-sweep.ts). Runs when the reader presses the button.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../../components/widgets/labelled-slider';
import '../../components/shell/live-cell';
import '../../components/charts/plot-chart';
import { diversitySpec, passRateSpec } from '../../components/charts/conditioning-charts';
import { FigureRunController } from '../../components/figure/figure-run-controller';
import { setFigureState } from '../../components/figure/figure-state';
import type { LiveCell } from '../../components/shell/live-cell';
import type { ModelController } from '../../components/controllers/model-controller';
import { controls, layout, prose } from '../../components/styles';
import { summariseSweep, SWEEP_SCALES, wilson, type ScalePoint, type SweepSample } from '../../pipeline/lessons/guidance-sweep';
import { conditioningStyles, STEPS } from '../shared/conditioning';
import { fmtScale, type ChapterGuidanceState } from './state';

export interface SweepResult {
  /** gprompt|gneg|gseed|gseeds */
  key: string;
  samples: SweepSample[];
  of: number;
}

@customElement('guidance-sweep-figure')
export class GuidanceSweepFigure extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    conditioningStyles,
    css`
      .charts {
        display: grid;
        grid-template-columns: repeat(2, minmax(0, 1fr));
        gap: 1rem 1.5rem;
      }
      @media (max-width: 40rem) {
        .charts {
          grid-template-columns: minmax(0, 1fr);
        }
      }
    `,
  ];

  @property({ attribute: false }) state!: ChapterGuidanceState;
  @property({ attribute: false }) models!: ModelController;

  /** The samples made so far, each judged, and the state they are for. */
  @state() result: SweepResult | null = null;
  private readonly runs = new FigureRunController(this, {
    auto: 'off',
    key: () => (this.state ? this.key : null),
    run: (key, current) => this.sweep(key, current),
  });

  /** The state the sweep depends on: prompt, negative prompt, first seed, seeds. */
  get key(): string {
    const s = this.state;
    return `${s.gprompt}|${s.gneg}|${s.gseed}|${s.gseeds}`;
  }

  /** Makes and judges every sample of the sweep, unless made: resolves when the charts are shown. */
  ensure(): Promise<unknown> {
    return this.runs.ensure();
  }

  private cell(): LiveCell {
    return this.renderRoot.querySelector<LiveCell>('live-cell#sweep')!;
  }

  private async sweep(key: string, current: () => boolean) {
    const s = this.state;
    const samples: SweepSample[] = [];
    const of = SWEEP_SCALES.length * s.gseeds;
    this.result = { key, samples, of };
    await this.models.runTask(this.cell(), async ({ request }) => {
      for (let k = 0; k < s.gseeds; k++) {
        const seed = (s.gseed + k) % 100_000;
        for (const scale of SWEEP_SCALES) {
          const clip = await request({ kind: 'generate', options: { prompt: s.gprompt, negativePrompt: s.gneg || undefined, model: 'dit', seed, steps: STEPS, frames: 1, guidance: scale } });
          if (!current()) return;
          samples.push({ scale, seed, frames: clip.frames, verdict: clip.verdict });
          this.result = { key, samples: [...samples], of };
        }
      }
    });
  }

  private renderBody() {
    const s = this.state;
    const sw = this.result;
    const fresh = sw && sw.key === this.key ? sw : null;
    const points: ScalePoint[] = sw ? summariseSweep(sw.samples) : [];
    const done = points.filter((p) => p.n > 0);
    const ci = done.map((p) => ({ scale: p.scale, lo: wilson(p.passed, p.n)[0], hi: wilson(p.passed, p.n)[1] }));
    const passSpec = done.length ? passRateSpec(done, ci) : null;
    const divSpec = done.length ? diversitySpec(done) : null;
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
          @value-change=${(e: CustomEvent<{ value: number }>) => setFigureState<ChapterGuidanceState>(this, { gseeds: e.detail.value })}
        ></labelled-slider>
        <div class="row">
          <button type="button" id="run-sweep" @click=${() => void this.ensure()}>Make ${total} images</button>
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

  render() {
    return html`<live-cell id="sweep" label="The judge's pass rate and the samples' diversity against the guidance scale">${this.renderBody()}</live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'guidance-sweep-figure': GuidanceSweepFigure;
  }
}
