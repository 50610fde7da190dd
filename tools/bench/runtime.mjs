// Speed budgets of the model runtime (issue 5), in Chromium, on the runtime test page
// (test/browser/fixtures/runtime-page.ts: a small chapter on ModelController, the worker
// and <live-cell>, bundled as the site is), with the models of weights/manifest.json
// (or $SORA_WEIGHTS_DIR):
//   - the longest main-thread task while a clip generates (Long Tasks API; the page draws
//     each step's preview as a chapter would) ≤ 50 ms;
//   - a whole clip (8 frames, the DiT's default steps and guidance, in the worker on WASM);
//   - one guided DiT call (batch 2, 8 frames) on the plain WASM build (onnxruntime-web/wasm),
//     one thread, and the same call on the WebGPU build's (onnxruntime-web/webgpu) WASM kernels:
//     their ratio says why pipeline/runtime/ort.ts never runs WASM sessions on the WebGPU build.
// Figures that need a model the manifest does not list yet are left out, saying so.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

export const title = 'Model runtime';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function run(ctx) {
  const weightsDir = process.env.SORA_WEIGHTS_DIR || path.join(ctx.root, 'weights');
  const manifestFile = path.join(weightsDir, 'manifest.json');
  const manifest = existsSync(manifestFile) ? JSON.parse(readFileSync(manifestFile, 'utf8')) : { models: {} };
  const missing = ['text_encoder', 'dit', 'vae_decoder'].filter((m) => !manifest.models[m]);
  if (missing.includes('dit')) {
    ctx.log(`skipped: weights/manifest.json does not list ${missing.join(', ')} yet; no runtime figure can be measured`);
    return [];
  }
  const outdir = path.join(ctx.root, '.cache', 'bench', 'runtime');
  await ctx.buildTestPage({ entry: 'test/browser/fixtures/runtime-page.ts', outdir, title: 'runtime bench' });
  const wdir = path.join(outdir, 'weights');
  rmSync(wdir, { recursive: true, force: true });
  mkdirSync(wdir, { recursive: true });
  copyFileSync(manifestFile, path.join(wdir, 'manifest.json'));
  for (const e of Object.values(manifest.models)) if (existsSync(path.join(weightsDir, e.file))) copyFileSync(path.join(weightsDir, e.file), path.join(wdir, e.file));
  const server = await ctx.serve(outdir);
  const figures = [];

  // The ONNX Runtime builds' CPU kernels, one thread, on the main thread of a bare page.
  {
    const { page, errors } = await ctx.page();
    await page.goto(`${server.url}?backend=wasm`);
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
    const url = `${server.url}weights/${manifest.models.dit.file}`;
    const plain = await page.evaluate((url) => window.runtimePage.ortBuildStep('wasm', url, 8, 20), url);
    const gpuBuild = await page.evaluate((url) => window.runtimePage.ortBuildStep('webgpu', url, 8, 10), url);
    if (errors.length) throw new Error(`the page logged errors: ${errors.join('; ')}`);
    figures.push({
      name: 'guided DiT call, 8 frames, plain WASM build (onnxruntime-web/wasm), 1 thread',
      value: plain.median,
      unit: 'ms',
      budget: 60,
      detail: `median of 20, ${plain.min.toFixed(1)}–${plain.max.toFixed(1)} ms`,
    });
    figures.push({
      name: 'the same call: plain WASM build ÷ the WebGPU build\'s WASM kernels (onnxruntime-web/webgpu)',
      value: plain.median / gpuBuild.median,
      unit: '×',
      budget: 0.5,
      detail: `${plain.median.toFixed(1)} ms against ${gpuBuild.median.toFixed(1)} ms (median of 10, ${gpuBuild.min.toFixed(0)}–${gpuBuild.max.toFixed(0)} ms)`,
    });
    await page.close();
  }

  // A clip generated in the worker while the page draws its progress: main-thread long tasks.
  {
    const { page, errors } = await ctx.page();
    await page.goto(`${server.url}?backend=wasm`);
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
    // Warm: weights downloaded and sessions made, so the figure is about a generation, not about loading.
    await page.evaluate(() => document.querySelector('runtime-test').generate({ prompt: 'a red circle', model: 'dit', seed: 0, steps: 2 }, false));
    const runs = [];
    // 2 clips drawing a preview (x̂₀ decoded) every step, as chapter 2 would, then 3 plain ones, as the first screen.
    for (const [i, preview] of [true, true, false, false, false].entries()) {
      const r = await page.evaluate(async ({ seed, preview }) => {
        await new Promise((r) => setTimeout(r, 300)); // let the previous run's tasks report
        const el = document.querySelector('runtime-test');
        const t0 = performance.now();
        const clip = await el.generate({ prompt: 'a big red circle moving right', model: 'dit', seed }, preview);
        const t1 = performance.now();
        await new Promise((r) => setTimeout(r, 300));
        const tasks = window.runtimePage.longTasks.filter((t) => t.start + t.duration > t0 && t.start < t1);
        return { ms: t1 - t0, steps: clip.sample.timesteps.length, stepMs: clip.sample.stepMs, tasks, frames: clip.numFrames, preview };
      }, { seed: i + 1, preview });
      runs.push(r);
    }
    if (errors.length) throw new Error(`the page logged errors: ${errors.join('; ')}`);
    const tasks = runs.flatMap((r) => r.tasks);
    const longest = tasks.reduce((m, t) => Math.max(m, t.duration), 0);
    figures.push({
      name: 'longest main-thread task while a clip generates (Long Tasks API)',
      value: longest,
      unit: 'ms',
      budget: 50,
      detail: `${runs.length} clips of ${runs[0].frames} frames, ${runs[0].steps} steps each (2 drawing a preview every step); ${tasks.length} long task${tasks.length === 1 ? '' : 's'}${tasks.length ? `: ${tasks.map((t) => `${t.duration.toFixed(0)} ms`).join(', ')}` : ''}`,
    });
    const plain = runs.filter((r) => !r.preview);
    const stepMs = plain.flatMap((r) => r.stepMs);
    figures.push({
      name: 'a whole clip in the worker (8 frames, WASM: text encoder, DiT steps, VAE decoder, judge)',
      value: median(plain.map((r) => r.ms)),
      unit: 'ms',
      budget: 3000,
      detail: `median of ${plain.length}; a guided DiT step ${median(stepMs).toFixed(1)} ms (median in the worker); with a preview every step ${median(runs.filter((r) => r.preview).map((r) => r.ms)).toFixed(0)} ms`,
    });
    await page.close();
  }
  return figures;
}
