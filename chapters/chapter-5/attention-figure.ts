// <attention-figure>: inside the DiT, self-attention over space and time. The
// DiT makes a clip of 8 frames (every step's x_t kept); for the step asked, it
// is called again on that step's x_t with the prompt and asked for its
// attention (pipeline/lessons/dit-inspect.ts), and the softmax row of one query
// patch is drawn over the clip's 8 × 4 × 4 tokens, at a chosen layer and head.
// The clip is made the first time the figure is seen (after the figures above
// it) and on Make the clip; the attention of another step is one cheap call.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../../components/widgets/choice-picker';
import '../../components/widgets/clip-card';
import '../../components/widgets/labelled-slider';
import '../../components/shell/live-cell';
import '../../components/widgets/prompt-with-examples';
import '../../components/widgets/seed-control';
import '../../components/widgets/self-attention-view';
import { FigureRunController } from '../../components/figure/figure-run-controller';
import { setFigureState } from '../../components/figure/figure-state';
import { QueueSeat, type RunQueue } from '../../components/figure/run-queue';
import { asksToRun, missingModels } from '../../components/figure/sampling';
import type { LiveCell } from '../../components/shell/live-cell';
import type { ModelController } from '../../components/controllers/model-controller';
import type { PromptChange } from '../../components/widgets/prompt-with-examples';
import type { SeedDetail } from '../../components/widgets/seed-control';
import { controls, layout, prose } from '../../components/styles';
import { controlGrid, sampling } from '../../components/styles/sampling';
import { attentionRow, frameArgmax, frameShares, inspectSelfAttention, patchOfObject, patchOnObject, rowPeak, tokenIndex, tokenPlace, type SelfAttention } from '../../pipeline/lessons/dit-inspect';
import type { Manifest } from '../../pipeline/runtime/manifest';
import type { GeneratedClip } from '../../pipeline/text-to-video/clip';
import { guidanceContexts } from '../../pipeline/text-to-video/prompt';
import { statesFor } from '../../pipeline/text-to-video/sample';
import { ATTN_FRAMES, ATTN_GRID, ATTN_NEEDS, ATTN_PARAMS, ATTN_STEPS, chapter5Styles, DIT, fmt, missingNotice, pct, type Chapter5State } from './state';

const EXAMPLE_CLIPS = ['a red circle moving right', 'a big blue square moving up', 'a green triangle moving left', 'a yellow circle staying still'];

export interface AttnRun {
  serial: number;
  prompt: string;
  seed: number;
  /** x_t of every step (the DiT's input), the timesteps, the prompt's context. */
  inputs: Float32Array[];
  timesteps: number[];
  clip: GeneratedClip | null;
  running: boolean;
}

interface Inspected {
  key: string;
  step: number;
  timestep: number;
  attention: SelfAttention;
}

type Query = { frame: number; row: number; col: number };

