// The production build (dist/) in Chromium, served at a sub-path with the
// development server's headers: the page loads, every chapter element is there
// in reading order, chapter code loads lazily, links land somewhere, the phone
// layout fits, and the page logs no error and asks no other origin for anything.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Browser, Page } from 'playwright-core';
import { DIST, type StaticServer } from '../../build.mjs';
import { NOTATION } from '../../components/shell/notation';
import { assertClean, launchChromium, serve, watchedPage, type WatchedPage } from '../helpers/browser';

const CHAPTERS = [
  ['chapter-0', 'diffusion-2d', 'Diffusion in two dimensions'],
  ['chapter-1', 'forward-noising', 'Forward noising'],
  ['chapter-training', 'training', 'Training a denoiser'],
  ['chapter-2', 'denoising', 'Denoising, step by step'],
  ['chapter-3', 'latent-space', 'The latent space'],
  ['chapter-4', 'spacetime-patches', 'Spacetime patches'],
  ['chapter-5', 'unet-vs-dit', 'U-Net versus Diffusion Transformer'],
  ['chapter-6', 'conditioning', 'The text encoder and cross-attention'],
  ['chapter-guidance', 'guidance', 'Guidance and prompt expansion'],
  ['chapter-7', 'text-to-video', 'Text to video'],
] as const;

let browser: Browser;
let server: StaticServer;

test.before(async () => {
  browser = await launchChromium();
  server = await serve(DIST, { base: '/course/sora/' });
});

test.after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(options: { width?: number; height?: number; hash?: string } = {}): Promise<WatchedPage> {
  const w = await watchedPage(browser, server.url, options);
  await w.page.goto(server.url + (options.hash ?? ''));
  await w.page.waitForSelector('html[data-shell="ready"]', { state: 'attached' });
  return w;
}

const defined = (page: Page) =>
  page.evaluate((tags) => tags.filter((t) => customElements.get(t) !== undefined), CHAPTERS.map((c) => c[0]));

/** Scrolls chapter by chapter to the end, so every chapter loads. */
async function readToTheEnd(page: Page) {
  for (const [tag] of CHAPTERS) {
    await page.locator(tag).scrollIntoViewIfNeeded();
    await page.waitForFunction((t) => customElements.get(t) !== undefined, tag);
  }
}

/** Every href="#…" in the document and in every open shadow root inside it. */
const internalLinks = (page: Page) =>
  page.evaluate(() => {
    // no named inner functions here: tsx would wrap them in a helper the page does not have
    const links: string[] = [];
    const roots: (Document | ShadowRoot)[] = [document];
    while (roots.length) {
      const root = roots.pop()!;
      for (const a of root.querySelectorAll('a[href^="#"]')) links.push(a.getAttribute('href')!);
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
    }
    return links;
  });

test('the page loads: title, contents, every chapter element in reading order; no error, no outside request', async () => {
  const w = await open();
  const { page } = w;
  try {
    assert.match(await page.title(), /Sora, explained live/);
    assert.is(await page.getByRole('heading', { level: 1 }).textContent(), 'Sora, explained live');
    const chapters = await page.$$eval('main > .chapter', (els) => els.map((e) => [e.localName, e.id]));
    assert.equal(chapters, CHAPTERS.map(([tag, id]) => [tag, id]));
    const toc = await page.$$eval('nav.toc a', (as) => as.map((a) => a.getAttribute('href')));
    for (const [, id] of CHAPTERS) assert.ok(toc.includes(`#${id}`), `contents link to #${id}`);
    assert.ok(toc.includes('#notation'));
    assert.ok(await page.evaluate(() => crossOriginIsolated), 'COOP/COEP: cross-origin isolated');
    // every request went to the sub-path the site is served from: relative URLs only
    assert.ok(w.requests.length > 0 && w.requests.every((u) => u.startsWith(server.url)), w.requests.join('\n'));
    assertClean(w);
  } finally {
    await w.close();
  }
});

test('chapter code loads lazily: only near the reader, or when a link goes there', async () => {
  const w = await open({ width: 1280, height: 800 });
  const { page } = w;
  try {
    await page.waitForFunction(() => customElements.get('chapter-0') !== undefined); // near the top: at once
    const early = await defined(page);
    assert.ok(early.includes('chapter-0'));
    assert.not.ok(early.includes('chapter-7'), `loaded at the top of the page: ${early}`);
    assert.not.ok(w.requests.some((u) => /chapter-7-[^/]*\.js/.test(u)), 'chapter 7 was not fetched yet');
    await page.getByRole('navigation').getByRole('link', { name: 'Text to video' }).click();
    await page.waitForFunction(() => customElements.get('chapter-7') !== undefined);
    const heading = page.locator('chapter-7').getByRole('heading', { name: 'Text to video' });
    await heading.waitFor();
    assert.ok(await heading.isVisible());
    assert.ok(w.requests.some((u) => /chapter-7-[^/]*\.js/.test(u)), 'chapter 7 code was fetched when needed');
    assert.is(await page.locator('chapter-7').getAttribute('data-load'), 'loaded');
    await readToTheEnd(page);
    for (const [tag, , title] of CHAPTERS) {
      const ch = page.locator(tag);
      assert.is(await ch.getByRole('heading', { level: 2 }).textContent(), title, tag);
      // a written chapter has live cells; the others still say "coming soon"
      assert.ok((await ch.locator('live-cell').count()) > 0 || (await ch.locator('.coming-soon').isVisible()), `${tag} has live cells or says "coming soon"`);
      assert.ok((await ch.getByRole('link').count()) > 0, `${tag} has references`);
    }
    assertClean(w);
  } finally {
    await w.close();
  }
});

