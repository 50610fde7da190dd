// <guidance-figure>: classifier-free guidance from 0 to 15: one seed of the
// prompt at several scales (and the one chosen), against the empty prompt or a
// negative prompt. The samples of a prompt, negative prompt and seed made
// already are kept, so a new scale makes one more.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../../components/widgets/clip-card';
import '../../components/widgets/labelled-slider';
import '../../components/shell/live-cell';
import '../../components/widgets/seed-control';
import '../../components/widgets/prompt-field';
import { FigureRunController } from '../../components/figure/figure-run-controller';
import { setFigureState } from '../../components/figure/figure-state';
import type { LiveCell } from '../../components/shell/live-cell';
import type { ModelController } from '../../components/controllers/model-controller';
import type { PromptDetail } from '../../components/widgets/prompt-field';
import type { SeedDetail } from '../../components/widgets/seed-control';
import { controls, layout, prose } from '../../components/styles';
import { STRIP_SCALES } from '../../pipeline/lessons/guidance-sweep';
import type { GeneratedClip } from '../../pipeline/text-to-video/clip';
import { conditioningStyles, sameDims, STEPS } from '../shared/conditioning';
import { fmtScale, type ChapterGuidanceState } from './state';

const GUIDANCE_EXAMPLES = ['a big yellow triangle in the center', 'a small red circle in the top left', 'a blue square and a green circle'];
const NEGATIVE_EXAMPLES = ['a triangle', 'yellow', 'a big yellow triangle'];

export interface StripResult {
  /** gprompt|gneg|gseed|gscale */
  key: string;
  /** Samples by scale, as they arrive. */
  clips: Map<number, GeneratedClip>;
}

