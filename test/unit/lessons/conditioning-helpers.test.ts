// Chapter 6's small helpers: the guidance sweep's measures (pixel distance,
// diversity, per-scale summary), cosine similarities of token states, and the
// sampler feeding the pooled caption embedding to a denoiser that takes it
// (dit_adaln), with JS sessions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { meanPairwiseDistance, pixelDistance, summariseSweep, SWEEP_SCALES, STRIP_SCALES } from '../../../pipeline/lessons/guidance-sweep';
import { cosine, cosineMatrix, mostSimilarPair } from '../../../pipeline/lessons/token-similarity';
import { ModelHost } from '../../../pipeline/runtime/models';
import { denoiserTakesPooled, encodePrompt, sample, textToVideo } from '../../../pipeline/text-to-video';
import { guidanceContexts, textStates } from '../../../pipeline/text-to-video/prompt';
import { measureDenoiserError } from '../../../pipeline/lessons/denoiser-error';
import { fakeDenoiser, fakeTextEncoder, fakeVaeEncoder, fakeWorld, FakeTensor, NO_WEBGPU, type FakeFn } from '../../helpers/fake-models';

test('pixel distance: 0 for the same image, 1 from black to white, RMS in between; diversity is the mean over pairs', () => {
  const black = new Uint8Array(12), white = new Uint8Array(12).fill(255);
  const half = Uint8Array.from({ length: 12 }, (_, i) => (i < 6 ? 255 : 0));
  assert.is(pixelDistance(black, black), 0);
  assert.is(pixelDistance(black, white), 1);
  assert.ok(Math.abs(pixelDistance(black, half) - Math.sqrt(0.5)) < 1e-12);
  assert.throws(() => pixelDistance(black, new Uint8Array(3)), /same/);
  assert.is(meanPairwiseDistance([black]), 0);
  assert.ok(Math.abs(meanPairwiseDistance([black, white, half]) - (1 + Math.sqrt(0.5) + Math.sqrt(0.5)) / 3) < 1e-12);
});

test('a sweep\'s summary: per scale, in order, the pass rate and the diversity of what was made so far', () => {
  const img = (v: number) => new Uint8Array(12).fill(v);
  const samples = [
    { scale: 0, seed: 1, frames: img(0), verdict: { pass: false } },
    { scale: 0, seed: 2, frames: img(255), verdict: { pass: false } },
    { scale: 4, seed: 1, frames: img(10), verdict: { pass: true } },
    { scale: 4, seed: 2, frames: img(10), verdict: { pass: false } },
    { scale: 4, seed: 3, frames: img(10), verdict: null },
  ];
  const s = summariseSweep(samples, [0, 4, 15]);
  assert.equal(s.map((p) => [p.scale, p.n, p.passed]), [[0, 2, 0], [4, 3, 1], [15, 0, 0]]);
  assert.is(s[0].diversity, 1);
  assert.is(s[1].diversity, 0);
  assert.ok(Math.abs(s[1].passRate - 1 / 3) < 1e-12);
  assert.is(s[2].passRate, 0);
  assert.ok(SWEEP_SCALES[0] === 0 && SWEEP_SCALES.at(-1) === 15 && STRIP_SCALES.every((x) => x >= 0 && x <= 15));
});

test('cosine similarities: 1 on the diagonal, symmetric, −1 for opposite rows, 0 for a zero row; the most similar pair', () => {
  const m = Float32Array.from([1, 0, 0, 1, 1, 1, -1, 0, 0, 0]);
  const s = cosineMatrix(m, 2, 5);
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(s[i * 5 + i] - 1) < 1e-6);
  assert.is(s[4 * 5 + 4], 0);
  assert.ok(Math.abs(s[0 * 5 + 2] - Math.SQRT1_2) < 1e-6);
  assert.is(s[2 * 5 + 0], s[0 * 5 + 2]);
  assert.ok(Math.abs(cosine(m, 2, 0, 3) + 1) < 1e-6);
  assert.equal(mostSimilarPair(s, 5)!.value > 0.7, true);
  assert.equal([mostSimilarPair(s, 5)!.i, mostSimilarPair(s, 5)!.j], [0, 2]);
  assert.equal([mostSimilarPair(s, 5, (i) => i === 0)!.i, mostSimilarPair(s, 5, (i) => i === 0)!.j], [1, 2]);
  assert.throws(() => cosineMatrix(m, 2, 6), /do not fit/);
});

