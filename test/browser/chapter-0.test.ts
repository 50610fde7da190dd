// Chapter 0 (diffusion in two dimensions) in Chromium, against the production
// build: the particles are √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε for the shown seed, the
// field is the ideal denoiser's, the sampler gives the same samples as Node for
// the same seed, the reader's points work by mouse and keyboard, and the state
// survives a reload; bad links and an empty data set are said, never thrown.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { makeSchedule } from '../../pipeline/diffusion';
import { IdealDenoiser, Sampler2D, particleNoise, spiral, twoMoons } from '../../pipeline/lessons/toy2d';
import type { PlotChart } from '../../components/charts/plot-chart';
import { answerCount, liveAnswer } from '../helpers/answers';
import { assertClean } from '../helpers/browser';
import { chapterSuite } from '../helpers/chapter-suite';
import { readFileSync } from 'node:fs';

/** The questions of chapter 0's try-this list, counted in its source (the first three are the sampling figure's). */
const QUESTIONS = (readFileSync(new URL('../../chapters/chapter-0/try-this.ts', import.meta.url), 'utf8').match(/^\s+question: /gm) ?? []).length;

const linear = makeSchedule({ betaSchedule: 'linear' });
const FORWARD = 500;
const PARTICLES = 600;

const suite = chapterSuite(test, { tag: 'chapter-0', hash: 'diffusion-2d', open: { reducedMotion: 'reduce', backend: null } });

const figure = (page: Page) =>
  page.evaluate(() => {
    const f = document.querySelector('chapter-0')!.figure;
    return {
      t: f.t,
      alphaBar: f.alphaBar,
      n: f.data.n,
      data: Array.from(f.data.xy),
      x0: Array.from(f.x0),
      xt: Array.from(f.xt),
      shownStep: f.shownStep,
      steps: f.run ? f.run.path.length - 1 : -1,
      final: f.run ? Array.from(f.run.path[f.run.path.length - 1]) : [],
      onData: f.run?.onData ?? -1,
    };
  });

/** Waits until the sampler has a result for `steps` steps. */
const sampled = (page: Page, steps: number) =>
  page.waitForFunction((s) => {
    const run = document.querySelector('chapter-0')!.figure.run;
    return run !== null && run.path.length === s + 1;
  }, steps);

/** What a chart draws: build count, and its overlay (points as a plain array). */
const chart = (page: Page, id: string) =>
  page.evaluate((id) => {
    const figure = id === 'forward-chart' ? 'forward-2d-figure' : 'sampling-2d-figure';
    const c = document.querySelector('chapter-0')!.shadowRoot!.querySelector(figure)!.shadowRoot!.querySelector<PlotChart>(`plot-chart#${id}`)!;
    const points = c.overlay.find((o) => o.type === 'points');
    return {
      builds: c.builds,
      points: points && points.type === 'points' ? Array.from(points.xy) : [],
      vectors: c.shadowRoot!.querySelectorAll('.plot g[aria-label="vector"] path').length,
      alt: c.getAttribute('alt') ?? '',
    };
  }, id);

function checkForward(f: Awaited<ReturnType<typeof figure>>, seed: number) {
  const abar = linear.alphasCumprod[f.t];
  assert.ok(Math.abs(f.alphaBar - abar) < 1e-12);
  const eps = particleNoise(FORWARD, seed);
  for (let i = 0; i < 2 * FORWARD; i++) {
    const expected = Math.sqrt(abar) * f.x0[i] + Math.sqrt(1 - abar) * eps[i];
    assert.ok(Math.abs(f.xt[i] - expected) < 1e-5, `particle value ${i}: ${f.xt[i]}, expected ${expected}`);
  }
}

