// The first screen (chapters/first-screen/first-screen.ts) in Chromium, against the
// production build, on WASM with the real models: the page opens on the whole
// pipeline; the prompt box works before any model has loaded; the models' sizes
// show before the download and a progress bar during it; the stages light up in
// order, with previews while the DiT denoises; the clip is the one Node's
// pipeline makes for the same prompt and seed; the chapters below stay usable
// while it runs; a link restores it; a link into a chapter does not start it; a
// model that fails to load stops this cell only; served to a class over plain
// http (no secure context) it still makes its clip. Tests that need a model
// weights/manifest.json does not list are skipped, saying which.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { textToVideo } from '../../pipeline/text-to-video';
import { assertClean, CLASSROOM_HOST, CLASSROOM_RULE, launchChromium, watchedPage, within, type WatchedPage } from '../helpers/browser';
import { chapterSuite } from '../helpers/chapter-suite';
import { sameBytes } from '../helpers/compare';
import { STEPS as FIRST_SCREEN_STEPS } from '../../chapters/first-screen/state';

const MODELS = ['text_encoder', 'dit', 'vae_decoder'];
const NOT_FOUND = /Failed to load resource: the server responded with a status of 404/;

const suite = chapterSuite(test, { tag: 'first-screen', hash: '' });

/** The weights arrive late, so what shows before and during the download can be seen. */
const slowWeights = (ms: number) => (w: WatchedPage) =>
  w.context.route('**/*.onnx', async (route) => {
    await new Promise((r) => setTimeout(r, ms));
    await route.continue();
  });

/** What the first screen shows, as plain values. */
const screen = (page: Page) =>
  page.evaluate(() => {
    const el = document.querySelector('first-screen')!;
    const root = el.shadowRoot!;
    const stages = root.querySelector('pipeline-stages')!.shadowRoot!;
    return {
      phase: (el as unknown as { phase: string }).phase,
      state: { ...el.state },
      weights: root.querySelector('.weights')?.textContent?.replace(/\s+/g, ' ').trim() ?? '',
      progress: !!root.querySelector('.weights progress'),
      tokens: Array.from(root.querySelector('prompt-field')!.shadowRoot!.querySelectorAll('.tokens li')).map((li) => li.textContent!.trim()),
      stages: Array.from(stages.querySelectorAll('li')).map((li) => ({ id: li.dataset.stage, status: li.dataset.status, current: li.getAttribute('aria-current') })),
      links: Array.from(stages.querySelectorAll('a')).map((a) => a.getAttribute('href')!),
      trace: { stages: [...el.trace.stages], previews: [...el.trace.previews] },
      frames: el.result ? Array.from(el.result.frames) : null,
      reason: el.result?.verdict?.reason ?? null,
      alert: el.cell.shadowRoot!.querySelector('[role="alert"]')?.textContent?.replace(/\s+/g, ' ').trim() ?? null,
    };
  });

const waitForClip = (page: Page) =>
  page.waitForFunction(() => document.querySelector('first-screen')?.result != null, undefined, { timeout: 240_000, polling: 200 });

