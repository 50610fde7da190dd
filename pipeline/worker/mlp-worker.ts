// The MLP worker (bundled as mlp-worker.js by build.mjs, beside the model
// worker): trains chapter 0's small network (pipeline/lessons/mlp2d-train.ts)
// in chunks of about SNAPSHOT_MS, reporting the losses and the weights after
// each, and samples it (and, once a run, the ideal denoiser) for the figure's
// comparison. The page talks to it through ./mlp-client.ts; the protocol is
// ./mlp-protocol.ts. Same seed, same steps: the same weights as in Node.
import { makeSchedule } from '../diffusion/schedule';
import { Mlp2DTrainer, compareSamples, idealLoss } from '../lessons/mlp2d-train';
import { SAMPLE_EVERY_MS, SNAPSHOT_MS, type FromMlpWorker, type ToMlpWorker } from './mlp-protocol';

interface WorkerScope {
  postMessage(message: FromMlpWorker, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<ToMlpWorker>) => void): void;
}

interface Run {
  gen: number;
  seed: number;
  trainer: Mlp2DTrainer;
  target: number;
  /** Losses already sent. */
  sent: number;
  /** The step the last samples were made at (−1: none yet), and when. */
  sampledStep: number;
  sampledAt: number;
  exactSent: boolean;
  trainMs: number;
}

const scope = globalThis as unknown as WorkerScope;
const { alphasCumprod } = makeSchedule({ betaSchedule: 'linear' });
let run: Run | null = null;
let scheduled = false;

function fail(gen: number, error: unknown) {
  run = null;
  scope.postMessage({ type: 'error', gen, message: error instanceof Error ? error.message : String(error) }, []);
}

/** One chunk of steps (if any are due), then a snapshot; again until the target is reached. */
function tick() {
  scheduled = false;
  const r = run;
  if (!r) return;
  try {
    const tr = r.trainer;
    if (tr.steps < r.target) {
      const t0 = performance.now();
      tr.trainTo(r.target, SNAPSHOT_MS);
      r.trainMs += performance.now() - t0;
    }
    const idle = tr.steps >= r.target;
    const now = performance.now();
    let samples: Float32Array | null = null;
    if (r.sampledStep !== tr.steps && (idle || now - r.sampledAt >= SAMPLE_EVERY_MS)) {
      samples = compareSamples(tr.options.data, tr.ema, r.seed, alphasCumprod);
      r.sampledStep = tr.steps;
      r.sampledAt = now;
    }
    const exactSamples = r.exactSent ? null : compareSamples(tr.options.data, null, r.seed, alphasCumprod);
    const exactLoss = r.exactSent ? null : idealLoss(tr.options.data, alphasCumprod);
    r.exactSent = true;
    const losses = tr.losses.slice(r.sent);
    const params = tr.params.slice(), ema = tr.ema.slice();
    const transfer: Transferable[] = [losses.buffer, params.buffer, ema.buffer];
    if (samples) transfer.push(samples.buffer);
    if (exactSamples) transfer.push(exactSamples.buffer);
    scope.postMessage(
      { type: 'snapshot', gen: r.gen, steps: tr.steps, target: r.target, from: r.sent, losses, params, ema, samples, exactSamples, exactLoss, trainMs: r.trainMs },
      transfer,
    );
    r.sent = tr.steps;
    if (!idle) schedule();
  } catch (error) {
    fail(r.gen, error);
  }
}

/** The next chunk after any message waiting (a pause) has been read. */
function schedule() {
  if (scheduled) return;
  scheduled = true;
  setTimeout(tick, 0);
}

scope.addEventListener('message', (e) => {
  const m = e.data;
  if (m.type === 'reset') {
    try {
      const data = { xy: m.xy, n: m.xy.length >> 1 };
      const trainer = new Mlp2DTrainer({ data, seed: m.seed, alphasCumprod });
      run = { gen: m.gen, seed: m.seed, trainer, target: m.target, sent: 0, sampledStep: -1, sampledAt: 0, exactSent: false, trainMs: 0 };
    } catch (error) {
      fail(m.gen, error);
      return;
    }
  } else if (m.type === 'train') {
    if (!run || run.gen !== m.gen) return;
    run.target = Math.max(m.target, run.trainer.steps);
  }
  schedule();
});