test('t slider by keyboard: particles are √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε for the seed; the chart draws them; the field is the ideal denoiser', async () => {
  const w = await suite.open('?c0.t=100&c0.seed=4');
  const { page } = w;
  try {
    let f = await figure(page);
    const data = spiral(250);
    assert.equal(f.data, Array.from(data.xy), 'the spiral is the same data set in Node and in the page');
    assert.equal(f.x0.slice(0, 2 * 250), Array.from(data.xy), 'each particle starts at a data point');
    checkForward(f, 4);
    const slider = page.locator('chapter-0').getByRole('slider', { name: 'Timestep t' });
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    f = await figure(page);
    assert.is(f.t, 102);
    checkForward(f, 4);
    let c = await chart(page, 'forward-chart');
    assert.equal(c.points, f.xt, 'the chart draws x_t');
    assert.is(c.vectors, 17 * 17, 'one arrow a grid cell');
    await page.keyboard.press('End');
    f = await figure(page);
    assert.is(f.t, 999);
    checkForward(f, 4);
    // near t = 999 the particles are a standard normal cloud
    const xs = f.xt.filter((_, i) => i % 2 === 0);
    const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, v) => s + (v - mean) ** 2, 0) / xs.length);
    assert.ok(Math.abs(mean) < 0.15 && Math.abs(sd - 1) < 0.1, `x at t = 999: mean ${mean}, sd ${sd}`);
    // the field's arrows: at t = 999 every one points at (nearly) the data's mean; check through Node
    const d = new IdealDenoiser(data);
    const guess = d.predictX0([3, 3], linear.alphasCumprod[999]);
    assert.ok(Math.hypot(guess[0], guess[1]) < 0.3);
    // arrows off, by keyboard
    await page.locator('chapter-0').getByRole('checkbox', { name: /arrows/ }).focus();
    await page.keyboard.press('Space');
    c = await chart(page, 'forward-chart');
    assert.is(c.vectors, 0);
    await page.waitForFunction(() => {
      const p = new URLSearchParams(location.search);
      return p.get('c0.t') === '999' && p.get('c0.field') === 'off';
    });
    assertClean(w);
  } finally {
    await w.close();
  }
});

test('sampling: the page and Node give the same samples for a seed; DDPM by keyboard, steps typed, the shown step moves the particles', async () => {
  const w = await suite.open('?c0.seed=9');
  const { page } = w;
  try {
    await sampled(page, 50);
    let f = await figure(page);
    const data = spiral(250);
    const node = new Sampler2D({ data, particles: PARTICLES, seed: 9, sampler: 'ddim', steps: 50, schedule: linear }).run();
    assert.is(f.final.length, node.length);
    for (let i = 0; i < node.length; i++) assert.ok(Math.abs(f.final[i] - node[i]) < 1e-4, `sample value ${i}: page ${f.final[i]}, Node ${node[i]}`);
    const ch = page.locator('chapter-0');
    await ch.getByRole('radio', { name: /^DDIM/ }).focus();
    await page.keyboard.press('ArrowRight');
    const steps = ch.getByRole('spinbutton', { name: 'Sampling steps, exact value' });
    await steps.fill('12');
    await steps.press('Enter');
    await sampled(page, 12);
    f = await figure(page);
    const ddpm = new Sampler2D({ data, particles: PARTICLES, seed: 9, sampler: 'ddpm', steps: 12, schedule: linear }).run();
    for (let i = 0; i < ddpm.length; i++) assert.ok(Math.abs(f.final[i] - ddpm[i]) < 1e-4, `DDPM sample value ${i}`);
    // the "show step" slider: step 0 is the starting noise, drawn by the chart
    const show = ch.getByRole('slider', { name: 'Show step' });
    await show.focus();
    await page.keyboard.press('Home');
    f = await figure(page);
    assert.is(f.shownStep, 0);
    const start = await page.evaluate(() => Array.from(document.querySelector('chapter-0')!.figure.run!.path[0]));
    assert.equal((await chart(page, 'sampling-chart')).points, start);
    await page.keyboard.press('ArrowRight');
    assert.is((await figure(page)).shownStep, 1);
    assert.match((await chart(page, 'sampling-chart')).alt, /after 1 step/);
    // Play from noise, with reduced motion: straight to the end
    await ch.getByRole('button', { name: 'Play from noise' }).click();
    assert.is((await figure(page)).shownStep, 12);
    assertClean(w);
  } finally {
    await w.close();
  }
});