suite.withModels(MODELS, 'the page opens on the pipeline: the prompt works at once, sizes before the download, a progress bar during it, the stages in order with previews, the clip Node makes; the engine panel then says what ran each model and what this browser has, and its switch is the page\'s', async () => {
  const w = await suite.open('', { before: slowWeights(1500) });
  const { page } = w;
  try {
    // before any weights arrive: the sizes, and a prompt box that answers
    await page.waitForFunction(() => /DiT \d/.test(document.querySelector('first-screen')!.shadowRoot!.querySelector('.weights')?.textContent ?? ''));
    const early = await screen(page);
    assert.match(early.weights, /text encoder [\d.]+ MB, DiT [\d.]+ MB, VAE decoder \d+ kB \([\d.]+ MB; [\d.]+ MB to download, once\)/);
    assert.ok(early.phase === 'loading' || early.phase === 'idle', `phase ${early.phase}`);
    const box = page.locator('first-screen').getByRole('textbox', { name: 'Prompt' });
    await box.focus();
    await page.keyboard.press('End');
    await page.keyboard.type(' and');
    assert.equal((await screen(page)).tokens.slice(-2), ['and', '<end>'], 'tokens follow the typing before the models load');
    await box.fill('a red circle moving right');
    await page.waitForFunction(() => !!document.querySelector('first-screen')!.shadowRoot!.querySelector('.weights progress'), undefined, { timeout: 30_000 });
    const during = await screen(page);
    assert.match(during.weights, /Downloading .*: [\d.]+ (kB|MB|B) of [\d.]+ MB/);
    // it runs: a stage lights up, then the clip arrives
    await page.waitForFunction(() => !!document.querySelector('first-screen')!.shadowRoot!.querySelector('pipeline-stages')!.shadowRoot!.querySelector('li[aria-current="step"]'), undefined, { timeout: 120_000, polling: 50 });
    await waitForClip(page);
    const done = await screen(page);
    assert.equal(done.state, { prompt: 'a red circle moving right', seed: 0 });
    assert.equal(done.trace.stages, ['encode', 'denoise', 'decode', 'judge'], 'the stages light up in order');
    assert.equal(done.trace.previews, [2, 4, 6, 8, 10, 12, 14], `a preview every 2 steps, of ${FIRST_SCREEN_STEPS}`);
    assert.ok(done.stages.every((s) => s.status === 'done' && s.current === null), JSON.stringify(done.stages));
    assert.equal(done.stages.map((s) => s.id), ['tokens', 'encode', 'noise', 'denoise', 'decode', 'judge']);
    const missing = await page.evaluate((hrefs) => hrefs.filter((h) => !document.getElementById(h.slice(1))), done.links);
    assert.equal(missing, [], 'every stage links to a chapter that exists');
    assert.match(done.weights, /all downloaded \(kept in this browser\)/);
    const expected = await textToVideo(suite.host, { prompt: 'a red circle moving right', model: 'dit', seed: 0, frames: 8, steps: FIRST_SCREEN_STEPS }, { backend: 'wasm' });
    sameBytes(done.frames!, expected.frames, 'the first screen\'s clip');
    assert.is(done.reason, expected.verdict!.reason);
    assert.ok(expected.verdict!.pass, `the default clip (what a class sees first) passes the judge: ${done.reason}`);
    console.log(`      first screen, "a red circle moving right", seed 0: ${done.reason}`);
    assert.match((await page.locator('first-screen').locator('#summary').textContent())!, new RegExp(`Made in [\\d.]+ (s|ms): ${FIRST_SCREEN_STEPS} steps of the DiT`));
    // the page's one engine panel (components/shell/engine-panel.ts): what ran each model, what this browser has, and the switch for every chapter
    await page.locator('#engine').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => !!document.querySelector('engine-panel')?.shadowRoot?.querySelector('tr[data-model="dit"]'), undefined, { timeout: 30_000 });
    const panel = () =>
      page.evaluate(() => {
        const root = document.querySelector('engine-panel')!.shadowRoot!;
        return {
          rows: Object.fromEntries(Array.from(root.querySelectorAll('tbody tr')).map((tr) => [(tr as HTMLElement).dataset.model!, Array.from(tr.querySelectorAll('td')).map((td) => td.textContent!.trim())])) as Record<string, string[]>,
          total: root.querySelector('.total')!.textContent!.replace(/\s+/g, ' ').trim(),
          selects: document.querySelectorAll('engine-panel').length,
        };
      });
    const engine = await panel();
    assert.is(engine.selects, 1, 'one engine panel in the page');
    for (const m of ['text_encoder', 'dit', 'vae_decoder']) {
      assert.is(engine.rows[m][3], 'in this browser', `${m}: ${engine.rows[m].join(' | ')}`);
      assert.is(engine.rows[m][2], 'WASM (CPU)', `${m} ran on WASM`);
    }
    assert.is(engine.rows.unet[3], 'not asked for yet');
    assert.not.ok(Object.values(engine.rows).some((r) => /snap|_/.test(r[0])), 'models named for a reader, never by their file names');
    assert.match(engine.total, /^3 of \d+ models in this browser \([\d.]+ MB of [\d.]+ MB\), kept for the next visit/);
    await page.locator('engine-panel').getByLabel('Run the models on').selectOption('webgpu');
    assert.match(await page.evaluate(() => location.search), /backend=webgpu/);
    assert.is(await page.evaluate(() => document.querySelector('first-screen')!.models.backend), 'webgpu', 'the switch is the whole page\'s');
    await page.locator('engine-panel').getByLabel('Run the models on').selectOption('auto');
    assert.not.match(await page.evaluate(() => location.search), /backend/);
    assertClean(w);
  } finally {
    await w.close();
  }
});

