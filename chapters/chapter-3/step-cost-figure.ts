// <step-cost-figure>: one step of the latent U-Net against one step of its twin
// that works on pixels, FLOPs from the manifest and milliseconds measured in
// this browser when the reader presses the button; while either model is still
// training, a notice naming what is missing.
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../../components/widgets/cost-table';
import '../../components/shell/live-cell';
import type { CostRow } from '../../components/widgets/cost-table';
import { formatCount } from '../../components/widgets/cost-table';
import type { LiveCell } from '../../components/shell/live-cell';
import type { ModelController } from '../../components/controllers/model-controller';
import { controls, layout, prose } from '../../components/styles';
import { formatBytes, type Manifest } from '../../pipeline/runtime/manifest';
import { feedsForShapes, flopsShapes, timeCalls } from '../../pipeline/step-timing';
import { chapter3Styles, LATENT_VALUES, SIZE } from './state';

/** The two denoisers the cost cell compares. */
const COST_MODELS = ['unet', 'unet_pixel'] as const;

@customElement('step-cost-figure')
export class StepCostFigure extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    chapter3Styles,
    css`
      cost-table {
        margin-top: 0.9rem;
      }
    `,
  ];

  /** The chapter's models; the U-Nets run through the same worker, named per call. */
  @property({ attribute: false }) models!: ModelController;
  @property({ attribute: false }) manifest: Manifest | null = null;

  /** The rows timed so far (empty before the button). */
  rows: CostRow[] = [];

  /** Times a step of each of the two U-Nets here (two warm-up calls, then the median of seven). */
  async measureCost(): Promise<void> {
    const manifest = this.manifest;
    if (!manifest || COST_MODELS.some((m) => !manifest.models[m])) return;
    const rows = this.costRows();
    this.rows = rows;
    this.requestUpdate();
    await this.models.runTask(this.renderRoot.querySelector<LiveCell>('live-cell#cost')!, async ({ request, signal }) => {
      for (let i = 0; i < COST_MODELS.length; i++) {
        const model = COST_MODELS[i];
        const shapes = flopsShapes(manifest.models[model]);
        if (!shapes) throw new Error(`weights/manifest.json gives no input shapes (flops_shapes) for ${model}`);
        const feeds = feedsForShapes(shapes);
        const timing = await timeCalls(async () => (await request({ kind: 'run', model, feeds })).ms, { warmup: 2, repeats: 7, signal });
        rows[i] = { ...rows[i], ms: timing.median, times: timing.times };
        this.rows = [...rows];
        this.requestUpdate();
      }
    });
  }

  private costRows(): CostRow[] {
    const manifest = this.manifest;
    return COST_MODELS.map((m) => {
      const e = manifest?.models[m];
      const shapes = e ? flopsShapes(e) : null;
      const input = shapes ? Object.entries(shapes).find(([n]) => n !== 'timestep' && n !== 'context') : undefined;
      return {
        label: m === 'unet' ? 'U-Net in the latent (unet)' : 'U-Net in pixels (unet_pixel)',
        // the ONNX input is called 'latent' in both; what it holds is the model's space
        detail: input ? `${e?.space === 'pixel' ? 'pixels' : 'latent'} (${input[1].join(' × ')})` : undefined,
        params: e?.params,
        flops: typeof e?.flops === 'number' ? e.flops : undefined,
      };
    });
  }

  private renderBody() {
    const manifest = this.manifest;
    if (!manifest) return html`<p class="muted" role="status">Looking up the models…</p>`;
    const missing = COST_MODELS.filter((m) => !manifest.models[m]);
    const latentValues = LATENT_VALUES, pixelValues = SIZE * SIZE * 3;
    if (missing.length) {
      return html`<p class="notice" role="status" id="cost-missing">
          This cell times a step of the latent U-Net (<code>unet</code>) against a step of its twin that works on pixels
          (<code>unet_pixel</code>). ${missing.length === 2 ? 'Both are' : 'It is'} still training: weights/manifest.json does not list
          <strong>${missing.join(' and ')}</strong> yet. The cell measures them here once they appear; the rest of the chapter works without them.
        </p>
        <p class="readout">Without running anything: the latent U-Net sees ${latentValues} numbers a frame, the pixel one ${pixelValues.toLocaleString('en')}.</p>`;
    }
    const rows = this.rows.length ? this.rows : this.costRows();
    const bytes = COST_MODELS.reduce((n, m) => n + (manifest.models[m]?.bytes ?? 0), 0);
    return html`
      <div class="row">
        <button type="button" id="measure" @click=${() => void this.measureCost()}>Time one step of each</button>
        <span class="muted">Downloads ${formatBytes(bytes)} the first time; each model is called twice to warm up, then seven times; the table gives the median.</span>
      </div>
      <cost-table .rows=${rows} ratio-to="0" caption="One denoising step (the batch the manifest counted FLOPs at)"></cost-table>
      <p class="readout">
        The FLOPs are counted from each ONNX graph (2 × every multiply-add of its convolutions and matrix products). The latent
        U-Net works on ${latentValues} numbers a frame, the pixel one on ${pixelValues.toLocaleString('en')}; the pixel U-Net also needs no decoder, which
        costs ${formatCount(manifest.models.vae_decoder?.flops ?? NaN)} FLOPs once a frame, after all the steps.
      </p>
    `;
  }

  render() {
    return html`<live-cell id="cost" label="A step of the latent U-Net against a step of the pixel U-Net">${this.renderBody()}</live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'step-cost-figure': StepCostFigure;
  }
}