test('memorisation: with all 1,000 steps nearly every sample is a training point; one DDIM step gives the mean', async () => {
  const w = await suite.open('?c0.steps=1');
  const { page } = w;
  try {
    await sampled(page, 1);
    let f = await figure(page);
    const data = spiral(250);
    let mx = 0, my = 0;
    for (let i = 0; i < data.n; i++) {
      mx += data.xy[2 * i] / data.n;
      my += data.xy[2 * i + 1] / data.n;
    }
    for (let j = 0; j < PARTICLES; j++) assert.ok(Math.hypot(f.final[2 * j] - mx, f.final[2 * j + 1] - my) < 0.15, 'one step: the mean');
    // the answers quote the figure's count and mean distance as it shows them
    assert.is(await answerCount(page, 'chapter-0'), QUESTIONS, 'an answer a question of chapters/chapter-0/try-this.ts');
    const readout = async () => ((await page.locator('chapter-0 #sampling-readout').textContent()) ?? '').replace(/\s+/g, ' ');
    const one = await liveAnswer(page, 'chapter-0', 0, `DDIM, 1 step: ${f.onData} of ${PARTICLES} samples`);
    assert.ok((await readout()).includes(`${one.match(/([\d.]+) away/)![1]} away`), `answer 1: ${one}`);
    await page.locator('chapter-0').getByRole('button', { name: 'Show me' }).nth(2).press('Enter'); // 1,000 steps
    await sampled(page, 1000);
    f = await figure(page);
    assert.ok(f.onData >= 0.9 * PARTICLES, `${f.onData} of ${PARTICLES} samples are training points`);
    assert.match(await readout(), new RegExp(`${f.onData} of ${PARTICLES}`));
    const all = await liveAnswer(page, 'chapter-0', 2, `DDIM, 1000 steps: ${f.onData} of ${PARTICLES} samples`);
    assert.ok((await readout()).includes(`${all.match(/([\d.]+) away/)![1]} away`), `answer 3: ${all}`);
    assertClean(w);
  } finally {
    await w.close();
  }
});

test('a drag across the drawing chart selects none of its text (the axes\' tick labels)', async () => {
  const w = await suite.open();
  const { page } = w;
  try {
    const ch = page.locator('chapter-0');
    await ch.getByRole('radio', { name: 'Draw your own' }).check();
    const plot = ch.getByRole('application', { name: /Click or drag/ });
    await plot.scrollIntoViewIfNeeded();
    const box = (await plot.boundingBox())!;
    // a drag that starts on the y axis' tick labels (left of the data square) and sweeps over the x axis' ones
    await page.mouse.move(box.x + 4, box.y + box.height * 0.3);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + 4 + (box.width - 8) * (i / 10), box.y + box.height * (0.3 + 0.69 * (i / 10)));
    await page.mouse.up();
    assert.is(await page.evaluate(() => getSelection()?.toString() ?? ''), '', 'no text selected');
    assertClean(w);
  } finally {
    await w.close();
  }
});