suite.withModels(MODELS, 'the chapters below stay usable while the models run: chapter 1\'s slider answers every key at once', async () => {
  const w = await suite.open();
  const { page } = w;
  try {
    await page.waitForFunction(() => (document.querySelector('first-screen') as unknown as { phase: string }).phase === 'running', undefined, { timeout: 120_000, polling: 20 });
    await page.locator('chapter-1').scrollIntoViewIfNeeded();
    await page.waitForSelector('chapter-1[data-ready="true"]', { state: 'attached' });
    const slider = page.locator('chapter-1').getByRole('slider', { name: 'Timestep t' });
    await slider.focus();
    // In the page: from each key's event to the first frame that has the slider's new state (the test's own
    // round trips, which grow with whatever else the machine runs, are printed but not judged).
    // (a string: the test runner's transform would wrap a named function in a helper the page lacks)
    await page.evaluate(`window.keyMs = [];
      document.addEventListener('keydown', (e) => {
        const ch = document.querySelector('chapter-1');
        const before = ch.state.t;
        const check = () => (ch.state.t !== before ? window.keyMs.push(performance.now() - e.timeStamp) : requestAnimationFrame(check));
        requestAnimationFrame(check);
      }, true);`);
    const delays: number[] = [];
    let runningDuring = 0;
    for (let i = 0; i < 12; i++) {
      const t0 = Date.now();
      const before = await page.evaluate(() => document.querySelector('chapter-1')!.state.t);
      await page.keyboard.press('ArrowRight');
      await page.waitForFunction((b) => document.querySelector('chapter-1')!.state.t === b + 1, before, { polling: 'raf' });
      delays.push(Date.now() - t0);
      if ((await page.evaluate(() => (document.querySelector('first-screen') as unknown as { phase: string }).phase)) === 'running') runningDuring++;
    }
    const inPage = await page.waitForFunction(() => {
      const ms = (window as unknown as { keyMs: number[] }).keyMs;
      return ms.length >= 12 && ms;
    });
    const sorted = ((await inPage.jsonValue()) as number[]).map(Math.round).sort((a, b) => a - b);
    const trips = [...delays].sort((a, b) => a - b);
    console.log(`      chapter 1's slider while the first screen denoises: key to frame ${sorted[6]} ms median, ${sorted[11]} ms slowest in the page (round trips from the test ${trips[6]} and ${trips[11]} ms); running during ${runningDuring} of 12 keys`);
    assert.ok(runningDuring >= 1, 'the model ran while the slider moved');
    assert.ok(sorted[6] < 150, `the median key took ${sorted[6]} ms to its frame`);
    await waitForClip(page);
    assertClean(w);
  } finally {
    await w.close();
  }
});

