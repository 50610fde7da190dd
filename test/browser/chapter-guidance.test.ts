// The guidance chapter (guidance and prompt expansion, split from chapter 6) in
// Chromium, against the production build, on WASM with the real models. Every
// figure is checked against the same pipeline in Node (pipeline/text-to-video,
// pipeline/lessons/guidance-sweep.ts and prompt-expansion.ts, the judge) for the
// same state: the guidance strip, the empty and the negative prompt, the sweep's
// pass rates and diversity; prompt expansion's rules and both samples with their
// verdicts; the controls by keyboard change the outputs; the try-this answers read
// the figures; bad links are repaired, and an old link into chapter 6's guidance
// figures (c6.gscale, #conditioning--strip) opens them here.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { meanPairwiseDistance, summariseSweep, SWEEP_SCALES, type SweepSample } from '../../pipeline/lessons/guidance-sweep';
import { expandPrompt } from '../../pipeline/lessons/prompt-expansion';
import { scoreClip, textToVideo, type TextToVideoOptions } from '../../pipeline/text-to-video';
import { fmtScale } from '../../chapters/chapter-guidance/state';
import { liveAnswer } from '../helpers/answers';
import { assertClean } from '../helpers/browser';
import { chapterSuite } from '../helpers/chapter-suite';
import { sameBytes, close, differs } from '../helpers/compare';

const suite = chapterSuite(test, { tag: 'chapter-guidance', hash: 'guidance', open: { reducedMotion: 'reduce' } });

type Cell = 'strip' | 'sweep' | 'expand' | 'expandTally';
const ensure = (page: Page, cell: Cell, ms?: number) => suite.ensure(page, cell, ms);
const state = (page: Page) => page.evaluate(() => ({ ...document.querySelector('chapter-guidance')!.state }));
const setState = (page: Page, s: Record<string, unknown>) => page.evaluate((s) => document.querySelector('chapter-guidance')!.setState(s as never), s);
const cellLocator = (page: Page, id: string) => page.locator('chapter-guidance').locator(`live-cell#${id}`);
const node = (o: Omit<TextToVideoOptions, 'model'> & { model?: string }) => textToVideo(suite.host, { frames: 1, steps: 30, ...o, model: o.model ?? 'dit' }, { backend: 'wasm' });