/** A JS adaLN denoiser: needs `pooled`, and adds its mean to the fake DiT's prediction. */
const fakeAdaln: FakeFn = (inputs, backend) => {
  if (!inputs.pooled) throw new Error("input 'pooled' is missing in 'feeds'.");
  const out = fakeDenoiser(inputs, backend) as unknown as { prediction: { data: Float32Array } };
  const B = inputs.latent.dims[0];
  const n = out.prediction.data.length / B;
  for (let b = 0; b < B; b++) {
    let m = 0;
    for (let k = 0; k < 64; k++) m += inputs.pooled.data[b * 64 + k];
    for (let i = 0; i < n; i++) out.prediction.data[b * n + i] += m / 64;
  }
  return out as never;
};

test('a denoiser that takes the pooled embedding (listed in its flops_shapes or inputs) gets it, half by half; others do not', async () => {
  const world = fakeWorld({ den_adaln: fakeAdaln });
  world.manifest.models.den_adaln.flops_shapes = { latent: [2, 1, 4, 8, 8], timestep: [2], context: [2, 24, 128], pooled: [2, 64] };
  const host = new ModelHost(world.source, { createSession: world.createSession, webgpuSupport: async () => NO_WEBGPU });
  const fed: Record<string, number[][]> = { den_adaln: [], dit: [] };
  const run = host.run.bind(host);
  host.run = (model, feeds, o) => {
    if (model in fed) fed[model].push(feeds.pooled ? [...feeds.pooled.dims, (feeds.pooled.data as Float32Array)[0], (feeds.pooled.data as Float32Array)[64] ?? NaN] : []);
    return run(model, feeds, o);
  };
  assert.ok(denoiserTakesPooled(world.manifest, 'den_adaln'));
  assert.not.ok(denoiserTakesPooled(world.manifest, 'dit'));
  const enc = await encodePrompt(host, 'a red circle');
  const context = { cond: enc.prompt.hidden, uncond: enc.negative.hidden, pooledCond: enc.prompt.pooled, pooledUncond: enc.negative.pooled };
  await sample(host, { model: 'den_adaln', context, seed: 1, steps: 2, frames: 1 });
  assert.equal(fed.den_adaln[0], [2, 64, enc.negative.pooled[0], enc.prompt.pooled[0]], '[uncond, cond] as the contexts');
  await sample(host, { model: 'den_adaln', context, seed: 1, steps: 1, frames: 1, guidance: 1 });
  assert.equal(fed.den_adaln.at(-1)!.slice(0, 3), [1, 64, enc.prompt.pooled[0]], 'guidance 1: the prompt alone');
  await sample(host, { model: 'dit', context, seed: 1, steps: 1, frames: 1 });
  assert.equal(fed.dit[0], [], 'the DiT gets no pooled input');
  await sample(host, { model: 'den_adaln', context: { cond: context.cond, uncond: context.uncond }, seed: 1, steps: 1, frames: 1 }).then(
    () => assert.unreachable('expected an error'),
    (e: Error) => assert.match(e.message, /den_adaln takes the pooled caption embedding/),
  );
  // the whole pipeline passes the pooled embeddings along
  const clip = await textToVideo(host, { prompt: 'a red circle', model: 'den_adaln', seed: 2, steps: 2, frames: 1 });
  assert.is(clip.numFrames, 1);
  assert.equal(fed.den_adaln.at(-1)!.slice(0, 2), [2, 64]);
  await host.release();
});

