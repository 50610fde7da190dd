// The sampling loop and the VAE's pixel conversions (pipeline/text-to-video),
// with JS sessions (test/helpers/fake-models.ts) so the loop's bookkeeping is
// checked exactly: defaults from the manifest, the documented order of random
// numbers, guidance batching, fixed frames, SDEdit, capture, checks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ModelHost } from '../../../pipeline/runtime/models';
import { createRandom, fillNormal } from '../../../pipeline/random';
import { bytesToPixels, encodePrompt, pixelsToBytes, resolveSampleOptions, sample, startingNoise, type StepProgress } from '../../../pipeline/text-to-video';
import { fillFrameNoise } from '../../../pipeline/diffusion/noise';
import { fakeWorld, NO_WEBGPU } from '../../helpers/fake-models';

function setup() {
  const world = fakeWorld();
  const dims: number[][] = [];
  const host = new ModelHost(world.source, { createSession: world.createSession, webgpuSupport: async () => NO_WEBGPU });
  const run = host.run.bind(host);
  host.run = (model, feeds, o) => {
    if (model === 'dit') dims.push(feeds.latent.dims);
    return run(model, feeds, o);
  };
  return { world, host, dims };
}

const context = () => ({ cond: new Float32Array(24 * 128).fill(0.5), uncond: new Float32Array(24 * 128) });

test('defaults come from the manifest entry: 30 DDIM steps, guidance 4, 8 frames for a clip model, 8 × 8 latent', async () => {
  const { world } = setup();
  const o = resolveSampleOptions(world.manifest, { model: 'dit', seed: 1 });
  assert.equal(o, { model: 'dit', seed: 1, steps: 30, guidance: 4, guidanceRescale: 0, sampler: 'ddim', eta: 0, frames: 8, height: 8, width: 8 });
  assert.throws(() => resolveSampleOptions(world.manifest, { model: 'dit', seed: 1, height: 7 }), /must be even/);
  assert.throws(() => resolveSampleOptions(world.manifest, { model: 'dit', seed: 1, frames: 0 }), /frames must be an integer/);
  assert.throws(() => resolveSampleOptions(world.manifest, { model: 'dit', seed: 1, eta: 2 }), /eta/);
  assert.throws(() => resolveSampleOptions(world.manifest, { model: 'vae_decoder', seed: 1 }), /is it a denoiser/);
});

test('the same seed gives the same clip, another seed another; the first input is the seed\'s normals, in order', async () => {
  const { host } = setup();
  const inputs: Float32Array[] = [];
  const a = await sample(host, { model: 'dit', context: context(), seed: 7, steps: 5, frames: 2, capture: { input: true } }, { onStep: (p) => void inputs.push(p.input!) });
  const b = await sample(host, { model: 'dit', context: context(), seed: 7, steps: 5, frames: 2 });
  const c = await sample(host, { model: 'dit', context: context(), seed: 8, steps: 5, frames: 2 });
  assert.equal(Array.from(a.latent), Array.from(b.latent));
  assert.not.equal(Array.from(a.latent), Array.from(c.latent));
  assert.equal(Array.from(inputs[0]), Array.from(fillNormal(createRandom(7), new Float32Array(2 * 4 * 8 * 8))));
  assert.equal(a.timesteps, [999, 799, 599, 399, 199]);
  assert.equal(a.shape, [2, 4, 8, 8]);
});

test('a model trained on shared noise (manifest shared_noise): the starting noise and every step\'s noise share a part across frames, as startingNoise draws it', async () => {
  const { world, host } = setup();
  world.manifest.models.dit.shared_noise = 1;
  const inputs: Float32Array[] = [];
  await sample(host, { model: 'dit', context: context(), seed: 7, steps: 3, frames: 2, capture: { input: true } }, { onStep: (p) => void inputs.push(p.input!) });
  const start = startingNoise(world.manifest, { model: 'dit', seed: 7, frames: 2 });
  assert.equal(Array.from(inputs[0]), Array.from(start));
  assert.equal(Array.from(start), Array.from(fillFrameNoise(createRandom(7), new Float32Array(2 * 256), 2, 1)));
  assert.not.equal(Array.from(start), Array.from(fillNormal(createRandom(7), new Float32Array(2 * 256))));
  // an image (one frame) is plain N(0, I), as in training
  assert.equal(Array.from(startingNoise(world.manifest, { model: 'dit', seed: 7, frames: 1 })), Array.from(fillNormal(createRandom(7), new Float32Array(256))));
  // DDPM's step noise is drawn the same way: the latent differs from one drawn with unshared step noise
  const ddpm = await sample(host, { model: 'dit', context: context(), seed: 7, steps: 3, frames: 2, sampler: 'ddpm' });
  world.manifest.models.dit.shared_noise = 0;
  const plain = await sample(host, { model: 'dit', context: context(), seed: 7, steps: 3, frames: 2, sampler: 'ddpm' });
  assert.not.equal(Array.from(ddpm.latent), Array.from(plain.latent));
  world.manifest.models.dit.shared_noise = -1;
  assert.throws(() => resolveSampleOptions(world.manifest, { model: 'dit', seed: 1 }) && startingNoise(world.manifest, { model: 'dit', seed: 1 }), /shared_noise/);
});

