// <duel-figure>: one prompt, one seed, two denoisers stepping together. The
// same sampler steps through the latent U-Net and the DiT on an image
// (pipeline/lessons/denoiser-duel.ts: one model call at a time, both x̂₀
// decoded every step), each step timed, parameters and FLOPs from the
// manifest, the judge on both, and how alike the two samples came out. It runs
// the first time it is seen, and on Run, Next seed, Enter in the prompt or
// Shift+Enter anywhere in it.
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../../components/widgets/choice-picker';
import '../../components/widgets/cost-table';
import '../../components/widgets/labelled-slider';
import '../../components/shell/live-cell';
import '../../components/widgets/pixel-view';
import '../../components/widgets/prompt-with-examples';
import '../../components/widgets/seed-control';
import '../../components/widgets/step-strip';
import type { CostRow } from '../../components/widgets/cost-table';
import { formatCount } from '../../components/widgets/cost-table';
import { FigureRunController } from '../../components/figure/figure-run-controller';
import { applyFigureState, setFigureState } from '../../components/figure/figure-state';
import { QueueSeat, type RunQueue } from '../../components/figure/run-queue';
import { asksToRun, missingModels, runButton, scrubSlider, staleNotice } from '../../components/figure/sampling';
import type { LiveCell } from '../../components/shell/live-cell';
import type { ModelController } from '../../components/controllers/model-controller';
import type { PromptChange } from '../../components/widgets/prompt-with-examples';
import type { SeedDetail } from '../../components/widgets/seed-control';
import type { StripColumn } from '../../components/widgets/step-strip';
import { controls, layout, prose, verdicts } from '../../components/styles';
import { controlGrid, sampling } from '../../components/styles/sampling';
import { pictureDifference, sampleSideBySide, type DuelResult } from '../../pipeline/lessons/denoiser-duel';
import { shownStep, stripSteps } from '../../pipeline/lessons/trajectory';
import type { Manifest } from '../../pipeline/runtime/manifest';
import { median } from '../../pipeline/step-timing';
import { parsePrompt } from '../../pipeline/world/caption';
import type { Verdict } from '../../pipeline/world/judge';
import { describeReading } from '../../pipeline/world/read-frames';
import { chapter5Styles, DIT, DUEL_MODELS, DUEL_NEEDS, DUEL_PARAMS, duelSettings, fmt, LABEL, missingNotice, msText, pct, sameDuel, UNET, type Chapter5State, type DuelSettings } from './state';

const EXAMPLE_IMAGES = ['a green triangle', 'a yellow circle in the bottom right', 'a big red circle in the top left', 'a small purple square', 'a red square and a green circle'];

interface StepView {
  step: number;
  timestep: number;
  ms: number;
  preview: Uint8Array | null;
}

export interface DuelRun {
  serial: number;
  settings: DuelSettings;
  of: number;
  steps: Record<string, StepView[]>;
  result: DuelResult | null;
  running: boolean;
}

/** The judge's line under a denoiser's sample. */
function verdictLine(prompt: string, v: Verdict | null, id: string) {
  const parsed = parsePrompt(prompt);
  if (!v || !parsed.ok) {
    return html`<p class="verdict none" id=${id}>The judge cannot read this prompt${v ? html`; it sees ${describeReading(v.reading)}` : nothing}.</p>`;
  }
  return html`<p class="verdict ${v.pass ? 'pass' : 'fail'}" id=${id} data-pass=${v.pass ? 'true' : 'false'}>
    <strong>${v.pass ? 'PASS' : 'FAIL'}</strong> — ${v.pass ? describeReading(v.reading) : v.reasons.join('; ')}
  </p>`;
}