test('a link to a chapter opens the page there, with the chapter loaded', async () => {
  const w = await open({ hash: '#unet-vs-dit' });
  const { page } = w;
  try {
    await page.waitForFunction(() => customElements.get('chapter-5') !== undefined);
    await page.locator('chapter-5').getByRole('heading', { name: 'U-Net versus Diffusion Transformer' }).waitFor();
    const top = await page.locator('chapter-5').evaluate((el) => el.getBoundingClientRect().top);
    assert.ok(Math.abs(top) < 40, `chapter 5 is at the top of the window (top = ${top})`);
    assertClean(w);
  } finally {
    await w.close();
  }
});

test('notation: every glossary anchor exists, and every internal link (in chapters too) lands on an id', async () => {
  const w = await open();
  const { page } = w;
  try {
    await readToTheEnd(page);
    for (const { id } of Object.values(NOTATION)) {
      assert.is(await page.locator(`#notation dt#${id}`).count(), 1, `glossary entry #${id}`);
    }
    const links = await internalLinks(page);
    assert.ok(links.some((h) => h === '#n-alpha-bar'), 'the chapters link notation to the glossary');
    // a figure link (#chapter-id--cell-key, components/shell/figure-link.ts) lands on a live cell of that key in that chapter
    const missing = await page.evaluate((hrefs) => {
      // no named inner functions here: tsx would wrap them in a helper the page does not have
      const out: string[] = [];
      for (const h of hrefs) {
        if (document.getElementById(h.slice(1))) continue;
        const cut = h.indexOf('--', 2);
        const chapter = cut > 0 ? document.getElementById(h.slice(1, cut)) : null;
        const keys: string[] = [];
        const roots: ShadowRoot[] = chapter?.shadowRoot ? [chapter.shadowRoot] : [];
        while (roots.length) {
          const root = roots.pop()!;
          for (const el of root.querySelectorAll('*')) {
            if (el.localName === 'live-cell') keys.push((el as unknown as { key: string }).key);
            if (el.shadowRoot) roots.push(el.shadowRoot);
          }
        }
        if (!keys.includes(h.slice(cut + 2))) out.push(h);
      }
      return out;
    }, links);
    assert.equal(missing, [], 'links to ids (or figure links to cells) that do not exist');
    await page.locator('chapter-1').locator('a.term[href="#n-alpha-bar"]').first().click();
    await page.waitForFunction(() => location.hash === '#n-alpha-bar');
    assertClean(w);
  } finally {
    await w.close();
  }
});

test('390 px wide (a phone): nothing wider than the screen, contents before the chapters', async () => {
  const w = await open({ width: 390, height: 844 });
  const { page } = w;
  try {
    await readToTheEnd(page);
    const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    assert.ok(widths.scroll <= widths.client, `page is ${widths.scroll} px wide in a ${widths.client} px window`);
    const tocBottom = await page.locator('nav.toc').evaluate((el) => el.getBoundingClientRect().bottom + scrollY);
    const firstChapterTop = await page.locator('chapter-0').evaluate((el) => el.getBoundingClientRect().top + scrollY);
    assert.ok(tocBottom < firstChapterTop);
    assertClean(w);
  } finally {
    await w.close();
  }
});

test('a chapter whose code fails to load says so in its place; Retry loads it; the rest works', async () => {
  const w = await watchedPage(browser, server.url);
  const { page } = w;
  try {
    // every fetch of chapter 3's code fails until Retry is pressed: a second trigger of the loader
    // (the chapter coming near the view after the failure) must not load it behind the test's back
    let allowed = false;
    await page.route(/chapter-3-[^/]*\.js/, (route) => (allowed ? route.fallback() : route.abort('failed')));
    await page.goto(server.url + '#latent-space');
    const alert = page.locator('chapter-3 .chapter-error[role="alert"]');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /could not be loaded/);
    await page.waitForFunction(() => customElements.get('chapter-4') !== undefined); // its neighbour is fine
    allowed = true;
    await alert.getByRole('button', { name: 'Retry' }).click();
    await page.waitForFunction(() => customElements.get('chapter-3') !== undefined);
    assert.is(await page.locator('chapter-3').getAttribute('data-load'), 'loaded');
    // the failed fetch itself is the only error the browser logs
    const unexpected = w.errors.filter((e) => !/Failed to load resource: net::ERR_FAILED/.test(e));
    assert.equal(unexpected, []);
    assert.equal(w.outside, []);
  } finally {
    await w.close();
  }
});

test.run();
