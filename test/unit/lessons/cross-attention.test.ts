// Cross-attention maps (pipeline/lessons/cross-attention.ts): the arithmetic (head and
// layer means, step averages, upsampling, peaks, grown masks) exactly; the run
// with JS sessions (a twin of the DiT, naming its file, is called in its place,
// one guided call a step, and the maps are its conditional half's; an inspect
// model of another file gets each step's x_t, timestep and the prompt's
// context, batch 1; either way the sample is `sample`'s own); and, with the
// committed DiT, the measurement the chapter's test repeats in Chromium: for
// the colour word of "a red circle", over seeds 0–15, how often the map's peak
// falls inside the red object the judge reads (its mask grown by 1 px).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  combineMaps, frameMap, growMask, headMeanCrossAttention, keysOfWord, layoutSteps, peakInsideObject, peakOf, sampleWithCrossAttention,
  textToVideoWithAttention, tokenMap, upsampleBilinear,
} from '../../../pipeline/lessons/cross-attention';
import { ModelHost } from '../../../pipeline/runtime/models';
import { fileWeights, readManifestIfAny } from '../../../pipeline/runtime/weights-node';
import { encodePrompt, sample, type StepProgress } from '../../../pipeline/text-to-video';
import { fakeWorld, NO_WEBGPU, type FakeFn } from '../../helpers/fake-models';

const manifest = readManifestIfAny();
function withModels(names: string[], name: string, fn: () => Promise<void> | void) {
  const missing = names.filter((n) => !manifest?.models[n]);
  if (!missing.length) return test(name, fn);
  console.log(`  skipped "${name}": weights/manifest.json does not list ${missing.join(', ')} yet`);
  test.skip(name, fn);
}

test('head mean: (N, L, H, T, K) → (L, K, T) of batch element b; layer and step means', () => {
  const [N, L, H, T, K] = [2, 2, 3, 4, 5];
  const data = new Float32Array(N * L * H * T * K);
  for (let i = 0; i < data.length; i++) data[i] = i;
  const at = (b: number, l: number, h: number, t: number, k: number) => (((b * L + l) * H + h) * T + t) * K + k;
  const m = headMeanCrossAttention(data, [N, L, H, T, K], 1);
  assert.is(m.length, L * K * T);
  for (let l = 0; l < L; l++) for (let k = 0; k < K; k++) for (let t = 0; t < T; t++) {
    const want = (at(1, l, 0, t, k) + at(1, l, 1, t, k) + at(1, l, 2, t, k)) / 3;
    assert.ok(Math.abs(m[(l * K + k) * T + t] - want) < 1e-3);
  }
  assert.throws(() => headMeanCrossAttention(data, [N, L, H, T, K], 2), /outside/);
  assert.throws(() => headMeanCrossAttention(data.subarray(1), [N, L, H, T, K]), /does not match/);
  const run = { layers: 2, perStep: [Float32Array.from([1, 2, 3, 4]), Float32Array.from([5, 6, 7, 8])] };
  assert.equal(Array.from(combineMaps(run)), [4, 5]); // (1+3+5+7)/4, (2+4+6+8)/4
  assert.equal(Array.from(combineMaps(run, { steps: [1] })), [6, 7]);
  assert.equal(Array.from(combineMaps(run, { layers: [0] })), [3, 4]);
  assert.equal(Array.from(combineMaps(run, { steps: [0], layers: [1] })), [3, 4]);
  assert.throws(() => combineMaps(run, { layers: [2] }), /no layer 2/);
  // the default average's steps: the first two thirds
  assert.equal(layoutSteps(30), Array.from({ length: 20 }, (_, i) => i));
  assert.equal(layoutSteps(1), [0]);
  assert.equal(layoutSteps(10).length, 7);
  assert.throws(() => layoutSteps(0), /not a step count/);
  assert.throws(() => layoutSteps(2.5), /not a step count/);
  // a text token's map over a grid of 2 frames × 1 × 2
  const grid = { frames: 2, rows: 1, cols: 2 };
  assert.equal(Array.from(tokenMap(Float32Array.from([0, 1, 2, 3, 10, 11, 12, 13]), 1, grid)), [10, 11, 12, 13]);
  assert.throws(() => tokenMap(new Float32Array(8), 2, grid), /outside/);
});

