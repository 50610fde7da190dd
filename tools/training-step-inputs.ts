// The inputs of one training step, written for PyTorch (issue 22's golden):
// the clip's pixels, its caption and tokens, t and ε, made by the page's own
// code for a state of the training chapter, so that
// weights/train/training_step_golden.py computes z₀, z_t, v, the DiT's v̂ and
// the losses from exactly what the page uses, and writes the golden file that
// test/unit/lessons/training-step.test.ts and the chapter's browser test check.
//
//   npx tsx tools/training-step-inputs.ts [--clip red-right] [--world 3] [--t 700] [--noise 5] [--out weights/.work/training-step-inputs.json]
//   flock /tmp/cpu.lock env OPENBLAS_NUM_THREADS=1 /usr/bin/python3 weights/train/training_step_golden.py
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { trainedSharedNoise, trainingNoise } from '../pipeline/lessons/training-step';
import type { Manifest } from '../pipeline/runtime/manifest';
import { readManifestIfAny } from '../pipeline/runtime/weights-node';
import { tokenize } from '../pipeline/world/tokenizer';
import { CLIP_IDS, clipOf, MODEL, type ClipId } from '../chapters/chapter-training/state';
import { intFlag, parseArgs } from './args';

/** The state of the training chapter a golden is made for. */
export interface StepState {
  clip: ClipId;
  world: number;
  t: number;
  noise: number;
}

/** The golden's state unless told otherwise: a clip, at a t where the weight is below its peak. */
export const GOLDEN_STATE: StepState = { clip: 'red-right', world: 3, t: 700, noise: 5 };

export interface StepInputs {
  state: StepState;
  model: string;
  caption: string;
  tokens: number[];
  numFrames: number;
  height: number;
  width: number;
  /** RGB bytes (F, 32, 32, 3), base64. */
  frames: string;
  /** ε (F, 4, 8, 8) float32 little-endian, base64. */
  eps: string;
  /** The frames' shared part ε was drawn with (the manifest's shared_noise_trained). */
  sharedNoise: number;
}

const b64 = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

/** The inputs of the step the state names, as the page makes them. */
export function stepInputs(state: StepState, manifest: Manifest): StepInputs {
  const { clip, caption } = clipOf(state);
  const sharedNoise = trainedSharedNoise(manifest, MODEL);
  const eps = trainingNoise(state.noise, clip.numFrames, sharedNoise);
  return {
    state,
    model: MODEL,
    caption,
    tokens: Array.from(tokenize(caption).ids),
    numFrames: clip.numFrames,
    height: clip.height,
    width: clip.width,
    frames: b64(clip.frames),
    eps: b64(eps),
    sharedNoise,
  };
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const clip = (args.flags.get('clip') ?? GOLDEN_STATE.clip) as ClipId;
  if (!CLIP_IDS.includes(clip)) throw new Error(`--clip must be one of ${CLIP_IDS.join(', ')}`);
  const state: StepState = {
    clip,
    world: intFlag(args, 'world', GOLDEN_STATE.world, 0, 99_999),
    t: intFlag(args, 't', GOLDEN_STATE.t, 0, 999),
    noise: intFlag(args, 'noise', GOLDEN_STATE.noise, 0, 99_999),
  };
  const manifest = readManifestIfAny();
  if (!manifest) throw new Error('weights/manifest.json is missing');
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const out = path.resolve(root, args.flags.get('out') ?? 'weights/.work/training-step-inputs.json');
  mkdirSync(path.dirname(out), { recursive: true });
  const inputs = stepInputs(state, manifest);
  writeFileSync(out, JSON.stringify(inputs) + '\n');
  console.log(`wrote ${path.relative(root, out)}: “${inputs.caption}”, ${inputs.numFrames} frames, t = ${state.t}, noise seed ${state.noise}, a = ${inputs.sharedNoise}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
