// The models of one context (the model worker, or a Node process): their bytes,
// their sessions, one queue a session, and which backend runs each.
//
// - Bytes come from a WeightSource (./weights.ts), once a file, checked against
//   the manifest. Two entries may name one file (`dit` and `dit_inspect`): the
//   download is shared, and each runs with its own entry's outputs as fetches,
//   so `dit` leaves the attention maps its file can also return uncopied.
// - A session is created on first use of a (model, backend) pair. onnxruntime-web
//   1.30 fails or hangs on concurrent `run()` calls on one session, so every call
//   goes through that session's queue, one at a time, in the order asked; a call
//   whose signal was aborted while it waited is dropped when its turn comes.
// - The backend: 'wasm' or 'webgpu' forces one; 'auto' (the default) decides on
//   the model's first call: without a hardware WebGPU adapter it is WASM; with
//   one, that call runs twice on each backend (the first WebGPU run compiles the
//   shaders), the second runs are timed, and the faster wins; both times are
//   kept for the page to show. A WebGPU failure (no adapter, a session that
//   cannot be created, a lost device, an operator it cannot run) sends the model
//   to WASM, reruns the call there, and the report carries the reason as a note.
// DOM-free: runs in the worker and in Node.
import { fileKey, modelEntry, type Manifest } from './manifest';
import {
  BACKEND_LABEL,
  createSession as createOrtSession,
  executionReport,
  webgpuSupport as detectWebGpu,
  type Backend,
  type ExecutionReport,
  type ModelSession,
  type OrtTypes,
  type WebGpuSupport,
} from './ort';
import type { DownloadProgress, WeightSource } from './weights';

export type BackendPreference = 'auto' | Backend;
export const BACKEND_PREFERENCES: readonly BackendPreference[] = ['auto', 'wasm', 'webgpu'];

export type TensorType = 'float32' | 'int32' | 'int64';
export type TensorArray = Float32Array | Int32Array | BigInt64Array;

/** A tensor as plain data: what crosses the worker boundary and what the pipeline code works with. */
export interface TensorData<A extends TensorArray = TensorArray> {
  type: TensorType;
  data: A;
  dims: number[];
}

export type Feeds = Record<string, TensorData>;
export type Outputs = Record<string, TensorData>;

export const float32 = (data: Float32Array, dims: number[]): TensorData<Float32Array> => ({ type: 'float32', data, dims });
export const int32 = (data: Int32Array, dims: number[]): TensorData<Int32Array> => ({ type: 'int32', data, dims });

/** What ran a model, and why that backend. */
export interface BackendReport {
  model: string;
  requested: BackendPreference;
  /** The backend that ran the last call. */
  backend: Backend;
  /** "WASM (CPU)", "WebGPU", or a mixed placement read from onnxruntime. */
  label: string;
  /** Warm-call times of the auto choice, in ms (absent where nothing was timed). */
  times?: Partial<Record<Backend, number>>;
  /** Why this backend, in a sentence. */
  reason: string;
  /** When WebGPU was asked for (or tried) and failed: what failed; the call ran on WASM. */
  fallback?: string;
  placement: ExecutionReport | null;
}

export interface RunOptions {
  backend?: BackendPreference;
  signal?: AbortSignal;
  /** Download progress, when this call has to load the model's weights first. */
  onLoad?: (p: DownloadProgress) => void;
}

export interface RunResult {
  outputs: Outputs;
  report: BackendReport;
  /** Time of this call's `session.run`, in ms (without queueing). */
  ms: number;
}

/** What the pipeline functions need: a manifest and a way to run a model. */
export interface ModelRunner {
  manifest(): Promise<Manifest>;
  run(model: string, feeds: Feeds, options?: RunOptions): Promise<RunResult>;
}

export interface ModelHostOptions {
  /** Let 'auto' consider a software WebGPU adapter (SwiftShader) too; for tests. Default false. */
  softwareWebGpu?: boolean;
  /** Replaceable for tests. */
  webgpuSupport?: () => Promise<WebGpuSupport>;
  createSession?: typeof createOrtSession;
}

