// Chapter 3: The latent space. The VAE's encoder and decoder on a world frame
// or the reader's drawing: the four latent channels, the reconstruction and its
// error, the compression; an edit of the latent the decoder redraws; mixing two
// frames in latent space against pixel space; and what a step of a denoiser
// costs in a latent against in pixels, measured here. Prose and wiring only:
// the arithmetic is pipeline/lessons/latent-space.ts, the pieces are components/.
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement } from 'lit/decorators.js';
import '../components/channel-rasters';
import '../components/chapter-section';
import '../components/choice-picker';
import '../components/cost-table';
import '../components/draw-canvas';
import '../components/labelled-slider';
import '../components/live-cell';
import '../components/pixel-view';
import '../components/state-notice';
import type { Reference, TryThis, TryThisDetail } from '../components/chapter-section';
import type { CostRow } from '../components/cost-table';
import { formatCount } from '../components/cost-table';
import type { DrawingDetail } from '../components/draw-canvas';
import type { LiveCell } from '../components/live-cell';
import { ModelController } from '../components/model-controller';
import { term } from '../components/notation';
import { controls, layout, prose } from '../components/styles';
import { UrlStateController } from '../components/url-state-controller';
import { decodeDrawing, drawingToRgb, encodeDrawing, isBlank } from '../pipeline/drawing';
import { compressionRatio, editChannel, errorMap, frameOf, mixBytes, mixLatents, psnr } from '../pipeline/lessons/latent-space';
import { formatBytes } from '../pipeline/runtime/manifest';
import { feedsForShapes, flopsShapes, timeCalls } from '../pipeline/step-timing';
import { defineSchema, integer, number, oneOf, text, type StateOf } from '../pipeline/url-state';
import { generateClip, type Clip } from '../pipeline/world';
import { describeReading, readFrames } from '../pipeline/world/read-frames';

const SIZE = 32;
const LATENT = 8;
const CHANNELS = 4;
const FRAME_BYTES = SIZE * SIZE * 3;
const LATENT_VALUES = CHANNELS * LATENT * LATENT;
const CLIP_FRAMES = 8;
/** The two denoisers the cost cell compares. */
const COST_MODELS = ['unet', 'unet_pixel'] as const;

export const chapter3Schema = defineSchema({
  source: oneOf(['world', 'drawing'], 'world'),
  /** Seed of the world frame. */
  image: integer(0, 99_999, 2),
  /** The reader's drawing (pipeline/drawing.ts). */
  drawing: text(1400, ''),
  /** The channel the edit changes (1-based, as the page names them), or all four. */
  channel: oneOf(['1', '2', '3', '4', 'all'], '2'),
  scale: number(-2, 3, 1),
  shift: number(-3, 3, 0),
  /** Seed of the world clip whose first and last frames are mixed. */
  pair: integer(0, 99_999, 1),
  /** α: how much of the last frame the mix holds. */
  mix: number(0, 1, 0.5),
});
export type Chapter3State = StateOf<typeof chapter3Schema>;

const CHANNEL_LABELS = ['channel 1', 'channel 2', 'channel 3', 'channel 4'];

/** A drawing the world never shows: one-pixel lines, a pixel apart in places (a try-this state). */
const THIN_LINES = (() => {
  const d = new Uint8Array(SIZE * SIZE);
  for (let i = 4; i < 28; i++) {
    d[i * SIZE + i] = 1; // a red diagonal
    d[6 * SIZE + i] = 4; // a yellow line
    d[i * SIZE + 26] = 3; // a blue line
  }
  for (let i = 8; i < 20; i += 2) for (let j = 10; j < 22; j++) d[j * SIZE + i] = 2; // green bars, a pixel apart
  return encodeDrawing(d);
})();

