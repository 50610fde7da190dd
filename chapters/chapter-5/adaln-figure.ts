// <adaln-figure>: inside the DiT, adaLN-Zero. One dit_inspect call with a batch
// of timesteps from T − 1 down to 0 gives every block's shift, scale and gate
// (pipeline/lessons/dit-inspect.ts); the reader picks the part, the block and
// the t read. Read the first time the figure is seen, after the side by side.
import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../../components/widgets/adaln-charts';
import '../../components/widgets/choice-picker';
import '../../components/widgets/labelled-slider';
import '../../components/shell/live-cell';
import { FigureRunController } from '../../components/figure/figure-run-controller';
import { setFigureState } from '../../components/figure/figure-state';
import { QueueSeat, type RunQueue } from '../../components/figure/run-queue';
import { missingModels } from '../../components/figure/sampling';
import type { LiveCell } from '../../components/shell/live-cell';
import type { ModelController } from '../../components/controllers/model-controller';
import { controls, layout, prose } from '../../components/styles';
import { controlGrid } from '../../components/styles/sampling';
import { ADALN_LABELS, ADALN_PARTS, adalnChannels, adalnMeanAbs, adalnTimesteps, measureAdaln, nearestTimestep, type AdalnPart, type AdalnTable } from '../../pipeline/lessons/dit-inspect';
import type { Manifest } from '../../pipeline/runtime/manifest';
import { ADALN_NEEDS, ADALN_PARAMS, ADALN_POINTS, chapter5Styles, DIT, fmt, missingNotice, type Chapter5State } from './state';

@customElement('adaln-figure')
export class AdalnFigure extends LitElement {
  static styles = [prose, controls, layout, controlGrid, chapter5Styles];

  @property({ attribute: false }) state!: Chapter5State;
  @property({ attribute: false }) models!: ModelController;
  @property({ attribute: false }) manifest: Manifest | null = null;
  @property({ attribute: false }) queue: RunQueue | null = null;

  /** Every block's modulation at ADALN_POINTS timesteps, once read. */
  table: AdalnTable | null = null;
  private running = false;
  /** Asked for (a try-this, a test): runs at once, not waiting for the figures above. */
  private asked = false;
  private readonly seat = new QueueSeat(this, 'adaln', () => this.running);
  private readonly runs = new FigureRunController(this, {
    auto: 'once',
    rootMargin: '200px 0px',
    staysInView: true,
    key: () => (this.manifest && !missingModels(this.manifest, ADALN_NEEDS).length ? 'adaln' : null),
    run: (_key, current) => (this.asked ? this.read() : this.seat.turn(() => (current() ? this.read() : undefined))),
  });

  /** Reads the modulation unless it has been read (or is being read): resolves when it is. */
  ensure(): Promise<unknown> {
    this.asked = true;
    return this.runs.ensure();
  }

  /** Reads it now. */
  start(): Promise<unknown> {
    this.asked = true;
    return this.runs.retry();
  }

  /** Reads it now unless it is there or on its way (a try-this about it). */
  readIfNone(): void {
    if (!this.table && !this.running) void this.start();
  }

  private cell(): LiveCell | null {
    return this.renderRoot.querySelector<LiveCell>('live-cell#adaln');
  }

  private set(partial: Partial<Chapter5State>) {
    setFigureState(this, partial);
  }

  /** One dit_inspect call with a batch of timesteps from T − 1 to 0: every block's modulation. */
  private async read(): Promise<void> {
    const cell = this.cell();
    if (!cell || !this.manifest || missingModels(this.manifest, ADALN_NEEDS).length) return;
    const steps = this.manifest.models[DIT]?.num_train_timesteps ?? 1000;
    this.running = true;
    const table = await this.models.runTask(cell, ({ runner }) => measureAdaln(runner, adalnTimesteps(ADALN_POINTS, steps)));
    this.running = false;
    if (table) this.table = table;
    this.requestUpdate();
  }

  private renderBody() {
    const s = this.state;
    const table = this.table;
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
          @choice-change=${(e: CustomEvent<{ value: string }>) => this.set({ part: e.detail.value as AdalnPart })}
        ></choice-picker>
        <labelled-slider label="Block" min="1" max=${L} .value=${block} .format=${(v: number) => `block ${v} of ${L}`}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.set({ block: e.detail.value })}></labelled-slider>
        <labelled-slider label="Read at t" min="0" max="999" number-box .value=${s.t} .format=${(v: number) => `t = ${v}`}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.set({ t: e.detail.value })}></labelled-slider>
      </div>
      ${table
        ? html`<adaln-charts .table=${table} block=${block - 1} quantity=${s.part} t=${s.t}></adaln-charts>`
        : html`<p class="muted">The modulation of every block appears here when this cell comes into view (one call of the DiT with ${ADALN_POINTS} timesteps).</p>`}
      ${readout}
    `;
  }

  render() {
    return html`<live-cell
      id="adaln"
      label="The modulation of each block, from t = 999 down to 0"
      .params=${ADALN_PARAMS}
      @cell-retry=${() => queueMicrotask(() => void this.start())}
    >
      ${missingNotice(this.manifest, ADALN_NEEDS, 'This cell')} ${this.renderBody()}
    </live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'adaln-figure': AdalnFigure;
  }
}
