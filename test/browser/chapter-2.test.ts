// Chapter 2 (denoising, step by step) in Chromium on WASM, with the real models,
// against the production build: the figure for a URL state is the same as
// `npm run generate`'s pipeline in Node (final pixels byte for byte, every
// step's x̂₀), scrubbing by keyboard and by the strip moves the pictures and the
// chart markers without rebuilding charts, every control changes the sample,
// the error-vs-t chart equals Node's measurement and has the shape any trained
// v-prediction denoiser gives, four seeds equal Node's and pass the judge at
// about the logged rate, "try this" and bad links, a manifest without the DiT,
// a phone's width and reduced motion. Tests needing a model the manifest lacks
// are skipped, saying which.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { DIST } from '../../build.mjs';
import { measureDenoiserError } from '../../pipeline/lessons/denoiser-error';
import { WEIGHTS_DIR } from '../../pipeline/runtime/weights-node';
import { textToVideo, type StepProgress, type TextToVideoOptions } from '../../pipeline/text-to-video';
import type { PixelView } from '../../components/widgets/pixel-view';
import type { PlotChart } from '../../components/charts/plot-chart';
import { assertClean, runEnded, within, type WatchedPage } from '../helpers/browser';
import { chapterSuite } from '../helpers/chapter-suite';
import { differs } from '../helpers/compare';

const SAMPLE = ['text_encoder', 'dit', 'vae_decoder'];
const ALL = [...SAMPLE, 'vae_encoder'];

// The production build, made again into a folder of this test's own: other suites rebuild dist/ (new chunk
// names) while they run, and a page must not lose its chapter's chunk halfway.
const SITE = path.join(path.dirname(DIST), '.cache', 'browser-test', 'chapter-2-site');

const suite = chapterSuite(test, {
  tag: 'chapter-2',
  hash: 'denoising',
  dir: SITE,
  build: true,
  servers: {
    // the same site, with a manifest that does not list the DiT (as before it was trained)
    noDit: {
      routes: {
        'weights/manifest.json': (_req, res, headers) => {
          const m = JSON.parse(readFileSync(path.join(SITE, 'weights', 'manifest.json'), 'utf8'));
          delete m.models.dit;
          res.writeHead(200, { ...headers, 'Content-Type': 'application/json' });
          res.end(JSON.stringify(m));
        },
      },
    },
  },
});

interface Snap {
  run: { serial: number; settings: Record<string, number | string>; running: boolean; stepsDone: number; of: number; shown: number; timestep: number | null; stale: boolean } | null;
  final: { frames: number[]; numFrames: number; pass: boolean | null; reason: string | null; timesteps: number[] } | null;
  step: { x0Hat: number[]; epsHat: number[]; xt: number[]; xtFrames: number[] | null; x0Frames: number[] | null; alphaBar: number } | null;
}

const snap = (page: Page): Promise<Snap> =>
  page.evaluate(() => {
    // (no named helpers in here: the test runner's transform would wrap them in a __name the page lacks)
    const f = document.querySelector('chapter-2')!.figure;
    return {
      run: f.run,
      final: f.final ? { frames: Array.from(f.final.frames), numFrames: f.final.numFrames, pass: f.final.verdict?.pass ?? null, reason: f.final.verdict?.reason ?? null, timesteps: [...f.final.timesteps] } : null,
      step: f.step
        ? {
            x0Hat: Array.from(f.step.x0Hat),
            epsHat: Array.from(f.step.epsHat),
            xt: Array.from(f.step.xt),
            xtFrames: f.step.xtFrames ? Array.from(f.step.xtFrames) : null,
            x0Frames: f.step.x0Frames ? Array.from(f.step.x0Frames) : null,
            alphaBar: f.step.alphaBar,
          }
        : null,
    } as Snap;
  });

/** Waits for a finished run newer than `after` (its serial), and returns the figure. */
/**
 * Waits for a sampling run newer than `after` (its serial) to end, and fails at once, saying what the cell
 * shows, when it ended without a sample (an error in its cell) or none ended in 180 s.
 */
