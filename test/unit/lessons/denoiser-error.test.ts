// The denoiser's error against t (pipeline/lessons/denoiser-error.ts): first with JS
// sessions (test/helpers/fake-models.ts), so the bookkeeping is checked exactly —
// the batch layout [captions…, empties…], the documented noise, the v → ε̂, x̂₀
// conversion and the means; then with the committed models, for what is true of
// any trained v-prediction denoiser (the ε̂ error falls with t, the x̂₀ error
// rises, they differ by the SNR, the caption helps where little is left of x₀).
// Tests needing a model the manifest lacks are skipped, saying which.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ERROR_TIMESTEPS, measureDenoiserError, meanSquaredError } from '../../../pipeline/lessons/denoiser-error';
import { makeSchedule } from '../../../pipeline/diffusion';
import { createRandom, fillNormal } from '../../../pipeline/random';
import { ModelHost, type Feeds } from '../../../pipeline/runtime/models';
import { fileWeights, readManifestIfAny } from '../../../pipeline/runtime/weights-node';
import { encodeFrames } from '../../../pipeline/text-to-video';
import { generateClip } from '../../../pipeline/world';
import { fakeWorld, NO_WEBGPU, type FakeFn } from '../../helpers/fake-models';

const manifest = readManifestIfAny();
function withModels(names: string[], name: string, fn: () => Promise<void>) {
  const missing = names.filter((n) => !manifest?.models[n]);
  if (!missing.length) return test(name, fn);
  console.log(`  skipped "${name}": weights/manifest.json does not list ${missing.join(', ')} yet`);
  test.skip(name, fn);
}

/** A denoiser that predicts v̂ = 0 and records what it was given. */
function zeroDenoiser(calls: Feeds[]): FakeFn {
  return (inputs) => {
    calls.push(Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, { type: 'float32', data: Float32Array.from(v.data as Float32Array), dims: [...v.dims] }])) as Feeds);
    const T = inputs.latent.constructor as unknown as new (type: string, data: Float32Array, dims: readonly number[]) => unknown;
    return { prediction: new T('float32', new Float32Array(inputs.latent.data.length), inputs.latent.dims) as never };
  };
}

test('with v̂ = 0: ε̂ = √(1 − ᾱ)·x_t and x̂₀ = √ᾱ·x_t; the means, the batch [captions…, empties…] and the noise are as documented', async () => {
  const calls: Feeds[] = [];
  const world = fakeWorld({ dit: zeroDenoiser(calls) });
  const host = new ModelHost(world.source, { createSession: world.createSession, webgpuSupport: async () => NO_WEBGPU });
  const timesteps = [0, 300, 999];
  const rowsSeen: number[] = [];
  const r = await measureDenoiserError(host, { model: 'dit', images: 3, worldSeed: 40, noiseSeed: 5, timesteps }, { onRow: (row, i, of) => rowsSeen.push(row.t, i, of) });
  assert.equal(rowsSeen, [0, 0, 3, 300, 1, 3, 999, 2, 3]);
  assert.equal(r.captions, [40, 41, 42].map((s) => generateClip(s, { frames: 1 }).caption));
  assert.is(r.valuesPerImage, 256);
  assert.is(calls.length, 3);
  // x₀ as the encoder makes it, ε from the documented generator
  const frames = new Uint8Array(3 * 3072);
  [40, 41, 42].forEach((s, i) => frames.set(generateClip(s, { frames: 1 }).frames, i * 3072));
  assert.equal(Array.from(r.frames), Array.from(frames));
  const x0 = (await encodeFrames(host, { frames, numFrames: 3, width: 32, height: 32 })).latent;
  const abar = makeSchedule({ betaSchedule: 'squaredcos_cap_v2' }).alphasCumprod;
  const rng = createRandom('denoiser error 5');
  timesteps.forEach((t, k) => {
    const eps = fillNormal(rng, new Float32Array(3 * 256));
    const a = abar[t];
    const xt = x0.map((v, i) => Math.sqrt(a) * v + Math.sqrt(1 - a) * eps[i]);
    const call = calls[k];
    assert.equal(call.latent.dims, [6, 1, 4, 8, 8]);
    assert.equal(Array.from(call.timestep.data as Float32Array), [t, t, t, t, t, t]);
    const fed = call.latent.data as Float32Array;
    for (let i = 0; i < xt.length; i++) {
      assert.ok(Math.abs(fed[i] - xt[i]) < 1e-5 && Math.abs(fed[xt.length + i] - xt[i]) < 1e-5, `x_t at ${i}`);
    }
    // contexts: rows 0–2 the three captions (all different), rows 3–5 the empty prompt (all the same)
    const ctx = call.context.data as Float32Array, c = 24 * 128;
    const row = (b: number) => Array.from(ctx.subarray(b * c, (b + 1) * c));
    assert.equal(row(3), row(4));
    assert.equal(row(4), row(5));
    assert.not.equal(row(0), row(3));
    assert.not.equal(row(0), row(1));
    const epsHat = xt.map((v) => Math.sqrt(1 - a) * v);
    const x0Hat = xt.map((v) => Math.sqrt(a) * v);
    const want = { eps: meanSquaredError(epsHat, eps), x0: meanSquaredError(x0Hat, x0) };
    const got = r.rows[k];
    assert.is(got.t, t);
    assert.is(got.alphaBar, a);
    for (const [name, g, w] of [['epsCaption', got.epsCaption, want.eps], ['epsEmpty', got.epsEmpty, want.eps], ['x0Caption', got.x0Caption, want.x0], ['x0Empty', got.x0Empty, want.x0]] as const) {
      assert.ok(Math.abs(g - w) <= 1e-5 * Math.max(1, w), `${name} at t = ${t}: ${g}, expected ${w}`);
    }
  });
  // the same options, the same numbers; another noise seed, others
  const again = await measureDenoiserError(host, { model: 'dit', images: 3, worldSeed: 40, noiseSeed: 5, timesteps });
  assert.equal(again.rows, r.rows);
  const other = await measureDenoiserError(host, { model: 'dit', images: 3, worldSeed: 40, noiseSeed: 6, timesteps });
  assert.not.equal(other.rows[1].epsCaption, r.rows[1].epsCaption);
});

