// pipeline/lessons/toy2d.ts: the data sets, the exact denoiser against a direct
// computation and against the Gaussian closed form, and sampling with it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { makeSchedule } from '../../../pipeline/diffusion/schedule';
import { createRandom } from '../../../pipeline/random';
import {
  DATA_EXTENT, IdealDenoiser, MAX_DRAWN_POINTS, Sampler2D, decodePoints, denoiserField, distancesToData, encodePoints,
  expNonPositive, noiseParticles, particleNoise, snapPoint, spiral, twoMoons, type Points2D,
} from '../../../pipeline/lessons/toy2d';

const linear = makeSchedule({ betaSchedule: 'linear' });

/** E[x₀ | x_t] the slow, obvious way: Math.exp of squared distances, in float64. */
function reference(data: Points2D, x: number, y: number, abar: number): [number, number] {
  const a = Math.sqrt(abar), s2 = 1 - abar;
  const logits: number[] = [];
  for (let i = 0; i < data.n; i++) {
    const dx = x - a * data.xy[2 * i], dy = y - a * data.xy[2 * i + 1];
    logits.push(-(dx * dx + dy * dy) / (2 * s2));
  }
  const max = Math.max(...logits);
  let sum = 0, sx = 0, sy = 0;
  logits.forEach((l, i) => {
    const w = Math.exp(l - max);
    sum += w;
    sx += w * data.xy[2 * i];
    sy += w * data.xy[2 * i + 1];
  });
  return [sx / sum, sy / sum];
}

test('data sets: deterministic, the asked-for size, inside the data square, both halves used', () => {
  for (const make of [spiral, twoMoons]) {
    const a = make(300), b = make(300);
    assert.is(a.n, 300);
    assert.equal(Array.from(a.xy), Array.from(b.xy), 'same points every time');
    assert.ok(a.xy.every((v) => Math.abs(v) <= DATA_EXTENT));
    let left = 0;
    for (let i = 0; i < a.n; i++) if (a.xy[2 * i] < 0) left++;
    assert.ok(left > 60 && left < 240, `points on both sides (${left} of 300 left of 0)`);
  }
});

test('expNonPositive: relative error below 1e-8 on [−40, 0]', () => {
  const rng = createRandom('exp');
  let worst = 0;
  for (let i = 0; i < 100_000; i++) {
    const x = -40 * rng.uniform();
    worst = Math.max(worst, Math.abs(expNonPositive(x) / Math.exp(x) - 1));
  }
  assert.ok(worst < 1e-8, `worst relative error ${worst}`);
  assert.is(expNonPositive(0), 1);
});

test('ideal denoiser: matches the direct softmax-weighted average at every noise level', () => {
  const data = spiral(200);
  const d = new IdealDenoiser(data);
  const rng = createRandom('points');
  const xt = Float32Array.from({ length: 200 }, () => 3 * rng.normal());
  for (const t of [0, 10, 100, 300, 600, 999]) {
    const abar = linear.alphasCumprod[t];
    const got = d.predictX0(xt, abar);
    for (let j = 0; j < xt.length / 2; j++) {
      const [ex, ey] = reference(data, xt[2 * j], xt[2 * j + 1], abar);
      assert.ok(Math.abs(got[2 * j] - ex) < 2e-6 && Math.abs(got[2 * j + 1] - ey) < 2e-6, `t=${t} point ${j}: ${got[2 * j]},${got[2 * j + 1]} vs ${ex},${ey}`);
    }
  }
});

test('ideal denoiser: nearest point without noise, the data mean at ᾱ = 0, weights sum to 1', () => {
  const data: Points2D = { xy: Float32Array.of(-1, 0, 1, 0, 0, 1), n: 3 };
  const d = new IdealDenoiser(data);
  assert.equal(Array.from(d.predictX0([0.9, 0.2], 1)), [1, 0]);
  const mean = d.predictX0([2.5, -3], 0);
  assert.ok(Math.abs(mean[0]) < 1e-7 && Math.abs(mean[1] - 1 / 3) < 1e-7, `mean ${mean}`);
  // halfway between two points, at any noise, the posterior splits evenly between them
  const two = new IdealDenoiser({ xy: Float32Array.of(-1, 0, 1, 0), n: 2 });
  for (const abar of [0.01, 0.5, 0.99]) assert.ok(Math.abs(two.predictX0([0, 0.7], abar)[0]) < 1e-7);
  const w = d.weights(0.3, 0.4, 0.7);
  assert.ok(Math.abs(w.reduce((s, v) => s + v, 0) - 1) < 1e-12);
  // a single data point is always the answer
  const one = new IdealDenoiser({ xy: Float32Array.of(0.5, -0.25), n: 1 });
  assert.equal(Array.from(one.predictX0([3, 3, -2, 1], 0.3)), [0.5, -0.25, 0.5, -0.25]);
});

