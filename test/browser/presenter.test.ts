// Presenter mode and the per-cell tools (issue 8), on chapter 1 (no models
// needed): ?present=1 turns on large type; PageDown / PageUp / arrows step
// through the live cells and "Try this" lists in page order; keys typed into a
// slider stay the slider's; Escape leaves. Each cell's "Copy link" gives a URL
// with the state and a fragment that opens a fresh page at that cell; "Save
// PNG" downloads a PNG of the figure (decoded with pngjs: the cell's size, not
// blank); "Save GIF" downloads the world clip, whose frames (decoded in
// test/helpers/gif-decode.ts) are the clip player's own; "Reset" puts the
// cell's parameters back to their defaults.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import { assertClean, watchedPage } from '../helpers/browser';
import { chapterSuite } from '../helpers/chapter-suite';
import { decodeGif } from '../helpers/gif-decode';

const suite = chapterSuite(test, { tag: 'chapter-1', hash: 'forward-noising', open: { height: 800, reducedMotion: 'reduce', backend: null } });

/** What is being presented: the cell's label or "try" for a Try-this list, and its top on the screen. */
const presented = (page: Page) =>
  page.evaluate(() => {
    // no named helpers inside page.evaluate (the bundler's __name is not in the page)
    const all: Element[] = [];
    const roots: (Document | ShadowRoot)[] = [document];
    while (roots.length) {
      const root = roots.pop()!;
      for (const el of root.querySelectorAll('[data-presenting]')) all.push(el);
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
    }
    return all.map((el) => {
      // the chapter: the outermost host (a cell sits in its figure's shadow root, the figure in the chapter's)
      let host = (el.getRootNode() as ShadowRoot).host;
      while (host && host.getRootNode() instanceof ShadowRoot) host = (host.getRootNode() as ShadowRoot).host;
      return {
        what: el.localName === 'live-cell' ? (el as HTMLElement & { label: string }).label : 'try',
        chapter: host?.localName,
        top: Math.round(el.getBoundingClientRect().top),
      };
    });
  });

const cellTool = (page: Page, cellLabel: RegExp, button: string) =>
  page.locator('chapter-1 live-cell').filter({ has: page.locator(`figcaption`, { hasText: cellLabel }) }).getByRole('button', { name: button });

test('?present=1: large type; PageDown, arrows and PageUp step through cells in page order; a slider keeps its keys; Escape leaves', async () => {
  const w = await suite.open('?present=1');
  const { page } = w;
  const root = () => page.evaluate(() => ({ type: document.documentElement.dataset.type, present: document.documentElement.dataset.present, search: location.search }));
  assert.equal(await root(), { type: 'large', present: 'on', search: '?present=1' });
  assert.is(await page.locator('presenter-toggle button').getAttribute('aria-pressed'), 'true');
  const fontPx = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
  assert.ok(fontPx >= 20, `large type: root font ${fontPx}px`);

  // from chapter 1's heading, PageDown shows its first cell, at the top of the screen
  await page.keyboard.press('PageDown');
  await page.waitForTimeout(200);
  const seen: { what: string; chapter?: string; top: number }[] = [];
  for (let i = 0; i < 3; i++) {
    const now = await presented(page);
    assert.is(now.length, 1, 'one stop at a time');
    seen.push(now[0]);
    await page.keyboard.press(i === 0 ? 'ArrowRight' : 'PageDown');
    await page.waitForTimeout(200);
  }
  const labels = seen.map((s) => `${s.chapter}:${s.what}`);
  assert.is(new Set(labels).size, 3, `three different stops: ${labels.join(', ')}`);
  assert.ok(labels[0].startsWith('chapter-1:Noising one picture'), `from where the reader is, chapter 1: ${labels.join(', ')}`);
  for (const s of seen) assert.ok(s.top >= -2 && s.top < 120, `each stop is brought to the top (${s.what}: ${s.top}px)`);
  const fourth = (await presented(page))[0];
  await page.keyboard.press('PageUp');
  await page.waitForTimeout(200);
  assert.equal((await presented(page)).map((s) => s.what), [seen[2].what], 'PageUp goes back one');

  // arrows in a slider move the slider, not the presentation
  const slider = page.locator('chapter-1 labelled-slider input[type="range"]').first();
  await slider.focus();
  const before = await slider.inputValue();
  await page.keyboard.press('ArrowRight');
  await page.waitForTimeout(150);
  assert.is.not(await slider.inputValue(), before, 'the slider moved');
  assert.equal((await presented(page)).map((s) => s.what), [seen[2].what], 'the presentation did not');
  assert.ok(fourth.what !== undefined);

  await page.keyboard.press('Escape');
  await page.waitForTimeout(100);
  const after = await root();
  assert.is(after.present, undefined);
  assert.is(after.type, undefined, 'type back to normal');
  assert.not.match(after.search, /present=/);
  assert.equal(await presented(page), [], 'nothing outlined');
  // and the toggle turns it on again
  await page.locator('presenter-toggle button').click();
  assert.is((await root()).present, 'on');
  assertClean(w);
  await w.close();
});

