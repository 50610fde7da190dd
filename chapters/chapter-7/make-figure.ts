// <make-figure>: text to video, stage by stage. The prompt, the seed of the
// starting noise and the steps (which every figure of the chapter uses); the
// stages lighting up as they run, timed; the clip; what is inside — the text
// encoder's states, the starting noise, the DiT's guess of the clean clip as it
// denoises — and a table of where the time went. Its clip goes up to the
// chapter (`clip-made`), which hands it to the figures that extend, edit,
// connect and measure it.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../../components/widgets/clip-card';
import '../../components/widgets/labelled-slider';
import '../../components/shell/live-cell';
import '../../components/widgets/pipeline-stages';
import '../../components/widgets/pixel-view';
import '../../components/widgets/prompt-field';
import '../../components/widgets/seed-control';
import { FigureRunController } from '../../components/figure/figure-run-controller';
import { applyFigureState, setFigureState } from '../../components/figure/figure-state';
import { StagedClipController } from '../../components/figure/staged-clip-controller';
import type { LiveCell } from '../../components/shell/live-cell';
import type { ModelController } from '../../components/controllers/model-controller';
import { formatMs, textToVideoStages } from '../../components/widgets/pipeline-stages';
import type { PromptDetail } from '../../components/widgets/prompt-field';
import type { SeedDetail } from '../../components/widgets/seed-control';
import { controls, layout, prose } from '../../components/styles';
import type { Manifest } from '../../pipeline/runtime/manifest';
import type { GeneratedClip } from '../../pipeline/text-to-video/clip';
import { CONTEXT_WIDTH, statesRead, textStates } from '../../pipeline/text-to-video/prompt';
import { LATENT_CHANNELS, LATENT_SIDE, startingNoise } from '../../pipeline/text-to-video/sample';
import type { Frames } from '../../pipeline/text-to-video/vae';
import { filmStrip, heatMap, latentTiles, type Picture } from '../../pipeline/tensor-pictures';
import type { StageClock } from '../../pipeline/worker/stages';
import { parsePrompt } from '../../pipeline/world/caption';
import { MAX_TOKENS, tokenize } from '../../pipeline/world/tokenizer';
import { tellClip } from './clips';
import { cellKey, chapter7Styles, clipOptions, FRAMES, MAKE_MODELS, type Chapter7State } from './state';

const EXAMPLES = ['a big yellow square moving left', 'a blue triangle moving down', 'a small purple circle staying still'];

/** The figure's clip, with the state key it was made from. */
export interface MakeResult {
  key: string;
  clip: GeneratedClip;
  /** x̂₀ decoded at some steps: the DiT's guess of the clean clip as it goes. */
  previews: { step: number; timestep: number; strip: Picture }[];
  /** The sampler's starting noise as the worker drew it (step 1's input). */
  startNoise: Float32Array | null;
}

