// Chapter 7 (text to video) in Chromium, against the production build, on WASM
// with the real models: every cell's clip is the one `npm run generate`'s
// pipeline (pipeline/text-to-video in Node) makes for the same state, byte for
// byte; the outputs change with the controls (by keyboard); the stages light up
// in order and are timed; the starting noise shown is the sampler's; image to
// video keeps frame 1; extending, SDEdit and connecting put the made frames where
// they belong; the three checkpoints' pass counts are the judge's verdicts; the
// measuring cell is the judge's reading; the URL restores the figures. Tests that
// need a model weights/manifest.json does not list are skipped, saying which.
// Pass rates are asserted loosely (the DiT's clips are weak) and printed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { startingNoise, textToVideo, type TextToVideoOptions } from '../../pipeline/text-to-video';
import { animatePlan, connectPlan, extendPlan, joinConnection, joinExtension, sdeditStart } from '../../pipeline/text-to-video/edits';
import { motionPrompt, phrasesOfReading, summarizeTracks } from '../../pipeline/text-to-video/measure';
import { denoiserSettings } from '../../pipeline/runtime/manifest';
import { createRandom, fillNormal } from '../../pipeline/random';
import { generateClip, parsePrompt, readFrames } from '../../pipeline/world';
import { distanceTravelled, motionLaw } from '../../pipeline/lessons/motion-law';
import { drawingToRgb, encodeDrawing } from '../../pipeline/drawing';
import { liveAnswer } from '../helpers/answers';
import { assertClean } from '../helpers/browser';
import { chapterSuite, manifest } from '../helpers/chapter-suite';
import { sameBytes, differs } from '../helpers/compare';

const MAIN = ['text_encoder', 'dit', 'vae_decoder', 'vae_encoder'];
const CHECKPOINTS = ['dit_snap16', 'dit_snap4', 'dit'];
const PROMPT = 'a red circle moving right';

const suite = chapterSuite(test, { tag: 'chapter-7', hash: 'text-to-video' });

type Cell = 'make' | 'animate' | 'extend' | 'edit' | 'connect' | 'scale' | 'measure' | 'physics';

/** Runs a cell for the page's current state and waits for it. */
const ensure = (page: Page, cell: Cell) => suite.ensure(page, cell);

/** A clip of the page's results, as plain numbers. */
const shown = (page: Page, cell: 'make' | 'animate' | 'extend' | 'edit' | 'connect') =>
  page.evaluate((c) => {
    const r = document.querySelector('chapter-7')!.results;
    const x = r[c] as unknown as Record<string, { frames: Uint8Array; numFrames: number; made?: [number, number]; prompt?: string; verdict?: { reason: string; pass: boolean } | null; reading?: unknown }> | null;
    if (!x) return null;
    const clip = c === 'extend' || c === 'connect' ? x.joined : x.clip;
    const verdict = (c === 'extend' || c === 'connect' ? (x as unknown as { verdict: { reason: string; pass: boolean } }).verdict : clip.verdict) ?? null;
    return { frames: Array.from(clip.frames), numFrames: clip.numFrames, made: clip.made ?? null, prompt: (x as unknown as { prompt?: string }).prompt ?? clip.prompt ?? null, reason: verdict?.reason ?? null, pass: verdict?.pass ?? null };
  }, cell);

const state = (page: Page) => page.evaluate(() => ({ ...document.querySelector('chapter-7')!.state }));
const setState = (page: Page, s: Record<string, unknown>) => page.evaluate((s) => document.querySelector('chapter-7')!.setState(s as never), s);

const node = (o: Omit<TextToVideoOptions, 'model'> & { model?: string }) => textToVideo(suite.host, { frames: 8, steps: 30, ...o, model: o.model ?? 'dit' }, { backend: 'wasm' });