test('ideal denoiser: with many Gaussian data points it approaches the Gaussian posterior mean', () => {
  // x₀ ~ N(μ, σ²I): E[x₀ | x_t] = μ + √ᾱσ²/(ᾱσ² + 1 − ᾱ)·(x_t − √ᾱμ)
  const rng = createRandom('gauss');
  const n = 20_000, mu = [0.5, -0.3], sigma = 0.6;
  const xy = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    xy[2 * i] = mu[0] + sigma * rng.normal();
    xy[2 * i + 1] = mu[1] + sigma * rng.normal();
  }
  const d = new IdealDenoiser({ xy, n });
  for (const abar of [0.2, 0.5, 0.8]) {
    const a = Math.sqrt(abar), k = (a * sigma * sigma) / (abar * sigma * sigma + 1 - abar);
    const x = [0.4, 0.1];
    const got = d.predictX0(x, abar);
    for (const c of [0, 1]) {
      const expected = mu[c] + k * (x[c] - a * mu[c]);
      assert.ok(Math.abs(got[c] - expected) < 0.03, `ᾱ=${abar}: ${got[c]} vs ${expected}`);
    }
  }
});

test('forward process on particles: x_t = √ᾱ·x₀ + √(1 − ᾱ)·ε, the same ε for the same seed', () => {
  const data = twoMoons(50);
  const eps = particleNoise(50, 7);
  assert.equal(Array.from(eps), Array.from(particleNoise(50, 7)));
  assert.not.equal(Array.from(eps), Array.from(particleNoise(50, 8)));
  const abar = linear.alphasCumprod[400];
  const xt = noiseParticles(data.xy, eps, abar);
  for (let i = 0; i < xt.length; i++) {
    assert.ok(Math.abs(xt[i] - (Math.sqrt(abar) * data.xy[i] + Math.sqrt(1 - abar) * eps[i])) < 1e-6);
  }
});

test('field: a grid of predictions; near t = 0 each grid point points at its nearest data point', () => {
  const data = spiral(100);
  const d = new IdealDenoiser(data);
  const { at, predX0 } = denoiserField(d, linear.alphasCumprod[0], 8);
  assert.is(at.length, 128);
  const dist = distancesToData(predX0, data);
  assert.ok(dist.every((v) => v < 1e-3), 'every prediction is (nearly) a data point');
});

test('sampling: deterministic for a seed; with every step, DDIM and DDPM both end on the training points (memorisation)', () => {
  const data = spiral(150);
  for (const sampler of ['ddim', 'ddpm'] as const) {
    const run = (seed: number) => new Sampler2D({ data, particles: 120, seed, sampler, steps: 1000, schedule: linear }).run();
    const a = run(3);
    assert.equal(Array.from(a), Array.from(run(3)), `${sampler}: same seed, same samples`);
    assert.not.equal(Array.from(a), Array.from(run(4)), `${sampler}: another seed, other samples`);
    const dist = distancesToData(a, data);
    const onData = dist.filter((v) => v < 0.02).length;
    assert.ok(onData >= 0.95 * 120, `${sampler}: ${onData} of 120 samples on a training point`);
  }
});

test('sampling: the path holds every step, from N(0, I) to x₀; one trailing step lands near the data mean', () => {
  const data = twoMoons(200);
  const s = new Sampler2D({ data, particles: 300, seed: 1, sampler: 'ddim', steps: 5, schedule: linear });
  assert.equal(Array.from(s.timesteps), [999, 799, 599, 399, 199]);
  s.run();
  assert.is(s.path.length, 6);
  assert.ok(s.done);
  assert.not.ok(s.step());
  const one = new Sampler2D({ data, particles: 300, seed: 1, sampler: 'ddim', steps: 1, schedule: linear }).run();
  let mx = 0, my = 0;
  for (let i = 0; i < data.n; i++) {
    mx += data.xy[2 * i] / data.n;
    my += data.xy[2 * i + 1] / data.n;
  }
  for (let j = 0; j < 300; j++) assert.ok(Math.hypot(one[2 * j] - mx, one[2 * j + 1] - my) < 0.1, 'one step from pure noise: the mean');
  assert.throws(() => new Sampler2D({ data, particles: 0, seed: 1, sampler: 'ddim', steps: 5, schedule: linear }), /particles/);
});

test('drawn points in a URL: round trip to 12 bits, bad text repaired and said, never thrown', () => {
  const pts = [0.1, -0.2, 1.6, -1.6, 0, 0, -0.77, 1.23];
  const text = encodePoints(pts);
  assert.match(text, /^[A-Za-z0-9_-]*$/);
  const back = decodePoints(text);
  assert.equal(back.problems, []);
  assert.is(back.points.n, 4);
  for (let i = 0; i < pts.length; i++) assert.ok(Math.abs(back.points.xy[i] - pts[i]) < 0.001);
  const snapped = snapPoint(0.1, -0.2);
  assert.ok(Math.abs(snapped[0] - back.points.xy[0]) < 1e-6);
  assert.ok(Math.abs(decodePoints(encodePoints([9, -9])).points.xy[0] - DATA_EXTENT) < 1e-6, 'clamped into the data square');
  const bad = decodePoints(text + 'A!?');
  assert.is(bad.points.n, 4);
  assert.is(bad.problems.length, 2);
  assert.equal(decodePoints('').points.n, 0);
  assert.is(decodePoints(null as unknown as string).points.n, 0);
  const many = decodePoints('AAAA'.repeat(MAX_DRAWN_POINTS + 5));
  assert.is(many.points.n, MAX_DRAWN_POINTS);
  assert.match(many.problems.join(), /more than/);
});

test.run();
