// Chapter 4: Spacetime patches. A world clip's latent cut into patches of a
// chosen size, the grid over its frames and every token numbered in the order
// the DiT reads them; the token count and the cost of a DiT call as clips grow
// longer and larger (an image is a one-frame video); a DiT step timed here on
// clips of several shapes; and the DiT asked for durations and an aspect ratio
// it never trained on, with the judge's verdicts. Prose and wiring only: the
// arithmetic is pipeline/lessons/patch-cost.ts and pipeline/diffusion/patchify.ts, the
// pieces components/.
import * as Plot from '@observablehq/plot';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement } from 'lit/decorators.js';
import '../components/chapter-section';
import '../components/choice-picker';
import '../components/clip-player';
import '../components/cost-table';
import '../components/labelled-slider';
import '../components/live-cell';
import '../components/patch-grid';
import '../components/plot-chart';
import '../components/state-notice';
import '../components/token-cost-charts';
import type { Reference, TryThis, TryThisDetail } from '../components/chapter-section';
import type { CostRow } from '../components/cost-table';
import { formatCount } from '../components/cost-table';
import type { LiveCell } from '../components/live-cell';
import type { Progress } from '../pipeline/worker/protocol';
import { ModelController } from '../components/model-controller';
import type { TokenDetail } from '../components/patch-grid';
import { CHART_COLOURS, OKABE_ITO, type ChartSpec } from '../components/plot-chart';
import { FRAME_SIDES, MAX_FRAMES } from '../components/token-cost-charts';
import { controls, fields, layout, prose, verdicts } from '../components/styles';
import { UrlStateController } from '../components/url-state-controller';
import { VisibleCellsController } from '../components/visible-cells-controller';
import { patchify, type PatchSize } from '../pipeline/diffusion/patchify';
import { latentFalseColour } from '../pipeline/lessons/latent-space';
import { DIT_ARCHITECTURE, DIT_PATCH, attentionCrossover, ditStepFlops, tokenGrid } from '../pipeline/lessons/patch-cost';
import { feedsForShapes, flopsShapes, timeCalls } from '../pipeline/step-timing';
import { defineSchema, integer, oneOf, text, type StateOf } from '../pipeline/url-state';
import { CLIP_SHAPES, promptForShape } from '../pipeline/lessons/clip-shapes';
import { generateClip, type Clip, type Verdict } from '../pipeline/world';
import { describeReading } from '../pipeline/world/read-frames';

const SIZE = 32;
const LATENT = 8;
const CHANNELS = 4;
const CLIP_FRAMES = 8;
const PATCH_SIDES = ['1', '2', '4', '8'] as const;
type PatchSide = (typeof PATCH_SIDES)[number];

export const chapter4Schema = defineSchema({
  /** Seed of the world clip that is cut into patches. */
  clip: integer(0, 99_999, 1),
  pt: oneOf(PATCH_SIDES, '1'),
  ph: oneOf(PATCH_SIDES, '2'),
  pw: oneOf(PATCH_SIDES, '2'),
  /** Draw the patches over the decoded frames, or over the latent itself (false colour). */
  view: oneOf(['frames', 'latent'], 'frames'),
  /** The marked token (clamped to the tokens there are). */
  token: integer(0, 511, 5),
  /** The clip of the cost charts: frames and the side of its square frames, in pixels. */
  frames: integer(1, MAX_FRAMES, 8),
  side: oneOf(['32', '64', '128', '256'], '32'),
  /** The DiT's clips of other shapes. */
  prompt: text(160, 'a big red circle moving right'),
  seed: integer(0, 99_999, 0),
  /** Seeds of each shape the tally judges (seed, seed + 1, …). */
  seeds: integer(2, 16, 6),
});
export type Chapter4State = StateOf<typeof chapter4Schema>;

const SHAPES = CLIP_SHAPES;
type ShapeId = string;

const EXAMPLE_PROMPTS = ['a big red circle moving right', 'a blue square staying still', 'a small yellow triangle moving down', 'a green circle moving left and a purple square staying still'];

const TRY_THIS: TryThis<Partial<Chapter4State>>[] = [
  {
    question: 'Halve the patch side from 2 to 1. How many tokens does the 8-frame clip become, and how much does one call of the DiT cost now? Why does attention’s share grow?',
    state: { pt: '1', ph: '1', pw: '1', frames: 8, side: '32' },
  },
  {
    question: 'A 10-second clip at 24 frames a second is 240 frames; at 256 × 256 even 64 frames is a lot. Read the token count and the share of attention for 64 frames of 256 × 256 with 2 × 2 × 2 patches.',
    state: { pt: '2', ph: '2', pw: '2', frames: 64, side: '256' },
  },
  {
    question: 'The DiT trained on 8 frames of 32 × 32 only. Which of the other shapes keep the object and its motion, and which break? Try a still object too.',
    state: { prompt: 'a blue square staying still', seed: 1 },
  },
];

