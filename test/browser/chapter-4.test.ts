// Chapter 4 (spacetime patches) in Chromium on WASM, against the production
// build and the real models: the numbers on the patch grid are the order of
// pipeline/diffusion/patchify.ts (time, then rows, then columns) for every
// patch size the sliders give; the marked token's numbers equal patchify of
// the clip's latent encoded in Node; the latent view shows that latent; the
// cost charts follow frames, frame size and patch (markers move, charts are
// rebuilt only when their curves change); a DiT step is timed on five shapes;
// the five clips of other shapes equal `npm run generate`'s pipeline in Node
// pixel for pixel, with the same verdicts; URL round trip and bad links.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import type { PlotChart } from '../../components/charts/plot-chart';
import type { TokenCostCharts } from '../../components/widgets/token-cost-charts';
import { formatCount } from '../../components/widgets/cost-table';
import { CLIP_SHAPES, promptForShape } from '../../pipeline/lessons/clip-shapes';
import { patchify, tokenCoordinates } from '../../pipeline/diffusion/patchify';
import { latentFalseColour } from '../../pipeline/lessons/latent-space';
import { DIT_ARCHITECTURE, DIT_PATCH, ditStepFlops, tokenGrid } from '../../pipeline/lessons/patch-cost';
import { encodeFrames, textToVideo } from '../../pipeline/text-to-video';
import { generateClip } from '../../pipeline/world';
import { fillFrameNoise, neighbourCorrelation } from '../../pipeline/diffusion/noise';
import { createRandom, fillNormal } from '../../pipeline/random';
import { latentStrip } from '../../pipeline/tensor-pictures';
import { answerCount, liveAnswer } from '../helpers/answers';
import { assertClean, within, type WatchedPage } from '../helpers/browser';
import { chapterSuite } from '../helpers/chapter-suite';

const suite = chapterSuite(test, { tag: 'chapter-4', hash: 'spacetime-patches', open: { reducedMotion: 'reduce' } });
const { withModels } = suite;
const open = (query = '', width = 1280): Promise<WatchedPage> => suite.open(query, { width });

const state = (page: Page) => page.evaluate(() => ({ ...document.querySelector('chapter-4')!.state }));

/** The numbers written on the patch grid: per time group, per frame, the numbers in reading order. */
const gridNumbers = (page: Page) =>
  page.evaluate(() => {
    const g = document.querySelector('chapter-4')!.shadowRoot!.querySelector('patches-figure')!.shadowRoot!.querySelector('patch-grid')!;
    return Array.from(g.shadowRoot!.querySelectorAll('.group')).map((gr) =>
      Array.from(gr.querySelectorAll('svg')).map((svg) => Array.from(svg.querySelectorAll('text.num')).map((t) => Number(t.textContent))),
    );
  });

/** Checks the numbers against patchify's order for a patch of the 8 × 8 × 8 latent. */
async function checkNumbers(page: Page, pt: number, ph: number, pw: number) {
  const grid = tokenGrid({ frames: 8, height: 8, width: 8 }, { pt, ph, pw });
  const shown = await gridNumbers(page);
  assert.is(shown.length, grid.t, `${grid.t} time groups`);
  const coords = tokenCoordinates(grid);
  for (let n = 0; n < grid.tokens; n++) {
    const [t, r, c] = [coords[3 * n], coords[3 * n + 1], coords[3 * n + 2]];
    for (const frame of shown[t]) assert.is(frame[r * grid.w + c], n, `token ${n} at (t ${t}, row ${r}, column ${c}) with ${pt} × ${ph} × ${pw}`);
  }
  for (const group of shown) assert.is(group.length, pt, `${pt} frames a group`);
}

async function waitLatent(page: Page) {
  await within(60_000, 'the clip\'s latent', page.waitForFunction(() => {
    const f = document.querySelector('chapter-4')!.figure;
    return !!f.latent && !!f.tokenValues;
  }, null, { timeout: 60_000 }));
}

const tokenValues = (page: Page) => page.evaluate(() => ({ key: document.querySelector('chapter-4')!.figure.tokenKey, values: Array.from(document.querySelector('chapter-4')!.figure.tokenValues ?? []), token: document.querySelector('chapter-4')!.figure.token }));

