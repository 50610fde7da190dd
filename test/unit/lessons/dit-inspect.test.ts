// Inside the DiT (pipeline/lessons/dit-inspect.ts): the arithmetic on dit_inspect's
// outputs exactly (timesteps, the adaLN table, its mean |value| per block and
// one block's channels; a query's attention row for a head or the heads'
// mean, its share per frame, token places); and with the committed dit_inspect:
// the modulation depends on t alone (any latent, any context give the same),
// every self-attention row is a probability distribution over the clip's tokens.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ADALN_PARTS, adalnChannels, adalnFeeds, adalnMeanAbs, adalnTable, adalnTimesteps, attentionRow, frameShares, inspectSelfAttention,
  frameArgmax, measureAdaln, nearestTimestep, patchOfObject, patchOnObject, rowPeak, selfAttentionOf, tokenHeat, tokenIndex, tokenPlace,
} from '../../../pipeline/lessons/dit-inspect';
import { float32, ModelHost } from '../../../pipeline/runtime/models';
import { fileWeights, readManifestIfAny } from '../../../pipeline/runtime/weights-node';
import { createRandom, fillNormal } from '../../../pipeline/random';
import { heatColour } from '../../../pipeline/lessons/cross-attention';
import { generateClip } from '../../../pipeline/world';
import { readFrames } from '../../../pipeline/world/read-frames';

const manifest = readManifestIfAny();
function withModels(names: string[], name: string, fn: () => Promise<void> | void) {
  const missing = names.filter((n) => !manifest?.models[n]);
  if (!missing.length) return test(name, fn);
  console.log(`  skipped "${name}": weights/manifest.json does not list ${missing.join(', ')} yet`);
  test.skip(name, fn);
}

test('timesteps from T − 1 to 0; the feeds of a batch of timesteps', () => {
  const ts = adalnTimesteps(50);
  assert.is(ts.length, 50);
  assert.is(ts[0], 999);
  assert.is(ts[49], 0);
  assert.ok(ts.every((t, i) => i === 0 || t < ts[i - 1]));
  assert.equal(adalnTimesteps(3, 11), [10, 5, 0]);
  assert.throws(() => adalnTimesteps(1), /count/);
  const f = adalnFeeds([999, 0]);
  assert.equal(f.latent.dims, [2, 1, 4, 2, 2]);
  assert.equal(Array.from(f.timestep.data as Float32Array), [999, 0]);
  assert.equal(f.context.dims, [2, 24, 128]);
});

