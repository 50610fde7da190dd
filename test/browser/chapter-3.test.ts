// Chapter 3 (the latent space) in Chromium on WASM, against the production
// build and the real VAE: the page's latent and reconstruction equal the same
// pipeline's in Node for the same frame; every control (frame, drawing, edit
// channel, scale, shift, mix, clip) changes the pictures and rasters, by
// keyboard where it is a slider or a radio; the URL round trip; bad links said;
// the cost cell says which models it lacks, or (once they exist) times them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { decodeDrawing, drawingToRgb } from '../../pipeline/drawing';
import { editChannel, frameOf, mixBytes, mixLatents, planeStats, psnr } from '../../pipeline/lessons/latent-space';
import { decodeLatents, encodeFrames } from '../../pipeline/text-to-video';
import { generateClip } from '../../pipeline/world';
import type { ChannelRasters } from '../../components/widgets/channel-rasters';
import { answerCount, liveAnswer } from '../helpers/answers';
import { assertClean, within } from '../helpers/browser';
import { chapterSuite, manifest } from '../helpers/chapter-suite';

const VAE = ['vae_encoder', 'vae_decoder'];
const suite = chapterSuite(test, { tag: 'chapter-3', hash: 'latent-space', open: { reducedMotion: 'reduce' } });

interface Figure {
  picture: number[];
  latent: number[] | null;
  recon: number[] | null;
  psnr: number;
  editedLatent: number[] | null;
  edited: number[] | null;
  editKey: string;
  pixelMix: number[] | null;
  latentMix: number[] | null;
  mixKey: string;
  za: number[] | null;
  zb: number[] | null;
  state: Record<string, string | number>;
}

const figure = (page: Page): Promise<Figure> =>
  page.evaluate(() => {
    const el = document.querySelector('chapter-3')!;
    const f = el.figure;
    return {
      picture: Array.from(f.picture ?? []),
      latent: f.latent ? Array.from(f.latent) : null,
      recon: f.recon ? Array.from(f.recon) : null,
      psnr: f.psnr,
      editedLatent: f.editedLatent ? Array.from(f.editedLatent) : null,
      edited: f.edited ? Array.from(f.edited) : null,
      editKey: f.editKey,
      pixelMix: f.pixelMix ? Array.from(f.pixelMix) : null,
      latentMix: f.latentMix ? Array.from(f.latentMix) : null,
      mixKey: f.mixKey,
      za: f.pairLatents ? Array.from(f.pairLatents.za) : null,
      zb: f.pairLatents ? Array.from(f.pairLatents.zb) : null,
      state: { ...el.state },
    };
  });

