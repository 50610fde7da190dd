// The training chapter in Chromium on WASM, with the real models, against the
// production build: the page's training step for the golden's state gives the
// loss PyTorch gives (weights/golden/lessons/training-step.json, within its
// 1e-4); the figure runs from URL state and equals the same step in Node; the
// checkpoints and the loss sweep equal Node's, Stop stops the sweep, the
// learning curve is read to the shipped step; try this; bad links; 390 px.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { DIST } from '../../build.mjs';
import { lossSweep } from '../../pipeline/lessons/loss-sweep';
import { predictTrainingStep, prepareTrainingStep, trainedSharedNoise, trainingNoise } from '../../pipeline/lessons/training-step';
import { WEIGHTS_DIR } from '../../pipeline/runtime/weights-node';
import { clipOf, type ChapterTrainingState } from '../../chapters/chapter-training/state';
import { answerCount, liveAnswer } from '../helpers/answers';
import { assertClean, within } from '../helpers/browser';
import { chapterSuite } from '../helpers/chapter-suite';

const STEP = ['vae_encoder', 'text_encoder', 'dit', 'vae_decoder'];
const ALL = [...STEP, 'dit_snap16', 'dit_snap4'];
const TAG = 'chapter-training';
// A copy of the site for this test alone: other suites rebuild dist/ while they run.
const SITE = path.join(path.dirname(DIST), '.cache', 'browser-test', 'chapter-training-site');
const suite = chapterSuite(test, { tag: TAG, hash: 'training', dir: SITE, build: true, open: { reducedMotion: 'reduce' } });

const GOLDEN = path.join(WEIGHTS_DIR, 'golden', 'lessons', 'training-step.json');
const golden = existsSync(GOLDEN) ? JSON.parse(readFileSync(GOLDEN, 'utf8')) : null;

type Figure = HTMLElementTagNameMap['chapter-training']['figure'];
const figure = (page: Page): Promise<Figure> => page.evaluate(() => document.querySelector('chapter-training')!.figure);
const stateOf = (page: Page): Promise<ChapterTrainingState> => page.evaluate(() => ({ ...document.querySelector('chapter-training')!.state }));

/** Waits until the step figure shows the step of the chapter's current state. */
async function stepShown(page: Page, ms = 120_000): Promise<Figure> {
  await within(ms, 'the training step', page.waitForFunction(() => {
    const el = document.querySelector('chapter-training')!;
    const s = el.state;
    return el.figure.step?.key === `${s.clip}|${s.world}|${s.t}|${s.noise}`;
  }, null, { timeout: ms, polling: 100 }));
  return figure(page);
}

