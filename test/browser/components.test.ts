// The reusable elements in Chromium: <chapter-section>'s "try this" buttons (the
// state they send, the figure they bring into view) and references, and <live-cell> keeping its errors to itself.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Browser } from 'playwright-core';
import type { StaticServer } from '../../build.mjs';
import type { TryThisDetail } from '../../components/shell/chapter-section';
import type { LiveCell } from '../../components/shell/live-cell';
import { assertClean, launchChromium, serve, watchedPage, type WatchedPage } from '../helpers/browser';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let browser: Browser;
let server: StaticServer;
let w: WatchedPage;

test.before(async () => {
  browser = await launchChromium();
  server = await serve(path.join(root, '.cache', 'browser-test', 'components'));
});

test.after(async () => {
  await browser?.close();
  await server?.close();
});

test.before.each(async () => {
  w = await watchedPage(browser, server.url);
  await w.page.goto(server.url);
  await w.page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
});

test.after.each(async () => {
  await w.close();
});

test('chapter-section: title, references as links, and "try this" buttons that emit the state', async () => {
  const { page } = w;
  await page.evaluate(async () => {
    const section = document.querySelector('chapter-section')!;
    section.references = [{ title: 'Ho et al. 2020', href: 'https://arxiv.org/abs/2006.11239', note: 'DDPM' }];
    section.tryThis = [
      { question: 'When is the picture gone?', state: { t: 999, schedule: 'linear' } },
      { question: 'What does the cosine schedule change?', state: { t: 500, schedule: 'squaredcos_cap_v2' }, label: 'Compare' },
    ];
    await section.updateComplete;
    (window as unknown as { tried: unknown[] }).tried = [];
    document.addEventListener('try-this', (e) => (window as unknown as { tried: unknown[] }).tried.push((e as CustomEvent).detail));
  });
  assert.is(await page.getByRole('heading', { level: 2 }).textContent(), 'A test chapter');
  assert.is(await page.getByRole('link', { name: 'Ho et al. 2020' }).getAttribute('href'), 'https://arxiv.org/abs/2006.11239');
  await page.getByRole('button', { name: 'Compare' }).click();
  await page.getByRole('button', { name: 'Show me' }).click();
  const tried = (await page.evaluate(() => (window as unknown as { tried: unknown[] }).tried)) as TryThisDetail[];
  assert.equal(tried, [
    { index: 1, question: 'What does the cosine schedule change?', state: { t: 500, schedule: 'squaredcos_cap_v2' } },
    { index: 0, question: 'When is the picture gone?', state: { t: 999, schedule: 'linear' } },
  ]);
  assert.equal(w.outside, []); // nothing clicked leaves the page's origin here
  assertClean(w);
});

test('chapter-section: a try-this button brings the figure it changed into view, marks it for a while and moves the focus there', async () => {
  const { page } = w;
  await page.setViewportSize({ width: 800, height: 600 });
  await page.evaluate(async () => {
    const section = document.querySelector('chapter-section')!;
    const spacer = document.createElement('div');
    spacer.style.height = '2400px'; // the try-this list far below the figures
    section.append(spacer);
    section.tryThis = [
      { question: 'What does figure B show?', state: { t: 1 }, figure: 'live-cell#b' },
      { question: 'A figure the chapter lacks', state: { t: 2 }, figure: '#missing' },
    ];
    await section.updateComplete;
  });
  const show = page.getByRole('button', { name: 'Show me' });
  await show.first().scrollIntoViewIfNeeded();
  const topOfB = () => page.evaluate(() => document.querySelector('live-cell#b')!.getBoundingClientRect().top);
  assert.ok((await topOfB()) < -1000, 'figure B starts well above the screen');
  await show.first().click();
  await page.waitForFunction(() => {
    const top = document.querySelector('live-cell#b')!.getBoundingClientRect().top;
    return top >= 0 && top < 40; // at the top of the screen, below its scroll margin
  });
  assert.ok(await page.evaluate(() => document.querySelector('live-cell#b')!.hasAttribute('data-try-shown')), 'marked');
  assert.is(await page.evaluate(() => document.activeElement?.id), 'b', 'the focus follows');
  assert.not.ok(await page.evaluate(() => document.querySelector('live-cell#a')!.hasAttribute('data-try-shown')));
  await page.waitForFunction(() => !document.querySelector('live-cell#b')!.hasAttribute('data-try-shown'), null, { timeout: 10_000 });
  // a figure that is not there: the state is still sent, nothing moves, nothing fails
  await show.nth(1).scrollIntoViewIfNeeded();
  const before = await topOfB();
  await show.nth(1).click();
  await page.waitForTimeout(300);
  assert.is(await topOfB(), before);
  assertClean(w);
});

