/**
 * npm run bench:denoiser -- --model weights/dit.onnx [--frames 8] [--runs 20]
 *
 * Times one guided denoiser call (batch 2: conditional and unconditional) on
 * onnxruntime-web's WASM backend in Node, one thread: the figure the issue's
 * step budgets are about. Prints the median and the spread, in ms.
 */
import { readFileSync } from 'node:fs';
import { createSession, ort } from '../pipeline/runtime/ort';
import { intFlag, parseArgs } from './args';
import { createRandom, fillNormal } from '../pipeline/random';

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const file = args.flags.get('model');
  if (!file) throw new Error('usage: --model FILE.onnx [--frames F] [--runs N] [--height H --width W]');
  const frames = intFlag(args, 'frames', 8, 1, 64);
  const runs = intFlag(args, 'runs', 20, 1, 1000);
  const height = intFlag(args, 'height', 8, 2, 64), width = intFlag(args, 'width', 8, 2, 64);
  const channels = intFlag(args, 'channels', 4, 1, 4);
  const { session } = await createSession(new Uint8Array(readFileSync(file)), { backend: 'wasm' });
  const rng = createRandom(1);
  const feeds: Record<string, ort.Tensor> = {
    latent: new ort.Tensor('float32', fillNormal(rng, new Float32Array(2 * frames * channels * height * width)), [2, frames, channels, height, width]),
    timestep: new ort.Tensor('float32', new Float32Array([500, 500]), [2]),
    context: new ort.Tensor('float32', fillNormal(rng, new Float32Array(2 * 24 * 128)), [2, 24, 128]),
  };
  if (session.inputNames.includes('pooled')) feeds.pooled = new ort.Tensor('float32', fillNormal(rng, new Float32Array(2 * 64)), [2, 64]);
  for (const name of Object.keys(feeds)) if (!session.inputNames.includes(name)) delete feeds[name];
  // A file that also returns attention maps (dit.onnx, shared with dit_inspect) runs as the page runs it: prediction only.
  const fetches = session.outputNames.includes('prediction') ? ['prediction'] : [...session.outputNames];
  for (let i = 0; i < 3; i++) await session.run(feeds, fetches);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await session.run(feeds, fetches);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(JSON.stringify({ model: file, frames, batch: 2, threads: 1, backend: 'wasm (node)', median_ms: +median.toFixed(2), min_ms: +times[0].toFixed(2), max_ms: +times[times.length - 1].toFixed(2), runs }));
}

main().catch((e) => {
  console.error(`bench-denoiser: ${(e as Error).message}`);
  process.exit(2);
});
