// Chapter 5 (U-Net versus Diffusion Transformer) in Chromium on WASM, with the
// real models, against the production build: the side by side equals the same
// pipeline in Node for each denoiser (pixels byte for byte, verdicts), steps
// together, previews every step, the cost table from the manifest and the run's
// timings, every control changes the sample; the race over 16 seeds equals
// Node's samples and verdicts, is charted and stops when asked; the adaLN
// charts equal dit_inspect's modulation computed in Node for the same
// timesteps; the self-attention maps equal Node's dit_inspect on the same
// step's x_t, and follow layer, head, step and query (keyboard and click);
// URL round trip and repairs; try this; 390 px.
//
// The U-Net (`unet`) may not be trained yet: then the tests of the comparison
// against it are skipped, naming it, the cells' notice is checked, and the same
// checks run once against a stand-in (the DiT's 1/4 snapshot listed as `unet`:
// the same interface) so the wiring is tested all the same. The DiT-internals
// cells are tested on a manifest without `unet`, so they run alone.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { DIST, type StaticServer } from '../../build.mjs';
import { formatCount } from '../../components/widgets/cost-table';
import type { PlotChart } from '../../components/charts/plot-chart';
import type { PixelView } from '../../components/widgets/pixel-view';
import { adalnChannels, adalnMeanAbs, adalnTimesteps, attentionRow, frameShares, inspectSelfAttention, measureAdaln, patchOfObject, tokenHeat, tokenIndex } from '../../pipeline/lessons/dit-inspect';
import { pictureDifference } from '../../pipeline/lessons/denoiser-duel';
import { compareImageCategories, shortCount, UNET_CONFIG } from '../../pipeline/lessons/denoiser-anatomy';
import { parseFigureLink } from '../../components/shell/figure-link';
import { ATTN_GRID } from '../../chapters/chapter-5/state';
import ditEval from '../../weights/eval/dit.json';
import unetEval from '../../weights/eval/unet.json';
import { ModelHost } from '../../pipeline/runtime/models';
import { fileWeights, WEIGHTS_DIR } from '../../pipeline/runtime/weights-node';
import { median } from '../../pipeline/step-timing';
import { textToVideo, type StepProgress } from '../../pipeline/text-to-video';
import { statesRead } from '../../pipeline/text-to-video/prompt';
import { liveAnswer } from '../helpers/answers';
import { assertClean, runEnded, within, type WatchedPage } from '../helpers/browser';
import { chapterSuite, manifest } from '../helpers/chapter-suite';
import { differs } from '../helpers/compare';

const DUEL = ['text_encoder', 'unet', 'dit', 'vae_decoder'];
const INSIDE = ['text_encoder', 'dit', 'vae_decoder', 'dit_inspect'];
const hasUnet = !!manifest?.models.unet;
/** Whether the side-by-side checks also run against a stand-in (decided when the tests are listed). */
const useStandIn = !hasUnet && !!manifest?.models.dit_snap4;
/** The stand-in for a U-Net not trained yet: a model of the same interface under the name `unet`. */
const STAND_IN = 'dit_snap4';

const SITE = path.join(path.dirname(DIST), '.cache', 'browser-test', 'chapter-5-site');

/** The manifest with `unet` as the stand-in's entry. */
function withStandIn(m: { models: Record<string, unknown> }) {
  return { ...m, models: { ...m.models, unet: { ...(m.models[STAND_IN] as object), trained_on: 'images', purpose: `a stand-in for the U-Net in the tests: ${STAND_IN}` } } };
}

const manifestRoute = (edit: (m: { models: Record<string, unknown> }) => unknown) => ({
  'weights/manifest.json': (_req: unknown, res: { writeHead(code: number, headers: Record<string, string>): void; end(body: string): void }, headers: Record<string, string>) => {
    const m = JSON.parse(readFileSync(path.join(SITE, 'weights', 'manifest.json'), 'utf8'));
    res.writeHead(200, { ...headers, 'Content-Type': 'application/json' });
    res.end(JSON.stringify(edit(m)));
  },
});

const suite = chapterSuite(test, {
  tag: 'chapter-5',
  hash: 'unet-vs-dit',
  open: { reducedMotion: 'reduce' },
  dir: SITE,
  build: true,
  servers: {
    noUnet: {
      routes: manifestRoute((m) => {
        const { unet: _u, ...models } = m.models;
        return { ...m, models };
      }),
    },
    standIn: useStandIn ? { routes: manifestRoute(withStandIn) } : null,
  },
});
let standInHost: ModelHost | null = null;

test.before(() => {
  if (!useStandIn) return;
  // Node's weights: the same files, and the manifest with the stand-in
  const dir = mkdtempSync(path.join(tmpdir(), 'chapter-5-weights-'));
  for (const f of readdirSync(WEIGHTS_DIR)) if (f.endsWith('.onnx')) symlinkSync(path.join(WEIGHTS_DIR, f), path.join(dir, f));
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(withStandIn(JSON.parse(readFileSync(path.join(WEIGHTS_DIR, 'manifest.json'), 'utf8')))));
  standInHost = new ModelHost(fileWeights(dir));
});

test.after(async () => {
  await standInHost?.release();
});

