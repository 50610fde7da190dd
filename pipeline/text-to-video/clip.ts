// The whole pipeline, prompt → clip: encode the prompt, sample a latent clip,
// decode it, and let the world's judge say whether it matches the prompt.
// `npm run generate` (tools/generate.ts) and the page's worker both call this.
import { judgeClip, type Verdict } from '../world/judge';
import type { BackendReport, ModelRunner } from '../runtime/models';
import { encodePrompt, guidanceContexts, type CallOptions, type EncodedPrompt } from './prompt';
import { sample, type SampleOptions, type SampleResult, type StepProgress } from './sample';
import { decodeLatents, encodeFrames, type Frames } from './vae';

export interface TextToVideoOptions extends Omit<SampleOptions, 'context' | 'fixedFrames' | 'init'> {
  prompt: string;
  negativePrompt?: string;
  /** Image-to-video: frames whose pixels are given (each (H, W, 3) bytes), kept by replacement. */
  fixedFrames?: { index: number; frame: Uint8Array }[];
  /** SDEdit: start from this clip ((F, H, W, 3) bytes), keeping `strength` of the steps. */
  init?: { frames: Uint8Array; strength: number };
  /** Judge the clip against the prompt; default true. */
  judge?: boolean;
}

export interface TextToVideoHooks extends CallOptions {
  onStep?: (p: StepProgress) => void | Promise<void>;
  /** Called as each stage starts: the page lights the stage up. */
  onStage?: (stage: 'encode' | 'sample' | 'decode' | 'judge') => void;
}

export interface GeneratedClip extends Frames {
  prompt: string;
  /** The clean latent, scaled, (F, 4, h, w). */
  latent: Float32Array;
  sample: Omit<SampleResult, 'latent'>;
  encoded: Pick<EncodedPrompt, 'prompt' | 'negative'>;
  verdict: Verdict | null;
  /** Wall time of each stage, ms. */
  timings: { encode: number; sample: number; decode: number; judge: number; total: number };
  /** What ran each model. */
  reports: Record<string, BackendReport>;
}

/** The judge's verdict on a clip (RGB bytes (F, H, W, 3)). Never throws. */
export function scoreClip(clip: Frames, prompt: string): Verdict {
  return judgeClip(clip.frames, clip.numFrames, clip.width, clip.height, prompt);
}

export async function textToVideo(runner: ModelRunner, options: TextToVideoOptions, hooks: TextToVideoHooks = {}): Promise<GeneratedClip> {
  const now = () => globalThis.performance.now();
  const t0 = now();
  const call: CallOptions = { backend: hooks.backend, signal: hooks.signal, onLoad: hooks.onLoad };
  hooks.onStage?.('encode');
  const encoded = await encodePrompt(runner, options.prompt, { ...call, negativePrompt: options.negativePrompt });
  const t1 = now();
  const reports: Record<string, BackendReport> = { [encoded.report.model]: encoded.report };

  const latentSize = { height: options.height ?? 8, width: options.width ?? 8 };
  const H = latentSize.height * 4, W = latentSize.width * 4;
  let fixedFrames: SampleOptions['fixedFrames'];
  if (options.fixedFrames?.length) {
    const n = options.fixedFrames.length;
    const bytes = new Uint8Array(n * H * W * 3);
    options.fixedFrames.forEach((f, i) => {
      if (f.frame.length !== H * W * 3) throw new RangeError(`textToVideo: fixed frame ${f.index} must be ${H} × ${W} RGB bytes`);
      bytes.set(f.frame, i * H * W * 3);
    });
    const enc = await encodeFrames(runner, { frames: bytes, numFrames: n, width: W, height: H }, call);
    reports[enc.report.model] = enc.report;
    const size = enc.latent.length / n;
    fixedFrames = options.fixedFrames.map((f, i) => ({ index: f.index, latent: enc.latent.slice(i * size, (i + 1) * size) }));
  }
  let init: SampleOptions['init'];
  if (options.init) {
    const F = options.init.frames.length / (H * W * 3);
    if (!Number.isInteger(F)) throw new RangeError(`textToVideo: init frames must be whole ${H} × ${W} RGB frames`);
    const enc = await encodeFrames(runner, { frames: options.init.frames, numFrames: F, width: W, height: H }, call);
    reports[enc.report.model] = enc.report;
    init = { latent: enc.latent, strength: options.init.strength };
  }

  hooks.onStage?.('sample');
  const { prompt: _p, negativePrompt: _n, judge: _j, ...rest } = options;
  const sampled = await sample(
    runner,
    {
      ...rest,
      context: guidanceContexts(encoded),
      fixedFrames,
      init,
    },
    { ...call, onStep: hooks.onStep },
  );
  const t2 = now();
  if (sampled.report) reports[sampled.report.model] = sampled.report;

  hooks.onStage?.('decode');
  const [F, , h, w] = sampled.shape;
  const decoded = await decodeLatents(runner, sampled.latent, { frames: F, height: h, width: w }, call);
  reports[decoded.report.model] = decoded.report;
  const t3 = now();

  let verdict: Verdict | null = null;
  if (options.judge !== false) {
    hooks.onStage?.('judge');
    verdict = scoreClip(decoded, options.prompt);
  }
  const t4 = now();
  const { latent, ...sampleInfo } = sampled;
  return {
    prompt: options.prompt,
    frames: decoded.frames,
    numFrames: decoded.numFrames,
    width: decoded.width,
    height: decoded.height,
    latent,
    sample: sampleInfo,
    encoded: { prompt: encoded.prompt, negative: encoded.negative },
    verdict,
    timings: { encode: t1 - t0, sample: t2 - t1, decode: t3 - t2, judge: t4 - t3, total: t4 - t0 },
    reports,
  };
}