suite.withModels(MAIN, 'the pipeline cell: the clip is Node\'s for the state, the stages light up in order and are timed, the noise shown is the sampler\'s; seed and prompt by keyboard change it', async () => {
  const w = await suite.open('&c7.seed=3');
  const { page } = w;
  try {
    await ensure(page, 'make');
    const expected = await node({ prompt: PROMPT, seed: 3 });
    const got = (await shown(page, 'make'))!;
    sameBytes(got.frames, expected.frames, 'the clip');
    assert.is(got.reason, expected.verdict!.reason, 'the judge says the same');
    const inside = await page.evaluate(() => {
      const el = document.querySelector('chapter-7')!;
      const m = el.results.make!;
      const root = el.shadowRoot!.querySelector('make-figure')!.shadowRoot!;
      const stages = root.querySelector('live-cell#make pipeline-stages')!;
      return {
        startNoise: Array.from(m.startNoise ?? []),
        previews: m.previews.map((p) => p.step),
        states: Object.fromEntries(Object.entries(el.clock.states).map(([k, v]) => [k, v])),
        items: Array.from(stages.shadowRoot!.querySelectorAll('li')).map((li) => ({ id: li.dataset.stage, status: li.dataset.status, time: li.querySelector('.time')?.textContent?.trim() })),
        links: Array.from(stages.shadowRoot!.querySelectorAll('a')).map((a) => a.getAttribute('href')),
        rows: Array.from(root.querySelectorAll('#timings tbody tr')).map((tr) => tr.textContent!.replace(/\s+/g, ' ').trim()),
        tokens: root.querySelector('live-cell#make prompt-field')!.shadowRoot!.querySelectorAll('.tokens li').length,
        hidden: !!root.querySelector('pixel-view#hidden'),
        footer: root.querySelector('live-cell#make')!.shadowRoot!.querySelector('footer')?.textContent ?? '',
      };
    });
    // z_T: the page draws it from the seed (the frames' own normals, then any shared part the DiT was
    // trained on); the sampler's first input is the same numbers
    const noise = startingNoise(manifest!, { model: 'dit', seed: 3, frames: 8 });
    if (!manifest!.models.dit.shared_noise) assert.equal(Array.from(noise), Array.from(fillNormal(createRandom(3), new Float32Array(8 * 4 * 64))), 'no shared part: seed 3\'s normals');
    assert.is(inside.startNoise.length, noise.length);
    assert.ok(inside.startNoise.every((v, i) => Math.abs(v - noise[i]) < 1e-6), 'the starting noise is seed 3\'s normals');
    assert.equal(inside.previews, [5, 10, 15, 20, 25, 30], 'x̂₀ decoded every 5 of 30 steps');
    assert.equal(inside.items.map((i) => i.id), ['tokens', 'encode', 'noise', 'denoise', 'decode', 'judge']);
    assert.ok(inside.items.every((i) => i.status === 'done'), JSON.stringify(inside.items));
    for (const k of ['encode', 'denoise', 'decode'] as const) assert.ok(inside.states[k].ms! > 0, `${k} timed`);
    assert.is(inside.rows.length, 5);
    assert.match(inside.rows[2], /DiT, 30 steps .*WASM \(CPU\)/, inside.rows[2]);
    assert.is(inside.tokens, 7, '<start> a red circle moving right <end>');
    assert.ok(inside.hidden, 'the text encoder\'s states are drawn');
    assert.match(inside.footer, /ran on WASM \(CPU\)/);
    const ids = await page.evaluate((links) => links.filter((h) => !document.getElementById(h!.slice(1))), inside.links);
    assert.equal(ids, [], 'every stage links to a chapter that exists');

    // New noise, by keyboard: seed 4, another clip
    await page.locator('chapter-7').locator('live-cell#make').getByRole('button', { name: 'New noise' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('chapter-7')!.state.seed === 4);
    await ensure(page, 'make');
    const seed4 = (await shown(page, 'make'))!;
    assert.ok(differs(seed4.frames, got.frames) > 1000, 'another seed, another clip');
    sameBytes(seed4.frames, (await node({ prompt: PROMPT, seed: 4 })).frames, 'seed 4');

    // A prompt typed and sent with Enter: its tokens show as it is typed, then the clip follows
    const box = page.locator('chapter-7').locator('live-cell#make').getByRole('textbox', { name: 'Prompt' });
    await box.fill('');
    await box.pressSequentially('a big yellow square moving left');
    const typed = await page.evaluate(() => document.querySelector('chapter-7')!.shadowRoot!.querySelector('make-figure')!.shadowRoot!.querySelector('live-cell#make prompt-field')!.shadowRoot!.querySelectorAll('.tokens li').length);
    assert.is(typed, 8);
    await box.press('Enter');
    await page.waitForFunction(() => document.querySelector('chapter-7')!.state.prompt === 'a big yellow square moving left');
    await ensure(page, 'make');
    const yellow = (await shown(page, 'make'))!;
    sameBytes(yellow.frames, (await node({ prompt: 'a big yellow square moving left', seed: 4 })).frames, 'the typed prompt');
    await page.waitForFunction(() => new URLSearchParams(location.search).get('c7.prompt') === 'a big yellow square moving left');
    assertClean(w);
  } finally {
    await w.close();
  }
});

suite.withModels(MAIN, 'image to video: frame 1 is the picture (through the VAE), frames 2–8 follow the motion asked; the same clip as Node; an empty drawing is said', async () => {
  const w = await suite.open('&c7.picture=7&c7.motion=right');
  const { page } = w;
  try {
    await ensure(page, 'animate');
    const picture = generateClip(7, { frames: 1 });
    const prompt = motionPrompt(phrasesOfReading(readFrames(picture.frames, 1, 32, 32)), 'right');
    assert.is(prompt, 'a big blue triangle moving right');
    const plan = animatePlan(picture.frames, 8);
    const expected = await node({ prompt, seed: 0, fixedFrames: plan.fixed });
    const right = (await shown(page, 'animate'))!;
    assert.is(right.prompt, prompt);
    sameBytes(right.frames, expected.frames, 'the animated clip');
    // frame 1 is the picture after the VAE's round trip: close, and read as the same object in the same place
    const first = Uint8Array.from(right.frames.slice(0, 3072));
    let err = 0;
    for (let i = 0; i < 3072; i++) err += Math.abs(first[i] - picture.frames[i]);
    assert.ok(err / 3072 < 6, `frame 1 differs from the picture by ${(err / 3072).toFixed(2)} a byte on average`);
    const a = readFrames(first, 1, 32, 32).tracks[0], b = readFrames(picture.frames, 1, 32, 32).tracks[0];
    assert.equal([a.colour, a.shape, a.size], [b.colour, b.shape, b.size]);
    assert.ok(Math.hypot(a.frames[0]!.centroid[0] - b.frames[0]!.centroid[0], a.frames[0]!.centroid[1] - b.frames[0]!.centroid[1]) < 0.5);
    console.log(`      animate picture #7 moving right: ${right.reason}`);

    // the motion, by keyboard: left, then staying still
    await page.locator('chapter-7').locator('live-cell#animate').getByRole('radio', { name: 'moving left' }).focus();
    await page.keyboard.press('Space');
    await page.waitForFunction(() => document.querySelector('chapter-7')!.state.motion === 'left');
    await ensure(page, 'animate');
    const left = (await shown(page, 'animate'))!;
    assert.is(left.prompt, 'a big blue triangle moving left');
    assert.ok(differs(left.frames.slice(3072), right.frames.slice(3072)) > 500, 'another motion, other frames');
    sameBytes(left.frames.slice(0, 3072), right.frames.slice(0, 3072), 'frame 1 is held whatever the motion');
    console.log(`      animate picture #7 moving left: ${left.reason}`);

    // a picture the DiT made from an image prompt, then set moving
    await setState(page, { source: 'generated', imagePrompt: 'a big yellow square in the left' });
    await ensure(page, 'animate');
    const image = await node({ prompt: 'a big yellow square in the left', seed: 0, frames: 1 });
    let phrases = phrasesOfReading(image.verdict!.reading);
    if (!phrases.length) phrases = parsePrompt('a big yellow square in the left').phrases;
    const generatedPrompt = motionPrompt(phrases, 'left');
    const fromImage = (await shown(page, 'animate'))!;
    assert.is(fromImage.prompt, generatedPrompt);
    sameBytes(fromImage.frames, (await node({ prompt: generatedPrompt, seed: 0, fixedFrames: animatePlan(image.frames).fixed })).frames, 'a DiT image, animated');
    console.log(`      animate the DiT's "a big yellow square in the left" as "${generatedPrompt}": ${fromImage.reason}`);

    // a drawing: a red square painted on the left
    const indices = new Uint8Array(32 * 32);
    for (let y = 12; y < 20; y++) for (let x = 4; x < 12; x++) indices[y * 32 + x] = 1;
    await setState(page, { source: 'drawing', drawing: encodeDrawing(indices) });
    await ensure(page, 'animate');
    const drawn = (await shown(page, 'animate'))!;
    const drawnPicture = drawingToRgb(indices);
    const drawnPrompt = motionPrompt(phrasesOfReading(readFrames(drawnPicture, 1, 32, 32)), 'left');
    assert.is(drawn.prompt, drawnPrompt);
    sameBytes(drawn.frames, (await node({ prompt: drawnPrompt, seed: 0, fixedFrames: animatePlan(drawnPicture).fixed })).frames, 'a drawing, animated');
    console.log(`      animate a drawn red square as "${drawnPrompt}": ${drawn.reason}`);

    // a drawing that is empty: said in the cell, nothing thrown
    await setState(page, { source: 'drawing', drawing: '' });
    await ensure(page, 'animate');
    assert.match(await page.locator('chapter-7').locator('#animate-note').textContent() ?? '', /drawing is empty/);
    assert.is(await page.evaluate(() => document.querySelector('chapter-7')!.cell('animate').shadowRoot!.querySelector('[role="alert"]')), null);
    assertClean(w);
  } finally {
    await w.close();
  }
});

suite.withModels(MAIN, 'extending forwards and backwards, SDEdit and connecting: the made frames are where they belong, the clips are Node\'s; at the defaults the judge passes each (issue 24)', async () => {
  const w = await suite.open('');
  const { page } = w;
  try {
    // the defaults: seed 0, SDEdit at 85 %, connected to seed 3
    const defaults = await state(page);
    assert.equal([defaults.seed, defaults.strength, defaults.otherSeed], [0, 85, 3]);
    const source = await node({ prompt: PROMPT, seed: 0 });
    assert.ok(source.verdict!.pass, `the default clip passes: ${source.verdict!.reason}`);
    // forwards: the clip's 8 frames, then 4 new ones
    await ensure(page, 'extend');
    const fwd = (await shown(page, 'extend'))!;
    const plan = extendPlan(source, 'forward', 4);
    const window = await node({ prompt: PROMPT, seed: 0, fixedFrames: plan.fixed, judge: false });
    const joined = joinExtension(source, window, 'forward', 4);
    assert.equal([fwd.numFrames, fwd.made], [12, [8, 12]]);
    sameBytes(fwd.frames, joined.frames, 'extended forwards');
    sameBytes(fwd.frames.slice(0, 8 * 3072), source.frames, 'the first 8 frames are the clip itself');
    assert.ok(fwd.pass, `extended forwards at the defaults, the judge passes it: ${fwd.reason}`);
    // backwards, by keyboard
    await page.locator('chapter-7').locator('live-cell#extend').getByRole('radio', { name: /^Backwards/ }).focus();
    await page.keyboard.press('Space');
    await page.waitForFunction(() => document.querySelector('chapter-7')!.state.direction === 'backward');
    await ensure(page, 'extend');
    const back = (await shown(page, 'extend'))!;
    assert.equal([back.numFrames, back.made], [12, [0, 4]]);
    sameBytes(back.frames.slice(4 * 3072), source.frames, 'the clip is the last 8 frames');
    const backPlan = extendPlan(source, 'backward', 4);
    sameBytes(back.frames, joinExtension(source, await node({ prompt: PROMPT, seed: 0, fixedFrames: backPlan.fixed, judge: false }), 'backward', 4).frames, 'extended backwards');
    console.log(`      extended forwards: ${fwd.reason}; backwards: ${back.reason}`);

    // SDEdit at the default 85 %, and the start it says
    await ensure(page, 'edit');
    const edit = (await shown(page, 'edit'))!;
    const expectedEdit = await node({ prompt: 'a blue circle moving right', seed: 0, init: { frames: source.frames, strength: 0.85 } });
    sameBytes(edit.frames, expectedEdit.frames, 'SDEdit at 85 %');
    assert.ok(edit.pass, `SDEdit at the default 85 %: the judge passes the blue circle: ${edit.reason}`);
    const start = sdeditStart(0.85, 30, denoiserSettings(manifest!, 'dit'));
    assert.match((await page.locator('chapter-7').locator('#sdedit-start').textContent())!.replace(/\s+/g, ' '), new RegExp(`t = ${start.timestep} .* then ${start.steps} of the 30 steps`));
    // strength by keyboard: Home is 0 %, the clip only goes through the VAE and back
    const slider = page.locator('chapter-7').locator('live-cell#edit').getByRole('slider', { name: /Strength/ });
    await slider.focus();
    await page.keyboard.press('Home');
    await page.waitForFunction(() => document.querySelector('chapter-7')!.state.strength === 0);
    await ensure(page, 'edit');
    const none = (await shown(page, 'edit'))!;
    sameBytes(none.frames, (await node({ prompt: 'a blue circle moving right', seed: 0, init: { frames: source.frames, strength: 0 } })).frames, 'SDEdit at 0 %');
    let err = 0;
    for (let i = 0; i < none.frames.length; i++) err += Math.abs(none.frames[i] - source.frames[i]);
    assert.ok(err / none.frames.length < 4, `at 0 % the clip is nearly unchanged (${(err / none.frames.length).toFixed(2)} a byte)`);
    assert.ok(differs(none.frames, edit.frames) > 500, 'the strength changes the clip');
    assert.match((await page.locator('chapter-7').locator('#sdedit-start').textContent())!, /no step runs/);
    console.log(`      SDEdit at 85 %: ${edit.reason}`);

    // connecting the clip to the default other take (seed 3)
    await ensure(page, 'connect');
    const conn = (await shown(page, 'connect'))!;
    const other = await node({ prompt: PROMPT, seed: 3 });
    const bridge = await node({ prompt: PROMPT, seed: 0, fixedFrames: connectPlan(source, other, 2).fixed, judge: false });
    const expectedJoin = joinConnection(source, bridge, other, 2);
    assert.equal([conn.numFrames, conn.made], [20, [8, 12]]);
    sameBytes(conn.frames, expectedJoin.frames, 'the connected clip');
    assert.ok(conn.pass, `connected at the defaults, the judge passes the 20 frames: ${conn.reason}`);
    const reading = await page.locator('chapter-7').locator('#connect-reading').textContent();
    assert.match(reading!, /The judge:/);
    console.log(`      connected (20 frames): ${reading!.replace(/\s+/g, ' ').trim()}`);
    assertClean(w);
  } finally {
    await w.close();
  }
});

suite.withModels([...CHECKPOINTS, 'text_encoder', 'vae_decoder'], 'three checkpoints: the same prompt and seeds through each, pass counts from the judge\'s verdicts; Node makes the same clip; more compute passes at least as often', async () => {
  const w = await suite.open('&c7.seeds=4');
  const { page } = w;
  try {
    await ensure(page, 'scale');
    const r = await page.evaluate(() => {
      const el = document.querySelector('chapter-7')!;
      const s = el.results.scale!;
      const root = el.shadowRoot!.querySelector('scale-figure')!.shadowRoot!;
      return {
        seeds: s.seeds,
        passes: Object.fromEntries(Object.entries(s.clips).map(([m, cs]) => [m, cs.map((c) => !!c?.verdict?.pass)])),
        snap16: Array.from(s.clips.dit_snap16[0]!.frames),
        table: Array.from(root.querySelectorAll('#passes tbody tr')).map((tr) => ({ model: (tr as HTMLElement).dataset.model, marks: Array.from(tr.querySelectorAll('td.pass, td.fail')).map((td) => td.textContent), total: tr.lastElementChild!.textContent })),
        cards: Array.from(root.querySelectorAll('#checkpoints clip-card')).map((c) => c.getAttribute('heading')),
        chart: root.querySelector('plot-chart#pass-chart')?.getAttribute('alt') ?? '',
        weights: [...el.shadowRoot!.querySelectorAll('.weights'), ...root.querySelectorAll('.weights')].map((e) => e.textContent!.replace(/\s+/g, ' ')),
      };
    });
    assert.equal(r.seeds, [0, 1, 2, 3]);
    // each snapshot named by its share of the final DiT's training minutes, as weights/manifest.json says (26.4 and 105.7 of 423: 1/16, 1/4)
    const m = manifest!;
    const share = (name: string) => `DiT at 1/${Math.round(Number(m.models.dit.train_minutes) / Number(m.models[name].train_minutes))}`;
    assert.equal(r.cards, [share('dit_snap16'), share('dit_snap4'), 'DiT, all of it']);
    // the weights line names the snapshots as the cards do, never by their file names
    assert.ok(r.weights.some((t) => t.includes(`${share('dit_snap16')} `) && t.includes(`${share('dit_snap4')} `)), r.weights.join(' | '));
    assert.not.ok(r.weights.some((t) => /snap/.test(t)), r.weights.join(' | '));
    for (const row of r.table) {
      const p = r.passes[row.model!];
      assert.equal(row.marks, p.map((x) => (x ? '✓' : '✗')), `${row.model}: a mark for each seed`);
      assert.is(row.total, `${p.filter(Boolean).length} of 4`);
    }
    assert.match(r.chart, new RegExp(`${share('dit_snap16')} \\d of 4, ${share('dit_snap4')} \\d of 4, DiT, all of it \\d of 4`));
    // the first answer quotes the table's counts
    await liveAnswer(page, 'chapter-7', 0, `: ${r.table.map((row) => `${row.model === 'dit' ? 'DiT, all of it' : share(row.model!)} ${row.total}`).join(', ')} passed.`);
    sameBytes(r.snap16, (await node({ prompt: PROMPT, seed: 0, model: 'dit_snap16' })).frames, 'the earliest checkpoint\'s clip');
    const count = (m: string) => r.passes[m].filter(Boolean).length;
    console.log(`      "${PROMPT}", seeds 0–3: ${share('dit_snap16')} ${count('dit_snap16')}/4, ${share('dit_snap4')} ${count('dit_snap4')}/4, full ${count('dit')}/4`);
    assert.ok(count('dit') >= 1, 'the full DiT passes at least one of four');
    assert.ok(count('dit') >= count('dit_snap16'), 'the full DiT passes at least as often as the earliest checkpoint');
    assertClean(w);
  } finally {
    await w.close();
  }
});

suite.withModels(MAIN, 'a checkpoint the manifest lacks: the scaling cell says which, the other cells work', async () => {
  const w = await suite.open('', {
    // the worker reads the manifest: serve one without dit_snap4
    before: (w) =>
      w.context.route('**/weights/manifest.json', async (route) => {
        const res = await route.fetch();
        const m = await res.json();
        delete m.models.dit_snap4;
        await route.fulfill({ response: res, json: m });
      }),
  });
  const { page } = w;
  try {
    await ensure(page, 'scale');
    assert.match((await page.locator('chapter-7').locator('#scale-note').textContent())!, /needs dit_snap4, which weights\/manifest.json does not list yet/);
    assert.is(await page.evaluate(() => document.querySelector('chapter-7')!.results.scale), null);
    await ensure(page, 'make');
    assert.ok((await shown(page, 'make'))!.numFrames === 8, 'the pipeline cell still works');
    assertClean(w);
  } finally {
    await w.close();
  }
});

suite.withModels(MAIN, 'measuring: the paths and the table are the judge\'s reading of the chosen clip; the URL restores every figure; bad values are repaired and said', async () => {
  const w = await suite.open('&c7.seed=2&c7.motion=down&c7.measure=animate&c7.steps=20');
  const { page } = w;
  try {
    await ensure(page, 'measure');
    const got = (await shown(page, 'animate'))!;
    const table = await page.evaluate(() => document.querySelector('chapter-7')!.shadowRoot!.querySelector('measure-figure')!.shadowRoot!.querySelector('track-chart')!.summary);
    const reading = readFrames(Uint8Array.from(got.frames), 8, 32, 32);
    const expected = summarizeTracks(reading);
    assert.is(table.length, expected.length);
    table.forEach((t, i) => {
      assert.is(t.noun, expected[i].noun);
      assert.ok(Math.abs(t.dx - expected[i].dx) < 1e-9 && Math.abs(t.dy - expected[i].dy) < 1e-9, 'displacement');
      assert.is(t.motion, expected[i].motion);
      assert.is(t.consistent, expected[i].consistent);
    });
    const rows = await page.locator('chapter-7').locator('track-chart').locator('tbody tr').count();
    assert.is(rows, expected.length);
    // another clip to measure, by keyboard: the first cell's
    await page.locator('chapter-7').locator('live-cell#measure').getByRole('radio', { name: 'Made from text' }).focus();
    await page.keyboard.press('Space');
    await ensure(page, 'measure');
    const made = (await shown(page, 'make'))!;
    const table2 = await page.evaluate(() => document.querySelector('chapter-7')!.shadowRoot!.querySelector('measure-figure')!.shadowRoot!.querySelector('track-chart')!.summary);
    assert.equal(table2.map((t) => t.dx), summarizeTracks(readFrames(Uint8Array.from(made.frames), 8, 32, 32)).map((t) => t.dx));
    // the URL holds the state; a reload gives the same figures
    await page.waitForFunction(() => new URLSearchParams(location.search).get('c7.measure') === null); // 'make' is the default
    const before = await state(page);
    await page.reload();
    await page.waitForSelector('chapter-7[data-ready="true"]', { state: 'attached' });
    assert.equal(await state(page), before);
    await ensure(page, 'make');
    sameBytes((await shown(page, 'make'))!.frames, made.frames, 'after a reload');
    await ensure(page, 'animate');
    sameBytes((await shown(page, 'animate'))!.frames, got.frames, 'the animated clip after a reload');
    assertClean(w);
  } finally {
    await w.close();
  }
  const bad = await suite.open('&c7.steps=500&c7.motion=sideways&c7.bogus=1');
  try {
    const s = await state(bad.page);
    assert.equal([s.steps, s.motion], [50, 'right']);
    const notice = (await bad.page.locator('chapter-7 state-notice').getByRole('status').textContent()) ?? '';
    assert.match(notice, /c7\.steps: 500 is outside \[4, 50\]; using 50/);
    assert.match(notice, /c7\.motion: "sideways" is not one of/);
    assert.match(notice, /c7\.bogus: unknown parameter/);
    assertClean(bad);
  } finally {
    await bad.close();
  }
});

suite.withModels(MAIN, 'try this: each button sets its state and runs its cell; 390 px wide, nothing is wider than the screen', async () => {
  const w = await suite.open('', { width: 390 });
  const { page } = w;
  try {
    await page.locator('chapter-7').getByRole('button', { name: 'Show me' }).nth(1).press('Enter');
    await page.waitForFunction(() => document.querySelector('chapter-7')!.state.motion === 'left');
    assert.equal(await page.evaluate(() => document.querySelector('chapter-7')!.state.source), 'world');
    await ensure(page, 'animate');
    await page.locator('chapter-7').getByRole('button', { name: 'Show me' }).nth(2).press('Enter');
    await page.waitForFunction(() => document.querySelector('chapter-7')!.state.strength === 90);
    await ensure(page, 'edit');
    assert.is((await shown(page, 'edit'))!.prompt, 'a blue circle moving right');
    // its answer: where SDEdit started and the judge on the edited clip, as the cell shows them
    const edit = await page.evaluate(() => {
      const f = document.querySelector('chapter-7')!.shadowRoot!.querySelector('edit-figure')!;
      const v = f.result!.clip.verdict!;
      return { t: f.shadowRoot!.querySelector('#sdedit-start')!.textContent!.replace(/\s+/g, ' ').match(/t = (\d+)/)![1], pass: v.pass, reasons: v.reasons };
    });
    await liveAnswer(page, 'chapter-7', 2, `90 %, from t = ${edit.t}: the edited clip ${edit.pass ? 'PASS' : `FAIL — ${edit.reasons.join('; ')}`} (held to “a blue circle moving right”).`);
    // every answer open: still nothing wider than the screen
    await page.evaluate(() => document.querySelector('chapter-7')!.shadowRoot!.querySelector('chapter-section')!.shadowRoot!.querySelectorAll('details.answer').forEach((d) => ((d as HTMLDetailsElement).open = true)));
    await page.locator('chapter-7').getByRole('button', { name: 'Show me' }).nth(0).press('Enter');
    await page.waitForFunction(() => document.querySelector('chapter-7')!.state.seeds === 8);
    const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    assert.ok(widths.scroll <= widths.client, `page is ${widths.scroll} px wide in a ${widths.client} px window`);
    assertClean(w);
  } finally {
    await w.close();
  }
});

suite.withModels(MAIN, 'the law of motion: the world\'s 8 clips all obey it, the DiT\'s 8 are Node\'s clips measured the same way (frames present, path, speed, the judge), the readout, chart and try-this answer say the counts', async () => {
  const prompt = 'a blue square moving up';
  const w = await suite.open(`&c7.physicsPrompt=${encodeURIComponent(prompt)}`);
  const { page } = w;
  try {
    await ensure(page, 'physics');
    const got = await page.evaluate(() => {
      const el = document.querySelector('chapter-7')!;
      const r = el.results.physics!;
      const root = el.shadowRoot!.querySelector('physics-figure')!.shadowRoot!;
      // no named helper inside evaluate: the test's transpiler would wrap it in a function the page lacks
      return {
        world: [...r.world, ...r.dit].map((x) => (x ? { seed: x.seed, pass: x.pass, obeys: x.law?.obeys ?? null, present: x.law?.present.length ?? 0, offPath: x.law?.offPath ?? null, speed: x.law?.speed ?? null, travelled: x.travelled } : null)),
        summary: root.querySelector('#physics-summary')!.textContent!.replace(/\s+/g, ' ').trim(),
        rows: root.querySelectorAll('#physics-table tbody tr').length,
        alt: root.querySelector('plot-chart#physics-chart')!.getAttribute('alt')!,
      };
    });
    const dit = got.world.splice(8);
    assert.is(got.world.length, 8);
    assert.ok(got.world.every((r) => r!.obeys && r!.pass && r!.present === 8), 'every world clip obeys the law and passes the judge');
    let obey = 0, pass = 0;
    for (let k = 0; k < 8; k++) {
      const clip = await node({ prompt, seed: k });
      const track = clip.verdict!.reading.tracks.find((t) => t.colour === 'blue');
      const law = track ? motionLaw(track, true) : null;
      const r = dit[k]!;
      assert.is(r.seed, k);
      assert.is(r.pass, clip.verdict!.pass, `seed ${k}: the judge as in Node`);
      assert.is(r.obeys, law?.obeys ?? null, `seed ${k}: the law as in Node`);
      assert.is(r.offPath, law?.offPath ?? null, `seed ${k}: off the path`);
      assert.equal(r.travelled, track ? distanceTravelled(track, 'up') : [], `seed ${k}: distance travelled`);
      if (law?.obeys) obey++;
      if (clip.verdict!.pass) pass++;
    }
    const expected = `The world: 8 of 8 obey the law; the judge passes 8. The DiT: ${obey} of 8 obey the law; the judge passes ${pass}.`;
    assert.is(got.summary, expected);
    assert.is(got.rows, 16, 'a row a clip, world and DiT');
    assert.ok(got.alt.includes(`The DiT: ${obey} of 8 obey the law`));
    console.log(`      "${prompt}", seeds 0–7: the judge passes ${pass} of the DiT's clips, ${obey} obey the law of motion (the world's: 8 of 8)`);
    await liveAnswer(page, 'chapter-7', 3, `“${prompt}”: ${expected}`);
    assertClean(w);
  } finally {
    await w.close();
  }
});

test.run();
