// The stages of one text-to-video run as the page shows them — tokens, text
// encoder, noise, denoiser steps, VAE decoder, the judged clip — followed from
// the worker's progress messages: which stage runs, which are done, and how long
// each took (live while it runs, the worker's own timings at the end). DOM-free.
//
//   const clock = new StageClock();
//   clock.start(tokenizerMs);
//   … onProgress: (p) => clock.progress(p) …
//   clock.finish(clip.timings);   // or clock.fail()
import type { Progress } from './protocol';

export const PIPELINE_STAGES = ['tokens', 'encode', 'noise', 'denoise', 'decode', 'judge'] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];
export type StageStatus = 'waiting' | 'running' | 'done' | 'failed';

export interface StageState {
  status: StageStatus;
  /** Time taken (done), or so far (running); null when not timed. */
  ms: number | null;
}

/** The worker's timings of a finished run (GeneratedClip.timings). */
export interface RunTimings {
  encode: number;
  sample: number;
  decode: number;
  judge: number;
}

export class StageClock {
  states: Record<PipelineStage, StageState> = StageClock.idle();
  /** Denoising step reached, and of how many. */
  step = 0;
  of = 0;
  private startedAt: number | null = null;

  constructor(private readonly now: () => number = () => globalThis.performance.now()) {}

  static idle(): Record<PipelineStage, StageState> {
    return Object.fromEntries(PIPELINE_STAGES.map((s) => [s, { status: 'waiting', ms: null }])) as Record<PipelineStage, StageState>;
  }

  /** The stage running now, if any. */
  get running(): PipelineStage | null {
    return PIPELINE_STAGES.find((s) => this.states[s].status === 'running') ?? null;
  }

  /** A new run: the prompt was tokenized (on the page, in `tokenizerMs`); the rest waits. */
  start(tokenizerMs: number | null): void {
    this.states = StageClock.idle();
    this.states.tokens = { status: 'done', ms: tokenizerMs };
    this.step = 0;
    this.of = 0;
    this.startedAt = null;
  }

  private begin(stage: PipelineStage): void {
    const at = this.now();
    const running = this.running;
    if (running && running !== stage) this.states[running] = { status: 'done', ms: this.startedAt === null ? null : at - this.startedAt };
    // stages the run went past without a message of their own are done
    for (const s of PIPELINE_STAGES.slice(0, PIPELINE_STAGES.indexOf(stage))) if (this.states[s].status !== 'done') this.states[s] = { status: 'done', ms: this.states[s].ms };
    this.states[stage] = { status: 'running', ms: 0 };
    this.startedAt = at;
  }

  /** Follows one progress message of a 'generate' job. */
  progress(p: Progress): void {
    if (p.kind === 'stage') {
      if (p.stage === 'encode') this.begin('encode');
      else if (p.stage === 'sample') {
        this.begin('noise');
        // the starting noise is drawn at once, in the sampler: the denoiser runs next
        this.begin('denoise');
        this.states.noise = { status: 'done', ms: null };
      } else if (p.stage === 'decode') this.begin('decode');
      else if (p.stage === 'judge') this.begin('judge');
    } else if (p.kind === 'step') {
      if (this.running !== 'denoise') this.begin('denoise');
      this.step = p.step;
      this.of = p.of;
    }
    this.tick();
  }

  /** Brings the running stage's time up to now. */
  tick(): void {
    const r = this.running;
    if (r && this.startedAt !== null) this.states[r] = { status: 'running', ms: this.now() - this.startedAt };
  }

  /** The run ended: every stage done, timed by the worker. */
  finish(t: RunTimings): void {
    const tokens = this.states.tokens.ms;
    this.states = {
      tokens: { status: 'done', ms: tokens },
      encode: { status: 'done', ms: t.encode },
      noise: { status: 'done', ms: null },
      denoise: { status: 'done', ms: t.sample },
      decode: { status: 'done', ms: t.decode },
      judge: { status: 'done', ms: t.judge },
    };
    this.step = this.of;
    this.startedAt = null;
  }

  /** The run failed or was replaced: the running stage stops there. */
  fail(): void {
    const r = this.running;
    if (r) this.states[r] = { status: 'failed', ms: this.states[r].ms };
    this.startedAt = null;
  }
}