const inChapter = (page: Page, selector: string) => page.locator('chapter-5').locator(selector);
const state = (page: Page) => page.evaluate(() => ({ ...document.querySelector('chapter-5')!.state }));

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = a.length === b.length ? 0 : Infinity;
  for (let i = 0; i < Math.min(a.length, b.length); i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

// ---------------------------------------------------------------- the side by side

interface DuelSnap {
  serial: number;
  settings: { prompt: string; seed: number; sampler: 'ddim' | 'ddpm'; steps: number; guidance: number };
  running: boolean;
  of: number;
  shown: number;
  steps: Record<string, number>;
  entries: { model: string; frames: number[]; pass: boolean; stepMs: number[] }[] | null;
  previews: Record<string, number[] | null>;
  stale: boolean;
}

const duelSnap = (page: Page): Promise<DuelSnap | null> =>
  page.evaluate(() => {
    const d = document.querySelector('chapter-5')!.figure.duel;
    if (!d) return null;
    return {
      serial: d.serial,
      settings: d.settings,
      running: d.running,
      of: d.of,
      shown: d.shown,
      steps: d.steps,
      stale: d.stale,
      entries: d.entries ? d.entries.map((e) => ({ model: e.model, frames: Array.from(e.frames), pass: e.pass, stepMs: [...e.stepMs] })) : null,
      previews: Object.fromEntries(Object.entries(d.previews).map(([k, v]) => [k, v ? Array.from(v) : null])),
    } as DuelSnap;
  });

/**
 * Waits for a side by side newer than `after` (its serial) to end, and fails at once, saying what the
 * cell shows, when it ended without a result (an error in its cell) or none came in 240 s.
 */
async function duelDone(w: WatchedPage, after = 0, what = 'the side by side'): Promise<DuelSnap> {
  const { page } = w;
  await runEnded(
    w,
    `${what} (newer than run ${after})`,
    240_000,
    (timeout) =>
      page.waitForFunction((after) => {
        const d = document.querySelector('chapter-5')!.figure.duel;
        return !!d && d.serial > after && !d.running;
      }, after, { timeout }),
    { chapter: 'chapter-5', figure: 'duel-figure', cell: 'duel', status: '#duel-status' },
    () => page.evaluate(() => {
      const d = document.querySelector('chapter-5')!.figure.duel;
      return d && { serial: d.serial, running: d.running, settings: d.settings, steps: d.steps, ended: !!d.entries };
    }),
    async () => !!(await duelSnap(page))?.entries,
  );
  return (await duelSnap(page))!;
}

/** Node's samples of both denoisers for the same settings (the pipeline of `npm run generate`). */
async function nodeDuel(h: ModelHost, s: DuelSnap['settings']) {
  const out: Record<string, Awaited<ReturnType<typeof textToVideo>>> = {};
  for (const model of ['unet', 'dit']) out[model] = await textToVideo(h, { ...s, model, frames: 1 }, { backend: 'wasm' });
  return out;
}

async function sideBySideChecks(at: StaticServer, h: ModelHost) {
  const w = await suite.open('c5.steps=8&c5.seed=3', { at });
  const { page } = w;
  try {
    let fig = await duelDone(w, 0, 'the first side by side, as the page opens');
    assert.equal(fig.settings, { prompt: 'a green triangle', seed: 3, sampler: 'ddim', steps: 8, guidance: 4 });
    assert.equal(fig.steps, { unet: 8, dit: 8 });
    const node = await nodeDuel(h, fig.settings);
    for (const e of fig.entries!) {
      assert.is(differs(e.frames, node[e.model].frames), 0, `${e.model}: the page's picture differs from Node's`);
      assert.is(e.pass, node[e.model].verdict!.pass, `${e.model}: the verdict`);
      assert.is(e.stepMs.length, 8);
      assert.ok(e.stepMs.every((ms) => ms > 0));
      // the last step's preview is the sample, and the big picture shows it
      assert.equal(fig.previews[e.model], e.frames, `${e.model}: x̂₀ of the last step is the sample`);
      const px = await page.evaluate((m) => {
        const v = document.querySelector('chapter-5')!.shadowRoot!.querySelector('duel-figure')!.shadowRoot!.querySelector<PixelView>(`pixel-view#${m}-x0`)!;
        return [[3, 4], [16, 16], [28, 30]].map(([x, y]) => v.readPixel(x, y));
      }, e.model);
      [[3, 4], [16, 16], [28, 30]].forEach(([x, y], k) => assert.equal(px[k], e.frames.slice((y * 32 + x) * 3, (y * 32 + x) * 3 + 3), `${e.model} at ${x},${y}`));
      const verdict = await inChapter(page, `#${e.model}-verdict`).getAttribute('data-pass');
      assert.is(verdict, String(e.pass));
    }
    // how alike the two samples are, as Node measures Node's
    const like = pictureDifference(node.unet.frames, node.dit.frames);
    assert.ok(Math.abs(Number(await inChapter(page, '#duel-likeness').getAttribute('data-mean')) - like.meanAbs) < 1e-9, 'the likeness line');
    // Run again: both step together, watched on every animation frame while the run goes
    // (a string: the test runner's transform would wrap a named function in a __name the page lacks)
    await page.evaluate(`(() => {
      window.lockstep = 0;
      window.seen = 0;
      const from = document.querySelector('chapter-5').figure.duel.serial;
      const watch = () => {
        const d = document.querySelector('chapter-5').figure.duel;
        if (d.serial > from) {
          window.lockstep = Math.max(window.lockstep, Math.abs(d.steps.unet - d.steps.dit));
          if (d.running) window.seen++;
        }
        if (d.serial === from || d.running || !d.entries) requestAnimationFrame(watch);
      };
      requestAnimationFrame(watch);
    })()`);
    await inChapter(page, '#run').click();
    fig = await duelDone(w, fig.serial, 'the run started by Run');
    const watched = await page.evaluate(() => ({ ...(window as unknown as { lockstep: number; seen: number }) }));
    assert.ok(watched.lockstep <= 1, `one denoiser ran ${watched.lockstep} steps ahead of the other`);
    assert.ok(watched.seen > 0, 'the run was watched while it went');
    // the cost table: parameters and FLOPs of the manifest the page read, the median of this run's step times
    const served = JSON.parse(await page.evaluate(() => fetch('weights/manifest.json').then((r) => r.text())));
    const cells = await page.evaluate(() => {
      const t = document.querySelector('chapter-5')!.shadowRoot!.querySelector('duel-figure')!.shadowRoot!.querySelector('cost-table')!;
      return Array.from(t.shadowRoot!.querySelectorAll('tbody tr')).map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => ({ text: td.textContent!.replace(/\s+/g, ' ').trim(), ms: td.getAttribute('data-ms') })));
    });
    ['unet', 'dit'].forEach((m, i) => {
      assert.match(cells[i][0].text, formatCount(served.models[m].params));
      assert.match(cells[i][1].text, formatCount(served.models[m].flops));
      const e = fig.entries!.find((x) => x.model === m)!;
      assert.ok(Math.abs(Number(cells[i][2].ms) - median(e.stepMs)) < 1e-9, `${m}: the time is the run's median step`);
    });
    assert.match((await inChapter(page, '#cost-readout').textContent())!.replace(/\s+/g, ' '), /Against the U-Net, the DiT has .* the parameters and .* the FLOPs a step\. Here a DiT step took/);
    // scrub by keyboard: step 1 shows both x̂₀ of step 1
    const scrub = inChapter(page, 'labelled-slider#scrub').getByRole('slider');
    await scrub.focus();
    await page.keyboard.press('Home');
    let s = (await duelSnap(page))!;
    assert.is(s.shown, 1);
    assert.ok(differs(s.previews.dit!, fig.previews.dit!) > 0, 'step 1\'s x̂₀ is not the sample');
    await page.waitForFunction(() => new URLSearchParams(location.search).get('c5.step') === '1');
    await page.keyboard.press('ArrowRight');
    assert.is((await duelSnap(page))!.shown, 2);
    // Next seed: a new run, with the next seed; Node agrees
    await inChapter(page, '#next-seed').click();
    fig = await duelDone(w, fig.serial, 'the run started by Next seed');
    assert.is(fig.settings.seed, 4);
    const node4 = await nodeDuel(h, fig.settings);
    for (const e of fig.entries!) assert.is(differs(e.frames, node4[e.model].frames), 0, `${e.model}, seed 4: differs from Node's`);
    // the sampler by keyboard: stale until Shift+Enter runs it
    const ddpm = inChapter(page, 'live-cell#duel choice-picker').getByRole('radio', { name: /DDPM/ });
    await ddpm.check();
    assert.ok((await duelSnap(page))!.stale);
    await inChapter(page, '#duel-stale').waitFor();
    await page.keyboard.press('Shift+Enter');
    const ddpmFig = await duelDone(w, fig.serial, 'the DDPM run started by Shift+Enter');
    assert.is(ddpmFig.settings.sampler, 'ddpm');
    assert.is(await inChapter(page, '#duel-stale').count(), 0);
    const nodeDdpm = await nodeDuel(h, ddpmFig.settings);
    for (const e of ddpmFig.entries!) {
      assert.is(differs(e.frames, nodeDdpm[e.model].frames), 0, `${e.model}, DDPM: differs from Node's`);
      assert.ok(differs(e.frames, fig.entries!.find((x) => x.model === e.model)!.frames) > 0, `${e.model}: DDPM changed the picture`);
    }
    // the prompt, and Enter in its box
    const prompt = inChapter(page, '#prompt');
    await prompt.fill('a big red circle in the top left');
    await prompt.press('Enter');
    const red = await duelDone(w, ddpmFig.serial, 'the run started by Enter in the prompt');
    assert.is(red.settings.prompt, 'a big red circle in the top left');
    const nodeRed = await nodeDuel(h, red.settings);
    for (const e of red.entries!) assert.is(e.pass, nodeRed[e.model].verdict!.pass);
    // reload: the same state, the same pictures
    await page.waitForFunction(() => new URLSearchParams(location.search).get('c5.prompt') === 'a big red circle in the top left');
    await page.reload();
    await page.waitForSelector('chapter-5[data-ready="true"]', { state: 'attached' });
    // where a reload leaves the page is the browser's scroll restoration (it may land before the chapter's
    // figures have their height); a reader who scrolls to the figure sees it run
    await inChapter(page, 'live-cell#duel').scrollIntoViewIfNeeded();
    const again = await duelDone(w, 0, 'the first side by side after a reload');
    assert.equal(again.settings, red.settings);
    for (const e of again.entries!) assert.is(differs(e.frames, red.entries!.find((x) => x.model === e.model)!.frames), 0);
    // try this 1: two colours bound to two shapes; the side by side runs, then the race starts with its settings
    // the button pressed from the keyboard (as every test's "Show me"): a click is aimed at coordinates, and twice in CI
    // one landed while the page moved (chapters loading around it, a reload's scroll restoration) and was lost: no run
    // started, the page stayed at the button, not at the figure "Show me" scrolls to
    await inChapter(page, 'chapter-section').getByRole('button', { name: /Show me/ }).first().press('Enter');
    const two = await duelDone(w, again.serial, 'the run started by try this 1');
    assert.equal([two.settings.prompt, two.settings.steps, two.settings.seed], ['a red square and a green circle', 30, 0]);
    await within(60_000, 'the race to start', page.waitForFunction(() => (document.querySelector('chapter-5')!.figure.race?.samples.length ?? 0) >= 2));
    const started = await page.evaluate(() => document.querySelector('chapter-5')!.figure.race!.settings);
    assert.equal(started, two.settings);
    await inChapter(page, '#race-stop').click();
    assertClean(w);
  } finally {
    await w.close();
  }
}

