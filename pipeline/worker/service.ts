// The model worker's brain, without the worker: it takes the messages of
// ./protocol.ts and answers through `post`. ./model-worker.ts wires it
// to `self`; the unit tests drive it directly in Node.
//
// Jobs run concurrently (a slider's cheap request is not stuck behind a whole
// generation); their model calls meet in each session's queue (../runtime/models.ts), one
// call at a time. A newer request from a cell aborts the older one's signal; the
// older job stops at its next check (before each denoising step and each model
// call), and its answer is 'cancelled'.
import { setupOrt } from '../runtime/ort';
import { ModelHost, type BackendReport, type ModelRunner, type RunOptions, type RunResult } from '../runtime/models';
import { httpWeights, type WeightSource } from '../runtime/weights';
import {
  serializeError,
  transferables,
  type FromWorker,
  type Job,
  type JobKind,
  type JobResult,
  type PreviewOption,
  type Progress,
  type RequestMessage,
  type ToWorker,
} from './protocol';
import { encodePrompt } from '../text-to-video/prompt';
import { sample, type StepProgress } from '../text-to-video/sample';
import { decodeLatents, encodeFrames } from '../text-to-video/vae';
import { textToVideo, scoreClip } from '../text-to-video/clip';

export type Post = (message: FromWorker, transfer: Transferable[]) => void;

export interface ServiceOptions {
  /** Weights when no 'configure' message came (Node tests); in the worker the page configures them. */
  source?: WeightSource;
  softwareWebGpu?: boolean;
}

interface Running {
  cell: string;
  controller: AbortController;
}

export class ModelService {
  private host: ModelHost | null;
  private readonly running = new Map<number, Running>();
  private readonly latestOfCell = new Map<string, number>();

  constructor(private readonly post: Post, options: ServiceOptions = {}) {
    this.host = options.source ? new ModelHost(options.source, { softwareWebGpu: options.softwareWebGpu }) : null;
  }

  handle(message: ToWorker): void {
    if (message.type === 'configure') {
      setupOrt(message.numThreads ? { numThreads: message.numThreads } : {});
      void this.host?.release();
      this.host = new ModelHost(httpWeights(message.weightsBase), { softwareWebGpu: message.softwareWebGpu });
    } else if (message.type === 'cancel') {
      this.running.get(message.id)?.controller.abort();
    } else if (message.type === 'request') {
      void this.start(message);
    }
  }

  /** Requests started and not yet answered (for tests). */
  get pending(): number {
    return this.running.size;
  }

  private async start(message: RequestMessage): Promise<void> {
    const { id, cell } = message;
    const older = this.latestOfCell.get(cell);
    if (older !== undefined) this.running.get(older)?.controller.abort();
    this.latestOfCell.set(cell, id);
    const controller = new AbortController();
    this.running.set(id, { cell, controller });
    const reports = new Map<string, BackendReport>();
    const t0 = globalThis.performance.now();
    const progress = (p: Progress) => {
      if (!controller.signal.aborted) this.post({ type: 'progress', id, progress: p }, transferables(p));
    };
    try {
      if (!this.host) throw new Error('the model worker has no weights configured');
      // Every model call of this job goes through here: it carries the job's backend, signal and download progress.
      const host = this.host;
      const runner: ModelRunner = {
        manifest: () => host.manifest(),
        run: async (model, feeds, options: RunOptions = {}): Promise<RunResult> => {
          // The request's backend and signal, whatever the pipeline function passed along (it may pass undefined).
          const r = await host.run(model, feeds, {
            backend: options.backend ?? message.backend,
            signal: options.signal ?? controller.signal,
            onLoad: (d) => {
              progress({ kind: 'download', ...d });
              options.onLoad?.(d);
            },
          });
          reports.set(model, r.report);
          return r;
        },
      };
      const result = await this.execute(host, runner, message.job, controller.signal, progress);
      controller.signal.throwIfAborted();
      this.post({ type: 'result', id, result, reports: [...reports.values()], ms: globalThis.performance.now() - t0 }, transferables(result));
    } catch (e) {
      if (controller.signal.aborted) this.post({ type: 'cancelled', id }, []);
      else this.post({ type: 'error', id, error: serializeError(e), reports: [...reports.values()] }, []);
    } finally {
      this.running.delete(id);
      if (this.latestOfCell.get(cell) === id) this.latestOfCell.delete(cell);
    }
  }