suite.withModels(MODELS, 'a link restores the clip; Another take is the next seed; a link into a chapter does not start the first screen', async () => {
  const prompt = 'a blue triangle moving down';
  const w = await suite.open(`&fs.prompt=${encodeURIComponent(prompt)}&fs.seed=2`);
  const { page } = w;
  try {
    await waitForClip(page);
    const first = await screen(page);
    assert.equal(first.state, { prompt, seed: 2 });
    sameBytes(first.frames!, (await textToVideo(suite.host, { prompt, model: 'dit', seed: 2, frames: 8, steps: FIRST_SCREEN_STEPS }, { backend: 'wasm' })).frames, 'from the link');
    await page.locator('first-screen').getByRole('button', { name: 'Another take' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('first-screen')!.state.seed === 3);
    await page.waitForFunction(() => document.querySelector('first-screen')!.result?.sample.options.seed === 3, undefined, { timeout: 240_000 });
    await page.waitForFunction(() => new URLSearchParams(location.search).get('fs.seed') === '3');
    const next = await screen(page);
    sameBytes(next.frames!, (await textToVideo(suite.host, { prompt, model: 'dit', seed: 3, frames: 8, steps: FIRST_SCREEN_STEPS }, { backend: 'wasm' })).frames, 'another take');
    assertClean(w);
  } finally {
    await w.close();
  }
  const elsewhere = await watchedPage(suite.browser, suite.server.url, { width: 1280, height: 900 });
  try {
    await elsewhere.page.goto(`${suite.server.url}#forward-noising`);
    await elsewhere.page.waitForSelector('chapter-1[data-ready="true"]', { state: 'attached' });
    await elsewhere.page.waitForTimeout(2000);
    const phase = await elsewhere.page.evaluate(() => (document.querySelector('first-screen') as unknown as { phase?: string } | null)?.phase ?? 'not loaded');
    assert.ok(phase === 'idle' || phase === 'not loaded', `the first screen is ${phase}`);
    // (other chapters near chapter 1 may load models of their own; the first screen asked for nothing)
    assert.is(await elsewhere.page.evaluate(() => document.querySelector('first-screen')?.result ?? null), null);
    assertClean(elsewhere);
  } finally {
    await elsewhere.close();
  }
});

suite.withModels(MODELS, 'a model that cannot be downloaded stops this cell only, with Retry; the chapters still work; 390 px wide fits', async () => {
  const w = await watchedPage(suite.browser, suite.server.url, { width: 390, height: 844 });
  const { page } = w;
  try {
    let block = true;
    await w.context.route('**/weights/dit.onnx', (route) => (block ? route.fulfill({ status: 404, body: 'not here' }) : route.continue()));
    await page.goto(`${suite.server.url}?backend=wasm`);
    await page.waitForSelector('first-screen[data-ready="true"]', { state: 'attached' });
    await page.locator('first-screen').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => !!document.querySelector('first-screen')!.cell.shadowRoot!.querySelector('[role="alert"]'), undefined, { timeout: 120_000 });
    const failed = await screen(page);
    assert.match(failed.alert!, /This cell stopped: dit\.onnx is missing on the server \(HTTP 404\)/);
    assert.is(failed.phase, 'failed');
    await page.locator('chapter-1').scrollIntoViewIfNeeded();
    await page.waitForSelector('chapter-1[data-ready="true"]', { state: 'attached' });
    // Retry, now that the file is there
    block = false;
    await page.locator('first-screen').scrollIntoViewIfNeeded();
    await within(240_000, 'retry', (async () => {
      await page.evaluate(() => document.querySelector('first-screen')!.cell.shadowRoot!.querySelector<HTMLButtonElement>('[role="alert"] button')!.click());
      await waitForClip(page);
    })());
    const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    assert.ok(widths.scroll <= widths.client, `page is ${widths.scroll} px wide in a ${widths.client} px window`);
    w.errors = w.errors.filter((e) => !NOT_FOUND.test(e)); // this test's doing
    assertClean(w);
  } finally {
    await w.close();
  }
});

/** Where the prompt box and the clip's picture sit in the window, and the clip's frame now. */
const firstViewport = (page: Page) =>
  page.evaluate(() => {
    const root = document.querySelector('first-screen')!.shadowRoot!;
    const box = root.querySelector('prompt-field')!.shadowRoot!.querySelector('input')!.getBoundingClientRect();
    const player = root.querySelector('clip-card')!.shadowRoot!.querySelector('clip-player')!;
    const picture = player.shadowRoot!.querySelector('pixel-view')!.getBoundingClientRect();
    return { height: innerHeight, box: [box.top, box.bottom], picture: [picture.top, picture.bottom, picture.width], frame: (player as unknown as { frame: number }).frame };
  });

