// pipeline/lessons/flow2d.ts: the exact flow velocity against a brute-force
// posterior and against the continuity equation (finite differences), Euler
// sampling onto the data, an Euler step as a DDIM step, and the measured
// properties chapter 0's flow figure states, on its default data set and seed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { makeSchedule } from '../../../pipeline/diffusion/schedule';
import { ddimStep } from '../../../pipeline/diffusion/samplers';
import { createRandom } from '../../../pipeline/random';
import { IdealDenoiser, distancesToData, spiral, twoMoons, type Points2D } from '../../../pipeline/lessons/toy2d';
import {
  FLOW_PARTICLES, FLOW_REFERENCE_STEPS, FLOW_STEP_COUNTS, FLOW_TOLERANCE, FlowSampler, compareFlowDdim, flowPredictX0, flowVelocity, meanPairDistance, pathStraightness, runToEnd, samplerPair, startingNoise, stepsToReach,
} from '../../../pipeline/lessons/flow2d';

const linear = makeSchedule({ betaSchedule: 'linear' });

/** v(x, t) the obvious way: posterior weights softmax(−‖x − (1 − t)·d_i‖²/(2t²)), then Σ w_i·(ε_i − d_i) with ε_i = (x − (1 − t)·d_i)/t. */
function bruteVelocity(data: Points2D, x: number, y: number, t: number): [number, number] {
  const logits: number[] = [];
  for (let i = 0; i < data.n; i++) {
    const dx = x - (1 - t) * data.xy[2 * i], dy = y - (1 - t) * data.xy[2 * i + 1];
    logits.push(-(dx * dx + dy * dy) / (2 * t * t));
  }
  const max = Math.max(...logits);
  let sum = 0, vx = 0, vy = 0;
  logits.forEach((l, i) => {
    const w = Math.exp(l - max);
    const ex = (x - (1 - t) * data.xy[2 * i]) / t, ey = (y - (1 - t) * data.xy[2 * i + 1]) / t;
    sum += w;
    vx += w * (ex - data.xy[2 * i]);
    vy += w * (ey - data.xy[2 * i + 1]);
  });
  return [vx / sum, vy / sum];
}

test('the exact velocity equals the brute-force posterior mean of ε − x₀', () => {
  const data = spiral(250);
  const d = new IdealDenoiser(data);
  const rng = createRandom('flow-check');
  for (const t of [1, 0.9, 0.5, 0.2, 0.05, 0.01]) {
    for (let k = 0; k < 20; k++) {
      const x = rng.range(-3, 3), y = rng.range(-3, 3);
      const [bx, by] = bruteVelocity(data, x, y, t);
      const v = flowVelocity(d, [x, y], t);
      const scale = Math.max(1, Math.hypot(bx, by));
      assert.ok(Math.hypot(v[0] - bx, v[1] - by) < 1e-4 * scale, `t = ${t} at (${x}, ${y}): ${v[0]}, ${v[1]} against ${bx}, ${by}`);
    }
  }
  // the ends: at t = 1 the guess is the data's mean; at t → 0 the nearest point
  const x0 = flowPredictX0(d, [0.3, -2], 1);
  let mx = 0, my = 0;
  for (let i = 0; i < data.n; i++) [mx, my] = [mx + data.xy[2 * i] / data.n, my + data.xy[2 * i + 1] / data.n];
  assert.ok(Math.hypot(x0[0] - mx, x0[1] - my) < 1e-5);
});

test('the velocity moves the density as the continuity equation says: ∂p/∂t + ∇·(p·v) = 0 (finite differences)', () => {
  const data: Points2D = { xy: Float32Array.from([-1, 0.5, 0.8, 0.9, 0.2, -1.1, 1.3, -0.4, -0.6, -0.8]), n: 5 };
  const d = new IdealDenoiser(data);
  /** p_t(x): the average of N((1 − t)·d_i, t²·I). */
  const density = (x: number, y: number, t: number) => {
    let p = 0;
    for (let i = 0; i < data.n; i++) {
      const dx = x - (1 - t) * data.xy[2 * i], dy = y - (1 - t) * data.xy[2 * i + 1];
      p += Math.exp(-(dx * dx + dy * dy) / (2 * t * t)) / (2 * Math.PI * t * t * data.n);
    }
    return p;
  };
  const flux = (x: number, y: number, t: number): [number, number] => {
    const v = flowVelocity(d, [x, y], t), p = density(x, y, t);
    return [p * v[0], p * v[1]];
  };
  const h = 1e-3;
  for (const [x, y, t] of [[0.1, 0.2, 0.6], [-0.9, 0.4, 0.3], [1, -0.5, 0.45], [0.5, 0.5, 0.8]]) {
    const dpdt = (density(x, y, t + h) - density(x, y, t - h)) / (2 * h);
    const div = (flux(x + h, y, t)[0] - flux(x - h, y, t)[0]) / (2 * h) + (flux(x, y + h, t)[1] - flux(x, y - h, t)[1]) / (2 * h);
    assert.ok(Math.abs(dpdt + div) < 2e-3 * (Math.abs(dpdt) + Math.abs(div)), `at (${x}, ${y}), t = ${t}: ∂p/∂t ${dpdt}, ∇·(pv) ${div}`);
  }
});

