// The one typed message interface between the page and the model worker.
//
// The page sends requests; each names the cell it comes from. A newer request
// from the same cell cancels the older one (the worker stops it before its next
// denoising step or model call, and answers 'cancelled'), so a stale result is
// never shown. While a job runs the worker streams progress (downloads, stages,
// step k of n with the intermediate tensors the request asked for); it ends with
// exactly one 'result', 'error' or 'cancelled' message.
import type { WebGpuSupport } from '../runtime/ort';
import type { Manifest } from '../runtime/manifest';
import type { BackendPreference, BackendReport, Feeds, Outputs } from '../runtime/models';
import type { DownloadProgress } from '../runtime/weights';
import type { EncodedPrompt } from '../text-to-video/prompt';
import type { SampleOptions, SampleResult, StepProgress } from '../text-to-video/sample';
import type { DecodedFrames, Frames } from '../text-to-video/vae';
import type { TextToVideoOptions, GeneratedClip } from '../text-to-video/clip';
import type { Verdict } from '../world/judge';

/** Decode the predicted clean latent x̂₀ to frames every `every` steps (and at the last), for a live preview. */
export interface PreviewOption {
  every?: number;
  /** Decode the step's input x_t too (a VAE call of its own), sent as the step's `previewInput`. */
  input?: boolean;
}

/** Every job the worker does, by kind: what it takes and what it answers. */
export interface Jobs {
  /** The manifest, which models are cached already, and WebGPU's availability. */
  status: { in: { models?: string[] }; out: { manifest: Manifest; cached: Record<string, boolean>; loaded: Record<string, boolean>; webgpu: WebGpuSupport } };
  /** Download (or read from the cache) and check some models' weights. */
  load: { in: { models: string[] }; out: { models: string[] } };
  encodePrompt: { in: { prompt: string; negativePrompt?: string }; out: Omit<EncodedPrompt, 'report' | 'ms'> };
  sample: { in: { options: SampleOptions; preview?: PreviewOption }; out: SampleResult };
  generate: { in: { options: TextToVideoOptions; preview?: PreviewOption }; out: GeneratedClip };
  decode: { in: { latent: Float32Array; frames: number; height: number; width: number }; out: Frames };
  encodeFrames: { in: { frames: Frames }; out: { latent: Float32Array; shape: [number, number, number, number] } };
  /** One call of any model in the manifest (e.g. dit_inspect for attention maps). */
  run: { in: { model: string; feeds: Feeds }; out: { outputs: Outputs; ms: number } };
  /** The judge on a clip (no model). */
  judge: { in: { clip: Frames; prompt: string }; out: Verdict };
}

export type JobKind = keyof Jobs;
export type Job<K extends JobKind = JobKind> = K extends JobKind ? { kind: K } & Jobs[K]['in'] : never;
export type JobResult<K extends JobKind> = Jobs[K]['out'];

export type Progress =
  | ({ kind: 'download' } & DownloadProgress)
  | { kind: 'stage'; stage: 'encode' | 'sample' | 'decode' | 'judge' }
  | ({ kind: 'step'; preview?: DecodedFrames; previewInput?: DecodedFrames } & Omit<StepProgress, 'outputs'>);

// ---------------------------------------------------------------------------
// Page → worker.

export interface ConfigureMessage {
  type: 'configure';
  /** URL of the weights folder (ending in '/'): manifest.json and the ONNX files. */
  weightsBase: string;
  /** Let 'auto' consider a software WebGPU adapter; for tests. */
  softwareWebGpu?: boolean;
  /** WASM threads (default: pipeline/runtime/ort.ts's choice). */
  numThreads?: number;
}

export interface RequestMessage<K extends JobKind = JobKind> {
  type: 'request';
  id: number;
  /** The cell it comes from: a newer request from the same cell cancels this one. */
  cell: string;
  backend: BackendPreference;
  job: Job<K>;
}

export interface CancelMessage {
  type: 'cancel';
  id: number;
}

export type ToWorker = ConfigureMessage | RequestMessage | CancelMessage;

// ---------------------------------------------------------------------------
// Worker → page.

export interface ProgressMessage {
  type: 'progress';
  id: number;
  progress: Progress;
}

export interface ResultMessage {
  type: 'result';
  id: number;
  result: unknown;
  /** What ran each model this job used. */
  reports: BackendReport[];
  /** Time from the request's arrival in the worker to its result, ms. */
  ms: number;
}

export interface SerializedError {
  name: string;
  message: string;
  /** The manifest name of the model the error is about, if any. */
  model?: string | null;
  /** WeightsError's kind: 'missing', 'corrupt', 'not-in-manifest', 'download', 'manifest'. */
  kind?: string;
}

export interface ErrorMessage {
  type: 'error';
  id: number;
  error: SerializedError;
  reports: BackendReport[];
}

export interface CancelledMessage {
  type: 'cancelled';
  id: number;
}

export type FromWorker = ProgressMessage | ResultMessage | ErrorMessage | CancelledMessage;

export function serializeError(e: unknown): SerializedError {
  if (e instanceof Error) {
    const extra = e as Error & { model?: string | null; kind?: string };
    return { name: e.name, message: e.message || e.name, model: extra.model ?? null, kind: extra.kind };
  }
  return { name: 'Error', message: typeof e === 'string' ? e : JSON.stringify(e) ?? String(e) };
}

/** The ArrayBuffers of every typed array in `value` that owns its whole buffer (those can move, not copy). */
export function transferables(value: unknown, out: Set<ArrayBuffer> = new Set(), seen: Set<unknown> = new Set()): ArrayBuffer[] {
  const visit = (v: unknown) => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (ArrayBuffer.isView(v)) {
      const b = v.buffer;
      if (b instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === b.byteLength) out.add(b);
      return;
    }
    if (Array.isArray(v)) v.forEach(visit);
    else for (const x of Object.values(v)) visit(x);
  };
  visit(value);
  return [...out];
}
