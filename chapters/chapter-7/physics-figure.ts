// <physics-figure>: does the DiT's motion obey the world's physics? For one
// prompt with a motion, eight seeds: the DiT's clips beside the world's own
// clips of the same caption, each object's distance travelled frame by frame
// (the world's are straight lines: constant speed, there in every frame), and
// the law's three parts measured on each (pipeline/lessons/motion-law.ts):
// permanence, a constant-velocity path, a speed the world allows. The judge's
// verdict sits beside it: it checks the caption, not the physics. Runs on its
// button (eight clips take a while).
import * as Plot from '@observablehq/plot';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../../components/shell/live-cell';
import '../../components/charts/plot-chart';
import '../../components/widgets/prompt-field';
import '../../components/widgets/labelled-slider';
import { CHART_COLOURS, type ChartSpec } from '../../components/charts/plot-chart';
import { FigureRunController } from '../../components/figure/figure-run-controller';
import { applyFigureState, setFigureState } from '../../components/figure/figure-state';
import type { LiveCell } from '../../components/shell/live-cell';
import type { ModelController } from '../../components/controllers/model-controller';
import type { PromptDetail } from '../../components/widgets/prompt-field';
import { controls, layout, prose } from '../../components/styles';
import { distanceTravelled, lawBroken, LAW, motionLaw, type MotionLaw } from '../../pipeline/lessons/motion-law';
import { parsePrompt } from '../../pipeline/world/caption';
import { generateClip } from '../../pipeline/world/generate';
import { judgeClip, type Verdict } from '../../pipeline/world/judge';
import type { ObjectPhrase } from '../../pipeline/world/spec';
import { cellKey, chapter7Styles, clipOptions, type Chapter7State } from './state';

/** Clips a source: enough to see the spread, few enough to wait for. */
export const PHYSICS_SEEDS = 8;

export interface PhysicsRow {
  seed: number;
  /** The judge on the clip, against the prompt. */
  pass: boolean;
  reason: string;
  law: MotionLaw | null;
  /** Distance travelled in each frame (px; null where the object is missing). */
  travelled: (number | null)[];
}
export interface PhysicsResult {
  key: string;
  motion: string | null;
  dit: (PhysicsRow | null)[];
  world: PhysicsRow[];
}

/** The law measured on the prompt's object in a clip's reading (the track of its colour, else the only one). */
function measure(verdict: Verdict, phrase: ObjectPhrase, seed: number): PhysicsRow {
  const tracks = verdict.reading.tracks;
  const track = tracks.find((t) => t.colour === phrase.colour) ?? (tracks.length === 1 ? tracks[0] : undefined);
  const motion = phrase.motion ?? null;
  return {
    seed,
    pass: verdict.pass,
    reason: verdict.reason,
    law: track ? motionLaw(track, motion === null ? null : motion !== 'still') : null,
    travelled: track ? distanceTravelled(track, motion) : [],
  };
}

/** The world's own clip of the prompt's object, for a seed (the generator's, judged like the DiT's). */
export function worldRow(phrase: ObjectPhrase, prompt: string, seed: number): PhysicsRow {
  const clip = generateClip(`physics-${seed}`, { phrases: [phrase] });
  return measure(judgeClip(clip.frames, clip.numFrames, clip.width, clip.height, prompt), phrase, seed);
}

const obeying = (rows: readonly (PhysicsRow | null)[]) => rows.filter((r) => r?.law?.obeys).length;
const passing = (rows: readonly (PhysicsRow | null)[]) => rows.filter((r) => r?.pass).length;

