/**
 * node --import tsx tools/bench-matmul.ts [--frames 8] [--runs 40]
 *
 * How close the DiT's guided step (batch 2) is to the limit of onnxruntime-web's WASM MatMul on this
 * machine, one thread (issue 19, item 5). Every matrix product of the step (pipeline/lessons/denoiser-anatomy's
 * DIT_CONFIG, which its unit test checks against the manifest's parameters), timed alone through a one-node
 * graph (tools/bench/matmul.onnx: c[b,m,n] = a[b,m,k] · b[b,k,n]), each shape's median less the median of a
 * 1×1×1 product (the call's own overhead), times how often the step makes it: "the MatMuls alone". Against the
 * whole step (dit.onnx, as tools/bench-denoiser.ts times it). Prints one JSON line:
 *   { frames, stepMs, matmulMs, matmulFlops, stepGflops, matmulGflops, bestGflops, shapes: [...] }
 */
import { readFileSync } from 'node:fs';
import { createSession, ort } from '../pipeline/runtime/ort';
import { intFlag, parseArgs } from './args';
import { createRandom, fillNormal } from '../pipeline/random';
import { CONTEXT_TOKENS, ditProducts, productFlops as flopsOf } from '../pipeline/lessons/denoiser-anatomy';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function timeRuns(run: () => Promise<unknown>, runs: number): Promise<number> {
  for (let i = 0; i < 5; i++) await run();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await run();
    t.push(performance.now() - t0);
  }
  return median(t);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const frames = intFlag(args, 'frames', 8, 1, 64);
  const runs = intFlag(args, 'runs', 40, 5, 1000);
  const rng = createRandom(1);
  const mm = (await createSession(new Uint8Array(readFileSync('tools/bench/matmul.onnx')), { backend: 'wasm' })).session;
  const timeProduct = (b: number, m: number, k: number, n: number) => {
    const feeds = {
      a: new ort.Tensor('float32', fillNormal(rng, new Float32Array(b * m * k)), [b, m, k]),
      b: new ort.Tensor('float32', fillNormal(rng, new Float32Array(b * k * n)), [b, k, n]),
    };
    return timeRuns(() => mm.run(feeds), runs);
  };
  const overhead = await timeProduct(1, 1, 1, 1);
  const shapes = [];
  for (const p of ditProducts(frames)) {
    const ms = Math.max(0, (await timeProduct(p.b, p.m, p.k, p.n)) - overhead);
    shapes.push({ ...p, ms, gflops: ms > 0 ? flopsOf(p) / ms / 1e6 : null });
  }
  const dit = (await createSession(new Uint8Array(readFileSync('weights/dit.onnx')), { backend: 'wasm' })).session;
  const feeds: Record<string, ort.Tensor> = {
    latent: new ort.Tensor('float32', fillNormal(rng, new Float32Array(2 * frames * 4 * 64)), [2, frames, 4, 8, 8]),
    timestep: new ort.Tensor('float32', new Float32Array([500, 500]), [2]),
    context: new ort.Tensor('float32', fillNormal(rng, new Float32Array(2 * CONTEXT_TOKENS * 128)), [2, CONTEXT_TOKENS, 128]),
  };
  const fetches = dit.outputNames.includes('prediction') ? ['prediction'] : [...dit.outputNames];
  const stepMs = await timeRuns(() => dit.run(feeds, fetches), runs);
  const matmulMs = shapes.reduce((s, p) => s + p.ms * p.count, 0);
  const matmulFlops = shapes.reduce((s, p) => s + flopsOf(p) * p.count, 0);
  // the best rate of a product long enough to time (≥ 0.1 ms alone; shorter ones are within the timer's noise)
  const best = Math.max(...shapes.filter((p) => p.ms >= 0.1).map((p) => p.gflops ?? 0));
  console.log(JSON.stringify({ frames, overheadMs: overhead, stepMs, matmulMs, matmulFlops, stepGflops: matmulFlops / stepMs / 1e6, matmulGflops: matmulFlops / matmulMs / 1e6, bestGflops: best, shapes }));
}

await main();
