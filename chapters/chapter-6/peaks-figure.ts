// <peaks-figure>: one sample is an anecdote. For each colour word of the
// prompt, whether its map's peak lies inside the object of that colour (the
// judge's reading, grown by 1 pixel), over 16 seeds, each map from the run that
// made its sample. Runs when the reader presses the button.
import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../../components/shell/live-cell';
import '../../components/charts/plot-chart';
import { peaksSpec, type PeakCell } from '../../components/charts/conditioning-charts';
import { FigureRunController } from '../../components/figure/figure-run-controller';
import type { LiveCell } from '../../components/shell/live-cell';
import type { ModelController } from '../../components/controllers/model-controller';
import { CHART_COLOURS } from '../../components/charts/plot-chart';
import { controls, layout, prose } from '../../components/styles';
import { combineMaps, keysOfWord, layoutSteps, peakInsideObject, textToVideoWithAttention, tokenMap } from '../../pipeline/lessons/cross-attention';
import type { Colour } from '../../pipeline/world/spec';
import { conditioningStyles, STEPS } from '../shared/conditioning';
import { colourWords, TALLY_SEEDS, type Chapter6State } from './state';

export interface TallyRow {
  seed: number;
  pass: boolean;
  /** Per colour word of the prompt: inside in every frame, outside somewhere, or no object of that colour. */
  words: { word: Colour; inside: boolean; why: string }[];
}
export interface TallyResult {
  /** prompt|seed|frames */
  key: string;
  rows: TallyRow[];
  of: number;
}

@customElement('peaks-figure')
export class PeaksFigure extends LitElement {
  static styles = [prose, controls, layout, conditioningStyles];

  @property({ attribute: false }) state!: Chapter6State;
  @property({ attribute: false }) models!: ModelController;

  /** The seeds checked so far, and the prompt, seed and frames they are for. */
  @state() result: TallyResult | null = null;
  private readonly runs = new FigureRunController(this, {
    auto: 'off',
    key: () => (this.state ? this.key : null),
    run: (key, current) => this.check(key, current),
  });

  /** The state the tally depends on: prompt, seed, frames (the attention cell's). */
  get key(): string {
    return `${this.state.prompt}|${this.state.seed}|${this.state.frames}`;
  }

  /** Checks the 16 seeds for the current state, unless checked: resolves when all are shown. */
  ensure(): Promise<unknown> {
    return this.runs.ensure();
  }

  private cell(): LiveCell {
    return this.renderRoot.querySelector<LiveCell>('live-cell#tally')!;
  }

  private async check(key: string, current: () => boolean) {
    const s = this.state;
    const colours = colourWords(s.prompt);
    const frames = Number(s.frames);
    const rows: TallyRow[] = [];
    this.result = { key, rows, of: TALLY_SEEDS };
    await this.models.runTask(this.cell(), async ({ runner, signal }) => {
      for (let k = 0; k < TALLY_SEEDS; k++) {
        const seed = (s.seed + k) % 100_000;
        const clip = await textToVideoWithAttention(runner, { prompt: s.prompt, model: 'dit', seed, steps: STEPS, frames }, { signal });
        const average = combineMaps(clip.attention, { steps: layoutSteps(clip.attention.perStep.length) });
        const words = colours.map((word) => {
          const keyIndex = keysOfWord(clip.text, word)[0];
          const map = tokenMap(average, keyIndex, clip.attention.grid);
          const checks = Array.from({ length: frames }, (_, f) => peakInsideObject(map, clip.attention.grid, clip.verdict, word, f));
          const bad = checks.find((c) => !c.inside);
          return { word, inside: !bad, why: bad?.why ?? '' };
        });
        if (!current()) return;
        rows.push({ seed, pass: clip.verdict.pass, words });
        this.result = { key, rows: [...rows], of: TALLY_SEEDS };
      }
    });
  }

  private renderBody() {
    const s = this.state;
    const colours = colourWords(s.prompt);
    const t = this.result;
    const fresh = t && t.key === this.key ? t : null;
    const running = fresh && fresh.rows.length < fresh.of;
    const counts = colours.map((c) => ({ word: c, inside: fresh ? fresh.rows.filter((r) => r.words.find((w) => w.word === c)?.inside).length : 0 }));
    const cells: PeakCell[] = fresh ? fresh.rows.flatMap((r) => r.words.map((w) => ({ seed: r.seed, word: w.word, state: w.inside ? 'inside' : /no /.test(w.why) ? 'no such object' : 'outside' }) as PeakCell)) : [];
    const seeds = Array.from({ length: TALLY_SEEDS }, (_, k) => (s.seed + k) % 100_000);
    const spec = fresh && colours.length ? peaksSpec(cells, seeds, colours) : null;
    const words = Number(s.frames) > 1 ? ' in every frame' : '';
    return html`
      ${colours.length
        ? html`<div class="row">
            <button type="button" id="run-tally" @click=${() => void this.ensure()}>Check ${TALLY_SEEDS} seeds</button>
            <span class="muted" role="status">${running
              ? `${fresh!.rows.length} of ${fresh!.of} made`
              : `seeds ${s.seed}–${s.seed + TALLY_SEEDS - 1} of “${s.prompt}”: does each colour word peak inside its object${words}?`}</span>
          </div>`
        : html`<p class="muted">The prompt has no colour word to check; name a colour (“a red circle”).</p>`}
      ${t && !fresh ? html`<p class="muted" role="status">These counts are for another prompt, seed or length; check again to update them.</p>` : nothing}
      ${fresh && colours.length
        ? html`<ul class="keys" aria-hidden="true">
              <li style="--key:${CHART_COLOURS.accent}">peak inside the object</li>
              <li style="--key:${CHART_COLOURS.noise}">outside</li>
              <li style="--key:${CHART_COLOURS.faint}">no object of that colour</li>
            </ul>
            <plot-chart id="tally-chart" .spec=${spec} alt=${`Over ${fresh.rows.length} seeds: ${counts.map((c) => `“${c.word}” peaks inside its object for ${c.inside}`).join('; ')}; the judge passes ${fresh.rows.filter((r) => r.pass).length}.`}></plot-chart>
            <p class="readout" id="tally-readout">
              ${counts.map((c) => html`“${c.word}”: inside for <strong>${c.inside} of ${fresh.rows.length}</strong> seeds. `)}
              The judge passes ${fresh.rows.filter((r) => r.pass).length} of ${fresh.rows.length} of these samples.
            </p>`
        : nothing}
    `;
  }

  render() {
    return html`<live-cell id="tally" label="The colour words' peaks over 16 seeds">${this.renderBody()}</live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'peaks-figure': PeaksFigure;
  }
}