suite.withModels(DUEL, 'side by side: each denoiser\'s picture and verdict equal Node\'s; they step together; x̂₀ every step; the cost table; scrub, seed, sampler, prompt; reload', () => sideBySideChecks(suite.server, suite.host));

if (useStandIn) {
  test(`side by side with a stand-in U-Net (${STAND_IN} listed as unet, while unet is not trained): the same checks`, () => sideBySideChecks(suite.servers.standIn, standInHost!));
}

// ---------------------------------------------------------------- the race

async function raceChecks(at: StaticServer, h: ModelHost) {
  const w = await suite.open('c5.steps=4&c5.seed=10&c5.prompt=a%20big%20red%20circle%20in%20the%20top%20left', { at });
  const { page } = w;
  try {
    await duelDone(w);
    await inChapter(page, 'live-cell#race').scrollIntoViewIfNeeded();
    await inChapter(page, '#race-start').click();
    await within(300_000, 'the race', page.waitForFunction(() => {
      const r = document.querySelector('chapter-5')!.figure.race;
      return !!r && !r.running;
    }, null, { timeout: 300_000 }));
    const race = await page.evaluate(() => {
      const r = document.querySelector('chapter-5')!.figure.race!;
      return { seeds: r.seeds, stopped: r.stopped, samples: r.samples.map((s) => ({ model: s.model, seed: s.seed, pass: s.pass, ms: s.ms, frames: Array.from(s.frames ?? []) })) };
    });
    assert.equal(race.seeds, Array.from({ length: 16 }, (_, i) => 10 + i));
    assert.is(race.samples.length, 32);
    assert.not.ok(race.stopped);
    // every sample and verdict equals Node's
    const passes: Record<string, number> = { unet: 0, dit: 0 };
    for (const s of race.samples) {
      const node = await textToVideo(h, { prompt: 'a big red circle in the top left', model: s.model, seed: s.seed, sampler: 'ddim', steps: 4, guidance: 4, frames: 1 }, { backend: 'wasm' });
      assert.is(differs(s.frames, node.frames), 0, `${s.model}, seed ${s.seed}: differs from Node's`);
      assert.is(s.pass, !!node.verdict?.pass, `${s.model}, seed ${s.seed}: the verdict`);
      assert.ok(s.ms > 0);
      if (s.pass) passes[s.model]++;
    }
    // the standings and the charts say the same
    for (const m of ['unet', 'dit']) {
      const text = (await inChapter(page, `race-charts .model[data-model="${m}"] .standing`).textContent())!.replace(/\s+/g, ' ');
      assert.match(text, new RegExp(`${passes[m]} of 16 pass`));
      assert.is(await inChapter(page, `race-charts .model[data-model="${m}"] .pass`).count(), passes[m]);
    }
    const alt = await page.evaluate(() => document.querySelector('chapter-5')!.shadowRoot!.querySelector('race-figure')!.shadowRoot!.querySelector('race-charts')!.shadowRoot!.querySelector<PlotChart>('plot-chart#race-rate')!.getAttribute('alt'));
    assert.match(alt!, new RegExp(`U-Net: ${passes.unet} of 16 passed.*DiT: ${passes.dit} of 16 passed`));
    const dots = await page.evaluate(() => document.querySelector('chapter-5')!.shadowRoot!.querySelector('race-figure')!.shadowRoot!.querySelector('race-charts')!.shadowRoot!.querySelector('plot-chart#race-time')!.shadowRoot!.querySelectorAll('.plot circle').length);
    assert.is(dots, 32, 'a dot a sample on the time chart');
    // the first answer quotes the standings
    await liveAnswer(page, 'chapter-5', 0, `“a big red circle in the top left”: U-Net ${passes.unet} of 16 pass, DiT ${passes.dit} of 16 pass.`);
    // a race stops when asked, and nothing more arrives after
    await inChapter(page, '#race-start').click();
    await page.waitForFunction(() => (document.querySelector('chapter-5')!.figure.race?.samples.length ?? 0) >= 3);
    await inChapter(page, '#race-stop').click();
    const stopped = await page.evaluate(() => ({ ...document.querySelector('chapter-5')!.figure.race!, samples: document.querySelector('chapter-5')!.figure.race!.samples.length }));
    assert.equal([stopped.running, stopped.stopped], [false, true]);
    await page.waitForTimeout(1500);
    const later = await page.evaluate(() => document.querySelector('chapter-5')!.figure.race!.samples.length);
    assert.is(later, stopped.samples, 'no sample arrived after Stop');
    assert.ok(later < 32);
    assert.match((await inChapter(page, '#race-status').textContent())!, /stopped after \d+ samples/);
    assertClean(w);
  } finally {
    await w.close();
  }
}