/** The fake text encoder with a third output, `phrases` = −hidden: easy to tell apart. */
const fakeTextWithPhrases: FakeFn = async (inputs, backend) => {
  const out = await fakeTextEncoder(inputs, backend);
  return { ...out, phrases: new FakeTensor('float32', Float32Array.from(out.hidden.data as Float32Array, (v) => -v), out.hidden.dims) };
};

test('a denoiser whose manifest entry says text_states "phrases" reads the text encoder\'s phrases output; the others read hidden', async () => {
  const world = fakeWorld({ text_encoder: fakeTextWithPhrases, den_phrases: fakeDenoiser });
  world.manifest.models.den_phrases.text_states = 'phrases';
  const host = new ModelHost(world.source, { createSession: world.createSession, webgpuSupport: async () => NO_WEBGPU });
  const fed: Record<string, number[]> = { den_phrases: [], dit: [] };
  const run = host.run.bind(host);
  host.run = (model, feeds, o) => {
    if (model in fed) fed[model].push((feeds.context.data as Float32Array)[24 * 128 + 5 * 128 + 3]); // the cond half, token 5
    return run(model, feeds, o);
  };
  assert.is(textStates(world.manifest, 'den_phrases'), 'phrases');
  assert.is(textStates(world.manifest, 'dit'), 'hidden');
  const enc = await encodePrompt(host, 'a red circle and a blue square');
  assert.ok(enc.prompt.phrases && enc.negative.phrases, 'the encoded prompt keeps the phrases output');
  assert.is(enc.prompt.phrases![5 * 128 + 3], -enc.prompt.hidden[5 * 128 + 3]);
  assert.ok(enc.prompt.hidden[5 * 128 + 3] !== 0);
  const context = guidanceContexts(enc);
  await sample(host, { model: 'den_phrases', context, seed: 1, steps: 1, frames: 1 });
  await sample(host, { model: 'dit', context, seed: 1, steps: 1, frames: 1 });
  assert.equal(fed.den_phrases, [enc.prompt.phrases![5 * 128 + 3]]);
  assert.equal(fed.dit, [enc.prompt.hidden[5 * 128 + 3]]);
  await sample(host, { model: 'den_phrases', context: { cond: context.cond, uncond: context.uncond }, seed: 1, steps: 1, frames: 1 }).then(
    () => assert.unreachable('expected an error'),
    (e: Error) => assert.match(e.message, /den_phrases reads the text encoder's phrases output/),
  );
  // the whole pipeline, and the error-against-timestep measure, hand each model its own states
  await textToVideo(host, { prompt: 'a red circle and a blue square', model: 'den_phrases', seed: 2, steps: 1, frames: 1 });
  assert.is(fed.den_phrases.at(-1), enc.prompt.phrases![5 * 128 + 3]);
  world.manifest.models.den_phrases.text_states = 'words';
  assert.throws(() => textStates(world.manifest, 'den_phrases'), /unknown text_states words/);
  await host.release();
});

test('the error-against-timestep measure gives a phrases denoiser the phrases output', async () => {
  const world = fakeWorld({ text_encoder: fakeTextWithPhrases, den_phrases: fakeDenoiser, vae_encoder: fakeVaeEncoder });
  world.manifest.models.den_phrases.text_states = 'phrases';
  const host = new ModelHost(world.source, { createSession: world.createSession, webgpuSupport: async () => NO_WEBGPU });
  const sums: Record<string, number> = {};
  const run = host.run.bind(host);
  host.run = (model, feeds, o) => {
    if (model === 'den_phrases' || model === 'dit') sums[model] = (feeds.context.data as Float32Array).reduce((a, b) => a + b, 0);
    return run(model, feeds, o);
  };
  await measureDenoiserError(host, { model: 'den_phrases', images: 2, worldSeed: 1, timesteps: [500] });
  await measureDenoiserError(host, { model: 'dit', images: 2, worldSeed: 1, timesteps: [500] });
  assert.ok(sums.dit > 0, 'the fake hidden states are positive');
  assert.ok(Math.abs(sums.den_phrases + sums.dit) < 1e-3 * sums.dit, 'the phrases denoiser got −hidden');
  await host.release();
});

test.run();
