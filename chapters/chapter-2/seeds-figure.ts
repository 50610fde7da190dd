// <seeds-figure>: four seeds of the sampler's settings side by side, each read
// by the world's judge: where they differ is everything the prompt left open.
// Made the first time it is seen, after the figures above it; again on Make
// four, or for "a yellow triangle" in one click.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../../components/widgets/clip-player';
import '../../components/shell/live-cell';
import '../../components/widgets/pixel-view';
import { FigureRunController } from '../../components/figure/figure-run-controller';
import { QueueSeat, type RunQueue } from '../../components/figure/run-queue';
import { applyFigureState } from '../../components/figure/figure-state';
import { missingModels } from '../../components/figure/sampling';
import type { LiveCell } from '../../components/shell/live-cell';
import type { ModelController } from '../../components/controllers/model-controller';
import { controls, layout, prose } from '../../components/styles';
import { sampling } from '../../components/styles/sampling';
import type { Manifest } from '../../pipeline/runtime/manifest';
import type { GeneratedClip } from '../../pipeline/text-to-video/clip';
import { parsePrompt } from '../../pipeline/world/caption';
import { describeReading } from '../../pipeline/world/read-frames';
import { chapter2Styles, missingNotice, MODEL, runKey, runSettings, SAMPLE_MODELS, sameRun, type Chapter2State, type RunSettings } from './state';

const SEEDS = 4;
/** A prompt that leaves most of the picture open. */
const OPEN_PROMPT = 'a yellow triangle';

export interface SeedsRun {
  settings: RunSettings;
  clips: (GeneratedClip | null)[];
  running: boolean;
}