suite.withModels(DUEL, 'the race: 16 seeds through both, every sample and verdict equal Node\'s, standings and charts from them; Stop stops it', () => raceChecks(suite.server, suite.host));

if (useStandIn) {
  test(`the race with a stand-in U-Net (${STAND_IN} listed as unet): the same checks`, () => raceChecks(suite.servers.standIn, standInHost!));
}

test('without the U-Net in the manifest, the side by side and the race say so in their cells and run nothing; the DiT\'s size is still given', async () => {
  const w = await suite.open('', { at: suite.servers.noUnet });
  const { page } = w;
  try {
    await inChapter(page, 'live-cell#duel p.notice[data-missing="unet"]').waitFor();
    assert.match((await inChapter(page, 'live-cell#duel p.notice').first().textContent())!, /unet.*still training.*weights\/manifest\.json does not list/s);
    assert.match((await inChapter(page, 'live-cell#race p.notice').first().textContent())!, /unet/);
    assert.is(await inChapter(page, '#run').count(), 0);
    assert.is(await inChapter(page, '#race-start').count(), 0);
    const rows = await page.evaluate(() => document.querySelector('chapter-5')!.figure.cost);
    assert.is(rows[0].params, undefined);
    assert.is(rows[1].params, manifest!.models.dit.params);
    assert.is(rows[1].flops, manifest!.models.dit.flops);
    assert.match((await inChapter(page, '.weights').textContent())!, /Not trained yet: U-Net/);
    await page.waitForTimeout(500);
    assert.is(await page.evaluate(() => document.querySelector('chapter-5')!.figure.duel), null);
    assertClean(w);
  } finally {
    await w.close();
  }
});

// ---------------------------------------------------------------- inside the DiT

const adalnDone = (page: Page) =>
  within(120_000, 'the adaLN table', page.waitForFunction(() => !!document.querySelector('chapter-5')!.figure.adaln, null, { timeout: 120_000 }));

