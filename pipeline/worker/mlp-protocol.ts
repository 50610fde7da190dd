// The messages between the page and the MLP worker (./mlp-worker.ts), which
// trains chapter 0's small network (pipeline/lessons/mlp2d-train.ts) off the
// main thread. Typed arrays travel as transfers.

/** Start afresh: a network for `seed` on the points `xy`, trained to `target` steps, then idle. */
export interface MlpResetMessage {
  type: 'reset';
  /** Numbers this training run; snapshots carry it, so the page drops an older run's. */
  gen: number;
  seed: number;
  /** The data set, interleaved x, y. */
  xy: Float32Array;
  target: number;
}

/** Train on to `target` steps (a target at or below the steps taken stops where it is: a pause). */
export interface MlpTrainMessage {
  type: 'train';
  gen: number;
  target: number;
}

export type ToMlpWorker = MlpResetMessage | MlpTrainMessage;

/** Where a run stands: sent about every SNAPSHOT_MS while training, and once when it stops. */
export interface MlpSnapshot {
  type: 'snapshot';
  gen: number;
  /** Adam steps taken. */
  steps: number;
  /** Where it is training to (steps = target: idle). */
  target: number;
  /** The batch losses of steps from + 1 … steps (the page keeps the earlier ones). */
  from: number;
  losses: Float32Array;
  /** The weights after `steps` steps, and their moving average (what the figure samples with). */
  params: Float32Array;
  ema: Float32Array;
  /** Samples of the network (EMA weights at `steps`), when this snapshot made new ones. */
  samples: Float32Array | null;
  /** Samples of the ideal denoiser from the same starting noise: in the first snapshot of a run. */
  exactSamples: Float32Array | null;
  /** The ideal denoiser's loss on the data set (mlp2d-train.ts idealLoss): in the first snapshot of a run. */
  exactLoss: number | null;
  /** Worker milliseconds spent in Adam steps since the reset. */
  trainMs: number;
}

export interface MlpErrorMessage {
  type: 'error';
  gen: number;
  message: string;
}

export type FromMlpWorker = MlpSnapshot | MlpErrorMessage;

/** About how often a training worker reports (ms): each chunk of steps lasts this long. */
export const SNAPSHOT_MS = 100;
/** How often, at most, it samples the network while training (ms); always once when it stops. */
export const SAMPLE_EVERY_MS = 2000;