test('the adaLN table: mean |value| per block and part, one block\'s channels, the nearest timestep', () => {
  const [N, L, W] = [3, 2, 4];
  const data = new Float32Array(N * L * 6 * W);
  // value (i, l, p, c) = (−1)^c · (i + 10·l + 100·p)
  for (let i = 0; i < N; i++) for (let l = 0; l < L; l++) for (let p = 0; p < 6; p++) for (let c = 0; c < W; c++) {
    data[((i * L + l) * 6 + p) * W + c] = (c % 2 ? -1 : 1) * (i + 10 * l + 100 * p);
  }
  const t = adalnTable({ type: 'float32', data, dims: [N, L, 6, W] }, [999, 500, 0]);
  assert.equal({ layers: t.layers, width: t.width }, { layers: 2, width: 4 });
  const m = adalnMeanAbs(t);
  assert.is(m.length, N * L * 6);
  for (let i = 0; i < N; i++) for (let l = 0; l < L; l++) for (let p = 0; p < 6; p++) assert.is(m[(i * L + l) * 6 + p], i + 10 * l + 100 * p);
  const ch = adalnChannels(t, 1, 'gate1');
  assert.equal(Array.from(ch), [210, -210, 210, -210, 211, -211, 211, -211, 212, -212, 212, -212]);
  assert.throws(() => adalnChannels(t, 2, 'gate1'), /outside/);
  assert.throws(() => adalnTable({ type: 'float32', data, dims: [N, L, 6, W] }, [1, 2]), /expected \(2/);
  assert.throws(() => adalnTable(undefined, [1]), /no adaln/);
  assert.is(nearestTimestep(t, 700), 1);
  assert.is(nearestTimestep(t, 800), 0);
  assert.is(ADALN_PARTS.indexOf('scale2'), 4);
});

test('self-attention: token places in patchify\'s order, a query\'s row for a head or the mean, shares per frame, the peak', () => {
  const grid = { frames: 2, rows: 2, cols: 2 };
  assert.is(tokenIndex(grid, { frame: 1, row: 0, col: 1 }), 5);
  assert.equal(tokenPlace(grid, 5), { frame: 1, row: 0, col: 1 });
  for (let n = 0; n < 8; n++) assert.is(tokenIndex(grid, tokenPlace(grid, n)), n);
  assert.throws(() => tokenIndex(grid, { frame: 2, row: 0, col: 0 }), /outside/);
  const [B, L, H, T] = [2, 2, 2, 8];
  const data = new Float32Array(B * L * H * T * T);
  // batch 1, layer 1: head 0's query 3 attends all to key 6, head 1's half to key 6 and half to key 0
  const off = (b: number, l: number, h: number, q: number) => ((((b * L + l) * H + h) * T + q) * T);
  data[off(1, 1, 0, 3) + 6] = 1;
  data[off(1, 1, 1, 3) + 6] = 0.5;
  data[off(1, 1, 1, 3) + 0] = 0.5;
  const a = selfAttentionOf({ type: 'float32', data, dims: [B, L, H, T, T] }, grid, 1);
  assert.equal({ layers: a.layers, heads: a.heads, tokens: a.tokens }, { layers: 2, heads: 2, tokens: 8 });
  assert.equal(Array.from(attentionRow(a, 1, 0, 3)), [0, 0, 0, 0, 0, 0, 1, 0]);
  assert.equal(Array.from(attentionRow(a, 1, 'mean', 3)), [0.25, 0, 0, 0, 0, 0, 0.75, 0]);
  assert.equal(frameShares(attentionRow(a, 1, 'mean', 3), grid), [0.25, 0.75]);
  assert.equal(rowPeak(attentionRow(a, 1, 'mean', 3)), { token: 6, value: 0.75 });
  assert.throws(() => attentionRow(a, 2, 0, 0), /layer 2/);
  assert.throws(() => attentionRow(a, 0, 2, 0), /head 2/);
  assert.throws(() => selfAttentionOf({ type: 'float32', data, dims: [B, L, H, T, T] }, { frames: 1, rows: 2, cols: 2 }), /not over the 4 tokens/);
  // the heat: each token's 2 × 2 pixels of a 4 × 4 frame in its colour, scaled by the row's largest value, the frame showing through
  const frames = new Uint8Array(2 * 16 * 3).fill(100);
  const heat = tokenHeat(frames, attentionRow(a, 1, 'mean', 3), grid, 4, 4, 0.5);
  const px = (f: number, y: number, x: number) => Array.from(heat.subarray(((f * 4 + y) * 4 + x) * 3, ((f * 4 + y) * 4 + x) * 3 + 3));
  const want = (v: number) => heatColour(v).map((c) => Math.round(c * 0.5 + 50));
  assert.equal(px(1, 2, 1), want(1)); // token 6: frame 1, row 1, column 0
  assert.equal(px(1, 3, 0), want(1));
  assert.equal(px(0, 0, 0), want(0.25 / 0.75)); // token 0
  assert.equal(px(0, 3, 3), want(0));
  assert.throws(() => tokenHeat(frames.subarray(3), attentionRow(a, 1, 0, 3), grid, 4, 4), /frames/);
});

test('the argmax patch of each frame; whether a patch holds an object the judge reads; the patch of an object', () => {
  const grid = { frames: 2, rows: 2, cols: 2 };
  assert.equal(frameArgmax(Float32Array.from([0.1, 0.5, 0.2, 0.2, 0, 0, 0, 0.9]), grid), [
    { frame: 0, row: 0, col: 1 }, { frame: 1, row: 1, col: 1 },
  ]);
  // a world clip whose object moves: the patch of its centroid holds it, a far patch does not
  let seed = 0;
  let clip = generateClip(seed, { frames: 8 });
  while (clip.objects.length !== 1) clip = generateClip(++seed, { frames: 8 });
  const reading = readFrames(clip.frames, 8, 32, 32);
  const g = { frames: 8, rows: 4, cols: 4 };
  for (let f = 0; f < 8; f++) {
    const p = patchOfObject(reading, f, g)!;
    const o = reading.frames[f].objects[0];
    assert.equal([p.row, p.col], [Math.floor(o.centroid[1] / 8), Math.floor(o.centroid[0] / 8)]);
    assert.is(patchOnObject(reading, p, g), true);
    const far = { frame: f, row: p.row < 2 ? 3 : 0, col: p.col < 2 ? 3 : 0 };
    assert.is(patchOnObject(reading, far, g), false, `frame ${f}: the far patch (${far.row}, ${far.col}) holds no object`);
  }
  const empty = readFrames(new Uint8Array(32 * 32 * 3), 1, 32, 32);
  assert.is(patchOfObject(empty, 0, { frames: 1, rows: 4, cols: 4 }), null);
  assert.is(patchOnObject(empty, { frame: 0, row: 0, col: 0 }, { frames: 1, rows: 4, cols: 4 }), null);
});

withModels(['dit_inspect'], 'the committed dit_inspect: the modulation depends on t alone; self-attention rows are distributions over the clip\'s tokens', async () => {
  const host = new ModelHost(fileWeights());
  try {
    const ts = [999, 500, 20];
    const table = await measureAdaln(host, ts, { backend: 'wasm' });
    assert.equal({ layers: table.layers, width: table.width }, { layers: 6, width: 128 });
    // the same timesteps with an 8-frame 8 × 8 latent of noise and a random context give the same modulation
    const rng = createRandom(3);
    const N = ts.length;
    const r = await host.run('dit_inspect', {
      latent: float32(fillNormal(rng, new Float32Array(N * 8 * 4 * 64)), [N, 8, 4, 8, 8]),
      timestep: float32(Float32Array.from(ts), [N]),
      context: float32(fillNormal(rng, new Float32Array(N * 24 * 128)), [N, 24, 128]),
    }, { backend: 'wasm' });
    const other = adalnTable(r.outputs.adaln, ts);
    let off = 0;
    for (let i = 0; i < other.data.length; i++) off = Math.max(off, Math.abs(other.data[i] - table.data[i]));
    assert.ok(off < 1e-4, `the modulation changed with the latent or the context by ${off}`);
    // and it changes with t
    const m = adalnMeanAbs(table);
    let moved = 0;
    for (let j = 0; j < 6 * 6; j++) moved = Math.max(moved, Math.abs(m[j] - m[2 * 36 + j]));
    assert.ok(moved > 0.01, `mean |value| moved by ${moved} between t = 999 and t = 20`);
    // self-attention of a clip: 128 tokens, every row sums to 1
    const att = await inspectSelfAttention(host, {
      latent: fillNormal(rng, new Float32Array(8 * 4 * 64)), frames: 8, height: 8, width: 8, timestep: 500, context: new Float32Array(24 * 128),
    }, { backend: 'wasm' });
    assert.equal({ layers: att.layers, heads: att.heads, tokens: att.tokens }, { layers: 6, heads: 4, tokens: 128 });
    for (const [l, h, q] of [[0, 0, 0], [5, 3, 127], [2, 1, 37]] as const) {
      const row = attentionRow(att, l, h, q);
      const sum = row.reduce((s, v) => s + v, 0);
      assert.ok(Math.abs(sum - 1) < 1e-4, `layer ${l}, head ${h}, query ${q}: sums to ${sum}`);
      assert.ok(Math.abs(frameShares(row, att.grid).reduce((s, v) => s + v, 0) - 1) < 1e-4);
    }
  } finally {
    await host.release();
  }
});

test.run();