const adalnCharts = (page: Page) =>
  page.evaluate(() => {
    const el = document.querySelector('chapter-5')!.shadowRoot!.querySelector('adaln-figure')!.shadowRoot!.querySelector('adaln-charts')!;
    const charts = ['adaln-summary', 'adaln-heat'].map((id) => {
      const c = el.shadowRoot!.querySelector<PlotChart>(`plot-chart#${id}`)!;
      const rule = c.shadowRoot!.querySelector('svg.marks line');
      return { builds: c.builds, alt: c.getAttribute('alt') ?? '', ruleX: rule ? Number(rule.getAttribute('x1')) : null };
    });
    return { meanAbs: el.drawn.meanAbs, channels: Array.from(el.drawn.channels ?? []), charts };
  });

suite.withModels(['dit_inspect'], 'adaLN: the charts draw dit_inspect\'s modulation as Node computes it for the same timesteps; part and block by keyboard; t moves the marker without a rebuild', async () => {
  const w = await suite.open('c5.t=500&c5.layer=3', { at: suite.servers.noUnet });
  const { page } = w;
  try {
    await inChapter(page, 'live-cell#adaln').scrollIntoViewIfNeeded();
    await adalnDone(page);
    const table = await page.evaluate(() => {
      const t = document.querySelector('chapter-5')!.figure.adaln!;
      return { timesteps: t.timesteps, layers: t.layers, width: t.width, data: Array.from(t.data) };
    });
    const node = await measureAdaln(suite.host, adalnTimesteps(50, manifest!.models.dit.num_train_timesteps ?? 1000), { backend: 'wasm' });
    assert.equal(table.timesteps, node.timesteps);
    assert.equal([table.layers, table.width], [node.layers, node.width]);
    assert.ok(maxDiff(table.data, node.data) < 1e-4, `the page's modulation against Node's: ${maxDiff(table.data, node.data)}`);
    const meanAbs = adalnMeanAbs(node);
    const P = 6;
    /** Node's summary of a part: per block, mean |value| at each timestep. */
    const series = (p: number) => Array.from({ length: node.layers }, (_, l) => node.timesteps.map((_, i) => meanAbs[(i * node.layers + l) * P + p]));
    let c = await adalnCharts(page);
    assert.ok(maxDiff(c.meanAbs.flat(), series(2).flat()) < 1e-4, 'gate₁ per block');
    assert.ok(maxDiff(c.channels, adalnChannels(node, 0, 'gate1')) < 1e-4, 'block 1\'s channels of gate₁');
    assert.match(c.charts[0].alt, /Mean \|gate₁\| over the 128 channels of each of the 6 blocks/);
    assert.match((await inChapter(page, '#adaln-readout').textContent())!.replace(/\s+/g, ' '), /At t = \d+: block 1’s gate₁ has a mean \|value\| of/);
    // the block by keyboard: block 3
    const block = inChapter(page, 'live-cell#adaln').getByRole('slider', { name: 'Block' });
    await block.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    c = await adalnCharts(page);
    assert.ok(maxDiff(c.channels, adalnChannels(node, 2, 'gate1')) < 1e-4, 'block 3\'s channels');
    assert.match(c.charts[1].alt, /in block 3/);
    // the part: scale₂ (a radio, by keyboard)
    await inChapter(page, 'live-cell#adaln choice-picker').getByRole('radio', { name: 'scale₂' }).check();
    c = await adalnCharts(page);
    assert.ok(maxDiff(c.meanAbs.flat(), series(4).flat()) < 1e-4, 'scale₂ per block');
    assert.ok(maxDiff(c.channels, adalnChannels(node, 2, 'scale2')) < 1e-4);
    assert.equal(await state(page).then((s) => [s.part, s.block]), ['scale2', 3]);
    // t: the rule moves, the charts are not rebuilt
    const before = c.charts;
    const t = inChapter(page, 'live-cell#adaln').getByRole('slider', { name: 'Read at t' });
    await t.focus();
    await page.keyboard.press('End');
    c = await adalnCharts(page);
    assert.equal(c.charts.map((x) => x.builds), before.map((x) => x.builds), 'no chart was rebuilt');
    assert.ok(c.charts[0].ruleX! < before[0].ruleX!, 'the marker moved left, to t = 999');
    assert.match((await inChapter(page, '#adaln-readout').textContent())!, /At t = 999/);
    await page.waitForFunction(() => new URLSearchParams(location.search).get('c5.t') === null); // 999 is the default
    // the cell's Reset: its own parameters back to their defaults, the other cells' kept
    await t.focus();
    await page.keyboard.press('Home');
    await inChapter(page, 'live-cell#adaln').getByRole('button', { name: /^Reset/ }).click();
    assert.equal(await state(page).then((x) => [x.part, x.block, x.t, x.layer]), ['gate1', 1, 999, 3]);
    c = await adalnCharts(page);
    assert.ok(maxDiff(c.channels, adalnChannels(node, 0, 'gate1')) < 1e-4, 'back to block 1\'s gate₁');
    assertClean(w);
  } finally {
    await w.close();
  }
});

interface AttnSnap {
  serial: number;
  running: boolean;
  frames: number[] | null;
  inspected: { key: string; step: number; timestep: number } | null;
  row: number[] | null;
  query: { frame: number; row: number; col: number };
}

const attnSnap = (page: Page): Promise<AttnSnap | null> =>
  page.evaluate(() => {
    const a = document.querySelector('chapter-5')!.figure.attn;
    return a ? { serial: a.serial, running: a.running, frames: a.frames ? Array.from(a.frames) : null, inspected: a.inspected, row: a.row ? Array.from(a.row) : null, query: a.query } : null;
  });

/** Waits for the attention row of the step asked (a clip newer than `after`, when given). */
async function attnDone(page: Page, after = 0): Promise<AttnSnap> {
  await within(240_000, 'the clip and its attention', page.waitForFunction((after) => {
    const c = document.querySelector('chapter-5')!;
    const a = c.figure.attn;
    return !!a && a.serial > after && !a.running && !!a.row && !!a.inspected && a.inspected.step === Math.min(c.state.astep, 30);
  }, after, { timeout: 240_000 }));
  return (await attnSnap(page))!;
}

