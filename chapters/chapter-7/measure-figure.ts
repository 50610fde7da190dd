// <measure-figure>: the judge's reading of a clip this chapter made — each
// object's path, its speed, whether it moved as asked, whether it stayed the
// same object — for the clip the reader picks. The clips come down from the
// chapter; running this figure runs the picked one's figure.
import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../../components/widgets/choice-picker';
import '../../components/shell/live-cell';
import '../../components/widgets/track-chart';
import { FigureRunController } from '../../components/figure/figure-run-controller';
import { setFigureState } from '../../components/figure/figure-state';
import type { LiveCell } from '../../components/shell/live-cell';
import { controls, layout, prose } from '../../components/styles';
import { wantClip, type MadeClips } from './clips';
import { cellKey, chapter7Styles, type Chapter7State, type Measurable } from './state';

const MEASURE_OPTIONS: { value: Measurable; label: string }[] = [
  { value: 'make', label: 'Made from text' },
  { value: 'animate', label: 'Animated' },
  { value: 'extend', label: 'Extended' },
  { value: 'edit', label: 'Edited' },
  { value: 'connect', label: 'Connected' },
];

@customElement('measure-figure')
export class MeasureFigure extends LitElement {
  static styles = [prose, controls, layout, chapter7Styles];

  @property({ attribute: false }) state!: Chapter7State;
  /** The latest clip of each figure, as the chapter keeps them. */
  @property({ attribute: false }) clips: MadeClips = {};

  private readonly runs = new FigureRunController(this, {
    auto: 'rerun',
    key: () => (this.state ? cellKey(this.state, 'measure') : null),
    run: () => wantClip(this, this.state.measure),
  });

  get cell(): LiveCell {
    return this.renderRoot.querySelector<LiveCell>('live-cell#measure')!;
  }

  /** Makes the picked clip for the current state, unless made: resolves when it is read. */
  ensure(): Promise<unknown> {
    return this.runs.ensure();
  }

  render() {
    const s = this.state;
    const c = this.clips[s.measure];
    const m = c?.key === cellKey(s, s.measure) ? c : null;
    return html`<live-cell id="measure" label="Paths, motion and consistency, by the judge">
      <choice-picker
        label="Measure the clip"
        .options=${MEASURE_OPTIONS}
        .value=${s.measure}
        @choice-change=${(e: CustomEvent<{ value: string }>) => setFigureState<Chapter7State>(this, { measure: e.detail.value as Measurable })}
      ></choice-picker>
      <p class="muted">${m?.reading ? html`Reading ${m.what}.` : 'Waiting for that clip to be made…'}</p>
      <track-chart .reading=${m?.reading ?? null}></track-chart>
    </live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'measure-figure': MeasureFigure;
  }
}
