#!/usr/bin/env node
// npm run screenshot -- [--chapter N [--cell ID] | --top] [--width 1280] [--height 800] [--wait 20] [--query "c2.seed=3"] [--open-details] [--out shot.png]
//
// Builds the site into a scratch folder, serves it, opens it in Debian's Chromium
// and saves a full-length picture of one chapter (or of the first screen), after
// waiting for its live cells to finish (no cell busy, after at least 8 s) or --wait seconds. A
// training run is paused meanwhile. For looking at what we build. --cell ID scrolls to that
// live cell of the chapter (cells start when they come into view) and pictures it alone; an ID
// that names no cell may be a tag of the chapter's own elements (--cell whole-dit).
// --open-details opens every <details> in the picture first, as a reader who clicks them would.
// --height H pictures only what a reader sees on opening the page in a width × H window
// (the first viewport, unscrolled), once the first screen's clip is made.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build, startStaticServer } from '../build.mjs';
import { BASE_FLAGS, CHROMIUM } from '../test/helpers/browser.ts';
import { withTrainingPaused } from './pause-training.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};
const chapter = flag('chapter', null);
const cell = flag('cell', null);
if (cell !== null && chapter === null) throw new Error('--cell needs --chapter');
const width = Number(flag('width', '1280'));
const wait = Number(flag('wait', '20'));
const query = flag('query', '');
const openDetails = argv.includes('--open-details');
const height = flag('height', null) === null ? null : Number(flag('height'));
if (height !== null && (!Number.isFinite(height) || height < 200 || height > 4000)) throw new Error(`--height: expected 200 to 4000, got ${flag('height')}`);
const out = path.resolve(flag('out', `screenshot-${chapter ?? 'top'}${cell ? `-${cell}` : ''}-${width}${height ? `x${height}` : ''}.png`));
if (!Number.isFinite(width) || width < 200 || width > 4000) throw new Error(`--width: expected 200 to 4000, got ${flag('width')}`);

await withTrainingPaused(root, async () => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'shot-'));
  await build({ outdir });
  const server = await startStaticServer(outdir);
  const browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true, args: BASE_FLAGS,
  });
  try {
    const page = await browser.newPage({ viewport: { width, height: height ?? 900 }, deviceScaleFactor: 1 });
    page.on('console', (m) => m.type() === 'error' && console.error(`console: ${m.text()}`));
    await page.goto(`${server.url}${query ? `?${query}` : ''}${chapter !== null ? `#chapter-${chapter}` : ''}`);
    const target = cell !== null ? page.locator(`chapter-${chapter}`).locator(`live-cell#${cell}, ${cell}`).first() : chapter !== null ? page.locator(`chapter-${chapter}`) : page.locator('body');
    // a chapter's code loads when its link is followed: go to its section's id (#conditioning for chapter 6)
    const slug = chapter !== null ? await page.evaluate((n) => document.querySelector(`chapter-${n}`)?.id ?? '', chapter) : '';
    if (slug) await page.evaluate((h) => { location.hash = h; }, slug);
    if (chapter !== null) await page.waitForSelector(`chapter-${chapter}[data-ready="true"]`, { state: 'attached', timeout: 60_000 });
    if (height === null) await target.scrollIntoViewIfNeeded();
    const deadline = Date.now() + wait * 1000;
    await page.waitForTimeout(Math.min(wait, 8) * 1000);
    while (Date.now() < deadline) {
      const busy = await page.evaluate(() => {
        const all = (root) => [...root.querySelectorAll('*')].flatMap((e) => [e, ...(e.shadowRoot ? all(e.shadowRoot) : [])]);
        return all(document).some((e) => e.tagName === 'LIVE-CELL' && (e.status === 'running' || e.shadowRoot?.querySelector('[aria-busy="true"]')));
      });
      if (!busy) break;
      await page.waitForTimeout(500);
    }
    if (openDetails) {
      await target.evaluate((el) => {
        const all = (r) => [...r.querySelectorAll('*')].flatMap((e) => [e, ...(e.shadowRoot ? all(e.shadowRoot) : [])]);
        for (const d of all(el.shadowRoot ?? el)) if (d.tagName === 'DETAILS') d.open = true;
        for (const d of el.querySelectorAll('details')) d.open = true;
      });
      await page.waitForTimeout(1500); // charts inside draw when they become visible
    }
    if (height !== null) {
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: out });
    } else await target.screenshot({ path: out });
    console.log(`wrote ${out}`);
  } finally {
    await browser.close();
    await server.close();
  }
});
