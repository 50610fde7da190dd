// Two (or more) denoisers on one prompt and one seed, side by side, stepping
// together: chapter 5's U-Net against its DiT. DOM-free: the page runs it with
// a runner whose model calls are the worker's `run` jobs, Node with its own.
//
// Each denoiser samples exactly as `sample` does (pipeline/text-to-video), from
// the same prompt encoding, so each one's picture is the picture
// `textToVideo` (and `npm run generate`) makes for it with those options. They
// step together: no denoiser starts step k + 1 before every one has finished
// step k (and decoded its preview). Every model call goes through one queue,
// one call at a time, so the time of a call (the worker's `session.run`, what
// `StepProgress.ms` holds) is that call's alone, never two models' at once.
//
// The race: the same over several seeds, each sample judged; the standings
// (pass rate with its 95 % interval, time) and the running totals to chart.
import type { ModelRunner } from '../runtime/models';
import { encodePrompt, guidanceContexts, type CallOptions } from '../text-to-video/prompt';
import { sample, type SampleOptions, type SampleResult } from '../text-to-video/sample';
import { decodeLatents, type Frames } from '../text-to-video/vae';
import { scoreClip } from '../text-to-video/clip';
import type { Verdict } from '../world/judge';
import { wilson } from '../world/score';

/** A runner whose calls run one at a time, in the order asked (a failed call does not stop the queue). */
export function serialRunner(runner: ModelRunner): ModelRunner {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    manifest: () => runner.manifest(),
    run: (model, feeds, options) => {
      const next = tail.then(() => runner.run(model, feeds, options));
      tail = next.catch(() => undefined);
      return next;
    },
  };
}

/**
 * Lockstep for `parties` loops: `arrive(k)` resolves once every party has arrived at k (or left).
 * `leave()` takes a finished party out; `break(reason)` rejects every wait, now and later.
 */