@customElement('make-figure')
export class MakeFigure extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    chapter7Styles,
    css`
      pipeline-stages {
        margin: 0.75rem 0 1rem;
      }
      .pipeline-grid {
        display: grid;
        grid-template-columns: minmax(12rem, 16rem) minmax(0, 1fr);
        gap: 1rem 1.5rem;
        align-items: start;
      }
      @media (max-width: 40rem) {
        .pipeline-grid {
          grid-template-columns: minmax(0, 1fr);
        }
        .pipeline-grid > clip-card {
          max-width: 20rem;
        }
      }
      .inside h4 {
        margin: 0 0 0.25rem;
        font-size: 0.9rem;
      }
      .inside > * + * {
        margin-top: 0.9rem;
      }
      .inside pixel-view {
        --pixel-view-size: 100%;
        display: block;
      }
      .inside .caption {
        margin: 0.2rem 0 0;
        font-size: 0.8rem;
        color: var(--muted);
        max-width: none;
      }
      .previews {
        display: grid;
        gap: 0.3rem;
      }
      .previews figure {
        margin: 0;
        display: grid;
        grid-template-columns: 7.5rem minmax(0, 1fr);
        gap: 0.5rem;
        align-items: center;
        font-size: 0.8rem;
        font-variant-numeric: tabular-nums;
        color: var(--muted);
      }
      .noise {
        max-width: 18rem;
      }
    `,
  ];

  @property({ attribute: false }) state!: Chapter7State;
  /** The chapter's models (its download line and backend). */
  @property({ attribute: false }) models!: ModelController;
  /** weights/manifest.json, once read: the text encoder's states and the starting noise are drawn from it. */
  @property({ attribute: false }) manifest: Manifest | null = null;

  /** The latest clip (for tests: the chapter's results.make). */
  @state() result: MakeResult | null = null;
  /** While it runs: its key, and the latest preview. */
  @state() private live: { key: string; preview: Frames | null; previews: MakeResult['previews'] } | null = null;

  private readonly staged = new StagedClipController(this);
  private readonly runs = new FigureRunController(this, {
    auto: 'rerun',
    key: () => (this.state ? cellKey(this.state, 'make') : null),
    run: (key, current) => this.make(key, current),
  });

  /** The stages of the latest run, timed. */
  get clock(): StageClock {
    return this.staged.clock;
  }

  get cell(): LiveCell {
    return this.renderRoot.querySelector<LiveCell>('live-cell#make')!;
  }

  /** Makes the clip for the current state, unless made: resolves when it is shown (or failed). */
  ensure(): Promise<unknown> {
    return this.runs.ensure();
  }

  private set(partial: Partial<Chapter7State>) {
    setFigureState(this, partial);
  }

  /** The prompt box's submit: the new state, and the clip made now (again, if the text did not change). */
  private async submit(partial: Partial<Chapter7State>) {
    await applyFigureState(this, partial);
    void this.runs.retry();
  }

  private async make(key: string, current: () => boolean) {
    const s = this.state;
    const every = Math.max(1, Math.round(s.steps / 6));
    await this.models.runTask(this.cell, async ({ request }) => {
      let startNoise: Float32Array | null = null;
      const clip = await this.staged.make(request, {
        current,
        prompt: s.prompt,
        models: MAKE_MODELS,
        job: { options: clipOptions(s, s.prompt, s.seed, { capture: { input: true, every: 1 } }), preview: { every } },
        onStart: () => (this.live = { key, preview: null, previews: [] }),
        onProgress: (p) => {
          if (p.kind !== 'step') return;
          if (p.step === 1 && p.input) startNoise = p.input;
          if (p.preview) {
            const strip = filmStrip(p.preview.frames, p.preview.numFrames, p.preview.width, p.preview.height, 1);
            this.live = { ...this.live!, preview: p.preview, previews: [...this.live!.previews, { step: p.step, timestep: p.timestep, strip }] };
          }
        },
      });
      if (!clip) return;
      this.result = { key, clip, previews: this.live?.previews ?? [], startNoise };
      this.live = null;
      tellClip(this, { cell: 'make', key, clip, reading: clip.verdict?.reading ?? null, what: `“${clip.prompt}”, from the first cell` });
    });
  }

  private renderTimings(clip: GeneratedClip) {
    const steps = clip.sample.stepMs;
    const median = [...steps].sort((a, b) => a - b)[Math.floor(steps.length / 2)] ?? 0;
    const ran = (m: string) => clip.reports[m]?.label ?? '—';
    const rows: [string, number | null, string][] = [
      ['Tokenizer (on this page)', this.clock.states.tokens.ms, 'JavaScript'],
      ['Text encoder', clip.timings.encode, ran('text_encoder')],
      [`DiT, ${steps.length} steps of a batch of 2 (with and without the prompt), about ${formatMs(median)} each`, clip.timings.sample, ran('dit')],
      ['VAE decoder, 8 frames', clip.timings.decode, ran('vae_decoder')],
      ['The judge', clip.timings.judge, 'JavaScript, in the worker'],
    ];
    return html`<div class="scroll" style="margin-top:1rem">
      <table id="timings">
        <caption class="muted" style="caption-side: bottom; text-align: left; padding-top: 0.3rem">
          Total ${formatMs(clip.timings.total)} in the model worker. The first run also starts ONNX Runtime and each model's
          session; run it again for the warm times.
        </caption>
        <thead><tr><th scope="col">Stage</th><th scope="col">Time</th><th scope="col">Ran on</th></tr></thead>
        <tbody>
          ${rows.map(([what, ms, on]) => html`<tr><td>${what}</td><td style="white-space:nowrap">${ms === null ? '—' : formatMs(ms)}</td><td>${on}</td></tr>`)}
        </tbody>
      </table>
    </div>`;
  }

  render() {
    const s = this.state;
    const key = cellKey(s, 'make');
    const made = this.result?.key === key ? this.result : null;
    const live = this.live?.key === key ? this.live : null;
    const clip = made?.clip ?? null;
    const stages = textToVideoStages(this.clock, {
      tokens: tokenize(s.prompt).length,
      seed: s.seed,
      frames: FRAMES,
      steps: s.steps,
      pass: clip && parsePrompt(s.prompt).ok ? (clip.verdict?.pass ?? null) : null,
    });
    const previews = live?.previews ?? made?.previews ?? [];
    const manifest = this.manifest;
    // The states the DiT reads (its manifest entry says which output of the text encoder).
    const hidden = clip && manifest ? this.runs.memo('hidden', clip, () => heatMap(statesRead(manifest, 'dit', clip.encoded.prompt), MAX_TOKENS, CONTEXT_WIDTH)) : null;
    const noise = manifest?.models.dit
      ? this.runs.memo('noise', s.seed, () => latentTiles(startingNoise(manifest, { model: 'dit', seed: s.seed, frames: FRAMES }), FRAMES, LATENT_CHANNELS, LATENT_SIDE, LATENT_SIDE))
      : null;
    return html`<live-cell id="make" label="Text to video, stage by stage" streaming>
      <div class="controls">
        <prompt-field
          class="wide"
          label="Prompt"
          .value=${s.prompt}
          .examples=${EXAMPLES}
          submit-label="Make the clip"
          show-ids
          judge-note
          @prompt-submit=${(e: CustomEvent<PromptDetail>) => this.submit({ prompt: e.detail.value })}
        ></prompt-field>
        <seed-control
          label="Seed of the noise"
          .value=${s.seed}
          .format=${(v: number) => `#${v}`}
          next="New noise"
          live
          @seed-change=${(e: CustomEvent<SeedDetail>) => this.set({ seed: e.detail.value })}
        ></seed-control>
        <labelled-slider
          label="Denoising steps"
          min="4"
          max="50"
          .value=${s.steps}
          .format=${(v: number) => `${v} DDIM steps`}
          hint="Every cell of this chapter uses them."
          @value-input=${(e: CustomEvent<{ value: number }>) => this.set({ steps: e.detail.value })}
        ></labelled-slider>
      </div>
      <pipeline-stages wide .stages=${stages} label="The stages of the pipeline, with their times"></pipeline-stages>
      <div class="pipeline-grid">
        <clip-card
          heading="The clip"
          subheading=${clip ? `“${clip.prompt}”, seed ${s.seed}` : ''}
          .clip=${live?.preview ?? clip}
          .verdict=${live?.preview ? null : (clip?.verdict ?? null)}
          ?preview=${!!live?.preview}
          annotate
          placeholder="The clip appears here when this cell runs."
        ></clip-card>
        <div class="inside">
          <div>
            <h4>Text encoder: one vector a token</h4>
            ${hidden
              ? html`<pixel-view id="hidden" .rgb=${hidden.rgb} width="128" height="24" alt="The text encoder's 24 × 128 states for “${clip!.prompt}”: one row a token, red positive, blue negative, white near 0."></pixel-view>
                  <p class="caption">24 rows (tokens, then padding) × 128 numbers; red &gt; 0, blue &lt; 0, full colour at ±${hidden.range.toFixed(2)}. The DiT reads these (the text encoder's <code>${textStates(manifest!, 'dit')}</code> output) through cross-attention.</p>`
              : html`<p class="caption">Appears when the text encoder has run.</p>`}
          </div>
          <div class="noise">
            <h4>Noise: where the DiT starts, z<sub>T</sub></h4>
            ${noise
              ? html`<pixel-view id="noise" .rgb=${noise.rgb} width=${noise.width} height=${noise.height} alt="The starting noise for seed ${s.seed}: 8 frames left to right, 4 latent channels top to bottom, each 8 × 8, grey for 0."></pixel-view>`
              : nothing}
            <p class="caption">8 frames × 4 channels of 8 × 8: ${FRAMES * LATENT_CHANNELS * LATENT_SIDE * LATENT_SIDE} normal numbers from seed #${s.seed}, the same on every device.</p>
          </div>
          <div>
            <h4>DiT steps: its guess of the clean clip, x̂<sub>0</sub>, decoded</h4>
            ${previews.length
              ? html`<div class="previews" id="previews">
                  ${previews.map(
                    (p) => html`<figure>
                      <figcaption>step ${p.step} · t = ${p.timestep}</figcaption>
                      <pixel-view .rgb=${p.strip.rgb} width=${p.strip.width} height=${p.strip.height} alt="The DiT's guess of the clean clip at step ${p.step}, t = ${p.timestep}, its 8 frames left to right."></pixel-view>
                    </figure>`,
                  )}
                </div>`
              : html`<p class="caption">Appears while the DiT denoises.</p>`}
          </div>
        </div>
      </div>
      ${clip ? this.renderTimings(clip) : nothing}
    </live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'make-figure': MakeFigure;
  }
}
