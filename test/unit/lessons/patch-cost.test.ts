// pipeline/lessons/patch-cost.ts and pipeline/step-timing.ts: tokens a clip becomes,
// the DiT's FLOPs by formula against the manifest's count from the ONNX graph,
// and the timing of a step, proved on the committed DiT (an image against a clip).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DIT_ARCHITECTURE, DIT_PATCH, attentionCrossover, ditStepFlops, divisors, tokenGrid } from '../../../pipeline/lessons/patch-cost';
import { feedsForShapes, flopsShapes, median, timeCalls } from '../../../pipeline/step-timing';
import { tokenCount } from '../../../pipeline/diffusion/patchify';
import { ModelHost } from '../../../pipeline/runtime/models';
import { fileWeights, readManifestIfAny } from '../../../pipeline/runtime/weights-node';

const manifest = readManifestIfAny();

function withModels(names: string[], name: string, fn: () => Promise<void> | void) {
  const missing = names.filter((n) => !manifest?.models[n]);
  if (!missing.length) return test(name, fn);
  console.log(`  skipped "${name}": weights/manifest.json does not list ${missing.join(', ')} yet`);
  test.skip(name, fn);
}

test('tokens: ⌈F/pt⌉·⌈h/ph⌉·⌈w/pw⌉, the same as patchify where the patch divides; padding said', () => {
  const g = tokenGrid({ frames: 8, height: 8, width: 8 }, DIT_PATCH);
  assert.equal(g, { t: 8, h: 4, w: 4, tokens: 128, padded: false });
  for (const [F, h, w, pt, ph, pw] of [[8, 8, 8, 2, 4, 2], [1, 8, 12, 1, 2, 2], [12, 8, 8, 4, 8, 1]]) {
    assert.is(tokenGrid({ frames: F, height: h, width: w }, { pt, ph, pw }).tokens, tokenCount({ frames: F, channels: 4, height: h, width: w }, { pt, ph, pw }));
  }
  const image = tokenGrid({ frames: 1, height: 8, width: 8 }, { pt: 2, ph: 2, pw: 2 });
  assert.equal(image, { t: 1, h: 4, w: 4, tokens: 16, padded: true }, 'an image with pt = 2 is padded to two frames');
  assert.throws(() => tokenGrid({ frames: 0, height: 8, width: 8 }, DIT_PATCH));
  assert.equal(divisors(12), [1, 2, 3, 4, 6, 12]);
  assert.equal(divisors(1), [1]);
});

test('FLOPs: the parts add up; the N² part is 4·L·d·N² a sample; halving the patch side quadruples the tokens', () => {
  const f = ditStepFlops(128, DIT_PATCH);
  assert.is(f.fixed + f.linear + f.attention, f.total);
  assert.is(f.attention, 4 * DIT_ARCHITECTURE.depth * DIT_ARCHITECTURE.width * 128 * 128);
  const two = ditStepFlops(128, DIT_PATCH, DIT_ARCHITECTURE, 2);
  assert.is(two.total, 2 * f.total);
  const n = attentionCrossover(DIT_PATCH);
  const at = ditStepFlops(n, DIT_PATCH);
  assert.ok(Math.abs(at.attention - at.linear) / at.linear < 1e-9, 'at the crossover the N² part equals the N part');
  assert.is(tokenGrid({ frames: 8, height: 8, width: 8 }, { pt: 1, ph: 1, pw: 1 }).tokens, 4 * g8().tokens);
});
const g8 = () => tokenGrid({ frames: 8, height: 8, width: 8 }, DIT_PATCH);

withModels(['dit'], 'FLOPs: the formula against the count from the DiT\'s ONNX graph (manifest: an image, and an 8-frame clip)', () => {
  const e = manifest!.models.dit;
  const shapes = flopsShapes(e)!;
  const [B, F, , h, w] = shapes.latent;
  const image = ditStepFlops(tokenGrid({ frames: F, height: h, width: w }, DIT_PATCH).tokens, DIT_PATCH, DIT_ARCHITECTURE, B).total;
  assert.ok(Math.abs(image - (e.flops as number)) / (e.flops as number) < 1e-4, `image: formula ${image}, graph ${e.flops}`);
  const clip = ditStepFlops(tokenGrid({ frames: 8, height: h, width: w }, DIT_PATCH).tokens, DIT_PATCH, DIT_ARCHITECTURE, B).total;
  const counted = e.flops_clip as number;
  assert.ok(Math.abs(clip - counted) / counted < 1e-4, `clip: formula ${clip}, graph ${counted}`);
});

test('timing helpers: feeds from shapes (timestep 500, tokens int32, the rest seeded normals), the median, warm-up', async () => {
  const feeds = feedsForShapes({ latent: [2, 1, 4, 2, 2], timestep: [2], tokens: [1, 24] }, 3);
  assert.is(feeds.latent.data.length, 32);
  assert.equal(Array.from(feeds.timestep.data as Float32Array), [500, 500]);
  assert.is(feeds.tokens.type, 'int32');
  assert.equal(Array.from(feeds.latent.data as Float32Array), Array.from(feedsForShapes({ latent: [2, 1, 4, 2, 2] }, 3).latent.data as Float32Array));
  assert.is(median([5, 1, 3]), 3);
  assert.is(median([4, 1, 3, 2]), 2.5);
  let calls = 0;
  const r = await timeCalls(async () => ++calls * 10, { warmup: 2, repeats: 3 });
  assert.is(calls, 5);
  assert.equal(r.times, [30, 40, 50]);
  assert.is(r.median, 40);
  const ac = new AbortController();
  ac.abort();
  await timeCalls(async () => 1, { signal: ac.signal }).then(() => assert.unreachable('aborted'), (e) => assert.is((e as Error).name, 'AbortError'));
  assert.is(flopsShapes({ file: 'x.onnx', sha256: '', bytes: 1, flops_shapes: { a: [1, 'x'] } }), null);
});

withModels(['dit'], 'timing a step of the DiT in Node (WASM): a clip\'s step takes longer than an image\'s', async () => {
  const host = new ModelHost(fileWeights());
  try {
    const shapes = flopsShapes(manifest!.models.dit)!;
    const image = feedsForShapes(shapes);
    const clip = feedsForShapes({ ...shapes, latent: [2, 8, 4, 8, 8] });
    const call = (feeds: typeof image) => async () => (await host.run('dit', feeds, { backend: 'wasm' })).ms;
    const ti = await timeCalls(call(image), { warmup: 1, repeats: 5 });
    const tc = await timeCalls(call(clip), { warmup: 1, repeats: 5 });
    console.log(`  DiT step in Node (WASM, batch 2): image ${ti.median.toFixed(1)} ms, 8-frame clip ${tc.median.toFixed(1)} ms`);
    assert.ok(ti.times.every((t) => t > 0));
    assert.ok(tc.median > ti.median, `8 frames (${tc.median} ms) against 1 (${ti.median} ms)`);
  } finally {
    await host.release();
  }
});

test.run();
