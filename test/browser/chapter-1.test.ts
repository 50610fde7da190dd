// Chapter 1 (forward noising) in Chromium, against the production build: the
// picture on the canvas is the math (a pixel of x_t equals √ᾱ_t·x₀ + √(1−ᾱ_t)·ε
// for the shown seed, ε computed here in Node), a change of t moves the charts'
// markers without rebuilding them, every control works by keyboard, the state
// survives a reload, and bad links and empty drawings are said, never thrown.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { makeSchedule, type BetaSchedule } from '../../pipeline/diffusion';
import { bytesToModel, displayByte } from '../../pipeline/pixels';
import { createRandom, fillNormal } from '../../pipeline/random';
import { generateClip } from '../../pipeline/world';
import type { PixelView } from '../../components/widgets/pixel-view';
import type { PlotChart } from '../../components/charts/plot-chart';
import { answerCount, liveAnswer } from '../helpers/answers';
import { assertClean } from '../helpers/browser';
import { chapterSuite } from '../helpers/chapter-suite';

const suite = chapterSuite(test, { tag: 'chapter-1', hash: 'forward-noising', open: { backend: null } });

interface Figure {
  t: number;
  schedule: string;
  zsnr: string;
  seed: number;
  alphaBar: number;
  x0: number[];
  eps: number[];
  xt: number[];
  probe: { x: number; y: number; c: number };
}

const figure = (page: Page): Promise<Figure> =>
  page.evaluate(() => {
    const f = document.querySelector('chapter-1')!.figure;
    return { ...f, x0: Array.from(f.x0), eps: Array.from(f.eps ?? []), xt: Array.from(f.xt), probe: f.probe! };
  });

/** Bytes the x_t canvas shows at the given pixels (read back from the canvas itself). */
const canvasPixels = (page: Page, id: string, at: [number, number][]) =>
  page.evaluate(
    ({ id, at }) => {
      const view = document.querySelector('chapter-1')!.shadowRoot!.querySelector('noising-figure')!.shadowRoot!.querySelector<PixelView>(`pixel-view#${id}`)!;
      return at.map(([x, y]) => view.readPixel(x, y));
    },
    { id, at },
  );

/** Build counts and overlay draw counts of the three charts. */
const charts = (page: Page) =>
  page.evaluate(() => {
    const root = document.querySelector('chapter-1')!.shadowRoot!.querySelector('noising-figure')!.shadowRoot!;
    return ['signal-chart', 'snr-chart', 'hist-chart'].map((id) => {
      const c = root.querySelector<PlotChart>(`plot-chart#${id}`)!;
      const rule = c.shadowRoot!.querySelector('svg.marks line');
      const rects = Array.from(c.shadowRoot!.querySelectorAll('svg.marks rect')).map((r) => Number(r.getAttribute('height')));
      return { builds: c.builds, overlayDraws: c.overlayDraws, ruleX: rule ? Number(rule.getAttribute('x1')) : null, bars: rects, alt: c.getAttribute('alt') ?? '' };
    });
  });

const SIZE = 32;
const probes: [number, number][] = [[0, 0], [5, 9], [16, 16], [31, 31], [20, 3], [11, 27]];

