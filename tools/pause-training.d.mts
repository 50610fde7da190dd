// Types of tools/pause-training.mjs, for the TypeScript tests that import it.

/** The live processes of every training or evaluation run of `root`'s checkouts (weights/.work/pids/*, and train.pid). */
export function trainingPids(root: string): number[];

/** Other live processes that hold a pause of `root`'s checkouts (weights/.work/pauses/*); with `run`, those that hold that run. */
export function otherPausers(root: string, run?: number): number[];

/** Runs `fn` with the training runs stopped (SIGSTOP), and starts them again afterwards unless another pauser still holds them. */
export function withTrainingPaused<T>(root: string, fn: () => Promise<T>): Promise<T>;
