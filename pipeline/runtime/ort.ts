// onnxruntime-web, set up once, for the page, a worker and Node (no DOM).
//
// Two builds, one a backend, each imported lazily, only when a session on that
// backend is first created:
//   'wasm'   → `onnxruntime-web/wasm`, the plain WASM build: it loads
//              `ort-wasm-simd-threaded.{mjs,wasm}` at run time;
//   'webgpu' → `onnxruntime-web/webgpu`, the build with the native WebGPU
//              execution provider; in 1.30 it loads
//              `ort-wasm-simd-threaded.asyncify.{mjs,wasm}` (the `.jsep` files
//              belong to the older JSEP build of `onnxruntime-web`'s default export).
// Why not one build for both: the WebGPU build's CPU kernels are much slower
// than the plain build's, and its runtime is twice the download (asyncify .wasm
// 26.8 MB against 14.2 MB, uncompressed). Measured with a 2.3 M-parameter DiT,
// batch 2, eight frames, one thread, warm: in Node ~40–65 ms a call on the
// plain build against ~470–1900 ms on the WebGPU (asyncify) build, and 400–1600
// ms on the default (JSEP) build; in Chromium 156, in a worker, 37–38 ms (best)
// and 48–63 ms (median) on the plain build against 55–84 ms (best) and 129–157
// ms (median) on the WebGPU build, on this shared 2-core machine (`npm run bench
// -- runtime` measures it again). So a WASM session always comes from the plain
// build, and the WebGPU build is downloaded only by a page that runs something
// on WebGPU. build.mjs copies both builds' runtime files next to the bundle's
// chunks (its `onnxruntime-web-use-extern-wasm` condition picks the builds that
// load their Emscripten glue as a separate file, which WASM threads need), and
// this module points `env.wasm.wasmPaths` there.
//
// Each build has its own `env`, its own `Tensor` class and its own WASM heap:
// a session's tensors must come from that session's module (`ModelSession.ort`,
// or `tensor()` below), never from the other build.
//
// Which execution provider ran: onnxruntime logs where it placed each node
// ("All nodes placed on [WebGpuExecutionProvider]") at verbose level, on its
// stderr, which Emscripten prints with console.error. In a browser or worker we
// read those lines while a session is being created (and only then), keep the
// placement, and let the rest of onnxruntime's messages through at their real
// level (its warnings become console.warn, not console.error). In Node,
// Emscripten writes stderr straight to the file descriptor, so the placement is
// unknown there and the report says what was requested.
import type * as OrtTypes from 'onnxruntime-web';

/** The API of one onnxruntime-web build (both builds have the same types). */
export type OrtModule = typeof OrtTypes;
export type { OrtTypes };

export type Backend = 'wasm' | 'webgpu';
export const BACKENDS: readonly Backend[] = ['wasm', 'webgpu'];

export interface OrtOptions {
  /** URL of the folder (ending in '/') that holds ort-wasm-simd-threaded{,.asyncify}.{mjs,wasm}.
   *  Default in a browser: the folder of the bundle chunk this module is in (build.mjs puts them side by side).
   *  Default in Node: onnxruntime-web's own files in node_modules. */
  wasmBase?: string;
  /** WASM threads. Default: 1 unless the page is cross-origin isolated (threads need SharedArrayBuffer);
   *  isolated: half the logical cores, at most 4, as onnxruntime-web itself would choose. Node: always 1. */
  numThreads?: number;
}

export interface OrtSetup {
  numThreads: number;
  crossOriginIsolated: boolean;
  wasmBase: string | null;
  /** True where the node placement can be read from onnxruntime's log (browser, worker). */
  placementVisible: boolean;
}

const isNode = typeof globalThis.process !== 'undefined' && !!globalThis.process.versions?.node;

let current: OrtSetup | null = null;

