// The DiT's committed learning curve, read at build time: weights/logs/dit.jsonl
// (recipes 1–6) and dit-noise-a1.jsonl (the fine-tune on shared noise that
// went on from recipe 6's end), up to the step the shipped weights were saved
// at (the manifest's; a run that went on after them logs more). esbuild
// inlines the logs' text (`with { type: 'text' }`); Node cannot import this
// file, so the figure loads it with a dynamic import, and the reader
// (pipeline/lessons/learning-curve.ts) is what the unit test checks.
import ditLog from '../../weights/logs/dit.jsonl' with { type: 'text' };
import noiseLog from '../../weights/logs/dit-noise-a1.jsonl' with { type: 'text' };
import manifest from '../../weights/manifest.json';
import { joinLogs, parseTrainingLog, smoothLoss } from '../../pipeline/lessons/learning-curve';

/** The step of the shipped DiT. */
export const SHIPPED_STEP: number = manifest.models.dit.steps;
/** Every logged batch's min-SNR-5 loss, recipes 1–6 then the shared-noise fine-tune, to the shipped step. */
export const CURVE = joinLogs([parseTrainingLog(ditLog), parseTrainingLog(noiseLog)], SHIPPED_STEP);
/** Its running mean over 9 logged batches (900 steps). */
export const SMOOTH = smoothLoss(CURVE, 9);
/** The snapshots' steps, from the manifest. */
export const SNAPSHOT_STEPS = { dit_snap16: manifest.models.dit_snap16.steps, dit_snap4: manifest.models.dit_snap4.steps };