@customElement('guidance-figure')
export class GuidanceFigure extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    conditioningStyles,
    css`
      .strip {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(8.5rem, 1fr));
        gap: 0.9rem 1rem;
        align-items: start;
        margin: 0.5rem 0;
      }
      .strip clip-card.on {
        outline: 3px solid var(--focus);
        outline-offset: 3px;
        border-radius: 0.3rem;
      }
    `,
  ];

  @property({ attribute: false }) state!: ChapterGuidanceState;
  @property({ attribute: false }) models!: ModelController;

  /** The samples of the prompt, negative prompt and seed, by scale. */
  @state() result: StripResult | null = null;
  /** The scale being made, in a few words. */
  @state() private progress = '';
  private readonly runs = new FigureRunController(this, {
    auto: 'rerun',
    delay: 250,
    key: () => (this.state ? this.key : null),
    run: (key, current) => this.make(key, current),
  });

  /** The state the strip depends on: prompt, negative prompt, seed, scale. */
  get key(): string {
    const s = this.state;
    return `${s.gprompt}|${s.gneg}|${s.gseed}|${s.gscale}`;
  }

  /** Makes the strip's samples not made yet: resolves when they are shown. */
  ensure(): Promise<unknown> {
    return this.runs.ensure();
  }

  private cell(): LiveCell {
    return this.renderRoot.querySelector<LiveCell>('live-cell#strip')!;
  }

  private set(partial: Partial<ChapterGuidanceState>) {
    setFigureState(this, partial);
  }

  /** The strip's scales, with the one chosen. */
  private scales(): number[] {
    return [...new Set([...STRIP_SCALES, this.state.gscale])].sort((a, b) => a - b);
  }

  private async make(key: string, current: () => boolean) {
    const s = this.state;
    // the samples of this prompt, negative prompt and seed made already are kept: a new scale makes one more
    const base = `${s.gprompt}|${s.gneg}|${s.gseed}`;
    const kept = this.result && this.result.key.startsWith(`${base}|`) ? this.result.clips : new Map<number, GeneratedClip>();
    const clips = new Map(kept);
    this.result = { key, clips };
    const todo = [s.gscale, ...this.scales().filter((x) => x !== s.gscale)].filter((x) => !clips.has(x));
    await this.models.runTask(this.cell(), async ({ request }) => {
      for (const scale of todo) {
        if (current()) this.progress = `s = ${fmtScale(scale)}…`;
        const clip = await request({ kind: 'generate', options: { prompt: s.gprompt, negativePrompt: s.gneg || undefined, model: 'dit', seed: s.gseed, steps: STEPS, frames: 1, guidance: scale } });
        if (!current()) return;
        clips.set(scale, clip);
        this.result = { key, clips };
        this.requestUpdate();
      }
      if (current()) this.progress = '';
    });
  }

  private renderBody() {
    const s = this.state;
    const r = this.result;
    const fresh = r && r.key === this.key ? r : null;
    const main = r?.clips.get(s.gscale) ?? null;
    return html`
      <div class="controls">
        <prompt-field
          class="wide"
          label="Prompt"
          .value=${s.gprompt}
          .examples=${GUIDANCE_EXAMPLES}
          submit-label="Use it"
          judge-note
          @prompt-submit=${(e: CustomEvent<PromptDetail>) => this.set({ gprompt: e.detail.value })}
        ></prompt-field>
        <div class="row wide">
          <button type="button" id="empty-prompt" @click=${() => this.set({ gprompt: '' })}>The empty prompt</button>
          <span class="muted">What the model makes when the prompt is dropped, as 10 % of its training captions were.</span>
        </div>
        <prompt-field
          class="wide"
          label="Negative prompt (the other side of guidance)"
          .value=${s.gneg}
          .examples=${NEGATIVE_EXAMPLES}
          submit-label="Use it"
          @prompt-submit=${(e: CustomEvent<PromptDetail>) => this.set({ gneg: e.detail.value })}
        ></prompt-field>
        <div class="row wide">
          <button type="button" id="clear-negative" ?disabled=${!s.gneg} @click=${() => this.set({ gneg: '' })}>No negative prompt</button>
        </div>
        <labelled-slider
          label="Guidance scale s"
          min="0"
          max="15"
          step="0.5"
          number-box
          .value=${s.gscale}
          .format=${(v: number) => (v === 0 ? 's = 0: the prompt unread' : v === 1 ? 's = 1: plain conditional' : `s = ${fmtScale(v)}`)}
          @value-change=${(e: CustomEvent<{ value: number }>) => this.set({ gscale: e.detail.value })}
        ></labelled-slider>
        <seed-control basis="10rem" .value=${s.gseed} @seed-change=${(e: CustomEvent<SeedDetail>) => this.set({ gseed: e.detail.value })}></seed-control>
      </div>
      <p class="muted" id="strip-what">
        Seed ${s.gseed}; “${s.gprompt || '(the empty prompt)'}” against ${s.gneg ? html`the negative prompt “${s.gneg}”` : 'the empty prompt'}; one image per scale.
      </p>
      <div class="strip" role="group" aria-label="The same seed at several guidance scales">
        ${this.scales().map((scale) => {
          const c = r?.clips.get(scale) ?? null;
          return html`<clip-card
            class=${scale === s.gscale ? 'on' : ''}
            data-scale=${scale}
            heading=${`s = ${fmtScale(scale)}${scale === s.gscale ? ' (chosen)' : ''}`}
            .clip=${c ? sameDims(c) : null}
            .verdict=${c?.verdict ?? null}
            placeholder=${this.progress && !c ? 'waiting…' : 'Not made yet.'}
          ></clip-card>`;
        })}
      </div>
      ${!fresh || this.progress ? html`<p class="muted" role="status">${this.progress ? `making ${this.progress}` : 'Starts when you scroll here.'}</p>` : nothing}
      ${main && !s.gprompt.trim()
        ? html`<p class="readout">With the empty prompt the two sides of guidance are the same prompt, so every scale gives the same picture.</p>`
        : nothing}
    `;
  }

  render() {
    return html`<live-cell id="strip" label="One seed, several guidance scales">${this.renderBody()}</live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'guidance-figure': GuidanceFigure;
  }
}
