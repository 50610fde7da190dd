// Chapter 0's learning figure (<learning-2d-figure>) in Chromium, against the
// production build: the small network trains in the page's worker (Start,
// Pause), its loss falls as the chapter says on the default seed, its weights
// after k steps equal Node's mlp2d-train for the same seed (the worker runs
// the same code), a link restores the same network, its samples put fewer
// points on the training set than the ideal denoiser's (as the prose says),
// the controls work by keyboard into the URL, and at 390 px nothing overflows.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { makeSchedule } from '../../pipeline/diffusion';
import { spiral } from '../../pipeline/lessons/toy2d';
import { COMPARE_PARTICLES, LOSS_BELOW, LOSS_WINDOW, LOSS_WITHIN, Mlp2DTrainer, compareSamples, smoothedLoss } from '../../pipeline/lessons/mlp2d-train';
import { liveAnswer } from '../helpers/answers';
import { assertClean } from '../helpers/browser';
import { chapterSuite } from '../helpers/chapter-suite';

const { alphasCumprod } = makeSchedule({ betaSchedule: 'linear' });
const data = spiral(250);
const suite = chapterSuite(test, { tag: 'chapter-0', hash: 'diffusion-2d', open: { reducedMotion: 'reduce', backend: null } });

/** Node's network for a seed after `steps` steps on the spiral. */
function nodeNetwork(seed: number, steps: number) {
  const tr = new Mlp2DTrainer({ data, seed, alphasCumprod });
  tr.trainTo(steps);
  return tr;
}

/** What the figure holds now (null before its first snapshot). */
const figure = (page: Page) =>
  page.evaluate(() => {
    const f = document.querySelector('chapter-0')!.shadowRoot!.querySelector('learning-2d-figure')!;
    const v = f.view;
    if (!v) return null;
    // (no named functions in page code: tsx's __name does not exist in the page)
    const [network, exact] = [v.network, v.exact].map((s) => (s ? { xy: Array.from(s.xy), step: s.step, onData: s.onData } : null));
    return {
      steps: v.steps,
      training: f.training,
      losses: Array.from(v.losses),
      params: Array.from(v.params),
      ema: Array.from(v.ema),
      network,
      exact,
      exactLoss: v.exactLoss,
      recentLoss: f.recentLoss,
    };
  });

/** Scrolls the figure into view (it starts when seen) and waits until it rests at `steps`, with samples of that step. */
async function restsAt(page: Page, steps: number, timeout = 180_000) {
  await page.locator('chapter-0 learning-2d-figure').scrollIntoViewIfNeeded();
  await page.waitForFunction(
    (n) => {
      const f = document.querySelector('chapter-0')!.shadowRoot!.querySelector('learning-2d-figure')!;
      const v = f.view;
      return !!v && v.steps === n && !f.training && v.network?.step === n && !!v.exact;
    },
    steps,
    { timeout },
  );
  return (await figure(page))!;
}

const shown = (page: Page, id: string) =>
  page.evaluate((id) => document.querySelector('chapter-0')!.shadowRoot!.querySelector('learning-2d-figure')!.shadowRoot!.querySelector(`#${id}`)!.textContent!.replace(/\s+/g, ' '), id);

/** The index of a try-this question in the chapter's list, found by its words (others add to the list). */
const questionIndex = (page: Page, words: string) =>
  page.evaluate((words) => {
    const qs = [...document.querySelector('chapter-0')!.shadowRoot!.querySelector('chapter-section')!.shadowRoot!.querySelectorAll('.question')];
    return qs.findIndex((q) => q.textContent!.includes(words));
  }, words);