export class StepBarrier {
  private waiting: { step: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private counts = new Map<number, number>();
  private broken: { reason: unknown } | null = null;

  constructor(private parties: number) {
    if (!(Number.isInteger(parties) && parties >= 1)) throw new RangeError(`StepBarrier: parties must be a positive integer, got ${parties}`);
  }

  arrive(step: number): Promise<void> {
    if (this.broken) return Promise.reject(this.broken.reason);
    this.counts.set(step, (this.counts.get(step) ?? 0) + 1);
    const wait = new Promise<void>((resolve, reject) => this.waiting.push({ step, resolve, reject }));
    this.release();
    return wait;
  }

  leave(): void {
    this.parties--;
    this.release();
  }

  break(reason: unknown): void {
    if (this.broken) return;
    this.broken = { reason };
    for (const w of this.waiting.splice(0)) w.reject(reason);
  }

  private release() {
    for (const [step, n] of [...this.counts]) {
      if (n < this.parties) continue;
      this.counts.delete(step);
      const go = this.waiting.filter((w) => w.step === step);
      this.waiting = this.waiting.filter((w) => w.step !== step);
      for (const w of go) w.resolve();
    }
  }
}

export interface DuelOptions extends Omit<SampleOptions, 'model' | 'context' | 'fixedFrames' | 'init' | 'capture'> {
  prompt: string;
  negativePrompt?: string;
  /** The denoisers, in the order the page shows them (manifest names). */
  models: readonly string[];
  /** Decode each model's x̂₀ every this many steps (and at the last), for a preview; 0 (default): none. */
  previewEvery?: number;
}

/** One step of one denoiser. */
export interface DuelStep {
  model: string;
  /** The model's place in `models`. */
  index: number;
  step: number;
  of: number;
  timestep: number;
  /** This step's denoiser call, ms (the session's run alone). */
  ms: number;
  /** x̂₀ of this step, decoded, when a preview was asked for at this step. */
  preview?: Frames;
}

export interface DuelEntry extends Frames {
  model: string;
  /** The clean latent, scaled, (F, 4, h, w). */
  latent: Float32Array;
  verdict: Verdict;
  sample: Omit<SampleResult, 'latent'>;
}

export interface DuelResult {
  prompt: string;
  entries: DuelEntry[];
}

export interface DuelHooks extends CallOptions {
  onStep?: (s: DuelStep) => void | Promise<void>;
}

/** The same prompt, seed, sampler and steps through each denoiser, stepping together; each sample decoded and judged. */
export async function sampleSideBySide(runner: ModelRunner, options: DuelOptions, hooks: DuelHooks = {}): Promise<DuelResult> {
  const { prompt, negativePrompt, models, previewEvery = 0, ...rest } = options;
  if (!models.length) throw new RangeError('sampleSideBySide: no models');
  const serial = serialRunner(runner);
  const call: CallOptions = { backend: hooks.backend, signal: hooks.signal, onLoad: hooks.onLoad };
  const encoded = await encodePrompt(serial, prompt, { ...call, negativePrompt });
  const context = guidanceContexts(encoded);
  const frames = rest.frames ?? 1;
  const height = rest.height ?? 8, width = rest.width ?? 8;
  const barrier = new StepBarrier(models.length);
  // one failing model stops the others at their next step
  const inner = new AbortController();
  const stop = () => inner.abort(hooks.signal?.reason);
  if (hooks.signal?.aborted) stop();
  else hooks.signal?.addEventListener('abort', stop, { once: true });
  const every = Math.max(0, Math.floor(previewEvery));
  try {
    const sampled = await Promise.all(
      models.map(async (model, index) => {
        try {
          const s = await sample(
            serial,
            { ...rest, frames, model, context, ...(every > 0 ? { capture: { predX0: true, every } } : {}) },
            {
              ...call,
              signal: inner.signal,
              onStep: async (p) => {
                const preview = p.predX0 ? await decodeLatents(serial, p.predX0, { frames, height, width }, { ...call, signal: inner.signal }) : undefined;
                await hooks.onStep?.({
                  model,
                  index,
                  step: p.step,
                  of: p.of,
                  timestep: p.timestep,
                  ms: p.ms,
                  ...(preview ? { preview: { frames: preview.frames, numFrames: preview.numFrames, width: preview.width, height: preview.height } } : {}),
                });
                await barrier.arrive(p.step);
              },
            },
          );
          barrier.leave();
          return s;
        } catch (e) {
          barrier.break(e);
          inner.abort(e);
          throw e;
        }
      }),
    );
    const entries: DuelEntry[] = [];
    for (let i = 0; i < models.length; i++) {
      const s = sampled[i];
      const [F, , h, w] = s.shape;
      const decoded = await decodeLatents(serial, s.latent, { frames: F, height: h, width: w }, call);
      const { latent, ...info } = s;
      entries.push({
        model: models[i],
        frames: decoded.frames,
        numFrames: decoded.numFrames,
        width: decoded.width,
        height: decoded.height,
        latent,
        verdict: scoreClip(decoded, prompt),
        sample: info,
      });
    }
    return { prompt, entries };
  } finally {
    hooks.signal?.removeEventListener('abort', stop);
  }
}

// ---------------------------------------------------------------- the race

/** One sample of the race. */
export interface RaceSample {
  model: string;
  seed: number;
  /** The judge's verdict on it. */
  pass: boolean;
  /** The denoiser's time for the whole sample (every step's call), ms. */
  ms: number;
}

export interface RaceStanding {
  model: string;
  n: number;
  passed: number;
  rate: number;
  /** Wilson's 95 % interval of the rate. */
  ci95: [number, number];
  /** Denoiser time over all its samples, ms. */
  ms: number;
}

/** The seeds of a race: `count` of them from `first` on (kept within 0 … 99,999, as the page's seeds are). */
export function raceSeeds(first: number, count = 16): number[] {
  return Array.from({ length: count }, (_, i) => (first + i) % 100_000);
}

/** Each model's passes, rate (with its interval) and time so far. */
export function raceStandings(samples: readonly RaceSample[], models: readonly string[]): RaceStanding[] {
  return models.map((model) => {
    const mine = samples.filter((s) => s.model === model);
    const passed = mine.filter((s) => s.pass).length;
    const n = mine.length;
    return { model, n, passed, rate: n ? passed / n : 0, ci95: wilson(passed, n), ms: mine.reduce((t, s) => t + s.ms, 0) };
  });
}

/** Running totals for the charts: after each of a model's samples, its pass rate so far and its seconds so far. */
export function raceSeries(samples: readonly RaceSample[], models: readonly string[]): { model: string; n: number; rate: number; seconds: number }[] {
  const out: { model: string; n: number; rate: number; seconds: number }[] = [];
  for (const model of models) {
    let n = 0, passed = 0, ms = 0;
    for (const s of samples) {
      if (s.model !== model) continue;
      n++;
      if (s.pass) passed++;
      ms += s.ms;
      out.push({ model, n, rate: passed / n, seconds: ms / 1000 });
    }
  }
  return out;
}

/**
 * How far apart two pictures of the same size are (RGB bytes): the mean absolute difference of
 * their values (of 255), and the share of pixels where some channel differs by more than `far`.
 */
export function pictureDifference(a: Uint8Array, b: Uint8Array, far = 32): { meanAbs: number; farShare: number } {
  if (a.length !== b.length || a.length % 3) throw new RangeError('pictureDifference: the pictures differ in size');
  let sum = 0, farPixels = 0;
  for (let p = 0; p < a.length; p += 3) {
    let most = 0;
    for (let c = 0; c < 3; c++) {
      const d = Math.abs(a[p + c] - b[p + c]);
      sum += d;
      most = Math.max(most, d);
    }
    if (most > far) farPixels++;
  }
  const pixels = a.length / 3;
  return { meanAbs: pixels ? sum / a.length : 0, farShare: pixels ? farPixels / pixels : 0 };
}