test('chapter-section: an answer is a disclosure; its live number says "not computed yet" until the figure has it, then follows the figure while open; a read that throws is not computed', async () => {
  const { page } = w;
  await page.setViewportSize({ width: 390, height: 800 });
  await page.evaluate(async () => {
    const section = document.querySelector('chapter-section')!;
    const items: typeof section.tryThis = [
      { question: 'What does figure B count?', state: { t: 1 }, figure: 'live-cell#b', answer: 'It counts the seeds that pass.' },
      { question: 'A read that throws', state: { t: 2 }, figure: 'live-cell#a', answer: 'Prose only would be fine too.' },
      { question: 'No answer', state: { t: 3 } },
    ];
    // (reads set by assignment: a named helper in here would be wrapped in a __name the page lacks)
    const count = {} as { read: (f: HTMLElement) => string | undefined };
    count.read = (f) => (f.dataset.count ? `${f.dataset.count} of 16 pass` : undefined);
    const throws = {} as { read: (f: HTMLElement) => string | undefined };
    throws.read = (f) => f.dataset.missing!.trim();
    items[0].live = count;
    items[1].live = throws;
    section.tryThis = items;
    await section.updateComplete;
  });
  const summary = page.getByText('What you should see, and why');
  assert.is(await summary.count(), 2, 'a disclosure for each item with an answer');
  assert.not.ok(await page.getByText('It counts the seeds that pass.').isVisible(), 'closed at first');
  await summary.first().click();
  assert.ok(await page.getByText('It counts the seeds that pass.').isVisible());
  const value = page.locator('chapter-section #live0');
  assert.match((await value.textContent())!, /not computed yet/);
  assert.is(await value.getAttribute('data-live'), '');
  // the figure computes: the open answer reads it within a second, and again when it changes
  await page.evaluate(() => (document.querySelector<HTMLElement>('live-cell#b')!.dataset.count = '5'));
  await page.waitForFunction(() => document.querySelector('chapter-section')!.shadowRoot!.querySelector('#live0')!.getAttribute('data-live') === '5 of 16 pass', null, { timeout: 2000 });
  await page.evaluate(() => (document.querySelector<HTMLElement>('live-cell#b')!.dataset.count = '7'));
  await page.waitForFunction(() => document.querySelector('chapter-section')!.shadowRoot!.querySelector('#live0')!.textContent!.trim() === '7 of 16 pass', null, { timeout: 2000 });
  // a read that throws reads as not computed, and breaks nothing
  await summary.nth(1).click();
  await page.waitForTimeout(700);
  assert.match((await page.locator('chapter-section #live1').textContent())!, /not computed yet/);
  assert.is(await page.locator('chapter-section #live0').textContent().then((t) => t!.trim()), '7 of 16 pass');
  // by keyboard: Enter on the summary closes it; closed answers stop reading
  await summary.first().focus();
  await page.keyboard.press('Enter');
  assert.not.ok(await page.getByText('It counts the seeds that pass.').isVisible());
  // at 390 px nothing is wider than the screen
  assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 390);
  assertClean(w);
});

test('live-cell: a failing task shows its message and a Retry button in that cell only; Retry reruns it', async () => {
  const { page } = w;
  const first = await page.evaluate(async () => {
    const win = window as unknown as { calls: number };
    win.calls = 0;
    const a = document.querySelector<LiveCell>('live-cell#a')!;
    return a.run(async () => {
      win.calls++;
      if (win.calls === 1) throw new Error('the model file is missing');
      return 'drawn';
    });
  });
  assert.is(first, undefined);
  const alert = page.locator('live-cell#a').getByRole('alert');
  assert.match((await alert.textContent()) ?? '', /the model file is missing/);
  assert.is(await page.locator('live-cell#b').getByRole('alert').count(), 0);
  assert.ok(await page.locator('#a-content').isVisible(), 'the rest of the cell is still there');
  await page.locator('live-cell#a').getByRole('button', { name: 'Retry' }).click();
  await page.waitForFunction(() => (window as unknown as { calls: number }).calls === 2);
  await alert.waitFor({ state: 'detached' });
  assert.match((await page.locator('live-cell#a footer').textContent()) ?? '', /\d+ ms/);
  assert.ok(w.console.some((l) => l.type === 'warning' && l.text.includes('the model file is missing')), 'logged as a warning');
  assertClean(w); // no console error, no uncaught exception
});

test('live-cell: a synchronous throw, a thrown non-Error and an error reported from inside stay in the cell', async () => {
  const { page } = w;
  const escaped = await page.evaluate(async () => {
    let reached = 0;
    document.addEventListener('cell-error', () => reached++);
    const a = document.querySelector<LiveCell>('live-cell#a')!;
    const b = document.querySelector<LiveCell>('live-cell#b')!;
    await a.run(() => {
      throw new TypeError('sync');
    });
    await b.run(() => Promise.reject({ code: 42 }));
    window.componentsPage.reportCellError(document.querySelector('#a-content')!, new Error('bad input'));
    await a.updateComplete;
    await b.updateComplete;
    return reached;
  });
  assert.is(escaped, 0, 'cell-error events stop at the cell');
  assert.match((await page.locator('live-cell#a').getByRole('alert').textContent()) ?? '', /bad input/);
  assert.match((await page.locator('live-cell#b').getByRole('alert').textContent()) ?? '', /\{"code":42\}/);
  assertClean(w);
});

test('live-cell: a newer run aborts the older one, whose result (or error) is never shown', async () => {
  const { page } = w;
  const r = await page.evaluate(async () => {
    const a = document.querySelector<LiveCell>('live-cell#a')!;
    let abortedA = false;
    const pa = a.run(async (signal: AbortSignal) => {
      await new Promise((done) => setTimeout(done, 200));
      abortedA = signal.aborted;
      return 'A';
    });
    const pFail = a.run(async () => {
      await new Promise((done) => setTimeout(done, 100));
      throw new Error('stale failure');
    });
    const pb = a.run(async () => {
      await new Promise((done) => setTimeout(done, 300));
      return 'B';
    });
    return { a: await pa, fail: await pFail, b: await pb, abortedA };
  });
  assert.equal(r, { a: undefined, fail: undefined, b: 'B', abortedA: true });
  assert.is(await page.locator('live-cell#a').getByRole('alert').count(), 0, 'the stale failure is not shown');
  assertClean(w);
});

test('live-cell: the footer says which backend ran', async () => {
  const text = await w.page.locator('live-cell#b footer').textContent();
  assert.match(text ?? '', /ran on WASM \(CPU\)/);
  assertClean(w);
});

test.run();