  private async execute(host: ModelHost, runner: ModelRunner, job: Job, signal: AbortSignal, progress: (p: Progress) => void): Promise<JobResult<JobKind>> {
    const call = { signal };
    // A step's progress; with a preview, x̂₀ decoded to frames every `every` steps (a VAE call of its own),
    // and with `preview.input` the step's input x_t too (another).
    const onStepWith = (preview: PreviewOption | undefined, size: { height?: number; width?: number }) =>
      async ({ outputs: _raw, ...p }: StepProgress) => { // a twin's raw outputs stay here: the page asked for none of them
        let decoded, decodedInput;
        const every = Math.max(1, Math.floor(preview?.every ?? 1));
        if (preview && p.predX0 && (p.step % every === 0 || p.step === p.of)) {
          const height = size.height ?? 8, width = size.width ?? 8;
          const frames = p.predX0.length / (4 * height * width);
          decoded = await decodeLatents(runner, p.predX0, { frames, height, width }, call);
          if (preview.input && p.input) decodedInput = await decodeLatents(runner, p.input, { frames, height, width }, call);
        }
        progress({ kind: 'step', ...p, ...(decoded ? { preview: decoded } : {}), ...(decodedInput ? { previewInput: decodedInput } : {}) });
      };
    switch (job.kind) {
      case 'status': {
        const manifest = await host.manifest();
        const names = job.models ?? Object.keys(manifest.models);
        const cached: Record<string, boolean> = {};
        const loaded: Record<string, boolean> = {};
        for (const n of names) {
          if (!manifest.models[n]) continue;
          loaded[n] = host.isLoaded(n);
          cached[n] = loaded[n] || (await host.source.isCached(n).catch(() => false));
        }
        return { manifest, cached, loaded, webgpu: await host.webgpuSupport() };
      }
      case 'load': {
        for (const model of job.models) {
          signal.throwIfAborted();
          await host.load(model, { onProgress: (d) => progress({ kind: 'download', ...d }) });
        }
        return { models: job.models };
      }
      case 'encodePrompt': {
        const { prompt, negative } = await encodePrompt(runner, job.prompt, { ...call, negativePrompt: job.negativePrompt });
        return { prompt, negative };
      }
      case 'sample':
      case 'generate': {
        // A preview needs x̂₀ of the steps it shows (and x_t, when it decodes the input too).
        const options = job.preview
          ? { ...job.options, capture: { ...job.options.capture, predX0: true, ...(job.preview.input ? { input: true } : {}) } }
          : job.options;
        const onStep = onStepWith(job.preview, options);
        if (job.kind === 'sample') return sample(runner, options as typeof job.options, { ...call, onStep });
        return textToVideo(runner, options as typeof job.options, { ...call, onStep, onStage: (stage) => progress({ kind: 'stage', stage }) });
      }
      case 'decode': {
        const d = await decodeLatents(runner, job.latent, { frames: job.frames, height: job.height, width: job.width }, call);
        return { frames: d.frames, numFrames: d.numFrames, width: d.width, height: d.height };
      }
      case 'encodeFrames': {
        const e = await encodeFrames(runner, job.frames, call);
        return { latent: e.latent, shape: e.shape };
      }
      case 'run': {
        const r = await runner.run(job.model, job.feeds, call);
        return { outputs: r.outputs, ms: r.ms };
      }
      case 'judge':
        return scoreClip(job.clip, job.prompt);
      default: {
        const never: never = job;
        throw new Error(`unknown job ${JSON.stringify((never as { kind: string }).kind)}`);
      }
    }
  }
}