withModels(['vae_encoder'], 'the patch grid numbers tokens as patchify orders them, for every patch the sliders give; the token\'s numbers are patchify of the latent Node encodes', async () => {
  const w = await open();
  const { page } = w;
  try {
    const ch = page.locator('chapter-4');
    await waitLatent(page);
    await checkNumbers(page, 1, 2, 2);
    const clip = generateClip(1, { frames: 8 });
    const z = (await encodeFrames(suite.host, { frames: clip.frames, numFrames: 8, width: 32, height: 32 }, { backend: 'wasm' })).latent;
    const shape = { frames: 8, channels: 4, height: 8, width: 8 };
    const checkToken = async (pt: number, ph: number, pw: number) => {
      await page.waitForFunction(() => !!document.querySelector('chapter-4')!.figure.tokenValues);
      const { values, token } = await tokenValues(page);
      const p = patchify(z, shape, { pt, ph, pw });
      const expected = p.tokens.subarray(token * p.tokenDim, (token + 1) * p.tokenDim);
      assert.is(values.length, p.tokenDim);
      for (let d = 0; d < p.tokenDim; d++) assert.ok(Math.abs(values[d] - expected[d]) < 1e-4, `token ${token}, number ${d}: page ${values[d]}, Node ${expected[d]}`);
      return token;
    };
    assert.is(await checkToken(1, 2, 2), 5);
    // the sliders, by keyboard: pt 1 → 2, ph 2 → 4, pw 2 → 1
    const slider = (name: string) => ch.getByRole('slider', { name });
    await slider('Patch frames (pt)').focus();
    await page.keyboard.press('ArrowRight');
    await checkNumbers(page, 2, 2, 2);
    await slider('Patch rows (ph)').focus();
    await page.keyboard.press('ArrowRight');
    await slider('Patch columns (pw)').focus();
    await page.keyboard.press('ArrowLeft');
    await checkNumbers(page, 2, 4, 1);
    assert.equal(await state(page), { ...(await state(page)), pt: '2', ph: '4', pw: '1' });
    let readout = (await ch.locator('#patch-readout').textContent())!.replace(/\s+/g, ' ');
    assert.match(readout, /4 × 2 × 8 = 64 tokens of 2 × 4 × 1 × 4 = 32 numbers/);
    await checkToken(2, 4, 1);
    // the token slider: End is the last token
    await slider('Token').focus();
    await page.keyboard.press('End');
    assert.is(await checkToken(2, 4, 1), 63);
    assert.match((await ch.locator('#token-readout').textContent())!.replace(/\s+/g, ' '), /Token 63 is frames 7–8, latent rows 5–8 and column 8/);
    // back to the DiT's patch with Home on pt, a click on a patch selects its token
    await slider('Patch frames (pt)').focus();
    await page.keyboard.press('Home');
    await slider('Patch rows (ph)').focus();
    await page.keyboard.press('ArrowLeft');
    await slider('Patch columns (pw)').focus();
    await page.keyboard.press('ArrowRight');
    await checkNumbers(page, 1, 2, 2);
    readout = (await ch.locator('#patch-readout').textContent())!.replace(/\s+/g, ' ');
    assert.match(readout, /128 tokens .* This is the patch the DiT here was trained with/);
    assert.is((await tokenValues(page)).token, 63, 'the token stays where it can');
    const frame2 = ch.locator('patch-grid .frame').nth(1);
    await frame2.scrollIntoViewIfNeeded();
    const box = (await frame2.boundingBox())!;
    await page.mouse.click(box.x + box.width * (2.5 / 4), box.y + box.height * (1.5 / 4)); // row 1, column 2 of frame 2
    assert.is(await checkToken(1, 2, 2), (1 * 4 + 1) * 4 + 2);
    await page.waitForFunction(() => new URLSearchParams(location.search).get('c4.token') === '22');
    // the latent itself: the canvas shows channels 1-3 of the latent Node encodes, in false colour
    await ch.getByRole('radio', { name: 'The latent' }).check();
    await page.waitForFunction(() => document.querySelector('chapter-4')!.shadowRoot!.querySelector('patches-figure')!.shadowRoot!.querySelector('patch-grid')?.getAttribute('cell') === '1');
    const colours = latentFalseColour(z, shape);
    const shown = await page.evaluate(() => {
      const g = document.querySelector('chapter-4')!.shadowRoot!.querySelector('patches-figure')!.shadowRoot!.querySelector('patch-grid')!;
      const canvas = g.shadowRoot!.querySelectorAll('canvas')[3];
      const d = canvas.getContext('2d')!.getImageData(0, 0, 8, 8).data;
      return Array.from(d).filter((_, i) => i % 4 !== 3);
    });
    let off = 0;
    for (let i = 0; i < shown.length; i++) off = Math.max(off, Math.abs(shown[i] - colours[3 * 64 * 3 + i]));
    assert.ok(off <= 1, `frame 4 of the latent view against Node's latent: off by ${off}`);
    // New clip: a new latent
    await ch.getByRole('button', { name: 'New clip' }).click();
    await page.waitForFunction(() => document.querySelector('chapter-4')!.state.clip === 2);
    await waitLatent(page);
    const z2 = (await encodeFrames(suite.host, { frames: generateClip(2, { frames: 8 }).frames, numFrames: 8, width: 32, height: 32 }, { backend: 'wasm' })).latent;
    const page2 = await page.evaluate(() => Array.from(document.querySelector('chapter-4')!.figure.latent!));
    let d2 = 0;
    for (let i = 0; i < z2.length; i++) d2 = Math.max(d2, Math.abs(page2[i] - z2[i]));
    assert.ok(d2 < 1e-4, `the new clip's latent against Node's: ${d2}`);
    assertClean(w);
  } finally {
    await w.close();
  }
});