test(`Start and Pause train in the page's worker: on seed 1 the loss falls below ${LOSS_BELOW} within ${LOSS_WITHIN} steps; the weights equal Node's; the page stays responsive; the URL and a reload restore the network`, async () => {
  const w = await suite.open();
  const { page } = w;
  try {
    const start = await restsAt(page, 0, 60_000);
    assert.equal(start.params, Array.from(nodeNetwork(1, 0).params), 'the first weights are Node’s for seed 1');
    // the longest gap between frames while training, on the page's main thread
    await page.evaluate(() => {
      const w = window as unknown as { gaps: number[]; stopGaps: boolean; last: number; tick: (now: number) => void };
      w.gaps = [];
      w.stopGaps = false;
      w.last = performance.now();
      w.tick = (now: number) => {
        w.gaps.push(now - w.last);
        w.last = now;
        if (!w.stopGaps) requestAnimationFrame(w.tick);
      };
      requestAnimationFrame(w.tick);
    });
    const ch = page.locator('chapter-0');
    await ch.getByRole('button', { name: 'Start training' }).click();
    await page.waitForFunction((n) => (document.querySelector('chapter-0')!.shadowRoot!.querySelector('learning-2d-figure')!.view?.steps ?? 0) >= n, LOSS_WITHIN, { timeout: 60_000 });
    await ch.getByRole('button', { name: 'Pause' }).click();
    await page.waitForFunction(() => !document.querySelector('chapter-0')!.shadowRoot!.querySelector('learning-2d-figure')!.training);
    const k = (await figure(page))!.steps;
    const f = await restsAt(page, k);
    const gaps = await page.evaluate(() => {
      const w = window as unknown as { gaps: number[]; stopGaps: boolean };
      w.stopGaps = true;
      return w.gaps;
    });
    const longest = Math.max(...gaps);
    const median = [...gaps].sort((a, b) => a - b)[gaps.length >> 1];
    console.log(`    trained ${k} steps in the worker; ${gaps.length} frames meanwhile, median gap ${median.toFixed(0)} ms, the longest ${longest.toFixed(0)} ms`);
    // Training runs in the worker, so frames keep coming. A main thread that trained would stall every
    // frame; a loaded machine (another test beside this one) delays a few: so the median gap is the test,
    // and the longest only catches a freeze (one gap of 550 ms was seen with both cores busy).
    assert.ok(gaps.length >= 20, `${gaps.length} frames while training`);
    assert.ok(median < 50, `the page's frames came every ${median} ms (median) while training`);
    assert.ok(longest < 2000, `the page froze for ${longest} ms while training`);
    // the loss, as the chapter states it
    assert.ok(f.losses.length === k);
    const loss = smoothedLoss(f.losses, LOSS_WITHIN, LOSS_WINDOW);
    assert.ok(loss < LOSS_BELOW, `mean loss of steps ${LOSS_WITHIN - LOSS_WINDOW + 1}–${LOSS_WITHIN}: ${loss}`);
    assert.ok(smoothedLoss(f.losses, 10, 10) > 0.6, 'it starts high');
    // the same code in the worker and in Node: the same weights, byte for byte
    const node = nodeNetwork(1, k);
    assert.equal(f.params, Array.from(node.params), `weights after ${k} steps`);
    assert.equal(f.ema, Array.from(node.ema), `averaged weights after ${k} steps`);
    assert.equal(f.losses, Array.from(node.losses), 'every step’s loss');
    assert.match(await shown(page, 'learning-status'), new RegExp(`Step ${k.toLocaleString('en-US')} of 20,000`));
    // the URL holds the steps; a reload trains a fresh network to them: the same weights
    await page.waitForFunction((n) => new URLSearchParams(location.search).get('c0.trained') === String(n), k);
    await page.reload();
    await page.waitForSelector('chapter-0[data-ready="true"]', { state: 'attached' });
    const again = await restsAt(page, k);
    assert.equal(again.ema, f.ema, 'the reloaded page’s network');
    assert.equal(again.network!.xy, f.network!.xy, 'and its samples');
    assertClean(w);
  } finally {
    await w.close();
  }
});

test('a link to 20,000 steps: the page’s samples are Node’s; the network puts far fewer on training points than the ideal denoiser, as the prose and the answers say', async () => {
  const w = await suite.open('?c0.trained=20000');
  const { page } = w;
  try {
    const f = await restsAt(page, 20_000, 240_000);
    const node = nodeNetwork(1, 20_000);
    assert.equal(f.ema, Array.from(node.ema), 'averaged weights after 20,000 steps');
    const close = (a: number[], b: Float32Array, what: string) => {
      assert.is(a.length, b.length);
      for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-5, `${what} ${i}: page ${a[i]}, Node ${b[i]}`);
    };
    close(f.network!.xy, compareSamples(data, node.ema, 1, alphasCumprod), 'the network’s sample value');
    close(f.exact!.xy, compareSamples(data, null, 1, alphasCumprod), 'the ideal denoiser’s sample value');
    const net = f.network!.onData, exact = f.exact!.onData;
    console.log(`    within 0.01 of a training point: the network ${net} of ${COMPARE_PARTICLES}, the ideal denoiser ${exact}; loss ${f.recentLoss.toFixed(4)} against ${f.exactLoss!.toFixed(4)}`);
    // the prose: close to half for the ideal denoiser, about one in ten for the network
    assert.ok(exact >= 0.35 * COMPARE_PARTICLES && exact <= 0.55 * COMPARE_PARTICLES, `ideal denoiser: ${exact}`);
    assert.ok(net <= 0.15 * COMPARE_PARTICLES && net * 3 < exact, `network: ${net}`);
    assert.ok(f.recentLoss > f.exactLoss!, 'the network’s loss stays above the ideal denoiser’s');
    assert.match(await shown(page, 'net-plane-readout'), new RegExp(`${net} of ${COMPARE_PARTICLES} samples`));
    assert.match(await shown(page, 'exact-plane-readout'), new RegExp(`${exact} of ${COMPARE_PARTICLES} samples`));
    const q = await questionIndex(page, 'Train the network on the spiral to the end');
    assert.ok(q >= 0);
    await liveAnswer(page, 'chapter-0', q, `after 20,000 steps, ${net} of the network's ${COMPARE_PARTICLES} samples lie within 0.01 of a training point; ${exact} of the ideal denoiser's`);
    const l = await questionIndex(page, 'Does the network’s loss ever reach');
    await liveAnswer(page, 'chapter-0', l, `loss is ${f.recentLoss.toFixed(3)}`);
    assertClean(w);
  } finally {
    await w.close();
  }
});

