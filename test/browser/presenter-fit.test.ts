// Presenter mode on a projector (issue 24): at 1280 × 720 and at 1920 × 1080,
// PageDown steps through every live cell and "Try this" list of the page, and
// each stop — once its figure has finished what it runs by itself and has been
// fitted — lies inside the window, under the caption band that names its
// chapter and says one line about it. The contents column is hidden. Escape
// leaves presenter mode at the figure that was shown. The production build, WASM,
// the real models (skipped when weights/manifest.json lacks one).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Browser, Page } from 'playwright-core';
import { DIST, type StaticServer } from '../../build.mjs';
import { readManifestIfAny } from '../../pipeline/runtime/weights-node';
import { assertClean, launchChromium, serve, watchedPage, within } from '../helpers/browser';

const MODELS = ['text_encoder', 'dit', 'dit_inspect', 'unet', 'vae_encoder', 'vae_decoder'];
const manifest = readManifestIfAny();
const missing = MODELS.filter((m) => !manifest?.models[m]);

let browser: Browser;
let server: StaticServer;

test.before(async () => {
  browser = await launchChromium();
  server = await serve(DIST);
});

test.after(async () => {
  await browser?.close();
  await server?.close();
});

interface Stop {
  what: string;
  chapter: string;
  top: number;
  bottom: number;
  height: number;
  zoom: number | null;
  busy: boolean;
  caption: string;
  windowHeight: number;
  captionBottom: number;
  /** Whether it is the stop shown when `remember` last ran. */
  same: boolean;
}

/** The stop shown now, where it is, whether its cell (or one inside it) is busy, and the caption. */
const shown = (page: Page, remember = false): Promise<Stop | null> =>
  page.evaluate((remember) => {
    // no named helpers inside page.evaluate (the bundler's __name is not in the page)
    const all: Element[] = [];
    const roots: (Document | ShadowRoot)[] = [document];
    while (roots.length) {
      const root = roots.pop()!;
      for (const el of root.querySelectorAll('[data-presenting]')) all.push(el);
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
    }
    if (all.length !== 1) return null;
    const el = all[0];
    let host = (el.getRootNode() as ShadowRoot).host;
    while (host && host.getRootNode() instanceof ShadowRoot) host = (host.getRootNode() as ShadowRoot).host;
    let busy = false;
    const inside: (Element | ShadowRoot)[] = [el];
    while (inside.length && !busy) {
      const r = inside.pop()!;
      const sr = (r as Element).shadowRoot;
      if (sr) {
        if (sr.querySelector('[aria-busy="true"]')) busy = true;
        inside.push(sr);
      }
      for (const c of r.querySelectorAll('*')) if (c.shadowRoot) inside.push(c);
    }
    const box = el.getBoundingClientRect();
    const caption = document.querySelector('presenter-caption')!;
    const zoom = el.getAttribute('data-fitted-zoom');
    const win = window as unknown as { lastStop?: Element };
    const same = win.lastStop === el;
    if (remember) win.lastStop = el;
    return {
      same,
      what: el.localName === 'live-cell' ? (el as HTMLElement & { label: string }).label : 'try',
      chapter: host?.localName ?? 'document',
      top: box.top,
      bottom: box.bottom,
      height: box.height,
      zoom: zoom === null ? null : Number(zoom),
      busy,
      caption: caption.hidden ? '' : (caption.shadowRoot?.textContent ?? '').replace(/\s+/g, ' ').trim(),
      windowHeight: innerHeight,
      captionBottom: caption.getBoundingClientRect().bottom,
    };
  }, remember);

/** Waits until the stop is idle, fitted and still (or idle and fitted for 3 s without fitting, or the time is up); returns it. */
async function settledStop(page: Page): Promise<Stop> {
  const deadline = Date.now() + 150_000;
  let last: Stop | null = null;
  let calm = 0;
  let idle = 0;
  for (;;) {
    const s = await shown(page);
    const ready = !!s && !s.busy && s.zoom !== null;
    const fits = ready && s!.top >= s!.captionBottom - 1 && s!.bottom <= s!.windowHeight + 1;
    calm = fits && last && Math.abs(last.height - s!.height) < 1 ? calm + 1 : 0;
    idle = ready ? idle + 1 : 0;
    last = s;
    if (calm >= 2 || idle >= 12 || Date.now() > deadline) return s!;
    await page.waitForTimeout(250);
  }
}