@customElement('duel-figure')
export class DuelFigure extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    verdicts,
    controlGrid,
    sampling,
    chapter5Styles,
    css`
      .sides {
        display: grid;
        grid-template-columns: repeat(2, minmax(0, 15rem));
        gap: 1rem 2rem;
        margin: 1rem 0 0.75rem;
      }
      @media (max-width: 30rem) {
        .sides {
          gap: 0.75rem;
        }
      }
      .side h4 {
        margin: 0 0 0.35rem;
        font-size: 1rem;
      }
      .side h4 .sub {
        display: block;
        font-weight: 400;
        font-size: 0.8rem;
        color: var(--muted);
      }
      .side pixel-view {
        --pixel-view-size: 100%;
        display: block;
      }
      .side .caption {
        font-size: 0.85rem;
        margin: 0.3rem 0 0;
        font-variant-numeric: tabular-nums;
      }
      .verdict {
        margin: 0.4rem 0 0;
        padding: 0.3rem 0.5rem;
        border-radius: 0.3rem;
        font-size: 0.85rem;
        line-height: 1.35;
        overflow-wrap: anywhere;
        max-width: none;
      }
      .strip {
        max-width: 44rem;
        margin: 0.5rem 0;
      }
      cost-table {
        margin: 0.9rem 0 0.3rem;
        max-width: 44rem;
      }
    `,
  ];

  @property({ attribute: false }) state!: Chapter5State;
  @property({ attribute: false }) models!: ModelController;
  @property({ attribute: false }) manifest: Manifest | null = null;
  /** The chapter's figures that run by themselves: this one never waits, but the others wait while it runs. */
  @property({ attribute: false }) queue: RunQueue | null = null;

  /** The run shown (the newest). */
  duel: DuelRun | null = null;
  /** Its seat in the chapter's queue. */
  readonly seat = new QueueSeat(this, 'duel', () => !!this.duel?.running);
  private readonly runs = new FigureRunController(this, {
    auto: 'once',
    rootMargin: '200px 0px',
    staysInView: true,
    key: () => (this.state && this.manifest && !missingModels(this.manifest, DUEL_NEEDS).length ? JSON.stringify(duelSettings(this.state)) : null),
    run: () => this.runDuel(),
  });

  /** Runs the current settings unless that run has started: resolves when it ends. */
  ensure(): Promise<unknown> {
    return this.runs.ensure();
  }

  /** Runs the current settings now (a new run, keeping the step looked at). */
  start(): Promise<unknown> {
    return this.runs.retry();
  }

  /** Whether the figure shows (or is making) a run of `s`'s settings. */
  shows(s: Chapter5State): boolean {
    const d = this.duel;
    return !!d && sameDuel(d.settings, duelSettings(s)) && (d.running || !!d.result);
  }

  /** What the figure shows for the chapter's state `s`, for tests. */
  snapshot(s: Chapter5State) {
    const d = this.duel;
    if (!d) return null;
    const k = this.shown(s);
    return {
      serial: d.serial,
      settings: d.settings,
      running: d.running,
      of: d.of,
      shown: k,
      steps: Object.fromEntries(DUEL_MODELS.map((m) => [m, d.steps[m].filter(Boolean).length])),
      previews: Object.fromEntries(DUEL_MODELS.map((m) => [m, d.steps[m][k - 1]?.preview ?? null])),
      stepMs: Object.fromEntries(DUEL_MODELS.map((m) => [m, d.steps[m].map((x) => x?.ms ?? NaN)])),
      entries: d.result?.entries.map((e) => ({ model: e.model, frames: e.frames, pass: e.verdict.pass, stepMs: e.sample.stepMs })) ?? null,
      stale: !sameDuel(d.settings, duelSettings(s)),
    };
  }

  /** Parameters and FLOPs from the manifest, and this run's median step time, for each denoiser. */
  costRows(s: Chapter5State): CostRow[] {
    const manifest = this.manifest;
    const d = this.duel;
    const guidance = d?.settings.guidance ?? s.guidance;
    const batch = guidance === 0 || guidance === 1 ? 1 : 2;
    return DUEL_MODELS.map((m) => {
      const e = manifest?.models[m];
      const times = d?.result?.entries.find((x) => x.model === m)?.sample.stepMs ?? d?.steps[m].filter(Boolean).map((x) => x.ms) ?? [];
      // the manifest counts FLOPs at a batch of 2 (one guided step) of one 8 × 8 frame
      const flops = typeof e?.flops === 'number' ? (e.flops * batch) / 2 : undefined;
      return {
        label: LABEL[m],
        detail: e ? `${m} · batch ${batch}` : `${m} · not trained yet`,
        params: typeof e?.params === 'number' ? e.params : undefined,
        flops,
        ...(times.length ? { ms: median(times), times } : {}),
      };
    });
  }

  private cell(): LiveCell | null {
    return this.renderRoot.querySelector<LiveCell>('live-cell#duel');
  }

  private set(partial: Partial<Chapter5State>) {
    setFigureState(this, partial);
  }

  /** Run, Enter, Shift+Enter: a new run of the current settings, looking at its last step. */
  private runNow() {
    this.set({ step: 100 });
    void this.start();
  }

  private async nextSeed(seed: number) {
    await applyFigureState<Chapter5State>(this, { seed, step: 100 });
    await this.start();
  }

  private async runDuel(): Promise<void> {
    const cell = this.cell();
    if (!cell || !this.manifest || missingModels(this.manifest, DUEL_NEEDS).length) return;
    const settings = duelSettings(this.state);
    const run: DuelRun = {
      serial: (this.duel?.serial ?? 0) + 1,
      settings,
      of: settings.steps,
      steps: Object.fromEntries(DUEL_MODELS.map((m) => [m, []])),
      result: null,
      running: true,
    };
    this.duel = run;
    this.requestUpdate();
    const result = await this.models.runTask(cell, ({ runner, signal }) =>
      sampleSideBySide(runner, { ...settings, eta: 0, frames: 1, models: DUEL_MODELS, previewEvery: 1 }, {
        signal,
        onStep: (x) => {
          if (this.duel !== run) return;
          run.steps[x.model][x.step - 1] = { step: x.step, timestep: x.timestep, ms: x.ms, preview: x.preview?.frames ?? null };
          run.of = x.of;
          this.requestUpdate();
        },
      }),
    );
    if (this.duel !== run) return;
    run.running = false;
    run.result = result ?? null;
    this.requestUpdate();
  }

  /** The step both sides show: the newest while the run goes, else the state's (within the run). */
  private shown(s: Chapter5State): number {
    const d = this.duel;
    if (!d) return 0;
    const done = Math.min(...DUEL_MODELS.map((m) => d.steps[m].length));
    if (d.running) return done;
    return shownStep(s.step, done);
  }

  private onKey(e: KeyboardEvent) {
    if (!asksToRun(e)) return;
    e.preventDefault();
    this.runNow();
  }

  private renderControls() {
    const s = this.state;
    const parsed = parsePrompt(s.prompt);
    const moving = parsed.phrases.some((p) => p.motion);
    return html`
      <div class="controls">
        <prompt-with-examples
          class="wide"
          label="Prompt (an image)"
          input-id="prompt"
          .value=${s.prompt}
          .examples=${EXAMPLE_IMAGES}
          hint="Enter runs it; Shift+Enter runs it from any control here."
          @prompt-change=${(e: CustomEvent<PromptChange>) => this.set({ prompt: e.detail.value })}
        ></prompt-with-examples>
        ${moving ? html`<p class="notice wide" role="status" id="prompt-note">A single frame cannot move: the comparison is on images, so say where the object is, not how it moves.</p>` : nothing}
        <choice-picker
          label="Sampler"
          .options=${[
            { value: 'ddim', label: 'DDIM', description: 'deterministic: the seed decides the picture' },
            { value: 'ddpm', label: 'DDPM', description: 'fresh noise at every step' },
          ]}
          .value=${s.sampler}
          @choice-change=${(e: CustomEvent<{ value: string }>) => this.set({ sampler: e.detail.value as Chapter5State['sampler'] })}
        ></choice-picker>
        <labelled-slider label="Steps" min="1" max="100" number-box .value=${s.steps} .format=${(v: number) => `${v} step${v > 1 ? 's' : ''}`}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.set({ steps: e.detail.value })}></labelled-slider>
        <labelled-slider label="Guidance scale s" min="0" max="15" step="0.5" .value=${s.guidance} .format=${(v: number) => `s = ${v}`}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.set({ guidance: e.detail.value })}></labelled-slider>
        <seed-control live basis="11rem" .value=${s.seed} .format=${(v: number) => `#${v}`} next="Next seed" button-id="next-seed"
          @seed-change=${(e: CustomEvent<SeedDetail>) => (e.detail.source === 'button' ? void this.nextSeed(e.detail.value) : this.set({ seed: e.detail.value }))}></seed-control>
      </div>
    `;
  }

  private renderRun() {
    const d = this.duel;
    const s = this.state;
    const k = this.shown(s);
    const stale = d && !d.running && !sameDuel(d.settings, duelSettings(s));
    let status: TemplateResult | string = 'Press Run to sample with both.';
    if (d?.running) status = k ? `Step ${k} of ${d.of}, both denoisers…` : 'Starting: the prompt through the text encoder…';
    else if (d?.result) status = `${d.of} steps each, stepping together; x̂₀ of both decoded at every step.`;
    else if (d) status = 'This run did not finish.';
    const columns: StripColumn[] = d
      ? stripSteps(d.of, 8).map((step) => ({
          step,
          timestep: d.steps[DIT][step - 1]?.timestep ?? d.steps[UNET][step - 1]?.timestep ?? 0,
          frames: DUEL_MODELS.map((m) => d.steps[m][step - 1]?.preview ?? null),
        }))
      : [];
    const done = !!d && !d.running && k === d.of && !!d.result;
    return html`
      <div class="row">
        ${runButton(!!d?.running, () => this.runNow())}
        <p class="status" id="duel-status" data-state=${d?.running ? 'running' : d?.result ? 'done' : 'idle'}>${status}</p>
      </div>
      ${stale ? staleNotice('duel-stale') : nothing}
      ${d
        ? html`<div class="sides">
              ${DUEL_MODELS.map((m) => {
                const st = d.steps[m][k - 1];
                const entry = d.result?.entries.find((e) => e.model === m);
                const p = this.manifest?.models[m]?.params;
                return html`<figure class="side" data-model=${m} style="margin: 0">
                  <h4>${LABEL[m]}<span class="sub">${m}${typeof p === 'number' ? `, ${formatCount(p)} parameters` : ''}</span></h4>
                  <pixel-view id="${m}-x0" .rgb=${st?.preview ?? null}
                    alt=${st ? `${LABEL[m]}: x̂₀ at step ${k} of ${d.of}, t = ${st.timestep}${done && entry ? `: the sample; the judge reads ${describeReading(entry.verdict.reading)}` : ''}` : `${LABEL[m]}: nothing yet`}></pixel-view>
                  <p class="caption">${st ? html`x̂<sub>0</sub> at step ${k} of ${d.of} (t = ${st.timestep}) · this step ${msText(st.ms)}` : 'waiting…'}</p>
                  ${entry ? verdictLine(d.settings.prompt, entry.verdict, `${m}-verdict`) : nothing}
                </figure>`;
              })}
            </div>
            ${this.renderLikeness()}
            <div class="strip">
              <step-strip .columns=${columns} .rows=${DUEL_MODELS.map((m) => LABEL[m])} .selected=${k}
                @step-select=${(e: CustomEvent<{ step: number }>) => !d.running && this.set({ step: e.detail.step })}></step-strip>
            </div>
            ${scrubSlider({ of: d.of, shown: k, running: d.running, timestepAt: (v) => d.steps[DIT][v - 1]?.timestep, onStep: (step) => this.set({ step }) })}`
        : nothing}
      <cost-table .rows=${this.costRows(s)} caption="A step of each: parameters and FLOPs from its ONNX graph, the time measured here (median of this run’s steps)"></cost-table>
      ${this.renderCostReadout()}
    `;
  }

  /** How alike the two samples are, once both are made. */
  private renderLikeness() {
    const entries = this.duel?.result?.entries;
    if (!entries || entries.length !== 2) return nothing;
    const d = pictureDifference(entries[0].frames, entries[1].frames);
    return html`<p class="readout" id="duel-likeness" data-mean=${d.meanAbs}>
      The two samples differ by <strong>${fmt(d.meanAbs, 1)}</strong> levels of 255 on average; ${pct(d.farShare)} of their pixels differ by more
      than 32 levels in some colour.
    </p>`;
  }

  private renderCostReadout() {
    const [u, t] = this.costRows(this.state);
    if (u.params === undefined || t.params === undefined || !u.flops || !t.flops) return nothing;
    const times = (a: number, b: number) => `${fmt(a / b, a / b >= 10 ? 0 : a / b >= 1 ? 1 : 2)} ×`;
    return html`<p class="readout" id="cost-readout">
      Against the U-Net, the DiT has ${times(t.params, u.params)} the parameters and ${times(t.flops, u.flops)} the FLOPs a step.
      ${u.ms !== undefined && t.ms !== undefined ? html`Here a DiT step took ${msText(t.ms)} and a U-Net step ${msText(u.ms)}.` : nothing}
    </p>`;
  }

  render() {
    const lacking = missingModels(this.manifest, DUEL_NEEDS).length > 0;
    return html`<live-cell
      id="duel"
      label="One prompt, one seed, two denoisers, stepping together"
      streaming
      .params=${DUEL_PARAMS}
      @cell-retry=${() => queueMicrotask(() => void this.start())}
    >
      <div @keydown=${this.onKey}>
        ${missingNotice(this.manifest, DUEL_NEEDS, 'The side by side')} ${this.renderControls()}
        ${lacking ? html`<cost-table .rows=${this.costRows(this.state)} caption="A step of each: parameters and FLOPs from its ONNX graph"></cost-table>` : this.renderRun()}
      </div>
    </live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'duel-figure': DuelFigure;
  }
}