/** The judge's labels over the first screen's clip (each inside the picture or not), and whether the box to hide them is there. */
const judgeMarks = (page: Page) =>
  page.evaluate(() => {
    const card = document.querySelector('first-screen')!.shadowRoot!.querySelector('clip-card')!;
    const view = card.shadowRoot!.querySelector('clip-player')!.shadowRoot!.querySelector('pixel-view')!;
    const svg = view.shadowRoot!.querySelector('svg');
    const frame = svg?.getBoundingClientRect();
    const labels = Array.from(svg?.querySelectorAll('text.label') ?? []).map((t) => {
      const r = t.getBoundingClientRect();
      return { text: t.textContent, inside: !!frame && r.left >= frame.left - 0.5 && r.right <= frame.right + 0.5 };
    });
    return { labels, toggle: !!card.shadowRoot!.querySelector('label.marks input') };
  });

suite.withModels(MODELS, 'the first viewport holds the prompt box and the clip playing, at 1280 × 800 and at 390 × 844; the judge\'s labels stay inside the picture and can be hidden', async () => {
  const w = await suite.open('', { width: 1280, height: 800 });
  const { page } = w;
  try {
    await waitForClip(page);
    for (const [width, height] of [[1280, 800], [390, 844]]) {
      await page.setViewportSize({ width, height });
      await page.evaluate(() => scrollTo(0, 0));
      await page.waitForTimeout(300);
      const a = await firstViewport(page);
      assert.ok(a.box[0] >= 0 && a.box[1] <= height, `${width} × ${height}: the prompt box at ${a.box.map(Math.round)}`);
      assert.ok(a.picture[0] >= 0 && a.picture[1] <= height && a.picture[2] >= 150, `${width} × ${height}: the clip at ${a.picture.map(Math.round)}`);
      await page.waitForTimeout(600); // 4 frames a second
      assert.is.not((await firstViewport(page)).frame, a.frame, `${width} × ${height}: the clip plays`);
    }
    const marks = await judgeMarks(page);
    assert.ok(marks.labels.length > 0 && marks.labels.every((l) => l.inside), `labels inside the picture: ${JSON.stringify(marks.labels)}`);
    assert.ok(marks.toggle, 'a box for the judge\'s marks');
    await page.locator('first-screen').getByRole('checkbox', { name: "The judge's marks" }).uncheck();
    assert.equal((await judgeMarks(page)).labels, [], 'hidden');
    assertClean(w);
  } finally {
    await w.close();
  }
});

suite.withModels(MODELS, 'a class on the same network (plain http, another host name: no secure context, so no service worker, Cache Storage, threads or WebGPU) still gets the clip, and the page says it will not work offline', async () => {
  const browser = await launchChromium({ args: [CLASSROOM_RULE] });
  const url = suite.server.url.replace('127.0.0.1', CLASSROOM_HOST);
  const w = await watchedPage(browser, url);
  const { page } = w;
  try {
    await page.goto(url);
    const context = await page.evaluate(() => ({ secure: isSecureContext, sw: 'serviceWorker' in navigator, caches: typeof caches, isolated: crossOriginIsolated, gpu: 'gpu' in navigator }));
    assert.equal(context, { secure: false, sw: false, caches: 'undefined', isolated: false, gpu: false }, 'what a student’s browser lacks on http://<the teacher’s address>');
    await waitForClip(page);
    const done = await screen(page);
    assert.ok(done.reason, 'judged');
    assert.match(done.weights, /all downloaded \(for this visit only: over plain http this browser keeps no copy\)/);
    assertClean(w);
  } finally {
    await w.close();
    await browser.close();
  }
});

test.run();