async function finished(w: WatchedPage, after = 0, what = 'a sampling run'): Promise<Snap> {
  const { page } = w;
  // the sampler runs when it is in view, as a reader scrolled to it would see (on a phone it starts below the fold)
  await page.locator('chapter-2').locator('live-cell#sampler').scrollIntoViewIfNeeded();
  await runEnded(
    w,
    `${what} (newer than run ${after})`,
    180_000,
    (timeout) =>
      page.waitForFunction((after) => {
        const r = document.querySelector('chapter-2')!.figure.run;
        return !!r && r.serial > after && !r.running;
      }, after, { timeout }),
    { chapter: 'chapter-2', figure: 'sampler-figure', cell: 'sampler', status: '#status' },
    () => page.evaluate(() => {
      const r = document.querySelector('chapter-2')!.figure.run;
      return r && { serial: r.serial, running: r.running, stepsDone: r.stepsDone, of: r.of, settings: r.settings };
    }),
    async () => !!(await snap(page)).final,
  );
  return snap(page);
}

const serial = async (page: Page) => (await snap(page)).run?.serial ?? 0;

/** Shadow-root query in the chapter. */
const inChapter = (page: Page, selector: string) => page.locator('chapter-2').locator(selector);

/** Build and overlay counts of a chart in the chapter's figures. */
const chart = (page: Page, id: string) =>
  page.evaluate((id) => {
    const figures = document.querySelector('chapter-2')!.shadowRoot!.querySelectorAll('sampler-figure, error-figure, seeds-figure');
    const c = Array.from(figures, (f) => f.shadowRoot!.querySelector<PlotChart>(`plot-chart#${id}`)).find((x) => x) ?? null;
    if (!c) return null;
    const rule = c.shadowRoot!.querySelector('svg.marks line');
    return {
      builds: c.builds,
      overlayDraws: c.overlayDraws,
      ruleX: rule ? Number(rule.getAttribute('x1')) : null,
      dots: c.shadowRoot!.querySelectorAll('.plot circle').length,
      paths: c.shadowRoot!.querySelectorAll('.plot path').length,
      alt: c.getAttribute('alt') ?? '',
    };
  }, id);

/** Pixels a <pixel-view> of the sampler figure shows, read back from its canvas. */
const shownPixels = (page: Page, id: string, at: [number, number][]) =>
  page.evaluate(({ id, at }) => {
    const v = document.querySelector('chapter-2')!.shadowRoot!.querySelector('sampler-figure')!.shadowRoot!.querySelector<PixelView>(`pixel-view#${id}`)!;
    return at.map(([x, y]) => v.readPixel(x, y));
  }, { id, at });

const PROBES: [number, number][] = [[0, 0], [8, 8], [16, 16], [24, 8], [31, 31], [5, 27]];

/** The run's settings as the pipeline's options (what the page sends the worker, less the captures). */
function nodeOptions(s: Record<string, number | string>): TextToVideoOptions {
  return { prompt: String(s.prompt), model: 'dit', seed: Number(s.seed), sampler: s.sampler as 'ddim' | 'ddpm', eta: Number(s.eta), steps: Number(s.steps), guidance: Number(s.guidance), frames: Number(s.frames) };
}