/** Sets onnxruntime's environment. The first call wins (a WASM runtime starts once); later calls return it. */
export function setupOrt(options: OrtOptions = {}): OrtSetup {
  if (current) return current;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  const numThreads = isNode ? 1 : Math.max(1, Math.floor(options.numThreads ?? (isolated ? Math.min(4, Math.ceil(cores / 2)) : 1)));
  let wasmBase: string | null = null;
  if (options.wasmBase !== undefined) wasmBase = options.wasmBase;
  else if (!isNode) wasmBase = new URL('./', import.meta.url).href;
  const placementVisible = !isNode && installLogTap();
  current = { numThreads, crossOriginIsolated: isolated, wasmBase, placementVisible };
  for (const m of Object.values(loaded)) if (m) applyEnv(m, current);
  return current;
}

function applyEnv(m: OrtModule, env: OrtSetup): void {
  m.env.wasm.numThreads = env.numThreads;
  m.env.wasm.proxy = false; // our own worker does the off-main-thread part
  if (env.wasmBase !== null) m.env.wasm.wasmPaths = env.wasmBase;
}

// ---------------------------------------------------------------------------
// The two builds, loaded on first use.

const loaded: Partial<Record<Backend, OrtModule>> = {};
const loading: Partial<Record<Backend, Promise<OrtModule>>> = {};

/** The onnxruntime-web build for `backend`, imported on the first call (and set up with `setupOrt`'s environment). */
export function loadOrt(backend: Backend): Promise<OrtModule> {
  if (!BACKENDS.includes(backend)) return Promise.reject(new Error(`unknown backend ${JSON.stringify(backend)}`));
  const p = (loading[backend] ??= (async () => {
    const m = (backend === 'wasm' ? await import('onnxruntime-web/wasm') : await import('onnxruntime-web/webgpu')) as OrtModule;
    applyEnv(m, setupOrt());
    loaded[backend] = m;
    return m;
  })());
  p.catch(() => {
    if (loading[backend] === p) delete loading[backend]; // a failed import may be retried
  });
  return p;
}

/** Which builds this context has imported so far (for tests: a WASM-only page never loads the WebGPU build). */
export function loadedBuilds(): Backend[] {
  return BACKENDS.filter((b) => loaded[b]);
}

/**
 * The plain WASM build's module, for code that makes tensors for a WASM session after
 * `await createSession(…, { backend: 'wasm' })` (or `await loadOrt('wasm')`):
 *   const s = await createSession(bytes, { backend: 'wasm' });
 *   await s.session.run({ x: new ort.Tensor('float32', data, dims) });
 * Reading it before the build is loaded throws. For a WebGPU session use `s.ort`.
 */
export const ort: OrtModule = new Proxy({} as OrtModule, {
  get(_target, key) {
    const m = loaded.wasm;
    if (!m) throw new Error(`ort.${String(key)}: the WASM build is not loaded yet (await loadOrt('wasm') or createSession first)`);
    return Reflect.get(m, key);
  },
});

// `ort.Tensor` and friends as types too, as with the namespace import this module used to export.
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace ort {
  export type Tensor = OrtTypes.Tensor;
  export type InferenceSession = OrtTypes.InferenceSession;
  export type OnnxValue = OrtTypes.OnnxValue;
}

/** A tensor of `s`'s own build. */
export function tensor(s: Pick<ModelSession, 'ort'>, type: 'float32', data: Float32Array, dims: readonly number[]): OrtTypes.Tensor;
export function tensor(s: Pick<ModelSession, 'ort'>, type: 'int32', data: Int32Array, dims: readonly number[]): OrtTypes.Tensor;
export function tensor(s: Pick<ModelSession, 'ort'>, type: 'int64', data: BigInt64Array, dims: readonly number[]): OrtTypes.Tensor;
export function tensor(s: Pick<ModelSession, 'ort'>, type: 'float32' | 'int32' | 'int64', data: Float32Array | Int32Array | BigInt64Array, dims: readonly number[]): OrtTypes.Tensor {
  return new s.ort.Tensor(type as 'float32', data as Float32Array, dims);
}