const costCharts = (page: Page) =>
  page.evaluate(() => {
    const el = document.querySelector('chapter-4')!.shadowRoot!.querySelector('costs-figure')!.shadowRoot!.querySelector<TokenCostCharts>('token-cost-charts')!;
    const charts = ['tokens-chart', 'flops-chart'].map((id) => {
      const c = el.shadowRoot!.querySelector<PlotChart>(`plot-chart#${id}`)!;
      const dot = c.shadowRoot!.querySelector('svg.marks circle');
      return { builds: c.builds, alt: c.getAttribute('alt') ?? '', dotX: Number(dot?.getAttribute('cx')), dotY: Number(dot?.getAttribute('cy')) };
    });
    return { current: el.current, charts };
  });

test('the cost charts: tokens and FLOPs follow frames (markers move, no rebuild), frame size and patch (rebuilt); an image is one frame', async () => {
  const w = await open();
  const { page } = w;
  try {
    const ch = page.locator('chapter-4');
    let c = await costCharts(page);
    assert.is(c.current.tokens, 128);
    assert.equal(c.current.flops, ditStepFlops(128, DIT_PATCH));
    assert.match(c.charts[0].alt, /8 frames of 32 × 32: 128 tokens/);
    const frames = ch.getByRole('slider', { name: 'Frames', exact: true });
    await frames.focus();
    await page.keyboard.press('Home');
    const image = await costCharts(page);
    assert.is(image.current.tokens, 16);
    assert.match(image.charts[0].alt, /1 frame of 32 × 32: 16 tokens/);
    for (let k = 0; k < 2; k++) {
      assert.is(image.charts[k].builds, c.charts[k].builds, `chart ${k} not rebuilt for a new frame count`);
      assert.ok(image.charts[k].dotX < c.charts[k].dotX, `chart ${k}'s marker moved left`);
    }
    assert.match((await ch.getByRole('slider', { name: 'Frames', exact: true }).getAttribute('aria-valuetext'))!, /1 \(an image\)/);
    await page.keyboard.press('End');
    await ch.getByRole('radio', { name: '256 × 256' }).check();
    c = await costCharts(page);
    const big = tokenGrid({ frames: 64, height: 64, width: 64 }, DIT_PATCH).tokens;
    assert.is(c.current.tokens, big);
    assert.equal(c.current.flops, ditStepFlops(big, DIT_PATCH, DIT_ARCHITECTURE));
    assert.ok(c.charts[0].builds > image.charts[0].builds, 'a new frame size redraws the curves');
    assert.ok(c.current.flops.attention > c.current.flops.linear, 'at 64 frames of 256 × 256 attention dominates');
    // the second question: 2 × 2 × 2 patches
    await ch.getByRole('button', { name: 'Show me' }).nth(1).press('Enter');
    c = await costCharts(page);
    assert.is(c.current.tokens, 32 * 32 * 32);
    await page.waitForFunction(() => new URLSearchParams(location.search).get('c4.pt') === '2' && new URLSearchParams(location.search).get('c4.side') === '256');
    // the answers quote the cost figure's chosen clip: its tokens, FLOPs and attention's share as the chart keys say them
    const keys = () => page.evaluate(() => Array.from(document.querySelector('chapter-4')!.shadowRoot!.querySelector('costs-figure')!.shadowRoot!.querySelector('token-cost-charts')!.shadowRoot!.querySelectorAll('.keys li')).map((li) => (li.textContent ?? '').replace(/\s+/g, ' ').trim()));
    const quoted = async () => {
      const k = await keys();
      const tokens = k.find((x) => x.includes('tokens'))!.match(/([\d,]+) tokens/)![1];
      const total = k.find((x) => x.startsWith('total'))!.replace('total ', '');
      const share = k.find((x) => x.startsWith('attention'))!.match(/: ([\d.]+ %)/)![1];
      return `${tokens} tokens; one call of the DiT ${total} FLOPs, ${share} of them`;
    };
    assert.is(await answerCount(page, 'chapter-4'), 3);
    await liveAnswer(page, 'chapter-4', 1, `64 frames of 256 × 256, patches of 2 × 2 × 2: ${await quoted()}`);
    assert.match(await liveAnswer(page, 'chapter-4', 1, '32,768 tokens'), / 97 % of them/);
    await ch.getByRole('button', { name: 'Show me' }).nth(0).press('Enter');
    await page.waitForFunction(() => document.querySelector('chapter-4')!.state.frames === 8);
    c = await costCharts(page);
    assert.is(c.current.tokens, 8 * 8 * 8);
    await liveAnswer(page, 'chapter-4', 0, `8 frames of 32 × 32, patches of 1 × 1 × 1: ${await quoted()}`);
    // its prose: a call costs the figure's FLOPs at 1 × 1 × 1 over those at the DiT's patch
    const ratio = c.current.flops.total / ditStepFlops(tokenGrid({ frames: 8, height: 8, width: 8 }, DIT_PATCH).tokens, DIT_PATCH, DIT_ARCHITECTURE).total;
    const prose = await page.evaluate(() => document.querySelector('chapter-4')!.shadowRoot!.querySelector('chapter-section')!.shadowRoot!.querySelectorAll('details.answer')[0].textContent ?? '');
    assert.ok(prose.replace(/\s+/g, ' ').includes(`a call costs ${ratio.toFixed(1)} times as much`), `the first answer's cost ratio (${ratio.toFixed(1)}): ${prose}`);
    assertClean(w);
  } finally {
    await w.close();
  }
});

