// The first screen: the whole pipeline in one live cell. A prompt box (its
// tokens shown as they are typed), the clip made from it in front of the reader
// (the model's guess of the clean clip shown while it denoises), the stages —
// tokens → text encoder → noise → DiT steps → VAE decoder → clip — lighting up
// as they run, timed, each linked to its chapter. The prose and the controls
// work at once; the models (about 7 MB) load behind a progress bar that says
// their size, in the model worker, so the chapters below stay usable.
//
// It starts by itself when the page opens on it (no #fragment pointing
// elsewhere) and the reader has not asked to save data; otherwise the button
// starts it. State in the URL: fs.prompt, fs.seed.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import '../../components/widgets/clip-card';
import '../../components/shell/live-cell';
import '../../components/widgets/pipeline-stages';
import '../../components/widgets/prompt-field';
import '../../components/shell/state-notice';
import { StagedClipController } from '../../components/figure/staged-clip-controller';
import type { LiveCell } from '../../components/shell/live-cell';
import { ModelController } from '../../components/controllers/model-controller';
import { formatMs, textToVideoStages } from '../../components/widgets/pipeline-stages';
import type { PromptDetail } from '../../components/widgets/prompt-field';
import { controls, prose } from '../../components/styles';
import { UrlStateController } from '../../components/controllers/url-state-controller';
import type { GeneratedClip } from '../../pipeline/text-to-video/clip';
import type { Frames } from '../../pipeline/text-to-video/vae';
import { parsePrompt } from '../../pipeline/world/caption';
import { tokenize } from '../../pipeline/world/tokenizer';
import { EXAMPLES, FIRST_SCREEN_MODELS, firstScreenSchema, PREVIEW_EVERY, STEPS, type FirstScreenState } from './state';

export { FIRST_SCREEN_MODELS, firstScreenSchema, type FirstScreenState } from './state';

type Phase = 'idle' | 'loading' | 'running' | 'done' | 'failed';

const saveData = () => (navigator as Navigator & { connection?: { saveData?: boolean } }).connection?.saveData === true;

@customElement('first-screen')
export class FirstScreen extends LitElement {
  static styles = [
    prose,
    controls,
    css`
      live-cell {
        margin-top: 0.5rem;
      }
      .layout {
        display: grid;
        grid-template-columns: minmax(11rem, 16.5rem) minmax(0, 1fr);
        grid-template-areas:
          'clip prompt'
          'clip stages';
        grid-template-rows: auto 1fr;
        gap: 1rem 1.5rem;
        align-items: start;
      }
      .prompt {
        grid-area: prompt;
      }
      .clip {
        grid-area: clip;
      }
      .side {
        grid-area: stages;
      }
      /* on a phone the prompt box, then a smaller clip: both in the first viewport (390 × 844) */
      @media (max-width: 40rem) {
        .layout {
          grid-template-columns: minmax(0, 1fr);
          grid-template-areas: 'prompt' 'clip' 'stages';
          grid-template-rows: auto;
        }
        .clip {
          max-width: 13rem;
          width: 100%;
          margin: 0 auto;
        }
      }
      .side > * + * {
        margin-top: 0.75rem;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.4rem 0.75rem;
        font-size: 0.9rem;
      }
      .muted {
        color: var(--muted);
      }
      .summary {
        margin: 0;
        font-size: 0.9rem;
        max-width: none;
        font-variant-numeric: tabular-nums;
      }
      .weights {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.25rem 0.75rem;
        margin: 0.9rem 0 0;
        font-size: 0.85rem;
        color: var(--muted);
      }
      .weights progress {
        width: 10rem;
        max-width: 60vw;
        vertical-align: middle;
        accent-color: var(--accent);
      }
    `,
  ];

  private url = new UrlStateController(this, firstScreenSchema, 'fs');
  readonly models = new ModelController(this, { models: FIRST_SCREEN_MODELS });

  @state() private phase: Phase = 'idle';
  /** The model's current guess of the clean clip, while it denoises. */
  @state() private preview: Frames | null = null;
  @state() private clip: GeneratedClip | null = null;
  /** The state the shown clip (or the running one) was made from. */
  @state() private madeFrom: FirstScreenState | null = null;

  private readonly staged = new StagedClipController(this);
  /** For tests: the stages in the order they started running, and each preview's step. */
  readonly trace: { stages: string[]; previews: number[] } = { stages: [], previews: [] };
  private run = 0;
  /** Clips made so far. */
  private made = 0;
  private observer: IntersectionObserver | null = null;

  /** The stages of the latest run, timed. */
  get clock() {
    return this.staged.clock;
  }

  /** The state (as in the URL). */
  get state(): FirstScreenState {
    return this.url.state;
  }

  /** The clip on show (undefined before one is made). */
  get result(): GeneratedClip | null {
    return this.clip;
  }

  get cell(): LiveCell {
    return this.renderRoot.querySelector<LiveCell>('live-cell')!;
  }

  setState(partial: Partial<FirstScreenState>) {
    this.url.set(partial);
  }

