// <noise-figure>: the noise a clip starts from is one spacetime volume too. A
// seed's noise for 8 frames drawn as the sampler draws it: each frame's own
// part, the part every frame shares, and the two mixed with the chosen weight
// a, ε_f = (a·ε_shared + ε_f′)/√(1 + a²); beside it, how alike neighbouring
// frames are, measured on this very draw. No model runs.
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../../components/widgets/labelled-slider';
import '../../components/shell/live-cell';
import '../../components/widgets/pixel-view';
import '../../components/widgets/seed-control';
import type { SeedDetail } from '../../components/widgets/seed-control';
import { setFigureState } from '../../components/figure/figure-state';
import { controls, layout, prose } from '../../components/styles';
import { fillFrameNoise, neighbourCorrelation } from '../../pipeline/diffusion/noise';
import { createRandom, fillNormal } from '../../pipeline/random';
import type { Manifest } from '../../pipeline/runtime/manifest';
import { latentStrip } from '../../pipeline/tensor-pictures';
import { chapter4Styles, CHANNELS, CLIP_FRAMES, LATENT, type Chapter4State } from './state';

const SIZE = CHANNELS * LATENT * LATENT;

/** A seed's noise for the clip in its three parts, drawn in the sampler's order (the frames' own normals first). */
export function noiseParts(seed: number, a: number) {
  const rng = createRandom(seed);
  const own = fillNormal(rng, new Float32Array(CLIP_FRAMES * SIZE));
  const shared = fillNormal(rng, new Float32Array(SIZE));
  const mixed = fillFrameNoise(createRandom(seed), new Float32Array(CLIP_FRAMES * SIZE), CLIP_FRAMES, a);
  return { own, shared, mixed };
}

/** A clip's noise (F, 4, 8, 8) as a strip: a frame a column of its 4 channels, a black pixel between frames. */
const noiseStrip = (values: Float32Array) => latentStrip(values, CLIP_FRAMES, CHANNELS, LATENT, LATENT);

const signed = (v: number) => v.toFixed(2).replace('-', '−');

@customElement('noise-figure')
export class NoiseFigure extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    chapter4Styles,
    css`
      .parts {
        display: grid;
        grid-template-columns: max-content minmax(0, 1fr);
        gap: 0.5rem 1rem;
        align-items: center;
        max-width: 40rem;
      }
      .parts h4 {
        margin: 0;
        font-size: 0.9rem;
      }
      .parts .sub {
        display: block;
        font-weight: normal;
        color: var(--muted);
        font-size: 0.8rem;
      }
      pixel-view {
        --pixel-view-size: 100%;
        display: block;
      }
    `,
  ];

  @property({ attribute: false }) state!: Chapter4State;
  @property({ attribute: false }) manifest: Manifest | null = null;

  private drawn: { key: string; value: ReturnType<NoiseFigure['draw']> } | null = null;

  private set(partial: Partial<Chapter4State>) {
    setFigureState(this, partial);
  }

  /** The draw shown, for tests: its parts and the neighbours' correlation with and without the shared part. */
  get figure() {
    const key = `${this.state.nseed}|${this.state.share}`;
    if (this.drawn?.key !== key) this.drawn = { key, value: this.draw() };
    return this.drawn.value;
  }

  private draw() {
    const a = this.state.share / 4;
    const parts = noiseParts(this.state.nseed, a);
    const sharedEveryFrame = new Float32Array(CLIP_FRAMES * SIZE);
    for (let k = 0; k < CLIP_FRAMES; k++) sharedEveryFrame.set(parts.shared, k * SIZE);
    return { a, ...parts, sharedEveryFrame, correlation: neighbourCorrelation(parts.mixed, CLIP_FRAMES), independent: neighbourCorrelation(parts.own, CLIP_FRAMES) };
  }

  render() {
    const s = this.state;
    const f = this.figure;
    const own = noiseStrip(f.own), shared = noiseStrip(f.sharedEveryFrame), mixed = noiseStrip(f.mixed);
    const modelA = Number(this.manifest?.models.dit?.shared_noise ?? 0);
    return html`<live-cell id="noise" label="A clip's starting noise: each frame's own, and a part they share">
      <div class="controls">
        <seed-control label="Seed of the noise" next="New noise" .value=${s.nseed} @seed-change=${(e: CustomEvent<SeedDetail>) => this.set({ nseed: e.detail.value })}></seed-control>
        <labelled-slider
          label="Shared part, a"
          min="0"
          max="8"
          .value=${s.share}
          .format=${(v: number) => `${(v / 4).toFixed(2)}`}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.set({ share: e.detail.value })}
        ></labelled-slider>
      </div>
      <div class="parts">
        <h4>Each frame's own<span class="sub">8 frames × 4 channels</span></h4>
        <pixel-view id="own" .rgb=${own.rgb} width=${own.width} height=${own.height} alt="Seed ${s.nseed}: each frame's own noise, 8 frames left to right, 4 channels top to bottom, grey for 0."></pixel-view>
        <h4>Shared<span class="sub">one frame's worth, in every frame</span></h4>
        <pixel-view id="shared" .rgb=${shared.rgb} width=${shared.width} height=${shared.height} alt="Seed ${s.nseed}: the noise every frame shares, 4 channels of 8 × 8, the same in each of the 8 frames."></pixel-view>
        <h4>Mixed, a = ${f.a.toFixed(2)}<span class="sub">(a·shared + own) / √(1 + a²)</span></h4>
        <pixel-view id="mixed" .rgb=${mixed.rgb} width=${mixed.width} height=${mixed.height} alt="Seed ${s.nseed}: the noise the clip starts from with a shared part of weight ${f.a.toFixed(2)}."></pixel-view>
      </div>
      <p class="readout" id="noise-readout">
        Neighbouring frames of this draw correlate by <strong>${f.correlation.toFixed(2)}</strong> (a²/(1 + a²) =
        ${((f.a * f.a) / (1 + f.a * f.a)).toFixed(2)} expected; ${signed(f.independent)} without the shared part). Every value is still a
        standard normal. ${modelA > 0
          ? html`The DiT here starts its clips from noise with a = ${modelA}.`
          : html`The DiT here starts its clips from independent noise (a = 0).`}
      </p>
    </live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'noise-figure': NoiseFigure;
  }
}