const query = (s: Partial<ChapterTrainingState>) => Object.entries(s).map(([k, v]) => `ct.${k}=${v}`).join('&');
const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a}, expected ${b} (±${tol})`);

if (!golden) console.log('  skipped the golden browser test: weights/golden/lessons/training-step.json is missing');
else {
  suite.withModels(STEP, 'golden: the page\'s training step for the golden\'s clip, t and ε gives PyTorch\'s loss within 1e-4, as the URL names it', async () => {
    const w = await suite.open(query(golden.state));
    const { page } = w;
    try {
      await suite.ensure(page, 'training-step-figure');
      const f = await stepShown(page);
      const s = await stateOf(page);
      assert.equal({ clip: s.clip, world: s.world, t: s.t, noise: s.noise }, golden.state);
      assert.is(f.step!.caption, golden.caption);
      console.log(`      page: loss ${f.step!.loss.toFixed(6)}, min-SNR ${f.step!.weightedLoss.toFixed(6)}; PyTorch ${golden.loss.toFixed(6)}, ${golden.weighted_loss.toFixed(6)}`);
      close(f.step!.loss, golden.loss, golden.tolerance, 'loss');
      close(f.step!.weightedLoss, golden.weighted_loss, golden.tolerance, 'min-SNR loss');
      close(f.step!.weight, golden.weight, 1e-6, 'weight');
      close(f.step!.epsLoss, golden.eps_loss, golden.tolerance, 'ε̂ loss');
      close(f.step!.x0Loss, golden.x0_loss, golden.tolerance, 'x̂₀ loss');
      golden.frame_loss.forEach((l: number, i: number) => close(f.step!.frameLoss[i], l, golden.tolerance, `frame ${i + 1}`));
      // what the reader sees: the loss printed, the weight the weightings figure gives at this t
      assert.is((await page.locator('chapter-training #loss').textContent())?.trim(), golden.loss.toFixed(6));
      close(f.weights!.onV, golden.weight, 1e-6, 'the weightings figure at t');
      assertClean(w);
    } finally {
      await w.close();
    }
  });
}

suite.withModels(ALL, 'from URL state: the step equals Node\'s, the three checkpoints on the same z_t equal Node\'s and fall in loss, the sweep equals Node\'s draws; Stop; the learning curve', async () => {
  const state = { clip: 'red-right', world: 0, t: 300, noise: 1, draws: '96' } as const;
  const w = await suite.open(query(state));
  const { page } = w;
  try {
    await suite.ensure(page, 'training-step-figure');
    const f = await stepShown(page);
    // Node, the same step
    const host = suite.host, manifest = suite.manifest!;
    const { clip, caption } = clipOf(state);
    const eps = trainingNoise(state.noise, clip.numFrames, trainedSharedNoise(manifest, 'dit'));
    const step = await prepareTrainingStep(host, 'dit', { clip, caption, t: state.t, eps }, { backend: 'wasm' });
    const want: Record<string, number> = {};
    for (const model of ['dit_snap16', 'dit_snap4', 'dit']) want[model] = (await predictTrainingStep(host, model, step, { backend: 'wasm' })).loss;
    close(f.step!.loss, want.dit, 1e-5, 'the step against Node');
    await suite.ensure(page, 'snapshots-figure');
    const snaps = (await figure(page)).snapshots;
    assert.equal(snaps.map((r) => r.model), ['dit_snap16', 'dit_snap4', 'dit']);
    for (const r of snaps) close(r.loss, want[r.model], 1e-5, r.model);
    assert.equal(snaps.map((r) => r.steps), ['dit_snap16', 'dit_snap4', 'dit'].map((m) => manifest.models[m].steps));
    assert.ok(snaps[0].loss > snaps[2].loss, `the shipped DiT has the lower loss (${snaps.map((r) => r.loss.toFixed(4)).join(', ')})`);
    // the sweep: 96 draws, each as Node draws and scores it
    await suite.ensure(page, 'loss-sweep-figure');
    const sweep = (await figure(page)).sweep!;
    assert.is(sweep.draws.length, 96);
    const node = await lossSweep(host, 'dit', step, { draws: 96, batch: 16, seed: state.noise }, { backend: 'wasm' });
    assert.equal(sweep.draws.map((d) => d.t), node.map((d) => d.t));
    sweep.draws.forEach((d, i) => close(d.loss, node[i].loss, 1e-5, `draw ${i}`));
    const curve = (await figure(page)).curve!;
    assert.ok(curve.rows > 400, `${curve.rows} logged batches`);
    assert.is(curve.last, manifest.models.dit.steps);
    // 384 draws, stopped after the first batches
    await page.locator('chapter-training').getByRole('radio', { name: '384' }).check();
    await page.locator('chapter-training #sweep-start').click();
    await within(60_000, 'a batch', page.waitForFunction(() => (document.querySelector('chapter-training')!.figure.sweep?.draws.length ?? 0) >= 16 && document.querySelector('chapter-training')!.figure.sweep!.running));
    await page.locator('chapter-training #sweep-stop').click();
    const stopped = (await figure(page)).sweep!;
    assert.ok(stopped.stopped && !stopped.running && stopped.draws.length < 384, `stopped at ${stopped.draws.length}`);
    await page.waitForTimeout(1500);
    assert.is((await figure(page)).sweep!.draws.length, stopped.draws.length, 'no draws after Stop');
    assertClean(w);
  } finally {
    await w.close();
  }
});

suite.withModels(STEP, 'try this sets the figure and its answers read it; a bad link is repaired and said; reload keeps the state', async () => {
  const w = await suite.open('ct.t=5000&ct.clip=zzz&ct.noise=2');
  const { page } = w;
  try {
    const notice = ((await page.locator('chapter-training state-notice').getByRole('status').textContent()) ?? '').replace(/\s+/g, ' ');
    assert.match(notice, /ct\.t: 5000 is outside \[0, 999\]; using 999/);
    assert.match(notice, /ct\.clip: "zzz" is not one of/);
    assert.is(await answerCount(page, TAG), 4);
    await page.locator(TAG).getByRole('button', { name: 'Show me' }).nth(1).press('Enter');
    let s = await stateOf(page);
    assert.equal([s.t, s.clip, s.noise], [10, 'red-right', 2]);
    let f = await stepShown(page);
    const text = await liveAnswer(page, TAG, 1, `t = 10,`);
    assert.ok(f.step!.epsLoss > 100 * f.step!.x0Loss, `at t = 10 the ε̂ error (${f.step!.epsLoss}) is the SNR times the x̂₀ error (${f.step!.x0Loss})`);
    assert.match(text, /ε̂ error [\d.]+, x̂₀ error [\d.]+/);
    await page.locator(TAG).getByRole('button', { name: 'Show me' }).nth(0).press('Enter');
    f = await stepShown(page);
    assert.is(f.step!.t, 999);
    assert.ok(f.step!.weight < 1e-6, `the weight at t = 999 is ${f.step!.weight}`);
    await liveAnswer(page, TAG, 0, 't = 999');
    // keyboard: the t slider
    await page.locator(`${TAG} labelled-slider#t input[type="range"]`).focus();
    await page.keyboard.press('ArrowLeft');
    await within(5000, 'the URL', page.waitForFunction(() => location.search.includes('ct.t=998')));
    f = await stepShown(page);
    assert.is(f.step!.t, 998);
    await page.reload();
    await page.waitForSelector(`${TAG}[data-ready="true"]`, { state: 'attached' });
    s = await stateOf(page);
    assert.equal([s.t, s.clip, s.noise], [998, 'red-right', 2]);
    assertClean(w);
  } finally {
    await w.close();
  }
});

suite.withModels(STEP, 'at 390 px: no sideways scrolling with the step and the sweep drawn', async () => {
  const w = await suite.open('ct.draws=96&ct.clip=two', { width: 390, height: 844 });
  const { page } = w;
  try {
    await suite.ensure(page, 'training-step-figure');
    await stepShown(page);
    await suite.ensure(page, 'loss-sweep-figure');
    await page.locator('chapter-training loss-sweep-figure').scrollIntoViewIfNeeded();
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= 390, `the page is ${wide} px wide`);
    const cells = await page.evaluate(() =>
      [...document.querySelector('chapter-training')!.shadowRoot!.querySelectorAll('training-step-figure, loss-weights-figure, loss-sweep-figure, snapshots-figure')].map((e) => Math.round(e.getBoundingClientRect().right)),
    );
    for (const right of cells) assert.ok(right <= 390, `a figure ends at ${right} px`);
    assertClean(w);
  } finally {
    await w.close();
  }
});

test.run();
