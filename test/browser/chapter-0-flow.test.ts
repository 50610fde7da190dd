// Chapter 0's flow and guidance figures in Chromium, against the production
// build: the page's samples and measurements equal Node's for the same state
// (flow matching and DDIM from the same noise; guided DDIM on the labelled
// moons), the controls work by keyboard and write the URL, a reload restores
// the same figures, the try-this answers read the figures' numbers, and at
// 390 px nothing overflows.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { makeSchedule } from '../../pipeline/diffusion';
import { spiral, twoMoons } from '../../pipeline/lessons/toy2d';
import { FLOW_PARTICLES, FLOW_REFERENCE_STEPS, FLOW_STEP_COUNTS, compareFlowDdim, runToEnd, samplerPair } from '../../pipeline/lessons/flow2d';
import { GUIDE_PER_CLASS, GUIDE_STEPS, GuidedDenoiser, GuidedSampler, labelledMoons, measureGuided } from '../../pipeline/lessons/guidance2d';
import { IdealDenoiser } from '../../pipeline/lessons/toy2d';
import { liveAnswer } from '../helpers/answers';
import { assertClean } from '../helpers/browser';
import { chapterSuite } from '../helpers/chapter-suite';

const linear = makeSchedule({ betaSchedule: 'linear' });
const suite = chapterSuite(test, { tag: 'chapter-0', hash: 'diffusion-2d', open: { reducedMotion: 'reduce', backend: null } });
const guidedModel = new GuidedDenoiser(labelledMoons(250));

/** What the flow figure holds once it has run for the page's state (runs it, scrolled into view as a reader would). */
async function flowFigure(page: Page, steps: number) {
  await page.locator('chapter-0 flow-2d-figure').scrollIntoViewIfNeeded();
  return page.evaluate(async (steps) => {
    const f = document.querySelector('chapter-0')!.shadowRoot!.querySelector('flow-2d-figure')!;
    const deadline = Date.now() + 60_000;
    while (!(f.stepRun?.steps === steps && f.errors && f.comparison) && Date.now() < deadline) {
      await f.ensure();
      await new Promise((r) => setTimeout(r, 50));
    }
    const r = f.stepRun!, c = f.comparison!;
    return {
      steps: r.steps,
      flow: Array.from(r.flow[r.flow.length - 1]),
      ddim: Array.from(r.ddim[r.ddim.length - 1]),
      errors: f.errors!,
      flowError: c.flowError,
      ddimError: c.ddimError,
      straightness: c.straightness,
      readout: document.querySelector('chapter-0')!.shadowRoot!.querySelector('flow-2d-figure')!.shadowRoot!.querySelector('#flow-readout')!.textContent!.replace(/\s+/g, ' '),
    };
  }, steps);
}

/** What the guidance figure holds once it has run for the page's state. */
async function guidanceFigure(page: Page, scale: number) {
  await page.locator('chapter-0 guidance-2d-figure').scrollIntoViewIfNeeded();
  return page.evaluate(async (scale) => {
    const f = document.querySelector('chapter-0')!.shadowRoot!.querySelector('guidance-2d-figure')!;
    const deadline = Date.now() + 30_000;
    while (!(f.run && f.state.gscale === scale && f.run.key === `${f.state.gscale}|${f.state.gseed}`) && Date.now() < deadline) {
      await f.ensure();
      await new Promise((r) => setTimeout(r, 50));
    }
    const run = f.run!;
    const chart = f.shadowRoot!.querySelector('plot-chart#guidance-field')!;
    return {
      samples: Array.from(run.path[run.path.length - 1]),
      labels: Array.from(run.labels),
      measures: run.measures,
      firstGuess: run.firstGuess,
      arrows: chart.shadowRoot!.querySelectorAll('.plot g[aria-label="vector"] path').length,
      caption: f.shadowRoot!.querySelector('figcaption')!.textContent!,
    };
  }, scale);
}

function close(a: number[], b: ArrayLike<number>, tol: number, what: string) {
  assert.is(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < tol, `${what} value ${i}: page ${a[i]}, Node ${b[i]}`);
}

/** The index of a try-this question in the chapter's list, found by its words (others may append to the list). */
const questionIndex = (page: Page, words: string) =>
  page.evaluate((words) => {
    const qs = [...document.querySelector('chapter-0')!.shadowRoot!.querySelector('chapter-section')!.shadowRoot!.querySelectorAll('.question')];
    return qs.findIndex((q) => q.textContent!.includes(words));
  }, words);