suite.withModels(SAMPLE, "a link's figure: it runs when seen; its pixels are npm run generate's, every step's x̂₀ and ε̂ are Node's; scrubbing by keyboard and by the strip; reload", async () => {
  const w = await suite.open('c2.seed=3&c2.steps=12&c2.step=5');
  const { page } = w;
  try {
    const fig = await finished(w);
    assert.equal(fig.run!.settings, { prompt: 'a big red circle in the top left', seed: 3, sampler: 'ddim', eta: 0, steps: 12, guidance: 4, frames: 1 });
    assert.is(fig.run!.shown, 5, 'the URL\'s step');
    // Node, the same pipeline: every step captured
    const steps: StepProgress[] = [];
    const node = await textToVideo(suite.host, { ...nodeOptions(fig.run!.settings), capture: { predX0: true, predEpsilon: true, input: true } }, { backend: 'wasm', onStep: (p) => void steps.push(p) });
    assert.is(differs(fig.final!.frames, node.frames), 0, 'the final frames differ from Node\'s');
    assert.is(fig.final!.reason, node.verdict!.reason);
    assert.equal(fig.final!.timesteps, node.sample.timesteps);
    assert.is(
      (await inChapter(page, '#command').textContent())!.trim(),
      'npm run generate -- --prompt "a big red circle in the top left" --seed 3 --sampler ddim --steps 12 --guidance 4 --frames 1 --out x.png',
    );
    const close = (a: number[], b: Float32Array, what: string) => {
      let max = 0;
      for (let i = 0; i < b.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
      assert.ok(a.length === b.length && max <= 1e-5, `${what}: largest difference ${max}`);
    };
    close(fig.step!.x0Hat, steps[4].predX0!, 'x̂₀ of step 5');
    close(fig.step!.epsHat, steps[4].predEpsilon!, 'ε̂ of step 5');
    close(fig.step!.xt, steps[4].input!, 'x_t of step 5');
    assert.is(fig.step!.xtFrames!.length, 3072, 'x_t decoded');
    assert.is(fig.step!.x0Frames!.length, 3072, 'x̂₀ decoded');
    // the big pictures are that step's decoded frames
    const px = await shownPixels(page, 'x0hat', PROBES);
    PROBES.forEach(([x, y], k) => assert.equal(px[k], fig.step!.x0Frames!.slice((y * 32 + x) * 3, (y * 32 + x) * 3 + 3), `x̂₀ at ${x},${y}`));

    // scrub with the keyboard: Home is step 1 (t = 999, x_t pure noise, so ε̂ ≈ x_t), End the last
    const before = await chart(page, 'schedule-chart');
    const scrub = inChapter(page, '#scrub').getByRole('slider', { name: 'Look at step' });
    await scrub.focus();
    await page.keyboard.press('Home');
    let s = await snap(page);
    assert.equal([s.run!.shown, s.run!.timestep], [1, 999]);
    let maxDiff = 0;
    for (let i = 0; i < s.step!.xt.length; i++) maxDiff = Math.max(maxDiff, Math.abs(s.step!.epsHat[i] - s.step!.xt[i]));
    assert.ok(maxDiff < 1e-3, `at t = 999, ε̂ is x_t (largest difference ${maxDiff})`);
    const pxStep1 = await shownPixels(page, 'xt', PROBES);
    PROBES.forEach(([x, y], k) => assert.equal(pxStep1[k], s.step!.xtFrames!.slice((y * 32 + x) * 3, (y * 32 + x) * 3 + 3), `x_t at ${x},${y}`));
    assert.match(await inChapter(page, '#step-readout').textContent() ?? '', /Step 1 of 12: t = 999 → \d+\./);
    const atHome = await chart(page, 'schedule-chart');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    s = await snap(page);
    assert.equal([s.run!.shown, s.run!.timestep], [3, fig.final!.timesteps[2]]);
    await page.keyboard.press('End');
    s = await snap(page);
    assert.is(s.run!.shown, 12);
    assert.equal(s.step!.x0Frames, fig.final!.frames, 'x̂₀ of the last step is the sample');
    const after = await chart(page, 'schedule-chart');
    assert.is(after!.builds, before!.builds, 'the schedule chart was not rebuilt by scrubbing');
    assert.ok(after!.overlayDraws > before!.overlayDraws);
    assert.ok(atHome!.ruleX! > after!.ruleX!, 'the marker moved from t = 999 down to the last step');
    assert.match(after!.alt, /Step 12 is at t = \d+/);
    // the strip (steps 1, 3, 4, 6, 7, 9, 10, 12 of 12): a click picks a step
    await inChapter(page, 'step-strip').getByRole('button', { name: /^Step 4,/ }).click();
    s = await snap(page);
    assert.is(s.run!.shown, 4);
    await page.waitForFunction(() => new URLSearchParams(location.search).get('c2.step') === '4');
    assertClean(w);
    // reload: the same state, the same figure
    await page.reload();
    await page.waitForSelector('chapter-2[data-ready="true"]', { state: 'attached' });
    const again = await finished(w);
    assert.is(again.run!.shown, 4);
    assert.equal(again.run!.settings, fig.run!.settings);
    assert.is(differs(again.final!.frames, fig.final!.frames), 0);
    assertClean(w);
  } finally {
    await w.close();
  }
});

suite.withModels(SAMPLE, 'every control changes the sample after Run, Enter or Shift+Enter, and says when the figure is stale; a clip equals Node\'s too', async () => {
  const w = await suite.open('c2.steps=8');
  const { page } = w;
  try {
    let fig = await finished(w);
    const frames: Record<string, number[]> = { start: fig.final!.frames };
    /** Runs with a key (or a click on Run) and returns the new sample. */
    const rerun = async (how: () => Promise<void>) => {
      const n = fig.run!.serial;
      await how();
      fig = await finished(w, n);
      return fig;
    };
    const shiftEnter = () => page.keyboard.press('Shift+Enter');
    // sampler: DDPM
    await inChapter(page, 'choice-picker').filter({ hasText: 'Sampler' }).getByText('DDPM').click();
    assert.ok((await snap(page)).run!.stale, 'stale after a change');
    await inChapter(page, '#stale').waitFor();
    await rerun(shiftEnter);
    assert.is(fig.run!.settings.sampler, 'ddpm');
    assert.not.ok(fig.run!.stale);
    assert.is(await inChapter(page, '#stale').count(), 0);
    frames.ddpm = fig.final!.frames;
    // back to DDIM, η = 1 by keyboard
    await inChapter(page, 'choice-picker').filter({ hasText: 'Sampler' }).getByText('DDIM').click();
    const eta = inChapter(page, 'labelled-slider').filter({ hasText: 'η' }).getByRole('slider');
    await eta.focus();
    await page.keyboard.press('End');
    await rerun(shiftEnter);
    assert.equal([fig.run!.settings.sampler, fig.run!.settings.eta], ['ddim', 1]);
    frames.eta1 = fig.final!.frames;
    await page.keyboard.press('Home');
    // steps: 8 → 5 with the arrow keys, then the Run button; the schedule chart is redrawn for the new timesteps
    const sched = await chart(page, 'schedule-chart');
    const steps = inChapter(page, 'labelled-slider').filter({ hasText: 'Steps' }).getByRole('slider');
    await steps.focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowLeft');
    await rerun(() => inChapter(page, '#run').click());
    assert.equal([fig.run!.of, fig.final!.timesteps.length, fig.run!.settings.eta], [5, 5, 0]);
    const sched5 = await chart(page, 'schedule-chart');
    assert.equal([sched!.dots, sched5!.dots], [8, 5], 'the schedule chart marks the 5 timesteps');
    frames.steps5 = fig.final!.frames;
    // guidance 0
    const guidance = inChapter(page, 'labelled-slider').filter({ hasText: 'Guidance' }).getByRole('slider');
    await guidance.focus();
    await page.keyboard.press('Home');
    await rerun(shiftEnter);
    assert.is(fig.run!.settings.guidance, 0);
    frames.guidance0 = fig.final!.frames;
    await page.keyboard.press('End');
    // seed
    await inChapter(page, '#new-seed').click();
    await rerun(shiftEnter);
    assert.equal([fig.run!.settings.seed, fig.run!.settings.guidance], [1, 15]);
    frames.seed1 = fig.final!.frames;
    // prompt, and Enter in the box
    const prompt = inChapter(page, '#prompt');
    await prompt.fill('a small green circle in the bottom right');
    await rerun(() => prompt.press('Enter'));
    assert.is(fig.run!.settings.prompt, 'a small green circle in the bottom right');
    assert.match(fig.final!.reason!, /green|circle|expected/);
    frames.prompt = fig.final!.frames;
    const names = Object.keys(frames);
    // DDIM with η = 1 is DDPM (σ_t² = β̃_t, and the same noise in the same order): those two may
    // agree to the byte, and must agree closely; every other pair of settings differs.
    let close = 0;
    for (let k = 0; k < frames.ddpm.length; k++) close = Math.max(close, Math.abs(frames.ddpm[k] - frames.eta1[k]));
    assert.ok(close <= 3, `DDPM and DDIM with η = 1 should make the same picture (largest difference ${close} of 255)`);
    for (let i = 0; i < names.length; i++) {
      for (let j = i + 1; j < names.length; j++) {
        if ([names[i], names[j]].sort().join() === 'ddpm,eta1') continue;
        assert.ok(differs(frames[names[i]], frames[names[j]]) > 0, `${names[i]} and ${names[j]} made the same pixels`);
      }
    }
    // a clip: the example picks 8 frames; the sample equals Node's
    await inChapter(page, '#examples').selectOption('a red circle moving right');
    assert.is((await page.evaluate(() => document.querySelector('chapter-2')!.state.frames)), '8');
    await rerun(shiftEnter);
    assert.is(fig.final!.numFrames, 8);
    assert.is(fig.step!.x0Frames!.length, 8 * 3072);
    await inChapter(page, 'clip-player').first().waitFor();
    const node = await textToVideo(suite.host, nodeOptions(fig.run!.settings), { backend: 'wasm' });
    assert.is(differs(fig.final!.frames, node.frames), 0, 'the clip differs from Node\'s');
    assert.is(fig.final!.reason, node.verdict!.reason);
    await inChapter(page, 'pixel-view#xt').waitFor();
    const q = new URLSearchParams(await page.evaluate(() => location.search));
    assert.equal([q.get('c2.frames'), q.get('c2.prompt'), q.get('c2.seed'), q.get('c2.steps')], ['8', 'a red circle moving right', '1', '5']);
    assertClean(w);
  } finally {
    await w.close();
  }
});

suite.withModels(ALL, 'the error against t: measured when seen, equal to Node\'s; ε̂ is worse at small t, x̂₀ at large t; the caption helps; other images on demand', async () => {
  const w = await suite.open('c2.images=4&c2.world=7');
  const { page } = w;
  try {
    await inChapter(page, 'live-cell#error').scrollIntoViewIfNeeded();
    const done = () =>
      page.waitForFunction(() => {
        const e = document.querySelector('chapter-2')!.figure.errors;
        return !!e && !e.running && e.rows.length > 0;
      }, undefined, { timeout: 180_000 });
    await within(180_000, 'the error measurement', done());
    const got = await page.evaluate(() => document.querySelector('chapter-2')!.figure.errors!);
    const node = await measureDenoiserError(suite.host, { model: 'dit', images: 4, worldSeed: 7 }, { backend: 'wasm' });
    assert.is(got.rows.length, node.rows.length);
    assert.equal(got.captions, node.captions);
    got.rows.forEach((r, i) => {
      const n = node.rows[i];
      assert.is(r.t, n.t);
      for (const k of ['epsCaption', 'epsEmpty', 'x0Caption', 'x0Empty'] as const) {
        assert.ok(Math.abs(r[k] - n[k]) <= 1e-4 * Math.max(n[k], 1e-6), `t = ${r.t} ${k}: page ${r[k]}, Node ${n[k]}`);
      }
    });
    const at = (t: number) => got.rows.find((r) => r.t === t)!;
    const low = (k: 'epsCaption' | 'x0Caption') => (at(10)[k] + at(25)[k] + at(50)[k]) / 3;
    const high = (k: 'epsCaption' | 'x0Caption' | 'x0Empty') => (at(800)[k] + at(900)[k] + at(950)[k]) / 3;
    console.log(`      4 images: MSE(ε̂) ${low('epsCaption').toFixed(3)} at t ≤ 50 → ${high('epsCaption').toFixed(4)} at t ≥ 800; MSE(x̂₀) ${low('x0Caption').toFixed(4)} → ${high('x0Caption').toFixed(3)} (empty prompt ${high('x0Empty').toFixed(3)})`);
    assert.ok(low('epsCaption') > high('epsCaption'), 'ε̂ is worse at small t');
    assert.ok(high('x0Caption') > low('x0Caption'), 'x̂₀ is worse at large t');
    assert.ok(high('x0Caption') < high('x0Empty'), 'the caption helps where the picture is gone');
    const c = await chart(page, 'error-chart');
    assert.ok(c!.dots >= 4 * got.rows.length - 2, `${c!.dots} points on the chart`);
    assert.match(c!.alt, /on 4 world images/);
    assert.match(await inChapter(page, '#error-status').textContent() ?? '', /4 world images \(seeds 7–10\), noise seed 7, 25 timesteps/);
    // the run's step is marked on it
    assert.ok(c!.ruleX !== null, 'the run\'s step is marked');
    // 8 images, measured again
    await inChapter(page, 'choice-picker').filter({ hasText: 'World images' }).getByText('8', { exact: true }).click();
    await inChapter(page, '#error-stale').waitFor();
    await inChapter(page, '#measure').click();
    await page.waitForFunction(() => document.querySelector('chapter-2')!.figure.errors!.images === 8);
    await within(180_000, 'the second measurement', done());
    const got8 = await page.evaluate(() => document.querySelector('chapter-2')!.figure.errors!);
    assert.is(got8.captions.length, 8);
    assert.not.equal(got8.rows[10].epsCaption, got.rows[10].epsCaption);
    assert.ok((await chart(page, 'error-chart'))!.builds > c!.builds, 'the chart was redrawn for the new rows');
    assertClean(w);
  } finally {
    await w.close();
  }
});

/** The judge's image pass rate from the DiT's training log (its last quick check), if there is one. */
function loggedImageRate(): { rate: number; n: number } | null {
  const file = path.join(WEIGHTS_DIR, 'logs', 'dit.jsonl');
  if (!existsSync(file)) return null;
  const evals = readFileSync(file, 'utf8').split('\n').filter((l) => l.includes('"eval"')).map((l) => JSON.parse(l).eval);
  const last = evals.at(-1)?.frames1;
  return last ? { rate: last.rate, n: last.n } : null;
}

suite.withModels(SAMPLE, 'four seeds: each is Node\'s sample for its seed, the first is the main figure; prompted images pass the judge at about the logged rate', async () => {
  const w = await suite.open('c2.steps=30');
  const { page } = w;
  try {
    const main = await finished(w);
    await inChapter(page, 'live-cell#seeds').scrollIntoViewIfNeeded();
    const done = (prompt: string) =>
      within(240_000, 'four seeds', page.waitForFunction((prompt) => {
        const s = document.querySelector('chapter-2')!.figure.seeds;
        return !!s && !s.running && s.settings.prompt === prompt && s.clips.every(Boolean);
      }, prompt, { timeout: 240_000 }));
    const seeds = () => page.evaluate(() => document.querySelector('chapter-2')!.figure.seeds!.clips.map((c) => ({ frames: Array.from(c!.frames), pass: c!.verdict?.pass ?? false, reason: c!.verdict?.reason ?? '' })));
    const prompts = ['a big red circle in the top left', 'a big blue square in the center'];
    await done(prompts[0]);
    let passed = 0, n = 0;
    for (const [k, prompt] of prompts.entries()) {
      if (k > 0) {
        await inChapter(page, '#prompt').fill(prompt);
        await inChapter(page, '#seeds-stale').waitFor();
        await inChapter(page, '#make-seeds').click();
        await done(prompt);
      }
      const got = await seeds();
      if (k === 0) assert.is(differs(got[0].frames, main.final!.frames), 0, 'seed 0 of the four is the main figure');
      for (let i = 0; i < 4; i++) {
        const node = await textToVideo(suite.host, { ...nodeOptions({ ...main.run!.settings, prompt }), seed: i }, { backend: 'wasm' });
        assert.is(differs(got[i].frames, node.frames), 0, `${prompt}, seed ${i}: differs from Node`);
        assert.is(got[i].reason, node.verdict!.reason);
        passed += got[i].pass ? 1 : 0;
        n++;
      }
      assert.match(await inChapter(page, '#seeds-status').textContent() ?? '', new RegExp(`${got.filter((g) => g.pass).length} of 4\\s+pass the judge`));
    }
    const logged = loggedImageRate();
    console.log(`      the judge passed ${passed} of ${n} prompted images here; the training log's last check: ${logged ? `${Math.round(logged.rate * logged.n)} of ${logged.n}` : 'none'}`);
    if (logged) assert.ok(passed / n >= logged.rate - 0.35, `${passed}/${n} passed, the log says ${logged.rate}`);
    else assert.ok(passed >= 1, 'at least one prompted image passes');
    // an open prompt, in one click: four different pictures
    await inChapter(page, '#open-prompt').click();
    await done('a yellow triangle');
    const open = await seeds();
    for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) assert.ok(differs(open[i].frames, open[j].frames) > 0, `seeds ${i} and ${j} made the same picture`);
    assert.is(await inChapter(page, '#open-prompt').count(), 0, 'the button goes once its prompt is shown');
    assertClean(w);
  } finally {
    await w.close();
  }
});

