// <vae-figure>: a world frame or the reader's drawing through the VAE: the four
// channels of its 8 × 8 × 4 latent, the reconstruction with its PSNR and error
// map, and the compression. The encoder and decoder run in the model worker
// whenever the frame changes (in view or not, as every cell of this chapter);
// the result goes up as `vae-encoded` for the edit figure.
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../../components/widgets/channel-rasters';
import '../../components/widgets/draw-canvas';
import '../../components/shell/live-cell';
import '../../components/widgets/picture-picker';
import '../../components/widgets/pixel-view';
import type { DrawingDetail } from '../../components/widgets/draw-canvas';
import { FigureRunController } from '../../components/figure/figure-run-controller';
import { setFigureState } from '../../components/figure/figure-state';
import type { LiveCell } from '../../components/shell/live-cell';
import type { ModelController } from '../../components/controllers/model-controller';
import { term } from '../../components/shell/notation';
import type { PictureChangeDetail } from '../../components/widgets/picture-picker';
import { controls, layout, prose } from '../../components/styles';
import { decodeDrawing, encodeDrawing } from '../../pipeline/drawing';
import { compressionRatio, errorMap, psnr } from '../../pipeline/lessons/latent-space';
import type { Manifest } from '../../pipeline/runtime/manifest';
import { describeReading, readFrames } from '../../pipeline/world/read-frames';
import { CHANNEL_LABELS, CHANNELS, chapter3Styles, fmt, LATENT, LATENT_VALUES, pictureKey, pictureOf, SIZE, type Chapter3State, type Encoded, type Picture } from './state';

const SOURCE_OPTIONS = [
  { value: 'world', label: 'From the world' },
  { value: 'drawing', label: 'Draw your own' },
];

