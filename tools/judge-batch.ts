/**
 * npm run judge-batch -- --frames samples.npy --prompts prompts.txt [--verbose]
 *
 * Judges many samples at once: frames.npy is uint8 (N, T, H, W, 3) and
 * prompts.txt has one prompt a line (N lines). Prints each failing sample's
 * reason with --verbose, then one JSON line: { passed, n, rate, ci95 }. The training
 * scripts use it to check samples while they train.
 */
import { readFileSync } from 'node:fs';
import { judgeClip } from '../pipeline/world/judge';
import { wilson } from '../pipeline/world/score';
import { parseArgs } from './args';
import { readNpy } from './npy';

function main(): number {
  const args = parseArgs(process.argv.slice(2));
  const framesPath = args.flags.get('frames'), promptsPath = args.flags.get('prompts');
  if (!framesPath || !promptsPath) throw new Error('usage: --frames FILE.npy --prompts FILE.txt');
  const arr = readNpy(readFileSync(framesPath));
  if (arr.dtype !== '|u1' || arr.shape.length !== 5 || arr.shape[4] !== 3) throw new Error(`expected uint8 (N, T, H, W, 3), got ${arr.dtype} (${arr.shape})`);
  const [n, t, h, w] = arr.shape;
  const prompts = readFileSync(promptsPath, 'utf8').split('\n').filter((l) => l.trim());
  if (prompts.length !== n) throw new Error(`${n} samples but ${prompts.length} prompts`);
  const size = t * h * w * 3;
  let passed = 0;
  for (let i = 0; i < n; i++) {
    const frames = new Uint8Array(arr.data.buffer, arr.data.byteOffset + i * size, size);
    const v = judgeClip(frames, t, w, h, prompts[i]);
    if (v.pass) passed++;
    if (args.flags.has('verbose')) console.log(`${v.pass ? 'PASS' : 'FAIL'}  ${prompts[i]}  —  ${v.reason}`);
  }
  console.log(JSON.stringify({ passed, n, rate: n ? passed / n : 0, ci95: wilson(passed, n).map((v) => +v.toFixed(4)) }));
  return 0;
}

try {
  process.exit(main());
} catch (e) {
  console.error(`judge-batch: ${(e as Error).message}`);
  process.exit(2);
}