function travelSpec(result: PhysicsResult): ChartSpec {
  const points = (source: 'world' | 'DiT', rows: readonly (PhysicsRow | null)[]) =>
    rows.flatMap((r) => (r ? r.travelled.map((d, f) => ({ source, seed: r.seed, frame: f + 1, d: d ?? NaN })) : []));
  const data = [...points('world', result.world), ...points('DiT', result.dit)];
  const along = result.motion && result.motion !== 'still' ? `moved ${result.motion} since the first frame (px) →` : 'distance from the first frame (px) →';
  return ({ width }) => ({
    width: Math.min(width, 560),
    height: 260,
    marginLeft: 44,
    x: { label: 'frame →', ticks: [1, 2, 3, 4, 5, 6, 7, 8], tickFormat: 'd', labelAnchor: 'right', labelOffset: 30 },
    marginBottom: 36,
    y: { label: along, grid: true },
    color: { domain: ['world', 'DiT'], range: [CHART_COLOURS.faint, CHART_COLOURS.noise], legend: true },
    marks: [
      Plot.ruleY([0], { stroke: CHART_COLOURS.muted }),
      Plot.line(data, { x: 'frame', y: 'd', z: (p: { source: string; seed: number }) => `${p.source}${p.seed}`, stroke: 'source', strokeWidth: 1.6 }),
      Plot.dot(data, { x: 'frame', y: 'd', fill: 'source', r: 2.2 }),
    ],
  });
}

