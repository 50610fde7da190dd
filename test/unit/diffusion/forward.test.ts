import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  addNoise, predictEpsilonFromVelocity, predictEpsilonFromX0, predictX0FromEpsilon, predictX0FromVelocity,
  toEpsilonAndX0, velocity, type PredictionType,
} from '../../../pipeline/diffusion/forward';
import { close, normals, throwsRange } from './helpers';

const N = 257;
const x0 = normals('x0', N);
const eps = normals('eps', N);
const ABARS = [0.9999, 0.9, 0.5, 0.0786, 1e-3];

test('hand values: x_t and v at ᾱ = 0.64', () => {
  close(addNoise([1, -2], [2, 0.5], 0.64), [0.8 * 1 + 0.6 * 2, 0.8 * -2 + 0.6 * 0.5], 1e-7, 'x_t');
  close(velocity([1, -2], [2, 0.5], 0.64), [0.8 * 2 - 0.6 * 1, 0.8 * 0.5 + 0.6 * 2], 1e-7, 'v');
  close(addNoise([3], [5], 1), [3], 0, 'ᾱ = 1 is clean');
  close(addNoise([3], [5], 0), [5], 0, 'ᾱ = 0 is pure noise');
  assert.ok(addNoise([1], [1], 0.5) instanceof Float32Array);
});

test('ε ↔ x₀ round trips recover what made x_t', () => {
  for (const abar of ABARS) {
    const xt = addNoise(x0, eps, abar, new Float64Array(N));
    close(predictX0FromEpsilon(xt, eps, abar, new Float64Array(N)), x0, 1e-9 / Math.sqrt(abar), `x̂₀ at ᾱ=${abar}`);
    close(predictEpsilonFromX0(xt, x0, abar, new Float64Array(N)), eps, 1e-9 / Math.sqrt(1 - abar), `ε̂ at ᾱ=${abar}`);
  }
});

test('v round trips: x̂₀ and ε̂ from v, and v of them again', () => {
  for (const abar of [...ABARS, 0]) {
    const xt = addNoise(x0, eps, abar, new Float64Array(N));
    const v = velocity(x0, eps, abar, new Float64Array(N));
    close(predictX0FromVelocity(xt, v, abar), x0, 1e-5, `x̂₀ from v at ᾱ=${abar}`);
    close(predictEpsilonFromVelocity(xt, v, abar), eps, 1e-5, `ε̂ from v at ᾱ=${abar}`);
  }
  // at ᾱ = 0: x_t = ε and v = −x₀, so v-prediction still knows x₀
  close(predictX0FromVelocity([0.3], [-1.5], 0), [1.5], 0, 'x̂₀ = −v');
  close(predictEpsilonFromVelocity([0.3], [-1.5], 0), [0.3], 1e-7, 'ε̂ = x_t');
});

test('toEpsilonAndX0 agrees across the three prediction types', () => {
  for (const abar of ABARS) {
    const xt = addNoise(x0, eps, abar);
    const outputs: Record<PredictionType, Float32Array> = { epsilon: eps, sample: x0, v_prediction: velocity(x0, eps, abar) };
    for (const type of Object.keys(outputs) as PredictionType[]) {
      const r = toEpsilonAndX0(outputs[type], xt, abar, type);
      close(r.x0, x0, 2e-4 / Math.sqrt(abar), `${type} x̂₀ at ᾱ=${abar}`);
      close(r.epsilon, eps, 2e-4 / Math.sqrt(1 - abar), `${type} ε̂ at ᾱ=${abar}`);
    }
  }
  const copy = toEpsilonAndX0(eps, x0, 0.5, 'epsilon');
  assert.ok(copy.epsilon !== eps, 'a new array, not the model output itself');
});

test('out is filled in place and may alias an input', () => {
  const a = Float32Array.of(1, 2), b = Float32Array.of(3, 4);
  const r = addNoise(a, b, 0.25, a);
  assert.ok(r === a);
  close(a, [0.5 + Math.sqrt(0.75) * 3, 1 + Math.sqrt(0.75) * 4], 1e-6, 'aliased');
  const out64 = new Float64Array(2);
  assert.ok(velocity([1, 2], [3, 4], 0.5, out64) === out64);
});

test('bad inputs throw clear RangeErrors', () => {
  throwsRange(() => addNoise([1, 2], [1], 0.5), /addNoise: noise has length 1 but x0 has length 2/);
  throwsRange(() => addNoise([1], [1], 1.5), /alphaCumprod must be a number in \[0, 1\], got 1.5/);
  throwsRange(() => addNoise([1], [1], NaN), /alphaCumprod/);
  throwsRange(() => addNoise([1], [1], 0.5, new Float32Array(3)), /out has length 3, expected 1/);
  throwsRange(() => predictX0FromEpsilon([1], [1], 0), /ᾱ = 0.*v_prediction/);
  throwsRange(() => predictEpsilonFromX0([1], [1], 1), /ᾱ = 1/);
  throwsRange(() => toEpsilonAndX0([1], [1], 0, 'epsilon'), /ᾱ = 0/);
  throwsRange(() => toEpsilonAndX0([1], [1], 0.5, 'x0' as PredictionType), /unknown predictionType "x0"/);
  throwsRange(() => toEpsilonAndX0([1, 2], [1], 0.5, 'epsilon'), /modelOutput has length 2/);
});

test.run();
