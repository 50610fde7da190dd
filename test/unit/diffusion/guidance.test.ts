import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { classifierFreeGuidance, rescaleNoiseCfg, standardDeviation } from '../../../pipeline/diffusion/guidance';
import { close, normals, throwsRange } from './helpers';

const N = 300;
const uncond = normals('uncond', N);
const cond = normals('cond', N).map((v, i) => 0.5 * v + uncond[i]);

test('CFG: s = 1 is cond exactly, s = 0 is uncond exactly, s = 7.5 by hand', () => {
  assert.equal(Array.from(classifierFreeGuidance(uncond, cond, 1)), Array.from(cond));
  assert.equal(Array.from(classifierFreeGuidance(uncond, cond, 0)), Array.from(uncond));
  close(classifierFreeGuidance([1, -2], [2, 0], 7.5), [1 + 7.5 * 1, -2 + 7.5 * 2], 1e-6, 's = 7.5');
  const g = classifierFreeGuidance(uncond, cond, 4);
  for (let i = 0; i < N; i++) close(g[i], uncond[i] + 4 * (cond[i] - uncond[i]), 1e-5, `guided ${i}`);
});

test('CFG writes into out, which may alias uncond', () => {
  const u = Float32Array.of(1, 2), c = Float32Array.of(3, 5);
  assert.ok(classifierFreeGuidance(u, c, 2, u) === u);
  close(u, [5, 8], 0, 'in place');
  const out = new Float64Array(2);
  assert.ok(classifierFreeGuidance([0, 0], [1, 1], 3, out) === out);
  close(out, [3, 3], 0, 'float64 out');
});

test('standardDeviation matches torch.std (Bessel): [1, 2, 3, 4] → √(5/3)', () => {
  close(standardDeviation([1, 2, 3, 4]), Math.sqrt(5 / 3), 1e-15, 'std');
  assert.is(standardDeviation([7]), 0);
});

test('guidance rescale: φ = 0 is the identity, φ = 1 gives std(cond), φ = 0.5 by hand', () => {
  const guided = classifierFreeGuidance(uncond, cond, 7.5);
  assert.equal(Array.from(rescaleNoiseCfg(guided, cond, 0)), Array.from(guided));
  const full = rescaleNoiseCfg(guided, cond, 1);
  close(standardDeviation(full), standardDeviation(cond), 1e-5, 'std after φ = 1');
  assert.ok(Math.abs(standardDeviation(guided) - standardDeviation(cond)) > 0.5, 'the guided std really was larger');
  // guided [0, 4] (std 2√2), cond [0, 1] (std √2/2): ratio 1/4; φ = 0.5 → factor 0.5·0.25 + 0.5
  close(rescaleNoiseCfg([0, 4], [0, 1], 0.5), [0, 4 * 0.625], 1e-7, 'φ = 0.5');
  close(rescaleNoiseCfg([0, 4], [0, 1], 0.7), [0, 4 * (0.7 * 0.25 + 0.3)], 1e-6, 'φ = 0.7');
  close(rescaleNoiseCfg([2, 2, 2], [0, 1, 2], 1), [2, 2, 2], 0, 'zero-std guided is left alone');
});

test('bad inputs throw clear RangeErrors', () => {
  throwsRange(() => classifierFreeGuidance([1, 2], [1], 2), /cond has length 1 but uncond has length 2/);
  throwsRange(() => classifierFreeGuidance([1], [1], NaN), /scale must be a finite number/);
  throwsRange(() => classifierFreeGuidance([1], [1], 2, new Float32Array(2)), /out has length 2, expected 1/);
  throwsRange(() => rescaleNoiseCfg([1], [1, 2], 0.7), /rescaleNoiseCfg: cond has length 2/);
  throwsRange(() => rescaleNoiseCfg([1], [1], 1.2), /guidanceRescale must be a number in \[0, 1\], got 1.2/);
  throwsRange(() => rescaleNoiseCfg([1], [1], -0.1), /guidanceRescale/);
});

test.run();
