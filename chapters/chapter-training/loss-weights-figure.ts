// <loss-weights-figure>: what the ε-, x₀- and v-losses weigh the x₀ error by
// at each t, and min-SNR-5, on the DiT's schedule (pipeline/lessons/training-step.ts
// lossWeights), with the reader's t marked and the numbers at it. No model.
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../../components/charts/plot-chart';
import '../../components/shell/live-cell';
import type { ChartOverlay } from '../../components/charts/plot-chart';
import { WEIGHT_KEYS, weightingsSpec } from '../../components/charts/training-charts';
import { lineKeys, prose } from '../../components/styles';
import { lossWeights, minSnrWeight } from '../../pipeline/lessons/training-step';
import { scheduleOf, type Manifest } from '../../pipeline/runtime/manifest';
import { fmt, MODEL, trainingStyles, type ChapterTrainingState } from './state';

@customElement('loss-weights-figure')
export class LossWeightsFigure extends LitElement {
  static styles = [prose, lineKeys, trainingStyles, css``];

  @property({ attribute: false }) state!: ChapterTrainingState;
  @property({ attribute: false }) manifest: Manifest | null = null;

  /** The chart for the manifest it was made from (made once: t is an overlay). */
  private chart: { manifest: Manifest; abar: Float64Array; spec: ReturnType<typeof weightingsSpec> } | null = null;

  /** ᾱ of the DiT's schedule, once the manifest is read. */
  private abar(): Float64Array | null {
    const m = this.manifest;
    if (!m?.models[MODEL]) return null;
    if (this.chart?.manifest !== m) {
      const abar = scheduleOf(m, MODEL).alphasCumprod;
      this.chart = { manifest: m, abar, spec: weightingsSpec(abar) };
    }
    return this.chart.abar;
  }

  /** The weights at the reader's t (for tests and the answers). */
  get atT() {
    const abar = this.abar();
    if (!abar) return null;
    const a = abar[this.state.t];
    return { t: this.state.t, alphaBar: a, ...lossWeights(a), onV: minSnrWeight(a) };
  }

  render() {
    const abar = this.abar();
    const w = this.atT;
    const overlay: ChartOverlay[] = w ? [{ type: 'ruleX', x: w.t, label: `t = ${w.t}` }] : [];
    return html`<live-cell id="weights" label="What each loss weighs the error by, across t" .params=${['t']}>
      ${abar && w
        ? html`<ul class="keys">
              ${WEIGHT_KEYS.map((k) => html`<li style="--key:${k.colour}">${k.what}</li>`)}
            </ul>
            <plot-chart
              id="weights-chart"
              .spec=${this.chart!.spec}
              .overlay=${overlay}
              alt=${`The weight each loss puts on the x₀ error against t, log scale: the ε-loss SNR falls from ${fmt(lossWeights(abar[0]).snr, 0)} at t = 0 to ${fmt(lossWeights(abar[abar.length - 1]).snr, 2)} at t = ${abar.length - 1}; the x₀-loss is 1 everywhere; the v-loss is SNR + 1; min-SNR-5 is SNR capped at 5.`}
            ></plot-chart>
            <p class="readout" id="weights-readout">
              At <span class="math">t</span> = ${w.t}, SNR = ${fmt(w.snr, 3)}: the ε-loss weighs the x₀ error by ${fmt(w.epsilon, 3)}, the v-loss by
              ${fmt(w.v, 3)}, min-SNR-5 by ${fmt(w.minSnr, 3)}. On the v-loss the DiT trained with, that is a factor
              min(SNR, 5)/(SNR + 1) = <strong id="weight-at-t">${fmt(w.onV, 4)}</strong>.
            </p>`
        : html`<p class="status">The schedule comes from the DiT's manifest entry${this.manifest ? ', which is missing' : ''}.</p>`}
    </live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'loss-weights-figure': LossWeightsFigure;
  }
}