test('progress: step k of n, with the tensors asked for; each step\'s x_prev is the next step\'s input', async () => {
  const { host } = setup();
  const steps: StepProgress[] = [];
  await sample(host, { model: 'dit', context: context(), seed: 1, steps: 4, frames: 1, capture: { input: true, sample: true, predX0: true, predEpsilon: true, modelOutput: true } }, { onStep: (p) => void steps.push(p) });
  assert.equal(steps.map((s) => [s.step, s.of, s.timestep, s.prevTimestep]), [[1, 4, 999, 749], [2, 4, 749, 499], [3, 4, 499, 249], [4, 4, 249, -1]]);
  for (let i = 0; i + 1 < steps.length; i++) assert.equal(Array.from(steps[i].sample!), Array.from(steps[i + 1].input!));
  assert.ok(steps.every((s) => s.predX0!.length === 256 && s.predEpsilon!.length === 256 && s.modelOutput!.length === 256));
  const sparse: StepProgress[] = [];
  await sample(host, { model: 'dit', context: context(), seed: 1, steps: 5, frames: 1, capture: { sample: true, every: 2 } }, { onStep: (p) => void sparse.push(p) });
  assert.equal(sparse.map((s) => !!s.sample), [false, true, false, true, true]);
});

test('guidance: a batch of 2 [uncond, cond]; scale 1 runs the conditional half alone, 0 the unconditional', async () => {
  const { host, dims } = setup();
  const full = await sample(host, { model: 'dit', context: context(), seed: 3, steps: 2, frames: 1, guidance: 1 });
  assert.equal(dims.at(-1), [1, 1, 4, 8, 8]);
  await sample(host, { model: 'dit', context: context(), seed: 3, steps: 2, frames: 1, guidance: 4 });
  assert.equal(dims.at(-1), [2, 1, 4, 8, 8]);
  // s = 1 with batch 2 would give the same as batch 1 with the conditional context
  const cOnly = await sample(host, { model: 'dit', context: { cond: context().cond, uncond: context().cond }, seed: 3, steps: 2, frames: 1, guidance: 4 });
  const max = Math.max(...Array.from(full.latent, (v, i) => Math.abs(v - cOnly.latent[i])));
  assert.ok(max < 1e-5, `max |Δ| ${max}`);
});

test('DDPM and DDIM with η > 0 draw step noise from the seed: deterministic, and different from η = 0', async () => {
  const { host } = setup();
  const run = (o: object) => sample(host, { model: 'dit', context: context(), seed: 4, steps: 3, frames: 1, ...o }).then((r) => Array.from(r.latent));
  const ddpm = await run({ sampler: 'ddpm' });
  assert.equal(ddpm, await run({ sampler: 'ddpm' }));
  const eta = await run({ eta: 1 });
  assert.equal(eta, await run({ eta: 1 }));
  assert.not.equal(eta, await run({ eta: 0 }));
});