@customElement('physics-figure')
export class PhysicsFigure extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    chapter7Styles,
    css`
      #physics-table td,
      #physics-table th {
        white-space: nowrap;
      }
      td.ok {
        color: #2a6f2a;
      }
      td.bad {
        color: #a33;
      }
    `,
  ];

  @property({ attribute: false }) state!: Chapter7State;
  @property({ attribute: false }) models!: ModelController;

  /** The clips measured so far (for tests: the chapter's results.physics). */
  @state() result: PhysicsResult | null = null;
  @state() private note = '';

  private readonly runs = new FigureRunController(this, {
    auto: 'off',
    key: () => (this.state ? cellKey(this.state, 'physics') : null),
    run: (key, current) => this.measureAll(key, current),
  });

  get cell(): LiveCell {
    return this.renderRoot.querySelector<LiveCell>('live-cell#physics')!;
  }

  /** Makes and measures the clips of the current state, unless done: resolves when the last is measured. */
  ensure(): Promise<unknown> {
    return this.runs.ensure();
  }

  private async submit(partial: Partial<Chapter7State>) {
    await applyFigureState(this, partial);
    void this.runs.retry();
  }

  private async measureAll(key: string, current: () => boolean) {
    const s = this.state;
    const parsed = parsePrompt(s.physicsPrompt);
    const phrase = parsed.phrases[0];
    if (!parsed.ok || parsed.phrases.length !== 1 || !phrase.motion) {
      this.note = `Ask for one object and its motion, e.g. “a red circle moving right”${parsed.problems.length ? ` (${parsed.problems.join('; ')})` : ''}.`;
      this.result = null;
      return;
    }
    this.note = '';
    const seeds = Array.from({ length: PHYSICS_SEEDS }, (_, k) => (s.physicsSeed + k) % 100_000);
    const world = seeds.map((seed) => worldRow(phrase, s.physicsPrompt, seed));
    const dit: (PhysicsRow | null)[] = seeds.map(() => null);
    this.result = { key, motion: phrase.motion, dit, world };
    await this.models.runTask(this.cell, async ({ request }) => {
      for (let k = 0; k < seeds.length; k++) {
        const clip = await request({ kind: 'generate', options: clipOptions(s, s.physicsPrompt, seeds[k]) });
        if (!current()) return;
        dit[k] = clip.verdict ? measure(clip.verdict, phrase, seeds[k]) : null;
        this.result = { ...this.result!, dit: [...dit] };
      }
    });
  }

  private chart(r: PhysicsResult): ChartSpec {
    return this.runs.memo('chart', JSON.stringify([r.key, r.dit.map((x) => x?.travelled ?? null)]), () => travelSpec(r));
  }

  /** One source's counts, in words (for the readout and the chart's text). */
  static summary(name: string, rows: readonly (PhysicsRow | null)[]): string {
    const made = rows.filter((r) => r).length;
    return `${name}: ${obeying(rows)} of ${made} obey the law; the judge passes ${passing(rows)}`;
  }

  render() {
    const s = this.state;
    const r = this.result?.key === cellKey(s, 'physics') ? this.result : null;
    const cellOf = (m: MotionLaw | null, part: 'permanent' | 'steady' | 'inRange', text: string) =>
      html`<td class=${m?.[part] ? 'ok' : 'bad'}>${text}</td>`;
    const row = (source: string, x: PhysicsRow | null, seed: number) =>
      x
        ? html`<tr data-source=${source} data-seed=${seed}>
            <th scope="row">${source} #${seed}</th>
            ${cellOf(x.law, 'permanent', x.law ? `${x.law.present.length} of ${x.law.frames}` : 'none')}
            ${cellOf(x.law, 'steady', x.law?.offPath != null ? `${x.law.offPath.toFixed(2)} px` : '—')}
            ${cellOf(x.law, 'inRange', x.law?.speed != null ? `${x.law.speed.toFixed(1)} px` : '—')}
            <td title=${x.law ? lawBroken(x.law) : 'no object of that colour'}>${x.law?.obeys ? '✓' : '✗'}</td>
            <td title=${x.reason}>${x.pass ? '✓' : '✗'}</td>
          </tr>`
        : html`<tr><th scope="row">${source} #${seed}</th><td class="muted" colspan="5">…</td></tr>`;
    return html`<live-cell id="physics" label="The world's law of motion, in the world's clips and the DiT's" streaming>
      <div class="controls">
        <prompt-field
          class="wide"
          label="One object and its motion"
          .value=${s.physicsPrompt}
          submit-label="Make and measure 8 clips"
          judge-note
          @prompt-submit=${(e: CustomEvent<PromptDetail>) => this.submit({ physicsPrompt: e.detail.value })}
        ></prompt-field>
        <labelled-slider
          label="First seed"
          min="0"
          max="99999"
          number-box
          .value=${s.physicsSeed}
          .format=${(v: number) => `#${v}`}
          @value-input=${(e: CustomEvent<{ value: number }>) => setFigureState<Chapter7State>(this, { physicsSeed: e.detail.value })}
        ></labelled-slider>
      </div>
      ${this.note ? html`<p class="notice" role="status">${this.note}</p>` : nothing}
      ${r
        ? html`<p class="readout" role="status" id="physics-summary">
              ${PhysicsFigure.summary('The world', r.world)}. ${PhysicsFigure.summary('The DiT', r.dit)}.
            </p>
            <plot-chart
              id="physics-chart"
              .spec=${this.chart(r)}
              alt=${`Distance travelled frame by frame, the world's ${r.world.length} clips against the DiT's. ${PhysicsFigure.summary('The world', r.world)}. ${PhysicsFigure.summary('The DiT', r.dit)}.`}
            ></plot-chart>
            <div class="scroll">
              <table id="physics-table">
                <caption class="muted" style="caption-side: bottom; text-align: left; padding-top: 0.3rem">
                  The law: there in every frame, within ${LAW.maxOffPath} px of a constant-velocity path (RMS), at ${LAW.speed[0]}–${LAW.speed[1]} px a frame.
                  A mark's tooltip says what broke it, or why the judge failed the clip.
                </caption>
                <thead>
                  <tr><th scope="col">Clip</th><th scope="col">Frames with it</th><th scope="col">Off the path</th><th scope="col">Speed</th><th scope="col">Obeys</th><th scope="col">Judge</th></tr>
                </thead>
                <tbody>
                  ${r.world.map((x, k) => [row('world', x, x.seed), row('DiT', r.dit[k], x.seed)])}
                </tbody>
              </table>
            </div>`
        : html`<p class="muted">Press the button: the DiT makes ${PHYSICS_SEEDS} clips (seeds #${s.physicsSeed} on), the world its own ${PHYSICS_SEEDS} of the same caption, and both are measured.</p>`}
    </live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'physics-figure': PhysicsFigure;
  }
}
