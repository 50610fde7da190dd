// A first visit (issue 8), in Chromium, on the production build served from localhost, with an
// empty cache and no service worker (its background copy of the whole site is not what the first
// screen needs):
//   - the JavaScript fetched before the first model file is asked for ≤ 250 KB gzipped;
//   - everything the first screen downloads until its clip is made (page, code, the ONNX
//     Runtime's WASM, models) ≤ 12 MB compressed (each file gzipped at level 9, as a static host
//     would serve it; a file's size is counted once);
//   - the first chapter interactive ≤ 1 s after navigation: the page opened at the top (the first
//     screen: prompt box answering keys, its tokens shown) and opened at chapter 0 (its t slider
//     answering keys), each from the navigation's start to the moment the element says it is ready.
// Sizes come from the files in dist/ named by the requests the page (and its workers) made.
import path from 'node:path';
import { gzSize } from './_sizes.mjs';

export const title = 'First visit: download and time to interactive';

const KB = 1000, MB = 1000 * 1000;

/** Records, before any script of the page runs, when each element first says data-ready="true". */
function recordReady() {
  window.__readyAt = {};
  new MutationObserver((records) => {
    for (const r of records) {
      const el = r.target;
      if (el.dataset?.ready === 'true' && !(el.localName in window.__readyAt)) window.__readyAt[el.localName] = performance.now();
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-ready'] });
}

async function coldPage(ctx) {
  const browser = await ctx.chromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce', serviceWorkers: 'block' });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(recordReady);
  return { context, page, errors };
}


async function download(ctx, url, dist) {
  const { context, page, errors } = await coldPage(ctx);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(url);
  await page.waitForFunction(() => document.querySelector('first-screen')?.result != null, null, { timeout: 120_000 });
  if (errors.length) throw new Error(`the page logged errors: ${errors.join('; ')}`);
  await context.close();
  const origin = new URL(url).origin;
  const files = [];
  const seen = new Set();
  for (const u of requests) {
    const parsed = new URL(u);
    if (parsed.origin !== origin) throw new Error(`a request left the page's origin: ${u}`);
    const rel = decodeURIComponent(parsed.pathname).replace(/^\/+/, '') || 'index.html';
    if (seen.has(rel)) continue;
    seen.add(rel);
    const file = path.join(dist, rel);
    try {
      files.push({ rel, order: files.length, ...gzSize(file) });
    } catch {
      /* not a file of the build (e.g. a 404 probe): nothing downloaded worth counting */
    }
  }
  for (const needed of ['text_encoder.onnx', 'dit.onnx', 'vae_decoder.onnx', '.wasm']) {
    if (!files.some((f) => f.rel.endsWith(needed))) throw new Error(`no request for ${needed} was seen: the download cannot be counted`);
  }
  const firstModel = files.findIndex((f) => f.rel.endsWith('.onnx'));
  const js = files.slice(0, firstModel).filter((f) => /\.m?js$/.test(f.rel));
  const sum = (fs, k) => fs.reduce((a, f) => a + f[k], 0);
  const fmt = (b) => (b >= MB ? `${(b / MB).toFixed(2)} MB` : `${(b / KB).toFixed(1)} KB`);
  const biggest = [...files].sort((a, b) => b.gz - a.gz).slice(0, 5);
  return [
    {
      name: 'JavaScript before any model loads, gzipped',
      value: sum(js, 'gz') / KB,
      unit: 'KB',
      budget: 250,
      detail: `${js.length} files, ${fmt(sum(js, 'raw'))} unzipped; largest ${[...js].sort((a, b) => b.gz - a.gz).slice(0, 3).map((f) => `${f.rel} ${fmt(f.gz)}`).join(', ')}`,
    },
    {
      name: 'the first screen\'s download (page, code, runtime, models), compressed',
      value: sum(files, 'gz') / MB,
      unit: 'MB',
      budget: 12,
      detail: `${files.length} files, ${fmt(sum(files, 'raw'))} as served unzipped; largest ${biggest.map((f) => `${f.rel} ${fmt(f.gz)}`).join(', ')}`,
    },
  ];
}

/** Navigation start → the element ready, then proof it answers a key; ms. */
async function interactive(ctx, url, { tag, hash, act }) {
  const times = [];
  for (let i = 0; i < 3; i++) {
    const { context, page, errors } = await coldPage(ctx);
    await page.goto(`${url}${hash}`);
    await page.waitForSelector(`${tag}[data-ready="true"]`, { state: 'attached' });
    const readyAt = await page.evaluate((t) => window.__readyAt[t], tag);
    await act(page);
    if (errors.length) throw new Error(`the page logged errors: ${errors.join('; ')}`);
    await context.close();
    times.push(readyAt);
  }
  return times;
}

export async function run(ctx) {
  const dist = await ctx.dist();
  const url = await ctx.site();
  const figures = await download(ctx, url, dist);

  const top = await interactive(ctx, url, {
    tag: 'first-screen',
    hash: '',
    act: async (page) => {
      const box = page.locator('first-screen').getByRole('textbox', { name: 'Prompt' });
      await box.focus();
      await page.keyboard.press('End');
      await page.keyboard.type(' and');
      await page.waitForFunction(
        () => Array.from(document.querySelector('first-screen').shadowRoot.querySelector('prompt-field').shadowRoot.querySelectorAll('.tokens li')).some((li) => li.textContent.trim() === 'and'),
        null,
        { timeout: 2000 },
      );
    },
  });
  const ch0 = await interactive(ctx, url, {
    tag: 'chapter-0',
    hash: '#diffusion-2d',
    act: async (page) => {
      const before = await page.evaluate(() => document.querySelector('chapter-0').figure.t);
      await page.locator('chapter-0').getByRole('slider', { name: 'Timestep t' }).focus();
      await page.keyboard.press('ArrowRight');
      await page.waitForFunction((t) => document.querySelector('chapter-0').figure.t !== t, before, { timeout: 2000 });
    },
  });
  const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  figures.push(
    { name: 'opened at the top: the first screen ready (its prompt box answers keys)', value: med(top), unit: 'ms', budget: 1000, detail: `median of 3 cold loads (${top.map((t) => t.toFixed(0)).join(', ')} ms), from navigation start` },
    { name: 'opened at chapter 0: ready (its t slider answers keys)', value: med(ch0), unit: 'ms', budget: 1000, detail: `median of 3 cold loads (${ch0.map((t) => t.toFixed(0)).join(', ')} ms), from navigation start` },
  );
  return figures;
}