withModels(['dit'], 'a DiT step timed on the five shapes here; the formula\'s FLOPs beside the graph\'s count', async () => {
  const w = await open();
  const { page } = w;
  try {
    const ch = page.locator('chapter-4');
    const check = (await ch.locator('#flops-check').textContent())!.replace(/\s+/g, ' ');
    assert.match(check, new RegExp(`manifest says ${formatCount(suite.manifest!.models.dit.flops as number)} for an image`));
    await ch.locator('#measure').click();
    await within(240_000, 'the timing', page.waitForFunction(() => {
      const t = document.querySelector('chapter-4')!.figure.timing;
      return t.length === 5 && t.every((r) => r.ms !== undefined);
    }, null, { timeout: 240_000 }));
    const rows = await page.evaluate(() => document.querySelector('chapter-4')!.figure.timing);
    CLIP_SHAPES.forEach((sh, i) => {
      const tokens = tokenGrid({ frames: sh.frames, height: sh.height, width: sh.width }, DIT_PATCH).tokens;
      assert.is(rows[i].flops, ditStepFlops(tokens, DIT_PATCH, DIT_ARCHITECTURE, 2).total);
      assert.is(rows[i].times!.length, 7);
      assert.ok(rows[i].ms! > 0);
    });
    console.log(`  DiT step in Chromium (WASM, batch 2): ${rows.map((r) => `${r.label} ${r.ms!.toFixed(1)} ms`).join(', ')}`);
    assertClean(w);
  } finally {
    await w.close();
  }
});