@customElement('attention-figure')
export class AttentionFigure extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    controlGrid,
    sampling,
    chapter5Styles,
    css`
      .attn {
        margin-top: 0.5rem;
      }
      .attn clip-card {
        display: block;
        width: 14rem;
        max-width: 100%;
      }
      .attn .readout {
        margin-top: 0.75rem;
      }
    `,
  ];

  @property({ attribute: false }) state!: Chapter5State;
  @property({ attribute: false }) models!: ModelController;
  @property({ attribute: false }) manifest: Manifest | null = null;
  @property({ attribute: false }) queue: RunQueue | null = null;

  /** The clip read (the newest run), and its attention at the step asked. */
  attn: AttnRun | null = null;
  private inspected: Inspected | null = null;
  /** The inspect call last asked for: a result for another is stale. */
  private askedInspect = '';
  /** A try-this asked for the query on the object: done when the clip is there. */
  private snapPending = false;
  /** Asked for (a button, a try-this, a test): runs at once, not waiting for the figures above. */
  private asked = false;
  private queryCache: Query = { frame: 0, row: 1, col: 0 };
  private readonly seat = new QueueSeat(this, 'attn', () => !!this.attn?.running);
  private readonly runs = new FigureRunController(this, {
    auto: 'once',
    rootMargin: '200px 0px',
    staysInView: true,
    key: () => (this.state && this.manifest && !missingModels(this.manifest, ATTN_NEEDS).length ? `${this.state.clip}|${this.state.cseed}` : null),
    run: (_key, current) => (this.asked ? this.makeClip() : this.seat.turn(() => (current() ? this.makeClip() : undefined))),
  });

  /** Makes the clip of the current prompt and seed unless that run has started: resolves when it is made. */
  ensure(): Promise<unknown> {
    this.asked = true;
    return this.runs.ensure();
  }

  /** Makes the clip of the current prompt and seed now. */
  start(): Promise<unknown> {
    this.asked = true;
    return this.runs.retry();
  }

  /** Whether the figure shows (or is making) the clip of `s`'s prompt and seed. */
  shows(s: Chapter5State): boolean {
    const a = this.attn;
    return !!a && a.prompt === s.clip && a.seed === s.cseed && (a.running || !!a.clip);
  }

  /** Puts the query on the object the judge reads in its frame, now or once the clip is made. */
  snapWhenMade(): void {
    this.snapPending = true;
    if (this.attn?.clip && !this.attn.running) {
      this.snapPending = false;
      this.snapQuery();
    }
  }

  /** What the figure shows for the chapter's state `s`, for tests. */
  snapshot(s: Chapter5State) {
    const a = this.attn;
    if (!a) return null;
    return {
      serial: a.serial,
      prompt: a.prompt,
      seed: a.seed,
      running: a.running,
      frames: a.clip?.frames ?? null,
      pass: a.clip?.verdict?.pass ?? null,
      inspected: this.inspected ? { key: this.inspected.key, step: this.inspected.step, timestep: this.inspected.timestep } : null,
      row: this.attentionRow(s),
      query: this.query(s),
    };
  }

  private cell(): LiveCell | null {
    return this.renderRoot.querySelector<LiveCell>('live-cell#attn');
  }

  private set(partial: Partial<Chapter5State>) {
    setFigureState(this, partial);
  }

  protected updated() {
    // the self-attention at the step asked for, once the clip is made (a step, a cheap call)
    const a = this.attn;
    if (a && !a.running && a.clip && a.inputs.length) {
      if (this.snapPending) {
        this.snapPending = false;
        this.snapQuery();
      }
      const key = this.inspectKey(this.state);
      if (key !== this.askedInspect) void this.inspect(a, key);
    }
  }

  /** The clip whose self-attention is read: the DiT's sample for the prompt and seed, with every step's x_t. */
  private async makeClip(): Promise<void> {
    const cell = this.cell();
    if (!cell || !this.manifest || missingModels(this.manifest, ATTN_NEEDS).length) return;
    const s = this.state;
    const run: AttnRun = { serial: (this.attn?.serial ?? 0) + 1, prompt: s.clip, seed: s.cseed, inputs: [], timesteps: [], clip: null, running: true };
    this.attn = run;
    this.inspected = null;
    this.askedInspect = '';
    this.requestUpdate();
    const clip = await this.models.run(
      cell,
      { kind: 'generate', options: { prompt: run.prompt, model: DIT, seed: run.seed, frames: ATTN_FRAMES, steps: ATTN_STEPS, capture: { input: true } } },
      {
        onProgress: (p) => {
          if (p.kind !== 'step' || this.attn !== run || !p.input) return;
          run.inputs[p.step - 1] = p.input;
          run.timesteps[p.step - 1] = p.timestep;
        },
      },
    );
    if (this.attn !== run) return;
    run.running = false;
    run.clip = clip ?? null;
    this.requestUpdate();
  }

  private inspectKey(s: Chapter5State): string {
    const a = this.attn;
    return a ? `${a.serial}|${Math.min(s.astep, a.inputs.length)}` : '';
  }

  /** dit_inspect on the step's x_t, its timestep and the prompt's context: that step's self-attention. */
  private async inspect(a: AttnRun, key: string) {
    this.askedInspect = key;
    const step = Math.min(this.state.astep, a.inputs.length);
    const cell = this.cell();
    if (!cell || !a.clip) return;
    const manifest = this.manifest;
    if (!manifest) return;
    // the per-token states the DiT reads (its manifest entry's text_states), as the sampler gave them
    const context = statesFor(manifest, DIT, guidanceContexts(a.clip.encoded)).cond;
    const result = await this.models.runTask(cell, ({ runner }) =>
      inspectSelfAttention(runner, { latent: a.inputs[step - 1], frames: ATTN_FRAMES, height: 8, width: 8, timestep: a.timesteps[step - 1], context }),
    );
    if (!result || this.askedInspect !== key) return;
    this.inspected = { key, step, timestep: a.timesteps[step - 1], attention: result };
    this.requestUpdate();
  }

  /** The query patch (0-based); the same object while it does not change. */
  private query(s: Chapter5State): Query {
    const c = this.queryCache;
    if (c.frame !== s.qf - 1 || c.row !== s.qr - 1 || c.col !== s.qc - 1) this.queryCache = { frame: s.qf - 1, row: s.qr - 1, col: s.qc - 1 };
    return this.queryCache;
  }

  /** Layer and head as the model has them (the URL may ask for more than it has). */
  private layerHead(att: SelfAttention, s: Chapter5State): { layer: number; head: number | 'mean' } {
    const layer = Math.min(att.layers, s.layer) - 1;
    const head = s.head === 'mean' ? 'mean' : Math.min(att.heads, Number(s.head)) - 1;
    return { layer, head };
  }

  /** The query's attention row now shown, or null. */
  private attentionRow(s: Chapter5State): Float32Array | null {
    const ins = this.inspected;
    if (!ins || ins.key !== this.inspectKey(s)) return null;
    const { layer, head } = this.layerHead(ins.attention, s);
    const q = tokenIndex(ATTN_GRID, this.query(s));
    return this.runs.memo('row', `${ins.key}|${layer}|${head}|${q}`, () => attentionRow(ins.attention, layer, head, q));
  }

  /** Puts the query on the object the judge reads in the query's frame. */
  private snapQuery() {
    const reading = this.attn?.clip?.verdict?.reading;
    if (!reading) return;
    const p = patchOfObject(reading, this.state.qf - 1, ATTN_GRID);
    if (p) this.set({ qr: p.row + 1, qc: p.col + 1 });
  }

  private onKey(e: KeyboardEvent) {
    if (!asksToRun(e)) return;
    e.preventDefault();
    void this.start();
  }

  private renderBody() {
    const s = this.state;
    const a = this.attn;
    const ins = this.inspected && this.inspected.key === this.inspectKey(s) ? this.inspected : null;
    const row = this.attentionRow(s);
    const q = this.query(s);
    const stale = a && !a.running && (a.prompt !== s.clip || a.seed !== s.cseed);
    const layers = ins?.attention.layers ?? 6, heads = ins?.attention.heads ?? 4;
    const step = a ? Math.min(s.astep, Math.max(1, a.inputs.length)) : s.astep;
    return html`
      <div class="controls">
        <prompt-with-examples
          class="wide"
          label="Prompt (a clip of 8 frames)"
          input-id="clip-prompt"
          .value=${s.clip}
          .examples=${EXAMPLE_CLIPS}
          hint="Enter makes the clip; the other controls read the run that made it."
          @prompt-change=${(e: CustomEvent<PromptChange>) => this.set({ clip: e.detail.value })}
        ></prompt-with-examples>
        <seed-control live basis="11rem" .value=${s.cseed} .format=${(v: number) => `#${v}`} @seed-change=${(e: CustomEvent<SeedDetail>) => this.set({ cseed: e.detail.value })}
          ><button slot="button" type="button" class="run" id="make-clip" @click=${() => void this.start()}>Make the clip</button></seed-control
        >
        <labelled-slider label="At step" min="1" max=${ATTN_STEPS} .value=${step}
          .format=${(v: number) => `step ${v} of ${ATTN_STEPS}${a?.timesteps[v - 1] !== undefined ? ` · t = ${a.timesteps[v - 1]}` : ''}`}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.set({ astep: e.detail.value })}></labelled-slider>
        <labelled-slider label="Layer" min="1" max=${layers} .value=${Math.min(layers, s.layer)} .format=${(v: number) => `layer ${v} of ${layers}`}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.set({ layer: e.detail.value })}></labelled-slider>
        <choice-picker
          label="Head"
          .options=${[{ value: 'mean', label: 'Mean', description: 'the mean of the heads' }, ...Array.from({ length: heads }, (_, h) => ({ value: String(h + 1), label: String(h + 1) }))]}
          .value=${s.head === 'mean' || Number(s.head) <= heads ? s.head : String(heads)}
          @choice-change=${(e: CustomEvent<{ value: string }>) => this.set({ head: e.detail.value as Chapter5State['head'] })}
        ></choice-picker>
        <labelled-slider label="Query frame" min="1" max=${ATTN_FRAMES} .value=${s.qf} .format=${(v: number) => `frame ${v}`}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.set({ qf: e.detail.value })}></labelled-slider>
        <labelled-slider label="Query row" min="1" max=${ATTN_GRID.rows} .value=${s.qr} .format=${(v: number) => `row ${v}`}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.set({ qr: e.detail.value })}></labelled-slider>
        <labelled-slider label="Query column" min="1" max=${ATTN_GRID.cols} .value=${s.qc} .format=${(v: number) => `column ${v}`}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.set({ qc: e.detail.value })}></labelled-slider>
        <div class="row">
          <button type="button" id="snap" ?disabled=${!a?.clip} @click=${() => this.snapQuery()}>Put the query on the object</button>
        </div>
      </div>
      ${stale ? html`<p class="notice" role="status" id="attn-stale">The prompt or seed changed: press Make the clip (or Enter) to read a new run.</p>` : nothing}
      ${a
        ? html`<div class="attn">
            ${row && ins && a.clip
              ? html`<self-attention-view .frames=${a.clip.frames} .grid=${ATTN_GRID} .row=${row} .query=${q}
                  @query-select=${(e: CustomEvent<Query>) => this.set({ qf: e.detail.frame + 1, qr: e.detail.row + 1, qc: e.detail.col + 1 })}>
                  <clip-card slot="aside" heading="The DiT’s clip" subheading=${`“${a.prompt}”, seed ${a.seed}`} .clip=${a.clip} .verdict=${a.clip.verdict ?? null}></clip-card>
                  <div slot="after">${this.attentionReadout(row, ins, a.clip)}</div>
                </self-attention-view>`
              : html`<clip-card heading="The DiT’s clip" subheading=${`“${a.prompt}”, seed ${a.seed}`} .clip=${a.clip} .verdict=${a.clip?.verdict ?? null}
                    placeholder=${a.running ? `Denoising: step ${a.inputs.length} of ${ATTN_STEPS}…` : 'This run did not finish.'}></clip-card>
                  <p class="muted">${a.running ? 'The attention is read once the clip is made.' : 'Reading the attention…'}</p>`}
          </div>`
        : html`<p class="muted">A clip and its attention appear here when this cell comes into view.</p>`}
    `;
  }

  private attentionReadout(row: Float32Array, ins: Inspected, clip: GeneratedClip) {
    const s = this.state;
    const q = this.query(s);
    const n = tokenIndex(ATTN_GRID, q);
    const shares = frameShares(row, ATTN_GRID);
    const peak = tokenPlace(ATTN_GRID, rowPeak(row).token);
    const reading = clip.verdict?.reading;
    const argmax = frameArgmax(row, ATTN_GRID);
    const on = reading ? argmax.map((p) => patchOnObject(reading, p, ATTN_GRID)) : [];
    const judged = on.filter((v) => v !== null).length;
    const hits = on.filter((v) => v === true).length;
    const queryOn = reading ? patchOnObject(reading, q, ATTN_GRID) : null;
    const { layer, head } = this.layerHead(ins.attention, s);
    const own = Array.from({ length: ins.attention.layers }, (_, l) => frameShares(attentionRow(ins.attention, l, head, n), ATTN_GRID)[q.frame]);
    return html`<p class="readout" id="attn-readout" data-hits=${hits} data-judged=${judged}>
      The query is token ${n} of ${ATTN_GRID.frames * ATTN_GRID.rows * ATTN_GRID.cols} (frame ${q.frame + 1}, row ${q.row + 1}, column ${q.col + 1})${queryOn === true ? ', on the object' : queryOn === false ? ', on the background' : ''};
      layer ${layer + 1}, ${head === 'mean' ? 'the mean of the heads' : `head ${head + 1}`}, at step ${ins.step} (t = ${ins.timestep}).
      It gives <strong>${pct(shares[q.frame])}</strong> of its attention to its own frame and ${pct(1 - shares[q.frame])} to the other ${ATTN_FRAMES - 1};
      its most attended patch is frame ${peak.frame + 1}, row ${peak.row + 1}, column ${peak.col + 1} (${fmt(rowPeak(row).value * 100, 1)} %).
      ${judged ? html`In <strong>${hits} of ${judged}</strong> frames where the judge finds an object, the patch it attends to most in that frame lies on it.` : nothing}
      Its own frame’s share, layer by layer: <span id="own-shares">${own.map((v, l) => html`${l ? ', ' : ''}${l === layer ? html`<strong>${l + 1}: ${pct(v)}</strong>` : `${l + 1}: ${pct(v)}`}`)}</span>.
      ${s.head !== 'mean' && Number(s.head) > ins.attention.heads ? html` (This DiT has ${ins.attention.heads} heads.)` : nothing}
    </p>`;
  }

  render() {
    return html`<live-cell
      id="attn"
      label="Where one patch looks: self-attention over the clip’s 128 tokens"
      .params=${ATTN_PARAMS}
      @cell-retry=${() => queueMicrotask(() => void this.start())}
    >
      <div @keydown=${this.onKey}>${missingNotice(this.manifest, ATTN_NEEDS, 'This cell')} ${this.renderBody()}</div>
    </live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'attention-figure': AttentionFigure;
  }
}
