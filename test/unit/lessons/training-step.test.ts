// One training step (pipeline/lessons/training-step.ts) and the loss against t
// (loss-sweep.ts): first the arithmetic with JS sessions (test/helpers/fake-models.ts),
// then the golden: the committed ONNX models in Node give the loss PyTorch gives
// for the same clip, t and ε (weights/golden/lessons/training-step.json, written by
// weights/train/training_step_golden.py from tools/training-step-inputs.ts's inputs)
// within the file's tolerance. CI has no torch: the golden file stands in for it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { makeSchedule } from '../../../pipeline/diffusion';
import { fillNormal, createRandom } from '../../../pipeline/random';
import { lossSweep, binnedMeans, meanOf } from '../../../pipeline/lessons/loss-sweep';
import {
  lossWeights, minSnrWeight, predictTrainingStep, prepareTrainingStep, scorePrediction, trainedSharedNoise, trainingNoise, worldClipOf,
} from '../../../pipeline/lessons/training-step';
import { ModelHost, type Feeds } from '../../../pipeline/runtime/models';
import { fileWeights, readManifestIfAny, WEIGHTS_DIR } from '../../../pipeline/runtime/weights-node';
import { stepInputs } from '../../../tools/training-step-inputs';
import { clipOf } from '../../../chapters/chapter-training/state';
import { fakeWorld, NO_WEBGPU, type FakeFn } from '../../helpers/fake-models';