test('controls by keyboard into the URL: the fields’ t, Reset network, a new network; a link’s seed and steps give Node’s weights', async () => {
  const w = await suite.open('?c0.trained=500&c0.netSeed=4');
  const { page } = w;
  try {
    let f = await restsAt(page, 500);
    assert.equal(f.params, Array.from(nodeNetwork(4, 500).params), 'seed 4, 500 steps');
    const ch = page.locator('chapter-0');
    const box = ch.getByRole('spinbutton', { name: 'Fields drawn at t, exact value' });
    await box.fill('200');
    await box.press('Enter');
    await page.waitForFunction(() => new URLSearchParams(location.search).get('c0.netT') === '200');
    const arrows = await page.evaluate(() => {
      const fig = document.querySelector('chapter-0')!.shadowRoot!.querySelector('learning-2d-figure')!.shadowRoot!;
      return ['net-plane', 'exact-plane'].map((id) => fig.querySelector(`plot-chart#${id}`)!.shadowRoot!.querySelectorAll('.plot g[aria-label="vector"] path').length);
    });
    assert.equal(arrows, [17 * 17, 17 * 17], 'both fields drawn, one arrow a grid cell');
    await ch.getByRole('button', { name: 'Reset network' }).click();
    f = await restsAt(page, 0);
    assert.equal(f.params, Array.from(nodeNetwork(4, 0).params));
    await page.waitForFunction(() => !new URLSearchParams(location.search).has('c0.trained'));
    await ch.getByRole('button', { name: 'New network' }).click();
    await page.waitForFunction(() => (new URLSearchParams(location.search).get('c0.netSeed') ?? '1') !== '4');
    const seed = Number(new URL(page.url()).searchParams.get('c0.netSeed') ?? 1);
    f = await restsAt(page, 0);
    assert.equal(f.params, Array.from(nodeNetwork(seed, 0).params), `the new seed ${seed}`);
    assertClean(w);
  } finally {
    await w.close();
  }
});

test('390 px wide: the loss curve and both planes inside the cell, nothing scrolls sideways', async () => {
  const w = await suite.open('?c0.trained=300', { width: 390 });
  const { page } = w;
  try {
    await restsAt(page, 300);
    const sizes = await page.evaluate(() => {
      const fig = document.querySelector('chapter-0')!.shadowRoot!.querySelector('learning-2d-figure')!.shadowRoot!;
      const cell = fig.querySelector('live-cell')!.getBoundingClientRect();
      const charts = ['loss-chart', 'net-plane', 'exact-plane'].map((id) => fig.querySelector(`plot-chart#${id}`)!.shadowRoot!.querySelector('svg')!.getBoundingClientRect());
      return {
        cell: { left: cell.left, right: cell.right },
        charts: charts.map((r) => ({ left: r.left, right: r.right, width: r.width })),
        scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
      };
    });
    assert.ok(sizes.scroll <= sizes.client, `page is ${sizes.scroll} px wide in a ${sizes.client} px window`);
    for (const c of sizes.charts) {
      assert.ok(c.left >= sizes.cell.left - 0.5 && c.right <= sizes.cell.right + 0.5, `a chart at ${c.left}–${c.right}, the cell ${sizes.cell.left}–${sizes.cell.right}`);
      assert.ok(c.width >= 280, `a chart ${c.width} px wide`);
    }
    assertClean(w);
  } finally {
    await w.close();
  }
});

test.run();