withModels(['text_encoder', 'dit', 'vae_decoder'], 'clips of five shapes, made when scrolled to: the same pixels and verdicts as the pipeline in Node; a new seed makes new ones', async () => {
  const w = await open('&c4.seed=2&c4.seeds=2');
  const { page } = w;
  try {
    const ch = page.locator('chapter-4');
    const shapes = ch.locator('#shapes');
    await shapes.scrollIntoViewIfNeeded();
    const made = () =>
      within(300_000, 'the five clips', page.waitForFunction(() => {
        const f = document.querySelector('chapter-4')!.figure;
        return Object.values(f.shapes).filter((r) => r && r.key === f.shapesKey).length === 5;
      }, null, { timeout: 300_000, polling: 250 }));
    await made();
    const read = () =>
      page.evaluate(() => {
        const f = document.querySelector('chapter-4')!.figure;
        return Object.fromEntries(Object.entries(f.shapes).map(([id, r]) => [id, { frames: Array.from(r!.frames), numFrames: r!.numFrames, width: r!.width, height: r!.height, prompt: r!.prompt, pass: r!.verdict?.pass, reasons: r!.verdict?.reasons }]));
      });
    const page1 = await read();
    const prompt = 'a big red circle moving right';
    for (const sh of CLIP_SHAPES) {
      const node = await textToVideo(suite.host, { prompt: promptForShape(prompt, sh.frames), model: 'dit', seed: 2, frames: sh.frames, height: sh.height, width: sh.width }, { backend: 'wasm' });
      const p = page1[sh.id];
      assert.equal([p.numFrames, p.height, p.width], [sh.frames, sh.height * 4, sh.width * 4], `${sh.label}: its shape`);
      let differing = 0;
      for (let i = 0; i < node.frames.length; i++) if (node.frames[i] !== p.frames[i]) differing++;
      assert.is(differing, 0, `${sh.label}: ${differing} bytes differ between the page and Node`);
      assert.is(p.pass, node.verdict!.pass, `${sh.label}: the same verdict`);
      assert.equal(p.reasons, node.verdict!.reasons);
    }
    assert.is(page1.image.prompt, 'a big red circle', 'the image is asked without the motion');
    const verdicts = await ch.locator('#shapes .verdict').count();
    assert.is(verdicts, 5, 'five verdicts shown');
    // the third answer: each shape's verdict, as shown
    await liveAnswer(page, 'chapter-4', 2, `“${prompt}”, seed 2: ${CLIP_SHAPES.map((sh) => `${sh.label} ${page1[sh.id].pass ? 'PASS' : 'FAIL'}`).join(', ')}.`);
    // the tally: seeds 2 and 3 of each shape; seed 2's verdicts are the ones just checked against Node
    await ch.getByRole('button', { name: 'Judge 10 clips' }).click();
    await within(300_000, 'the tally', page.waitForFunction(() => document.querySelector('chapter-4')!.figure.tally?.done === 10, null, { timeout: 300_000, polling: 250 }));
    const tally = (await page.evaluate(() => document.querySelector('chapter-4')!.figure.tally))!;
    for (const row of tally.rows) {
      assert.is(row.verdicts.length, 2);
      assert.is(row.verdicts[0], page1[row.id].pass, `${row.label}: the tally's seed 2 is the clip above`);
      assert.is(row.passes, row.verdicts.filter(Boolean).length);
    }
    const alt = (await ch.locator('plot-chart#tally-chart').getAttribute('alt'))!;
    for (const row of tally.rows) assert.ok(alt.includes(`${row.label}, ${row.passes} of 2`), alt);
    // a new seed: five new clips, and the tally is said to be for another state
    await ch.getByRole('button', { name: 'New seed' }).click();
    await page.waitForFunction(() => document.querySelector('chapter-4')!.state.seed === 3);
    await made();
    const page2 = await read();
    assert.not.equal(page2.f8.frames, page1.f8.frames, 'seed 3 makes another clip');
    for (const row of tally.rows) assert.is(row.verdicts[1], page2[row.id].pass, `${row.label}: the tally's seed 3 is the clip made for seed 3`);
    await ch.getByText('These counts are for another prompt').waitFor();
    await page.waitForFunction(() => new URLSearchParams(location.search).get('c4.seed') === '3');
    assertClean(w);
  } finally {
    await w.close();
  }
});

