// Speed budgets of the model runtime (issue 5), in Chromium, on the runtime test page
// (test/browser/fixtures/runtime-page.ts: a small chapter on ModelController, the worker
// and <live-cell>, bundled as the site is), with the models of weights/manifest.json
// (or $SORA_WEIGHTS_DIR):
//   - the longest main-thread task while a clip generates (Long Tasks API; the page draws
//     each step's preview as a chapter would) ≤ 50 ms;
//   - a guided DiT call (batch 2, 8 frames) in the model worker on WASM ≤ 60 ms, and a whole
//     clip (the DiT's default steps and guidance) ≤ 3 s;
//   - the same DiT call, one thread, in a fresh worker, on the plain WASM build
//     (onnxruntime-web/wasm) and on the WebGPU build's WASM kernels (onnxruntime-web/webgpu):
//     the plain build must not be slower (why pipeline/runtime/ort.ts never runs a WASM session
//     on the WebGPU build).
// Figures that need a model the manifest does not list yet are left out, saying so.
import { readManifest, runtimePage } from './_runtime-page.mjs';

export const title = 'Model runtime';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function run(ctx) {
  const manifest = readManifest(ctx);
  const missing = ['text_encoder', 'dit', 'vae_decoder'].filter((m) => !manifest.models[m]);
  if (missing.includes('dit')) {
    ctx.log(`skipped: weights/manifest.json does not list ${missing.join(', ')} yet; no runtime figure can be measured`);
    return [];
  }
  const server = await runtimePage(ctx, 'runtime');
  const figures = [];

  // The ONNX Runtime builds' CPU kernels, one thread, each in a fresh worker (where the model worker runs them),
  // alternating builds so that a change in the machine's load hits both.
  {
    const { page, errors } = await ctx.page();
    await page.goto(`${server.url}?backend=wasm`);
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
    const url = `${server.url}weights/${manifest.models.dit.file}`;
    const step = (build, runs) => page.evaluate(([b, u, n]) => window.runtimePage.ortBuildStep(b, u, 8, n), [build, url, runs]);
    const plain = [], gpuBuild = [];
    for (let i = 0; i < 4; i++) {
      plain.push(await step('wasm', 10));
      gpuBuild.push(await step('webgpu', 10));
    }
    if (errors.length) throw new Error(`the page logged errors: ${errors.join('; ')}`);
    // This machine is shared: the fastest call of each build is the one least disturbed by other work.
    const best = (rs) => Math.min(...rs.map((r) => r.min));
    const p = best(plain), g = best(gpuBuild);
    figures.push({
      name: 'the same DiT call (8 frames, 1 thread, a worker): plain WASM build ÷ the WebGPU build\'s WASM kernels',
      value: p / g,
      unit: '×',
      budget: 1,
      detail: `fastest of 4 workers × 10 calls: onnxruntime-web/wasm ${p.toFixed(1)} ms, onnxruntime-web/webgpu ${g.toFixed(1)} ms; ` +
        `medians ${median(plain.map((r) => r.median)).toFixed(1)} and ${median(gpuBuild.map((r) => r.median)).toFixed(1)} ms`,
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
      name: 'a guided DiT call (batch 2, 8 frames) in the model worker, WASM',
      value: median(stepMs),
      unit: 'ms',
      budget: 60,
      detail: `median of ${stepMs.length} calls in ${plain.length} clips, fastest ${Math.min(...stepMs).toFixed(1)} ms`,
    });
    figures.push({
      name: 'a whole clip in the worker (8 frames, WASM: text encoder, DiT steps, VAE decoder, judge)',
      value: median(plain.map((r) => r.ms)),
      unit: 'ms',
      budget: 3000,
      detail: `median of ${plain.length}; with a preview decoded every step ${median(runs.filter((r) => r.preview).map((r) => r.ms)).toFixed(0)} ms`,
    });
    await page.close();
  }
  return figures;
}