suite.withModels(['text_encoder', 'dit', 'vae_decoder'], 'guidance: the strip is Node\'s at each scale; the scale by keyboard adds one; s = 0 ignores the prompt; the empty and the negative prompt; the sweep\'s pass rates and diversity are Node\'s', async () => {
  const w = await suite.open('&cg.gprompt=a%20big%20yellow%20triangle%20in%20the%20center&cg.gseed=0&cg.gseeds=2');
  const { page } = w;
  try {
    await ensure(page, 'strip');
    const strip = () =>
      page.evaluate(() => {
        const r = document.querySelector('chapter-guidance')!.results.strip!;
        return { key: r.key, clips: [...r.clips.entries()].map(([s, c]) => ({ scale: s, frames: Array.from(c.frames), pass: !!c.verdict?.pass, prompt: c.prompt })) };
      });
    let got = await strip();
    assert.equal(got.clips.map((c) => c.scale).sort((a, b) => a - b), [0, 1, 4, 7.5, 15]);
    const prompt = 'a big yellow triangle in the center';
    for (const scale of [0, 4, 15]) {
      const expected = await node({ prompt, seed: 0, guidance: scale });
      sameBytes(got.clips.find((c) => c.scale === scale)!.frames, expected.frames, `s = ${scale}`);
    }
    // the first answer: the judge on each scale of the strip, as shown
    await liveAnswer(page, 'chapter-guidance', 0, `seed 0: ${[...got.clips].sort((a, b) => a.scale - b.scale).map((c) => `s = ${fmtScale(c.scale)} ${c.pass ? 'PASS' : 'FAIL'}`).join(', ')}.`);
    const at = (scale: number) => got.clips.find((c) => c.scale === scale)!.frames;
    assert.ok(differs(at(0), at(4)) > 0 && differs(at(4), at(15)) > 0, 'the scale changes the sample');
    // s = 0 never reads the prompt: the same picture for another prompt
    sameBytes(at(0), (await node({ prompt: 'a small red circle in the top left', seed: 0, guidance: 0 })).frames, 's = 0 with another prompt');
    // the scale by keyboard: 4 → 4.5, one more sample, Node's
    const slider = cellLocator(page, 'strip').getByRole('slider', { name: 'Guidance scale s' });
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.querySelector('chapter-guidance')!.state.gscale === 4.5);
    await ensure(page, 'strip');
    got = await strip();
    assert.equal(got.clips.map((c) => c.scale).sort((a, b) => a - b), [0, 1, 4, 4.5, 7.5, 15]);
    sameBytes(at(4.5), (await node({ prompt, seed: 0, guidance: 4.5 })).frames, 's = 4.5');
    assert.match((await slider.getAttribute('aria-valuetext'))!, /s = 4.5/);
    // a negative prompt: the unconditional side is "yellow"
    await setState(page, { gneg: 'yellow', gscale: 4 });
    await ensure(page, 'strip');
    got = await strip();
    const neg = await textToVideo(suite.host, { prompt, negativePrompt: 'yellow', seed: 0, frames: 1, steps: 30, model: 'dit', guidance: 4 }, { backend: 'wasm' });
    sameBytes(at(4), neg.frames, 'with the negative prompt');
    assert.ok(differs(at(4), (await node({ prompt, seed: 0, guidance: 4 })).frames) > 0, 'the negative prompt changes the sample');
    // at s = 0, only the negative prompt is read
    sameBytes(at(0), (await node({ prompt: 'yellow', seed: 0, guidance: 1 })).frames, 's = 0 with a negative prompt is the negative prompt alone');
    // the empty prompt: both sides are the empty prompt
    await cellLocator(page, 'strip').getByRole('button', { name: 'No negative prompt' }).click();
    await cellLocator(page, 'strip').getByRole('button', { name: 'The empty prompt' }).click();
    await page.waitForFunction(() => document.querySelector('chapter-guidance')!.state.gprompt === '' && document.querySelector('chapter-guidance')!.state.gneg === '');
    await ensure(page, 'strip');
    got = await strip();
    sameBytes(at(4), (await node({ prompt: '', seed: 0, guidance: 4 })).frames, 'the empty prompt');
    for (const c of got.clips) close(c.frames, at(0), 3, `the empty prompt at s = ${c.scale} against s = 0`);
    // the sweep: 7 scales × 2 seeds, Node's verdicts and diversity
    await setState(page, { gprompt: prompt });
    await cellLocator(page, 'sweep').getByRole('button', { name: 'Make 14 images' }).click();
    await page.waitForFunction(() => { const s = document.querySelector('chapter-guidance')!.results.sweep; return !!s && s.samples.length === s.of; }, null, { timeout: 400_000 });
    const sweep = await page.evaluate(() => document.querySelector('chapter-guidance')!.results.sweep!.samples.map((s) => ({ scale: s.scale, seed: s.seed, pass: !!s.verdict?.pass, frames: Array.from(s.frames) })));
    assert.is(sweep.length, 14);
    const nodeSamples: SweepSample[] = [];
    for (const seed of [0, 1]) for (const scale of SWEEP_SCALES) {
      const c = await node({ prompt, seed, guidance: scale });
      nodeSamples.push({ scale, seed, frames: c.frames, verdict: c.verdict });
    }
    sweep.forEach((s, i) => {
      assert.equal([s.scale, s.seed], [nodeSamples[i].scale, nodeSamples[i].seed]);
      sameBytes(s.frames, nodeSamples[i].frames, `sweep s = ${s.scale}, seed ${s.seed}`);
      assert.is(s.pass, !!nodeSamples[i].verdict?.pass);
    });
    const summary = summariseSweep(nodeSamples);
    const alts = await page.evaluate(() => ['pass-chart', 'diversity-chart'].map((id) => document.querySelector('chapter-guidance')!.shadowRoot!.querySelector('guidance-sweep-figure')!.shadowRoot!.querySelector(`plot-chart#${id}`)!.getAttribute('alt')!));
    for (const p of summary) {
      assert.ok(alts[0].includes(`s = ${Number.isInteger(p.scale) ? p.scale : p.scale.toFixed(1)}, ${p.passed} of 2`), `${alts[0]} has s = ${p.scale}`);
      assert.ok(alts[1].includes(`${p.diversity.toFixed(3)}`), `${alts[1]} has the diversity at s = ${p.scale}`);
    }
    assert.ok(Math.abs(summary[0].diversity - meanPairwiseDistance(nodeSamples.filter((s) => s.scale === 0).map((s) => s.frames))) < 1e-12);
    // the second answer: the sweep's pass rates and diversities, as its charts state them
    await liveAnswer(page, 'chapter-guidance', 1, `pass rate: ${alts[0].split(': ').slice(1).join(': ').replace(/\.$/, '')}; diversity: ${alts[1].split(': ').slice(1).join(': ').replace(/\.$/, '')}.`);
    console.log(`  sweep of "${prompt}", seeds 0–1: ${summary.map((p) => `s ${p.scale}: ${p.passed}/2, diversity ${p.diversity.toFixed(3)}`).join('; ')}`);
    assertClean(w);
  } finally {
    await w.close();
  }
});