const REFERENCES: Reference[] = [
  { title: 'OpenAI 2024, Video generation models as world simulators', href: 'https://openai.com/index/video-generation-models-as-world-simulators/', note: 'spacetime patches, native sizes and durations' },
  { title: 'Dosovitskiy et al. 2021, An Image is Worth 16x16 Words', href: 'https://arxiv.org/abs/2010.11929', note: 'images as sequences of patches' },
  { title: 'Peebles & Xie 2023, Scalable Diffusion Models with Transformers', href: 'https://arxiv.org/abs/2212.09748', note: 'the DiT, and patch size against Gflops' },
  { title: 'Arnab et al. 2021, ViViT: A Video Vision Transformer', href: 'https://arxiv.org/abs/2103.15691', note: 'tubelets: patches that span frames' },
  { title: 'Dehghani et al. 2023, Patch n\' Pack: NaViT', href: 'https://arxiv.org/abs/2307.06304', note: 'any aspect ratio and resolution' },
];

/** The four latent channels' lines: the first four Okabe–Ito colours (apart for colour-blind readers). */
const CHANNEL_COLOURS = OKABE_ITO.slice(0, 4);

interface ShapeResult {
  key: string;
  frames: Uint8Array;
  numFrames: number;
  width: number;
  height: number;
  prompt: string;
  verdict: Verdict | null;
}

interface TallyRow {
  id: string;
  label: string;
  passes: number;
  /** The judge's verdict on each seed so far, in order. */
  verdicts: boolean[];
}

interface Tally {
  key: string;
  seeds: number;
  rows: TallyRow[];
  done: number;
}

