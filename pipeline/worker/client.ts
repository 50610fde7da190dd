// The page's side of the model worker: start it, send typed requests, get
// promises back. No DOM beyond `Worker`.
//
//   const client = sharedModelClient();
//   const clip = await client.request('chapter7-main', { kind: 'generate', options: { prompt, model: 'dit', seed: 1 } }, {
//     onProgress: (p) => p.kind === 'step' && draw(p.step, p.of),
//     signal,                       // aborting it cancels the request
//   });
//
// A newer request from the same cell cancels the older one: its promise rejects
// at once with an AbortError (`isCancelled(e)`), and the worker stops it before
// its next step. Errors reject with a ModelError that keeps the model's name
// and the kind of weights problem, for the cell to show.
import type { BackendPreference, BackendReport } from '../runtime/models';
import {
  type ConfigureMessage,
  type FromWorker,
  type Job,
  type JobKind,
  type JobResult,
  type Progress,
  type SerializedError,
  type ToWorker,
} from './protocol';

/** The part of a Worker the client uses (a test can hand in something else). */
export interface WorkerLike {
  postMessage(message: ToWorker, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<FromWorker>) => void): void;
  addEventListener(type: 'error', listener: (e: ErrorEvent | Event) => void): void;
  terminate(): void;
}

export interface ClientOptions {
  /** URL of the weights folder; default `weights/` next to the page. */
  weightsBase?: string;
  /** Let 'auto' consider a software WebGPU adapter (tests). */
  softwareWebGpu?: boolean;
  numThreads?: number;
  /** Default: `new Worker(new URL(\`./${MODEL_WORKER_FILE}\`, import.meta.url), { type: 'module' })`, the worker next to this chunk. */
  createWorker?: () => WorkerLike;
}

export interface RequestOptions {
  backend?: BackendPreference;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

export interface Answer<K extends JobKind> {
  result: JobResult<K>;
  reports: BackendReport[];
  /** Worker time of the request, ms. */
  ms: number;
}

/** An error from the worker, with what it concerns. */
export class ModelError extends Error {
  readonly model: string | null;
  readonly kind: string | undefined;
  constructor(e: SerializedError, readonly reports: BackendReport[] = []) {
    super(e.message);
    this.name = e.name === 'Error' ? 'ModelError' : e.name;
    this.model = e.model ?? null;
    this.kind = e.kind;
  }
}

export function cancelledError(why = 'a newer request replaced this one'): Error {
  const e = new Error(`cancelled: ${why}`);
  e.name = 'AbortError';
  return e;
}

export function isCancelled(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}

interface Pending {
  cell: string;
  resolve: (a: Answer<JobKind>) => void;
  reject: (e: unknown) => void;
  onProgress?: (p: Progress) => void;
  cleanup: () => void;
}

/** The worker's file name: build.mjs defines it (a production build names it by a hash of its code, `model-worker-<hash>.js`). */
declare const __MODEL_WORKER__: string | undefined;
export const MODEL_WORKER_FILE = typeof __MODEL_WORKER__ === 'string' ? __MODEL_WORKER__ : 'model-worker.js';

function defaultWorker(): WorkerLike {
  return new Worker(new URL(`./${MODEL_WORKER_FILE}`, import.meta.url), { type: 'module', name: 'models' }) as unknown as WorkerLike;
}

export class ModelClient {
  private worker: WorkerLike | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly latestOfCell = new Map<string, number>();
  private readonly config: ConfigureMessage;

  constructor(private readonly options: ClientOptions = {}) {
    const base = options.weightsBase ?? new URL('weights/', (globalThis as { location?: { href: string } }).location?.href ?? 'http://localhost/').href;
    this.config = { type: 'configure', weightsBase: base, softwareWebGpu: options.softwareWebGpu, numThreads: options.numThreads };
  }

  get weightsBase(): string {
    return this.config.weightsBase;
  }

  private ensureWorker(): WorkerLike {
    if (this.worker) return this.worker;
    const w = (this.options.createWorker ?? defaultWorker)();
    w.addEventListener('message', (e: MessageEvent<FromWorker>) => this.receive(e.data));
    w.addEventListener('error', (e: ErrorEvent | Event) => {
      // The worker itself failed (its script did not load, or it crashed): fail what it had, start afresh next time.
      const message = (e as ErrorEvent).message || 'the model worker stopped';
      e.preventDefault?.();
      this.worker = null;
      try {
        w.terminate();
      } catch {
        /* already gone */
      }
      for (const [id, p] of this.pending) {
        this.pending.delete(id);
        p.cleanup();
        p.reject(new ModelError({ name: 'WorkerError', message: `the model worker failed: ${message}` }));
      }
    });
    w.postMessage(this.config);
    this.worker = w;
    return w;
  }

  /** Sends a job for `cell`; resolves to its result and what ran it. */
  request<K extends JobKind>(cell: string, job: Job<K>, options: RequestOptions = {}): Promise<Answer<K>> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(cancelledError('the request was aborted'));
    const worker = this.ensureWorker();
    const id = this.nextId++;
    const older = this.latestOfCell.get(cell);
    if (older !== undefined) this.drop(older, cancelledError());
    this.latestOfCell.set(cell, id);
    return new Promise<Answer<K>>((resolve, reject) => {
      const onAbort = () => {
        this.drop(id, cancelledError('the request was aborted'));
        this.worker?.postMessage({ type: 'cancel', id });
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        cell,
        resolve: resolve as (a: Answer<JobKind>) => void,
        reject,
        onProgress: options.onProgress,
        cleanup: () => {
          signal?.removeEventListener('abort', onAbort);
          if (this.latestOfCell.get(cell) === id) this.latestOfCell.delete(cell);
        },
      });
      worker.postMessage({ type: 'request', id, cell, backend: options.backend ?? 'auto', job } as ToWorker);
    });
  }

  /** Cancels whatever `cell` has running. */
  cancel(cell: string): void {
    const id = this.latestOfCell.get(cell);
    if (id === undefined) return;
    this.drop(id, cancelledError('the cell cancelled it'));
    this.worker?.postMessage({ type: 'cancel', id });
  }

  /** Requests sent and not yet answered. */
  get inFlight(): number {
    return this.pending.size;
  }

  private drop(id: number, error: Error): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    p.cleanup();
    p.reject(error);
  }

  private receive(m: FromWorker): void {
    const p = this.pending.get(m.id);
    if (!p) return; // cancelled here already: whatever the worker still says about it is stale
    if (m.type === 'progress') {
      try {
        p.onProgress?.(m.progress);
      } catch (e) {
        console.warn('model client: a progress handler threw', e);
      }
      return;
    }
    this.pending.delete(m.id);
    p.cleanup();
    if (m.type === 'result') p.resolve({ result: m.result as JobResult<JobKind>, reports: m.reports, ms: m.ms });
    else if (m.type === 'error') p.reject(new ModelError(m.error, m.reports));
    else p.reject(cancelledError());
  }

  /** Stops the worker; pending requests reject. */
  terminate(): void {
    for (const id of [...this.pending.keys()]) this.drop(id, cancelledError('the model worker was stopped'));
    this.worker?.terminate();
    this.worker = null;
  }
}

let shared: ModelClient | null = null;

/** The page's one model worker (created on first use). */
export function sharedModelClient(options?: ClientOptions): ModelClient {
  return (shared ??= new ModelClient(options));
}
