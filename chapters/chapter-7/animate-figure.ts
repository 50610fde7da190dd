// <animate-figure>: image to video. A picture — from the world, made by the DiT
// from an image prompt, or drawn by the reader — held fixed as frame 1 while
// the other frames are denoised; the prompt is what the judge reads in the
// picture with the motion asked for.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../../components/widgets/choice-picker';
import '../../components/widgets/clip-card';
import '../../components/widgets/draw-canvas';
import '../../components/shell/live-cell';
import '../../components/widgets/picture-picker';
import '../../components/widgets/prompt-field';
import { FigureRunController } from '../../components/figure/figure-run-controller';
import { applyFigureState, setFigureState } from '../../components/figure/figure-state';
import type { DrawingDetail } from '../../components/widgets/draw-canvas';
import type { LiveCell } from '../../components/shell/live-cell';
import type { ModelController } from '../../components/controllers/model-controller';
import type { PictureChangeDetail } from '../../components/widgets/picture-picker';
import type { PromptDetail } from '../../components/widgets/prompt-field';
import { controls, layout, prose } from '../../components/styles';
import { decodeDrawing, drawingToRgb, encodeDrawing, isBlank } from '../../pipeline/drawing';
import type { GeneratedClip } from '../../pipeline/text-to-video/clip';
import { animatePlan } from '../../pipeline/text-to-video/edits';
import { motionPrompt, phrasesOfReading } from '../../pipeline/text-to-video/measure';
import type { Frames } from '../../pipeline/text-to-video/vae';
import { parsePrompt } from '../../pipeline/world/caption';
import type { Verdict } from '../../pipeline/world/judge';
import { readFrames } from '../../pipeline/world/read-frames';
import type { Motion } from '../../pipeline/world/spec';
import { sameDims, tellClip, worldPicture } from './clips';
import { cellKey, chapter7Styles, clipOptions, FRAMES, type Chapter7State } from './state';

const SOURCES = [
  { value: 'world', label: 'From the world' },
  { value: 'generated', label: 'Made by the DiT' },
  { value: 'drawing', label: 'Drawn by you' },
];
const MOTION_OPTIONS = [
  { value: 'right', label: 'moving right' },
  { value: 'left', label: 'moving left' },
  { value: 'up', label: 'moving up' },
  { value: 'down', label: 'moving down' },
  { value: 'still', label: 'staying still' },
];

/** The figure's clip, with the state key it was made from. */
export interface AnimateResult {
  key: string;
  picture: Frames;
  pictureVerdict: Verdict | null;
  prompt: string;
  clip: GeneratedClip;
}

