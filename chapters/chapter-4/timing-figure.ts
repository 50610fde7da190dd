// <timing-figure>: one step of the committed DiT (a batch of 2, as with
// guidance) timed in this browser on clips of each shape, beside the FLOPs the
// formula gives; it runs when the reader presses the button.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../../components/widgets/cost-table';
import '../../components/shell/live-cell';
import type { CostRow } from '../../components/widgets/cost-table';
import { formatCount } from '../../components/widgets/cost-table';
import type { LiveCell } from '../../components/shell/live-cell';
import type { ModelController } from '../../components/controllers/model-controller';
import { controls, layout, prose } from '../../components/styles';
import { CLIP_SHAPES as SHAPES } from '../../pipeline/lessons/clip-shapes';
import { DIT_ARCHITECTURE, DIT_PATCH, ditStepFlops, tokenGrid } from '../../pipeline/lessons/patch-cost';
import type { Manifest } from '../../pipeline/runtime/manifest';
import { feedsForShapes, flopsShapes, timeCalls } from '../../pipeline/step-timing';
import { chapter4Styles, CHANNELS, LATENT } from './state';

/** Each shape's row before it is timed: its tokens and the FLOPs of a step. */
function untimedRows(): CostRow[] {
  return SHAPES.map((sh) => {
    const tokens = tokenGrid({ frames: sh.frames, height: sh.height, width: sh.width }, DIT_PATCH).tokens;
    return { label: sh.label, detail: `${tokens} tokens`, flops: ditStepFlops(tokens, DIT_PATCH, DIT_ARCHITECTURE, 2).total };
  });
}

@customElement('timing-figure')
export class TimingFigure extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    chapter4Styles,
    css`
      cost-table {
        margin-top: 0.9rem;
      }
    `,
  ];

  @property({ attribute: false }) models!: ModelController;
  @property({ attribute: false }) manifest: Manifest | null = null;

  /** The rows timed so far (empty before the button). */
  timing: CostRow[] = [];

  private cell(): LiveCell {
    return this.renderRoot.querySelector<LiveCell>('live-cell#timing')!;
  }

  /** Times a DiT step (batch 2, as with guidance) on each of the shapes. */
  async measureDit(): Promise<void> {
    const entry = this.manifest?.models.dit;
    const shapes = entry ? flopsShapes(entry) : null;
    if (!entry || !shapes) return;
    const rows = untimedRows();
    this.timing = rows;
    this.requestUpdate();
    await this.models.runTask(this.cell(), async ({ request, signal }) => {
      for (let i = 0; i < SHAPES.length; i++) {
        const sh = SHAPES[i];
        const feeds = feedsForShapes({ ...shapes, latent: [2, sh.frames, CHANNELS, sh.height, sh.width] });
        const t = await timeCalls(async () => (await request({ kind: 'run', model: 'dit', feeds })).ms, { warmup: 2, repeats: 7, signal });
        rows[i] = { ...rows[i], ms: t.median, times: t.times };
        this.timing = [...rows];
        this.requestUpdate();
      }
    });
  }

  private renderBody() {
    const entry = this.manifest?.models.dit;
    if (this.manifest && !entry) return html`<p class="notice" role="status">weights/manifest.json does not list the DiT (dit) yet.</p>`;
    const image = ditStepFlops(tokenGrid({ frames: 1, height: LATENT, width: LATENT }, DIT_PATCH).tokens, DIT_PATCH, DIT_ARCHITECTURE, 2).total;
    const clip = ditStepFlops(tokenGrid({ frames: 8, height: LATENT, width: LATENT }, DIT_PATCH).tokens, DIT_PATCH, DIT_ARCHITECTURE, 2).total;
    const rows = this.timing.length ? this.timing : untimedRows();
    return html`
      <div class="row">
        <button type="button" id="measure" @click=${() => void this.measureDit()}>Time a step of the DiT</button>
        <span class="muted">Each shape: two calls to warm up, then seven; the table gives the median. Times vary with whatever else the computer is doing: run it twice.</span>
      </div>
      <cost-table .rows=${rows} ratio-to="0" caption="One DiT step: a batch of 2 (with and without the prompt), 24 text tokens"></cost-table>
      ${entry
        ? html`<p class="readout" id="flops-check">
            The FLOPs are the formula's. Counted from the DiT's ONNX graph, the manifest says ${formatCount(entry.flops as number)} for an image and
            ${typeof entry.flops_clip === 'number' ? formatCount(entry.flops_clip) : '—'} for 8 frames; the formula gives ${formatCount(image)} and
            ${formatCount(clip)}.
          </p>`
        : nothing}
    `;
  }

  render() {
    return html`<live-cell id="timing" label="One DiT step, timed in this browser">${this.renderBody()}</live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'timing-figure': TimingFigure;
  }
}