/** Steps with `key` until the stop stops changing; checks each stop fits; returns them. */
async function stepAll(page: Page, key: string, size: string): Promise<Stop[]> {
  const stops: Stop[] = [];
  for (let i = 0; i < 200; i++) {
    await page.keyboard.press(key);
    const s = await settledStop(page);
    if (s.same) break; // the last stop: the key moved nothing
    await shown(page, true);
    assert.ok(s.top >= s.captionBottom - 1, `${size}: "${s.what}" (${s.chapter}) starts under the caption: top ${Math.round(s.top)} px, caption to ${Math.round(s.captionBottom)}`);
    assert.ok(s.bottom <= s.windowHeight + 1, `${size}: "${s.what}" (${s.chapter}) ends at ${Math.round(s.bottom)} px in a ${s.windowHeight} px window (zoom ${s.zoom})`);
    assert.ok(s.caption.length > 10, `${size}: "${s.what}" has a caption`);
    if (s.chapter.startsWith('chapter-')) assert.match(s.caption, /^Chapter \d · /, `${size}: the caption names the chapter: ${s.caption}`);
    stops.push(s);
  }
  return stops;
}

const name = 'presenter mode at 1280 × 720 and 1920 × 1080: every stop fits the screen under a caption with its chapter and gist; Escape stays at the figure';
if (missing.length) {
  console.log(`  skipped "${name}": weights/manifest.json does not list ${missing.join(', ')}`);
  test.skip(name, () => undefined);
} else
  test(name, async () => {
    const w = await watchedPage(browser, server.url, { width: 1280, height: 720, reducedMotion: 'reduce' });
    const { page } = w;
    try {
      await page.goto(`${server.url}?present=1&backend=wasm`);
      await page.waitForSelector('html[data-present="on"]', { state: 'attached' });
      assert.is(await page.evaluate(() => getComputedStyle(document.querySelector('nav.toc')!).display), 'none', 'no contents column');
      const down = await within(900_000, 'stepping down at 1280 × 720', stepAll(page, 'PageDown', '1280 × 720'));
      assert.ok(down.length >= 40, `stops: ${down.length}`);
      assert.ok(down.some((s) => s.chapter === 'chapter-7'), 'to the last chapter');
      await page.setViewportSize({ width: 1920, height: 1080 });
      const up = await within(600_000, 'stepping up at 1920 × 1080', stepAll(page, 'PageUp', '1920 × 1080'));
      assert.ok(up.length >= down.length - 1, `${up.length} stops going back up`);
      const zooms = (stops: Stop[]) => stops.map((s) => s.zoom!).sort((a, b) => a - b);
      console.log(`      ${down.length} stops; zoom at 1280 × 720: min ${zooms(down)[0]}, median ${zooms(down)[down.length >> 1]}; at 1920 × 1080: min ${zooms(up)[0]}, median ${zooms(up)[up.length >> 1]}`);
      // Escape at a figure in the middle of the page: the page stays there
      for (let i = 0; i < 12; i++) await page.keyboard.press('PageDown');
      const at = await settledStop(page);
      await page.keyboard.press('Escape');
      await page.waitForTimeout(400);
      const after = await page.evaluate(
        ([what, chapter]) => {
          const all: Element[] = [];
          const roots: (Document | ShadowRoot)[] = [document];
          while (roots.length) {
            const root = roots.pop()!;
            for (const el of root.querySelectorAll('live-cell')) all.push(el);
            for (const el of root.querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
          }
          const cell = all.find((c) => (c as HTMLElement & { label: string }).label === what);
          return { present: document.documentElement.dataset.present ?? null, top: cell ? cell.getBoundingClientRect().top : null, chapter };
        },
        [at.what, at.chapter] as const,
      );
      assert.is(after.present, null, 'presenter mode is off');
      assert.ok(after.top !== null && after.top > -40 && after.top < 200, `after Escape, "${at.what}" is still on screen at the top (${after.top} px)`);
      assertClean(w);
    } finally {
      await w.close();
    }
  });

test.run();