  connectedCallback(): void {
    super.connectedCallback();
    this.clock.start(null);
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.observer?.disconnect();
  }

  protected firstUpdated() {
    this.dataset.ready = 'true';
    const hash = location.hash;
    const here = !hash || hash === '#pipeline' || hash === `#${this.id}`;
    if (!here || saveData() || !('IntersectionObserver' in window)) return;
    this.observer = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      this.observer?.disconnect();
      this.observer = null;
      if (this.phase === 'idle') void this.make();
    });
    this.observer.observe(this);
  }

  /** Makes the clip of the current state. Resolves to it, or to undefined (failed, shown in the cell, or replaced). */
  async make(): Promise<GeneratedClip | undefined> {
    await this.updateComplete;
    const id = ++this.run;
    const current = () => id === this.run;
    const s = { ...this.url.state };
    this.url.flush();
    this.madeFrom = s;
    // one task in the cell: the models' download, then the clip; Retry reruns both
    const result = await this.models.runTask(this.cell, async ({ request }) => {
      this.preview = null;
      this.trace.stages = [];
      this.trace.previews = [];
      const clip = await this.staged.make(request, {
        current,
        prompt: s.prompt,
        models: FIRST_SCREEN_MODELS,
        job: { options: { prompt: s.prompt, model: 'dit', seed: s.seed, frames: 8, steps: STEPS }, preview: { every: PREVIEW_EVERY } },
        onStart: () => (this.phase = 'loading'),
        onLoaded: () => (this.phase = 'running'),
        onProgress: (p, began) => {
          if (began) this.trace.stages.push(began);
          if (p.kind === 'step' && p.preview) {
            this.preview = p.preview;
            this.trace.previews.push(p.step);
          }
        },
      });
      if (!clip) return undefined;
      this.clip = clip;
      this.made++;
      this.preview = null;
      this.phase = 'done';
      return clip;
    });
    if (current() && result === undefined && this.phase !== 'done') this.phase = 'failed';
    return result;
  }

  private submit(prompt: string) {
    this.url.set({ prompt });
    void this.make();
  }

  private renderSummary() {
    const c = this.clip;
    if (this.phase === 'loading') return html`<p class="summary muted" role="status">Loading the models (once; your browser keeps them)…</p>`;
    if (this.phase === 'running') return html`<p class="summary muted">Denoising in the model worker: the page stays yours.</p>`;
    if (!c || this.phase !== 'done') return nothing;
    const steps = c.sample.stepMs;
    const median = [...steps].sort((a, b) => a - b)[Math.floor(steps.length / 2)] ?? 0;
    return html`<p class="summary" id="summary">
      Made in <strong>${formatMs(c.timings.total)}</strong>: ${steps.length} steps of the DiT at about ${formatMs(median)} each,
      on ${this.cell?.backend || 'this device'}${this.made === 1 ? ' (a first run also starts ONNX Runtime and each model)' : ''}. The same prompt
      and noise make the same clip: the address bar's link remakes this one.
    </p>`;
  }

  render() {
    const s = this.url.state;
    const from = this.madeFrom ?? s;
    const parsed = parsePrompt(from.prompt);
    const stages = textToVideoStages(this.clock, {
      tokens: tokenize(from.prompt).length,
      seed: from.seed,
      frames: 8,
      steps: this.clip?.sample.options.steps ?? STEPS,
      pass: this.clip && parsed.ok ? (this.clip.verdict?.pass ?? null) : null,
    });
    const showing = this.preview ?? this.clip;
    const busy = this.phase === 'loading' || this.phase === 'running';
    return html`
      <state-notice .messages=${this.url.messages()}></state-notice>
      <live-cell label="From a prompt to a clip, made in your browser" streaming>
        <div class="layout">
          <prompt-field
            class="prompt"
            label="Prompt"
            .value=${s.prompt}
            .examples=${EXAMPLES}
            submit-label="Make the clip"
            judge-note
            @prompt-submit=${(e: CustomEvent<PromptDetail>) => this.submit(e.detail.value)}
          ></prompt-field>
          <div class="clip">
            <clip-card
              .clip=${showing}
              .verdict=${this.preview ? null : (this.clip?.verdict ?? null)}
              ?preview=${!!this.preview}
              placeholder=${busy ? 'Starting…' : 'The clip appears here.'}
              annotate
            ></clip-card>
            <div class="row" style="margin-top:0.5rem">
              <button
                type="button"
                @click=${() => {
                  this.url.set({ seed: (s.seed + 1) % 100_000 });
                  void this.make();
                }}
              >
                Another take
              </button>
              <span class="muted">same prompt, noise #${s.seed}</span>
            </div>
          </div>
          <div class="side">
            <pipeline-stages .stages=${stages} label="The stages of this run"></pipeline-stages>
            ${this.renderSummary()}
          </div>
        </div>
        ${this.models.renderWeights()}
      </live-cell>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'first-screen': FirstScreen;
  }
}
