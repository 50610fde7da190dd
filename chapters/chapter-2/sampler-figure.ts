// <sampler-figure>: the DiT samples from the reader's prompt, seed, sampler
// (DDIM with η, or DDPM), steps, guidance and frames; every step's x_t and x̂₀
// are decoded as the run goes, and once it ends the reader scrubs it (the step
// on the schedule, x_t, ε̂ and x̂₀ as latent channels), sees the sample, the
// judge's verdict and the `npm run generate` command that makes the same
// pixels (both drawn by run-views.ts). It runs the first time it is seen, and
// on Run, Enter in the prompt or Shift+Enter anywhere in it.
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../../components/widgets/choice-picker';
import '../../components/widgets/labelled-slider';
import '../../components/shell/live-cell';
import '../../components/widgets/prompt-with-examples';
import '../../components/widgets/seed-control';
import { FigureRunController } from '../../components/figure/figure-run-controller';
import { setFigureState } from '../../components/figure/figure-state';
import { QueueSeat, type RunQueue } from '../../components/figure/run-queue';
import { asksToRun, missingModels, runButton, staleNotice } from '../../components/figure/sampling';
import type { LiveCell } from '../../components/shell/live-cell';
import type { ModelController } from '../../components/controllers/model-controller';
import type { PromptChange } from '../../components/widgets/prompt-with-examples';
import type { SeedDetail } from '../../components/widgets/seed-control';
import { controls, layout, prose, verdicts } from '../../components/styles';
import { controlGrid, sampling } from '../../components/styles/sampling';
import type { Manifest } from '../../pipeline/runtime/manifest';
import type { GeneratedClip } from '../../pipeline/text-to-video/clip';
import { shownStep, trajectoryStep, type TrajectoryStep } from '../../pipeline/lessons/trajectory';
import { parsePrompt } from '../../pipeline/world/caption';
import { chapter2Styles, ditAlphas, EXAMPLE_PROMPTS, median, missingNotice, MODEL, runKey, runSettings, SAMPLE_MODELS, sameRun, seconds, type Chapter2State, type RunSettings } from './state';
import { resultView, runViewStyles, trajectoryView } from './run-views';

export interface SampleRun {
  /** Counts runs, for whoever waits for the next one. */
  serial: number;
  settings: RunSettings;
  steps: TrajectoryStep[];
  of: number;
  result: GeneratedClip | null;
  running: boolean;
}

/** The step the figure shows, and its timestep (for the error figure's marker). */
export interface StepShown {
  step: number;
  timestep: number;
}