suite.withModels(INSIDE, 'self-attention: the clip equals Node\'s; the query\'s row equals dit_inspect in Node on that step\'s x_t; layer, head, step and query (keyboard and click) change it; the heat drawn; the query on the object', async () => {
  const w = await suite.open('c5.cseed=2&c5.astep=20&c5.layer=1&c5.qf=2', { at: suite.servers.noUnet });
  const { page } = w;
  try {
    await inChapter(page, 'live-cell#attn').scrollIntoViewIfNeeded();
    let a = await attnDone(page);
    // Node: the same clip, every step's x_t
    const inputs: StepProgress[] = [];
    const clip = await textToVideo(suite.host, { prompt: 'a red circle moving right', model: 'dit', seed: 2, frames: 8, steps: 30, capture: { input: true } }, { backend: 'wasm', onStep: (p) => void inputs.push(p) });
    assert.is(differs(a.frames!, clip.frames), 0, 'the clip differs from Node\'s');
    const grid = { frames: 8, rows: 4, cols: 4 };
    const nodeRow = async (step: number, layer: number, head: number | 'mean', q: { frame: number; row: number; col: number }) => {
      const att = await inspectSelfAttention(suite.host, { latent: inputs[step - 1].input!, frames: 8, height: 8, width: 8, timestep: inputs[step - 1].timestep, context: statesRead(manifest!, 'dit', clip.encoded.prompt) }, { backend: 'wasm' });
      return attentionRow(att, layer, head, tokenIndex(grid, q));
    };
    assert.equal(a.inspected!.step, 20);
    assert.is(a.inspected!.timestep, inputs[19].timestep);
    let want = await nodeRow(20, 0, 'mean', a.query);
    assert.ok(maxDiff(a.row!, want) < 1e-4, `layer 1, mean of heads: ${maxDiff(a.row!, want)}`);
    // the heat drawn is tokenHeat of that row over the clip, read back from a frame's canvas
    const heat = tokenHeat(clip.frames, Float32Array.from(a.row!), grid, 32, 32);
    const px = await page.evaluate(() => {
      const v = document.querySelector('chapter-5')!.shadowRoot!.querySelector('attention-figure')!.shadowRoot!.querySelector('self-attention-view')!.shadowRoot!.querySelector<PixelView>('figure[data-frame="4"] pixel-view')!;
      return [[2, 2], [13, 20], [30, 9]].map(([x, y]) => v.readPixel(x, y));
    });
    [[2, 2], [13, 20], [30, 9]].forEach(([x, y], k) => {
      const o = ((4 * 32 + y) * 32 + x) * 3;
      assert.equal(px[k], Array.from(heat.slice(o, o + 3)), `frame 5's heat at ${x},${y}`);
    });
    const shares = await page.evaluate(() => document.querySelector('chapter-5')!.shadowRoot!.querySelector('attention-figure')!.shadowRoot!.querySelector('self-attention-view')!.shares);
    assert.ok(Math.abs(shares.reduce((s, v) => s + v, 0) - 1) < 1e-4, 'the shares of the frames sum to 1');
    // layer 6 by keyboard, head 2
    const cell = inChapter(page, 'live-cell#attn');
    await cell.getByRole('slider', { name: 'Layer' }).focus();
    await page.keyboard.press('End');
    await cell.getByRole('radio', { name: '2', exact: true }).check();
    a = (await attnSnap(page))!;
    const inspectedKey = a.inspected!.key;
    want = await nodeRow(20, 5, 1, a.query);
    assert.ok(maxDiff(a.row!, want) < 1e-4, `layer 6, head 2: ${maxDiff(a.row!, want)}`);
    // the readout's own-frame share of every layer, for head 2, as Node computes it
    const ownNode: string[] = [];
    for (let l = 0; l < 6; l++) ownNode.push(`${l + 1}: ${Math.round(frameShares(await nodeRow(20, l, 1, a.query), grid)[a.query.frame] * 100)} %`);
    assert.is((await inChapter(page, '#own-shares').textContent())!.replace(/\s+/g, ' ').trim(), ownNode.join(', '));
    // the query by a click: frame 7, row 3, column 4
    const frame7 = inChapter(page, 'self-attention-view figure[data-frame="6"] pixel-view');
    const box = (await frame7.boundingBox())!;
    await page.mouse.click(box.x + box.width * (3.5 / 4), box.y + box.height * (2.5 / 4));
    a = (await attnSnap(page))!;
    assert.equal(a.query, { frame: 6, row: 2, col: 3 });
    assert.is(a.inspected!.key, inspectedKey, 'a new query needs no new model call');
    want = await nodeRow(20, 5, 1, a.query);
    assert.ok(maxDiff(a.row!, want) < 1e-4, `the clicked query: ${maxDiff(a.row!, want)}`);
    await page.waitForFunction(() => new URLSearchParams(location.search).get('c5.qf') === '7');
    assert.equal(await state(page).then((s) => [s.qf, s.qr, s.qc, s.layer, s.head]), [7, 3, 4, 6, '2']);
    // another step: a new inspect call on that step's x_t
    await cell.getByRole('slider', { name: 'At step' }).focus();
    await page.keyboard.press('Home');
    a = await attnDone(page);
    assert.is(a.inspected!.step, 1);
    want = await nodeRow(1, 5, 1, a.query);
    assert.ok(maxDiff(a.row!, want) < 1e-4, `step 1: ${maxDiff(a.row!, want)}`);
    // the query on the object the judge reads in the query's frame
    await inChapter(page, '#snap').click();
    const p = patchOfObject(clip.verdict!.reading, 6, grid);
    assert.ok(p, 'the judge reads an object in frame 7');
    a = (await attnSnap(page))!;
    assert.equal(a.query, p);
    assert.match((await inChapter(page, '#attn-readout').textContent())!.replace(/\s+/g, ' '), /\(frame 7, row \d, column \d\), on the object; layer 6, head 2, at step 1 \(t = 999\)/);
    // a new seed: stale until made, then a new clip equal to Node's
    await cell.getByRole('slider', { name: 'Seed' }).focus();
    await page.keyboard.press('ArrowRight');
    await inChapter(page, '#attn-stale').waitFor();
    await page.keyboard.press('Shift+Enter');
    const b = await attnDone(page, a.serial);
    const clip3 = await textToVideo(suite.host, { prompt: 'a red circle moving right', model: 'dit', seed: 3, frames: 8, steps: 30 }, { backend: 'wasm' });
    assert.is(differs(b.frames!, clip3.frames), 0, 'seed 3\'s clip differs from Node\'s');
    assertClean(w);
  } finally {
    await w.close();
  }
});