test('the starting noise: the pictures are the sampler\'s draw for the seed (own, shared, mixed), the readout its neighbours\' correlation; a by keyboard, a new seed, the URL', async () => {
  const w = await open('&c4.nseed=7');
  const { page } = w;
  try {
    const ch = page.locator('chapter-4');
    const shown = () =>
      page.evaluate(() => {
        // (no named helpers in here: the test runner's transform would wrap them in a __name the page lacks)
        const root = document.querySelector('chapter-4')!.shadowRoot!.querySelector('noise-figure')!.shadowRoot!;
        const [own, shared, mixed] = ['own', 'shared', 'mixed'].map((id) => Array.from(root.querySelector<HTMLElement & { rgb: Uint8Array }>(`pixel-view#${id}`)!.rgb));
        return { own, shared, mixed, readout: root.querySelector('#noise-readout')!.textContent!.replace(/\s+/g, ' ') };
      });
    const expected = (seed: number, a: number) => {
      const rng = createRandom(seed);
      const own = fillNormal(rng, new Float32Array(8 * 256));
      const shared = fillNormal(rng, new Float32Array(256));
      const mixed = fillFrameNoise(createRandom(seed), new Float32Array(8 * 256), 8, a);
      const everyFrame = new Float32Array(8 * 256);
      for (let k = 0; k < 8; k++) everyFrame.set(shared, k * 256);
      const strip = (v: Float32Array) => Array.from(latentStrip(v, 8, 4, 8, 8).rgb);
      return { own: strip(own), shared: strip(everyFrame), mixed: strip(mixed), r: neighbourCorrelation(mixed, 8) };
    };
    await ch.locator('noise-figure').scrollIntoViewIfNeeded();
    let got = await shown();
    let want = expected(7, 1);
    assert.equal([got.own, got.shared, got.mixed], [want.own, want.shared, want.mixed], 'seed 7, a = 1: the sampler\'s numbers, frame by frame');
    assert.ok(got.readout.includes(`correlate by ${want.r.toFixed(2)} (a²/(1 + a²) = 0.50 expected`), got.readout);
    // a to 0 by keyboard (Home): the mixed noise is the frames' own
    await ch.getByRole('slider', { name: 'Shared part, a' }).focus();
    await page.keyboard.press('Home');
    await page.waitForFunction(() => document.querySelector('chapter-4')!.state.share === 0);
    got = await shown();
    assert.equal(got.mixed, want.own, 'a = 0: the own noise alone');
    await page.keyboard.press('End');
    await page.waitForFunction(() => document.querySelector('chapter-4')!.state.share === 8);
    want = expected(7, 2);
    got = await shown();
    assert.equal(got.mixed, want.mixed, 'a = 2');
    assert.ok(got.readout.includes(`correlate by ${want.r.toFixed(2)} (a²/(1 + a²) = 0.80 expected`), got.readout);
    await ch.getByRole('button', { name: 'New noise' }).click();
    await page.waitForFunction(() => new URLSearchParams(location.search).get('c4.nseed') === '8' && new URLSearchParams(location.search).get('c4.share') === '8');
    assert.equal((await shown()).mixed, expected(8, 2).mixed, 'seed 8');
    assertClean(w);
  } finally {
    await w.close();
  }
});

test('links: the state is in the URL and survives a reload; bad values are repaired and said', async () => {
  const w = await open('&c4.pt=2&c4.ph=1&c4.pw=4&c4.token=40&c4.frames=20&c4.side=64');
  const { page } = w;
  try {
    let s = await state(page);
    assert.equal([s.pt, s.ph, s.pw, s.token, s.frames, s.side], ['2', '1', '4', 40, 20, '64']);
    await checkNumbers(page, 2, 1, 4);
    let c = await costCharts(page);
    assert.is(c.current.tokens, tokenGrid({ frames: 20, height: 16, width: 16 }, { pt: 2, ph: 1, pw: 4 }).tokens);
    await page.reload();
    await page.waitForSelector('chapter-4[data-ready="true"]', { state: 'attached' });
    s = await state(page);
    assert.equal([s.pt, s.ph, s.pw, s.token, s.frames, s.side], ['2', '1', '4', 40, 20, '64']);
    await w.close();
    const bad = await open('&c4.pt=3&c4.token=9999&c4.frames=0');
    try {
      const notice = ((await bad.page.locator('chapter-4 state-notice').getByRole('status').textContent()) ?? '').replace(/\s+/g, ' ');
      assert.match(notice, /c4\.pt: "3" is not one of 1, 2, 4, 8; using 1/);
      assert.match(notice, /c4\.token: 9999 is outside \[0, 511\]; using 511/);
      assert.match(notice, /c4\.frames: 0 is outside \[1, 64\]; using 1/);
      const f = await bad.page.evaluate(() => document.querySelector('chapter-4')!.figure.token);
      assert.is(f, 127, 'the token is clamped to the tokens there are');
      c = await costCharts(bad.page);
      assert.is(c.current.tokens, 16, 'one frame: an image');
      assertClean(bad);
    } finally {
      await bad.close();
    }
  } finally {
    await w.close().catch(() => {});
  }
});

test.run();
