// The page's side of one training run of chapter 0's network: it starts the
// MLP worker's run (pipeline/worker/mlp-client.ts), keeps every step's loss and
// the latest weights and samples the worker sends, and says when a target step
// is reached. No DOM: learning-2d-figure draws what this holds.
import { MlpClient } from '../../pipeline/worker/mlp-client';
import type { FromMlpWorker } from '../../pipeline/worker/mlp-protocol';
import { VIEW_EXTENT, distancesToData, type Points2D } from '../../pipeline/lessons/toy2d';
import { MEMORISED } from './state';

/** Samples and how many lie within MEMORISED of a training point. */
export interface SampleSet {
  xy: Float32Array;
  /** The step of the weights they come from (the exact denoiser's: −1). */
  step: number;
  onData: number;
  /** How many lie outside the plane drawn (an untrained network's fly far off). */
  outside: number;
}

/** What the run has shown so far. */
export interface LearningView {
  steps: number;
  target: number;
  /** Every step's batch loss, steps 1 … `steps`. */
  losses: Float32Array;
  params: Float32Array;
  ema: Float32Array;
  network: SampleSet | null;
  exact: SampleSet | null;
  exactLoss: number | null;
  /** Worker milliseconds in Adam steps. */
  trainMs: number;
}

export function sampleSet(xy: Float32Array, step: number, data: Points2D): SampleSet {
  let onData = 0, outside = 0;
  for (const d of distancesToData(xy, data)) if (d < MEMORISED) onData++;
  for (let k = 0; k < xy.length; k += 2) if (!(Math.abs(xy[k]) <= VIEW_EXTENT && Math.abs(xy[k + 1]) <= VIEW_EXTENT)) outside++;
  return { xy, step, onData, outside };
}

export class LearningRun {
  view: LearningView | null = null;
  /** The key (data set and seed) of the run the view belongs to. */
  key = '';
  private data: Points2D | null = null;
  private waiters: { target: number; done: () => void; fail: (e: Error) => void }[] = [];
  private readonly client = new MlpClient((m) => this.receive(m));

  /** `changed` is called after each snapshot (or error). */
  constructor(private readonly changed: (error?: Error) => void) {}

  /** A fresh network for `seed` on `data`, trained to `target`; resolves when it is there (rejects on a worker error or a newer run). */
  start(key: string, data: Points2D, seed: number, target: number): Promise<void> {
    this.drop(new Error('cancelled: a newer run replaced this one'));
    this.key = key;
    this.data = data;
    this.view = null;
    this.client.reset(seed, data.xy, target);
    return this.reach(target);
  }

  /** Train on to `target`; resolves when there (a pause resolves it too). */
  trainTo(target: number): Promise<void> {
    this.client.train(target);
    return this.reach(target);
  }

  pause(): void {
    this.client.pause();
  }

  /** Whether the worker is training now (as far as the last snapshot says). */
  get training(): boolean {
    return !!this.view && this.view.steps < this.view.target;
  }

  dispose(): void {
    this.drop(new Error('cancelled: the figure went away'));
    this.client.dispose();
  }

  private reach(target: number): Promise<void> {
    return new Promise((done, fail) => this.waiters.push({ target, done, fail }));
  }

  private drop(error: Error) {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.fail(error);
  }

  private receive(m: FromMlpWorker) {
    if (m.type === 'error') {
      const error = new Error(m.message);
      this.drop(error);
      this.changed(error);
      return;
    }
    const data = this.data!;
    const prev = this.view;
    let losses = prev?.losses ?? new Float32Array(0);
    if (m.from !== losses.length) losses = losses.subarray(0, m.from); // the worker's count is the truth
    const all = new Float32Array(m.from + m.losses.length);
    all.set(losses);
    all.set(m.losses, m.from);
    this.view = {
      steps: m.steps,
      target: m.target,
      losses: all,
      params: m.params,
      ema: m.ema,
      network: m.samples ? sampleSet(m.samples, m.steps, data) : (prev?.network ?? null),
      exact: m.exactSamples ? sampleSet(m.exactSamples, -1, data) : (prev?.exact ?? null),
      exactLoss: m.exactLoss ?? prev?.exactLoss ?? null,
      trainMs: m.trainMs,
    };
    if (m.steps >= m.target) {
      // idle: every waiter is answered (a pause ends a wait for a later step too)
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w.done();
    }
    this.changed();
  }
}