suite.withModels(INSIDE, 'a link restores the figures, bad values are repaired and said; try this sets the state (and puts the query on the object)', async () => {
  const w = await suite.open('c5.layer=99&c5.part=bogus&c5.qr=0&c5.block=4&c5.t=250', { at: suite.servers.noUnet });
  const { page } = w;
  try {
    const s = await state(page);
    assert.equal([s.layer, s.part, s.qr, s.block, s.t], [12, 'gate1', 1, 4, 250]);
    const notice = ((await inChapter(page, 'state-notice').getByRole('status').textContent()) ?? '').replace(/\s+/g, ' ');
    assert.match(notice, /c5\.layer/);
    assert.match(notice, /c5\.part/);
    // the layer beyond the model's is shown as its last
    await inChapter(page, 'live-cell#attn').scrollIntoViewIfNeeded();
    let a = await attnDone(page);
    assert.match((await inChapter(page, '#attn-readout').textContent())!, /layer 6,/);
    // try this 2: gate₁ at t = 999
    await inChapter(page, 'chapter-section').getByRole('button', { name: /Show me/ }).nth(1).press('Enter');
    assert.equal(await state(page).then((x) => [x.part, x.t]), ['gate1', 999]);
    await adalnDone(page);
    assert.match((await inChapter(page, '#adaln-readout').textContent())!, /At t = 999: block 4’s gate₁/);
    // its answer: the widest block the readout names
    const adaln = (await inChapter(page, '#adaln-readout').textContent())!.replace(/\s+/g, ' ').match(/Of the (\d+) blocks, block (\d+)’s is the largest \(([^)]+)\)/)!;
    await liveAnswer(page, 'chapter-5', 1, `t = 999: of the ${adaln[1]} blocks, block ${adaln[2]}’s gate₁ is widest open (mean |value| ${adaln[3]}).`);
    // try this 3: the query on the circle in frame 1, layer 6
    await inChapter(page, 'chapter-section').getByRole('button', { name: /Show me/ }).nth(2).press('Enter');
    a = await attnDone(page);
    const reading = await page.evaluate(() => document.querySelector('chapter-5')!.figure.attn!.query);
    const sNow = await state(page);
    assert.equal([sNow.clip, sNow.qf, sNow.layer, sNow.head, sNow.astep], ['a red circle moving right', 1, 6, 'mean', 25]);
    const clip = await textToVideo(suite.host, { prompt: 'a red circle moving right', model: 'dit', seed: 0, frames: 8, steps: 30 }, { backend: 'wasm' });
    const p = patchOfObject(clip.verdict!.reading, 0, { frames: 8, rows: 4, cols: 4 });
    if (p) assert.equal(reading, p, 'the query is on the object of frame 1');
    assert.ok(a.row);
    // its answer: the own-frame shares and the hits the readout shows
    const attn = await page.evaluate(() => {
      const out = document.querySelector('chapter-5')!.shadowRoot!.querySelector('attention-figure')!.shadowRoot!.querySelector<HTMLElement>('#attn-readout')!;
      return { shares: out.querySelector('#own-shares')!.textContent!.replace(/\s+/g, ' ').trim(), hits: out.dataset.hits, judged: Number(out.dataset.judged) };
    });
    assert.match(attn.shares, /^1: [\d.]+ %, 2: /);
    await liveAnswer(page, 'chapter-5', 2, `its own frame’s share, layer by layer: ${attn.shares}${attn.judged ? `; in layer 6, the most-attended patch lies on the object in ${attn.hits} of ${attn.judged} frames` : ''}.`);
    // reload: the same state, the same clip and row
    await page.waitForFunction(() => new URLSearchParams(location.search).get('c5.part') === null);
    await page.reload();
    await page.waitForSelector('chapter-5[data-ready="true"]', { state: 'attached' });
    await inChapter(page, 'live-cell#attn').scrollIntoViewIfNeeded();
    const again = await attnDone(page);
    assert.equal(again.query, a.query);
    assert.ok(maxDiff(again.row!, a.row!) < 1e-6);
    assert.is(differs(again.frames!, a.frames!), 0);
    assertClean(w);
  } finally {
    await w.close();
  }
});

// ---------------------------------------------------------------- why a transformer; the whole DiT, drawn

/** What chapter 5's diagrams and its "why a transformer" section show. */
const diagrams = (page: Page) =>
  page.evaluate(() => {
    const ch = document.querySelector('chapter-5')!.shadowRoot!;
    const whole = ch.querySelector('whole-dit')!.shadowRoot!;
    const dit = whole.querySelector('dit-diagram')!.shadowRoot!, unet = whole.querySelector('unet-diagram')!.shadowRoot!;
    const why = ch.querySelector('why-transformer')!.shadowRoot!;
    const [ditSvg, ditList, unetSvg, whyText] = [dit.querySelector('svg'), dit.querySelector('ol.parts'), unet.querySelector('svg'), why].map((el) => (el?.textContent ?? '').replace(/\s+/g, ' '));
    return {
      blocks: dit.querySelectorAll('svg [data-block]').length,
      ditSvg,
      ditList,
      links: Array.from(dit.querySelectorAll('a[href]')).map((a) => a.getAttribute('href')!),
      svgWidth: dit.querySelector('svg')!.getBoundingClientRect().width,
      downs: unet.querySelectorAll('svg [data-part^="down-"]').length,
      ups: unet.querySelectorAll('svg [data-part^="up-"]').length,
      unetSvg,
      rows: Array.from(why.querySelectorAll('#image-scores tbody tr')).map((r) => Array.from(r.querySelectorAll('td')).map((td) => [td.textContent!.trim(), td.classList.contains('lead')])),
      why: whyText,
    };
  });