test('bad options are RangeErrors; a cancelled signal stops it before the next call', async () => {
  const world = fakeWorld();
  const host = new ModelHost(world.source, { createSession: world.createSession, webgpuSupport: async () => NO_WEBGPU });
  const fails = async (p: Promise<unknown>, re: RegExp) => {
    try {
      await p;
    } catch (e) {
      assert.ok(e instanceof RangeError, String(e));
      assert.match((e as Error).message, re);
      return;
    }
    assert.unreachable('expected an error');
  };
  await fails(measureDenoiserError(host, { model: 'dit', images: 0, worldSeed: 1 }), /images must be an integer in \[1, 64\]/);
  await fails(measureDenoiserError(host, { model: 'dit', images: 2, worldSeed: 1, timesteps: [1000] }), /timestep 1000 is outside \[0, 999\]/);
  assert.equal(ERROR_TIMESTEPS.slice(0, 6), [0, 10, 25, 50, 75, 100]);
  assert.is(ERROR_TIMESTEPS.at(-1), 999);
  assert.ok(ERROR_TIMESTEPS.every((t, i) => i === 0 || t > ERROR_TIMESTEPS[i - 1]));
  const controller = new AbortController();
  let rows = 0;
  const p = measureDenoiserError(host, { model: 'dit', images: 2, worldSeed: 1 }, { signal: controller.signal, onRow: () => ++rows === 2 && controller.abort() });
  try {
    await p;
    assert.unreachable('expected an abort');
  } catch (e) {
    assert.is((e as Error).name, 'AbortError');
  }
  assert.is(rows, 2);
});

withModels(['vae_encoder', 'text_encoder', 'dit'], 'the committed DiT: ε̂ error falls with t, x̂₀ error rises, MSE(x̂₀) = MSE(ε̂)/SNR, and the caption helps at high t', async () => {
  const host = new ModelHost(fileWeights());
  try {
    const timesteps = [10, 25, 50, 500, 800, 900, 950];
    const r = await measureDenoiserError(host, { model: 'dit', images: 8, worldSeed: 0, timesteps }, { backend: 'wasm' });
    const at = (t: number) => r.rows.find((x) => x.t === t)!;
    for (const row of r.rows) {
      // one error seen two ways (v-prediction): MSE(x̂₀)·ᾱ = MSE(ε̂)·(1 − ᾱ)
      for (const [e, x] of [[row.epsCaption, row.x0Caption], [row.epsEmpty, row.x0Empty]]) {
        const lhs = x * row.alphaBar, rhs = e * (1 - row.alphaBar);
        assert.ok(Math.abs(lhs - rhs) <= 1e-3 * Math.max(lhs, rhs) + 1e-9, `t = ${row.t}: ${lhs} vs ${rhs}`);
      }
    }
    const low = (k: 'epsCaption' | 'x0Caption') => (at(10)[k] + at(25)[k] + at(50)[k]) / 3;
    const high = (k: 'epsCaption' | 'x0Caption' | 'x0Empty') => (at(800)[k] + at(900)[k] + at(950)[k]) / 3;
    console.log(`      8 images: MSE(ε̂) ${low('epsCaption').toFixed(3)} at t ≤ 50, ${high('epsCaption').toFixed(4)} at t ≥ 800; MSE(x̂₀) ${low('x0Caption').toFixed(4)} → ${high('x0Caption').toFixed(3)}; empty prompt ${high('x0Empty').toFixed(3)}`);
    assert.ok(low('epsCaption') > 3 * high('epsCaption'), 'ε̂ is hardest to predict when there is little noise');
    assert.ok(high('x0Caption') > 10 * low('x0Caption'), 'x̂₀ is hardest to predict when there is little picture');
    assert.ok(high('x0Caption') < high('x0Empty'), 'the caption tells the model what was there');
  } finally {
    await host.release();
  }
});

test.run();
