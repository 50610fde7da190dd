// <cross-attention-figure>: cross-attention maps per word over the sample they
// shaped (an image or a clip; one step or the first two thirds; one layer or
// all), taken from the very run that made the sample: at each step the sampler
// calls the DiT's inspect twin on its own x_t (pipeline/lessons/cross-attention.ts),
// and the heads, layers and steps are averaged as DAAM does. Each colour word's
// peak is checked against the judge's object of that colour.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../../components/widgets/attention-maps';
import '../../components/widgets/choice-picker';
import '../../components/widgets/clip-card';
import '../../components/widgets/labelled-slider';
import '../../components/shell/live-cell';
import '../../components/widgets/seed-control';
import '../../components/charts/plot-chart';
import type { WordMap } from '../../components/widgets/attention-maps';
import { attentionShareSpec } from '../../components/charts/conditioning-charts';
import { FigureRunController } from '../../components/figure/figure-run-controller';
import { setFigureState } from '../../components/figure/figure-state';
import type { LiveCell } from '../../components/shell/live-cell';
import type { ModelController } from '../../components/controllers/model-controller';
import type { SeedDetail } from '../../components/widgets/seed-control';
import { controls, layout, prose } from '../../components/styles';
import { combineMaps, layoutSteps, peakInsideObject, textToVideoWithAttention, tokenMap, type AttentionClip, type PeakCheck } from '../../pipeline/lessons/cross-attention';
import { COLOURS } from '../../pipeline/world/spec';
import { conditioningStyles, sameDims, STEPS } from '../shared/conditioning';
import type { Chapter6State } from './state';

export interface AttentionResult {
  /** prompt|seed|frames */
  key: string;
  clip: AttentionClip;
}

/** The steps and layers the maps average, as the controls say. */
function selection(s: Chapter6State, clip: AttentionClip): { steps?: number[]; layers?: number[] } {
  const n = clip.attention.perStep.length;
  return {
    steps: s.step > 0 ? [Math.min(s.step, n) - 1] : layoutSteps(n),
    ...(s.layer > 0 ? { layers: [Math.min(s.layer, clip.attention.layers) - 1] } : {}),
  };
}

/** The map of each word of the sample's prompt, averaged as the controls say; each colour word checked against the judge's object. */
function wordMaps(s: Chapter6State, clip: AttentionClip): { words: WordMap[]; average: Float32Array } {
  const grid = clip.attention.grid;
  const average = combineMaps(clip.attention, selection(s, clip));
  const words: WordMap[] = [];
  clip.text.tokens.pieces.forEach((p, key) => {
    if (p.kind === 'special') return;
    const map = tokenMap(average, key, grid);
    const word: WordMap = { label: p.text, map };
    if ((COLOURS as readonly string[]).includes(p.text)) {
      const checks: PeakCheck[] = Array.from({ length: grid.frames }, (_, f) => peakInsideObject(map, grid, clip.verdict, p.text, f));
      const track = clip.verdict.reading.tracks.find((t) => t.colour === p.text);
      word.inside = checks.map((c) => c.inside);
      word.boxes = Array.from({ length: grid.frames }, (_, f) => {
        const o = track?.frames[f];
        return o ? { x0: o.box.x0, y0: o.box.y0, x1: o.box.x1 - 1, y1: o.box.y1 - 1 } : null;
      });
      const n = checks.filter((c) => c.inside).length;
      word.note = !track
        ? `no ${p.text} object in the sample`
        : grid.frames === 1
          ? checks[0].inside
            ? `peak inside the ${p.text} ${track.shape ?? 'object'}`
            : `peak outside the ${p.text} ${track.shape ?? 'object'}`
          : `peak inside the ${p.text} ${track.shape ?? 'object'} in ${n} of ${grid.frames} frames`;
    }
    words.push(word);
  });
  return { words, average };
}

