// Each denoiser's guided step (one call, batch 2: with and without the prompt), one thread:
//   - in Chromium on WASM, in a fresh worker (test/browser/fixtures/ort-bench-worker.ts, where the
//     model worker runs models), against PyTorch eager for the same model and batch on this machine
//     (weights/train/bench_torch.py, the same architecture, untrained weights: they time the same):
//     at most 2× slower (issue 8). The top operators of each are printed (ONNX Runtime's profiler in
//     the same worker; torch.profiler).
//   - the DiT's step in Node on WASM (npm run bench:denoiser), the limits of issue 4: an
//     eight-frame clip ≤ 60 ms, an image ≤ 10 ms.
// PyTorch figures need Debian's python3-torch (see README); without it they are left out, saying so.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readManifest, runtimePage, weightsDir } from './_runtime-page.mjs';

export const title = 'Denoiser steps: WASM against PyTorch eager, one thread';

/** The steps measured: the manifest's model, its latent after the batch, and what it is. */
const CASES = [
  { model: 'dit', latent: [8, 4, 8, 8], what: 'video DiT, 8 frames' },
  { model: 'dit', latent: [1, 4, 8, 8], what: 'video DiT, an image' },
  { model: 'unet', latent: [1, 4, 8, 8], what: 'latent U-Net, an image' },
  { model: 'unet_pixel', latent: [1, 3, 32, 32], what: 'pixel U-Net, an image' },
  { model: 'dit_adaln', latent: [1, 4, 8, 8], what: 'image DiT, text through adaLN' },
  { model: 'dit_cross', latent: [1, 4, 8, 8], what: 'image DiT, text through cross-attention' },
  { model: 'dit_in_context', latent: [1, 4, 8, 8], what: 'image DiT, text in context' },
];

const PYTHON = '/usr/bin/python3';

function torchStep(root, model, frames) {
  if (!existsSync(PYTHON)) return { error: `${PYTHON} is missing` };
  const r = spawnSync(PYTHON, ['weights/train/bench_torch.py', '--model', model, '--frames', String(frames), '--threads', '1', '--runs', '40', '--profile'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' },
  });
  if (r.status !== 0) return { error: (r.stderr || r.stdout || `exit ${r.status}`).trim().split('\n').slice(-1)[0] };
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

function nodeStep(root, file, frames) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'tools/bench-denoiser.ts', '--model', file, '--frames', String(frames), '--runs', '40'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench-denoiser: ${(r.stderr || r.stdout).trim()}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

const opList = (ops, total) =>
  ops
    .slice(0, 6)
    .map((o) => `${o.op} ${o.ms.toFixed(2)} ms (${Math.round((100 * o.ms) / total)} %)`)
    .join(', ');

export async function run(ctx) {
  const manifest = readManifest(ctx);
  const cases = CASES.filter((c) => manifest.models[c.model]);
  const absent = [...new Set(CASES.filter((c) => !manifest.models[c.model]).map((c) => c.model))];
  if (absent.length) ctx.log(`left out (not in the manifest yet): ${absent.join(', ')}`);
  if (!cases.length) return [];
  const figures = [];

  // Node, WASM, one thread: issue 4's limits on the DiT's step.
  if (manifest.models.dit) {
    const file = path.join(weightsDir(ctx), manifest.models.dit.file);
    for (const [frames, budget] of [[8, 60], [1, 10]]) {
      const r = nodeStep(ctx.root, file, frames);
      figures.push({ name: `video DiT, ${frames === 8 ? 'an eight-frame clip' : 'an image'}: a guided step in Node, WASM, 1 thread`, value: r.median_ms, unit: 'ms', budget, detail: `median of ${r.runs}, fastest ${r.min_ms} ms (npm run bench:denoiser)` });
    }
  }

  // PyTorch first (no Chromium running beside it), then Chromium.
  const torch = cases.map((c) => torchStep(ctx.root, c.model, c.latent[0]));
  const { url } = await runtimePage(ctx, 'denoiser-steps');
  const { page, errors } = await ctx.page();
  await page.goto(`${url}?backend=wasm`);
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
  for (const [i, c] of cases.entries()) {
    const modelUrl = `${url}weights/${manifest.models[c.model].file}`;
    const w = await page.evaluate(([u, latent]) => window.runtimePage.workerStep(u, { latent, runs: 40, profile: true }), [modelUrl, c.latent]);
    const t = torch[i];
    const wasmOps = w.operators ?? [];
    const wasmTotal = wasmOps.reduce((a, o) => a + o.ms, 0);
    ctx.log(`${c.what}: WASM ${w.median.toFixed(2)} ms a call; top operators (ONNX Runtime profiler, 10 calls): ${opList(wasmOps, wasmTotal)}`);
    if (t.error) {
      ctx.log(`${c.what}: no PyTorch figure (${t.error})`);
      figures.push({ name: `${c.what}: a guided step in Chromium, WASM, 1 thread`, value: w.median, unit: 'ms', budget: null, detail: `median of 40, fastest ${w.min.toFixed(2)} ms` });
      continue;
    }
    const torchOps = t.operators ?? [];
    ctx.log(`${c.what}: PyTorch ${t.median_ms} ms a call; top operators (torch.profiler, self time a call): ${opList(torchOps, torchOps.reduce((a, o) => a + o.ms, 0) || 1)}`);
    figures.push({
      name: `${c.what}: WASM step ÷ PyTorch eager step (batch 2, 1 thread)`,
      value: w.median / t.median_ms,
      unit: '×',
      budget: 2,
      detail: `Chromium WASM worker ${w.median.toFixed(2)} ms (median of 40), PyTorch ${t.median_ms} ms (median of 40, ${t.params.toLocaleString('en')} params)`,
    });
  }
  if (errors.length) throw new Error(`the page logged errors: ${errors.join('; ')}`);
  await page.close();
  return figures;
}