test('?present=1 on a phone (390 px): type stays normal, nothing scrolls sideways, keys still step', async () => {
  const w = await suite.open('?present=1', { width: 390 });
  const { page } = w;
  const r = await page.evaluate(() => ({ present: document.documentElement.dataset.present, type: document.documentElement.dataset.type }));
  assert.equal(r, { present: 'on', type: undefined });
  await page.keyboard.press('PageDown');
  await page.waitForTimeout(200);
  assert.is((await presented(page)).length, 1);
  assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 390);
  assertClean(w);
  await w.close();
});

test('Copy link: the URL has the state and a fragment; opened fresh, the page scrolls to that cell', async () => {
  const w = await suite.open('?c1.t=700');
  const { page } = w;
  const state = await page.evaluate(() => location.search);
  const button = cellTool(page, /^The Shapes World/, 'Copy link to this figure');
  await button.click();
  const link = await page.evaluate(() => {
    const cells = Array.from(document.querySelector('chapter-1')!.shadowRoot!.querySelectorAll('noising-figure, shapes-world-figure')).map((f) => f.shadowRoot!.querySelector('live-cell')!);
    return cells.map((c) => c.lastLink).find(Boolean)!;
  });
  assert.ok(link.startsWith(suite.server.url), link);
  const url = new URL(link);
  assert.is(url.search, state, 'the current state');
  assert.match(url.hash, /^#forward-noising--the-shapes-world/);
  assert.match(await page.locator('chapter-1 live-cell output').filter({ hasText: /Link|Copy/ }).first().textContent() ?? '', /Link copied|Copy the link/);
  await w.close();

  const v = await watchedPage(suite.browser, suite.server.url, { width: 1280, height: 800, reducedMotion: 'reduce' });
  await v.page.goto(link);
  await v.page.waitForFunction(() => {
    const cell = Array.from(document.querySelector('chapter-1')?.shadowRoot?.querySelectorAll('noising-figure, shapes-world-figure') ?? []).map((f) => f.shadowRoot?.querySelector('live-cell')).find((c) => c?.label.startsWith('The Shapes World'));
    if (!cell) return false;
    const top = cell.getBoundingClientRect().top;
    return top > -5 && top < 60;
  }, undefined, { timeout: 20_000 });
  const t = await v.page.evaluate(() => new URLSearchParams(location.search).toString());
  assert.match(t, /700/, 'the state came with it');
  assertClean(v);
  await v.close();
});

test('Save PNG, Save GIF and Reset', async () => {
  const w = await suite.open('?c1.t=700&c1.clip=5');
  const { page } = w;
  // PNG of the noising cell
  const [png] = await Promise.all([page.waitForEvent('download'), cellTool(page, /^Noising one picture/, 'Save this figure as PNG').click()]);
  assert.match(png.suggestedFilename(), /^forward-noising-noising-one-picture.*\.png$/);
  const image = PNG.sync.read(await readFile((await png.path())!));
  const box = await page.evaluate(() => {
    const cell = Array.from(document.querySelector('chapter-1')!.shadowRoot!.querySelectorAll('noising-figure, shapes-world-figure')).map((f) => f.shadowRoot!.querySelector('live-cell')!).find((c) => c.label.startsWith('Noising'))!;
    const r = cell.shadowRoot!.querySelector('.content')!.getBoundingClientRect();
    return { width: r.width, height: r.height };
  });
  // the box round the cell's pictures and charts (with a margin and the title): most of the cell's width, within its height
  assert.ok(image.width > box.width && image.width <= 2 * box.width + 50, `PNG ${image.width}×${image.height}, cell ${box.width}×${box.height}`);
  assert.ok(image.height > 300 && image.height <= 2 * box.height + 110, `PNG ${image.width}×${image.height}, cell ${box.width}×${box.height}`);
  const colours = new Set<number>();
  for (let i = 0; i < image.data.length; i += 4 * 37) colours.add((image.data[i] << 16) | (image.data[i + 1] << 8) | image.data[i + 2]);
  assert.ok(colours.size > 50, `the PNG holds the pictures and charts (${colours.size} colours sampled)`);
  // and the text a slide needs: the charts' titles and legends, the × + = between the pictures, their labels; no controls
  const drawn = await page.evaluate(() => {
    const cell = Array.from(document.querySelector('chapter-1')!.shadowRoot!.querySelectorAll('noising-figure')).map((f) => f.shadowRoot!.querySelector('live-cell')!)[0];
    return (cell as unknown as { lastPng: { words: string[]; swatches: string[]; width: number; height: number } }).lastPng;
  });
  writeFileSync(path.join(tmpdir(), 'noising-figure.png'), await readFile((await png.path())!)); // to look at
  const text = drawn.words.join(' ');
  for (const want of ['How much picture, how much noise', 'Signal-to-noise ratio', '×', '+', '=', 'ε']) assert.ok(text.includes(want), `the PNG says “${want}”: ${text.slice(0, 300)}`);
  assert.ok(drawn.words.includes('x'), 'the pictures’ labels (x₀, xₜ)');
  assert.ok(new Set(drawn.swatches).size >= 4, `the legends' colour keys: ${drawn.swatches.join(', ')}`);
  for (const control of ['Reset', 'Copy', 'New', 'Draw', 'Rescale']) assert.not.ok(drawn.words.includes(control), `no control's text in the PNG (${control})`);

  // GIF of the world clip: its frames are the clip player's
  const gifButton = cellTool(page, /^The Shapes World/, 'Save the clip as an animated GIF');
  await page.locator('chapter-1 live-cell').filter({ has: page.locator('figcaption', { hasText: /^The Shapes World/ }) }).hover();
  await gifButton.waitFor();
  const [gif] = await Promise.all([page.waitForEvent('download'), gifButton.click()]);
  assert.match(gif.suggestedFilename(), /\.gif$/);
  const decoded = decodeGif(new Uint8Array(await readFile((await gif.path())!)));
  const clip = await page.evaluate(() => {
    const player = document.querySelector('chapter-1')!.shadowRoot!.querySelector('shapes-world-figure')!.shadowRoot!.querySelector('clip-player')!;
    return { rgb: Array.from(player.rgb!), frames: player.frames, width: player.width, height: player.height };
  });
  assert.is(decoded.frames.length, clip.frames);
  const scale = decoded.width / clip.width;
  assert.ok(Number.isInteger(scale) && scale >= 1 && decoded.height === clip.height * scale);
  const size = 3 * clip.width * clip.height;
  for (let f = 0; f < clip.frames; f++) {
    let worst = 0;
    for (let y = 0; y < clip.height; y++)
      for (let x = 0; x < clip.width; x++)
        for (let c = 0; c < 3; c++) {
          const a = decoded.frames[f][3 * ((y * scale) * decoded.width + x * scale) + c];
          worst = Math.max(worst, Math.abs(a - clip.rgb[f * size + 3 * (y * clip.width + x) + c]));
        }
    assert.ok(worst <= 26, `frame ${f}: worst channel difference ${worst}`);
  }

  // Reset: the noising cell's state goes back to the defaults (t = 250 is the default)
  await cellTool(page, /^Noising one picture/, 'Reset this figure to its defaults').click();
  await page.waitForFunction(() => !/c1\.t=700/.test(location.search), undefined, { timeout: 5000 });
  const t = await page.evaluate(() => document.querySelector('chapter-1')!.figure.t);
  assert.is(t, 250);
  // only that cell's parameters: the world cell's clip seed stays
  await page.waitForTimeout(400);
  assert.match(await page.evaluate(() => location.search), /c1\.clip=5/);
  assertClean(w);
  await w.close();
});

test.run();