suite.withModels(SAMPLE, '"try this" sets the state, puts it in the URL and samples it', async () => {
  const w = await suite.open('c2.steps=6');
  const { page } = w;
  try {
    await finished(w, 0, 'the first run, once the sampler is seen');
    const tryThis = (i: number) => page.locator('chapter-2').locator('chapter-section').getByRole('button', { name: 'Show me' }).nth(i);
    let n = await serial(page);
    // the button pressed from the keyboard (as every test's "Show me"): a click is aimed at coordinates, and twice in CI
    // one landed while the page moved (chapters loading around it, a reload's scroll restoration) and was lost: no run
    // started, the page stayed at the button, not at the figure "Show me" scrolls to
    await tryThis(0).press('Enter');
    let fig = await finished(w, n, 'the run of the first "Show me"');
    assert.equal([fig.run!.of, fig.run!.shown, fig.run!.settings.sampler], [1, 1, 'ddim']);
    assert.equal(fig.step!.x0Frames, fig.final!.frames, 'one step: the sample is x̂₀ of pure noise');
    n = fig.run!.serial;
    await tryThis(1).press('Enter');
    fig = await finished(w, n, 'the run of the second "Show me"');
    assert.is(fig.run!.settings.guidance, 0);
    n = fig.run!.serial;
    await tryThis(2).press('Enter');
    fig = await finished(w, n, 'the run of the third "Show me"');
    assert.equal([fig.run!.settings.sampler, fig.run!.of, fig.run!.shown, fig.run!.settings.prompt], ['ddpm', 20, 20, 'a yellow triangle']);
    await page.waitForFunction(() => new URLSearchParams(location.search).get('c2.sampler') === 'ddpm');
    assertClean(w);
  } finally {
    await w.close();
  }
});

