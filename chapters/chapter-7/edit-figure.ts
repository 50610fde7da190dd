// <edit-figure>: SDEdit. The first figure's clip noised part of the way, to
// some t, and denoised from there with a new prompt; the readout says where the
// DiT's schedule starts and how many steps run.
import { LitElement, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../../components/widgets/clip-card';
import '../../components/widgets/labelled-slider';
import '../../components/shell/live-cell';
import '../../components/widgets/prompt-field';
import { FigureRunController } from '../../components/figure/figure-run-controller';
import { applyFigureState, setFigureState } from '../../components/figure/figure-state';
import type { LiveCell } from '../../components/shell/live-cell';
import type { ModelController } from '../../components/controllers/model-controller';
import { term } from '../../components/shell/notation';
import type { PromptDetail } from '../../components/widgets/prompt-field';
import { controls, layout, prose } from '../../components/styles';
import { denoiserSettings, scheduleOf, type Manifest } from '../../pipeline/runtime/manifest';
import type { GeneratedClip } from '../../pipeline/text-to-video/clip';
import { sdeditStart } from '../../pipeline/text-to-video/edits';
import { tellClip, wantClip } from './clips';
import { cellKey, chapter7Styles, clipOptions, type Chapter7State } from './state';

/** The figure's clip, with the state key it was made from. */
export interface EditResult {
  key: string;
  clip: GeneratedClip;
  /** The share of the schedule it ran again. */
  strength: number;
}

@customElement('edit-figure')
export class EditFigure extends LitElement {
  static styles = [prose, controls, layout, chapter7Styles];

  @property({ attribute: false }) state!: Chapter7State;
  /** The chapter's models (its download line and backend). */
  @property({ attribute: false }) models!: ModelController;
  /** weights/manifest.json, once read: the DiT's schedule. */
  @property({ attribute: false }) manifest: Manifest | null = null;
  /** The first figure's clip for the current state, once made. */
  @property({ attribute: false }) source: GeneratedClip | null = null;

  /** The latest clip (for tests: the chapter's results.edit). */
  @state() result: EditResult | null = null;

  private readonly runs = new FigureRunController(this, {
    auto: 'rerun',
    key: () => (this.state ? cellKey(this.state, 'edit') : null),
    run: (key, current) => this.edit(key, current),
  });

  get cell(): LiveCell {
    return this.renderRoot.querySelector<LiveCell>('live-cell#edit')!;
  }

  /** Edits the clip of the current state (made first if need be), unless done. */
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

  private async edit(key: string, current: () => boolean) {
    const s = this.state;
    const source = (await wantClip(this, 'make'))?.clip;
    if (!source || !current()) return;
    const strength = s.strength / 100;
    await this.models.runTask(this.cell, async ({ request }) => {
      const clip = await request({ kind: 'generate', options: clipOptions(s, s.editPrompt, s.seed, { init: { frames: source.frames, strength } }) });
      if (!current()) return;
      this.result = { key, clip, strength };
      tellClip(this, { cell: 'edit', key, reading: clip.verdict?.reading ?? null, what: `the edited clip, “${clip.prompt}”` });
    });
  }

  /** ᾱ_t of the DiT's schedule (from its manifest entry; made once a manifest). */
  private alphaBar(manifest: Manifest, t: number): number | null {
    return this.runs.memo('alphas', manifest, () => scheduleOf(manifest, 'dit').alphasCumprod)[t] ?? null;
  }

  render() {
    const s = this.state;
    const r = this.result?.key === cellKey(s, 'edit') ? this.result : null;
    const made = this.source;
    const manifest = this.manifest;
    const start = manifest?.models.dit ? sdeditStart(s.strength / 100, s.steps, denoiserSettings(manifest, 'dit')) : null;
    return html`<live-cell id="edit" label="SDEdit: noise to t, denoise with a new prompt">
      <div class="controls">
        <prompt-field
          class="wide"
          label="The new prompt"
          .value=${s.editPrompt}
          submit-label="Edit the clip"
          judge-note
          @prompt-submit=${(e: CustomEvent<PromptDetail>) => this.submit({ editPrompt: e.detail.value })}
        ></prompt-field>
        <labelled-slider
          class="wide"
          label="Strength: how much of the schedule runs again"
          min="0"
          max="100"
          .value=${s.strength}
          .format=${(v: number) => `${v} %`}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.set({ strength: e.detail.value })}
        ></labelled-slider>
      </div>
      <p class="readout" id="sdedit-start">
        ${start
          ? start.timestep === null
            ? html`At 0 % nothing is noised and no step runs: the clip only goes through the VAE and back.`
            : html`The clip's latent is noised to ${term('t')} = <strong>${start.timestep}</strong>
                (√${term('alphaBar')} = ${Math.sqrt(this.alphaBar(manifest!, start.timestep) ?? 0).toFixed(2)} of it is left), then
                ${start.steps} of the ${s.steps} steps run with the new prompt.`
          : html`Looking up the DiT's schedule…`}
      </p>
      <div class="two">
        <clip-card heading="Before" subheading=${made ? `“${made.prompt}”` : ''} .clip=${made} .verdict=${made?.verdict ?? null} placeholder="Made in the first cell."></clip-card>
        <clip-card heading="After" subheading=${r ? `“${r.clip.prompt}”` : ''} .clip=${r?.clip ?? null} .verdict=${r?.clip.verdict ?? null} annotate placeholder="The edited clip appears here when this cell runs."></clip-card>
      </div>
    </live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'edit-figure': EditFigure;
  }
}