const TRY_THIS: TryThis<Partial<Chapter3State>>[] = [
  {
    question: 'What does each channel carry? Set channel 2’s scale to 0 (it becomes flat) and see what the decoder loses; then try the other channels.',
    state: { source: 'world', image: 2, channel: '2', scale: 0, shift: 0 },
  },
  {
    question: 'Mix the first and last frame of a moving square half and half. Does either space put the square halfway? Compare both with the real middle frame.',
    state: { pair: 1, mix: 0.5 },
  },
  {
    question: 'Lines one pixel wide never occur in the Shapes World. How well does the VAE restore them? Read the error map and the PSNR.',
    state: { source: 'drawing', drawing: THIN_LINES, scale: 1, shift: 0 },
  },
];

const REFERENCES: Reference[] = [
  { title: 'Kingma & Welling 2014, Auto-Encoding Variational Bayes', href: 'https://arxiv.org/abs/1312.6114', note: 'the VAE' },
  { title: 'Rombach et al. 2022, High-Resolution Image Synthesis with Latent Diffusion Models', href: 'https://arxiv.org/abs/2112.10752', note: 'diffusion in a latent space, and the scaling factor' },
  { title: 'OpenAI 2024, Video generation models as world simulators', href: 'https://openai.com/index/video-generation-models-as-world-simulators/', note: 'Sora’s video compression network' },
];

const fmt = (v: number, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits).replace('-', '−') : v > 0 ? '∞' : '−∞');
const signed = (v: number) => (v >= 0 ? `+${v.toFixed(1)}` : v.toFixed(1).replace('-', '−'));

interface Picture {
  key: string;
  rgb: Uint8Array;
  alt: string;
  blank: boolean;
  problems: string[];
}

interface Encoded {
  key: string;
  latent: Float32Array;
  recon: Uint8Array;
  psnr: number;
  error: Float32Array;
  maxError: number;
  reading: string;
}

interface Pair {
  seed: number;
  clip: Clip;
  a: Uint8Array;
  b: Uint8Array;
}

interface PairLatents {
  seed: number;
  za: Float32Array;
  zb: Float32Array;
  ra: Uint8Array;
  rb: Uint8Array;
}

