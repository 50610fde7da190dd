// <latent-edit-figure>: one channel of the frame's latent (or all four) scaled
// and shifted, and the VAE's decoder drawing what was made, beside the
// reconstruction before the edit. It gets the encoded frame from the chapter
// (as <vae-figure> handed it up) and decodes whenever the edit or that frame
// changes.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../../components/widgets/channel-rasters';
import '../../components/widgets/choice-picker';
import '../../components/widgets/labelled-slider';
import '../../components/shell/live-cell';
import '../../components/widgets/pixel-view';
import { FigureRunController } from '../../components/figure/figure-run-controller';
import { setFigureState } from '../../components/figure/figure-state';
import type { LiveCell } from '../../components/shell/live-cell';
import type { ModelController } from '../../components/controllers/model-controller';
import { term } from '../../components/shell/notation';
import { controls, layout, prose } from '../../components/styles';
import { editChannel, psnr } from '../../pipeline/lessons/latent-space';
import { describeReading, readFrames } from '../../pipeline/world/read-frames';
import { CHANNEL_LABELS, CHANNELS, chapter3Styles, fmt, LATENT, pictureKey, signed, SIZE, type Chapter3State, type Encoded } from './state';

/** The edited latent, what the decoder drew from it, and how far that is from the unedited reconstruction. */
interface Edited {
  key: string;
  latent: Float32Array;
  rgb: Uint8Array;
  psnr: number;
  reading: string;
}

@customElement('latent-edit-figure')
export class LatentEditFigure extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    chapter3Styles,
    css`
      .edit {
        display: grid;
        grid-template-columns: minmax(14rem, 1fr) minmax(6rem, 8.5rem) minmax(6rem, 8.5rem);
        gap: 0.75rem;
        align-items: start;
      }
      .edit pixel-view {
        --pixel-view-size: 100%;
      }
      @media (max-width: 44rem) {
        .edit {
          grid-template-columns: 1fr 1fr;
        }
        .edit channel-rasters {
          grid-column: 1 / -1;
        }
      }
    `,
  ];

  @property({ attribute: false }) state!: Chapter3State;
  @property({ attribute: false }) models!: ModelController;
  /** The frame through the VAE (from <vae-figure>, by way of the chapter); null until it is. */
  @property({ attribute: false }) encoded: Encoded | null = null;

  /** The latest edit decoded. */
  edited: Edited | null = null;
  private readonly runs = new FigureRunController(this, {
    auto: 'off',
    key: () => this.editKey(),
    run: (key, current) => this.decode(key, current),
  });

  /** Decodes the current edit unless asked already (nothing before the frame is encoded): resolves when done. */
  ensure(): Promise<unknown> {
    return this.runs.ensure();
  }

  private set(partial: Partial<Chapter3State>) {
    setFigureState(this, partial);
  }

  /** The encoded frame, when it is the state's. */
  private current(): Encoded | null {
    return this.state && this.encoded?.key === pictureKey(this.state) ? this.encoded : null;
  }

  private editKey(): string | null {
    const enc = this.current(), s = this.state;
    return enc ? `${enc.key}|${s.channel}|${s.scale}|${s.shift}` : null;
  }

  protected updated() {
    const key = this.editKey();
    if (key !== null && this.runs.startedKey !== key) void this.runs.ensure();
  }

  private async decode(key: string, current: () => boolean) {
    const enc = this.current(), s = this.state;
    if (!enc) return;
    const edit = { channel: s.channel === 'all' ? ('all' as const) : Number(s.channel) - 1, scale: s.scale, shift: s.shift };
    const latent = editChannel(enc.latent, { channels: CHANNELS, height: LATENT, width: LATENT }, edit);
    await this.models.runTask(this.renderRoot.querySelector<LiveCell>('live-cell#edit')!, async ({ request }) => {
      const dec = await request({ kind: 'decode', latent, frames: 1, height: LATENT, width: LATENT });
      if (!current()) return;
      this.edited = { key, latent, rgb: dec.frames, psnr: psnr(enc.recon, dec.frames), reading: describeReading(readFrames(dec.frames, 1, SIZE, SIZE)) };
      this.requestUpdate();
    });
  }

  render() {
    const s = this.state;
    const enc = this.current();
    const ed = this.edited && enc && this.edited.key.startsWith(`${enc.key}|`) ? this.edited : null;
    const which = s.channel === 'all' ? 'every channel' : `channel ${s.channel}`;
    return html`<live-cell id="edit" label="Edit the latent, decode again">
      <div class="controls">
        <choice-picker
          label="Channel to change"
          .options=${[...['1', '2', '3', '4'].map((c) => ({ value: c, label: c })), { value: 'all', label: 'All' }]}
          .value=${s.channel}
          @choice-change=${(e: CustomEvent<{ value: string }>) => this.set({ channel: e.detail.value as Chapter3State['channel'] })}
        ></choice-picker>
        <labelled-slider
          label="Scale"
          min="-2"
          max="3"
          step="0.1"
          number-box
          .value=${s.scale}
          .format=${(v: number) => `× ${fmt(v, 1)}`}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.set({ scale: e.detail.value })}
        ></labelled-slider>
        <labelled-slider
          label="Shift"
          min="-3"
          max="3"
          step="0.1"
          number-box
          .value=${s.shift}
          .format=${(v: number) => signed(v)}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.set({ shift: e.detail.value })}
        ></labelled-slider>
        <div class="row">
          <button type="button" ?disabled=${s.scale === 1 && s.shift === 0} @click=${() => this.set({ scale: 1, shift: 0 })}>Undo the edit</button>
        </div>
      </div>
      <div class="edit">
        <div>
          <p class="stage-label">${term('z')} edited: ${which} × ${fmt(s.scale, 1)} ${signed(s.shift)}</p>
          <channel-rasters
            id="edited-latent"
            .planes=${ed?.latent ?? null}
            .labels=${CHANNEL_LABELS}
            .domain=${[-3, 3] as [number, number]}
            highlight=${s.channel === 'all' ? -1 : Number(s.channel) - 1}
            legend="latent value"
            subject="the edited latent"
          ></channel-rasters>
        </div>
        <div>
          <p class="stage-label">x̂, as encoded</p>
          <pixel-view id="edit-before" .rgb=${enc?.recon ?? null} alt="The reconstruction before the edit"></pixel-view>
        </div>
        <div>
          <p class="stage-label">after the edit</p>
          <pixel-view id="edit-after" .rgb=${ed?.rgb ?? null} alt=${ed ? `The frame decoded from the edited latent; the judge reads ${ed.reading}` : 'not decoded yet'}></pixel-view>
        </div>
      </div>
      ${ed
        ? html`<p class="readout" id="edit-readout">
            ${s.scale === 1 && s.shift === 0
              ? 'No edit yet: the latent decodes to x̂ again, pixel for pixel. Move a slider.'
              : `Against the unedited x̂: PSNR ${fmt(ed.psnr, 1)} dB. The judge reads “${ed.reading}”.`}
          </p>`
        : nothing}
    </live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'latent-edit-figure': LatentEditFigure;
  }
}