const abar = makeSchedule({ betaSchedule: 'squaredcos_cap_v2' }).alphasCumprod;
const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a}, expected ${b} (±${tol})`);

test('min-SNR-5 on v: min(SNR, 5)/(SNR + 1), at most 5/6 where SNR = 5; the weightings against the x₀ error', () => {
  for (const t of [0, 100, 300, 500, 700, 900, 999]) {
    const a = abar[t], snr = a / (1 - a);
    close(minSnrWeight(a), Math.min(snr, 5) / (snr + 1), 1e-15, `w at t = ${t}`);
    assert.ok(minSnrWeight(a) <= 5 / 6 + 1e-12);
    const w = lossWeights(a);
    close(w.v, w.epsilon + w.x0, 1e-9 * w.v, 'v-loss = ε-loss + x₀-loss, weighed on the x₀ error');
    close(w.minSnr / w.v, minSnrWeight(a), 1e-12, 'min-SNR on x₀ = the v-loss times w');
  }
  close(minSnrWeight(5 / 6), 5 / 6, 1e-12, 'the peak');
  assert.ok(minSnrWeight(abar[999]) < 1e-4 && minSnrWeight(abar[0]) < 1e-3, 'both ends weigh almost nothing');
});

test('training noise: one frame is plain N(0, I); a clip\'s frames share a part, each entry still unit variance', () => {
  const one = trainingNoise(3, 1, 1);
  assert.equal(Array.from(one), Array.from(fillNormal(createRandom('training noise 3'), new Float32Array(256))));
  const clip = trainingNoise(3, 8, 1, 4096);
  let s = 0, ss = 0, cross = 0;
  for (let i = 0; i < 4096; i++) for (let f = 0; f < 8; f++) {
    const x = clip[f * 4096 + i];
    s += x; ss += x * x;
    if (f < 7) cross += x * clip[(f + 1) * 4096 + i];
  }
  close(ss / clip.length, 1, 0.05, 'variance');
  close(cross / (7 * 4096), 0.5, 0.05, 'neighbour correlation a²/(1 + a²) at a = 1');
  assert.not.equal(Array.from(trainingNoise(4, 8, 1).subarray(0, 8)), Array.from(trainingNoise(3, 8, 1).subarray(0, 8)));
});

test('scorePrediction: v̂ = v has no loss; v̂ = 0 has loss mean v², and the ε̂ and x̂₀ errors are ᾱ and 1 − ᾱ of the v error', () => {
  const n = 2 * 256, a = abar[400];
  const z0 = fillNormal(createRandom(1), new Float32Array(n)), eps = fillNormal(createRandom(2), new Float32Array(n));
  const zt = z0.map((x, i) => Math.sqrt(a) * x + Math.sqrt(1 - a) * eps[i]);
  const v = z0.map((x, i) => Math.sqrt(a) * eps[i] - Math.sqrt(1 - a) * x);
  const step = { numFrames: 2, height: 8, width: 8, zt, z0, eps, v };
  const exact = scorePrediction(Float32Array.from(v), step, a);
  assert.ok(exact.loss < 1e-12 && exact.epsLoss < 1e-10 && exact.x0Loss < 1e-10);
  const zero = scorePrediction(new Float32Array(n), step, a);
  close(zero.loss, v.reduce((s, x) => s + x * x, 0) / n, 1e-6, 'loss');
  close(zero.epsLoss, a * zero.loss, 1e-5, 'ε̂ error');
  close(zero.x0Loss, (1 - a) * zero.loss, 1e-5, 'x̂₀ error');
  close(zero.weightedLoss, minSnrWeight(a) * zero.loss, 1e-12, 'weighted');
  close((zero.frameLoss[0] + zero.frameLoss[1]) / 2, zero.loss, 1e-6, 'frames');
  close(zero.errorMap.reduce((s, x) => s + x, 0) / 128, zero.loss, 1e-5, 'the error map averages to the loss');
});

/** A denoiser that predicts v̂ = 0 and records what it was given. */
function zeroDenoiser(calls: Feeds[]): FakeFn {
  return (inputs) => {
    calls.push(Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, { type: 'float32', data: Float32Array.from(v.data as Float32Array), dims: [...v.dims] }])) as Feeds);
    const T = inputs.latent.constructor as unknown as new (type: string, data: Float32Array, dims: readonly number[]) => unknown;
    return { prediction: new T('float32', new Float32Array(inputs.latent.data.length), inputs.latent.dims) as never };
  };
}

test('prepare, predict and sweep with JS models: the documented inputs, batches and draws; cancelled between calls', async () => {
  const calls: Feeds[] = [];
  const world = fakeWorld({ dit: zeroDenoiser(calls) });
  const host = new ModelHost(world.source, { createSession: world.createSession, webgpuSupport: async () => NO_WEBGPU });
  const { clip, caption } = worldClipOf('a red circle moving right', 3);
  assert.is(clip.numFrames, 8);
  assert.is(worldClipOf('a big cyan triangle in the top left', 1).clip.numFrames, 1);
  const eps = trainingNoise(5, 8, trainedSharedNoise(world.manifest, 'dit'));
  const step = await prepareTrainingStep(host, 'dit', { clip, caption, t: 700, eps });
  assert.is(step.numFrames, 8);
  for (let i = 0; i < step.zt.length; i += 97) close(step.zt[i], Math.sqrt(abar[700]) * step.z0[i] + Math.sqrt(1 - abar[700]) * eps[i], 1e-5, `z_t[${i}]`);
  const p = await predictTrainingStep(host, 'dit', step);
  assert.equal(calls[0].latent.dims, [1, 8, 4, 8, 8]);
  assert.equal(Array.from(calls[0].timestep.data as Float32Array), [700]);
  close(p.loss, step.v.reduce((s, x) => s + x * x, 0) / step.v.length, 1e-6, 'loss of v̂ = 0');
  const seen: number[] = [];
  const draws = await lossSweep(host, 'dit', step, { draws: 10, batch: 4, seed: 1 }, { onBatch: (b, done, of) => seen.push(b.length, done, of) });
  assert.equal(seen, [4, 4, 10, 4, 8, 10, 2, 10, 10]);
  assert.equal(calls.slice(1).map((c) => c.latent.dims[0]), [4, 4, 2]);
  assert.equal(draws.map((d) => d.t), Array.from(calls.slice(1).flatMap((c) => Array.from(c.timestep.data as Float32Array))));
  assert.ok(draws.every((d) => Number.isInteger(d.t) && d.t >= 0 && d.t < 1000 && d.weightedLoss <= d.loss));
  const again = await lossSweep(host, 'dit', step, { draws: 10, batch: 5, seed: 1 });
  assert.equal(again.map((d) => d.t), draws.map((d) => d.t), 'the draws do not depend on the batch');
  const bins = binnedMeans(draws, 'loss', 5);
  assert.is(bins.reduce((s, b) => s + b.n, 0), 10);
  close(meanOf(draws, 'loss'), draws.reduce((s, d) => s + d.loss, 0) / 10, 1e-12, 'mean');
  const controller = new AbortController();
  try {
    await lossSweep(host, 'dit', step, { draws: 40, batch: 4, seed: 1 }, { signal: controller.signal, onBatch: (_b, done) => done === 8 && controller.abort() });
    assert.unreachable('expected an abort');
  } catch (e) {
    assert.is((e as Error).name, 'AbortError');
  }
});

const GOLDEN = path.join(WEIGHTS_DIR, 'golden', 'lessons', 'training-step.json');
const manifest = readManifestIfAny();
const needs = ['vae_encoder', 'text_encoder', 'dit'];
const missing = needs.filter((n) => !manifest?.models[n]);
const golden = existsSync(GOLDEN) ? JSON.parse(readFileSync(GOLDEN, 'utf8')) : null;

if (!golden || missing.length) {
  console.log(`  skipped the golden training step: ${!golden ? 'weights/golden/lessons/training-step.json is missing' : `the manifest lacks ${missing.join(', ')}`}`);
} else {
  test('golden: the ONNX models in Node give PyTorch\'s training-step losses for the same clip, t and ε (within 1e-4)', async () => {
    assert.is(golden.sha256, manifest!.models.dit.sha256, 'the golden was made for the committed dit.onnx: run tools/training-step-inputs.ts and weights/train/training_step_golden.py again');
    const inputs = stepInputs(golden.state, manifest!);
    const sha = (b64: string) => createHash('sha256').update(Buffer.from(b64, 'base64')).digest('hex');
    assert.equal({ frames: sha(inputs.frames), eps: sha(inputs.eps) }, golden.inputs_sha256, 'the page makes the inputs PyTorch was given');
    assert.is(inputs.caption, golden.caption);
    const host = new ModelHost(fileWeights());
    try {
      const { clip, caption } = clipOf(golden.state);
      const raw = Buffer.from(inputs.eps, 'base64');
      const eps = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
      const step = await prepareTrainingStep(host, 'dit', { clip, caption, t: golden.state.t, eps }, { backend: 'wasm' });
      const p = await predictTrainingStep(host, 'dit', step, { backend: 'wasm' });
      const tol = golden.tolerance as number;
      console.log(`      “${caption}”, t = ${step.t}: loss ${p.loss.toFixed(6)} (PyTorch ${golden.loss.toFixed(6)}, |Δ| ${Math.abs(p.loss - golden.loss).toExponential(1)}), min-SNR ${p.weightedLoss.toFixed(6)} (|Δ| ${Math.abs(p.weightedLoss - golden.weighted_loss).toExponential(1)})`);
      close(step.alphaBar, golden.alpha_bar, 1e-6, 'ᾱ');
      close(p.weight, golden.weight, 1e-6, 'weight');
      close(p.loss, golden.loss, tol, 'loss');
      close(p.weightedLoss, golden.weighted_loss, tol, 'min-SNR loss');
      close(p.epsLoss, golden.eps_loss, tol, 'ε̂ loss');
      close(p.x0Loss, golden.x0_loss, tol, 'x̂₀ loss');
      golden.frame_loss.forEach((l: number, f: number) => close(p.frameLoss[f], l, tol, `frame ${f + 1}`));
      const pred = new Float32Array(new Uint8Array(Buffer.from(golden.prediction, 'base64')).buffer);
      let worst = 0;
      for (let i = 0; i < pred.length; i++) worst = Math.max(worst, Math.abs(pred[i] - p.prediction[i]));
      assert.ok(worst < 1e-3, `v̂ differs from PyTorch's by at most ${worst}`);
    } finally {
      await host.release();
    }
  });
}

test.run();