test('fixed frames (image-to-video by replacement): the known latent is the fixed frame\'s final latent, exactly', async () => {
  const { host } = setup();
  const known = Float32Array.from({ length: 256 }, (_, i) => Math.sin(i));
  const inputs: Float32Array[] = [];
  const r = await sample(host, { model: 'dit', context: context(), seed: 5, steps: 4, frames: 3, fixedFrames: [{ index: 0, latent: known }], capture: { input: true } }, { onStep: (p) => void inputs.push(p.input!) });
  assert.equal(Array.from(r.latent.subarray(0, 256)), Array.from(known));
  const free = await sample(host, { model: 'dit', context: context(), seed: 5, steps: 4, frames: 3 });
  // The JS denoiser works element by element (a real one attends across frames), so here the free
  // frames must come out exactly as without a fixed frame: fixing one draws no extra random numbers.
  assert.equal(Array.from(r.latent.subarray(256)), Array.from(free.latent.subarray(256)));
  // At each step the fixed frame's input is the known latent noised to that step's timestep with the starting noise
  const noise = fillNormal(createRandom(5), new Float32Array(3 * 256)).subarray(0, 256);
  const { makeSchedule, addNoise } = await import('../../../pipeline/diffusion');
  const abar = makeSchedule({ betaSchedule: 'squaredcos_cap_v2' }).alphasCumprod;
  assert.equal(Array.from(inputs[2].subarray(0, 256)), Array.from(addNoise(known, noise, abar[r.timesteps[2]])));
  try {
    await sample(host, { model: 'dit', context: context(), seed: 5, steps: 4, frames: 3, fixedFrames: [{ index: 3, latent: known }] });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /fixed frame index 3 is outside \[0, 2\]/);
  }
});

test('SDEdit: strength s keeps the last ⌊steps·s⌋ steps; strength 0 returns the clip unchanged', async () => {
  const { host } = setup();
  const init = Float32Array.from({ length: 2 * 256 }, (_, i) => Math.cos(i));
  const half = await sample(host, { model: 'dit', context: context(), seed: 6, steps: 10, frames: 2, init: { latent: init, strength: 0.5 } });
  assert.equal(half.timesteps, [499, 399, 299, 199, 99]);
  const none = await sample(host, { model: 'dit', context: context(), seed: 6, steps: 10, frames: 2, init: { latent: init, strength: 0 } });
  assert.equal(none.timesteps, []);
  assert.equal(Array.from(none.latent), Array.from(init));
});

test('cancellation: an aborted signal stops the loop before the next step', async () => {
  const { host, dims } = setup();
  const controller = new AbortController();
  try {
    await sample(host, { model: 'dit', context: context(), seed: 1, steps: 10, frames: 1 }, { signal: controller.signal, onStep: (p) => { if (p.step === 3) controller.abort(); } });
    assert.unreachable();
  } catch (e) {
    assert.is((e as Error).name, 'AbortError');
  }
  assert.is(dims.length, 3);
});

test('encodePrompt: one batch of 2, [empty (or negative) prompt, prompt], split back', async () => {
  const { host } = setup();
  const e = await encodePrompt(host, 'a red circle');
  assert.is(e.prompt.hidden.length, 24 * 128);
  assert.is(e.negative.hidden.length, 24 * 128);
  assert.is(e.prompt.pooled.length, 64);
  assert.equal(e.prompt.tokens.pieces.map((p) => p.text), ['<start>', 'a', 'red', 'circle', '<end>']);
  assert.equal(e.negative.tokens.pieces.map((p) => p.text), ['<start>', '<empty>', '<end>']);
  const n = await encodePrompt(host, 'a red circle', { negativePrompt: 'a blue square' });
  assert.equal(Array.from(n.prompt.hidden), Array.from(e.prompt.hidden));
  assert.not.equal(Array.from(n.negative.hidden), Array.from(e.negative.hidden));
});

test('pixels ↔ bytes: (F, 3, H, W) in [−1, 1] ↔ RGB (F, H, W, 3); clamp, (x + 1)·127.5, round', () => {
  const px = new Float32Array(2 * 3 * 2 * 2);
  px[0] = -1; px[1] = 1; px[2] = 0; px[3] = 5; // frame 0, red channel
  px[4] = -3; px[12 + 8 + 3] = 0.5; // frame 0 green (0,0); frame 1 blue (1,1)
  const bytes = pixelsToBytes(px, 2, 2, 2);
  assert.equal(Array.from(bytes.subarray(0, 12)), [0, 0, 128, 255, 128, 128, 128, 128, 128, 255, 128, 128]);
  assert.is(bytes[12 + 3 * 3 + 2], 191); // (0.5 + 1)·127.5 = 191.25
  const back = bytesToPixels(bytes, 2, 2, 2);
  assert.equal(Array.from(pixelsToBytes(back, 2, 2, 2)), Array.from(bytes));
});

test.run();
