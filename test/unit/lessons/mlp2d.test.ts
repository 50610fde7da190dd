// pipeline/lessons/mlp2d.ts and mlp2d-train.ts: chapter 0's small network.
// Backprop against finite differences, the loss falling on a fixed seed as the
// chapter says, the same seed giving the same weights (however the steps are
// chunked), and the network as a Denoiser2D for the samplers of toy2d.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { makeSchedule } from '../../../pipeline/diffusion/schedule';
import { createRandom } from '../../../pipeline/random';
import { MLP2D_CONFIG, Mlp2D, MlpDenoiser, initParams, layerOffsets, parameterCount, timestepOf, writeInput } from '../../../pipeline/lessons/mlp2d';
import {
  COMPARE_PARTICLES, COMPARE_STEPS, LOSS_BELOW, LOSS_WITHIN, LOSS_WINDOW, Mlp2DTrainer, TRAIN_BATCH, compareSamples, idealLoss, smoothedLoss,
} from '../../../pipeline/lessons/mlp2d-train';
import { Sampler2D, spiral } from '../../../pipeline/lessons/toy2d';

const { alphasCumprod } = makeSchedule({ betaSchedule: 'linear' });
const data = spiral(250);

test('a few thousand parameters, laid out layer by layer', () => {
  const P = parameterCount();
  assert.ok(P >= 2000 && P <= 10_000, `${P} parameters`);
  assert.is(P, 5762);
  const layers = layerOffsets(MLP2D_CONFIG);
  assert.is(layers[0].fanIn, 2 + 2 * MLP2D_CONFIG.frequencies + 4 * MLP2D_CONFIG.pointFrequencies);
  assert.is(layers.at(-1)!.fanOut, 2);
});

test('backprop equals central finite differences for weights and biases of every layer', () => {
  const B = 6, net = new Mlp2D(B);
  const params = initParams(3);
  const rng = createRandom('gradcheck');
  for (let k = 0; k < params.length; k++) params[k] += 0.2 * rng.normal(); // away from the small last layer's start
  const rows = Array.from({ length: B }, () => ({ x: 1.5 * rng.normal(), y: 1.5 * rng.normal(), t: rng.int(1000), e: [rng.normal(), rng.normal()] }));
  const loss = (p: Float32Array) => {
    rows.forEach((r, b) => writeInput(net.acts[0], B, b, r.x, r.y, r.t, MLP2D_CONFIG));
    const out = net.forward(p, B);
    let L = 0;
    rows.forEach((r, b) => (L += (out[b] - r.e[0]) ** 2 + (out[B + b] - r.e[1]) ** 2));
    return L / (2 * B);
  };
  loss(params);
  const out = net.acts.at(-1)!, dOut = new Float64Array(2 * B), grad = new Float64Array(params.length);
  rows.forEach((r, b) => {
    dOut[b] = (out[b] - r.e[0]) / B;
    dOut[B + b] = (out[B + b] - r.e[1]) / B;
  });
  net.backward(params, B, dOut, grad);
  let checked = 0, worst = 0;
  for (const L of layerOffsets(MLP2D_CONFIG)) {
    const picks = [L.w, L.w + 1, L.w + L.fanIn * L.fanOut - 1, L.w + ((L.fanIn * L.fanOut) >> 1), L.b, L.b + L.fanOut - 1];
    for (const k of picks) {
      const q = Float32Array.from(params);
      q[k] = params[k] + 1e-2;
      const hi = q[k], lp = loss(q);
      q[k] = params[k] - 1e-2;
      const lo = q[k], lm = loss(q);
      const numeric = (lp - lm) / (hi - lo);
      const rel = Math.abs(numeric - grad[k]) / Math.max(1e-7, Math.abs(numeric) + Math.abs(grad[k]));
      worst = Math.max(worst, rel);
      assert.ok(rel < 2e-3, `parameter ${k}: backprop ${grad[k]}, finite difference ${numeric}`);
      checked++;
    }
  }
  assert.is(checked, 6 * layerOffsets(MLP2D_CONFIG).length);
  assert.ok(worst < 2e-3, `worst relative error ${worst}`);
});