suite.withModels(SAMPLE, 'a bad link is repaired and said, never thrown', async () => {
  const w = await suite.open('c2.steps=500&c2.sampler=euler&c2.guidance=-3&c2.frames=3&c2.step=0&c2.zoom=2');
  const { page } = w;
  try {
    const state = await page.evaluate(() => document.querySelector('chapter-2')!.state);
    assert.equal([state.steps, state.sampler, state.guidance, state.frames, state.step], [100, 'ddim', 0, '1', 1]);
    const notice = (await inChapter(page, 'state-notice').locator('li').allTextContents()).join(' ');
    for (const p of ['c2.steps', 'c2.sampler', 'c2.guidance', 'c2.frames', 'c2.step', 'c2.zoom']) assert.ok(notice.includes(p), `${p} in "${notice}"`);
    const fig = await finished(w);
    assert.equal([fig.run!.of, fig.run!.shown], [100, 1]);
    assertClean(w);
  } finally {
    await w.close();
  }
});

suite.withModels(['text_encoder', 'vae_decoder', 'vae_encoder'], 'a manifest without the DiT: each model cell says so, nothing runs, nothing breaks', async () => {
  const w = await suite.open('', { at: suite.servers.noDit });
  const { page } = w;
  try {
    await page.waitForFunction(() => Array.from(document.querySelector('chapter-2')!.shadowRoot!.querySelectorAll('sampler-figure, error-figure, seeds-figure'), (f) => f.shadowRoot!.querySelectorAll('[data-missing]').length).reduce((a, b) => a + b, 0) === 3);
    const notes = await inChapter(page, '[data-missing]').allTextContents();
    for (const t of notes) assert.match(t.replace(/\s+/g, ' '), /needs dit, which is not trained yet/);
    await inChapter(page, 'live-cell#seeds').scrollIntoViewIfNeeded();
    await page.waitForTimeout(500);
    assert.is((await snap(page)).run, null, 'nothing ran');
    assert.match((await inChapter(page, '.weights').textContent())!, /Not trained yet: DiT/);
    assert.equal(await page.evaluate(() => Array.from(document.querySelector('chapter-2')!.shadowRoot!.querySelectorAll('sampler-figure, error-figure, seeds-figure'), (f) => f.shadowRoot!.querySelector('live-cell')!).map((c) => !!c.shadowRoot!.querySelector('[role="alert"]'))), [false, false, false]);
    assertClean(w);
  } finally {
    await w.close();
  }
});