test('the reader\'s points: empty is said; mouse and keyboard add points; Undo; a reload restores them', async () => {
  const w = await suite.open();
  const { page } = w;
  try {
    const ch = page.locator('chapter-0');
    await ch.getByRole('radio', { name: 'Draw your own' }).check();
    await ch.locator('#empty-data').waitFor();
    const plot = ch.getByRole('application', { name: /Click or drag/ });
    await plot.scrollIntoViewIfNeeded();
    // click at three places inside the data square, found with the chart's own scales
    for (const [x, y] of [[-1, -1], [1, -1], [0, 1]] as const) {
      const [px, py] = await page.evaluate(
        ([x, y]) => {
          const c = document.querySelector('chapter-0')!.shadowRoot!.querySelector('forward-2d-figure')!.shadowRoot!.querySelector<PlotChart>('plot-chart#forward-chart')!;
          const p = c.toPixels(x, y)!;
          const r = c.shadowRoot!.querySelector('.plot svg')!.getBoundingClientRect();
          return [r.left + p[0], r.top + p[1]];
        },
        [x, y],
      );
      await page.mouse.click(px, py);
    }
    await ch.locator('#empty-data').waitFor({ state: 'detached' });
    let f = await figure(page);
    assert.is(f.n, 3);
    const expected = [[-1, -1], [1, -1], [0, 1]];
    for (let i = 0; i < 3; i++) {
      assert.ok(Math.hypot(f.data[2 * i] - expected[i][0], f.data[2 * i + 1] - expected[i][1]) < 0.05, `point ${i} at ${f.data[2 * i]}, ${f.data[2 * i + 1]}`);
    }
    // keyboard: the cross-hair starts in the middle; two steps right, Enter adds a point there
    await plot.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    f = await figure(page);
    assert.is(f.n, 4);
    assert.ok(Math.abs(f.data[6] - 0.35) < 0.01 && Math.abs(f.data[7]) < 0.01, `keyboard point at ${f.data[6]}, ${f.data[7]}`);
    await ch.getByRole('button', { name: 'Undo last point' }).click();
    assert.is((await figure(page)).n, 3);
    // sampling from 3 points lands on the 3 points
    await sampled(page, 50);
    await page.waitForFunction(() => new URLSearchParams(location.search).get('c0.points')?.length === 12); // 3 points, 4 characters each
    await page.reload();
    await page.waitForSelector('chapter-0[data-ready="true"]', { state: 'attached' });
    f = await figure(page);
    assert.is(f.n, 3);
    await ch.getByRole('button', { name: 'Clear' }).click();
    await ch.locator('#empty-data').waitFor();
    assert.match((await ch.getByRole('status').allTextContents()).join(' '), /Nothing to sample/);
    assertClean(w);
  } finally {
    await w.close();
  }
});

test('a bad link never throws: repaired values are said; two moons and a reload restore the same figure', async () => {
  const w = await suite.open('?c0.steps=0&c0.sampler=euler&c0.t=-5&c0.data=drawn&c0.points=!!AAA&c0.extra=1');
  const { page } = w;
  try {
    const text = (await page.locator('chapter-0 state-notice').getByRole('status').textContent()) ?? '';
    assert.match(text, /c0\.steps: 0 is outside \[1, 1000\]; using 1/);
    assert.match(text, /c0\.sampler/);
    assert.match(text, /c0\.extra: unknown parameter/);
    assert.match((await page.locator('chapter-0').getByRole('status').allTextContents()).join(' '), /could not all be read/);
    const f = await figure(page);
    assert.is(f.t, 0);
    await page.locator('chapter-0').getByRole('radio', { name: 'Two moons' }).check();
    await page.locator('chapter-0').getByRole('spinbutton', { name: 'Timestep t, exact value' }).fill('321');
    await page.locator('chapter-0').getByRole('spinbutton', { name: 'Timestep t, exact value' }).press('Enter');
    await page.waitForFunction(() => new URLSearchParams(location.search).get('c0.t') === '321');
    const before = await figure(page);
    assert.equal(before.data, Array.from(twoMoons(250).xy));
    await page.reload();
    await page.waitForSelector('chapter-0[data-ready="true"]', { state: 'attached' });
    const after = await figure(page);
    assert.equal([after.t, after.xt], [before.t, before.xt]);
    assertClean(w);
  } finally {
    await w.close();
  }
});

test('390 px wide: the chapter fits the screen', async () => {
  const w = await suite.open('', { width: 390 });
  const { page } = w;
  try {
    const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    assert.ok(widths.scroll <= widths.client, `page is ${widths.scroll} px wide in a ${widths.client} px window`);
    assertClean(w);
  } finally {
    await w.close();
  }
});

