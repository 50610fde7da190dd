// Chapter 5's diagrams: the DiT's and the U-Net's sizes and parameters from
// their configurations (pipeline/lessons/denoiser-anatomy.ts), checked against
// the parameter counts the manifest holds for the exported weights, so a model
// retrained with other sizes fails here until the configuration is changed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readManifestIfAny } from '../../../pipeline/runtime/weights-node';
import { ditAnatomy, ditParams, ditProducts, DIT_CONFIG, productFlops, compareImageCategories, positionSplit, shortCount, unetAnatomy, UNET_CONFIG } from '../../../pipeline/lessons/denoiser-anatomy';

const manifest = readManifestIfAny();
const image = { frames: 1, channels: 4, height: 8, width: 8 };

test('the DiT: tokens of an image and of a clip, patch and head sizes, the position split', () => {
  const a = ditAnatomy(DIT_CONFIG, image);
  assert.is(a.tokens, 16);
  assert.equal(a.grid, { t: 1, h: 4, w: 4 });
  assert.is(a.patchDim, 16);
  assert.is(a.headDim, 32);
  assert.is(a.mlpHidden, 512);
  assert.is(ditAnatomy(DIT_CONFIG, { ...image, frames: 8 }).tokens, 128);
  assert.equal(positionSplit(128), { t: 32, h: 48, w: 48 });
  assert.equal(positionSplit(130), { t: 32, h: 49, w: 49 });
  assert.throws(() => ditAnatomy(DIT_CONFIG, { ...image, height: 7 }), /divisible/);
  assert.throws(() => ditAnatomy(DIT_CONFIG, { ...image, channels: 3 }), /channels/);
});

test('the DiT\'s parameters by part add up (hand-counted from dit.py)', () => {
  const p = ditParams(DIT_CONFIG);
  assert.equal(p, { embed: 2176, timestep: 49408, block: 363136, final: 35088, total: 2176 + 49408 + 6 * 363136 + 35088 });
});

test('the configurations give exactly the parameters of the exported weights (manifest)', () => {
  if (!manifest) return console.log('  skipped: no weights/manifest.json');
  const m = manifest.models;
  if (m.dit) assert.is(ditParams(DIT_CONFIG).total, m.dit.params, 'dit');
  if (m.dit_cross) assert.is(ditParams({ ...DIT_CONFIG, depth: 4 }).total, m.dit_cross.params, 'dit_cross: the same DiT, 4 blocks');
  if (m.unet) assert.is(unetAnatomy(UNET_CONFIG, 8).params.total, m.unet.params, 'unet');
  if (m.unet_pixel) assert.is(unetAnatomy({ ...UNET_CONFIG, channels: 3, widths: [32, 64, 64, 128], attentionFrom: 2 }, 32).params.total, m.unet_pixel.params, 'unet_pixel');
});

test('the DiT call\'s matrix products (the matmul-limit bench) add up to the manifest\'s FLOPs of an image and of a clip', () => {
  const flops = (frames: number) => ditProducts(frames).reduce((s, p) => s + productFlops(p) * p.count, 0);
  assert.is(flops(1), 113_836_032, 'a guided image call, hand-counted');
  assert.is(flops(8), 847_839_232, 'a guided eight-frame call');
  const dit = manifest?.models.dit as { flops?: number; flops_clip?: number } | undefined;
  if (!dit) return;
  assert.is(flops(1), dit.flops, 'the manifest\'s image FLOPs');
  assert.is(flops(8), dit.flops_clip, 'the manifest\'s clip FLOPs');
});

test('the U-Net: down to 4 × 4 and back, skips widening the up stages, attention where the config puts it', () => {
  const u = unetAnatomy(UNET_CONFIG, 8);
  assert.equal(u.stages.map((s) => [s.kind, s.size, s.channelsIn, s.channels, s.attention, s.resample]), [
    ['down', 8, 64, 64, true, 'down'],
    ['down', 4, 64, 128, true, null],
    ['mid', 4, 128, 128, true, null],
    ['up', 4, 256, 128, true, 'up'],
    ['up', 8, 192, 64, true, null],
  ]);
  assert.is(u.timeDim, 256);
  assert.throws(() => unetAnatomy(UNET_CONFIG, 7), /halved/);
});

test('short counts', () => {
  assert.is(shortCount(2265488), '2.27 M');
  assert.is(shortCount(363136), '363 k');
  assert.is(shortCount(2176), '2,176');
});

test('image categories side by side: a lead only where the 95 % intervals are apart', () => {
  const cat = (passed: number, n: number, ci95: [number, number]) => ({ passed, n, rate: passed / n, ci95 });
  const a = { model: 'a', scores: { images: { one: cat(9, 10, [0.6, 0.98]), two: cat(10, 10, [0.72, 1]), three: cat(1, 10, [0.02, 0.4]), overall: 0.6 } } };
  const b = { model: 'b', scores: { images: { one: cat(8, 10, [0.5, 0.95]), two: cat(2, 10, [0.06, 0.5]), three: cat(9, 10, [0.6, 0.98]), four: cat(1, 1, [0.2, 1]) } } };
  assert.equal(compareImageCategories(a, b).map((r) => [r.category, r.lead]), [['one', null], ['two', 'a'], ['three', 'b']]);
});

test.run();