suite.withModels(SAMPLE, 'a phone (390 px), reduced motion: nothing scrolls sideways, a clip waits for Play', async () => {
  const w = await suite.open('c2.frames=8&c2.prompt=a%20red%20circle%20moving%20right&c2.steps=6', { width: 390, reducedMotion: 'reduce' });
  const { page } = w;
  try {
    const fig = await finished(w);
    assert.is(fig.final!.numFrames, 8);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the page scrolls ${overflow} px sideways`);
    // the step strip's frames keep a readable size (they were ~25 px): the strip scrolls sideways within itself
    const frames = await page.evaluate(() => {
      const strip = document.querySelector('chapter-2')!.shadowRoot!.querySelector('sampler-figure')!.shadowRoot!.querySelector('step-strip')!;
      return Array.from(strip.shadowRoot!.querySelectorAll('pixel-view')).map((p) => Math.round(p.getBoundingClientRect().width));
    });
    assert.ok(frames.length > 0 && frames.every((px) => px >= 40), `the strip's frames are ${frames.join(', ')} px wide at 390 px`);
    const play = inChapter(page, '#result clip-player').getByRole('button', { name: 'Play' });
    assert.is(await play.getAttribute('aria-pressed'), 'false', 'the clip is not playing by itself');
    await play.click();
    assert.is(await inChapter(page, '#result clip-player').getByRole('button', { name: 'Pause' }).getAttribute('aria-pressed'), 'true');
    // the trajectory's frame slider moves the pictures to another frame
    const frame = inChapter(page, '#trajectory labelled-slider').filter({ hasText: 'Frame' }).getByRole('slider');
    const before = await shownPixels(page, 'x0hat', PROBES);
    await frame.focus();
    await page.keyboard.press('End');
    const s = await snap(page);
    const px = await shownPixels(page, 'x0hat', PROBES);
    PROBES.forEach(([x, y], k) => assert.equal(px[k], s.step!.x0Frames!.slice(7 * 3072 + (y * 32 + x) * 3, 7 * 3072 + (y * 32 + x) * 3 + 3), `frame 8 at ${x},${y}`));
    assert.not.equal(px, before, 'another frame is shown');
    assertClean(w);
  } finally {
    await w.close();
  }
});

test.run();