@customElement('vae-figure')
export class VaeFigure extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    chapter3Styles,
    css`
      .pipeline {
        display: grid;
        grid-template-columns: minmax(6rem, 7.5rem) auto minmax(16rem, 1fr) auto minmax(6rem, 7.5rem) minmax(6rem, 7.5rem);
        gap: 0.6rem;
        align-items: start;
      }
      .pipeline pixel-view {
        --pixel-view-size: 100%;
      }
      .arrow {
        align-self: center;
        font-size: 0.8rem;
        color: var(--muted);
        text-align: center;
        line-height: 1.2;
      }
      .arrow b {
        display: block;
        font-size: 1.3rem;
        color: var(--ink);
      }
      @media (max-width: 44rem) {
        .pipeline {
          grid-template-columns: 1fr 1fr 1fr;
        }
        .pipeline .arrow {
          display: none;
        }
        .pipeline .latent {
          grid-column: 1 / -1;
          grid-row: 2;
        }
      }
      .drawing {
        max-width: 40rem;
        margin-bottom: 0.75rem;
      }
    `,
  ];

  @property({ attribute: false }) state!: Chapter3State;
  /** The chapter's models (its download line and backend); this figure runs the VAE's encoder and decoder. */
  @property({ attribute: false }) models!: ModelController;
  @property({ attribute: false }) manifest: Manifest | null = null;

  /** The frame of the state. */
  picture: Picture | null = null;
  /** The frame encoded and decoded, once done (for the latest frame asked for). */
  encoded: Encoded | null = null;
  private drawn: { text: string; indices: Uint8Array } | null = null;
  private readonly runs = new FigureRunController(this, {
    auto: 'off',
    key: () => (this.state ? pictureKey(this.state) : null),
    run: (key, current) => this.encode(key, current),
  });

  /** Encodes the frame of the current state unless asked already: resolves when done. */
  ensure(): Promise<unknown> {
    return this.runs.ensure();
  }

  private set(partial: Partial<Chapter3State>) {
    setFigureState(this, partial);
  }

  protected willUpdate(_changed: PropertyValues<this>) {
    if (this.picture?.key !== pictureKey(this.state)) this.picture = pictureOf(this.state);
  }

  protected updated() {
    if (this.runs.startedKey !== pictureKey(this.state)) void this.runs.ensure();
  }

  // One task (ModelController.runTask) that also stores its result, so the cell's Retry redoes all of it;
  // a result for anything but the frame last asked for is dropped.
  private async encode(key: string, current: () => boolean) {
    const pic = this.picture;
    if (!pic || pic.key !== key) return;
    await this.models.runTask(this.renderRoot.querySelector<LiveCell>('live-cell#vae')!, async ({ request }) => {
      const enc = await request({ kind: 'encodeFrames', frames: { frames: pic.rgb, numFrames: 1, width: SIZE, height: SIZE } });
      const dec = await request({ kind: 'decode', latent: enc.latent, frames: 1, height: LATENT, width: LATENT });
      if (!current()) return;
      const error = errorMap(pic.rgb, dec.frames, SIZE, SIZE);
      this.encoded = {
        key: pic.key,
        latent: enc.latent,
        recon: dec.frames,
        psnr: psnr(pic.rgb, dec.frames),
        error,
        maxError: error.reduce((m, v) => Math.max(m, v), 0),
        reading: describeReading(readFrames(dec.frames, 1, SIZE, SIZE)),
      };
      this.dispatchEvent(new CustomEvent<Encoded>('vae-encoded', { detail: this.encoded }));
      this.requestUpdate();
    });
  }

  private onDrawing(e: CustomEvent<DrawingDetail>, commit: boolean) {
    this.set({ drawing: encodeDrawing(e.detail.indices), source: 'drawing' });
    if (commit) this.dispatchEvent(new CustomEvent('drawing-committed'));
  }

  private drawingIndices(text: string): Uint8Array {
    if (this.drawn?.text !== text) this.drawn = { text, indices: decodeDrawing(text, SIZE * SIZE).indices };
    return this.drawn.indices;
  }

  render() {
    const s = this.state;
    const pic = this.picture!;
    const enc = this.encoded?.key === pic.key ? this.encoded : null;
    const ratio = compressionRatio({ height: SIZE, width: SIZE }, { height: LATENT, width: LATENT, channels: CHANNELS });
    const vae = this.manifest?.vae;
    return html`<live-cell id="vae" label="A frame, squeezed into 256 numbers and restored">
      <div class="controls">
        <picture-picker
          label="Frame"
          .options=${SOURCE_OPTIONS}
          .source=${s.source}
          .seed=${s.image}
          next-label="New frame"
          .caption=${html`frame #${s.image}: ${pic.alt}`}
          @picture-change=${(e: CustomEvent<PictureChangeDetail>) =>
            this.set(e.detail.source !== undefined ? { source: e.detail.source as Chapter3State['source'] } : { image: e.detail.seed })}
        ></picture-picker>
      </div>
      ${s.source === 'drawing'
        ? html`<div class="drawing">
              <draw-canvas
                label="Your frame x"
                .indices=${this.drawingIndices(s.drawing)}
                @drawing-input=${(e: CustomEvent<DrawingDetail>) => this.onDrawing(e, false)}
                @drawing-change=${(e: CustomEvent<DrawingDetail>) => this.onDrawing(e, true)}
              ></draw-canvas>
            </div>
            ${pic.problems.length ? html`<p class="notice" role="status">The drawing in the link could not all be read: ${pic.problems.join('; ')}.</p>` : nothing}
            ${pic.blank ? html`<p class="notice" role="status">The drawing is empty (all black). Paint something to see it encoded.</p>` : nothing}`
        : nothing}
      <div class="pipeline">
        <div>
          <p class="stage-label">the frame x</p>
          <pixel-view id="x" .rgb=${pic.rgb} alt="The frame x: ${pic.alt}">32 × 32 × 3</pixel-view>
        </div>
        <div class="arrow" aria-hidden="true"><b>→</b>encoder</div>
        <div class="latent">
          <p class="stage-label">its latent ${term('z')}: 8 × 8 × 4</p>
          <channel-rasters
            id="latent"
            .planes=${enc?.latent ?? null}
            .labels=${CHANNEL_LABELS}
            .domain=${[-3, 3] as [number, number]}
            legend="latent value"
            subject="the frame's latent"
          ></channel-rasters>
        </div>
        <div class="arrow" aria-hidden="true"><b>→</b>decoder</div>
        <div>
          <p class="stage-label">x̂, decoded</p>
          <pixel-view id="recon" .rgb=${enc?.recon ?? null} alt=${enc ? `The reconstruction; the judge reads ${enc.reading}` : 'The reconstruction, not computed yet'}>
            ${enc ? html`PSNR ${fmt(enc.psnr, 1)} dB` : 'decoding…'}
          </pixel-view>
        </div>
        <div>
          <p class="stage-label">|x − x̂|</p>
          <channel-rasters
            id="error"
            .planes=${enc?.error ?? null}
            rows=${SIZE}
            cols=${SIZE}
            .labels=${['error map']}
            .domain=${[0, 40] as [number, number]}
            scheme="sequential"
            digits="0"
            legend="error (of 255)"
            subject="the reconstruction"
          ></channel-rasters>
        </div>
      </div>
      <p class="readout" id="vae-readout" data-psnr=${enc ? enc.psnr : ''}>
        ${SIZE} × ${SIZE} × 3 = ${(SIZE * SIZE * 3).toLocaleString('en')} numbers in, ${LATENT} × ${LATENT} × ${CHANNELS} = ${LATENT_VALUES} in the latent:
        <strong>${ratio} times fewer</strong>.
        ${enc
          ? html`Reconstruction: PSNR <strong>${fmt(enc.psnr, 1)} dB</strong>, the largest error of a pixel ${fmt(enc.maxError, 0)} of 255. The judge reads x̂ as
              “${enc.reading}”.`
          : nothing}
        ${vae && typeof vae.heldout_psnr_db === 'number' ? html`<span class="muted">(On frames it never saw in training the VAE averages ${fmt(vae.heldout_psnr_db, 1)} dB.)</span>` : nothing}
      </p>
    </live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'vae-figure': VaeFigure;
  }
}