test('flow figure: the page’s flow and DDIM samples and its measurements equal Node’s; steps by keyboard; the URL and a reload keep them', async () => {
  const w = await suite.open('?c0.fseed=3&c0.fsteps=4');
  const { page } = w;
  try {
    const data = spiral(250);
    const denoiser = new IdealDenoiser(data);
    let f = await flowFigure(page, 4);
    let node = samplerPair({ data, particles: FLOW_PARTICLES, seed: 3, schedule: linear, denoiser }, 4);
    close(f.flow, node.flow.run(), 1e-5, 'flow, 4 steps');
    close(f.ddim, node.ddim.run(), 1e-5, 'DDIM, 4 steps');
    const c = runToEnd(compareFlowDdim({ data, denoiser, particles: FLOW_PARTICLES, seed: 3, schedule: linear, stepCounts: FLOW_STEP_COUNTS, referenceSteps: FLOW_REFERENCE_STEPS }));
    close(f.flowError, c.flowError, 1e-6, 'flow error curve');
    close(f.ddimError, c.ddimError, 1e-6, 'DDIM error curve');
    assert.ok(Math.abs(f.straightness.flow - c.straightness.flow) < 1e-6 && Math.abs(f.straightness.ddimLate - c.straightness.ddimLate) < 1e-6);
    assert.ok(f.errors.flow < f.errors.ddim, `4 steps: flow ${f.errors.flow}, DDIM ${f.errors.ddim}`);
    assert.ok(f.readout.includes(f.errors.flow.toFixed(3)) && f.readout.includes(f.errors.ddim.toFixed(3)), f.readout);
    // the steps slider by keyboard
    const slider = page.locator('chapter-0').getByRole('slider', { name: 'Steps, each sampler' });
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => new URLSearchParams(location.search).get('c0.fsteps') === '5');
    f = await flowFigure(page, 5);
    node = samplerPair({ data, particles: FLOW_PARTICLES, seed: 3, schedule: linear, denoiser }, 5);
    close(f.flow, node.flow.run(), 1e-5, 'flow, 5 steps');
    // the try-this answers read the figure
    const q = await questionIndex(page, 'Flow matching with 4 steps');
    assert.ok(q >= 0);
    const text = await liveAnswer(page, 'chapter-0', q, `5 steps: the flow's samples ${f.errors.flow.toFixed(3)}`);
    assert.match(text, new RegExp(`DDIM's ${f.errors.ddim.toFixed(3)}`));
    await liveAnswer(page, 'chapter-0', q + 1, `whole paths: flow ${f.straightness.flow.toFixed(2)}, DDIM ${f.straightness.ddim.toFixed(2)}`);
    // a reload restores the state and the same samples
    await page.reload();
    await page.waitForSelector('chapter-0[data-ready="true"]', { state: 'attached' });
    const again = await flowFigure(page, 5);
    assert.equal(again.flow, f.flow);
    assertClean(w);
  } finally {
    await w.close();
  }
});

test('flow figure on two moons: the data set chosen above is the one sampled', async () => {
  const w = await suite.open('?c0.data=moons&c0.fsteps=2&c0.fseed=8');
  const { page } = w;
  try {
    const data = twoMoons(250);
    const f = await flowFigure(page, 2);
    const node = samplerPair({ data, particles: FLOW_PARTICLES, seed: 8, schedule: linear, denoiser: new IdealDenoiser(data) }, 2);
    close(f.flow, node.flow.run(), 1e-5, 'flow on moons');
    close(f.ddim, node.ddim.run(), 1e-5, 'DDIM on moons');
    assertClean(w);
  } finally {
    await w.close();
  }
});

