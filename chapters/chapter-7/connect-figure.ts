// <connect-figure>: the first figure's clip (A) and another (B) joined by a
// bridge: A's last two frames and B's first two held in one window of eight,
// the four between denoised to agree with both; the judge says whether the
// objects stay the same through all twenty frames.
import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../../components/widgets/clip-card';
import '../../components/shell/live-cell';
import '../../components/widgets/pixel-view';
import '../../components/widgets/prompt-field';
import '../../components/widgets/seed-control';
import { FigureRunController } from '../../components/figure/figure-run-controller';
import { applyFigureState, setFigureState } from '../../components/figure/figure-state';
import type { LiveCell } from '../../components/shell/live-cell';
import type { ModelController } from '../../components/controllers/model-controller';
import type { PromptDetail } from '../../components/widgets/prompt-field';
import type { SeedDetail } from '../../components/widgets/seed-control';
import { controls, layout, prose } from '../../components/styles';
import type { GeneratedClip } from '../../pipeline/text-to-video/clip';
import { connectPlan, joinConnection, type JoinedClip } from '../../pipeline/text-to-video/edits';
import { filmStrip } from '../../pipeline/tensor-pictures';
import type { Verdict } from '../../pipeline/world/judge';
import { renderStrip, sameDims, tellClip, wantClip } from './clips';
import { cellKey, chapter7Styles, clipOptions, FRAMES, type Chapter7State } from './state';

/** Frames of each clip the bridge between two clips sees. */
const CONNECT_KEEP = 2;

/** The figure's clip, with the state key it was made from. */
export interface ConnectResult {
  key: string;
  other: GeneratedClip;
  bridge: GeneratedClip;
  joined: JoinedClip;
  verdict: Verdict;
}

@customElement('connect-figure')
export class ConnectFigure extends LitElement {
  static styles = [prose, controls, layout, chapter7Styles];

  @property({ attribute: false }) state!: Chapter7State;
  /** The chapter's models (its download line and backend). */
  @property({ attribute: false }) models!: ModelController;
  /** The first figure's clip for the current state, once made. */
  @property({ attribute: false }) source: GeneratedClip | null = null;

  /** The latest clip (for tests: the chapter's results.connect). */
  @state() result: ConnectResult | null = null;

  private readonly runs = new FigureRunController(this, {
    auto: 'rerun',
    key: () => (this.state ? cellKey(this.state, 'connect') : null),
    run: (key, current) => this.connect(key, current),
  });

  get cell(): LiveCell {
    return this.renderRoot.querySelector<LiveCell>('live-cell#connect')!;
  }

  /** Connects the clip of the current state (made first if need be) to another, unless done. */
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

  private async connect(key: string, current: () => boolean) {
    const s = this.state;
    const a = (await wantClip(this, 'make'))?.clip;
    if (!a || !current()) return;
    await this.models.runTask(this.cell, async ({ request }) => {
      const other = await request({ kind: 'generate', options: clipOptions(s, s.otherPrompt.trim() || s.prompt, s.otherSeed) });
      const plan = connectPlan(a, other, CONNECT_KEEP, FRAMES);
      const bridge = await request({ kind: 'generate', options: clipOptions(s, s.prompt, s.seed, { fixedFrames: plan.fixed, judge: false }) });
      const joined = joinConnection(sameDims(a), bridge, sameDims(other), CONNECT_KEEP);
      const verdict = await request({ kind: 'judge', clip: sameDims(joined), prompt: s.prompt });
      if (!current()) return;
      this.result = { key, other, bridge, joined, verdict };
      tellClip(this, { cell: 'connect', key, reading: verdict.reading, what: `the connected clip, ${joined.numFrames} frames` });
    });
  }

  render() {
    const s = this.state;
    const r = this.result?.key === cellKey(s, 'connect') ? this.result : null;
    const made = this.source;
    const problems = r?.verdict.reading.problems ?? [];
    return html`<live-cell id="connect" label="Connecting two clips">
      <div class="controls">
        <seed-control
          label="Seed of the second clip"
          .value=${s.otherSeed}
          .format=${(v: number) => `#${v}`}
          next="Another"
          live
          @seed-change=${(e: CustomEvent<SeedDetail>) => this.set({ otherSeed: e.detail.value })}
        ></seed-control>
        <prompt-field
          label="Its prompt"
          .value=${s.otherPrompt || s.prompt}
          submit-label="Use it"
          @prompt-submit=${(e: CustomEvent<PromptDetail>) => this.submit({ otherPrompt: e.detail.value })}
        ></prompt-field>
      </div>
      <div class="three">
        <clip-card heading="A: the first cell's clip" .clip=${made} .verdict=${made?.verdict ?? null} placeholder="Made in the first cell."></clip-card>
        <clip-card heading="B: another clip" subheading=${r ? `“${r.other.prompt}”, seed ${s.otherSeed}` : ''} .clip=${r?.other ?? null} .verdict=${r?.other.verdict ?? null} placeholder="Made when this cell runs."></clip-card>
        <clip-card heading="A, a bridge, B" subheading=${r ? `${r.joined.numFrames} frames` : ''} .clip=${r?.joined ?? null} .made=${r?.joined.made ?? null} annotate placeholder="Connected when this cell runs."></clip-card>
      </div>
      ${r
        ? html`<p class="readout" id="connect-reading">
              ${problems.length
                ? html`<strong>The judge:</strong> ${problems.join('; ')}.`
                : html`<strong>The judge:</strong> the same objects, with the same colour, shape and size, in all ${r.joined.numFrames} frames.`}
            </p>
            ${renderStrip(
              r.joined,
              this.runs.memo('strip', r.joined, () => filmStrip(r.joined.frames, r.joined.numFrames, r.joined.width, r.joined.height, 1)),
              `A, the bridge and B, ${r.joined.numFrames} frames left to right; frames ${r.joined.made[0] + 1} to ${r.joined.made[1]} are the bridge.`,
            )}`
        : nothing}
    </live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'connect-figure': ConnectFigure;
  }
}
