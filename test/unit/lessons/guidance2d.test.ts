// pipeline/lessons/guidance2d.ts: guidance with exact denoisers on the two
// labelled moons. s = 0 is the unconditional model and s = 1 the conditional
// one exactly; the guided x̂₀ is the same extrapolation as the guided ε̂; and
// the measured properties chapter 0's guidance figure states hold on its
// default seed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { makeSchedule } from '../../../pipeline/diffusion/schedule';
import { createRandom, fillNormal } from '../../../pipeline/random';
import { Sampler2D } from '../../../pipeline/lessons/toy2d';
import {
  GUIDE_PER_CLASS, GUIDE_STEPS, GuidedDenoiser, GuidedSampler, guessDistance, labelledMoons, measureGuided, rmsSpread,
} from '../../../pipeline/lessons/guidance2d';

const linear = makeSchedule({ betaSchedule: 'linear' });
const data = labelledMoons(250);
const model = new GuidedDenoiser(data);

test('labelled moons: two classes of 125, one a moon', () => {
  assert.is(data.classes[0].n, 125);
  assert.is(data.classes[1].n, 125);
  let upper = 0;
  for (let i = 0; i < 125; i++) if (data.classes[0].xy[2 * i + 1] > data.classes[1].xy[2 * i + 1]) upper++;
  assert.ok(upper > 90, 'class 0 is the upper moon');
});

test('s = 0 is the unconditional ε̂, s = 1 the conditional one, exactly; the guided x̂₀ extrapolates as ε̂ does', () => {
  const x = fillNormal(createRandom(7), new Float32Array(40));
  for (const abar of [linear.alphasCumprod[900], linear.alphasCumprod[300], linear.alphasCumprod[20]]) {
    const a = Math.sqrt(abar), s = Math.sqrt(1 - abar);
    for (const c of [0, 1] as const) {
      const uncond = model.uncond.predictX0(x, abar), cond = model.cond[c].predictX0(x, abar);
      const eps = (x0: Float32Array, i: number) => (x[i] - a * x0[i]) / s;
      const e0 = model.epsilon(x, abar, c, 0), e1 = model.epsilon(x, abar, c, 1);
      for (let i = 0; i < x.length; i++) {
        assert.is(e0[i], Math.fround(eps(uncond, i)), 's = 0');
        assert.is(e1[i], Math.fround(eps(cond, i)), 's = 1');
      }
      const e5 = model.epsilon(x, abar, c, 5), g5 = model.predictX0('guided', x, abar, c, 5);
      for (let i = 0; i < x.length; i++) {
        const fromEps = (x[i] - s * e5[i]) / a;
        assert.ok(Math.abs(fromEps - g5[i]) < 2e-4 * Math.max(1, Math.abs(g5[i])), `guided x̂₀ ${g5[i]} against ${fromEps}`);
      }
    }
  }
});

test('the guided sampler at s = 1 is DDIM with the conditional denoiser alone', () => {
  const g = new GuidedSampler(model, { perClass: 60, seed: 4, scale: 1, steps: 20, schedule: linear }).run();
  const only = new Sampler2D({ data: data.classes[0], particles: 60, seed: 4, sampler: 'ddim', steps: 20, schedule: linear }).run();
  for (let i = 0; i < only.length; i++) assert.ok(Math.abs(g[i] - only[i]) < 1e-4, `value ${i}: ${g[i]} against ${only[i]}`);
});

test('the figure\'s claims on its default seed: the class share rises to all at s = 1; larger s narrows the samples and throws the early guess past the data', () => {
  const scales = [0, 0.5, 1, 2, 4, 8];
  const runs = scales.map((scale) => {
    const s = new GuidedSampler(model, { perClass: GUIDE_PER_CLASS, seed: 1, scale, steps: GUIDE_STEPS, schedule: linear });
    s.run();
    return { scale, m: measureGuided(s.current, s.labels, data), guess: guessDistance(model, s.path[0], GUIDE_PER_CLASS, linear.alphasCumprod[s.timesteps[0]], scale) };
  });
  const at = (scale: number) => runs.find((r) => r.scale === scale)!;
  assert.ok(at(0).m.classShare < 0.6, `s = 0 ignores the class: ${at(0).m.classShare}`);
  for (let i = 1; i < runs.length; i++) assert.ok(runs[i].m.classShare >= runs[i - 1].m.classShare, `share rises with s: ${runs.map((r) => r.m.classShare)}`);
  assert.ok(at(1).m.classShare >= 0.99, `s = 1: ${at(1).m.classShare}`);
  const dataSpread = (rmsSpread(data.classes[0].xy) + rmsSpread(data.classes[1].xy)) / 2;
  assert.ok(Math.abs(at(1).m.spread - dataSpread) < 0.1, `s = 1 spreads like the data: ${at(1).m.spread} against ${dataSpread}`);
  for (const [a, b] of [[1, 2], [2, 4], [4, 8]]) assert.ok(at(b).m.spread < at(a).m.spread, `spread falls from s = ${a} to ${b}`);
  assert.ok(at(8).m.spread < 0.6 * dataSpread, `s = 8: ${at(8).m.spread}`);
  assert.ok(at(8).guess > 2 && at(8).guess > 5 * at(1).guess, `s = 8 throws the first guess ${at(8).guess} past the data (s = 1: ${at(1).guess})`);
  for (const r of runs.filter((r) => r.scale >= 1)) assert.ok(r.m.meanDistance < 0.05, `s = ${r.scale}: the exact denoisers pull the samples back onto their class (${r.m.meanDistance})`);
});

test('measureGuided on points placed by hand', () => {
  // one sample on each class's first point, one on class 1's point but asking for class 0
  const p0 = data.classes[0].xy, p1 = data.classes[1].xy;
  const samples = Float32Array.from([p0[0], p0[1], p1[0], p1[1], p1[2], p1[3]]);
  const m = measureGuided(samples, [0, 1, 0], data);
  assert.ok(Math.abs(m.classShare - 2 / 3) < 1e-9);
});

test.run();