@customElement('cross-attention-figure')
export class CrossAttentionFigure extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    conditioningStyles,
    css`
      .attn {
        display: grid;
        grid-template-columns: minmax(15rem, 17rem) minmax(0, 1fr);
        gap: 1rem 1.5rem;
        align-items: start;
      }
      @media (max-width: 40rem) {
        .attn {
          grid-template-columns: minmax(0, 1fr);
        }
        .attn > clip-card {
          max-width: 16rem;
        }
      }
    `,
  ];

  @property({ attribute: false }) state!: Chapter6State;
  /** The chapter's models; this figure runs the text encoder, the DiT and its inspect twin, and the decoder. */
  @property({ attribute: false }) models!: ModelController;

  /** The sample with every step's maps, and the prompt, seed and frames it was made for. */
  @state() result: AttentionResult | null = null;
  /** What the run is doing, in a few words. */
  @state() private progress = '';
  private readonly runs = new FigureRunController(this, {
    auto: 'rerun',
    delay: 250,
    key: () => (this.state ? this.key : null),
    run: (key, current) => this.make(key, current),
  });

  /** The state the sample depends on: prompt, seed, frames. */
  get key(): string {
    return `${this.state.prompt}|${this.state.seed}|${this.state.frames}`;
  }

  /** Makes the sample and its maps for the current state, unless made: resolves when they are shown. */
  ensure(): Promise<unknown> {
    return this.runs.ensure();
  }

  private cell(): LiveCell {
    return this.renderRoot.querySelector<LiveCell>('live-cell#attention')!;
  }

  private set(partial: Partial<Chapter6State>) {
    setFigureState(this, partial);
  }

  /** The sample with every step's maps, made on the page through the worker's model calls. */
  private async make(key: string, current: () => boolean) {
    const s = this.state;
    this.progress = 'starting…';
    await this.models.runTask(this.cell(), async ({ runner, signal }) => {
      const clip = await textToVideoWithAttention(
        runner,
        { prompt: s.prompt, model: 'dit', seed: s.seed, steps: STEPS, frames: Number(s.frames) },
        {
          signal,
          onStep: (p) => {
            if (current()) this.progress = `step ${p.step} of ${p.of}: the DiT, then the same step again for its attention`;
          },
        },
      );
      if (!current()) return;
      this.result = { key, clip };
      this.progress = '';
    });
  }

  render() {
    const s = this.state;
    const r = this.result;
    const fresh = r && r.key === this.key ? r : null;
    const clip = r?.clip;
    // the maps and the share chart, made again only when the sample, the step or the layer changes
    const mapsKey = r ? `${r.key}|${s.step}|${s.layer}` : '';
    const shown = r ? this.runs.memo('maps', mapsKey, () => wordMaps(s, r.clip)) : null;
    const share = r && shown ? this.runs.memo('share', mapsKey, () => attentionShareSpec(r.clip.text.tokens.pieces, shown.average)) : null;
    const t = clip && s.step > 0 ? clip.attention.timesteps[Math.min(s.step, clip.attention.timesteps.length) - 1] : null;
    const layout = clip ? layoutSteps(clip.attention.perStep.length).length : 0; // the default average's steps
    return html`<live-cell id="attention" label="Cross-attention maps: each word over the sample it shaped">
      <div class="controls">
        <seed-control basis="10rem" .value=${s.seed} @seed-change=${(e: CustomEvent<SeedDetail>) => this.set({ seed: e.detail.value })}></seed-control>
        <choice-picker
          label="Make"
          .options=${[{ value: '1', label: 'An image' }, { value: '8', label: 'A clip (8 frames)' }]}
          .value=${s.frames}
          @choice-change=${(e: CustomEvent<{ value: string }>) => this.set({ frames: e.detail.value as Chapter6State['frames'] })}
        ></choice-picker>
        <labelled-slider
          label="Denoising step"
          min="0"
          max=${STEPS}
          .value=${s.step}
          .format=${(v: number) => (v === 0 ? `steps 1–${layoutSteps(STEPS).length} of ${STEPS}, averaged` : `step ${v} of ${STEPS}${clip ? `, t = ${clip.attention.timesteps[v - 1] ?? '…'}` : ''}`)}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.set({ step: e.detail.value })}
        ></labelled-slider>
        <labelled-slider
          label="Layer"
          min="0"
          max=${clip?.attention.layers ?? 6}
          .value=${s.layer}
          .format=${(v: number) => (v === 0 ? `all ${clip?.attention.layers ?? 6}, averaged` : `layer ${v} (of ${clip?.attention.layers ?? 6})`)}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.set({ layer: e.detail.value })}
        ></labelled-slider>
      </div>
      ${clip
        ? html`<div class="attn">
              <clip-card heading="The sample" subheading=${`“${clip.prompt}”, seed ${clip.sample.options.seed}`} .clip=${sameDims(clip)} .verdict=${clip.verdict}></clip-card>
              <div>
                <attention-maps .frames=${clip.frames} .grid=${clip.attention.grid} width=${clip.width} height=${clip.height} .words=${shown!.words}></attention-maps>
                <p class="readout" id="attention-readout">
                  Maps of ${s.step === 0 ? `steps 1–${layout} of ${clip.attention.perStep.length} (t = ${clip.attention.timesteps[0]} to ${clip.attention.timesteps[layout - 1]})` : `step ${s.step} (t = ${t})`}, ${s.layer === 0 ? `all ${clip.attention.layers} layers` : `layer ${s.layer}`} and
                  ${clip.attention.heads} heads, averaged; each patch token covers 8 × 8 pixels, upsampled bilinearly.
                </p>
              </div>
            </div>
            ${share
              ? html`<details>
                  <summary>Where a patch's attention goes, over all 24 text tokens</summary>
                  <plot-chart id="share-chart" .spec=${share.spec} alt=${share.alt}></plot-chart>
                </details>`
              : nothing}
            ${!fresh ? html`<p class="muted" role="status">${this.progress || 'These maps are for an earlier prompt or seed.'}</p>` : nothing}`
        : html`<p class="muted" role="status">${this.progress || 'Starts when you scroll here.'}</p>`}
    </live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cross-attention-figure': CrossAttentionFigure;
  }
}
