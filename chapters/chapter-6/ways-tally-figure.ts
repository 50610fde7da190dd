// <ways-tally-figure>: the three ways over 8 seeds of the comparison's prompt,
// the judge counting each one's passes. Runs when the reader presses the button.
import { LitElement, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../../components/shell/live-cell';
import { FigureRunController } from '../../components/figure/figure-run-controller';
import type { LiveCell } from '../../components/shell/live-cell';
import type { ModelController } from '../../components/controllers/model-controller';
import { controls, layout, prose } from '../../components/styles';
import { conditioningStyles } from '../shared/conditioning';
import { WAY_NAMES, WAY_SEEDS, WAYS, type Chapter6State, type Way } from './state';
import { missingWays } from './ways-figure';

export interface WaysTally {
  /** cprompt|cseed */
  key: string;
  passes: Record<Way, boolean[]>;
  of: number;
}

@customElement('ways-tally-figure')
export class WaysTallyFigure extends LitElement {
  static styles = [prose, controls, layout, conditioningStyles];

  @property({ attribute: false }) state!: Chapter6State;
  /** The comparison's models (the three ways, the text encoder and the decoder). */
  @property({ attribute: false }) models!: ModelController;

  /** Each way's verdicts so far, seed by seed, and the prompt and seed they are for. */
  @state() result: WaysTally | null = null;
  private readonly runs = new FigureRunController(this, {
    auto: 'off',
    key: () => (this.state ? this.key : null),
    run: (key, current) => this.judge(key, current),
  });

  /** The state the tally depends on: the comparison's prompt and seed. */
  get key(): string {
    return `${this.state.cprompt}|${this.state.cseed}`;
  }

  /** Judges 8 seeds of each way for the current state, unless judged: resolves when all are counted. */
  ensure(): Promise<unknown> {
    return this.runs.ensure();
  }

  private cell(): LiveCell {
    return this.renderRoot.querySelector<LiveCell>('live-cell#ways')!;
  }

  private async judge(key: string, current: () => boolean) {
    const s = this.state;
    if (missingWays(this.models.manifest).length) return;
    const passes = { dit_adaln: [], dit_cross: [], dit_in_context: [] } as WaysTally['passes'];
    this.result = { key, passes, of: WAY_SEEDS };
    await this.updateComplete;
    await this.models.runTask(this.cell(), async ({ request }) => {
      for (let k = 0; k < WAY_SEEDS; k++) {
        for (const model of WAYS) {
          const clip = await request({ kind: 'generate', options: { prompt: s.cprompt, model, seed: (s.cseed + k) % 100_000, frames: 1 } });
          if (!current()) return;
          passes[model] = [...passes[model], !!clip.verdict?.pass];
          this.result = { key, passes: { ...passes }, of: WAY_SEEDS };
        }
      }
    });
  }

  render() {
    const s = this.state;
    const t = this.result;
    const fresh = t && t.key === this.key ? t : null;
    return html`<live-cell id="ways" label="The three ways over ${WAY_SEEDS} seeds"><div class="row">
      <button type="button" id="run-ways" @click=${() => void this.ensure()}>Judge ${WAY_SEEDS} seeds of each</button>
      ${fresh
        ? html`<span class="readout" id="ways-readout" role="status">${WAYS.map((m) => `${WAY_NAMES[m]} ${fresh.passes[m].filter(Boolean).length} of ${fresh.passes[m].length}`).join(' · ')}</span>`
        : html`<span class="muted">Seeds ${s.cseed}–${s.cseed + WAY_SEEDS - 1} of “${s.cprompt}” through each model; the judge counts the passes.</span>`}
    </div></live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ways-tally-figure': WaysTallyFigure;
  }
}
