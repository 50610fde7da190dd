// Noise whose frames share a part (pipeline/diffusion/noise.ts): the draw order,
// the statistics it promises, and its checks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fillFrameNoise, neighbourCorrelation } from '../../../pipeline/diffusion/noise';
import { createRandom, fillNormal } from '../../../pipeline/random';

test('a = 0, or one frame, gives exactly fillNormal\'s numbers', () => {
  assert.equal(Array.from(fillFrameNoise(createRandom(5), new Float32Array(8 * 256), 8, 0)), Array.from(fillNormal(createRandom(5), new Float32Array(8 * 256))));
  assert.equal(Array.from(fillFrameNoise(createRandom(5), new Float32Array(256), 1, 1)), Array.from(fillNormal(createRandom(5), new Float32Array(256))));
});

test('the frames\' own normals come first, then the shared part: ε_f = (a·ε_shared + ε_f′)/√(1 + a²)', () => {
  const a = 0.5;
  const got = fillFrameNoise(createRandom('x'), new Float32Array(3 * 4), 3, a);
  const raw = fillNormal(createRandom('x'), new Float32Array(3 * 4 + 4));
  const want = Array.from({ length: 12 }, (_, i) => Math.fround((a * raw[12 + (i % 4)] + raw[i]) / Math.sqrt(1 + a * a)));
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6, `value ${i}: ${v} against ${want[i]}`));
});

test('every value stays standard normal; two frames correlate by a²/(1 + a²)', () => {
  for (const a of [0.5, 1, 2]) {
    const F = 8, size = 4 * 64, draws = 200;
    let sum = 0, sq = 0, cross = 0, count = 0, pairs = 0;
    for (let d = 0; d < draws; d++) {
      const x = fillFrameNoise(createRandom(d), new Float32Array(F * size), F, a);
      for (let i = 0; i < x.length; i++) (sum += x[i]), (sq += x[i] * x[i]), count++;
      for (let i = 0; i < size; i++) (cross += x[i] * x[size + i]), pairs++; // frames 0 and 1
    }
    const mean = sum / count, variance = sq / count - mean * mean, corr = cross / pairs;
    assert.ok(Math.abs(mean) < 0.01, `a = ${a}: mean ${mean}`);
    assert.ok(Math.abs(variance - 1) < 0.02, `a = ${a}: variance ${variance}`);
    assert.ok(Math.abs(corr - (a * a) / (1 + a * a)) < 0.03, `a = ${a}: correlation ${corr}, expected ${(a * a) / (1 + a * a)}`);
  }
});

test('neighbourCorrelation: 0 for independent frames, 1 for copies, a²/(1 + a²) for shared noise', () => {
  const F = 8, size = 2048;
  assert.ok(Math.abs(neighbourCorrelation(fillFrameNoise(createRandom(1), new Float32Array(F * size), F, 0), F)) < 0.03);
  const copies = new Float32Array(F * size);
  const one = fillNormal(createRandom(2), new Float32Array(size));
  for (let f = 0; f < F; f++) copies.set(one, f * size);
  assert.ok(Math.abs(neighbourCorrelation(copies, F) - 1) < 1e-6);
  assert.ok(Math.abs(neighbourCorrelation(fillFrameNoise(createRandom(3), new Float32Array(F * size), F, 1), F) - 0.5) < 0.04);
  assert.throws(() => neighbourCorrelation(new Float32Array(10), 1), /2 or more frames/);
});

test('bad shapes and values are RangeErrors', () => {
  assert.throws(() => fillFrameNoise(createRandom(1), new Float32Array(10), 3, 1), /do not split into 3 frames/);
  assert.throws(() => fillFrameNoise(createRandom(1), new Float32Array(10), 0, 1), /frames/);
  assert.throws(() => fillFrameNoise(createRandom(1), new Float32Array(10), 2, -1), /shared must be/);
  assert.throws(() => fillFrameNoise(createRandom(1), new Float32Array(10), 2, NaN), /shared must be/);
});

test.run();
