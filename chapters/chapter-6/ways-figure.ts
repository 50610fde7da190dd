// <ways-figure>: the three small image DiTs trained here alike but for how the
// text gets in (adaLN, cross-attention, in context): the same prompt and seed
// through each, side by side, each with its model card. Until the manifest
// lists all three it says which are still training.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../../components/widgets/clip-card';
import '../../components/shell/live-cell';
import '../../components/widgets/seed-control';
import '../../components/widgets/model-card';
import '../../components/widgets/prompt-field';
import { FigureRunController } from '../../components/figure/figure-run-controller';
import { setFigureState } from '../../components/figure/figure-state';
import type { LiveCell } from '../../components/shell/live-cell';
import type { ModelController } from '../../components/controllers/model-controller';
import type { PromptDetail } from '../../components/widgets/prompt-field';
import type { SeedDetail } from '../../components/widgets/seed-control';
import { controls, layout, prose } from '../../components/styles';
import type { Manifest } from '../../pipeline/runtime/manifest';
import type { GeneratedClip } from '../../pipeline/text-to-video/clip';
import { conditioningStyles, sameDims } from '../shared/conditioning';
import { WAY_NAMES, WAYS, type Chapter6State, type Way } from './state';

const EXAMPLES = ['a red square in the top left', 'a small green circle', 'a big blue triangle in the bottom right'];

export interface CompareResult {
  /** cprompt|cseed */
  key: string;
  clips: Partial<Record<Way, GeneratedClip>>;
}

/** The ways the manifest does not list yet (none before the manifest is read). */
export function missingWays(manifest: Manifest | null): string[] {
  return manifest ? WAYS.filter((w) => !manifest.models[w]) : [];
}

@customElement('ways-figure')
export class WaysFigure extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    conditioningStyles,
    css`
      .three {
        display: grid;
        gap: 1rem 1.25rem;
        align-items: start;
        grid-template-columns: repeat(3, minmax(0, 15rem));
      }
      @media (max-width: 40rem) {
        .three {
          grid-template-columns: repeat(2, minmax(0, 1fr));
        }
      }
    `,
  ];

  @property({ attribute: false }) state!: Chapter6State;
  /** The comparison's models (the three ways, the text encoder and the decoder). */
  @property({ attribute: false }) models!: ModelController;
  /** Their manifest, once read. */
  @property({ attribute: false }) manifest: Manifest | null = null;

  /** The three samples, as they arrive, and the prompt and seed they are for. */
  @state() result: CompareResult | null = null;
  private readonly runs = new FigureRunController(this, {
    auto: 'rerun',
    delay: 250,
    key: () => (this.state ? this.key : null),
    run: (key, current) => this.make(key, current),
  });

  /** The state the samples depend on: prompt and seed. */
  get key(): string {
    return `${this.state.cprompt}|${this.state.cseed}`;
  }

  /** Makes the three samples for the current state, unless made: resolves when they are shown. */
  ensure(): Promise<unknown> {
    return this.runs.ensure();
  }

  private cell(): LiveCell {
    return this.renderRoot.querySelector<LiveCell>('live-cell#compare')!;
  }

  private set(partial: Partial<Chapter6State>) {
    setFigureState(this, partial);
  }

  private async make(key: string, current: () => boolean) {
    const s = this.state;
    await this.models.refreshStatus();
    if (missingWays(this.models.manifest).length) return;
    const clips: CompareResult['clips'] = {};
    this.result = { key, clips };
    await this.models.runTask(this.cell(), async ({ request }) => {
      for (const model of WAYS) {
        const clip = await request({ kind: 'generate', options: { prompt: s.cprompt, model, seed: s.cseed, frames: 1 } });
        if (!current()) return;
        clips[model] = clip;
        this.result = { key, clips: { ...clips } };
      }
    });
  }

  private renderBody() {
    const s = this.state;
    const manifest = this.manifest;
    const missing = missingWays(manifest);
    if (!manifest) return html`<p class="muted" role="status">Looking up the three models…</p>`;
    if (missing.length) {
      return html`<p class="notice" role="status" id="ways-missing">
        Not trained yet: ${missing.join(', ')}. These three small image DiTs (four blocks each, the same data and training time, only the way the
        text gets in differs) are still training; when weights/manifest.json lists them, this cell makes the same prompt with each, side by side,
        and counts the judge's passes. The diagram and the paper's figures above do not need them.
      </p>`;
    }
    const r = this.result;
    const fresh = r && r.key === this.key ? r : null;
    return html`
      <div class="controls">
        <prompt-field
          label="Prompt (an image)"
          .value=${s.cprompt}
          .examples=${EXAMPLES}
          submit-label="Make three"
          judge-note
          @prompt-submit=${(e: CustomEvent<PromptDetail>) => this.set({ cprompt: e.detail.value })}
        ></prompt-field>
        <seed-control basis="10rem" .value=${s.cseed} @seed-change=${(e: CustomEvent<SeedDetail>) => this.set({ cseed: e.detail.value })}></seed-control>
      </div>
      <div class="three">
        ${WAYS.map((m) => {
          const c = r?.clips[m] ?? null;
          return html`<div data-model=${m}>
            <clip-card heading=${WAY_NAMES[m]} subheading=${m} .clip=${c ? sameDims(c) : null} .verdict=${c?.verdict ?? null} placeholder="Made when this cell runs."></clip-card>
            <model-card name=${m} .entry=${manifest.models[m]}></model-card>
          </div>`;
        })}
      </div>
      ${r && !fresh ? html`<p class="muted" role="status">These are for another prompt or seed.</p>` : nothing}
    `;
  }

  render() {
    return html`<live-cell id="compare" label="The three ways, trained here alike: the same prompt and seed">${this.renderBody()}</live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ways-figure': WaysFigure;
  }
}
