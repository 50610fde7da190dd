// The page's side of the MLP worker (./mlp-worker.ts): start it, start a run,
// train on or pause it, and hear its snapshots. No DOM beyond `Worker`. The
// worker starts on the first run, so a page that never shows the figure never
// loads it.
//
//   const client = new MlpClient((m) => m.type === 'snapshot' && draw(m));
//   client.reset(seed, data.xy, 0);   // a fresh network, untrained
//   client.train(20_000);             // Start
//   client.pause();                   // Pause: a last snapshot follows
import type { FromMlpWorker, ToMlpWorker } from './mlp-protocol';

/** The part of a Worker the client uses (a test can hand in something else). */
export interface MlpWorkerLike {
  postMessage(message: ToMlpWorker, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<FromMlpWorker>) => void): void;
  addEventListener(type: 'error', listener: (e: ErrorEvent | Event) => void): void;
  terminate(): void;
}

/** The worker's file name: build.mjs defines it (a production build names it by a hash of its code, `mlp-worker-<hash>.js`). */
declare const __MLP_WORKER__: string | undefined;
export const MLP_WORKER_FILE = typeof __MLP_WORKER__ === 'string' ? __MLP_WORKER__ : 'mlp-worker.js';

function defaultWorker(): MlpWorkerLike {
  return new Worker(new URL(`./${MLP_WORKER_FILE}`, import.meta.url), { type: 'module', name: 'mlp' }) as unknown as MlpWorkerLike;
}

export class MlpClient {
  private worker: MlpWorkerLike | null = null;
  /** The run messages are about (snapshots of older runs are dropped). */
  gen = 0;

  constructor(
    private readonly onMessage: (m: FromMlpWorker) => void,
    private readonly createWorker: () => MlpWorkerLike = defaultWorker,
  ) {}

  private ensureWorker(): MlpWorkerLike {
    if (this.worker) return this.worker;
    const w = this.createWorker();
    w.addEventListener('message', (e: MessageEvent<FromMlpWorker>) => {
      if (e.data.gen === this.gen) this.onMessage(e.data);
    });
    w.addEventListener('error', (e: ErrorEvent | Event) => {
      e.preventDefault?.();
      this.dispose();
      this.onMessage({ type: 'error', gen: this.gen, message: `the training worker failed: ${(e as ErrorEvent).message || 'it did not start'}` });
    });
    this.worker = w;
    return w;
  }

  /** A fresh network for `seed` on the points `xy` (copied), trained to `target` steps; returns the run's number. */
  reset(seed: number, xy: Float32Array, target: number): number {
    const copy = Float32Array.from(xy);
    this.ensureWorker().postMessage({ type: 'reset', gen: ++this.gen, seed, xy: copy, target }, [copy.buffer]);
    return this.gen;
  }

  /** Train the current run on to `target` steps. */
  train(target: number): void {
    this.worker?.postMessage({ type: 'train', gen: this.gen, target });
  }

  /** Stop where it is; the worker answers with a snapshot of that step. */
  pause(): void {
    this.train(0);
  }

  /** Stops the worker (a later run starts a new one). */
  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
  }
}
