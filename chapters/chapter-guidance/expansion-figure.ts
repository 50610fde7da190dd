// <expansion-figure>: a short prompt expanded by visible rules
// (pipeline/lessons/prompt-expansion.ts) into the kind of caption the model
// learned from, and a sample of each prompt from the same seed, both held to
// what was asked (and the expanded one to itself too).
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../../components/widgets/choice-picker';
import '../../components/widgets/clip-card';
import '../../components/widgets/expansion-rules';
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
import { expandPrompt, type Expansion } from '../../pipeline/lessons/prompt-expansion';
import { scoreClip, type GeneratedClip } from '../../pipeline/text-to-video/clip';
import type { Verdict } from '../../pipeline/world/judge';
import { conditioningStyles, sameDims, STEPS } from '../shared/conditioning';
import type { ChapterGuidanceState } from './state';

const EXAMPLES = ['red ball', 'two tiny boxes falling', 'crimson disc in the upper left corner', 'a teal pyramid rolling to the right'];

export interface ExpandResult {
  /** eprompt|emode|eseed|sseed */
  key: string;
  expansion: Expansion;
  short: GeneratedClip;
  expanded: GeneratedClip;
  /** Each sample judged against the intent (what the reader asked, in the world's words), if there is one. */
  shortVsIntent: Verdict | null;
  expandedVsIntent: Verdict | null;
}

/** The expansion of the state's short prompt, with its seed and mode. */
export function expansionOf(s: ChapterGuidanceState): Expansion {
  return expandPrompt(s.eprompt, { seed: s.eseed, mode: s.emode });
}

/** The key of the expansion cells' state: prompt, mode, the seed of the filled-in words, the seed of the samples. */
export function expansionKey(s: ChapterGuidanceState): string {
  return `${s.eprompt}|${s.emode}|${s.eseed}|${s.sseed}`;
}

@customElement('expansion-figure')
export class ExpansionFigure extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    conditioningStyles,
    css`
      .two {
        display: grid;
        gap: 1rem 1.25rem;
        align-items: start;
        grid-template-columns: repeat(2, minmax(0, 16rem));
      }
      @media (max-width: 40rem) {
        .two {
          grid-template-columns: repeat(2, minmax(0, 1fr));
        }
      }
    `,
  ];

  @property({ attribute: false }) state!: ChapterGuidanceState;
  @property({ attribute: false }) models!: ModelController;

  /** Both prompts' samples and verdicts, and the state they are for. */
  @state() result: ExpandResult | null = null;
  private readonly runs = new FigureRunController(this, {
    auto: 'rerun',
    delay: 250,
    key: () => (this.state ? expansionKey(this.state) : null),
    run: (key, current) => this.make(key, current),
  });

  /** Makes both samples for the current state, unless made: resolves when they are shown. */
  ensure(): Promise<unknown> {
    return this.runs.ensure();
  }

  private cell(): LiveCell {
    return this.renderRoot.querySelector<LiveCell>('live-cell#expand')!;
  }

  private set(partial: Partial<ChapterGuidanceState>) {
    setFigureState(this, partial);
  }

  private async make(key: string, current: () => boolean) {
    const s = this.state;
    const e = expansionOf(s);
    const frames = s.emode === 'clip' ? 8 : 1;
    await this.models.runTask(this.cell(), async ({ request }) => {
      const short = await request({ kind: 'generate', options: { prompt: s.eprompt, model: 'dit', seed: s.sseed, steps: STEPS, frames } });
      const expanded = await request({ kind: 'generate', options: { prompt: e.expanded, model: 'dit', seed: s.sseed, steps: STEPS, frames } });
      if (!current()) return;
      const vs = (c: GeneratedClip) => (e.intent ? scoreClip(sameDims(c), e.intent) : null);
      this.result = { key, expansion: e, short, expanded, shortVsIntent: vs(short), expandedVsIntent: vs(expanded) };
    });
  }

  private renderBody() {
    const s = this.state;
    const e = expansionOf(s);
    const r = this.result;
    const fresh = r && r.key === expansionKey(s) ? r : null;
    const verdictLine = (v: Verdict | null, against: string) =>
      v
        ? html`<p class="readout" data-pass=${v.pass ? 'true' : 'false'}>Held to ${against}: <strong>${v.pass ? 'PASS' : 'FAIL'}</strong>${v.pass ? '' : ` — ${v.reasons.join('; ')}`}</p>`
        : html`<p class="readout">${against}: the judge cannot read it.</p>`;
    return html`
      <div class="controls">
        <prompt-field
          class="wide"
          label="A short prompt"
          .value=${s.eprompt}
          .examples=${EXAMPLES}
          submit-label="Expand"
          @prompt-submit=${(ev: CustomEvent<PromptDetail>) => this.set({ eprompt: ev.detail.value })}
        ></prompt-field>
        <choice-picker
          label="Make"
          .options=${[{ value: 'image', label: 'An image' }, { value: 'clip', label: 'A clip (8 frames)' }]}
          .value=${s.emode}
          @choice-change=${(ev: CustomEvent<{ value: string }>) => this.set({ emode: ev.detail.value as ChapterGuidanceState['emode'] })}
        ></choice-picker>
        <seed-control label="Seed of the filled-in words" next="Expand again" basis="10rem" .value=${s.eseed} @seed-change=${(ev: CustomEvent<SeedDetail>) => this.set({ eseed: ev.detail.value })}></seed-control>
        <labelled-slider
          label="Seed of the samples"
          min="0"
          max="99999"
          number-box
          .value=${s.sseed}
          @value-change=${(ev: CustomEvent<{ value: number }>) => this.set({ sseed: ev.detail.value })}
        ></labelled-slider>
      </div>
      <expansion-rules .expansion=${e}></expansion-rules>
      <div class="two" style="margin-top:1rem">
        <div data-which="short">
          <clip-card heading="As typed" subheading=${`“${s.eprompt}”`} .clip=${r ? sameDims(r.short) : null} .verdict=${null} placeholder="Made when this cell runs."></clip-card>
          ${fresh ? verdictLine(fresh.shortVsIntent, e.intent ? `“${e.intent}”` : 'what was asked') : nothing}
        </div>
        <div data-which="expanded">
          <clip-card heading="Expanded" subheading=${`“${e.expanded}”`} .clip=${r ? sameDims(r.expanded) : null} .verdict=${null} placeholder="Made when this cell runs."></clip-card>
          ${fresh
            ? html`${verdictLine(fresh.expandedVsIntent, e.intent ? `“${e.intent}”` : 'what was asked')}
              ${verdictLine(fresh.expanded.verdict, 'the expansion itself')}`
            : nothing}
        </div>
      </div>
      ${r && !fresh ? html`<p class="muted" role="status">These samples are for an earlier prompt or seed.</p>` : nothing}
    `;
  }

  render() {
    return html`<live-cell id="expand" label="A short prompt, expanded by rules; both prompts' samples">${this.renderBody()}</live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'expansion-figure': ExpansionFigure;
  }
}