suite.withModels(['dit_inspect'], 'the whole DiT drawn with the model\'s real depth and width (from dit_inspect), tokens and parameters; every part\'s link opens a figure of the page; the U-Net drawn from its config; the judged image scores as weights/eval has them; 390 px', async () => {
  const w = await suite.open('', { at: suite.servers.noUnet });
  const { page } = w;
  try {
    await inChapter(page, 'live-cell#adaln').scrollIntoViewIfNeeded();
    await adalnDone(page);
    const real = await page.evaluate(() => {
      const t = document.querySelector('chapter-5')!.figure.adaln!;
      return { layers: t.layers, width: t.width };
    });
    await inChapter(page, 'whole-dit').scrollIntoViewIfNeeded();
    const d = await diagrams(page);
    assert.is(d.blocks, real.layers, 'a block drawn for each layer the model has');
    assert.match(d.ditSvg, new RegExp(`c → 6 × ${real.width}`));
    const perFrame = ATTN_GRID.rows * ATTN_GRID.cols;
    assert.match(d.ditSvg, new RegExp(`${perFrame} tokens a frame, ${perFrame * ATTN_GRID.frames} for ${ATTN_GRID.frames}`), 'the tokens the attention figure reads');
    assert.ok(d.ditSvg.includes(shortCount(manifest!.models.dit.params!)), 'the parameters of the file');
    assert.match(d.ditList, new RegExp(`${real.layers} blocks`));
    assert.is(d.downs, UNET_CONFIG.widths.length);
    assert.is(d.ups, UNET_CONFIG.widths.length);
    if (manifest!.models.unet) assert.ok(d.unetSvg.includes(shortCount(manifest!.models.unet.params!)), 'the U-Net\'s parameters');
    // the judged scores: a row a category, the leads where the intervals are apart
    const rows = compareImageCategories(unetEval, ditEval);
    assert.equal(d.rows.map((r) => [r[0][0], r[1][1], r[2][1]]), rows.map((r) => [r.category, r.lead === 'a', r.lead === 'b']));
    const lead = rows.filter((r) => r.lead === 'a').length - rows.filter((r) => r.lead === 'b').length;
    assert.match(d.why, lead > 0 ? /the U-Net wins on images/ : lead < 0 ? /the DiT is ahead on images/ : /neither wins on images/);
    assert.is(await inChapter(page, 'why-transformer #flops-ratio').count(), 0, 'no FLOPs ratio without the U-Net in the manifest');
    // every link names a live cell of the page: follow it as a reader would
    const hrefs = [...new Set(d.links)];
    assert.ok(hrefs.length >= 5, `links: ${hrefs.join(', ')}`);
    for (const href of hrefs) {
      const link = parseFigureLink(href);
      assert.ok(link, `${href} is a figure link`);
      await page.evaluate((h) => {
        location.hash = h;
      }, href);
      await within(60_000, `the figure ${href}`, page.waitForFunction(({ chapter, cell }) => {
        // every live cell in the chapter's shadow roots, however deep (a loop: no named functions in page code)
        const roots: ParentNode[] = [document.getElementById(chapter)?.shadowRoot].filter((r): r is ShadowRoot => !!r);
        for (let i = 0; i < roots.length; i++) {
          for (const e of Array.from(roots[i].querySelectorAll('*'))) {
            if (e.localName === 'live-cell' && (e as Element & { key: string }).key === cell) return true;
            if (e.shadowRoot) roots.push(e.shadowRoot);
          }
        }
        return false;
      }, link!, { timeout: 60_000 }));
    }
    // at 390 px: the drawing as wide as the column allows, and no sideways scrolling
    await page.setViewportSize({ width: 390, height: 844 });
    await inChapter(page, 'whole-dit').scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    const narrow = await diagrams(page);
    assert.ok(narrow.svgWidth >= 330 && narrow.svgWidth <= 390, `the DiT drawn ${narrow.svgWidth} px wide`);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= 390, `the page is ${wide} px wide`);
    assertClean(w);
  } finally {
    await w.close();
  }
});

suite.withModels(INSIDE, 'at 390 px: no sideways scrolling, every cell laid out, the frames of the attention in rows of four', async () => {
  const w = await suite.open('', { at: suite.servers.noUnet, width: 390 });
  const { page } = w;
  try {
    for (const id of ['adaln', 'attn']) await inChapter(page, `live-cell#${id}`).scrollIntoViewIfNeeded();
    await adalnDone(page);
    await attnDone(page);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= 390, `the page is ${wide} px wide`);
    const tops = await page.evaluate(() =>
      Array.from(document.querySelector('chapter-5')!.shadowRoot!.querySelector('attention-figure')!.shadowRoot!.querySelector('self-attention-view')!.shadowRoot!.querySelectorAll('figure')).map((f) => Math.round(f.getBoundingClientRect().top)),
    );
    assert.is(new Set(tops).size, 2, 'two rows of four frames');
    const charts = await page.evaluate(() => {
      const el = document.querySelector('chapter-5')!.shadowRoot!.querySelector('adaln-figure')!.shadowRoot!.querySelector('adaln-charts')!;
      return Array.from(el.shadowRoot!.querySelectorAll('plot-chart')).map((c) => c.getBoundingClientRect().width);
    });
    assert.ok(charts.every((x) => x > 250 && x <= 390), `chart widths ${charts.join(', ')}`);
    assertClean(w);
  } finally {
    await w.close();
  }
});

test.run();