@customElement('chapter-4')
export class Chapter4 extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    fields,
    verdicts,
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
        grid-template-columns: repeat(auto-fit, minmax(13rem, 1fr));
        gap: 0.9rem 1.5rem;
        align-items: start;
        margin-bottom: 1rem;
      }
      patch-grid {
        --patch-grid-frame: 9.6rem;
      }
      @media (max-width: 30rem) {
        patch-grid {
          --patch-grid-frame: 8.4rem;
        }
      }
      .figure-box {
        margin: 1.5rem 0;
        padding: 1rem;
        border: 1px solid var(--rule);
        border-radius: 0.6rem;
        background: var(--cell-bg);
      }
      .figure-box > h4 {
        margin: 0 0 0.75rem;
        font-size: 0.9rem;
      }
      .readout {
        font-variant-numeric: tabular-nums;
        font-size: 0.95rem;
        margin: 0.75rem 0 0;
        max-width: none;
      }
      .keys {
        display: flex;
        flex-wrap: wrap;
        gap: 0.1rem 0.9rem;
        margin: 0.5rem 0 0.2rem;
        padding: 0;
        list-style: none;
        font-size: 0.85rem;
      }
      .keys li::before {
        content: '';
        display: inline-block;
        width: 0.7rem;
        height: 0.7rem;
        margin-right: 0.3rem;
        vertical-align: -0.05rem;
        background: var(--key);
      }
      .shapes {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr));
        gap: 0 1rem;
      }
      .shapes live-cell {
        margin: 0.5rem 0;
      }
      .verdict {
        margin: 0.5rem 0 0;
        padding: 0.35rem 0.6rem;
        border-radius: 0.3rem;
        font-size: 0.85rem;
        max-width: none;
      }
      .progress {
        font-size: 0.85rem;
        color: var(--muted);
        margin: 0.3rem 0 0;
      }
      cost-table {
        margin-top: 0.9rem;
      }
    `,
  ];

  private url = new UrlStateController(this, chapter4Schema, 'c4');
  readonly models = new ModelController(this, { models: ['vae_encoder', 'text_encoder', 'dit', 'vae_decoder'] });

  private clip: Clip | null = null;
  private latent: { seed: number; values: Float32Array } | null = null;
  private falseColour: { seed: number; rgb: Uint8Array } | null = null;
  private asked = { latent: -1, shapes: '' };
  private shapeResults: Partial<Record<ShapeId, ShapeResult>> = {};
  private shapeSteps: Partial<Record<ShapeId, string>> = {};
  /** The shapes figure starts when its controls first come near the view (then stays started). */
  private shapesInView = new VisibleCellsController(this, {
    cells: () => [this.renderRoot.querySelector('#shapes-anchor')],
    rootMargin: '200px',
    leaving: 'stay',
    once: true,
    onChange: (_visible, changed) => {
      if (changed) this.requestUpdate();
    },
  });
  private get shapesVisible(): boolean {
    return this.shapesInView.has('shapes-anchor');
  }
  private timing: CostRow[] = [];
  private tally: Tally | null = null;
  private tokenSpec: { key: string; spec: ChartSpec | null; values: Float32Array | null } = { key: '', spec: null, values: null };

  /** What the figures show, for tests. */
  get figure() {
    const s = this.url.state;
    const patch = this.patch;
    const grid = tokenGrid({ frames: CLIP_FRAMES, height: LATENT, width: LATENT }, patch);
    return {
      patch,
      grid,
      token: this.token,
      latent: this.latent?.seed === s.clip ? this.latent.values : null,
      tokenValues: this.tokenSpec.values,
      tokenKey: this.tokenSpec.key,
      shapes: this.shapeResults,
      shapesKey: `${s.prompt}|${s.seed}`,
      timing: this.timing,
      tally: this.tally,
    };
  }

  get state(): Chapter4State {
    return this.url.state;
  }

  setState(partial: Partial<Chapter4State>) {
    this.url.set(partial);
  }

  private get patch(): PatchSize {
    const s = this.url.state;
    return { pt: Number(s.pt), ph: Number(s.ph), pw: Number(s.pw) };
  }

  /** The marked token, within the tokens there are. */
  private get token(): number {
    const n = tokenGrid({ frames: CLIP_FRAMES, height: LATENT, width: LATENT }, this.patch).tokens;
    return Math.min(this.url.state.token, n - 1);
  }

  private cell(id: string): LiveCell {
    return this.renderRoot.querySelector<LiveCell>(`live-cell#${id}`)!;
  }

  protected willUpdate(_changed: PropertyValues<this>) {
    const s = this.url.state;
    if (this.clip === null || this.clipSeed !== s.clip) {
      this.clip = generateClip(s.clip, { frames: CLIP_FRAMES });
      this.clipSeed = s.clip;
    }
    if (this.latent?.seed === s.clip && this.falseColour?.seed !== s.clip) {
      this.falseColour = { seed: s.clip, rgb: latentFalseColour(this.latent.values, { frames: CLIP_FRAMES, channels: CHANNELS, height: LATENT, width: LATENT }) };
    }
    this.ensureTokenSpec();
  }
  private clipSeed = -1;

  protected firstUpdated() {
    this.dataset.ready = 'true';
  }

  protected updated() {
    const s = this.url.state;
    if (this.asked.latent !== s.clip) this.encodeClip(s.clip);
    if (this.shapesVisible && this.asked.shapes !== `${s.prompt}|${s.seed}`) void this.makeShapes(s.prompt, s.seed);
  }

  // ---------------------------------------------------------------- the patch figure

  private encodeClip(seed: number) {
    this.asked.latent = seed;
    const clip = this.clip!;
    void this.models.runTask(this.cell('patches'), async ({ request }) => {
      const enc = await request({ kind: 'encodeFrames', frames: { frames: clip.frames, numFrames: CLIP_FRAMES, width: SIZE, height: SIZE } });
      if (this.asked.latent !== seed) return;
      this.latent = { seed, values: enc.latent };
      this.requestUpdate();
    });
  }

  /** The marked token's numbers (patchify of the clip's latent) as a bar chart, channel by colour. */
  private ensureTokenSpec() {
    const s = this.url.state;
    const latent = this.latent?.seed === s.clip ? this.latent.values : null;
    const patch = this.patch;
    const token = this.token;
    const key = `${s.clip}|${s.pt}|${s.ph}|${s.pw}|${token}|${latent ? 1 : 0}`;
    if (this.tokenSpec.key === key) return;
    if (!latent) {
      this.tokenSpec = { key, spec: null, values: null };
      return;
    }
    const p = patchify(latent, { frames: CLIP_FRAMES, channels: CHANNELS, height: LATENT, width: LATENT }, patch);
    const values = p.tokens.slice(token * p.tokenDim, (token + 1) * p.tokenDim);
    const rows = Array.from(values, (v, d) => ({ d, v, channel: `channel ${(d % CHANNELS) + 1}` }));
    const D = p.tokenDim;
    const spec: ChartSpec = ({ width }) => ({
      width,
      height: 170,
      marginLeft: 40,
      marginTop: 24,
      marginBottom: 36,
      x: { domain: [0, D], label: `its ${D} numbers, in order →`, ticks: Math.min(8, D) },
      y: { domain: [-4, 4], label: '↑ value', grid: true },
      color: { domain: ['channel 1', 'channel 2', 'channel 3', 'channel 4'], range: CHANNEL_COLOURS },
      marks: [Plot.rectY(rows, { x1: 'd', x2: (r: { d: number }) => r.d + 1, y: 'v', fill: 'channel', inset: D > 200 ? 0 : 0.5 }), Plot.ruleY([0], { stroke: CHART_COLOURS.muted })],
    });
    this.tokenSpec = { key, spec, values };
  }

  private renderPatches() {
    const s = this.url.state;
    const clip = this.clip!;
    const patch = this.patch;
    const grid = tokenGrid({ frames: CLIP_FRAMES, height: LATENT, width: LATENT }, patch);
    const D = patch.pt * patch.ph * patch.pw * CHANNELS;
    const token = this.token;
    const perSlice = grid.h * grid.w;
    const gt = Math.floor(token / perSlice), gh = Math.floor((token % perSlice) / grid.w), gw = token % grid.w;
    const latentView = s.view === 'latent';
    const rgb = latentView ? (this.falseColour?.seed === s.clip ? this.falseColour.rgb : null) : clip.frames;
    const sideSlider = (key: 'pt' | 'ph' | 'pw', label: string, unit: string) => html`<labelled-slider
      label=${label}
      min="0"
      max="3"
      .value=${PATCH_SIDES.indexOf(s[key])}
      .format=${(i: number) => `${PATCH_SIDES[i]} ${unit}${PATCH_SIDES[i] === '1' ? '' : 's'}`}
      @value-input=${(e: CustomEvent<{ value: number }>) => this.url.set({ [key]: PATCH_SIDES[e.detail.value] as PatchSide })}
    ></labelled-slider>`;
    const trained = patch.pt === DIT_PATCH.pt && patch.ph === DIT_PATCH.ph && patch.pw === DIT_PATCH.pw;
    return html`
      <div class="controls">
        <div class="row wide">
          <button type="button" @click=${() => this.url.set({ clip: (s.clip + 1) % 100_000 })}>New clip</button>
          <span class="muted">clip #${s.clip}: ${clip.caption}</span>
        </div>
        ${sideSlider('pt', 'Patch frames (pt)', 'frame')} ${sideSlider('ph', 'Patch rows (ph)', 'row')} ${sideSlider('pw', 'Patch columns (pw)', 'column')}
        <choice-picker
          label="Draw over"
          .options=${[
            { value: 'frames', label: 'The frames' },
            { value: 'latent', label: 'The latent' },
          ]}
          .value=${s.view}
          @choice-change=${(e: CustomEvent<{ value: string }>) => this.url.set({ view: e.detail.value as Chapter4State['view'] })}
        ></choice-picker>
        <labelled-slider
          class="wide"
          label="Token"
          min="0"
          max=${grid.tokens - 1}
          number-box
          .value=${token}
          .format=${(v: number) => `${v} of ${grid.tokens}`}
          hint="Or click a patch. Arrow keys step through the tokens in the order the DiT reads them."
          @value-input=${(e: CustomEvent<{ value: number }>) => this.url.set({ token: e.detail.value })}
        ></labelled-slider>
      </div>
      ${latentView && !rgb
        ? html`<p class="muted" role="status">Encoding the clip…</p>`
        : html`<patch-grid
            .rgb=${rgb}
            frames=${CLIP_FRAMES}
            width=${latentView ? LATENT : SIZE}
            height=${latentView ? LATENT : SIZE}
            cell=${latentView ? 1 : 4}
            .patch=${patch}
            selected=${token}
            subject=${latentView ? `the clip's latent (channels 1–3 as red, green, blue)` : `the clip's ${CLIP_FRAMES} frames`}
            @token-select=${(e: CustomEvent<TokenDetail>) => this.url.set({ token: e.detail.token })}
          ></patch-grid>`}
      <p class="readout" id="patch-readout" data-tokens=${grid.tokens} data-dim=${D}>
        The latent, ${CLIP_FRAMES} × ${LATENT} × ${LATENT} × ${CHANNELS} = ${(CLIP_FRAMES * LATENT * LATENT * CHANNELS).toLocaleString('en')} numbers, cut into
        ${grid.t} × ${grid.h} × ${grid.w} = <strong>${grid.tokens} tokens</strong> of ${patch.pt} × ${patch.ph} × ${patch.pw} × ${CHANNELS} =
        <strong>${D} numbers</strong> each. ${trained ? html`This is the patch the DiT here was trained with.` : html`The DiT here was trained with 1 × 2 × 2.`}
      </p>
      <p class="readout" id="token-readout">
        Token ${token} is frame${patch.pt > 1 ? 's' : ''} ${patch.pt > 1 ? `${gt * patch.pt + 1}–${(gt + 1) * patch.pt}` : gt + 1}, latent
        row${patch.ph > 1 ? 's' : ''} ${patch.ph > 1 ? `${gh * patch.ph + 1}–${(gh + 1) * patch.ph}` : gh + 1} and
        column${patch.pw > 1 ? 's' : ''} ${patch.pw > 1 ? `${gw * patch.pw + 1}–${(gw + 1) * patch.pw}` : gw + 1}
        (pixels ${gh * patch.ph * 4 + 1}–${(gh + 1) * patch.ph * 4} down, ${gw * patch.pw * 4 + 1}–${(gw + 1) * patch.pw * 4} across). Its numbers, in the
        order the DiT's linear embedding reads them (channels fastest, then columns, rows and frames of the patch):
      </p>
      <ul class="keys" aria-hidden="true">
        ${CHANNEL_COLOURS.map((c, k) => html`<li style="--key:${c}">channel ${k + 1}</li>`)}
      </ul>
      ${this.tokenSpec.spec
        ? html`<plot-chart
            id="token-chart"
            .spec=${this.tokenSpec.spec}
            alt="The ${D} numbers of token ${token}, channel by channel, from ${fmtRange(this.tokenSpec.values!)}."
          ></plot-chart>`
        : html`<p class="muted" role="status">Encoding the clip…</p>`}
    `;
  }

  // ---------------------------------------------------------------- the DiT, timed

  /** Times a DiT step (batch 2, as with guidance) on each of the shapes. */
  async measureDit(): Promise<void> {
    const manifest = this.models.manifest;
    const entry = manifest?.models.dit;
    const shapes = entry ? flopsShapes(entry) : null;
    if (!entry || !shapes) return;
    const rows: CostRow[] = SHAPES.map((sh) => {
      const tokens = tokenGrid({ frames: sh.frames, height: sh.height, width: sh.width }, DIT_PATCH).tokens;
      return { label: sh.label, detail: `${tokens} tokens`, flops: ditStepFlops(tokens, DIT_PATCH, DIT_ARCHITECTURE, 2).total };
    });
    this.timing = rows;
    this.requestUpdate();
    await this.models.runTask(this.cell('timing'), async ({ request, signal }) => {
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

  private renderTiming() {
    const manifest = this.models.manifest;
    const entry = manifest?.models.dit;
    if (manifest && !entry) return html`<p class="notice" role="status">weights/manifest.json does not list the DiT (dit) yet.</p>`;
    const image = ditStepFlops(tokenGrid({ frames: 1, height: LATENT, width: LATENT }, DIT_PATCH).tokens, DIT_PATCH, DIT_ARCHITECTURE, 2).total;
    const clip = ditStepFlops(tokenGrid({ frames: 8, height: LATENT, width: LATENT }, DIT_PATCH).tokens, DIT_PATCH, DIT_ARCHITECTURE, 2).total;
    const rows = this.timing.length
      ? this.timing
      : SHAPES.map((sh) => {
          const tokens = tokenGrid({ frames: sh.frames, height: sh.height, width: sh.width }, DIT_PATCH).tokens;
          return { label: sh.label, detail: `${tokens} tokens`, flops: ditStepFlops(tokens, DIT_PATCH, DIT_ARCHITECTURE, 2).total };
        });
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

  // ---------------------------------------------------------------- other shapes

  private async makeShapes(prompt: string, seed: number) {
    const key = `${prompt}|${seed}`;
    this.asked.shapes = key;
    for (const sh of SHAPES) {
      if (this.asked.shapes !== key) return;
      const p = promptForShape(prompt, sh.frames);
      this.shapeSteps = { ...this.shapeSteps, [sh.id]: 'waiting for the DiT…' };
      await this.models.runTask(this.cell(`shape-${sh.id}`), async ({ request }) => {
        const onProgress = (pr: Progress) => {
          if (pr.kind === 'step') this.shapeSteps = { ...this.shapeSteps, [sh.id]: `step ${pr.step} of ${pr.of}` };
          else if (pr.kind === 'stage') this.shapeSteps = { ...this.shapeSteps, [sh.id]: pr.stage === 'decode' ? 'decoding' : pr.stage === 'judge' ? 'judging' : `${pr.stage}` };
          this.requestUpdate();
        };
        const clip = await request({ kind: 'generate', options: { prompt: p, model: 'dit', seed, frames: sh.frames, height: sh.height, width: sh.width } }, { onProgress });
        if (this.asked.shapes !== key) return;
        this.shapeResults = { ...this.shapeResults, [sh.id]: { key, frames: clip.frames, numFrames: clip.numFrames, width: clip.width, height: clip.height, prompt: p, verdict: clip.verdict } };
        this.shapeSteps = { ...this.shapeSteps, [sh.id]: '' };
        this.requestUpdate();
      });
    }
  }

  private renderShapes() {
    const s = this.url.state;
    const key = `${s.prompt}|${s.seed}`;
    return html`
      <div class="controls" id="shapes-anchor">
        <div class="field">
          <label for="prompt">Prompt</label>
          <input
            id="prompt"
            type="text"
            maxlength="160"
            autocomplete="off"
            spellcheck="false"
            .value=${s.prompt}
            @change=${(e: Event) => this.url.set({ prompt: (e.target as HTMLInputElement).value })}
          />
        </div>
        <div class="field">
          <label for="examples">Or pick one</label>
          <select
            id="examples"
            @change=${(e: Event) => {
              const v = (e.target as HTMLSelectElement).value;
              if (v) this.url.set({ prompt: v });
              (e.target as HTMLSelectElement).value = '';
            }}
          >
            <option value="">— example prompts —</option>
            ${EXAMPLE_PROMPTS.map((p) => html`<option value=${p}>${p}</option>`)}
          </select>
        </div>
        <div class="row">
          <labelled-slider
            label="Seed"
            min="0"
            max="99999"
            number-box
            .value=${s.seed}
            @value-change=${(e: CustomEvent<{ value: number }>) => this.url.set({ seed: e.detail.value })}
            style="flex: 1 1 12rem"
          ></labelled-slider>
          <button type="button" @click=${() => this.url.set({ seed: (s.seed + 1) % 100_000 })}>New seed</button>
        </div>
      </div>
      <div class="shapes">
        ${SHAPES.map((sh) => {
          const r = this.shapeResults[sh.id];
          const fresh = r && r.key === key ? r : null;
          const v = fresh?.verdict;
          return html`<live-cell id="shape-${sh.id}" label="${sh.label}">
            <p class="muted" style="margin:0 0 0.4rem">${sh.note}</p>
            ${fresh
              ? html`<clip-player
                    .rgb=${fresh.frames}
                    .frames=${fresh.numFrames}
                    .width=${fresh.width}
                    .height=${fresh.height}
                    alt=${`${sh.label} made by the DiT from “${fresh.prompt}”${v ? `; the judge reads ${describeReading(v.reading)}` : ''}`}
                    autoplay
                  ></clip-player>
                  ${v
                    ? html`<p class="verdict ${v.pass ? 'pass' : 'fail'}" data-pass=${v.pass ? 'true' : 'false'}>
                        <strong>${v.pass ? 'PASS' : 'FAIL'}</strong> — ${v.pass ? describeReading(v.reading) : v.reasons.join('; ')}
                      </p>`
                    : nothing}`
              : html`<p class="progress" role="status">${this.shapesVisible ? this.shapeSteps[sh.id] || 'waiting for the DiT…' : 'starts when you scroll here'}</p>`}
            ${fresh && fresh.prompt !== s.prompt ? html`<p class="progress">asked: “${fresh.prompt}”</p>` : nothing}
          </live-cell>`;
        })}
      </div>
      <live-cell id="tally" label="One seed is an anecdote: the judge on several seeds of each shape">${this.renderTally()}</live-cell>
    `;
  }

  /** Makes `seeds` clips of each shape (seeds seed, seed + 1, …) and counts the judge's passes. */
  async runTally(): Promise<void> {
    const s = this.url.state;
    const key = `${s.prompt}|${s.seed}|${s.seeds}`;
    const rows: TallyRow[] = SHAPES.map((sh) => ({ id: sh.id, label: sh.label, passes: 0, verdicts: [] }));
    this.tally = { key, seeds: s.seeds, rows, done: 0 };
    this.requestUpdate();
    await this.models.runTask(this.cell('tally'), async ({ request }) => {
      for (let k = 0; k < s.seeds; k++) {
        for (let i = 0; i < SHAPES.length; i++) {
          const sh = SHAPES[i];
          const options = { prompt: promptForShape(s.prompt, sh.frames), model: 'dit', seed: (s.seed + k) % 100_000, frames: sh.frames, height: sh.height, width: sh.width };
          const clip = await request({ kind: 'generate', options });
          const pass = !!clip.verdict?.pass;
          rows[i] = { ...rows[i], passes: rows[i].passes + (pass ? 1 : 0), verdicts: [...rows[i].verdicts, pass] };
          this.tally = { key, seeds: s.seeds, rows: [...rows], done: this.tally!.done + 1 };
          this.requestUpdate();
        }
      }
    });
  }

  private renderTally() {
    const s = this.url.state;
    const t = this.tally;
    const key = `${s.prompt}|${s.seed}|${s.seeds}`;
    const total = s.seeds * SHAPES.length;
    const running = t && t.key === key && t.done < total;
    const rows = t?.rows ?? [];
    const spec: ChartSpec | null = t
      ? ({ width }) => ({
          width,
          height: 40 + 34 * rows.length,
          marginLeft: 130,
          marginRight: 60,
          marginBottom: 34,
          x: { domain: [0, t.seeds], label: 'clips the judge passes →', ticks: Math.min(t.seeds, 8) },
          y: { domain: rows.map((r) => r.label), label: null },
          marks: [
            Plot.barX(rows, { y: 'label', x: 'passes', fill: CHART_COLOURS.accent }),
            Plot.barX(rows, { y: 'label', x1: 'passes', x2: (r: TallyRow) => r.verdicts.length, fill: CHART_COLOURS.noise, fillOpacity: 0.35 }),
            Plot.text(rows, { y: 'label', x: (r: TallyRow) => r.verdicts.length, text: (r: TallyRow) => `${r.passes} of ${r.verdicts.length}`, dx: 6, textAnchor: 'start' }),
            Plot.ruleX([0]),
          ],
        })
      : null;
    return html`
      <div class="controls">
        <labelled-slider
          label="Seeds of each shape"
          min="2"
          max="16"
          .value=${s.seeds}
          .format=${(v: number) => `${v} (seeds ${s.seed}–${s.seed + v - 1})`}
          @value-change=${(e: CustomEvent<{ value: number }>) => this.url.set({ seeds: e.detail.value })}
        ></labelled-slider>
        <div class="row">
          <button type="button" id="run-tally" @click=${() => void this.runTally()}>Judge ${total} clips</button>
          <span class="muted" role="status">${running ? `${t!.done} of ${total} made` : `${s.seeds} times the work of the five clips above`}</span>
        </div>
      </div>
      ${t
        ? html`<ul class="keys" aria-hidden="true">
            <li style="--key:${CHART_COLOURS.accent}">the judge passes</li>
            <li style="--key:#e8b5a3">it fails</li>
          </ul>`
        : nothing}
      ${t && t.key !== key ? html`<p class="muted" role="status">These counts are for another prompt, seed or number of seeds; judge again to update them.</p>` : nothing}
      ${spec
        ? html`<plot-chart
            id="tally-chart"
            .spec=${spec}
            alt=${`Of ${t!.seeds} seeds of “${t!.key.split('|')[0]}”, the judge passes: ${rows.map((r) => `${r.label}, ${r.passes} of ${r.verdicts.length}`).join('; ')}.`}
          ></plot-chart>`
        : html`<p class="muted">Each shape made from seeds ${s.seed} to ${s.seed + s.seeds - 1} of this prompt, and judged: how often does each hold?</p>`}
    `;
  }

  // ---------------------------------------------------------------- events, page

  private onTryThis(e: CustomEvent<TryThisDetail>) {
    this.url.clearProblems();
    this.url.set(e.detail.state as Partial<Chapter4State>);
  }

  render() {
    const s = this.url.state;
    const patch = this.patch;
    const cross = Math.round(attentionCrossover(patch));
    return html`
      <chapter-section .tryThis=${TRY_THIS} .references=${REFERENCES} @try-this=${this.onTryThis}>
        <state-notice .messages=${this.url.messages()}></state-notice>
        <p>
          A transformer reads a sequence of tokens. Sora makes video into one: the VAE compresses the clip into a latent (the
          last chapter, frame by frame here; Sora compresses time too), and the latent is cut into <em>spacetime patches</em>,
          small blocks of a few frames × a few rows × a few columns with all their channels. Each patch, flattened, is a token.
          In the DiT here a linear layer embeds it, and fixed sine and cosine features of its place in time, row and column
          are added, so the transformer knows where each token came from.
        </p>
        <p>
          Choose the patch. The numbers are the order in which the DiT here reads the tokens: time first, then rows, then
          columns, as in <code>pipeline/diffusion/patchify.ts</code> and the model's training code.
        </p>
        ${this.models.renderWeights()}
        <live-cell id="patches" label="The latent of a clip, cut into spacetime patches">${this.renderPatches()}</live-cell>
        <p>
          The patch size trades detail for length. Whatever the patch, the latent holds the same
          ${(CLIP_FRAMES * LATENT * LATENT * CHANNELS).toLocaleString('en')} numbers; a smaller patch makes more tokens with fewer
          numbers each. Halving the side of a patch in rows and columns makes four times the tokens; spanning two frames
          instead of one halves them. An image is simply a clip of one frame: the same cutting gives its tokens, and the same
          model can learn from images and clips together, as Sora and the DiT here do.
        </p>
        <h3>Tokens, and what they cost</h3>
        <p>
          Each DiT block does two kinds of work. Everything a token does alone — the projections to queries, keys and values,
          cross-attention to the text, the MLP — grows with the number of tokens N. Self-attention compares every token with
          every other: its scores and their mixing grow with N². For this DiT (width ${DIT_ARCHITECTURE.width},
          ${DIT_ARCHITECTURE.depth} blocks) the two are equal at about ${cross.toLocaleString('en')} tokens with this patch;
          past that, attention dominates. Longer clips and larger frames get there fast.
        </p>
        <live-cell id="costs" label="Tokens and FLOPs as a clip gets longer and larger">
          <div class="controls">
            <labelled-slider
              label="Frames"
              min="1"
              max=${MAX_FRAMES}
              number-box
              .value=${s.frames}
              .format=${(v: number) => (v === 1 ? '1 (an image)' : `${v} frames`)}
              @value-input=${(e: CustomEvent<{ value: number }>) => this.url.set({ frames: e.detail.value })}
            ></labelled-slider>
            <choice-picker
              label="Frame size (pixels)"
              .options=${FRAME_SIDES.map((v) => ({ value: String(v), label: `${v} × ${v}` }))}
              .value=${s.side}
              @choice-change=${(e: CustomEvent<{ value: string }>) => this.url.set({ side: e.detail.value as Chapter4State['side'] })}
            ></choice-picker>
            <p class="muted" style="margin:0">Patch: ${patch.pt} × ${patch.ph} × ${patch.pw}, from the figure above.</p>
          </div>
          <token-cost-charts frames=${s.frames} side=${Number(s.side)} .patch=${patch}></token-cost-charts>
        </live-cell>
        <h3>A step, measured</h3>
        <p>
          FLOPs are a count; time is what the reader waits for. Here is one step of the committed DiT on clips of the shapes
          asked for below, each on the backend this page runs the models on.
        </p>
        <live-cell id="timing" label="One DiT step, timed in this browser">${this.renderTiming()}</live-cell>
        <h3>Durations and shapes it never saw</h3>
        <p>
          Because positions are features of each token's coordinates, nothing in the DiT fixes the number of tokens: give it
          a latent of 4 or 12 frames, or 8 × 12 cells (32 × 48 pixels), and it runs. Sora trained on clips of their native
          length and aspect ratio for that reason, and chooses the output's shape by the size of the grid of noise it
          starts from. The DiT here saw only images and 8-frame clips of 32 × 32, so other shapes ask it to generalise:
          coordinates it never saw, and clips whose motion is measured over more or fewer frames. The world's judge says what
          held.
        </p>
        <section id="shapes" class="figure-box" aria-labelledby="shapes-title"><h4 id="shapes-title">The same prompt and seed, as clips of five shapes</h4>${this.renderShapes()}</section>
        ${this.models.renderBackend()}
      </chapter-section>
    `;
  }
}

function fmtRange(values: Float32Array): string {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return `${lo.toFixed(2)} to ${hi.toFixed(2)}`.replace(/-/g, '−');
}

declare global {
  interface HTMLElementTagNameMap {
    'chapter-4': Chapter4;
  }
}
