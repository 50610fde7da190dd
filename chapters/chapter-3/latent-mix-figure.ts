// <latent-mix-figure>: the first and last frame of a world clip where something
// moves, mixed (1 − α)·first + α·last in pixel space (a cross-fade) and in the
// VAE's latent space (decoded), beside the clip's own frame at that point. The
// two frames are encoded whenever the clip changes, the mix decoded whenever α
// or the encoded pair does.
import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../../components/widgets/labelled-slider';
import '../../components/shell/live-cell';
import '../../components/widgets/pixel-view';
import { FigureRunController } from '../../components/figure/figure-run-controller';
import { setFigureState } from '../../components/figure/figure-state';
import type { LiveCell } from '../../components/shell/live-cell';
import type { ModelController } from '../../components/controllers/model-controller';
import { controls, layout, prose } from '../../components/styles';
import { frameOf, mixBytes, mixLatents } from '../../pipeline/lessons/latent-space';
import { generateClip, type Clip } from '../../pipeline/world';
import { describeReading, readFrames } from '../../pipeline/world/read-frames';
import { chapter3Styles, CLIP_FRAMES, fmt, FRAME_BYTES, LATENT, LATENT_VALUES, SIZE, type Chapter3State } from './state';

/** The clip and its first and last frames. */
interface Pair {
  seed: number;
  clip: Clip;
  a: Uint8Array;
  b: Uint8Array;
}

/** The two frames' latents, and the two frames through the VAE. */
export interface PairLatents {
  seed: number;
  za: Float32Array;
  zb: Float32Array;
  ra: Uint8Array;
  rb: Uint8Array;
}

/** The next world clip after `seed` in which something moves (a pair worth mixing). */
function nextMovingPair(seed: number): number {
  for (let k = 1; k < 200; k++) {
    const s = (seed + k) % 100_000;
    if (generateClip(s, { frames: CLIP_FRAMES }).objects.some((o) => o.motion && o.motion !== 'still')) return s;
  }
  return (seed + 1) % 100_000;
}

@customElement('latent-mix-figure')
export class LatentMixFigure extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    chapter3Styles,
    css`
      .pair {
        display: grid;
        grid-template-columns: 7.5rem repeat(3, minmax(0, 10rem));
        gap: 0.5rem 0.75rem;
        align-items: center;
      }
      .pair pixel-view {
        --pixel-view-size: 100%;
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
    `,
  ];

  @property({ attribute: false }) state!: Chapter3State;
  @property({ attribute: false }) models!: ModelController;

  pair: Pair | null = null;
  /** The pair's latents, once encoded. */
  pairLatents: PairLatents | null = null;
  /** The latent mix decoded, for `key` (the pair's seed and α). */
  mixed: { key: string; rgb: Uint8Array; reading: string } | null = null;
  private readonly pairRuns = new FigureRunController(this, {
    auto: 'off',
    key: () => (this.state ? String(this.state.pair) : null),
    run: (key, current) => this.encodePair(key, current),
  });
  private readonly mixRuns = new FigureRunController(this, {
    auto: 'off',
    key: () => this.mixKey(),
    run: (key, current) => this.decodeMix(key, current),
  });

  /** The pixel mix of the state (a cross-fade of the two frames). */
  get pixelMix(): Uint8Array | null {
    return this.pair ? mixBytes(this.pair.a, this.pair.b, this.state.mix) : null;
  }

  private set(partial: Partial<Chapter3State>) {
    setFigureState(this, partial);
  }

  private cell(): LiveCell {
    return this.renderRoot.querySelector<LiveCell>('live-cell#mix')!;
  }

  /** The latents of the state's pair, once encoded. */
  private latents(): PairLatents | null {
    return this.state && this.pairLatents?.seed === this.state.pair ? this.pairLatents : null;
  }

  private mixKey(): string | null {
    const pl = this.latents();
    return pl ? `${pl.seed}|${this.state.mix}` : null;
  }

  protected willUpdate(_changed: PropertyValues<this>) {
    const seed = this.state.pair;
    if (this.pair?.seed !== seed) {
      const clip = generateClip(seed, { frames: CLIP_FRAMES });
      this.pair = { seed, clip, a: frameOf(clip.frames, 0, SIZE, SIZE).slice(), b: frameOf(clip.frames, CLIP_FRAMES - 1, SIZE, SIZE).slice() };
    }
  }

  protected updated() {
    if (this.pairRuns.startedKey !== String(this.state.pair)) void this.pairRuns.ensure();
    const key = this.mixKey();
    if (key !== null && this.mixRuns.startedKey !== key) void this.mixRuns.ensure();
  }

  private async encodePair(key: string, current: () => boolean) {
    const pair = this.pair;
    if (!pair || String(pair.seed) !== key) return;
    const both = new Uint8Array(2 * FRAME_BYTES);
    both.set(pair.a);
    both.set(pair.b, FRAME_BYTES);
    await this.models.runTask(this.cell(), async ({ request }) => {
      const enc = await request({ kind: 'encodeFrames', frames: { frames: both, numFrames: 2, width: SIZE, height: SIZE } });
      const dec = await request({ kind: 'decode', latent: enc.latent, frames: 2, height: LATENT, width: LATENT });
      if (!current()) return;
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

  private async decodeMix(key: string, current: () => boolean) {
    const pl = this.latents();
    if (!pl) return;
    const latent = mixLatents(pl.za, pl.zb, this.state.mix);
    await this.models.runTask(this.cell(), async ({ request }) => {
      const dec = await request({ kind: 'decode', latent, frames: 1, height: LATENT, width: LATENT });
      if (!current()) return;
      this.mixed = { key, rgb: dec.frames, reading: describeReading(readFrames(dec.frames, 1, SIZE, SIZE)) };
      this.requestUpdate();
    });
  }

  render() {
    const s = this.state;
    const pair = this.pair!;
    const pl = this.pairLatents?.seed === pair.seed ? this.pairLatents : null;
    const mixed = pl && this.mixed?.key.startsWith(`${pair.seed}|`) ? this.mixed : null;
    const pixel = this.pixelMix!;
    const pixelReading = describeReading(readFrames(pixel, 1, SIZE, SIZE));
    const k = Math.round(s.mix * (CLIP_FRAMES - 1));
    const real = frameOf(pair.clip.frames, k, SIZE, SIZE);
    const a = fmt(1 - s.mix, 2), b = fmt(s.mix, 2);
    return html`<live-cell id="mix" label="The same mix, in pixel space and in latent space">
      <div class="controls">
        <div class="stack">
          <div class="row">
            <button type="button" @click=${() => this.set({ pair: nextMovingPair(s.pair) })}>Another clip</button>
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
          @value-input=${(e: CustomEvent<{ value: number }>) => this.set({ mix: e.detail.value })}
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
    </live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'latent-mix-figure': LatentMixFigure;
  }
}