@customElement('chapter-3')
export class Chapter3 extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    css`
      .weights,
      .backend {
        font-size: 0.85rem;
        color: var(--muted);
        margin: 0.5rem 0;
        max-width: none;
      }
      .controls {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr));
        gap: 0.9rem 1.5rem;
        align-items: start;
        margin-bottom: 1rem;
      }
      .pipeline {
        display: grid;
        grid-template-columns: minmax(6rem, 7.5rem) auto minmax(16rem, 1fr) auto minmax(6rem, 7.5rem) minmax(6rem, 7.5rem);
        gap: 0.6rem;
        align-items: start;
      }
      .pipeline pixel-view,
      .pair pixel-view,
      .edit pixel-view {
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
      .stage-label {
        font-size: 0.85rem;
        font-weight: 600;
        margin: 0 0 0.3rem;
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
      .readout {
        font-variant-numeric: tabular-nums;
        font-size: 0.95rem;
        margin: 0.75rem 0 0;
        max-width: none;
      }
      .drawing {
        max-width: 40rem;
        margin-bottom: 0.75rem;
      }
      .edit {
        display: grid;
        grid-template-columns: minmax(14rem, 1fr) minmax(6rem, 8.5rem) minmax(6rem, 8.5rem);
        gap: 0.75rem;
        align-items: start;
      }
      @media (max-width: 44rem) {
        .edit {
          grid-template-columns: 1fr 1fr;
        }
        .edit channel-rasters {
          grid-column: 1 / -1;
        }
      }
      .pair {
        display: grid;
        grid-template-columns: 7.5rem repeat(3, minmax(0, 10rem));
        gap: 0.5rem 0.75rem;
        align-items: center;
      }
      .pair .head {
        font-size: 0.85rem;
        font-weight: 600;
        color: var(--muted);
        text-align: center;
      }
      .pair .name {
        font-size: 0.9rem;
        font-weight: 600;
      }
      .pair .reading {
        grid-column: 2 / -1;
        font-size: 0.85rem;
        color: var(--muted);
        margin: -0.2rem 0 0.4rem;
      }
      .pair .mixed {
        outline: 3px solid var(--focus);
        outline-offset: 2px;
        border-radius: 0.25rem;
      }
      @media (max-width: 30rem) {
        .pair {
          grid-template-columns: repeat(3, minmax(0, 1fr));
        }
        .pair .name {
          grid-column: 1 / -1;
        }
        .pair .head.corner {
          display: none;
        }
        .pair .reading {
          grid-column: 1 / -1;
        }
      }
      .stack > * + * {
        margin-top: 0.75rem;
      }
      cost-table {
        margin-top: 0.9rem;
      }
    `,
  ];

  private url = new UrlStateController(this, chapter3Schema, 'c3');
  /** The VAE; the cost cell's U-Nets run through the same worker, named per call. */
  readonly models = new ModelController(this, { models: ['vae_encoder', 'vae_decoder'] });

  private picture: Picture | null = null;
  private encoded: Encoded | null = null;
  private edited: { key: string; latent: Float32Array; rgb: Uint8Array; psnr: number; reading: string } | null = null;
  private pair: Pair | null = null;
  private pairLatents: PairLatents | null = null;
  private mixed: { key: string; rgb: Uint8Array; reading: string } | null = null;
  private cost: { rows: CostRow[] } = { rows: [] };
  /** What each cell was last asked for: a result for anything else is stale. */
  private asked = { vae: '', edit: '', pair: '', mix: '' };

  /** What the figures show, for tests: the frame, its latent (scaled), the reconstruction, the edit and the mixes. */
  get figure() {
    const s = this.url.state;
    const mix = this.pair ? mixBytes(this.pair.a, this.pair.b, s.mix) : null;
    return {
      picture: this.picture?.rgb ?? null,
      latent: this.encoded?.latent ?? null,
      recon: this.encoded?.recon ?? null,
      psnr: this.encoded?.psnr ?? NaN,
      editedLatent: this.edited?.latent ?? null,
      edited: this.edited?.rgb ?? null,
      editKey: this.edited?.key ?? '',
      pixelMix: mix,
      latentMix: this.mixed?.rgb ?? null,
      mixKey: this.mixed?.key ?? '',
      pairLatents: this.pairLatents ? { za: this.pairLatents.za, zb: this.pairLatents.zb } : null,
      cost: this.cost.rows,
    };
  }

  get state(): Chapter3State {
    return this.url.state;
  }

  setState(partial: Partial<Chapter3State>) {
    this.url.set(partial);
  }

  private cell(id: string): LiveCell {
    return this.renderRoot.querySelector<LiveCell>(`live-cell#${id}`)!;
  }

  private get edit() {
    const s = this.url.state;
    return { channel: s.channel === 'all' ? ('all' as const) : Number(s.channel) - 1, scale: s.scale, shift: s.shift };
  }

  // ---------------------------------------------------------------- derived values

  private ensurePicture(): Picture {
    const s = this.url.state;
    const key = s.source === 'world' ? `w${s.image}` : `d${s.drawing}`;
    if (this.picture?.key === key) return this.picture;
    if (s.source === 'world') {
      const clip = generateClip(s.image, { frames: 1 });
      this.picture = { key, rgb: clip.frames, alt: clip.caption, blank: false, problems: [] };
    } else {
      const { indices, problems } = decodeDrawing(s.drawing, SIZE * SIZE);
      const blank = isBlank(indices);
      this.picture = { key, rgb: drawingToRgb(indices), alt: blank ? 'your drawing, still empty (all black)' : 'your drawing', blank, problems };
    }
    return this.picture;
  }

  private ensurePair(): Pair {
    const seed = this.url.state.pair;
    if (this.pair?.seed === seed) return this.pair;
    const clip = generateClip(seed, { frames: CLIP_FRAMES });
    this.pair = { seed, clip, a: frameOf(clip.frames, 0, SIZE, SIZE).slice(), b: frameOf(clip.frames, CLIP_FRAMES - 1, SIZE, SIZE).slice() };
    return this.pair;
  }

  protected willUpdate(_changed: PropertyValues<this>) {
    this.ensurePicture();
    this.ensurePair();
  }

  protected firstUpdated() {
    this.dataset.ready = 'true';
  }

  protected updated() {
    const s = this.url.state;
    const pic = this.picture!;
    if (this.asked.vae !== pic.key) void this.encodePicture(pic);
    const enc = this.encoded;
    if (enc && enc.key === pic.key) {
      const key = `${enc.key}|${s.channel}|${s.scale}|${s.shift}`;
      if (this.asked.edit !== key) void this.decodeEdit(key, enc);
    }
    if (this.asked.pair !== String(s.pair)) void this.encodePair(this.pair!);
    const pl = this.pairLatents;
    if (pl && pl.seed === s.pair) {
      const key = `${pl.seed}|${s.mix}`;
      if (this.asked.mix !== key) void this.decodeMix(key, pl, s.mix);
    }
  }

  // ---------------------------------------------------------------- model calls

  // Each cell's work is one task (ModelController.runTask) that also stores its result, so the
  // cell's Retry redoes all of it; a result for anything but what the cell was last asked is dropped.

  private encodePicture(pic: Picture) {
    this.asked.vae = pic.key;
    void this.models.runTask(this.cell('vae'), async ({ request }) => {
      const enc = await request({ kind: 'encodeFrames', frames: { frames: pic.rgb, numFrames: 1, width: SIZE, height: SIZE } });
      const dec = await request({ kind: 'decode', latent: enc.latent, frames: 1, height: LATENT, width: LATENT });
      if (this.asked.vae !== pic.key) return;
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
      this.requestUpdate();
    });
  }

  private decodeEdit(key: string, enc: Encoded) {
    this.asked.edit = key;
    const latent = editChannel(enc.latent, { channels: CHANNELS, height: LATENT, width: LATENT }, this.edit);
    void this.models.runTask(this.cell('edit'), async ({ request }) => {
      const dec = await request({ kind: 'decode', latent, frames: 1, height: LATENT, width: LATENT });
      if (this.asked.edit !== key) return;
      this.edited = { key, latent, rgb: dec.frames, psnr: psnr(enc.recon, dec.frames), reading: describeReading(readFrames(dec.frames, 1, SIZE, SIZE)) };
      this.requestUpdate();
    });
  }

  private encodePair(pair: Pair) {
    const key = String(pair.seed);
    this.asked.pair = key;
    const both = new Uint8Array(2 * FRAME_BYTES);
    both.set(pair.a);
    both.set(pair.b, FRAME_BYTES);
    void this.models.runTask(this.cell('mix'), async ({ request }) => {
      const enc = await request({ kind: 'encodeFrames', frames: { frames: both, numFrames: 2, width: SIZE, height: SIZE } });
      const dec = await request({ kind: 'decode', latent: enc.latent, frames: 2, height: LATENT, width: LATENT });
      if (this.asked.pair !== key) return;
      this.pairLatents = {
        seed: pair.seed,
        za: enc.latent.slice(0, LATENT_VALUES),
        zb: enc.latent.slice(LATENT_VALUES),
        ra: dec.frames.slice(0, FRAME_BYTES),
        rb: dec.frames.slice(FRAME_BYTES),
      };
      this.requestUpdate();
    });
  }

  private decodeMix(key: string, pl: PairLatents, alpha: number) {
    this.asked.mix = key;
    const latent = mixLatents(pl.za, pl.zb, alpha);
    void this.models.runTask(this.cell('mix'), async ({ request }) => {
      const dec = await request({ kind: 'decode', latent, frames: 1, height: LATENT, width: LATENT });
      if (this.asked.mix !== key) return;
      this.mixed = { key, rgb: dec.frames, reading: describeReading(readFrames(dec.frames, 1, SIZE, SIZE)) };
      this.requestUpdate();
    });
  }

  /** Times a step of each of the two U-Nets here (two warm-up calls, then the median of seven). */
  async measureCost(): Promise<void> {
    const manifest = this.models.manifest;
    if (!manifest || COST_MODELS.some((m) => !manifest.models[m])) return;
    const rows = this.costRows();
    this.cost = { rows };
    this.requestUpdate();
    await this.models.runTask(this.cell('cost'), async ({ request, signal }) => {
      for (let i = 0; i < COST_MODELS.length; i++) {
        const model = COST_MODELS[i];
        const shapes = flopsShapes(manifest.models[model]);
        if (!shapes) throw new Error(`weights/manifest.json gives no input shapes (flops_shapes) for ${model}`);
        const feeds = feedsForShapes(shapes);
        const timing = await timeCalls(async () => (await request({ kind: 'run', model, feeds })).ms, { warmup: 2, repeats: 7, signal });
        rows[i] = { ...rows[i], ms: timing.median, times: timing.times };
        this.cost = { rows: [...rows] };
        this.requestUpdate();
      }
    });
  }

  private costRows(): CostRow[] {
    const manifest = this.models.manifest;
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

  // ---------------------------------------------------------------- events

  private onTryThis(e: CustomEvent<TryThisDetail>) {
    this.url.clearProblems();
    this.url.set(e.detail.state as Partial<Chapter3State>);
  }

  private onDrawing(e: CustomEvent<DrawingDetail>, commit: boolean) {
    this.url.set({ drawing: encodeDrawing(e.detail.indices), source: 'drawing' });
    if (commit) this.url.flush();
  }

  private drawn: { text: string; indices: Uint8Array } | null = null;

  private drawingIndices(text: string): Uint8Array {
    if (this.drawn?.text !== text) this.drawn = { text, indices: decodeDrawing(text, SIZE * SIZE).indices };
    return this.drawn.indices;
  }

  /** The next world clip after `seed` in which something moves (a pair worth mixing). */
  private nextMovingPair(seed: number): number {
    for (let k = 1; k < 200; k++) {
      const s = (seed + k) % 100_000;
      if (generateClip(s, { frames: CLIP_FRAMES }).objects.some((o) => o.motion && o.motion !== 'still')) return s;
    }
    return (seed + 1) % 100_000;
  }

  // ---------------------------------------------------------------- rendering

  private renderEncode() {
    const s = this.url.state;
    const pic = this.picture!;
    const enc = this.encoded?.key === pic.key ? this.encoded : null;
    const ratio = compressionRatio({ height: SIZE, width: SIZE }, { height: LATENT, width: LATENT, channels: CHANNELS });
    const vae = this.models.manifest?.vae;
    return html`
      <div class="controls">
        <div class="stack">
          <choice-picker
            label="Frame"
            .options=${[
              { value: 'world', label: 'From the world' },
              { value: 'drawing', label: 'Draw your own' },
            ]}
            .value=${s.source}
            @choice-change=${(e: CustomEvent<{ value: string }>) => this.url.set({ source: e.detail.value as Chapter3State['source'] })}
          ></choice-picker>
          ${s.source === 'world'
            ? html`<div class="row">
                <button type="button" @click=${() => this.url.set({ image: (s.image + 1) % 100_000 })}>New frame</button>
                <span class="muted">frame #${s.image}: ${pic.alt}</span>
              </div>`
            : nothing}
        </div>
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
    `;
  }

  private renderEdit() {
    const s = this.url.state;
    const enc = this.encoded?.key === this.picture!.key ? this.encoded : null;
    const ed = this.edited && enc && this.edited.key.startsWith(`${enc.key}|`) ? this.edited : null;
    const which = s.channel === 'all' ? 'every channel' : `channel ${s.channel}`;
    return html`
      <div class="controls">
        <choice-picker
          label="Channel to change"
          .options=${[...['1', '2', '3', '4'].map((c) => ({ value: c, label: c })), { value: 'all', label: 'All' }]}
          .value=${s.channel}
          @choice-change=${(e: CustomEvent<{ value: string }>) => this.url.set({ channel: e.detail.value as Chapter3State['channel'] })}
        ></choice-picker>
        <labelled-slider
          label="Scale"
          min="-2"
          max="3"
          step="0.1"
          number-box
          .value=${s.scale}
          .format=${(v: number) => `× ${fmt(v, 1)}`}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.url.set({ scale: e.detail.value })}
        ></labelled-slider>
        <labelled-slider
          label="Shift"
          min="-3"
          max="3"
          step="0.1"
          number-box
          .value=${s.shift}
          .format=${(v: number) => signed(v)}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.url.set({ shift: e.detail.value })}
        ></labelled-slider>
        <div class="row">
          <button type="button" ?disabled=${s.scale === 1 && s.shift === 0} @click=${() => this.url.set({ scale: 1, shift: 0 })}>Undo the edit</button>
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
    `;
  }

  private renderMix() {
    const s = this.url.state;
    const pair = this.pair!;
    const pl = this.pairLatents?.seed === pair.seed ? this.pairLatents : null;
    const mixed = pl && this.mixed?.key.startsWith(`${pair.seed}|`) ? this.mixed : null;
    const pixel = mixBytes(pair.a, pair.b, s.mix);
    const pixelReading = describeReading(readFrames(pixel, 1, SIZE, SIZE));
    const k = Math.round(s.mix * (CLIP_FRAMES - 1));
    const real = frameOf(pair.clip.frames, k, SIZE, SIZE);
    const a = fmt(1 - s.mix, 2), b = fmt(s.mix, 2);
    return html`
      <div class="controls">
        <div class="stack">
          <div class="row">
            <button type="button" @click=${() => this.url.set({ pair: this.nextMovingPair(s.pair) })}>Another clip</button>
            <span class="muted">clip #${s.pair}: ${pair.clip.caption}</span>
          </div>
        </div>
        <labelled-slider
          label="Mix α"
          min="0"
          max="1"
          step="0.05"
          .value=${s.mix}
          .format=${(v: number) => `${fmt(1 - v)} of the first, ${fmt(v)} of the last`}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.url.set({ mix: e.detail.value })}
        ></labelled-slider>
      </div>
      <div class="pair" role="group" aria-label="Mixing the first and last frame, in pixel space and in latent space">
        <span class="head corner"></span><span class="head">first frame</span><span class="head">mix, α = ${fmt(s.mix)}</span><span class="head">last frame</span>
        <span class="name">in pixel space<br /><span class="muted">${a}·x₁ + ${b}·x₈</span></span>
        <pixel-view .rgb=${pair.a} alt="The first frame"></pixel-view>
        <pixel-view id="pixel-mix" class="mixed" .rgb=${pixel} alt="The pixel mix; the judge reads ${pixelReading}"></pixel-view>
        <pixel-view .rgb=${pair.b} alt="The last frame"></pixel-view>
        <p class="reading" id="pixel-reading">The judge reads the mix as “${pixelReading}”.</p>
        <span class="name">in latent space<br /><span class="muted">decode(${a}·z₁ + ${b}·z₈)</span></span>
        <pixel-view .rgb=${pl?.ra ?? null} alt="The first frame through the VAE"></pixel-view>
        <pixel-view id="latent-mix" class="mixed" .rgb=${mixed?.rgb ?? null} alt=${mixed ? `The decoded latent mix; the judge reads ${mixed.reading}` : 'not decoded yet'}></pixel-view>
        <pixel-view .rgb=${pl?.rb ?? null} alt="The last frame through the VAE"></pixel-view>
        <p class="reading" id="latent-reading">${mixed ? `The judge reads the mix as “${mixed.reading}”.` : 'Decoding…'}</p>
        <span class="name">the clip itself<br /><span class="muted">frame ${k + 1} of ${CLIP_FRAMES}</span></span>
        <span></span>
        <pixel-view id="real" .rgb=${real} alt="Frame ${k + 1} of the clip: where the object really is at this point"></pixel-view>
        <span></span>
      </div>
    `;
  }

  private renderCost() {
    const manifest = this.models.manifest;
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
    const rows = this.cost.rows.length ? this.cost.rows : this.costRows();
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
    const vae = this.models.manifest?.vae;
    const scaling = typeof vae?.scaling_factor === 'number' ? vae.scaling_factor : null;
    return html`
      <chapter-section .tryThis=${TRY_THIS} .references=${REFERENCES} @try-this=${this.onTryThis}>
        <state-notice .messages=${this.url.messages()}></state-notice>
        <p>
          A frame of the Shapes World is 32 × 32 pixels with three colours each: 3,072 numbers. A clip of 8 frames is 24,576.
          The denoiser is called 30 times or more for one sample, on two copies of it each time with guidance, so every number it must see is
          paid for again and again. Latent diffusion pays less: a <em>variational autoencoder</em> (VAE) squeezes each frame into a
          much smaller <em>latent</em> ${term('z')}, the diffusion model works only there, and the VAE's decoder turns its
          final latent back into pixels, once.
        </p>
        <p>
          The VAE here shrinks each side by 4 and keeps 4 channels: a frame becomes an 8 × 8 grid of cells, each holding 4
          numbers. Pick a frame, or draw one, and see it go in and come back.
        </p>
        ${this.models.renderWeights()}
        <live-cell id="vae" label="A frame, squeezed into 256 numbers and restored">${this.renderEncode()}</live-cell>
        <p>
          The decoder does not get the frame back exactly: the error map shows where it misses, mostly on edges, where a
          shape's anti-aliased rim is hard to describe at a quarter of the resolution. PSNR (peak signal-to-noise ratio,
          10·log<sub>10</sub>(255² / mean squared error)) sums the error up in decibels; above about 30 dB the eye hardly
          tells the two apart, and the world's judge still reads the same objects. Each value on the channels' colour scale
          is the latent as the denoiser sees it: the encoder's output times a fixed scaling factor
          (${scaling ? fmt(scaling, 3) : 'from the manifest'}), chosen so that the latents have a spread of about 1, like
          the noise the diffusion model adds to them.
        </p>
        <h3>Change the latent, see the decoder redraw</h3>
        <p>
          The latent is not a small picture: no channel is “the red one” by design, and nothing forces a cell to describe
          only its own 4 × 4 pixels. Scale a channel or shift it and the decoder redraws from what you made. Small changes
          give a recognisable frame with different colours or edges; large ones give latents the decoder never saw in
          training, and its output stops being a Shapes World frame.
        </p>
        <live-cell id="edit" label="Edit the latent, decode again">${this.renderEdit()}</live-cell>
        <h3>Mixing two frames</h3>
        <p>
          Take the first and last frame of a clip where something moves, and mix them: (1 − α)·first + α·last. In pixel
          space that is a cross-fade, two faint copies. In latent space the decoder gets something between two latents,
          and it draws what that latent means to it. Neither puts the object where it really is halfway through the clip:
          motion is not a mix of frames. A video model has to learn it, which is why the clip's frames are denoised
          together in the next chapters.
        </p>
        <live-cell id="mix" label="The same mix, in pixel space and in latent space">${this.renderMix()}</live-cell>
        <h3>What a step costs in a latent, and in pixels</h3>
        <p>
          The saving is in the denoiser. A convolution costs in proportion to the positions it slides over, and attention
          to the square of the tokens; in the latent there are 16 times fewer positions (8 × 8 against 32 × 32). The VAE's
          decoder runs only once, after the last step. Two U-Nets of the same design, one trained on latents and one on
          pixels, show what that buys, in FLOPs counted from their graphs and in milliseconds measured in this browser.
        </p>
        <live-cell id="cost" label="A step of the latent U-Net against a step of the pixel U-Net">${this.renderCost()}</live-cell>
        ${this.models.renderBackend()}
      </chapter-section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chapter-3': Chapter3;
  }
}