test('guidance figure: samples and measures equal Node’s; scale and field by keyboard; the URL round trip', async () => {
  const w = await suite.open('?c0.gscale=2&c0.gseed=4');
  const { page } = w;
  try {
    let g = await guidanceFigure(page, 2);
    let node = new GuidedSampler(guidedModel, { perClass: GUIDE_PER_CLASS, seed: 4, scale: 2, steps: GUIDE_STEPS, schedule: linear });
    close(g.samples, node.run(), 1e-5, 'guided samples, s = 2');
    const m = measureGuided(node.current, node.labels, guidedModel.data);
    assert.ok(Math.abs(g.measures.classShare - m.classShare) < 1e-9 && Math.abs(g.measures.spread - m.spread) < 1e-6);
    assert.is(g.arrows, 17 * 17, 'one arrow a grid cell');
    const ch = page.locator('chapter-0');
    // the scale by keyboard: one step is 0.25
    await ch.getByRole('slider', { name: 'Guidance scale s' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => new URLSearchParams(location.search).get('c0.gscale') === '2.25');
    g = await guidanceFigure(page, 2.25);
    node = new GuidedSampler(guidedModel, { perClass: GUIDE_PER_CLASS, seed: 4, scale: 2.25, steps: GUIDE_STEPS, schedule: linear });
    close(g.samples, node.run(), 1e-5, 'guided samples, s = 2.25');
    // the field and class pickers by keyboard
    await ch.getByRole('radio', { name: /^Guided/ }).focus();
    await page.keyboard.press('ArrowRight');
    await ch.getByRole('radio', { name: 'Upper moon' }).focus();
    await page.keyboard.press('ArrowRight');
    await ch.getByRole('spinbutton', { name: 'Field shown at t, exact value' }).fill('900');
    await ch.getByRole('spinbutton', { name: 'Field shown at t, exact value' }).press('Enter');
    await page.waitForFunction(() => {
      const p = new URLSearchParams(location.search);
      return p.get('c0.gfield') === 'cond' && p.get('c0.gclass') === 'lower' && p.get('c0.gt') === '900';
    });
    g = await guidanceFigure(page, 2.25);
    assert.match(g.caption, /conditional field at t = 900, lower moon/);
    // the try-this answers read the figure's numbers
    const q = await questionIndex(page, 'Set the guidance scale to 0');
    assert.ok(q >= 0);
    await liveAnswer(page, 'chapter-0', q, `s = 2.25: ${Math.round(100 * g.measures.classShare)}% of the samples`);
    // Show me: s = 8 and the guided field at t = 900
    await ch.getByRole('button', { name: 'Show me' }).nth(q + 1).press('Enter');
    g = await guidanceFigure(page, 8);
    assert.ok(g.measures.spread < 0.5 && g.firstGuess > 2, `s = 8: spread ${g.measures.spread}, first guess ${g.firstGuess}`);
    await liveAnswer(page, 'chapter-0', q + 1, `spread ${g.measures.spread.toFixed(2)}; first guess ${g.firstGuess.toFixed(2)}`);
    // reload
    await page.reload();
    await page.waitForSelector('chapter-0[data-ready="true"]', { state: 'attached' });
    const again = await guidanceFigure(page, 8);
    assert.equal(again.samples, g.samples);
    assert.match(again.caption, /guided field at t = 900, lower moon/);
    assertClean(w);
  } finally {
    await w.close();
  }
});

test('390 px wide: both figures fit, their planes inside their cells, and nothing scrolls sideways', async () => {
  const w = await suite.open('', { width: 390 });
  const { page } = w;
  try {
    await flowFigure(page, 6);
    await guidanceFigure(page, 3);
    const sizes = await page.evaluate(() => {
      const root = document.querySelector('chapter-0')!.shadowRoot!;
      return ['flow-2d-figure', 'guidance-2d-figure'].flatMap((tag) => {
        const fig = root.querySelector(tag)!;
        const cell = fig.shadowRoot!.querySelector('live-cell')!.getBoundingClientRect();
        return [...fig.shadowRoot!.querySelectorAll('plot-chart')].map((c) => {
          const svg = c.shadowRoot!.querySelector('.plot svg')!.getBoundingClientRect();
          return { tag, id: c.id, left: svg.left, right: svg.right, width: svg.width, cellLeft: cell.left, cellRight: cell.right };
        });
      });
    });
    assert.is(sizes.length, 5);
    for (const s of sizes) {
      assert.ok(s.left >= s.cellLeft - 0.5 && s.right <= s.cellRight + 0.5, `${s.tag} #${s.id}: ${s.left}–${s.right} inside ${s.cellLeft}–${s.cellRight}`);
      assert.ok(s.width >= 250, `${s.tag} #${s.id} is ${s.width} px wide`);
    }
    const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    assert.ok(widths.scroll <= widths.client, `page is ${widths.scroll} px wide in a ${widths.client} px window`);
    assertClean(w);
  } finally {
    await w.close();
  }
});

test.run();
