// <extend-figure>: the first figure's clip run on, forwards (its last frames
// held at the start of a new window of eight) or backwards (its first frames
// held at the end), joined into one longer clip.
import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../../components/widgets/choice-picker';
import '../../components/widgets/clip-card';
import '../../components/widgets/labelled-slider';
import '../../components/shell/live-cell';
import '../../components/widgets/pixel-view';
import { FigureRunController } from '../../components/figure/figure-run-controller';
import { setFigureState } from '../../components/figure/figure-state';
import type { LiveCell } from '../../components/shell/live-cell';
import type { ModelController } from '../../components/controllers/model-controller';
import { controls, layout, prose } from '../../components/styles';
import type { GeneratedClip } from '../../pipeline/text-to-video/clip';
import { extendPlan, joinExtension, type ExtendDirection, type JoinedClip } from '../../pipeline/text-to-video/edits';
import { filmStrip } from '../../pipeline/tensor-pictures';
import type { Verdict } from '../../pipeline/world/judge';
import { renderStrip, sameDims, tellClip, wantClip } from './clips';
import { cellKey, chapter7Styles, clipOptions, FRAMES, type Chapter7State } from './state';

/** The figure's clip, with the state key it was made from. */
export interface ExtendResult {
  key: string;
  window: GeneratedClip;
  joined: JoinedClip;
  verdict: Verdict;
}

@customElement('extend-figure')
export class ExtendFigure extends LitElement {
  static styles = [prose, controls, layout, chapter7Styles];

  @property({ attribute: false }) state!: Chapter7State;
  /** The chapter's models (its download line and backend). */
  @property({ attribute: false }) models!: ModelController;
  /** The first figure's clip for the current state, once made. */
  @property({ attribute: false }) source: GeneratedClip | null = null;

  /** The latest clip (for tests: the chapter's results.extend). */
  @state() result: ExtendResult | null = null;

  private readonly runs = new FigureRunController(this, {
    auto: 'rerun',
    key: () => (this.state ? cellKey(this.state, 'extend') : null),
    run: (key, current) => this.extend(key, current),
  });

  get cell(): LiveCell {
    return this.renderRoot.querySelector<LiveCell>('live-cell#extend')!;
  }

  /** Extends the clip of the current state (made first if need be), unless done. */
  ensure(): Promise<unknown> {
    return this.runs.ensure();
  }

  private set(partial: Partial<Chapter7State>) {
    setFigureState(this, partial);
  }

  private async extend(key: string, current: () => boolean) {
    const s = this.state;
    const source = (await wantClip(this, 'make'))?.clip;
    if (!source || !current()) return;
    const direction = s.direction as ExtendDirection;
    await this.models.runTask(this.cell, async ({ request }) => {
      const plan = extendPlan(source, direction, s.keep, FRAMES);
      const window = await request({ kind: 'generate', options: clipOptions(s, s.prompt, s.seed, { fixedFrames: plan.fixed, judge: false }) });
      const joined = joinExtension(sameDims(source), window, direction, s.keep);
      const verdict = await request({ kind: 'judge', clip: sameDims(joined), prompt: s.prompt });
      if (!current()) return;
      this.result = { key, window, joined, verdict };
      tellClip(this, { cell: 'extend', key, reading: verdict.reading, what: `the extended clip, ${joined.numFrames} frames` });
    });
  }

  render() {
    const s = this.state;
    const r = this.result?.key === cellKey(s, 'extend') ? this.result : null;
    const made = this.source;
    return html`<live-cell id="extend" label="Extending the first cell's clip">
      <div class="controls">
        <choice-picker
          label="Extend"
          .options=${[
            { value: 'forward', label: 'Forwards: what happens next' },
            { value: 'backward', label: 'Backwards: what came before' },
          ]}
          .value=${s.direction}
          @choice-change=${(e: CustomEvent<{ value: string }>) => this.set({ direction: e.detail.value as ExtendDirection })}
        ></choice-picker>
        <labelled-slider
          label="Frames of the clip the model sees"
          min="1"
          max="6"
          .value=${s.keep}
          .format=${(v: number) => `${v} given, ${FRAMES - v} made`}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.set({ keep: e.detail.value })}
        ></labelled-slider>
      </div>
      <div class="two">
        <clip-card heading="The clip from the first cell" subheading=${made ? `“${made.prompt}”` : ''} .clip=${made} .verdict=${made?.verdict ?? null} placeholder="Made in the first cell."></clip-card>
        <clip-card
          heading=${s.direction === 'forward' ? 'Extended forwards' : 'Extended backwards'}
          subheading=${r ? `${r.joined.numFrames} frames` : ''}
          .clip=${r?.joined ?? null}
          .verdict=${r?.verdict ?? null}
          .made=${r?.joined.made ?? null}
          annotate
          placeholder="The longer clip appears here when this cell runs."
        ></clip-card>
      </div>
      ${r
        ? renderStrip(
            r.joined,
            this.runs.memo('strip', r.joined, () => filmStrip(r.joined.frames, r.joined.numFrames, r.joined.width, r.joined.height, 1)),
            `The extended clip, ${r.joined.numFrames} frames left to right; frames ${r.joined.made[0] + 1} to ${r.joined.made[1]} are new.`,
          )
        : nothing}
    </live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'extend-figure': ExtendFigure;
  }
}