// ---------------------------------------------------------------------------
// Reading onnxruntime's log lines (browser and worker only).

// "2026-01-01 12:00:00.123456 [W:onnxruntime:, file.cc:12 Function] message"
const ORT_LINE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \[([VIWEF]):onnxruntime:[^\]]*\]\s?([\s\S]*)$/;
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
const PLACED = /(?:All nodes|Node\(s\)) placed on \[(\w+)\]\. Number of nodes: (\d+)/;

let capture: Record<string, number> | null = null;
let swallowing = false; // the previous line was a verbose one we kept out of the console

function installLogTap(): boolean {
  const c = globalThis.console as Console & { __ortTap?: boolean };
  if (!c || c.__ortTap) return !!c;
  const original = { log: c.log.bind(c), warn: c.warn.bind(c), error: c.error.bind(c), info: c.info.bind(c) };
  const tap = (fallback: (...a: unknown[]) => void) =>
    (...args: unknown[]) => {
      const text = args.length === 1 && typeof args[0] === 'string' ? args[0] : null;
      // onnxruntime colours its warnings with ANSI escapes ("\x1b[0;93m…\x1b[m"): read the line without them
      const m = text === null ? null : ORT_LINE.exec(text.replace(ANSI, ''));
      if (m) {
        const [, level, message] = m;
        const placed = PLACED.exec(message);
        if (placed && capture) capture[placed[1]] = (capture[placed[1]] ?? 0) + Number(placed[2]);
        if (level === 'V' || level === 'I') {
          swallowing = capture !== null;
          if (!swallowing) original.info(text);
          return;
        }
        swallowing = false;
        (level === 'W' ? original.warn : original.error)(text!.replace(ANSI, ''));
        return;
      }
      // continuation lines of a multi-line verbose message (the per-node list)
      if (swallowing && capture && text !== null && /^\s/.test(text)) return;
      swallowing = false;
      fallback(...args);
    };
  c.log = tap(original.log);
  c.error = tap(original.error);
  c.__ortTap = true;
  return true;
}

// ---------------------------------------------------------------------------
// WebGPU availability.

export interface WebGpuSupport {
  available: boolean;
  /** A software adapter (e.g. SwiftShader): it works, but is slower than WASM; not used by default. */
  fallback: boolean;
  description: string;
  reason?: string;
}

interface GpuLike {
  requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean }; isFallbackAdapter?: boolean } | null>;
}

export async function webgpuSupport(): Promise<WebGpuSupport> {
  const gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
  if (!gpu) return { available: false, fallback: false, description: '', reason: 'this browser has no WebGPU (navigator.gpu is missing)' };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { available: false, fallback: false, description: '', reason: 'the browser found no WebGPU adapter' };
    const info = adapter.info ?? {};
    const fallback = !!(info.isFallbackAdapter ?? adapter.isFallbackAdapter);
    const description = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ');
    return { available: true, fallback, description };
  } catch (e) {
    return { available: false, fallback: false, description: '', reason: `requesting a WebGPU adapter failed: ${(e as Error).message}` };
  }
}

/** WebGPU where the browser has a real (hardware) adapter, WASM otherwise. */
export async function preferredBackend(): Promise<Backend> {
  const s = await webgpuSupport();
  return s.available && !s.fallback ? 'webgpu' : 'wasm';
}

// ---------------------------------------------------------------------------
// Sessions.

export interface CreateSessionOptions {
  backend: Backend;
  /** Extra onnxruntime session options (execution providers are set from `backend`). */
  sessionOptions?: Omit<OrtTypes.InferenceSession.SessionOptions, 'executionProviders'>;
}

export interface ModelSession {
  session: OrtTypes.InferenceSession;
  backend: Backend;
  /** The build this session belongs to: make its input tensors with `ort.Tensor` of this module. */
  ort: OrtModule;
  /** Node counts by onnxruntime execution provider, from its placement log; null where that log can't be read. */
  placement: Record<string, number> | null;
}