@customElement('sampler-figure')
export class SamplerFigure extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    verdicts,
    controlGrid,
    sampling,
    chapter2Styles,
    runViewStyles,
    css`
      .sr {
        position: absolute;
        width: 1px;
        height: 1px;
        overflow: hidden;
        clip-path: inset(50%);
        white-space: nowrap;
      }
    `,
  ];

  @property({ attribute: false }) state!: Chapter2State;
  @property({ attribute: false }) models!: ModelController;
  @property({ attribute: false }) manifest: Manifest | null = null;
  /** The chapter's figures that run by themselves: this one never waits, but the others wait while it runs. */
  @property({ attribute: false }) queue: RunQueue | null = null;

  /** The run shown (the newest). */
  run: SampleRun | null = null;
  /** The frame of a clip the trajectory shows. */
  private viewFrame = 0;
  private lastShown = '';
  /** Its seat in the chapter's queue: the others wait while it runs. */
  readonly seat = new QueueSeat(this, 'sampler', () => !!this.run?.running);
  private readonly runs = new FigureRunController(this, {
    auto: 'once',
    rootMargin: '200px 0px',
    staysInView: true,
    key: () => (this.state && ditAlphas(this.manifest) && !missingModels(this.manifest, SAMPLE_MODELS).length ? runKey(runSettings(this.state)) : null),
    run: () => this.sample(),
  });

  /** Samples the current settings unless that run has started: resolves when it ends. */
  ensure(): Promise<unknown> {
    return this.runs.ensure();
  }

  /** Samples the current settings now (a new run, keeping the step looked at). */
  start(): Promise<unknown> {
    return this.runs.retry();
  }

  /** What the figure shows for the chapter's state `s`, for tests. */
  snapshot(s: Chapter2State) {
    const r = this.run;
    const k = r ? this.shown(s) : 0;
    const st = r && k ? r.steps[k - 1] : undefined;
    return {
      run: r ? { serial: r.serial, settings: r.settings, running: r.running, stepsDone: r.steps.filter(Boolean).length, of: r.of, shown: k, timestep: st?.timestep ?? null, stale: !sameRun(r.settings, runSettings(s)) } : null,
      final: r?.result ? { frames: r.result.frames, numFrames: r.result.numFrames, verdict: r.result.verdict, timesteps: r.result.sample.timesteps } : null,
      step: st ? { xt: st.xt, epsHat: st.epsHat, x0Hat: st.x0Hat, xtFrames: st.xtFrames, x0Frames: st.x0Frames, alphaBar: st.alphaBar } : null,
    };
  }

  private cell(): LiveCell | null {
    return this.renderRoot.querySelector<LiveCell>('live-cell#sampler');
  }

  private set(partial: Partial<Chapter2State>) {
    setFigureState(this, partial);
  }

  /** Run, Enter, Shift+Enter: a new run of the current settings, looking at its last step. */
  private runNow() {
    this.set({ step: 100 });
    void this.start();
  }

  protected updated() {
    // the step shown, for the error figure's marker
    const k = this.shown(this.state);
    const st = this.run && k ? this.run.steps[k - 1] : undefined;
    const shown: StepShown | null = st ? { step: k, timestep: st.timestep } : null;
    const key = shown ? `${shown.step}|${shown.timestep}` : '';
    if (key !== this.lastShown) {
      this.lastShown = key;
      this.dispatchEvent(new CustomEvent<StepShown | null>('step-shown', { detail: shown, bubbles: true, composed: true }));
    }
  }

  /** Samples with the current settings: the x_t and x̂₀ of every step are decoded as the run goes. */
  private async sample(): Promise<void> {
    const cell = this.cell();
    const abar = ditAlphas(this.manifest)?.abar;
    if (!cell || !abar || missingModels(this.manifest, SAMPLE_MODELS).length) return;
    const settings = runSettings(this.state);
    const run: SampleRun = { serial: (this.run?.serial ?? 0) + 1, settings, steps: [], of: settings.steps, result: null, running: true };
    this.run = run;
    this.viewFrame = Math.min(this.viewFrame, settings.frames - 1);
    this.requestUpdate();
    const result = await this.models.run(
      cell,
      {
        kind: 'generate',
        options: { ...settings, model: MODEL, capture: { predEpsilon: true, input: true } },
        preview: { every: 1, input: true },
      },
      {
        onProgress: (p) => {
          if (p.kind !== 'step' || this.run !== run) return;
          const st = trajectoryStep(p, abar[p.timestep]);
          if (st) run.steps[st.step - 1] = st;
          run.of = p.of;
          this.requestUpdate();
        },
      },
    );
    if (this.run !== run) return; // a newer run owns the figure
    run.running = false;
    run.result = result ?? null;
    this.requestUpdate();
  }

  /** Enter in the prompt box, or Shift+Enter anywhere in the cell, runs it (as in a notebook). */
  private onKey(e: KeyboardEvent) {
    if (!asksToRun(e)) return;
    e.preventDefault();
    this.runNow();
  }

  /** The step shown: the newest while a run goes, else the state's (clamped to the run). */
  private shown(s: Chapter2State): number {
    const r = this.run;
    if (!r) return 0;
    const done = r.steps.length;
    if (r.running) return done;
    return shownStep(s.step, done);
  }

  private renderControls() {
    const s = this.state;
    const parsed = parsePrompt(s.prompt);
    const image = s.frames === '1';
    const hasPosition = parsed.phrases.some((p) => p.position);
    const hasMotion = parsed.phrases.some((p) => p.motion);
    const note = !s.prompt.trim()
      ? 'No prompt: both halves of guidance see the empty prompt, so the model samples anything from its world, and the guidance scale changes nothing.'
      : !image && hasPosition
        ? 'The world states a position only for images: for a clip, say how it moves (“a red circle moving right”).'
        : image && hasMotion
          ? 'A single frame cannot move: for a motion, make an 8-frame clip.'
          : !parsed.ok
            ? `The judge cannot read this prompt (${parsed.problems.join('; ')}); the model still gets its words.`
            : '';
    return html`
      <div class="controls">
        <prompt-with-examples
          class="wide"
          label="Prompt"
          input-id="prompt"
          examples-id="examples"
          .value=${s.prompt}
          .examples=${EXAMPLE_PROMPTS}
          hint="Enter runs it; Shift+Enter runs it from any control here."
          @prompt-change=${(e: CustomEvent<PromptChange>) => {
            const v = e.detail.value;
            this.set(e.detail.example ? { prompt: v, frames: / moving | staying still/.test(v) ? '8' : '1' } : { prompt: v });
          }}
          >${note ? html`<p class="notice" role="status" id="prompt-note">${note}</p>` : nothing}</prompt-with-examples
        >
        <choice-picker
          label="Sampler"
          .options=${[
            { value: 'ddim', label: 'DDIM', description: 'Song et al.: deterministic when η is 0' },
            { value: 'ddpm', label: 'DDPM', description: 'Ho et al.: fresh noise at every step' },
          ]}
          .value=${s.sampler}
          @choice-change=${(e: CustomEvent<{ value: string }>) => this.set({ sampler: e.detail.value as Chapter2State['sampler'] })}
        ></choice-picker>
        <labelled-slider
          label="DDIM’s η"
          min="0"
          max="1"
          step="0.1"
          .value=${s.eta}
          ?disabled=${s.sampler !== 'ddim'}
          .format=${(v: number) => (s.sampler === 'ddim' ? `η = ${v.toFixed(1)}${v === 0 ? ', no noise' : v === 1 ? ', as much as DDPM' : ''}` : 'DDPM ignores η')}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.set({ eta: e.detail.value })}
        ></labelled-slider>
        <labelled-slider
          label="Steps"
          min="1"
          max="100"
          number-box
          .value=${s.steps}
          .format=${(v: number) => `${v} step${v > 1 ? 's' : ''}`}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.set({ steps: e.detail.value })}
        ></labelled-slider>
        <labelled-slider
          label="Guidance scale s"
          min="0"
          max="15"
          step="0.5"
          .value=${s.guidance}
          .format=${(v: number) => `s = ${v}${v === 0 ? ', the empty prompt only' : v === 1 ? ', the prompt, unguided' : ''}`}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.set({ guidance: e.detail.value })}
        ></labelled-slider>
        <seed-control
          live
          .value=${s.seed}
          .format=${(v: number) => `#${v}`}
          next="Next seed"
          button-id="new-seed"
          @seed-change=${(e: CustomEvent<SeedDetail>) => this.set({ seed: e.detail.value })}
        ></seed-control>
        <choice-picker
          label="Make"
          .options=${[
            { value: '1', label: 'An image', description: 'one frame' },
            { value: '8', label: 'A clip', description: 'eight frames' },
          ]}
          .value=${s.frames}
          @choice-change=${(e: CustomEvent<{ value: string }>) => this.set({ frames: e.detail.value as Chapter2State['frames'] })}
        ></choice-picker>
      </div>
    `;
  }

  private renderStatus() {
    const r = this.run;
    const now = runSettings(this.state);
    let text: TemplateResult | string = 'Press Run to sample.';
    if (r?.running) {
      const done = r.steps.length;
      text = done ? `Step ${done} of ${r.of}: t = ${r.steps[done - 1]?.timestep}…` : 'Starting: the prompt through the text encoder…';
    } else if (r?.result) {
      const ms = r.result.sample.stepMs;
      text = html`${r.of} step${r.of > 1 ? 's' : ''} in ${seconds(r.result.timings.total)}: the DiT ${seconds(median(ms))} a step, each x<sub>t</sub> and x̂<sub>0</sub> decoded as it went.`;
    } else if (r) {
      text = 'This run did not finish.';
    }
    const stale = r && !r.running && !sameRun(r.settings, now);
    return html`
      <div class="row">
        ${runButton(!!r?.running, () => this.runNow())}
        <p class="status" id="status" data-state=${r?.running ? 'running' : r?.result ? 'done' : 'idle'}>${text}</p>
        <span class="sr" role="status">${r?.running ? 'Sampling…' : r?.result ? `Done: ${r.of} steps. ${r.result.verdict && parsePrompt(r.result.prompt).ok ? (r.result.verdict.pass ? 'The judge: pass.' : 'The judge: fail.') : ''}` : ''}</span>
      </div>
      ${stale ? staleNotice('stale') : nothing}
    `;
  }

  private renderTrajectory() {
    const r = this.run;
    if (!r || !r.steps.length) return nothing;
    const k = this.shown(this.state);
    const st = r.steps[k - 1];
    if (!st) return nothing;
    const f = Math.min(this.viewFrame, r.settings.frames - 1);
    return trajectoryView({
      run: r,
      k,
      step: st,
      frame: f,
      manifest: this.manifest,
      memo: (name, key, make) => this.runs.memo(name, key, make),
      onStep: (step) => this.set({ step }),
      onFrame: (frame) => {
        this.viewFrame = frame;
        this.requestUpdate();
      },
    });
  }

  render() {
    return html`<live-cell
      id="sampler"
      label="Sampling: from noise to a picture, step by step"
      streaming
      @cell-retry=${() => queueMicrotask(() => void this.start())}
    >
      <div @keydown=${this.onKey}>
        ${missingNotice(this.manifest, SAMPLE_MODELS)} ${this.renderControls()} ${this.renderStatus()} ${this.renderTrajectory()} ${this.run?.result ? resultView(this.run.settings, this.run.result) : nothing}
      </div>
    </live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sampler-figure': SamplerFigure;
  }
  interface HTMLElementEventMap {
    'step-shown': CustomEvent<StepShown | null>;
  }
}
