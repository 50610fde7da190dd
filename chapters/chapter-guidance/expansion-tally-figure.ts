// <expansion-tally-figure>: eight seeds of the short prompt and of its
// expansion, each sample held to what was asked. Runs when the reader presses
// the button.
import { LitElement, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../../components/shell/live-cell';
import { FigureRunController } from '../../components/figure/figure-run-controller';
import type { LiveCell } from '../../components/shell/live-cell';
import type { ModelController } from '../../components/controllers/model-controller';
import { controls, layout, prose } from '../../components/styles';
import { scoreClip } from '../../pipeline/text-to-video/clip';
import { expansionKey, expansionOf } from './expansion-figure';
import { conditioningStyles, sameDims, STEPS } from '../shared/conditioning';
import type { ChapterGuidanceState } from './state';

/** Seeds of each prompt judged. */
const SEEDS = 8;

export interface ExpandTally {
  /** eprompt|emode|eseed|sseed */
  key: string;
  short: boolean[];
  expanded: boolean[];
  of: number;
}

@customElement('expansion-tally-figure')
export class ExpansionTallyFigure extends LitElement {
  static styles = [prose, controls, layout, conditioningStyles];

  @property({ attribute: false }) state!: ChapterGuidanceState;
  @property({ attribute: false }) models!: ModelController;

  /** Each prompt's verdicts so far, seed by seed, and the state they are for. */
  @state() result: ExpandTally | null = null;
  private readonly runs = new FigureRunController(this, {
    auto: 'off',
    key: () => (this.state ? expansionKey(this.state) : null),
    run: (key, current) => this.judge(key, current),
  });

  /** Judges 8 seeds of each prompt for the current state, unless judged: resolves when all are counted. */
  ensure(): Promise<unknown> {
    return this.runs.ensure();
  }

  private cell(): LiveCell {
    return this.renderRoot.querySelector<LiveCell>('live-cell#expandTally')!;
  }

  private async judge(key: string, current: () => boolean) {
    const s = this.state;
    const e = expansionOf(s);
    const frames = s.emode === 'clip' ? 8 : 1;
    const short: boolean[] = [], expanded: boolean[] = [];
    this.result = { key, short, expanded, of: SEEDS };
    if (!e.intent) return;
    await this.models.runTask(this.cell(), async ({ request }) => {
      for (let k = 0; k < SEEDS; k++) {
        const seed = (s.sseed + k) % 100_000;
        for (const [prompt, list] of [[s.eprompt, short], [e.expanded, expanded]] as const) {
          const clip = await request({ kind: 'generate', options: { prompt, model: 'dit', seed, steps: STEPS, frames, judge: false } });
          if (!current()) return;
          list.push(scoreClip(sameDims(clip), e.intent).pass);
          this.result = { key, short: [...short], expanded: [...expanded], of: SEEDS };
        }
      }
    });
  }

  render() {
    const s = this.state;
    const e = expansionOf(s);
    const t = this.result;
    const tFresh = t && t.key === expansionKey(s) ? t : null;
    return html`<live-cell id="expandTally" label="Eight seeds of each prompt, held to what was asked">
      <div class="row">
        <button type="button" id="run-expand-tally" ?disabled=${!e.intent} @click=${() => void this.ensure()}>Judge 8 seeds of each</button>
        ${tFresh && e.intent
          ? html`<span class="readout" id="expand-readout" role="status">Held to “${e.intent}”: as typed ${tFresh.short.filter(Boolean).length} of ${tFresh.short.length},
              expanded ${tFresh.expanded.filter(Boolean).length} of ${tFresh.expanded.length}</span>`
          : html`<span class="muted">${e.intent ? `Seeds ${s.sseed}–${s.sseed + 7}, both prompts, held to what was asked.` : 'Nothing to hold the samples to: the prompt names no object the world knows.'}</span>`}
      </div>
    </live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'expansion-tally-figure': ExpansionTallyFigure;
  }
}
