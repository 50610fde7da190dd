// <race-figure>: one seed proves little. On the reader's button the settings of
// the side by side go through both denoisers for 16 seeds in turn, every
// sample judged, and the race charts keep score (pass rate with its interval,
// seconds spent); Stop stops it where it is.
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../../components/shell/live-cell';
import '../../components/widgets/race-charts';
import { FigureRunController } from '../../components/figure/figure-run-controller';
import { missingModels } from '../../components/figure/sampling';
import type { LiveCell } from '../../components/shell/live-cell';
import type { ModelController } from '../../components/controllers/model-controller';
import type { RaceEntry } from '../../components/widgets/race-charts';
import { controls, layout, prose } from '../../components/styles';
import { sampling } from '../../components/styles/sampling';
import { raceSeeds } from '../../pipeline/lessons/denoiser-duel';
import type { Manifest } from '../../pipeline/runtime/manifest';
import { parsePrompt } from '../../pipeline/world/caption';
import { chapter5Styles, DUEL_MODELS, DUEL_NEEDS, duelSettings, missingNotice, RACE_LENGTH, RACE_MODELS, RACE_PARAMS, sameDuel, type Chapter5State, type DuelSettings } from './state';

export interface RaceRun {
  settings: DuelSettings;
  seeds: number[];
  samples: RaceEntry[];
  running: boolean;
  stopped: boolean;
}

@customElement('race-figure')
export class RaceFigure extends LitElement {
  static styles = [prose, controls, layout, sampling, chapter5Styles];

  @property({ attribute: false }) state!: Chapter5State;
  @property({ attribute: false }) models!: ModelController;
  @property({ attribute: false }) manifest: Manifest | null = null;

  /** The race shown (the newest). */
  race: RaceRun | null = null;
  private readonly runs = new FigureRunController(this, {
    auto: 'off',
    key: () => (this.state && this.manifest && !missingModels(this.manifest, DUEL_NEEDS).length ? JSON.stringify(duelSettings(this.state)) : null),
    run: () => this.runRace(),
  });

  /** Races the current settings unless that race has started: resolves when it ends. */
  ensure(): Promise<unknown> {
    return this.runs.ensure();
  }

  /** Races the current settings now (the button; a try-this after the side by side). */
  start(): Promise<unknown> {
    return this.runs.retry();
  }

  private cell(): LiveCell | null {
    return this.renderRoot.querySelector<LiveCell>('live-cell#race');
  }

  private async runRace(): Promise<void> {
    const cell = this.cell();
    if (!cell || !this.manifest || missingModels(this.manifest, DUEL_NEEDS).length) return;
    const settings = duelSettings(this.state);
    const run: RaceRun = { settings, seeds: raceSeeds(settings.seed, RACE_LENGTH), samples: [], running: true, stopped: false };
    this.race = run;
    this.requestUpdate();
    await this.models.runTask(cell, async ({ request }) => {
      for (const seed of run.seeds) {
        for (const model of DUEL_MODELS) {
          const clip = await request({ kind: 'generate', options: { prompt: settings.prompt, model, seed, sampler: settings.sampler, steps: settings.steps, guidance: settings.guidance, frames: 1 } });
          if (this.race !== run || !run.running) return;
          run.samples = [...run.samples, { model, seed, pass: !!clip.verdict?.pass, ms: clip.sample.stepMs.reduce((s, v) => s + v, 0), frames: clip.frames }];
          this.requestUpdate();
        }
      }
    });
    if (this.race !== run) return;
    run.running = false;
    this.requestUpdate();
  }

  /** Stops the race where it is (the worker stops the sample under way at its next step). */
  stop() {
    const run = this.race, cell = this.cell();
    if (!run?.running || !cell) return;
    run.running = false;
    run.stopped = true;
    void cell.run(async () => undefined); // a newer run in the cell cancels the race's jobs
    this.requestUpdate();
  }

  private renderRace() {
    const r = this.race;
    const s = this.state;
    const judgeable = parsePrompt(s.prompt).ok;
    const settings = duelSettings(s);
    const stale = r && !r.running && !sameDuel(r.settings, settings);
    return html`
      <div class="row">
        <button type="button" class="run" id="race-start" ?disabled=${!judgeable} @click=${() => void this.start()}>${r?.running ? 'Restart the race' : r ? 'Race again' : 'Start the race'}</button>
        <button type="button" id="race-stop" ?disabled=${!r?.running} @click=${() => this.stop()}>Stop</button>
        <p class="status" id="race-status" data-state=${r?.running ? 'running' : r ? (r.stopped ? 'stopped' : 'done') : 'idle'}>
          ${r
            ? html`“${r.settings.prompt}”, ${r.settings.sampler.toUpperCase()}, ${r.settings.steps} steps, guidance ${r.settings.guidance}, seeds ${r.seeds[0]}–${r.seeds[r.seeds.length - 1]}:
                ${r.running ? `${r.samples.length} of ${r.seeds.length * DUEL_MODELS.length} samples…` : r.stopped ? `stopped after ${r.samples.length} samples.` : 'done.'}`
            : html`The settings of the cell above, over seeds ${settings.seed}–${(settings.seed + RACE_LENGTH - 1) % 100_000}: ${RACE_LENGTH * DUEL_MODELS.length} samples.`}
        </p>
      </div>
      ${!judgeable ? html`<p class="notice" role="status" id="race-unjudged">The judge cannot read “${s.prompt}”, so a race would have no winner: pick a prompt in the world’s grammar above.</p>` : nothing}
      ${stale ? html`<p class="notice" role="status" id="race-stale">The settings above changed since this race: start it again to race them.</p>` : nothing}
      ${r ? html`<race-charts .models=${RACE_MODELS} .seeds=${r.seeds} .samples=${r.samples}></race-charts>` : nothing}
    `;
  }

  render() {
    return html`<live-cell
      id="race"
      label="The race: 16 seeds, both denoisers, every sample judged"
      streaming
      .params=${RACE_PARAMS}
      @cell-retry=${() => queueMicrotask(() => void this.start())}
    >
      ${missingNotice(this.manifest, DUEL_NEEDS, 'The race')} ${missingModels(this.manifest, DUEL_NEEDS).length ? nothing : this.renderRace()}
    </live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'race-figure': RaceFigure;
  }
}