test('Euler with many steps lands on training points; one point: one step lands on it and the path is straight', () => {
  const data = spiral(250);
  const d = new IdealDenoiser(data);
  const end = new FlowSampler(d, startingNoise(200, 3), 500).run();
  const dist = distancesToData(end, data);
  assert.ok(Math.max(...dist) < 0.01, `farthest sample ${Math.max(...dist)} from a training point`);
  const one: Points2D = { xy: Float32Array.from([0.7, -0.3]), n: 1 };
  const d1 = new IdealDenoiser(one);
  const s1 = new FlowSampler(d1, startingNoise(50, 1), 1).run();
  for (let j = 0; j < 50; j++) assert.ok(Math.hypot(s1[2 * j] - 0.7, s1[2 * j + 1] + 0.3) < 1e-6);
  const many = new FlowSampler(d1, startingNoise(50, 1), 200);
  many.run();
  assert.ok(Math.abs(pathStraightness(many.path) - 1) < 1e-4, 'straight lines for a single point');
  const ddim = samplerPair({ data: one, particles: 50, seed: 1, schedule: linear, denoiser: d1 }, 200).ddim;
  ddim.run();
  assert.ok(pathStraightness(ddim.path) > 1.05, `DDIM's paths to one point are arcs: ${pathStraightness(ddim.path)}`);
});

test('an Euler step of the flow is a DDIM step: DDIM at the flow\'s noise levels gives the flow\'s samples', () => {
  const data = twoMoons(250);
  const d = new IdealDenoiser(data);
  const steps = 7, start = startingNoise(100, 5);
  const flow = new FlowSampler(d, start, steps).run();
  // ᾱ for flow time t: x_t/c with c = √((1 − t)² + t²) is variance-preserving with √ᾱ = (1 − t)/c
  const times = Array.from({ length: steps }, (_, i) => (i + 1) / steps); // timestep index i ↔ t
  const alphasCumprod = Float64Array.from(times, (t) => ((1 - t) / Math.hypot(1 - t, t)) ** 2);
  let x: Float32Array = start.slice();
  for (let i = steps - 1; i >= 0; i--) {
    const predX0 = d.predictX0(x, alphasCumprod[i]);
    x = ddimStep({ modelOutput: predX0, sample: x, timestep: i, prevTimestep: i - 1, schedule: { alphasCumprod }, predictionType: 'sample', eta: 0 }).prevSample;
  }
  assert.ok(meanPairDistance(x, flow) < 1e-5, `DDIM on the flow's grid is ${meanPairDistance(x, flow)} from the flow`);
});

test('the figure\'s claims on its default state (spiral, seed 1): fewer steps for the flow; straight only at the end', () => {
  for (const [name, data] of [['spiral', spiral(250)], ['moons', twoMoons(250)]] as const) {
    const r = runToEnd(compareFlowDdim({ data, particles: FLOW_PARTICLES, seed: 1, schedule: linear, stepCounts: FLOW_STEP_COUNTS, referenceSteps: FLOW_REFERENCE_STEPS }));
    for (let i = 0; i < r.stepCounts.length; i++) {
      if (r.stepCounts[i] >= 2) assert.ok(r.flowError[i] < r.ddimError[i], `${name}, ${r.stepCounts[i]} steps: flow ${r.flowError[i]}, DDIM ${r.ddimError[i]}`);
    }
    const f = stepsToReach(r.stepCounts, r.flowError, FLOW_TOLERANCE)!, g = stepsToReach(r.stepCounts, r.ddimError, FLOW_TOLERANCE)!;
    assert.ok(f !== null && g !== null && f < g, `${name}: within ${FLOW_TOLERANCE} at ${f} (flow) and ${g} (DDIM) steps`);
    const s = r.straightness;
    assert.ok(s.flow > s.ddim + 0.3, `${name}: whole paths, flow ${s.flow} is less straight than DDIM ${s.ddim}`);
    assert.ok(s.flowLate < s.ddimLate, `${name}: the last stretch, flow ${s.flowLate} straighter than DDIM ${s.ddimLate}`);
    // both start from the same noise, and most reach the same training point
    let same = 0;
    const fe = r.flowReference[r.flowReference.length - 1], de = r.ddimReference[r.ddimReference.length - 1];
    for (let j = 0; j < fe.length; j += 2) if (Math.hypot(fe[j] - de[j], fe[j + 1] - de[j + 1]) < 0.01) same++;
    assert.ok(same > 0.6 * FLOW_PARTICLES, `${name}: ${same} of ${FLOW_PARTICLES} end on the same point`);
    assert.equal(Array.from(r.flowReference[0]), Array.from(r.ddimReference[0]));
  }
});

test.run();
