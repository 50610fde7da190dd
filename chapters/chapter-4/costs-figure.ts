// <costs-figure>: tokens and FLOPs of a DiT call as a clip gets longer and
// larger, for the patch of the figure above. Arithmetic only: no model runs.
import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../../components/widgets/choice-picker';
import '../../components/widgets/labelled-slider';
import '../../components/shell/live-cell';
import '../../components/widgets/token-cost-charts';
import { setFigureState } from '../../components/figure/figure-state';
import { controls, layout, prose } from '../../components/styles';
import { FRAME_SIDES, MAX_FRAMES } from '../../components/widgets/token-cost-charts';
import { chapter4Styles, patchOf, type Chapter4State } from './state';

@customElement('costs-figure')
export class CostsFigure extends LitElement {
  static styles = [prose, controls, layout, chapter4Styles];

  @property({ attribute: false }) state!: Chapter4State;

  private set(partial: Partial<Chapter4State>) {
    setFigureState(this, partial);
  }

  render() {
    const s = this.state;
    const patch = patchOf(s);
    return html`<live-cell id="costs" label="Tokens and FLOPs as a clip gets longer and larger">
      <div class="controls">
        <labelled-slider
          label="Frames"
          min="1"
          max=${MAX_FRAMES}
          number-box
          .value=${s.frames}
          .format=${(v: number) => (v === 1 ? '1 (an image)' : `${v} frames`)}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.set({ frames: e.detail.value })}
        ></labelled-slider>
        <choice-picker
          label="Frame size (pixels)"
          .options=${FRAME_SIDES.map((v) => ({ value: String(v), label: `${v} × ${v}` }))}
          .value=${s.side}
          @choice-change=${(e: CustomEvent<{ value: string }>) => this.set({ side: e.detail.value as Chapter4State['side'] })}
        ></choice-picker>
        <p class="muted" style="margin:0">Patch: ${patch.pt} × ${patch.ph} × ${patch.pw}, from the figure above.</p>
      </div>
      <token-cost-charts frames=${s.frames} side=${Number(s.side)} .patch=${patch}></token-cost-charts>
    </live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'costs-figure': CostsFigure;
  }
}