test(`seed 1 on the spiral: the loss starts near 1 and its mean over ${LOSS_WINDOW} steps falls below ${LOSS_BELOW} within ${LOSS_WITHIN} steps`, () => {
  const tr = new Mlp2DTrainer({ data, seed: 1, alphasCumprod });
  assert.is(tr.batch, TRAIN_BATCH);
  tr.trainTo(LOSS_WITHIN);
  const first = smoothedLoss(tr.losses, 10, 10);
  assert.ok(first > 0.6, `the first 10 steps' mean loss ${first}`);
  let reached = -1;
  for (let k = LOSS_WINDOW; k <= LOSS_WITHIN; k += 100) {
    if (smoothedLoss(tr.losses, k, LOSS_WINDOW) < LOSS_BELOW) {
      reached = k;
      break;
    }
  }
  const end = smoothedLoss(tr.losses, LOSS_WITHIN, LOSS_WINDOW);
  assert.ok(reached > 0, `never below ${LOSS_BELOW}; at ${LOSS_WITHIN} steps ${end}`);
  assert.ok(end < LOSS_BELOW, `at ${LOSS_WITHIN} steps: ${end}`);
  // and it stays above the ideal denoiser's loss, which only memorising reaches
  const ideal = idealLoss(data, alphasCumprod);
  assert.ok(ideal > 0.17 && ideal < end, `ideal denoiser's loss ${ideal}, the network's ${end}`);
});

test('the same seed gives the same weights, however the steps are chunked; another seed other weights', () => {
  const a = new Mlp2DTrainer({ data, seed: 7, alphasCumprod });
  const b = new Mlp2DTrainer({ data, seed: 7, alphasCumprod });
  const c = new Mlp2DTrainer({ data, seed: 8, alphasCumprod });
  a.trainTo(300);
  for (const k of [1, 50, 51, 200, 300]) b.trainTo(k);
  c.trainTo(300);
  assert.equal(Array.from(a.params), Array.from(b.params));
  assert.equal(Array.from(a.ema), Array.from(b.ema));
  assert.equal(Array.from(a.losses), Array.from(b.losses));
  assert.is.not(a.params[0], c.params[0]);
  assert.equal(Array.from(initParams(7)), Array.from(initParams(7)));
});

test('as a Denoiser2D: x̂₀ = (x_t − √(1 − ᾱ)·ε̂)/√ᾱ at the timestep of ᾱ, and DDIM samples with it as with the ideal denoiser', () => {
  for (const t of [0, 1, 37, 500, 998, 999]) assert.is(timestepOf(alphasCumprod, alphasCumprod[t]), t);
  const mid = (alphasCumprod[10] + alphasCumprod[11]) / 2;
  assert.ok(Math.abs(timestepOf(alphasCumprod, mid) - 10.5) < 0.01);
  const tr = new Mlp2DTrainer({ data, seed: 1, alphasCumprod });
  tr.trainTo(200);
  const den = new MlpDenoiser(data, tr.ema, alphasCumprod);
  const xt = Float32Array.from({ length: 600 }, (_, k) => Math.sin(k) * 2); // 300 points: two forward passes
  const ab = alphasCumprod[120];
  const eps = den.predictEps(xt, 120), x0 = den.predictX0(xt, ab);
  for (let k = 0; k < xt.length; k++) assert.ok(Math.abs(x0[k] - (xt[k] - Math.sqrt(1 - ab) * eps[k]) / Math.sqrt(ab)) < 1e-4);
  const one = den.predictEps(xt.subarray(0, 2), 120);
  assert.equal(Array.from(one), Array.from(eps.subarray(0, 2)), 'a point alone or in a batch: the same ε̂');
  const net = compareSamples(data, tr.ema, 4, alphasCumprod);
  assert.is(net.length, 2 * COMPARE_PARTICLES);
  const viaSampler = new Sampler2D({ data, particles: COMPARE_PARTICLES, seed: 4, sampler: 'ddim', steps: COMPARE_STEPS, schedule: { alphasCumprod } }, den).run();
  assert.equal(Array.from(net), Array.from(viaSampler));
  const exact = compareSamples(data, null, 4, alphasCumprod);
  const ideal = new Sampler2D({ data, particles: COMPARE_PARTICLES, seed: 4, sampler: 'ddim', steps: COMPARE_STEPS, schedule: { alphasCumprod } }).run();
  assert.equal(Array.from(exact), Array.from(ideal));
  assert.throws(() => new MlpDenoiser(data, new Float32Array(10), alphasCumprod), /parameters/);
});

test.run();
