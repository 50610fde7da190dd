// <tally-figure>: one seed is an anecdote. On the reader's button, `seeds`
// clips of each of the five shapes (seeds seed, seed + 1, …) are made and
// judged, and the passes counted shape by shape.
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../../components/widgets/labelled-slider';
import '../../components/shell/live-cell';
import '../../components/charts/plot-chart';
import { setFigureState } from '../../components/figure/figure-state';
import type { LiveCell } from '../../components/shell/live-cell';
import type { ModelController } from '../../components/controllers/model-controller';
import { passesSpec, type PassRow } from '../../components/charts/pass-rate-charts';
import { CHART_COLOURS } from '../../components/charts/plot-chart';
import { controls, layout, prose } from '../../components/styles';
import { CLIP_SHAPES as SHAPES, promptForShape } from '../../pipeline/lessons/clip-shapes';
import { chapter4Styles, type Chapter4State } from './state';

export interface TallyRow extends PassRow {
  id: string;
}

export interface Tally {
  key: string;
  seeds: number;
  rows: TallyRow[];
  done: number;
}

@customElement('tally-figure')
export class TallyFigure extends LitElement {
  static styles = [prose, controls, layout, chapter4Styles];

  @property({ attribute: false }) state!: Chapter4State;
  @property({ attribute: false }) models!: ModelController;

  /** The counts so far (null before the button). */
  tally: Tally | null = null;

  private cell(): LiveCell {
    return this.renderRoot.querySelector<LiveCell>('live-cell#tally')!;
  }

  private set(partial: Partial<Chapter4State>) {
    setFigureState(this, partial);
  }

  /** Makes `seeds` clips of each shape (seeds seed, seed + 1, …) and counts the judge's passes. */
  async runTally(): Promise<void> {
    const s = this.state;
    const key = `${s.prompt}|${s.seed}|${s.seeds}`;
    const rows: TallyRow[] = SHAPES.map((sh) => ({ id: sh.id, label: sh.label, passes: 0, verdicts: [] }));
    this.tally = { key, seeds: s.seeds, rows, done: 0 };
    this.requestUpdate();
    await this.models.runTask(this.cell(), async ({ request }) => {
      for (let k = 0; k < s.seeds; k++) {
        for (let i = 0; i < SHAPES.length; i++) {
          const sh = SHAPES[i];
          const options = { prompt: promptForShape(s.prompt, sh.frames), model: 'dit', seed: (s.seed + k) % 100_000, frames: sh.frames, height: sh.height, width: sh.width };
          const clip = await request({ kind: 'generate', options });
          const pass = !!clip.verdict?.pass;
          rows[i] = { ...rows[i], passes: rows[i].passes + (pass ? 1 : 0), verdicts: [...rows[i].verdicts, pass] };
          this.tally = { key, seeds: s.seeds, rows: [...rows], done: this.tally!.done + 1 };
          this.requestUpdate();
        }
      }
    });
  }

  private renderBody() {
    const s = this.state;
    const t = this.tally;
    const key = `${s.prompt}|${s.seed}|${s.seeds}`;
    const total = s.seeds * SHAPES.length;
    const running = t && t.key === key && t.done < total;
    const rows = t?.rows ?? [];
    return html`
      <div class="controls">
        <labelled-slider
          label="Seeds of each shape"
          min="2"
          max="16"
          .value=${s.seeds}
          .format=${(v: number) => `${v} (seeds ${s.seed}–${s.seed + v - 1})`}
          @value-change=${(e: CustomEvent<{ value: number }>) => this.set({ seeds: e.detail.value })}
        ></labelled-slider>
        <div class="row">
          <button type="button" id="run-tally" @click=${() => void this.runTally()}>Judge ${total} clips</button>
          <span class="muted" role="status">${running ? `${t!.done} of ${total} made` : `${s.seeds} times the work of the five clips above`}</span>
        </div>
      </div>
      ${t
        ? html`<ul class="keys" aria-hidden="true">
            <li style="--key:${CHART_COLOURS.accent}">the judge passes</li>
            <li style="--key:#e8b5a3">it fails</li>
          </ul>`
        : nothing}
      ${t && t.key !== key ? html`<p class="muted" role="status">These counts are for another prompt, seed or number of seeds; judge again to update them.</p>` : nothing}
      ${t
        ? html`<plot-chart
            id="tally-chart"
            .spec=${passesSpec(t.rows, t.seeds)}
            alt=${`Of ${t.seeds} seeds of “${t.key.split('|')[0]}”, the judge passes: ${rows.map((r) => `${r.label}, ${r.passes} of ${r.verdicts.length}`).join('; ')}.`}
          ></plot-chart>`
        : html`<p class="muted">Each shape made from seeds ${s.seed} to ${s.seed + s.seeds - 1} of this prompt, and judged: how often does each hold?</p>`}
    `;
  }

  render() {
    return html`<live-cell id="tally" label="One seed is an anecdote: the judge on several seeds of each shape">${this.renderBody()}</live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tally-figure': TallyFigure;
  }
}
