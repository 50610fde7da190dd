// <forward-2d-figure>: the forward process in the plane. Each of 500 particles
// is a noised copy of a data point, x_t = √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε, for the
// timestep and seed of the state; the ideal denoiser's field drawn as arrows;
// and, with "Draw your own", the plot takes the reader's points (mouse or
// keyboard). Arithmetic only: no model runs.
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../../components/widgets/choice-picker';
import '../../components/widgets/labelled-slider';
import '../../components/shell/live-cell';
import '../../components/charts/plot-chart';
import { setFigureState } from '../../components/figure/figure-state';
import { term } from '../../components/shell/notation';
import { fieldPlaneSpec } from '../../components/charts/plane-charts';
import { CHART_COLOURS, type ChartOverlay, type ChartPointerDetail, type ChartSpec } from '../../components/charts/plot-chart';
import { controls, layout, prose } from '../../components/styles';
import { checks } from '../../components/styles/checks';
import { DATA_EXTENT, MAX_DRAWN_POINTS, decodePoints, denoiserField, encodePoints, noiseParticles, particleNoise, snapPoint } from '../../pipeline/lessons/toy2d';
import { chapter0Styles, FIELD_CELLS, FORWARD_PARTICLES, schedule, T, type Chapter0State, type DataSet } from './state';

const DATA_OPTIONS = [
  { value: 'spiral', label: 'Spiral' },
  { value: 'moons', label: 'Two moons' },
  { value: 'drawn', label: 'Draw your own' },
];

const f2 = (v: number) => v.toFixed(2);

@customElement('forward-2d-figure')
export class Forward2dFigure extends LitElement {
  static styles = [prose, controls, layout, checks, chapter0Styles];

  @property({ attribute: false }) state!: Chapter0State;
  /** The data set of the state (the chapter's; the sampling figure gets the same). */
  @property({ attribute: false }) dataSet!: DataSet;

  /** The particles: x₀ (each a data point), ε for the seed, and x_t (model values, interleaved x, y). */
  readonly x0 = new Float32Array(2 * FORWARD_PARTICLES);
  eps: Float32Array = new Float32Array(0);
  readonly xt = new Float32Array(2 * FORWARD_PARTICLES);
  private epsSeed: number | null = null;
  private filledFrom: DataSet | null = null;
  private spec: { key: string; spec: ChartSpec } | null = null;
  private lastAdded: [number, number] | null = null;
  private drawNote = '';

  private set(partial: Partial<Chapter0State>) {
    setFigureState(this, partial);
  }

  protected willUpdate(_changed: PropertyValues<this>) {
    const s = this.state, data = this.dataSet;
    if (this.filledFrom !== data) {
      // each forward particle is a noised copy of a data point
      const { xy, n } = data.points;
      for (let j = 0; j < FORWARD_PARTICLES; j++) {
        const i = n > 0 ? j % n : 0;
        this.x0[2 * j] = n > 0 ? xy[2 * i] : 0;
        this.x0[2 * j + 1] = n > 0 ? xy[2 * i + 1] : 0;
      }
      this.filledFrom = data;
    }
    if (this.epsSeed !== s.seed) {
      this.eps = particleNoise(FORWARD_PARTICLES, s.seed);
      this.epsSeed = s.seed;
    }
    noiseParticles(this.x0, this.eps, schedule.alphasCumprod[s.t], this.xt);
    const key = `${data.key}|${s.t}|${s.field}`;
    if (this.spec?.key !== key) {
      const field = s.field === 'on' && data.denoiser ? denoiserField(data.denoiser, schedule.alphasCumprod[s.t], FIELD_CELLS) : null;
      this.spec = { key, spec: fieldPlaneSpec(data.points, field, FIELD_CELLS, s.data === 'drawn') };
    }
  }

  /** A point from the plot (click, drag or keyboard): added to the reader's points, snapped to the link's grid. */
  private addPoint(e: CustomEvent<ChartPointerDetail>) {
    const { x, y, phase } = e.detail;
    if (phase === 'up') {
      this.lastAdded = null;
      this.dispatchEvent(new CustomEvent('points-committed'));
      return;
    }
    if (Math.abs(x) > DATA_EXTENT || Math.abs(y) > DATA_EXTENT) {
      this.drawNote = `Points go inside the data square, ±${DATA_EXTENT} on each axis; that one was outside.`;
      this.requestUpdate();
      return;
    }
    if (phase === 'move' && this.lastAdded && Math.hypot(x - this.lastAdded[0], y - this.lastAdded[1]) < 0.12) return;
    const { points } = decodePoints(this.state.points);
    if (points.n >= MAX_DRAWN_POINTS) {
      this.drawNote = `That is ${MAX_DRAWN_POINTS} points, the most a link can hold.`;
      this.requestUpdate();
      return;
    }
    const p = snapPoint(x, y);
    this.lastAdded = p;
    this.drawNote = '';
    this.set({ data: 'drawn', points: encodePoints([...points.xy, p[0], p[1]]) });
    if (phase === 'key') this.dispatchEvent(new CustomEvent('points-committed'));
  }