@customElement('animate-figure')
export class AnimateFigure extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    chapter7Styles,
    css`
      picture-picker {
        --picture-picker-gap: 0.6rem;
      }
      .source {
        display: grid;
        grid-template-columns: minmax(0, 14rem) 2.5rem minmax(0, 14rem);
        justify-content: start;
        gap: 0.75rem 1rem;
        align-items: center;
      }
      .arrow {
        align-self: center;
        font-size: 1.6rem;
        color: var(--muted);
        text-align: center;
      }
      @media (max-width: 40rem) {
        .source {
          grid-template-columns: minmax(0, 1fr);
        }
        .source > * {
          max-width: 18rem;
        }
        .arrow {
          transform: rotate(90deg);
          width: 2rem;
        }
      }
    `,
  ];

  @property({ attribute: false }) state!: Chapter7State;
  /** The chapter's models (its download line and backend). */
  @property({ attribute: false }) models!: ModelController;

  /** The latest clip (for tests: the chapter's results.animate). */
  @state() result: AnimateResult | null = null;
  /** Why there is nothing to set moving (an empty drawing, a picture the judge finds nothing in). */
  @state() private note = '';

  private readonly runs = new FigureRunController(this, {
    auto: 'rerun',
    key: () => (this.state ? cellKey(this.state, 'animate') : null),
    run: (key, current) => this.animatePicture(key, current),
  });

  get cell(): LiveCell {
    return this.renderRoot.querySelector<LiveCell>('live-cell#animate')!;
  }

  /** Animates the picture of the current state, unless done: resolves when it is shown (or failed). */
  ensure(): Promise<unknown> {
    return this.runs.ensure();
  }

  private set(partial: Partial<Chapter7State>) {
    setFigureState(this, partial);
  }

  private async submit(partial: Partial<Chapter7State>) {
    await applyFigureState(this, partial);
    void this.runs.retry();
  }

  private show(key: string, result: AnimateResult | null) {
    this.result = result;
    tellClip(this, { cell: 'animate', key, reading: result?.clip.verdict?.reading ?? null, what: result ? `the animated picture, “${result.prompt}”` : '' });
  }

  private async animatePicture(key: string, current: () => boolean) {
    const s = this.state;
    this.note = '';
    // the picture, and what the judge reads in it
    let picture: Frames;
    let pictureVerdict: Verdict | null = null;
    if (s.source === 'world') picture = worldPicture(s.picture);
    else if (s.source === 'drawing') {
      const { indices } = decodeDrawing(s.drawing, 32 * 32);
      if (isBlank(indices)) {
        this.note = 'The drawing is empty: paint a shape in one of the colours, and it will be set moving.';
        this.show(key, null);
        return;
      }
      picture = { frames: drawingToRgb(indices), numFrames: 1, width: 32, height: 32 };
    } else picture = { frames: new Uint8Array(0), numFrames: 1, width: 32, height: 32 };
    await this.models.runTask(this.cell, async ({ request }) => {
      if (s.source === 'generated') {
        const image = await request({ kind: 'generate', options: { prompt: s.imagePrompt, model: 'dit', seed: s.seed, steps: s.steps, frames: 1 } });
        picture = sameDims(image);
        pictureVerdict = image.verdict;
      }
      let phrases = phrasesOfReading(pictureVerdict?.reading ?? readFrames(picture.frames, 1, picture.width, picture.height));
      if (!phrases.length && s.source === 'generated') phrases = parsePrompt(s.imagePrompt).phrases;
      if (!phrases.length) {
        if (current()) {
          this.note = 'The judge finds no object in this picture, so there is nothing to set moving: paint a bigger shape, or pick another picture.';
          this.show(key, null);
        }
        return;
      }
      const prompt = motionPrompt(phrases.slice(0, 2), s.motion as Motion);
      const plan = animatePlan(picture.frames, FRAMES);
      const clip = await request({ kind: 'generate', options: clipOptions(s, prompt, s.seed, { fixedFrames: plan.fixed }) });
      if (current()) this.show(key, { key, picture, pictureVerdict, prompt, clip });
    });
  }

  /** A stroke: the drawing is the state (the chapter writes a finished stroke into the URL at once, on drawing-change). */
  private onDrawing(e: CustomEvent<DrawingDetail>) {
    this.set({ drawing: encodeDrawing(e.detail.indices), source: 'drawing' });
  }

  private drawn: { text: string; indices: Uint8Array } | null = null;
  private drawingIndices(text: string): Uint8Array {
    if (this.drawn?.text !== text) this.drawn = { text, indices: decodeDrawing(text, 32 * 32).indices };
    return this.drawn.indices;
  }

  render() {
    const s = this.state;
    const r = this.result?.key === cellKey(s, 'animate') ? this.result : null;
    const world = s.source === 'world' ? this.runs.memo('world', s.picture, () => worldPicture(s.picture)) : null;
    return html`<live-cell id="animate" label="Image to video: frame 1 held fixed">
      <div class="controls">
        <picture-picker
          label="The picture"
          .options=${SOURCES}
          .source=${s.source}
          .seed=${s.picture}
          next-label="Another picture"
          .caption=${world ? html`picture #${s.picture}: ${world.caption}` : ''}
          @picture-change=${(e: CustomEvent<PictureChangeDetail>) =>
            this.set(e.detail.source !== undefined ? { source: e.detail.source as Chapter7State['source'] } : { picture: e.detail.seed })}
        ></picture-picker>
        <choice-picker
          label="Motion"
          .options=${MOTION_OPTIONS}
          .value=${s.motion}
          @choice-change=${(e: CustomEvent<{ value: string }>) => this.set({ motion: e.detail.value as Motion })}
        ></choice-picker>
        ${s.source === 'generated'
          ? html`<prompt-field
              class="wide"
              label="The picture's prompt (an image: one frame)"
              .value=${s.imagePrompt}
              submit-label="Make the picture"
              judge-note
              @prompt-submit=${(e: CustomEvent<PromptDetail>) => this.submit({ imagePrompt: e.detail.value })}
            ></prompt-field>`
          : nothing}
        ${s.source === 'drawing'
          ? html`<draw-canvas
              class="wide"
              label="Your picture"
              .indices=${this.drawingIndices(s.drawing)}
              @drawing-input=${this.onDrawing}
              @drawing-change=${this.onDrawing}
            ></draw-canvas>`
          : nothing}
      </div>
      ${this.note ? html`<p class="notice" role="status" id="animate-note">${this.note}</p>` : nothing}
      <div class="source">
        <clip-card
          heading="Frame 1, given"
          subheading=${s.source === 'world' ? `picture #${s.picture}` : s.source === 'drawing' ? 'your drawing' : `“${s.imagePrompt}”`}
          .clip=${r?.picture ?? (world ? { ...world } : null)}
          .verdict=${r?.pictureVerdict ?? null}
          placeholder="The picture appears here."
        ></clip-card>
        <div class="arrow" aria-hidden="true">→</div>
        <clip-card
          heading="Frames 2–8, made"
          subheading=${r ? `“${r.prompt}”` : ''}
          .clip=${r?.clip ?? null}
          .verdict=${r?.clip.verdict ?? null}
          .made=${[1, FRAMES] as const}
          annotate
          placeholder="The clip appears here when this cell runs."
        ></clip-card>
      </div>
    </live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'animate-figure': AnimateFigure;
  }
}