interface Slot {
  session: ModelSession;
  /** Element type of each input, from the model. */
  inputTypes: Record<string, string>;
  /** The outputs to fetch: the manifest entry's, where it lists them (undefined: all the graph's). */
  fetches?: string[];
  queue: Promise<unknown>;
  placement: ExecutionReport;
}

interface AutoChoice {
  backend: Backend;
  times?: Partial<Record<Backend, number>>;
  reason: string;
  fallback?: string;
}

interface ModelState {
  /** Set once this model has asked for its file (which another model may have downloaded). */
  bytes?: Promise<Uint8Array>;
  slots: Partial<Record<Backend, Promise<Slot>>>;
  auto?: Promise<AutoChoice & { first?: { backend: Backend; result: { outputs: Outputs; ms: number } } }>;
  /** Set when WebGPU failed for this model: later calls go to WASM with this note. */
  webgpuFailure?: string;
}

const now = () => globalThis.performance.now();
const round = (ms: number) => Math.round(ms * 10) / 10;

export class ModelHost implements ModelRunner {
  private readonly states = new Map<string, ModelState>();
  /** Each file's checked bytes, by file name and sha256: shared by the entries that name it. */
  private readonly files = new Map<string, Promise<Uint8Array>>();
  private readonly options: Required<ModelHostOptions>;
  private support: Promise<WebGpuSupport> | null = null;

  constructor(readonly source: WeightSource, options: ModelHostOptions = {}) {
    this.options = {
      softwareWebGpu: options.softwareWebGpu ?? false,
      webgpuSupport: options.webgpuSupport ?? detectWebGpu,
      createSession: options.createSession ?? createOrtSession,
    };
  }

  manifest(): Promise<Manifest> {
    return this.source.manifest();
  }

  webgpuSupport(): Promise<WebGpuSupport> {
    return (this.support ??= this.options.webgpuSupport());
  }

  private state(model: string): ModelState {
    let s = this.states.get(model);
    if (!s) this.states.set(model, (s = { slots: {} }));
    return s;
  }

  /** The model's checked bytes, downloading them on the first call. */
  async load(model: string, options: { onProgress?: (p: DownloadProgress) => void } = {}): Promise<Uint8Array> {
    const entry = modelEntry(await this.manifest(), model); // a clear error for a model the manifest does not list
    const s = this.state(model);
    const key = fileKey(entry);
    const shared = this.files.get(key);
    if (!shared) {
      const p = this.source.bytes(model, { onProgress: options.onProgress });
      this.files.set(key, p);
      s.bytes = p;
      p.catch(() => {
        if (this.files.get(key) === p) this.files.delete(key); // a failed download may be retried
        if (s.bytes === p) s.bytes = undefined;
      });
      return p;
    }
    s.bytes = shared;
    const bytes = await shared;
    options.onProgress?.({ model, file: entry.file, loaded: bytes.length, total: entry.bytes, fromCache: true, done: true });
    return bytes;
  }

  private slot(model: string, backend: Backend, onLoad?: (p: DownloadProgress) => void): Promise<Slot> {
    const s = this.state(model);
    const existing = s.slots[backend];
    if (existing) return existing;
    const p = (async () => {
      const bytes = await this.load(model, { onProgress: onLoad });
      const session = await this.options.createSession(bytes, { backend });
      const inputTypes: Record<string, string> = {};
      for (const m of session.session.inputMetadata ?? []) if (m.isTensor) inputTypes[m.name] = m.type;
      const fetches = outputsToFetch(modelEntry(await this.manifest(), model).outputs, session.session.outputNames);
      return { session, inputTypes, fetches, queue: Promise.resolve(), placement: executionReport(session) };
    })();
    s.slots[backend] = p;
    p.catch(() => {
      if (s.slots[backend] === p) delete s.slots[backend];
    });
    return p;
  }

