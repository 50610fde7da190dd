// Text to a clip (issue 8), in Chromium, WASM, one thread, in the model worker, on the runtime
// test page (test/browser/fixtures/runtime-page.ts, bundled as the site is) with the committed
// models: prompt → text encoder → 30 guided DiT steps → VAE decoder → judge, timed from the call
// to the clip in the page, after a warm-up (models loaded, WASM compiled and tiered up).
//   - an eight-frame clip ≤ 2.5 s; a one-frame image ≤ 0.4 s;
//   - the same with Chromium's CPU throttled 4× (DevTools' "phone-class device") is printed,
//     without a budget;
//   - WebGPU figures are printed when Chromium (with --enable-unsafe-webgpu) finds a real adapter.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { runtimePage } from './_runtime-page.mjs';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export const title = 'Text to a clip (WASM, one thread)';

const PROMPTS = ['a big red circle moving right', 'a small blue square moving up', 'a yellow triangle staying still'];
const IMAGE_PROMPTS = ['a red circle in the top left', 'a small green triangle', 'a big blue square in the center'];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Generates each prompt once (frames 8 or 1) with the page's defaults; wall times in the page, ms, and what ran. */
async function timeClips(page, prompts, frames, seed0) {
  return page.evaluate(
    async ({ prompts, frames, seed0 }) => {
      const el = document.querySelector('runtime-test');
      const out = [];
      for (const [i, prompt] of prompts.entries()) {
        await new Promise((r) => setTimeout(r, 100));
        const t0 = performance.now();
        const clip = await el.generate({ prompt, model: 'dit', seed: seed0 + i, frames }, false);
        const ms = performance.now() - t0;
        out.push({ ms, steps: clip.sample.timesteps.length, guidance: clip.sample.options.guidance, timings: clip.timings, backend: clip.reports.dit?.backend, pass: clip.verdict?.pass });
      }
      return out;
    },
    { prompts, frames, seed0 },
  );
}

export async function run(ctx) {
  if (!existsSync(path.join(ctx.root, 'weights', 'manifest.json'))) {
    ctx.log('skipped: no weights/manifest.json');
    return [];
  }
  const { url, manifest } = await runtimePage(ctx, 'text-to-clip');
  if (!['text_encoder', 'dit', 'vae_decoder'].every((m) => manifest.models[m])) {
    ctx.log('skipped: the manifest lacks the text encoder, the DiT or the VAE decoder');
    return [];
  }
  const { page, context, errors } = await ctx.page();
  await page.goto(`${url}?backend=wasm&threads=1`);
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
  // Warm: weights downloaded, sessions made, WASM compiled and tiered up (a few full-length runs).
  await timeClips(page, ['a red circle moving left'], 8, 100);
  await timeClips(page, ['a red circle', 'a blue square'], 1, 100);
  await timeClips(page, ['a green square moving down'], 8, 101);

  const clips = await timeClips(page, PROMPTS, 8, 0);
  const images = await timeClips(page, IMAGE_PROMPTS, 1, 0);
  const describe = (rs) =>
    `median of ${rs.length} (${rs.map((r) => `${Math.round(r.ms)}`).join(', ')} ms), ${rs[0].steps} steps, guidance ${rs[0].guidance}, DiT on ${rs[0].backend}; ` +
    `stages (median ms): text ${median(rs.map((r) => r.timings.encode)).toFixed(0)}, denoise ${median(rs.map((r) => r.timings.sample)).toFixed(0)}, ` +
    `decode ${median(rs.map((r) => r.timings.decode)).toFixed(0)}, judge ${median(rs.map((r) => r.timings.judge)).toFixed(1)}`;
  const figures = [
    { name: 'text → an eight-frame clip, WASM, 1 thread', value: median(clips.map((r) => r.ms)), unit: 'ms', budget: 2500, detail: describe(clips) },
    { name: 'text → a one-frame image, WASM, 1 thread', value: median(images.map((r) => r.ms)), unit: 'ms', budget: 400, detail: describe(images) },
  ];

  // A phone-class device: Chromium's CPU throttled 4× (Emulation.setCPUThrottlingRate).
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  try {
    await timeClips(page, ['a red circle'], 1, 200); // let the throttle settle
    const slowClips = await timeClips(page, PROMPTS.slice(0, 2), 8, 0);
    const slowImages = await timeClips(page, IMAGE_PROMPTS, 1, 0);
    const c = median(slowClips.map((r) => r.ms)), i = median(slowImages.map((r) => r.ms));
    figures.push(
      { name: 'the same, CPU throttled 4×: an eight-frame clip', value: c, unit: 'ms', budget: null, detail: `${(c / figures[0].value).toFixed(2)}× unthrottled; ${describe(slowClips)}` },
      { name: 'the same, CPU throttled 4×: a one-frame image', value: i, unit: 'ms', budget: null, detail: `${(i / figures[1].value).toFixed(2)}× unthrottled; ${describe(slowImages)}` },
    );
  } finally {
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  }
  if (errors.length) throw new Error(`the page logged errors: ${errors.join('; ')}`);
  await page.close();
  figures.push(...(await webgpuFigures(ctx, url, describe)));
  return figures;
}

/** WebGPU figures, printed when Chromium finds a real (hardware) adapter; a software one (SwiftShader) is no figure. */
async function webgpuFigures(ctx, url, describe) {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: [...CHROMIUM_ARGS, '--enable-unsafe-webgpu'] });
  try {
    const page = await browser.newPage();
    await page.goto(`${url}?backend=webgpu`);
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
    const adapter = await page.evaluate(async () => {
      const a = await navigator.gpu?.requestAdapter();
      if (!a) return null;
      const info = a.info ?? {};
      return { fallback: !!(info.isFallbackAdapter ?? a.isFallbackAdapter), text: [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') };
    });
    if (!adapter || adapter.fallback || /swiftshader|llvmpipe|software/i.test(adapter.text)) {
      ctx.log(`WebGPU: no real adapter here (${adapter ? `found ${adapter.text || 'an adapter without a name'}${adapter.fallback ? ', a fallback adapter' : ''}` : 'none found'}); no WebGPU figure`);
      return [];
    }
    await timeClips(page, ['a red circle moving left'], 8, 100);
    await timeClips(page, ['a red circle'], 1, 100);
    const clips = await timeClips(page, PROMPTS, 8, 0);
    const images = await timeClips(page, IMAGE_PROMPTS, 1, 0);
    return [
      { name: `WebGPU (${adapter.text}): text → an eight-frame clip`, value: median(clips.map((r) => r.ms)), unit: 'ms', budget: null, detail: describe(clips) },
      { name: `WebGPU (${adapter.text}): text → a one-frame image`, value: median(images.map((r) => r.ms)), unit: 'ms', budget: null, detail: describe(images) },
    ];
  } finally {
    await browser.close();
  }
}