  private editPoints(op: 'undo' | 'clear') {
    const { points } = decodePoints(this.state.points);
    this.drawNote = '';
    this.set({ points: op === 'clear' ? '' : encodePoints(points.xy.subarray(0, Math.max(0, 2 * (points.n - 1)))) });
  }

  render() {
    const s = this.state;
    const data = this.dataSet.points;
    const abar = schedule.alphasCumprod[s.t];
    const drawn = s.data === 'drawn';
    const empty = data.n === 0;
    const overlay: ChartOverlay[] = empty ? [] : [{ type: 'points', xy: this.xt, fill: CHART_COLOURS.particles, r: 2.3, opacity: 0.75 }];
    const what = s.data === 'spiral' ? 'a spiral' : s.data === 'moons' ? 'two interleaving half circles' : `your ${data.n} points`;
    return html`<live-cell label="The forward process, and the ideal denoiser's field"><div class="cell-body">
      <div class="split">
        <div class="side">
          <div class="controls">
            <choice-picker
              label="Data set"
              .options=${DATA_OPTIONS}
              .value=${s.data}
              @choice-change=${(e: CustomEvent<{ value: string }>) => this.set({ data: e.detail.value as Chapter0State['data'] })}
            ></choice-picker>
            <div>
              <label class="check">
                <input type="checkbox" .checked=${s.field === 'on'} @change=${(e: Event) => this.set({ field: (e.target as HTMLInputElement).checked ? 'on' : 'off' })} />
                Show the ideal denoiser's arrows
              </label>
            </div>
            <labelled-slider
              class="wide"
              label="Timestep t"
              min="0"
              max=${T - 1}
              number-box
              .value=${s.t}
              .format=${(v: number) => `t = ${v}, ᾱ = ${schedule.alphasCumprod[v].toFixed(3)}`}
              hint="Arrow keys step by 1, Page Up and Page Down by 100."
              @value-input=${(e: CustomEvent<{ value: number }>) => this.set({ t: e.detail.value })}
            ></labelled-slider>
          </div>
        </div>
        <div class="fig">
          <ul class="keys" aria-hidden="true">
            <li style="--key:${CHART_COLOURS.data}">data points (${data.n})</li>
            <li style="--key:${CHART_COLOURS.particles}">noised copies x<sub>t</sub></li>
            ${s.field === 'on' && !empty ? html`<li class="arrow" style="--key:${CHART_COLOURS.field}">towards E[x<sub>0</sub> | x<sub>t</sub>]</li>` : nothing}
          </ul>
          <div class="plane">
            <plot-chart
              id="forward-chart"
              .spec=${this.spec!.spec}
              .overlay=${overlay}
              ?pointer=${drawn}
              alt="The plane from −3.5 to 3.5 on both axes: ${what} in grey, and ${FORWARD_PARTICLES} noised copies at t = ${s.t}, where x_t keeps ${Math.round(Math.sqrt(abar) * 100)}% of x₀ and adds ${Math.round(Math.sqrt(1 - abar) * 100)}% of the noise${s.field === 'on' ? '; arrows point from each place to the ideal denoiser’s guess of where its point came from' : ''}."
              @chart-pointer=${this.addPoint}
            ></plot-chart>
          </div>
          ${drawn
            ? html`<div class="row">
                  <button type="button" @click=${() => this.editPoints('undo')} ?disabled=${empty}>Undo last point</button>
                  <button type="button" @click=${() => this.editPoints('clear')} ?disabled=${empty}>Clear</button>
                  <span class="muted">${data.n} of at most ${MAX_DRAWN_POINTS} points. Click or drag in the plot, or use the arrow keys and Enter.</span>
                </div>
                ${this.drawNote ? html`<p class="notice" role="status">${this.drawNote}</p>` : nothing}
                ${this.dataSet.problems.length ? html`<p class="notice" role="status">The points in the link could not all be read: ${this.dataSet.problems.join('; ')}.</p>` : nothing}`
            : nothing}
          ${empty
            ? html`<p class="notice" role="status" id="empty-data">
                No points yet: the denoiser needs a data set. Click or drag inside the square (±${DATA_EXTENT}), or focus the plot and press Enter.
              </p>`
            : nothing}
          <p class="readout">
            ${term('t')} = ${s.t}: ${term('xt')} = ${f2(Math.sqrt(abar))} · ${term('x0')} + ${f2(Math.sqrt(1 - abar))} · ${term('eps')}
          </p>
        </div>
      </div>
    </div></live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'forward-2d-figure': Forward2dFigure;
  }
}
