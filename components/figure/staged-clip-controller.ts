// StagedClipController: making a clip from a prompt with every stage of the
// pipeline followed and timed, as the first screen and chapter 7's first figure
// both do. Inside a cell's task (ModelController.runTask) it tokenizes the
// prompt on the page (timed), loads the models, and generates the clip while a
// StageClock follows the worker's progress; between messages the running
// stage's time counts up (the host re-renders every 100 ms), and at the end the
// worker's own timings replace the live ones. A run replaced by a newer one
// (`current()` false) drops its progress and its clip.
//
//   private readonly staged = new StagedClipController(this);
//   await this.models.runTask(cell, async ({ request }) => {
//     const clip = await this.staged.make(request, {
//       prompt, models: ['text_encoder', 'dit', 'vae_decoder'], current,
//       job: { options: { prompt, model: 'dit', seed, frames: 8 }, preview: { every: 2 } },
//       onProgress: (p, began) => { if (p.kind === 'step' && p.preview) this.preview = p.preview; },
//     });
//     if (clip) this.clip = clip;
//   });
//   render() { … textToVideoStages(this.staged.clock, …) … }
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { GeneratedClip } from '../../pipeline/text-to-video/clip';
import type { Jobs, Progress } from '../../pipeline/worker/protocol';
import { StageClock, type PipelineStage } from '../../pipeline/worker/stages';
import { tokenize } from '../../pipeline/world/tokenizer';
import type { CellTask } from '../controllers/model-controller';

/** How often the running stage's time is brought up to date on screen, in ms. */
const TICK_MS = 100;

export interface StagedClipRun {
  /** False once a newer run has started: this one's progress and clip are dropped. */
  current: () => boolean;
  /** The prompt, tokenized on the page first (the tokenizer's stage). */
  prompt: string;
  /** Loaded before the clip is made (their download is part of the run). */
  models: string[];
  /** The 'generate' job. */
  job: Jobs['generate']['in'];
  /** After the tokenizer, before the models load. */
  onStart?: (tokenizerMs: number) => void;
  /** The models are loaded; the clip is being made. */
  onLoaded?: () => void;
  /** Each progress message of the current run, after the clock has followed it; `began` is the stage it started, if any. */
  onProgress?: (p: Progress, began: PipelineStage | null) => void;
}

export class StagedClipController implements ReactiveController {
  /** The stages of the latest run: which runs, which are done, each one's time. */
  readonly clock = new StageClock();
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.stopTicking();
  }

  /**
   * Makes the clip within a cell's task: resolves to it, or to undefined when a newer run replaced
   * this one. A failure marks the running stage failed (for the current run) and is thrown on, for
   * the cell to show with its Retry.
   */
  async make(request: CellTask['request'], run: StagedClipRun): Promise<GeneratedClip | undefined> {
    const { current } = run;
    try {
      const t0 = performance.now();
      tokenize(run.prompt);
      const tokenizerMs = performance.now() - t0;
      this.clock.start(tokenizerMs);
      run.onStart?.(tokenizerMs);
      await request({ kind: 'load', models: run.models });
      if (!current()) return undefined;
      run.onLoaded?.();
      this.stopTicking();
      this.timer = setInterval(() => {
        this.clock.tick();
        this.host.requestUpdate();
      }, TICK_MS);
      const clip = await request(
        { kind: 'generate', ...run.job },
        {
          onProgress: (p) => {
            if (!current()) return;
            const before = this.clock.running;
            this.clock.progress(p);
            const now = this.clock.running;
            run.onProgress?.(p, now && now !== before ? now : null);
            this.host.requestUpdate();
          },
        },
      );
      if (!current()) return undefined;
      this.clock.finish(clip.timings);
      return clip;
    } catch (e) {
      if (current()) this.clock.fail();
      throw e;
    } finally {
      if (current()) this.stopTicking();
      this.host.requestUpdate();
    }
  }

  private stopTicking(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}