/** Waits until every cell has answered for the chapter's current state. */
async function settled(page: Page, what = 'the chapter\'s cells'): Promise<Figure> {
  await within(
    120_000,
    what,
    page.waitForFunction(() => {
      const el = document.querySelector('chapter-3')!;
      const f = el.figure, s = el.state;
      const pic = s.source === 'world' ? `w${s.image}` : `d${s.drawing}`;
      return !!f.latent && f.editKey === `${pic}|${s.channel}|${s.scale}|${s.shift}` && f.mixKey === `${s.pair}|${s.mix}`;
    }, null, { timeout: 120_000, polling: 100 }),
  );
  return figure(page);
}

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  assert.is(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

async function nodeEncode(rgb: Uint8Array, frames = 1) {
  return (await encodeFrames(suite.host, { frames: rgb, numFrames: frames, width: 32, height: 32 }, { backend: 'wasm' })).latent;
}
async function nodeDecode(latent: Float32Array, frames = 1) {
  return (await decodeLatents(suite.host, latent, { frames, height: 8, width: 8 }, { backend: 'wasm' })).frames;
}

/** The page's latent, reconstruction and PSNR against Node's for the same frame. */
async function checkAgainstNode(f: Figure, rgb: Uint8Array) {
  assert.equal(f.picture, Array.from(rgb), 'the page encodes the frame it shows');
  const z = await nodeEncode(rgb);
  assert.ok(maxAbs(f.latent!, z) < 1e-4, `latent: page against Node, max difference ${maxAbs(f.latent!, z)}`);
  const recon = await nodeDecode(Float32Array.from(f.latent!));
  assert.ok(maxAbs(f.recon!, recon) <= 1, `reconstruction: page against Node, max difference ${maxAbs(f.recon!, recon)}`);
  assert.ok(Math.abs(f.psnr - psnr(rgb, Uint8Array.from(f.recon!))) < 1e-9);
  return z;
}

const rasterStats = (page: Page, id: string) =>
  page.evaluate((id) => {
    const figure = id === 'edited-latent' ? 'latent-edit-figure' : 'vae-figure';
    const r = document.querySelector('chapter-3')!.shadowRoot!.querySelector(figure)!.shadowRoot!.querySelector<ChannelRasters>(`channel-rasters#${id}`)!;
    const charts = Array.from(r.shadowRoot!.querySelectorAll('figure plot-chart'));
    return { stats: r.stats, alts: charts.map((c) => c.getAttribute('alt') ?? ''), images: charts.map((c) => c.shadowRoot!.querySelector('.plot svg image')?.getAttribute('href') ?? '') };
  }, id);

suite.withModels(VAE, 'the frame, its latent and the reconstruction equal Node\'s for the same frame; the rasters, PSNR and compression are said', async () => {
  const w = await suite.open();
  const { page } = w;
  try {
    const f = await settled(page);
    const rgb = generateClip(2, { frames: 1 }).frames;
    const z = await checkAgainstNode(f, rgb);
    const r = await rasterStats(page, 'latent');
    const expected = planeStats(z, 4, 64);
    for (let k = 0; k < 4; k++) {
      assert.ok(Math.abs(r.stats[k].min - expected[k].min) < 1e-4 && Math.abs(r.stats[k].max - expected[k].max) < 1e-4, `channel ${k + 1}'s range`);
      assert.match(r.alts[k], new RegExp(`channel ${k + 1} of the frame's latent: 8 × 8 values from`));
      assert.ok(r.images[k].startsWith('data:image'), `channel ${k + 1} is drawn as a raster`);
    }
    const readout = (await page.locator('chapter-3 #vae-readout').textContent())!.replace(/\s+/g, ' ');
    assert.match(readout, /3,072 numbers in, 8 × 8 × 4 = 256 in the latent: 12 times fewer/);
    assert.match(readout, new RegExp(`PSNR ${f.psnr.toFixed(1)} dB`));
    const err = await rasterStats(page, 'error');
    assert.is(err.stats.length, 1);
    assert.ok(err.stats[0].max > 0, 'the error map is not empty');
    // the cost cell: a notice naming what is missing, or the button
    const missing = ['unet', 'unet_pixel'].filter((m) => !manifest?.models[m]);
    if (missing.length) assert.match((await page.locator('chapter-3 #cost-missing').textContent())!.replace(/\s+/g, ' '), new RegExp(`does not list ${missing.join(' and ')} yet`));
    else await page.locator('chapter-3 #measure').waitFor();
    assertClean(w);
  } finally {
    await w.close();
  }
});

suite.withModels(VAE, 'New frame, and the reader\'s drawing: the latent follows the picture (the same as Node\'s); the URL keeps the drawing', async () => {
  const w = await suite.open();
  const { page } = w;
  try {
    const ch = page.locator('chapter-3');
    let f = await settled(page);
    const before = f.latent!;
    await ch.getByRole('button', { name: 'New frame' }).click();
    f = await settled(page);
    assert.is(f.state.image, 3);
    assert.ok(maxAbs(before, f.latent!) > 0.1, 'a new frame, a new latent');
    await checkAgainstNode(f, generateClip(3, { frames: 1 }).frames);
    await page.waitForFunction(() => new URLSearchParams(location.search).get('c3.image') === '3');
    // draw: switch to a drawing, paint a stroke with the mouse
    await ch.getByRole('radio', { name: 'Draw your own' }).check();
    f = await settled(page);
    const blank = f.latent!;
    const surface = ch.locator('draw-canvas .surface');
    await surface.scrollIntoViewIfNeeded();
    const box = (await surface.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.5, { steps: 12 });
    await page.mouse.up();
    f = await settled(page);
    assert.ok(f.picture.some((v) => v > 0), 'something is painted');
    assert.ok(maxAbs(blank, f.latent!) > 0.1, 'the stroke changed the latent');
    await checkAgainstNode(f, Uint8Array.from(f.picture));
    await page.waitForFunction(() => (new URLSearchParams(location.search).get('c3.drawing') ?? '').length > 0);
    const drawing = (f.state.drawing as string);
    assert.equal(f.picture, Array.from(drawingToRgb(decodeDrawing(drawing, 1024).indices)));
    // reload: the same drawing, the same latent
    await page.reload();
    await page.waitForSelector('chapter-3[data-ready="true"]', { state: 'attached' });
    const again = await settled(page);
    assert.is(again.state.drawing, drawing);
    assert.ok(maxAbs(again.latent!, f.latent!) < 1e-6, 'reload: the same latent');
    assertClean(w);
  } finally {
    await w.close();
  }
});

suite.withModels(VAE, 'editing the latent: channel by keyboard, scale and shift by keyboard and number box; the decoder redraws what Node decodes', async () => {
  const w = await suite.open();
  const { page } = w;
  try {
    const ch = page.locator('chapter-3');
    let f = await settled(page);
    assert.equal(f.edited, f.recon, 'no edit: the same pixels as the reconstruction');
    const z = Float32Array.from(f.latent!);
    // scale of channel 2 down to 0 with the arrow keys (steps of 0.1)
    const scale = ch.getByRole('slider', { name: 'Scale' });
    await scale.focus();
    for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowLeft');
    f = await settled(page);
    assert.is(f.state.scale, 0);
    const flat = editChannel(z, { channels: 4, height: 8, width: 8 }, { channel: 1, scale: 0, shift: 0 });
    assert.ok(maxAbs(f.editedLatent!, flat) < 1e-6, 'channel 2 is 0 everywhere, the others untouched');
    assert.ok(maxAbs(f.edited!, f.recon!) > 0, 'the decoder drew something else');
    assert.ok(maxAbs(f.edited!, await nodeDecode(flat)) <= 1, 'the edit decodes as in Node');
    // the first answer quotes the edit's readout
    const editText = (await page.locator('chapter-3 #edit-readout').textContent())!.replace(/\s+/g, ' ').trim();
    await liveAnswer(page, 'chapter-3', 0, `channel 2 × 0.0: ${editText.replace(/^Against/, 'against')}`);
    const r = await rasterStats(page, 'edited-latent');
    assert.is(r.stats[1].max, 0);
    assert.is(r.stats[1].min, 0);
    const marked = await page.evaluate(() => document.querySelector('chapter-3')!.shadowRoot!.querySelector('latent-edit-figure')!.shadowRoot!.querySelector('channel-rasters#edited-latent')!.shadowRoot!.querySelector('figure.marked')?.getAttribute('data-plane'));
    assert.is(marked, '1', 'the edited channel is marked');
    // channel 4 by keyboard in the radio group, then a shift typed in the number box
    await ch.getByRole('radio', { name: '2', exact: true }).focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    const shiftBox = ch.getByRole('spinbutton', { name: 'Shift, exact value' });
    await shiftBox.fill('1.5');
    await shiftBox.press('Enter');
    f = await settled(page);
    assert.is(f.state.channel, '4');
    assert.is(f.state.shift, 1.5);
    const edit = editChannel(z, { channels: 4, height: 8, width: 8 }, { channel: 3, scale: 0, shift: 1.5 });
    assert.ok(maxAbs(f.editedLatent!, edit) < 1e-6);
    assert.ok(maxAbs(f.edited!, await nodeDecode(edit)) <= 1);
    await page.waitForFunction(() => new URLSearchParams(location.search).get('c3.channel') === '4' && new URLSearchParams(location.search).get('c3.shift') === '1.5');
    // Undo
    await ch.getByRole('button', { name: 'Undo the edit' }).click();
    f = await settled(page);
    assert.equal([f.state.scale, f.state.shift], [1, 0]);
    assert.equal(f.edited, f.recon);
    assertClean(w);
  } finally {
    await w.close();
  }
});

suite.withModels(VAE, 'mixing: the pixel mix is the cross-fade, the latent mix decodes (1 − α)·z₁ + α·z₈ as Node does; the slider and Another clip work', async () => {
  const w = await suite.open();
  const { page } = w;
  try {
    const ch = page.locator('chapter-3');
    let f = await settled(page);
    const clip = generateClip(1, { frames: 8 });
    const a = frameOf(clip.frames, 0, 32, 32), b = frameOf(clip.frames, 7, 32, 32);
    const both = new Uint8Array(2 * 3072);
    both.set(a);
    both.set(b, 3072);
    const z = await nodeEncode(both, 2);
    assert.ok(maxAbs(f.za!, z.subarray(0, 256)) < 1e-4 && maxAbs(f.zb!, z.subarray(256)) < 1e-4, 'the two frames\' latents');
    assert.equal(f.pixelMix, Array.from(mixBytes(a, b, 0.5)));
    // the second answer quotes the judge's two readings of the mixes
    const quoted = async (id: string) => ((await page.locator(`chapter-3 #${id}`).textContent()) ?? '').match(/“.*”/)?.[0] ?? `(no reading in #${id})`;
    await liveAnswer(page, 'chapter-3', 1, `α = 0.50: the judge reads the pixel mix as ${await quoted('pixel-reading')} and the latent mix as ${await quoted('latent-reading')}.`);
    const check = async (alpha: number) => {
      const mixed = mixLatents(Float32Array.from(f.za!), Float32Array.from(f.zb!), alpha);
      assert.ok(maxAbs(f.latentMix!, await nodeDecode(mixed)) <= 1, `latent mix at α = ${alpha}`);
    };
    await check(0.5);
    const slider = ch.getByRole('slider', { name: 'Mix α' });
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    const before = f.latentMix!;
    f = await settled(page);
    assert.is(f.state.mix, 0.6);
    assert.equal(f.pixelMix, Array.from(mixBytes(a, b, 0.6)));
    assert.ok(maxAbs(before, f.latentMix!) > 0, 'the latent mix moved');
    await check(0.6);
    const real = await page.evaluate(() => document.querySelector('chapter-3')!.shadowRoot!.querySelector('latent-mix-figure')!.shadowRoot!.querySelector('pixel-view#real')!.getAttribute('alt'));
    assert.match(real!, /^Frame 5 of the clip/, 'α = 0.6 of 7 steps is frame 5');
    await page.keyboard.press('End');
    f = await settled(page);
    assert.equal(f.pixelMix, Array.from(b), 'α = 1 is the last frame');
    await ch.getByRole('button', { name: 'Another clip' }).click();
    f = await settled(page);
    assert.ok((f.state.pair as number) > 1);
    const next = generateClip(f.state.pair as number, { frames: 8 });
    assert.ok(next.objects.some((o) => o.motion && o.motion !== 'still'), 'the next clip has something moving');
    assert.equal(f.pixelMix, Array.from(frameOf(next.frames, 7, 32, 32)));
    assertClean(w);
  } finally {
    await w.close();
  }
});

suite.withModels(VAE, 'links: a state in the URL is the figure after a reload; bad values are repaired and said; try-this buttons set the state', async () => {
  const w = await suite.open('&c3.image=5&c3.channel=3&c3.scale=2&c3.shift=-1&c3.mix=0.25&c3.pair=7');
  const { page } = w;
  try {
    let f = await settled(page);
    assert.equal(f.state, { ...f.state, image: 5, channel: '3', scale: 2, shift: -1, mix: 0.25, pair: 7 });
    await checkAgainstNode(f, generateClip(5, { frames: 1 }).frames);
    const edit = editChannel(Float32Array.from(f.latent!), { channels: 4, height: 8, width: 8 }, { channel: 2, scale: 2, shift: -1 });
    assert.ok(maxAbs(f.editedLatent!, edit) < 1e-6);
    await w.close();
    const bad = await suite.open('&c3.scale=9&c3.channel=7&c3.mix=abc');
    try {
      const notice = ((await bad.page.locator('chapter-3 state-notice').getByRole('status').textContent()) ?? '').replace(/\s+/g, ' ');
      assert.match(notice, /c3\.scale: 9 is outside \[-2, 3\]; using 3/);
      assert.match(notice, /c3\.channel: "7" is not one of/);
      assert.match(notice, /c3\.mix: "abc" is not a number/);
      f = await settled(bad.page);
      assert.is(f.state.scale, 3);
      // the third question: the thin-lines drawing
      await bad.page.locator('chapter-3').getByRole('button', { name: 'Show me' }).nth(2).press('Enter');
      f = await settled(bad.page);
      assert.is(f.state.source, 'drawing');
      assert.equal([f.state.scale, f.state.shift], [1, 0]);
      await checkAgainstNode(f, Uint8Array.from(f.picture));
      // its answer: the PSNR and largest error the readout shows
      const shown = (await bad.page.locator('chapter-3 #vae-readout').textContent())!.replace(/\s+/g, ' ');
      const largest = shown.match(/the largest error of a pixel (\d+) of 255/)![1];
      assert.is(await answerCount(bad.page, 'chapter-3'), 3);
      await liveAnswer(bad.page, 'chapter-3', 2, `PSNR ${f.psnr.toFixed(1)} dB, the largest error of a pixel ${largest} of 255`);
      assertClean(bad);
    } finally {
      await bad.close();
    }
  } finally {
    await w.close().catch(() => {});
  }
});

suite.withModels(['unet', 'unet_pixel'], 'the cost cell: a step of each U-Net timed here, FLOPs from the manifest', async () => {
  const w = await suite.open();
  const { page } = w;
  try {
    await page.locator('chapter-3 #measure').click();
    await within(180_000, 'timing', page.waitForFunction(() => document.querySelector('chapter-3')!.figure.cost.every((r) => r.ms !== undefined && r.ms > 0), null, { timeout: 180_000 }));
    const rows = await page.evaluate(() => document.querySelector('chapter-3')!.figure.cost);
    assert.is(rows[0].flops, manifest!.models.unet.flops);
    assert.is(rows[1].flops, manifest!.models.unet_pixel.flops);
    // each row says what its model works on: a latent, or pixels (both ONNX inputs are named 'latent')
    assert.is(rows[0].detail, 'latent (2 × 1 × 4 × 8 × 8)');
    assert.is(rows[1].detail, 'pixels (2 × 1 × 3 × 32 × 32)');
    for (const r of rows) assert.is(r.times!.length, 7);
    assertClean(w);
  } finally {
    await w.close();
  }
});

test.run();