  /** One call on one session, through its queue. */
  private exec(slot: Slot, feeds: Feeds, signal?: AbortSignal): Promise<{ outputs: Outputs; ms: number }> {
    const p = slot.queue.then(async () => {
      signal?.throwIfAborted();
      const ort = slot.session.ort;
      const inputs: Record<string, OrtTypes.Tensor> = {};
      // A graph may lack an input its model never reads (the exporter drops it: the adaLN DiT has
      // no `context`): feeds the session does not name are not passed. A missing one still fails.
      const names = slot.session.session.inputNames;
      for (const [name, t] of Object.entries(feeds)) {
        if (names?.length && !names.includes(name)) continue;
        // Token ids are int32 here; a model exported with int64 inputs gets them widened.
        const wanted = slot.inputTypes[name];
        if (wanted === 'int64' && t.type === 'int32') {
          inputs[name] = new ort.Tensor('int64', BigInt64Array.from(t.data as Int32Array, (v) => BigInt(v)), t.dims);
        } else inputs[name] = new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims);
      }
      const t0 = now();
      const out = slot.fetches ? await slot.session.session.run(inputs, slot.fetches) : await slot.session.session.run(inputs);
      const ms = now() - t0;
      const outputs: Outputs = {};
      for (const [name, t] of Object.entries(out)) {
        outputs[name] = { type: t.type as TensorType, data: t.data as TensorArray, dims: [...t.dims] };
      }
      return { outputs, ms };
    });
    slot.queue = p.catch(() => undefined);
    return p;
  }

  async run(model: string, feeds: Feeds, options: RunOptions = {}): Promise<RunResult> {
    const requested = options.backend ?? 'auto';
    const s = this.state(model);
    const { signal, onLoad } = options;
    signal?.throwIfAborted();
    const onWasm = async (why: { reason: string; fallback?: string; times?: Partial<Record<Backend, number>> }): Promise<RunResult> => {
      const slot = await this.slot(model, 'wasm', onLoad);
      const r = await this.exec(slot, feeds, signal);
      return { ...r, report: { ...why, model, requested, backend: 'wasm', label: slot.placement.label, placement: slot.placement } };
    };
    const onWebGpu = async (why: { reason: string; times?: Partial<Record<Backend, number>> }): Promise<RunResult> => {
      let slot: Slot;
      try {
        slot = await this.slot(model, 'webgpu', onLoad);
      } catch (e) {
        if (isWeightsProblem(e)) throw e;
        return onWasm({ reason: 'WebGPU failed, so WASM ran it', fallback: this.markWebGpuFailed(model, `WebGPU could not run this model: ${message(e)}`) });
      }
      try {
        const r = await this.exec(slot, feeds, signal);
        return { ...r, report: { ...why, model, requested, backend: 'webgpu', label: slot.placement.label, placement: slot.placement } };
      } catch (e) {
        if (signal?.aborted) throw e;
        return onWasm({ reason: 'WebGPU failed, so WASM ran it', fallback: this.markWebGpuFailed(model, `WebGPU failed while running: ${message(e)}`) });
      }
    };

    if (requested === 'wasm') return onWasm({ reason: 'WASM was chosen' });
    if (requested === 'webgpu') {
      if (s.webgpuFailure) return onWasm({ reason: 'WebGPU failed earlier, so WASM ran it', fallback: s.webgpuFailure });
      const support = await this.webgpuSupport();
      if (!support.available) {
        return onWasm({ reason: 'WebGPU is not available, so WASM ran it', fallback: this.markWebGpuFailed(model, `WebGPU is not available: ${support.reason}`) });
      }
      return onWebGpu({ reason: `WebGPU was chosen${support.fallback ? ' (a software adapter: slow)' : ''}` });
    }

    // auto
    if (!s.auto) {
      const p = this.decide(model, feeds, onLoad);
      s.auto = p;
      p.catch(() => {
        if (s.auto === p) s.auto = undefined;
      });
      const choice = await p;
      if (choice.first) {
        // The timed call of the winner already computed this call's outputs.
        const slot = await this.slot(model, choice.first.backend);
        signal?.throwIfAborted();
        const { first, backend: _chosen, ...why } = choice;
        return { ...first.result, report: { ...why, model, requested, backend: first.backend, label: slot.placement.label, placement: slot.placement } };
      }
    }
    const choice = await s.auto!;
    const { first: _first, backend: _chosen, ...why } = choice;
    if (choice.backend === 'webgpu' && !s.webgpuFailure) return onWebGpu(why);
    return onWasm(s.webgpuFailure && choice.backend === 'webgpu' ? { ...why, fallback: s.webgpuFailure, reason: 'WebGPU failed, so WASM ran it' } : why);
  }

  private markWebGpuFailed(model: string, why: string): string {
    const s = this.state(model);
    s.webgpuFailure ??= why;
    if (s.auto) s.auto = Promise.resolve({ backend: 'wasm', reason: 'WebGPU failed, so WASM runs it', fallback: s.webgpuFailure });
    return s.webgpuFailure;
  }

  private async decide(model: string, feeds: Feeds, onLoad?: (p: DownloadProgress) => void): Promise<AutoChoice & { first?: { backend: Backend; result: { outputs: Outputs; ms: number } } }> {
    const support = await this.webgpuSupport();
    const usable = support.available && (!support.fallback || this.options.softwareWebGpu);
    if (!usable) {
      const reason = support.available
        ? `WASM: the only WebGPU adapter is a software one${support.description ? ` (${support.description})` : ''}, slower than WASM`
        : `WASM: ${support.reason ?? 'no WebGPU'}`;
      return { backend: 'wasm', reason };
    }
    const timeWarm = async (backend: Backend) => {
      const slot = await this.slot(model, backend, onLoad);
      await this.exec(slot, feeds); // warm-up: WebGPU compiles its shaders here
      return this.exec(slot, feeds);
    };
    const wasm = await timeWarm('wasm');
    let webgpu: { outputs: Outputs; ms: number };
    try {
      webgpu = await timeWarm('webgpu');
    } catch (e) {
      if (isWeightsProblem(e)) throw e;
      const fallback = `WebGPU could not run this model: ${message(e)}`;
      this.state(model).webgpuFailure = fallback;
      return { backend: 'wasm', times: { wasm: round(wasm.ms) }, reason: 'WebGPU failed, so WASM runs it', fallback, first: { backend: 'wasm', result: wasm } };
    }
    const times = { wasm: round(wasm.ms), webgpu: round(webgpu.ms) };
    const backend: Backend = webgpu.ms < wasm.ms ? 'webgpu' : 'wasm';
    const reason = `${BACKEND_LABEL[backend]} was faster: WebGPU ${times.webgpu} ms, WASM ${times.wasm} ms a call`;
    return { backend, times, reason, first: { backend, result: backend === 'webgpu' ? webgpu : wasm } };
  }

  /** Whether the weights of `model` are loaded here already. */
  isLoaded(model: string): boolean {
    return !!this.states.get(model)?.bytes;
  }

  /** Releases every session of `model` (or of every model). */
  async release(model?: string): Promise<void> {
    const names = model ? [model] : [...this.states.keys()];
    for (const name of names) {
      const s = this.states.get(name);
      if (!s) continue;
      this.states.delete(name);
      for (const p of Object.values(s.slots)) {
        const slot = await p?.catch(() => null);
        await slot?.session.session.release().catch(() => undefined);
      }
    }
    // A file's bytes stay while a model that names it is still here.
    const held = new Set([...this.states.values()].map((s) => s.bytes));
    for (const [key, p] of this.files) if (!held.has(p)) this.files.delete(key);
  }
}

/**
 * The outputs a model's manifest entry lists, where the graph has more (a file shared with an
 * inspect twin); undefined (fetch everything) where the entry lists none, or one the graph lacks.
 */
export function outputsToFetch(listed: Record<string, string> | undefined, graph: readonly string[] | undefined): string[] | undefined {
  const names = Object.keys(listed ?? {});
  if (!names.length || !graph?.length) return undefined;
  if (!names.every((n) => graph.includes(n))) return undefined;
  return names.length < graph.length ? names : undefined;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function isWeightsProblem(e: unknown): boolean {
  return e instanceof Error && e.name === 'WeightsError';
}