/** Checks the canvas of x_t against √ᾱ·x₀ + √(1 − ᾱ)·ε computed here, for a seed, picture and schedule. */
async function checkPixels(page: Page, o: { t: number; seed: number; image: number; schedule: BetaSchedule; zsnr?: boolean }) {
  const abar = makeSchedule({ betaSchedule: o.schedule, rescaleBetasZeroSnr: o.zsnr ?? false }).alphasCumprod[o.t];
  const x0 = bytesToModel(generateClip(o.image, { frames: 1 }).frames);
  const eps = fillNormal(createRandom(o.seed), new Float32Array(SIZE * SIZE * 3));
  const f = await figure(page);
  assert.is(f.t, o.t);
  assert.ok(Math.abs(f.alphaBar - abar) < 1e-12, `ᾱ_t in the page ${f.alphaBar}, here ${abar}`);
  const at = [...probes, [f.probe.x, f.probe.y] as [number, number]];
  const shown = await canvasPixels(page, 'xt', at);
  at.forEach(([x, y], k) => {
    for (let c = 0; c < 3; c++) {
      const i = (y * SIZE + x) * 3 + c;
      const expected = Math.sqrt(abar) * x0[i] + Math.sqrt(1 - abar) * eps[i];
      assert.ok(Math.abs(f.eps[i] - eps[i]) < 1e-6, `ε at ${x},${y},${c}: page ${f.eps[i]}, Node ${eps[i]}`);
      assert.ok(Math.abs(f.xt[i] - expected) < 1e-5, `x_t at ${x},${y},${c}: page ${f.xt[i]}, expected ${expected}`);
      assert.ok(Math.abs(shown[k][c] - displayByte(expected)) <= 1, `canvas at ${x},${y},${c}: ${shown[k][c]}, expected ${displayByte(expected)}`);
    }
  });
}

test('a pixel of x_t on the canvas is √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε for the shown seed; the readout says the same', async () => {
  const w = await suite.open('?c1.t=300&c1.seed=5');
  try {
    await checkPixels(w.page, { t: 300, seed: 5, image: 2, schedule: 'linear' });
    const probe = await w.page.locator('chapter-1 #probe').evaluate((el) => ({ ...(el as HTMLElement).dataset }));
    const abar = makeSchedule({ betaSchedule: 'linear' }).alphasCumprod[300];
    assert.ok(Math.abs(Number(probe.xt) - (Math.sqrt(abar) * Number(probe.x0) + Math.sqrt(1 - abar) * Number(probe.eps))) < 1e-5);
    assertClean(w);
  } finally {
    await w.close();
  }
});

test('keyboard on the t slider: the image follows every step, the charts move their markers and are not rebuilt', async () => {
  const w = await suite.open('?c1.t=300&c1.seed=5');
  const { page } = w;
  try {
    const before = await charts(page);
    const slider = page.locator('chapter-1').getByRole('slider', { name: 'Timestep t' });
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await checkPixels(page, { t: 303, seed: 5, image: 2, schedule: 'linear' });
    await page.keyboard.press('PageUp');
    const t = (await figure(page)).t;
    assert.ok(t > 380 && t < 420, `Page Up moves t by about 100 (now ${t})`);
    await checkPixels(page, { t, seed: 5, image: 2, schedule: 'linear' });
    await page.keyboard.press('End');
    await checkPixels(page, { t: 999, seed: 5, image: 2, schedule: 'linear' });
    const after = await charts(page);
    for (let k = 0; k < 3; k++) {
      assert.is(after[k].builds, before[k].builds, `chart ${k} was not rebuilt`);
      assert.ok(after[k].overlayDraws > before[k].overlayDraws || k < 2, `chart ${k} overlay redrawn`);
    }
    assert.ok(after[0].ruleX! > before[0].ruleX!, 'the t marker moved right');
    assert.not.equal(after[2].bars, before[2].bars, 'the histogram bars changed');
    assert.match(after[0].alt, /At t = 999/);
    // the histogram at t = 999 is nearly N(0, 1): its tallest bar is close to the density's peak 0.40
    const fig = await figure(page);
    const mean = fig.xt.reduce((s, v) => s + v, 0) / fig.xt.length;
    assert.ok(Math.abs(mean) < 0.1, `x_999 has mean ${mean}`);
    await page.waitForFunction(() => new URLSearchParams(location.search).get('c1.t') === '999');
    assertClean(w);
  } finally {
    await w.close();
  }
});