suite.withModels(['text_encoder', 'dit', 'vae_decoder'], 'prompt expansion: the rules shown are the module\'s; both samples are Node\'s, held to the intent; the seeds and the mode by keyboard change the expansion; 8 seeds of each are judged as in Node', async () => {
  const w = await suite.open('&cg.eprompt=red%20ball&cg.eseed=3&cg.sseed=0');
  const { page } = w;
  try {
    await ensure(page, 'expand');
    const shown = () =>
      page.evaluate(() => {
        const el = document.querySelector('chapter-guidance')!;
        const view = el.shadowRoot!.querySelector('expansion-figure')!.shadowRoot!.querySelector('expansion-rules')!;
        const r = el.results.expand!;
        return {
          intent: view.shadowRoot!.querySelector('#intent')!.textContent!.trim(),
          expanded: view.shadowRoot!.querySelector('#expanded')!.textContent!.trim(),
          kinds: Array.from(view.shadowRoot!.querySelectorAll('tbody tr')).map((tr) => (tr as HTMLElement).dataset.kind),
          short: Array.from(r.short.frames),
          long: Array.from(r.expanded.frames),
          shortPass: r.shortVsIntent?.pass ?? null,
          longPass: r.expandedVsIntent?.pass ?? null,
          longSelf: r.expanded.verdict?.pass ?? null,
        };
      });
    let got = await shown();
    const e = expandPrompt('red ball', { seed: 3, mode: 'image' });
    assert.is(got.intent, e.intent);
    assert.is(got.expanded, e.expanded);
    assert.equal(got.kinds, e.rules.map((r) => r.kind));
    const short = await node({ prompt: 'red ball', seed: 0 });
    const long = await node({ prompt: e.expanded, seed: 0 });
    sameBytes(got.short, short.frames, 'the short prompt\'s sample');
    sameBytes(got.long, long.frames, 'the expanded prompt\'s sample');
    assert.is(got.shortPass, scoreClip(short, e.intent).pass);
    assert.is(got.longPass, scoreClip(long, e.intent).pass);
    assert.is(got.longSelf, long.verdict!.pass);
    // the third answer: both samples held to the intent
    assert.ok(got.shortPass !== null && got.longPass !== null, 'the judge reads what was asked');
    await liveAnswer(page, 'chapter-guidance', 2, `seed 0: the short prompt ${got.shortPass ? 'PASS' : 'FAIL'}, the expanded one ${got.longPass ? 'PASS' : 'FAIL'}.`);
    // the seed of the filled-in words, by keyboard: another expansion
    await cellLocator(page, 'expand').getByRole('button', { name: 'Expand again' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('chapter-guidance')!.state.eseed === 4);
    const e4 = expandPrompt('red ball', { seed: 4, mode: 'image' });
    await page.waitForFunction((x) => document.querySelector('chapter-guidance')!.shadowRoot!.querySelector('expansion-figure')!.shadowRoot!.querySelector('expansion-rules')!.shadowRoot!.querySelector('#expanded')!.textContent!.includes(x), e4.expanded);
    // a clip: the expansion fills a motion
    await cellLocator(page, 'expand').getByRole('radio', { name: 'A clip (8 frames)' }).focus();
    await page.keyboard.press('Space');
    await page.waitForFunction(() => document.querySelector('chapter-guidance')!.state.emode === 'clip');
    const ec = expandPrompt('red ball', { seed: 4, mode: 'clip' });
    assert.match(ec.expanded, /moving|staying still/);
    await ensure(page, 'expand', 400_000);
    got = await shown();
    assert.is(got.expanded, ec.expanded);
    assert.is(got.long.length, 8 * 32 * 32 * 3);
    sameBytes(got.long, (await textToVideo(suite.host, { prompt: ec.expanded, seed: 0, frames: 8, steps: 30, model: 'dit' }, { backend: 'wasm' })).frames, 'the expanded clip');
    // back to images, 8 seeds of each, held to the intent
    await setState(page, { emode: 'image', eseed: 3 });
    await cellLocator(page, 'expandTally').getByRole('button', { name: 'Judge 8 seeds of each' }).click();
    await page.waitForFunction(() => { const t = document.querySelector('chapter-guidance')!.results.expandTally; return !!t && t.short.length === 8 && t.expanded.length === 8; }, null, { timeout: 400_000 });
    const tally = await page.evaluate(() => { const t = document.querySelector('chapter-guidance')!.results.expandTally!; return { short: t.short, expanded: t.expanded }; });
    const nodeShort: boolean[] = [], nodeLong: boolean[] = [];
    for (let seed = 0; seed < 8; seed++) {
      nodeShort.push(scoreClip(await node({ prompt: 'red ball', seed, judge: false }), e.intent).pass);
      nodeLong.push(scoreClip(await node({ prompt: e.expanded, seed, judge: false }), e.intent).pass);
    }
    assert.equal(tally, { short: nodeShort, expanded: nodeLong });
    const readout = (await page.locator('chapter-guidance').locator('#expand-readout').textContent())!.replace(/\s+/g, ' ');
    assert.match(readout, new RegExp(`as typed ${nodeShort.filter(Boolean).length} of 8, expanded ${nodeLong.filter(Boolean).length} of 8`));
    console.log(`  "red ball" → "${e.expanded}", seeds 0–7, held to "${e.intent}": ${readout.trim()}`);
    assertClean(w);
  } finally {
    await w.close();
  }
});

suite.withModels(['text_encoder', 'dit', 'vae_decoder'], 'links: bad values are repaired and said; an old link into chapter 6 (c6.gscale, #conditioning--strip) opens the figure here, with its state', async () => {
  const bad = await suite.open('&cg.gscale=99&cg.emode=video&cg.bogus=1');
  try {
    const s = await state(bad.page);
    assert.is(s.gscale, 15);
    assert.is(s.emode, 'image');
    const notice = ((await bad.page.locator('chapter-guidance state-notice').getByRole('status').textContent()) ?? '').replace(/\s+/g, ' ');
    assert.match(notice, /cg.gscale: 99 is outside \[0, 15\]; using 15/);
    assert.match(notice, /cg.bogus: unknown parameter; ignored/);
    assertClean(bad);
  } finally {
    await bad.close();
  }
  // a link made before the split: its guidance parameters were chapter 6's, its fragment chapter 6's cell
  const old = await suite.open('&c6.gscale=7.5&c6.gprompt=a%20small%20red%20circle&c6.eseed=5&c6.seed=4', { hash: 'conditioning--strip' });
  try {
    const { page } = old;
    const s = await state(page);
    assert.equal([s.gscale, s.gprompt, s.eseed], [7.5, 'a small red circle', 5]);
    assert.is(await page.evaluate(() => location.hash), '#guidance--strip');
    const params = await page.evaluate(() => Object.fromEntries(new URLSearchParams(location.search)));
    assert.equal([params['cg.gscale'], params['cg.gprompt'], params['c6.seed']], ['7.5', 'a small red circle', '4'], 'moved under cg; chapter 6\'s own stays');
    assert.not.ok('c6.gscale' in params, 'nothing moved is left under c6');
    assert.is(await page.locator('chapter-guidance state-notice').getByRole('status').count(), 0, 'no notice: nothing was wrong with the link');
    // the page goes to the figure the fragment names, in this chapter
    await page.waitForFunction(() => {
      const cell = document.querySelector('chapter-guidance')!.cell('strip');
      const r = cell?.getBoundingClientRect();
      return !!r && r.top >= -2 && r.top < innerHeight / 2;
    }, null, { timeout: 20_000 });
    assertClean(old);
  } finally {
    await old.close();
  }
});

test.run();