test('bilinear upsampling (align_corners = false): constant stays constant, edges repeat, centres interpolate; peaks; grown masks', () => {
  const c = upsampleBilinear(Float32Array.from([2, 2, 2, 2]), 2, 2, 8, 8);
  assert.ok(c.every((v) => Math.abs(v - 2) < 1e-6));
  const m = upsampleBilinear(Float32Array.from([0, 1]), 1, 2, 1, 8);
  // pixel j's centre is at (j + 0.5)/4 − 0.5 in map columns: clamped to 0 for j < 2, to 1 for j > 5
  assert.equal(Array.from(m).map((v) => Math.round(v * 1000) / 1000), [0, 0, 0.125, 0.375, 0.625, 0.875, 1, 1]);
  // a 4 × 4 map with one hot token: the upsampled peak lies in that token's 8 × 8 pixels
  const map = new Float32Array(16);
  map[1 * 4 + 2] = 1;
  const up = frameMap(map, { frames: 1, rows: 4, cols: 4 }, 0, 32, 32);
  const p = peakOf(up, 32);
  assert.ok(p.x >= 16 && p.x < 24 && p.y >= 8 && p.y < 16, `peak at ${p.x}, ${p.y}`);
  assert.equal(peakOf(Float32Array.from([1, 3, 3, 0]), 2), { x: 1, y: 0, value: 3 });
  // a corner token's flat top is pixels 0–3 in x and y: the peak is taken near its middle, not in the corner
  const corner4 = new Float32Array(16);
  corner4[0] = 1;
  const cp = peakOf(frameMap(corner4, { frames: 1, rows: 4, cols: 4 }, 0, 32, 32), 32);
  assert.equal([cp.x, cp.y], [1, 1]);
  const mask = new Uint8Array(25);
  mask[12] = 200;
  const g = growMask(mask, 5, 5, 1);
  assert.equal(Array.from(g), [0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
  assert.is(growMask(mask, 5, 5, 2).reduce((s, v) => s + v, 0), 25);
  const corner = new Uint8Array(9);
  corner[0] = 1;
  assert.equal(Array.from(growMask(corner, 3, 3)), [1, 1, 0, 1, 1, 0, 0, 0, 0]);
});

/** A JS inspect model: the prediction of the fake DiT, and cross-attention that follows the latent's first channel. */
const fakeInspect: FakeFn = (inputs) => {
  const { latent, timestep } = inputs;
  const [B, F, C, h, w] = latent.dims;
  const L = 2, H = 2, K = 24, rows = h / 2, cols = w / 2, T = F * rows * cols;
  const ca = new Float32Array(B * L * H * T * K);
  for (let b = 0; b < B; b++) for (let l = 0; l < L; l++) for (let hh = 0; hh < H; hh++) for (let t = 0; t < T; t++) {
    const f = Math.floor(t / (rows * cols)), r = Math.floor((t % (rows * cols)) / cols), c = t % cols;
    // the prompt's half and the empty prompt's differ through token 1's first state
    const v = latent.data[(((b * F + f) * C + 0) * h + 2 * r) * w + 2 * c] + (inputs.context?.data[(b * 24 + 1) * 128] ?? 0) / 10;
    const base = ((((b * L + l) * H + hh) * T + t) * K);
    // text token 3 gets a share that grows with the latent there; the rest spread evenly
    const p3 = 1 / (1 + Math.exp(-v)) * 0.5 + l * 0.1 + timestep.data[b] / 1e5;
    for (let k = 0; k < K; k++) ca[base + k] = k === 3 ? p3 : (1 - p3) / (K - 1);
  }
  const FT = (inputs.latent as unknown as { constructor: new (...a: unknown[]) => unknown }).constructor;
  return { prediction: inputs.latent, cross_attention: new FT('float32', ca, [B, L, H, T, K]) as never };
};

test('with JS sessions: a twin naming the DiT\'s file is called in its place, once a step, batch 2; the maps are its conditional half\'s; the sample is sample()\'s', async () => {
  const world = fakeWorld({ dit: fakeInspect });
  world.manifest.models.dit_inspect = { ...world.manifest.models.dit };
  const host = new ModelHost(world.source, { createSession: world.createSession, webgpuSupport: async () => NO_WEBGPU });
  const returned: { data: Float32Array; dims: readonly number[] }[] = [];
  const run = host.run.bind(host);
  host.run = async (model, feeds, o) => {
    const r = await run(model, feeds, o);
    if (model === 'dit_inspect') returned.push({ data: r.outputs.cross_attention.data as Float32Array, dims: r.outputs.cross_attention.dims });
    return r;
  };
  const enc = await encodePrompt(host, 'a red circle');
  const context = { cond: enc.prompt.hidden, uncond: enc.negative.hidden };
  const plain = await sample(host, { model: 'dit', context, seed: 4, steps: 6, frames: 2 });
  world.calls.length = 0;
  const { sampled, attention } = await sampleWithCrossAttention(host, { model: 'dit', context, seed: 4, steps: 6, frames: 2 });
  assert.equal(Array.from(sampled.latent), Array.from(plain.latent), 'the same sample as sample()');
  assert.equal(world.calls.map(([m]) => m), Array(6).fill('dit'), 'one call a step, of the shared file');
  assert.is(returned.length, 6);
  returned.forEach((r, i) => {
    assert.is(r.dims[0], 2, 'the guided batch');
    const cond = headMeanCrossAttention(r.data, r.dims, 1), uncond = headMeanCrossAttention(r.data, r.dims, 0);
    assert.equal(Array.from(attention.perStep[i]), Array.from(cond), `step ${i + 1}: the conditional half`);
    assert.not.equal(Array.from(cond), Array.from(uncond));
  });
  // guidance 0 has no conditional half: the maps come from a call of their own, batch 1
  returned.length = 0;
  const g0 = await sampleWithCrossAttention(host, { model: 'dit', context, seed: 4, steps: 2, frames: 1, guidance: 0 });
  assert.equal(returned.map((r) => r.dims[0]), [1, 1]);
  assert.is(g0.attention.perStep.length, 2);
  // a twin must name the same file
  await sample(host, { model: 'dit', context, seed: 4, steps: 1, runAs: 'text_encoder' }).then(
    () => assert.unreachable('expected an error'),
    (e: Error) => assert.match(e.message, /text_encoder is not a twin of dit/),
  );
  await host.release();
});

test('with JS sessions: an inspect model of another file sees each step\'s x_t, timestep and the prompt\'s context, batch 1; the sample is sample()\'s', async () => {
  const world = fakeWorld({ dit_inspect: fakeInspect });
  const host = new ModelHost(world.source, { createSession: world.createSession, webgpuSupport: async () => NO_WEBGPU });
  const calls: { latent: Float32Array; dims: number[]; t: number; context: Float32Array }[] = [];
  const run = host.run.bind(host);
  host.run = (model, feeds, o) => {
    if (model === 'dit_inspect') calls.push({ latent: Float32Array.from(feeds.latent.data as Float32Array), dims: [...feeds.latent.dims], t: (feeds.timestep.data as Float32Array)[0], context: feeds.context.data as Float32Array });
    return run(model, feeds, o);
  };
  const enc = await encodePrompt(host, 'a red circle');
  const context = { cond: enc.prompt.hidden, uncond: enc.negative.hidden };
  const inputs: StepProgress[] = [];
  const plain = await sample(host, { model: 'dit', context, seed: 4, steps: 6, frames: 2, capture: { input: true } }, { onStep: (p) => void inputs.push(p) });
  const seen: number[] = [];
  const { sampled, attention } = await sampleWithCrossAttention(host, { model: 'dit', context, seed: 4, steps: 6, frames: 2 }, { onStep: (p) => void seen.push(p.step) });
  assert.equal(Array.from(sampled.latent), Array.from(plain.latent), 'the same sample as sample()');
  assert.equal(seen, [1, 2, 3, 4, 5, 6]);
  assert.is(calls.length, 6);
  calls.forEach((c, i) => {
    assert.equal(c.dims, [1, 2, 4, 8, 8]);
    assert.equal(Array.from(c.latent), Array.from(inputs[i].input!), `step ${i + 1}: the sampler's x_t`);
    assert.is(c.t, plain.timesteps[i]);
    assert.equal(Array.from(c.context), Array.from(enc.prompt.hidden));
  });
  assert.equal(attention.grid, { frames: 2, rows: 4, cols: 4 });
  assert.equal(attention.timesteps, plain.timesteps);
  assert.is(attention.layers, 2);
  assert.is(attention.heads, 2);
  assert.is(attention.perStep[0].length, 2 * 24 * 32);
  // layer means of token 3 at step 1, token (0, 0, 0): what fakeInspect wrote, averaged over heads
  const v = inputs[0].input![0] + enc.prompt.hidden[128] / 10; // x_t there, and the prompt's token 1
  const p3 = 1 / (1 + Math.exp(-v)) * 0.5 + plain.timesteps[0] / 1e5;
  assert.ok(Math.abs(attention.perStep[0][3 * 32] - p3) < 1e-5);
  assert.ok(Math.abs(attention.perStep[0][(24 + 3) * 32] - (p3 + 0.1)) < 1e-5);
  // a model the manifest lacks: a clear error before any step
  await sampleWithCrossAttention(host, { model: 'dit', context, seed: 4, steps: 2, frames: 1 }, {}, 'dit_missing').then(
    () => assert.unreachable('expected an error'),
    (e: Error) => assert.match(e.message, /"dit_missing" is not in weights\/manifest.json/),
  );
  await host.release();
});

withModels(['text_encoder', 'dit', 'dit_inspect', 'vae_decoder'], 'the committed DiT: the sample with maps is textToVideo\'s; "red" peaks inside the red object for at least 12 of seeds 0–15 (averaged over steps 1–20 of 30, layers and heads)', async () => {
  const host = new ModelHost(fileWeights());
  try {
    const { textToVideo } = await import('../../../pipeline/text-to-video');
    const plain = await textToVideo(host, { prompt: 'a red circle', seed: 0, model: 'dit', frames: 1 }, { backend: 'wasm' });
    const withMaps = await textToVideoWithAttention(host, { prompt: 'a red circle', seed: 0, model: 'dit', frames: 1 }, { backend: 'wasm' });
    assert.equal(Array.from(withMaps.frames), Array.from(plain.frames), 'the same pixels as the plain pipeline');
    assert.equal(withMaps.attention.grid, { frames: 1, rows: 4, cols: 4 });
    assert.is(withMaps.attention.perStep.length, 30);
    // attention is a distribution over the 24 text tokens for every patch token, layer and step
    const a = withMaps.attention;
    for (const m of [a.perStep[0], a.perStep[29]]) {
      for (let l = 0; l < a.layers; l++) for (let t = 0; t < 16; t++) {
        let s = 0;
        for (let k = 0; k < 24; k++) s += m[(l * 24 + k) * 16 + t];
        assert.ok(Math.abs(s - 1) < 1e-4, `layer ${l}, token ${t}: sums to ${s}`);
      }
    }
    let inside = 0;
    const misses: string[] = [];
    for (let seed = 0; seed < 16; seed++) {
      const clip = seed === 0 ? withMaps : await textToVideoWithAttention(host, { prompt: 'a red circle', seed, model: 'dit', frames: 1 }, { backend: 'wasm' });
      const key = keysOfWord(clip.text, 'red')[0];
      assert.is(key, 2);
      const check = peakInsideObject(tokenMap(combineMaps(clip.attention, { steps: layoutSteps(30) }), key, clip.attention.grid), clip.attention.grid, clip.verdict, 'red', 0);
      if (check.inside) inside++;
      else misses.push(`seed ${seed}: ${check.why}`);
    }
    console.log(`  "red" in "a red circle": the map's peak inside the red object for ${inside} of 16 seeds${misses.length ? ` (${misses.join('; ')})` : ''}`);
    assert.ok(inside >= 12, `${inside} of 16: ${misses.join('; ')}`);
  } finally {
    await host.release();
  }
});

test.run();