test('schedules by keyboard: radio arrows pick cosine; the zero-SNR box makes x_999 exactly ε', async () => {
  const w = await suite.open('?c1.t=500&c1.seed=2');
  const { page } = w;
  try {
    const before = await charts(page);
    await page.locator('chapter-1').getByRole('radio', { name: /^Linear/ }).focus();
    await page.keyboard.press('ArrowRight'); // scaled linear
    await page.keyboard.press('ArrowRight'); // cosine
    await page.waitForFunction(() => document.querySelector('chapter-1')!.state.schedule === 'squaredcos_cap_v2');
    await checkPixels(page, { t: 500, seed: 2, image: 2, schedule: 'squaredcos_cap_v2' });
    const after = await charts(page);
    assert.ok(after[0].builds > before[0].builds, 'a new schedule rebuilds its curves');
    assert.is(after[2].builds, before[2].builds, 'the histogram chart does not depend on the schedule');
    const box = page.locator('chapter-1').getByRole('checkbox', { name: /zero terminal SNR/ });
    await box.focus();
    await page.keyboard.press('Space');
    const slider = page.locator('chapter-1').getByRole('slider', { name: 'Timestep t' });
    await slider.focus();
    await page.keyboard.press('End');
    await checkPixels(page, { t: 999, seed: 2, image: 2, schedule: 'squaredcos_cap_v2', zsnr: true });
    const f = await figure(page);
    assert.is(f.alphaBar, 0);
    assert.equal(f.xt.slice(0, 30), f.eps.slice(0, 30).map((v) => Math.fround(v)), 'x_999 = ε exactly');
    // New noise and New picture by keyboard
    await page.locator('chapter-1').getByRole('button', { name: 'New noise' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('chapter-1').getByRole('button', { name: 'New picture' }).focus();
    await page.keyboard.press('Enter');
    await checkPixels(page, { t: 999, seed: 3, image: 3, schedule: 'squaredcos_cap_v2', zsnr: true });
    assertClean(w);
  } finally {
    await w.close();
  }
});

test('the URL holds the figure: a reload restores t, schedule, seed and the same pixels', async () => {
  const w = await suite.open();
  const { page } = w;
  try {
    const ch = page.locator('chapter-1');
    await ch.getByRole('spinbutton', { name: 'Timestep t, exact value' }).fill('640');
    await ch.getByRole('spinbutton', { name: 'Timestep t, exact value' }).press('Enter');
    await ch.getByRole('radio', { name: /^Scaled linear/ }).check();
    await ch.getByRole('spinbutton', { name: 'Noise seed, exact value' }).fill('77');
    await ch.getByRole('spinbutton', { name: 'Noise seed, exact value' }).press('Enter');
    await page.waitForFunction(() => {
      const p = new URLSearchParams(location.search);
      return p.get('c1.t') === '640' && p.get('c1.schedule') === 'scaled_linear' && p.get('c1.seed') === '77';
    });
    const before = await canvasPixels(page, 'xt', probes);
    await page.reload();
    await page.waitForSelector('chapter-1[data-ready="true"]', { state: 'attached' });
    const f = await figure(page);
    assert.equal([f.t, f.schedule, f.seed], [640, 'scaled_linear', 77]);
    assert.equal(await canvasPixels(page, 'xt', probes), before);
    await checkPixels(page, { t: 640, seed: 77, image: 2, schedule: 'scaled_linear' });
    assertClean(w);
  } finally {
    await w.close();
  }
});

test('a bad link never throws: values clamped or replaced, and the page says so', async () => {
  const w = await suite.open('?c1.t=5000&c1.schedule=bogus&c1.seed=-3&c1.source=drawing&c1.drawing=%%%25zz!&c1.zsnr=maybe');
  const { page } = w;
  try {
    const f = await figure(page);
    assert.equal([f.t, f.schedule, f.seed, f.zsnr], [999, 'linear', 0, 'off']);
    const notice = page.locator('chapter-1 state-notice');
    const text = (await notice.getByRole('status').textContent()) ?? '';
    assert.match(text, /c1\.t: 5000 is outside \[0, 999\]; using 999/);
    assert.match(text, /c1\.schedule/);
    assert.match((await page.locator('chapter-1').getByRole('status').allTextContents()).join(' '), /could not all be read|empty/);
    // out of range in the number box: clamped and said
    const box = page.locator('chapter-1').getByRole('spinbutton', { name: 'Timestep t, exact value' });
    await box.fill('-40');
    await box.press('Enter');
    assert.is((await figure(page)).t, 0);
    assert.match((await page.locator('chapter-1 labelled-slider').first().getByRole('status').textContent()) ?? '', /outside 0–999/);
    await notice.getByRole('button', { name: 'OK' }).click();
    assert.is(await notice.getByRole('status').count(), 0);
    assertClean(w);
  } finally {
    await w.close();
  }
});

test('drawing: empty is said; painting by mouse and by keyboard changes x₀; the drawing survives a reload', async () => {
  const w = await suite.open('?c1.t=0');
  const { page } = w;
  try {
    const ch = page.locator('chapter-1');
    await ch.getByRole('radio', { name: 'Draw your own' }).check();
    await ch.locator('[data-empty-drawing]').waitFor();
    const surface = ch.getByRole('application', { name: /Your picture/ });
    await surface.scrollIntoViewIfNeeded();
    const box = (await surface.boundingBox())!;
    // drag across the middle with the default brush (red, medium)
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.5, { steps: 8 });
    await page.mouse.up();
    await ch.locator('[data-empty-drawing]').waitFor({ state: 'detached' });
    let [px] = await canvasPixels(page, 'x0', [[16, 16]]);
    assert.equal(px, [230, 40, 40], 'x₀ is red where the stroke went');
    // keyboard: pick blue (3), move the cursor to the top-left corner and paint
    await surface.focus();
    await page.keyboard.press('3');
    for (let i = 0; i < 16; i++) await page.keyboard.press('ArrowUp');
    for (let i = 0; i < 16; i++) await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Space');
    [px] = await canvasPixels(page, 'x0', [[0, 0]]);
    assert.equal(px, [40, 90, 240], 'x₀ is blue where Space painted');
    // at t = 0, x_t is (almost exactly) x₀
    const [xt] = await canvasPixels(page, 'xt', [[16, 16]]);
    assert.ok(Math.abs(xt[0] - 230) < 4, `x_0 red channel ${xt[0]}`);
    await page.waitForFunction(() => (new URLSearchParams(location.search).get('c1.drawing') ?? '').length > 10);
    await page.reload();
    await page.waitForSelector('chapter-1[data-ready="true"]', { state: 'attached' });
    assert.equal(await canvasPixels(page, 'x0', [[16, 16], [0, 0], [31, 31]]), [[230, 40, 40], [40, 90, 240], [0, 0, 0]]);
    // Clear makes it empty again, and says so
    await ch.getByRole('button', { name: 'Clear' }).click();
    await ch.locator('[data-empty-drawing]').waitFor();
    assertClean(w);
  } finally {
    await w.close();
  }
});

test('the world cell: a caption gives a clip the judge passes; a bad one is said; training examples step; reduced motion holds still', async () => {
  const w = await suite.open('', { reducedMotion: 'reduce' });
  const { page } = w;
  try {
    const ch = page.locator('chapter-1');
    const verdict = ch.locator('#verdict');
    assert.match((await verdict.textContent()) ?? '', /PASS — a big red circle moving right|PASS — a small red circle moving right/);
    const player = ch.locator('clip-player');
    await page.waitForTimeout(700);
    assert.is(await player.evaluate((el) => (el as HTMLElement & { frame: number }).frame), 0, 'no autoplay with reduced motion');
    await player.getByRole('button', { name: 'Play' }).click();
    await page.waitForFunction(() => (document.querySelector('chapter-1')!.shadowRoot!.querySelector('shapes-world-figure')!.shadowRoot!.querySelector('clip-player') as unknown as { frame: number }).frame > 0);
    await player.getByRole('button', { name: 'Pause' }).click();
    const caption = ch.getByRole('textbox', { name: 'Caption' });
    await caption.fill('a big blue square in the top left');
    await verdict.filter({ hasText: 'PASS — a big blue square in the top left' }).waitFor();
    await caption.fill('a dog');
    await ch.locator('#world-message').waitFor();
    assert.match((await ch.locator('#world-message').textContent()) ?? '', /Nothing to draw/);
    await ch.getByRole('combobox', { name: 'Or pick one' }).selectOption('a green triangle and a purple square');
    await verdict.filter({ hasText: 'PASS' }).waitFor();
    await ch.getByRole('button', { name: 'Show training examples' }).click();
    const first = await caption.inputValue();
    await ch.getByRole('button', { name: 'Next example' }).click();
    await page.waitForFunction((c) => (document.querySelector('chapter-1')!.shadowRoot!.querySelector('shapes-world-figure')!.shadowRoot!.querySelector('#caption') as HTMLInputElement).value !== c, first);
    assert.match((await ch.getByRole('status').allTextContents()).join(' '), /Training example #1/);
    await verdict.filter({ hasText: 'PASS' }).waitFor(); // a training clip passes its own (shortened) caption
    assertClean(w);
  } finally {
    await w.close();
  }
});

test('"try this" buttons set the figure, and the URL follows', async () => {
  const w = await suite.open();
  const { page } = w;
  try {
    await page.locator('chapter-1').getByRole('button', { name: 'Show me' }).nth(1).press('Enter');
    const f = await figure(page);
    assert.equal([f.t, f.schedule, f.zsnr], [999, 'scaled_linear', 'off']);
    await checkPixels(page, { t: 999, seed: 0, image: 2, schedule: 'scaled_linear' });
    await page.waitForFunction(() => new URLSearchParams(location.search).get('c1.schedule') === 'scaled_linear');
    // each answer's live numbers are the ones the figure's readout and chart keys show
    const shown = async () => {
      const text = (await page.evaluate(() => document.querySelector('chapter-1')!.shadowRoot!.querySelector('noising-figure')!.shadowRoot!.textContent ?? '')).replace(/\s+/g, ' ');
      const pick = (re: RegExp) => text.match(re)?.[1] ?? `(no ${re.source})`;
      return { abar: pick(/ᾱt = ([−\d.e+]+) · √ᾱt/), root: pick(/√ᾱt = ([−\d.]+) · √\(1/), noise: pick(/√\(1 − ᾱt\) = ([−\d.]+) ·/), logSnr: pick(/(?:linear|Cosine)(?:, zero SNR)?: ([−\d.∞]+)/) };
    };
    assert.is(await answerCount(page, 'chapter-1'), 3);
    let n = await shown();
    await liveAnswer(page, 'chapter-1', 1, `t = 999, Scaled linear: ᾱ_t = ${n.abar}, √ᾱ_t = ${n.root}, log-SNR ${n.logSnr}.`);
    await page.locator('chapter-1').getByRole('button', { name: 'Show me' }).nth(0).press('Enter');
    await page.waitForFunction(() => document.querySelector('chapter-1')!.state.t === 450);
    n = await shown();
    await liveAnswer(page, 'chapter-1', 0, `t = 450, Linear: √ᾱ_t = ${n.root}, √(1 − ᾱ_t) = ${n.noise}.`);
    await page.locator('chapter-1').getByRole('button', { name: 'Show me' }).nth(2).press('Enter');
    await page.waitForFunction(() => document.querySelector('chapter-1')!.state.t === 500);
    n = await shown();
    await liveAnswer(page, 'chapter-1', 2, `t = 500, Cosine: ᾱ_t = ${n.abar}, log-SNR ${n.logSnr}.`);
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
    // x₀ + ε = x_t in two rows: each picture about half the column, not a third less the operators (~55 px, issue 24)
    const sizes = await page.evaluate(() =>
      ['x0', 'eps', 'xt'].map((id) => Math.round(document.querySelector('chapter-1')!.shadowRoot!.querySelector('noising-figure')!.shadowRoot!.querySelector(`pixel-view#${id}`)!.getBoundingClientRect().width)),
    );
    assert.ok(sizes.every((px) => px >= 90), `x₀, ε, x_t are ${sizes.join(', ')} px wide at 390 px`);
    assertClean(w);
  } finally {
    await w.close();
  }
});

test.run();