test('notation terms: focus, hover or a first tap shows the one-line definition inside a 390 px window, with no layout shift; Escape hides it; the link still goes to the glossary', async () => {
  const w = await suite.open('', { width: 390 });
  const { page } = w;
  try {
    const term = page.locator('chapter-0').locator('notation-term[href="#n-ddim"]').first();
    const link = term.locator('a.term');
    const tip = term.locator('[role="tooltip"]');
    await link.scrollIntoViewIfNeeded();
    assert.is(await tip.isVisible(), false, 'hidden at first');
    assert.is(await link.getAttribute('aria-describedby'), await tip.getAttribute('id'), 'the link is described by its popover');
    // the page around it settles first (the first screen and the chapter's figures draw as they load, which can
    // move the term by a subpixel); then showing the popover must not move it
    let before = await link.boundingBox();
    for (let i = 0; i < 20; i++) {
      await page.waitForTimeout(250);
      const now = await link.boundingBox();
      if (JSON.stringify(now) === JSON.stringify(before)) break;
      before = now;
    }
    const inWindow = async (what: string) => {
      const box = (await tip.boundingBox())!;
      const view = await page.evaluate(() => ({ width: document.documentElement.clientWidth, height: innerHeight }));
      assert.ok(box.x >= 0 && box.x + box.width <= view.width, `${what}: popover ${box.x}–${box.x + box.width} inside 0–${view.width}`);
      assert.ok(box.y >= 0 && box.y + box.height <= view.height, `${what}: popover ${box.y}–${box.y + box.height} inside 0–${view.height}`);
    };

    // keyboard: focus shows it, Escape hides it
    await link.focus();
    await tip.waitFor({ state: 'visible' });
    assert.match((await tip.textContent()) ?? '', /DDIM\s+Denoising Diffusion Implicit Models \(Song et al\. 2021\)/);
    await inWindow('focus');
    const after = (await link.boundingBox())!;
    assert.ok(Math.abs(after.x - before!.x) < 1 && Math.abs(after.y - before!.y) < 1 && after.width === before!.width, `the term does not move: ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
    const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    assert.ok(widths.scroll <= widths.client, `no sideways scrolling with the popover open (${widths.scroll} px)`);
    await page.keyboard.press('Escape');
    await tip.waitFor({ state: 'hidden' });
    await link.blur();

    // mouse: hover shows it, leaving hides it, Escape hides it too; a term near the right edge stays inside
    const eta = page.locator('chapter-0').locator('notation-term[href="#n-eta"]').first();
    await eta.hover();
    await eta.locator('[role="tooltip"]').waitFor({ state: 'visible' });
    assert.match((await eta.locator('[role="tooltip"]').textContent()) ?? '', /how much fresh noise a DDIM step adds back/);
    await page.mouse.move(2, 2);
    await eta.locator('[role="tooltip"]').waitFor({ state: 'hidden' });
    await term.hover();
    await tip.waitFor({ state: 'visible' });
    await inWindow('hover');
    await page.keyboard.press('Escape');
    await tip.waitFor({ state: 'hidden' });
    await page.mouse.move(2, 2);

    // touch: the first tap shows the definition and stays on the page, the second follows the link
    const tap = () =>
      link.evaluate((a) => {
        a.dispatchEvent(new PointerEvent('pointerdown', { pointerType: 'touch', bubbles: true, composed: true }));
        (a as HTMLElement).click();
      });
    const hash = await page.evaluate(() => location.hash);
    await tap();
    await tip.waitFor({ state: 'visible' });
    await inWindow('tap');
    assert.is(await page.evaluate(() => location.hash), hash, 'a first tap does not navigate');
    await tap();
    await page.waitForFunction(() => location.hash === '#n-ddim');
    await tip.waitFor({ state: 'hidden' }); // following the link closes it
    assertClean(w);
  } finally {
    await w.close();
  }
});

test.run();