const EP_OF: Record<string, Backend> = { WebGpuExecutionProvider: 'webgpu', CPUExecutionProvider: 'wasm' };

let queue: Promise<unknown> = Promise.resolve();

/** Creates a session on exactly one backend, with that backend's build: no silent fallback from WebGPU to WASM. */
export function createSession(bytes: Uint8Array, options: CreateSessionOptions): Promise<ModelSession> {
  const run = async (): Promise<ModelSession> => {
    const env = setupOrt();
    if (options.backend === 'webgpu') {
      const support = await webgpuSupport();
      if (!support.available) throw new Error(`WebGPU is not available: ${support.reason}`);
    }
    const mod = await loadOrt(options.backend);
    const sessionOptions: OrtTypes.InferenceSession.SessionOptions = {
      // WASM: onnxruntime's 'basic' graph optimisations, not its default 'all'. The first screen's clip is
      // the same bytes either way, a warm clip is no slower (Node, 4 warm clips each, paired: 1.47 s with
      // 'basic', 1.53 s with 'all'; the browser bench's runs of either spread 1.35–1.55 s), and a session is
      // made sooner: the DiT's in 0.40–0.55 s instead of 0.55–0.74 s in a cold Chromium here, which a first
      // visit waits for (npm run bench -- first-clip-cold: 4.25 s against 4.53 s, 16 steps both).
      ...(options.backend === 'wasm' ? { graphOptimizationLevel: 'basic' as const } : {}),
      ...options.sessionOptions,
      executionProviders: [options.backend],
    };
    if (!env.placementVisible) {
      const session = await mod.InferenceSession.create(bytes, sessionOptions);
      return { session, backend: options.backend, ort: mod, placement: null };
    }
    // Verbose for this session's creation only, to read the node placement; runs log at warning level.
    capture = {};
    try {
      const session = await mod.InferenceSession.create(bytes, { ...sessionOptions, logSeverityLevel: 0 });
      const placement = Object.keys(capture).length > 0 ? capture : null;
      return { session, backend: options.backend, ort: mod, placement };
    } finally {
      capture = null;
      swallowing = false;
    }
  };
  // One session is created at a time, so the log lines read belong to it.
  const next = queue.then(run, run);
  queue = next.catch(() => undefined);
  return next;
}

export interface ExecutionReport {
  requested: Backend;
  /** 'mixed' when onnxruntime put some nodes on WebGPU and some on the CPU. */
  ran: Backend | 'mixed';
  /** Whether `ran` comes from onnxruntime's own node placement (true) or just from what was requested (false). */
  measured: boolean;
  nodes: Record<string, number> | null;
  /** For the page: "WebGPU", "WASM (CPU)", "WebGPU (5 nodes) + WASM (2 nodes)". */
  label: string;
}

export const BACKEND_LABEL: Record<Backend, string> = { webgpu: 'WebGPU', wasm: 'WASM (CPU)' };
const LABEL = BACKEND_LABEL;

/** Which execution provider actually runs this session's nodes. */
export function executionReport(s: Pick<ModelSession, 'backend' | 'placement'>): ExecutionReport {
  if (!s.placement) {
    return { requested: s.backend, ran: s.backend, measured: false, nodes: null, label: LABEL[s.backend] };
  }
  const backends = new Set(Object.keys(s.placement).map((ep) => EP_OF[ep] ?? ep));
  const ran = backends.size === 1 ? ([...backends][0] as Backend) : 'mixed';
  const label =
    ran === 'mixed'
      ? Object.entries(s.placement)
          .map(([ep, n]) => `${LABEL[EP_OF[ep]] ?? ep} (${n} node${n === 1 ? '' : 's'})`)
          .join(' + ')
      : (LABEL[ran] ?? ran);
  return { requested: s.backend, ran, measured: true, nodes: { ...s.placement }, label };
}