@customElement('seeds-figure')
export class SeedsFigure extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    sampling,
    chapter2Styles,
    css`
      .seeds {
        display: grid;
        max-width: 44rem;
        grid-template-columns: repeat(4, minmax(0, 1fr));
        gap: 0.75rem 1rem;
        align-items: start;
      }
      @media (max-width: 36rem) {
        .seeds {
          grid-template-columns: repeat(2, minmax(0, 1fr));
        }
      }
      .seeds figure {
        margin: 0;
      }
      .seeds pixel-view,
      .seeds clip-player {
        --pixel-view-size: 100%;
      }
      .seeds figcaption {
        font-size: 0.85rem;
        margin-top: 0.3rem;
        overflow-wrap: anywhere;
      }
      .seeds .pass-mark {
        font-weight: 600;
        color: var(--accent-ink);
      }
      .seeds .fail-mark {
        font-weight: 600;
        color: var(--error);
      }
    `,
  ];

  @property({ attribute: false }) state!: Chapter2State;
  @property({ attribute: false }) models!: ModelController;
  @property({ attribute: false }) manifest: Manifest | null = null;
  @property({ attribute: false }) queue: RunQueue | null = null;

  /** The four samples shown (the newest run). */
  seeds: SeedsRun | null = null;
  /** Asked for (a button, a test): runs at once, not waiting for the figures above. */
  private asked = false;
  private readonly seat = new QueueSeat(this, 'seeds', () => !!this.seeds?.running);
  private readonly runs = new FigureRunController(this, {
    auto: 'once',
    rootMargin: '200px 0px',
    staysInView: true,
    key: () => (this.state && this.manifest && !missingModels(this.manifest, SAMPLE_MODELS).length ? runKey(runSettings(this.state)) : null),
    run: (_key, current) => (this.asked ? this.make() : this.seat.turn(() => (current() ? this.make() : undefined))),
  });

  /** Makes the four for the current settings unless that run has started: resolves when it ends. */
  ensure(): Promise<unknown> {
    this.asked = true;
    return this.runs.ensure();
  }

  /** Makes the four for the current settings now (Make four). */
  start(): Promise<unknown> {
    this.asked = true;
    return this.runs.retry();
  }

  private cell(): LiveCell | null {
    return this.renderRoot.querySelector<LiveCell>('live-cell#seeds');
  }

  /** Four seeds of the current settings, one after another. */
  private async make(): Promise<void> {
    const cell = this.cell();
    if (!cell || missingModels(this.manifest, SAMPLE_MODELS).length) return;
    const settings = runSettings(this.state);
    const run: SeedsRun = { settings, clips: Array(SEEDS).fill(null), running: true };
    this.seeds = run;
    this.requestUpdate();
    await this.models.runTask(cell, async ({ request }) => {
      for (let i = 0; i < SEEDS; i++) {
        const clip = await request({ kind: 'generate', options: { ...settings, seed: (settings.seed + i) % 100_000, model: MODEL } });
        if (this.seeds !== run) return;
        run.clips = run.clips.map((c, j) => (j === i ? clip : c));
        this.requestUpdate();
      }
    });
    if (this.seeds !== run) return;
    run.running = false;
    this.requestUpdate();
  }

  /** Four of the open prompt, as an image. */
  private async openPrompt() {
    await applyFigureState<Chapter2State>(this, { prompt: OPEN_PROMPT, frames: '1' });
    await this.start();
  }

  private renderBody() {
    const r = this.seeds;
    if (!r) return html`<p class="muted">Four samples appear here when this cell comes into view.</p>`;
    const now = runSettings(this.state);
    const stale = !r.running && !sameRun(r.settings, now);
    const judged = r.clips.filter((c): c is GeneratedClip => !!c && !!c.verdict && parsePrompt(c.prompt).ok);
    const passed = judged.filter((c) => c.verdict!.pass).length;
    const o = r.settings;
    return html`
      <div class="row">
        <button type="button" class="run" id="make-seeds" @click=${() => void this.start()}>Make four</button>
        ${o.prompt !== OPEN_PROMPT ? html`<button type="button" id="open-prompt" @click=${() => void this.openPrompt()}>Four of “${OPEN_PROMPT}”</button>` : nothing}
        <p class="status" id="seeds-status" data-state=${r.running ? 'running' : 'done'}>
          “${o.prompt || '(no prompt)'}”, ${o.sampler.toUpperCase()}${o.sampler === 'ddim' && o.eta ? ` η ${o.eta}` : ''}, ${o.steps} steps, guidance ${o.guidance}, seeds ${o.seed}–${o.seed + SEEDS - 1}.
          ${judged.length ? html`<strong>${passed} of ${judged.length}</strong> pass the judge.` : nothing}
        </p>
      </div>
      ${stale ? html`<p class="notice" role="status" id="seeds-stale">The settings above changed: press Make four to sample them.</p>` : nothing}
      <div class="seeds" id="seeds-grid">
        ${r.clips.map((c, i) => {
          const seed = (o.seed + i) % 100_000;
          if (!c) return html`<figure><pixel-view .rgb=${null} alt="seed ${seed}: still to come"></pixel-view><figcaption>seed ${seed}…</figcaption></figure>`;
          const ok = c.verdict && parsePrompt(c.prompt).ok;
          return html`<figure data-seed=${seed}>
            ${c.numFrames > 1
              ? html`<clip-player .rgb=${c.frames} .frames=${c.numFrames} .width=${c.width} .height=${c.height} alt="seed ${seed}" autoplay></clip-player>`
              : html`<pixel-view .rgb=${c.frames} alt="seed ${seed}: ${c.verdict ? describeReading(c.verdict.reading) : 'not judged'}"></pixel-view>`}
            <figcaption>
              seed ${seed}:
              ${ok ? (c.verdict!.pass ? html`<span class="pass-mark">PASS</span>` : html`<span class="fail-mark">FAIL</span> — ${c.verdict!.reasons[0]}`) : html`reads as ${c.verdict ? describeReading(c.verdict.reading) : 'nothing'}`}
            </figcaption>
          </figure>`;
        })}
      </div>
    `;
  }

  render() {
    return html`<live-cell id="seeds" label="Four seeds, one prompt" @cell-retry=${() => queueMicrotask(() => void this.start())}
      >${missingNotice(this.manifest, SAMPLE_MODELS)} ${this.renderBody()}</live-cell
    >`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'seeds-figure': SeedsFigure;
  }
}
