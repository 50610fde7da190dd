/**
 * The forward process and the conversions between what a model may predict.
 *
 * With ᾱ = ᾱ_t, x_t = √ᾱ·x₀ + √(1 − ᾱ)·ε (DDPM, Ho et al. 2020) and the
 * velocity v = √ᾱ·ε − √(1 − ᾱ)·x₀ (Salimans & Ho 2022). Given x_t, any one of
 * ε, x₀, v determines the other two:
 *   x̂₀ = (x_t − √(1 − ᾱ)·ε̂)/√ᾱ        ε̂ = (x_t − √ᾱ·x̂₀)/√(1 − ᾱ)
 *   x̂₀ = √ᾱ·x_t − √(1 − ᾱ)·v̂          ε̂ = √ᾱ·v̂ + √(1 − ᾱ)·x_t
 * Prediction types are diffusers' `prediction_type`: 'epsilon',
 * 'v_prediction', 'sample' (x₀). Every function works elementwise on flat
 * arrays, writes into `out` when given (it may alias an input) and otherwise
 * returns a new Float32Array. Arithmetic is in float64.
 */
import { assertAlphaCumprod, assertSameLength, outputFor, type FloatArray } from './tensor';

export type PredictionType = 'epsilon' | 'v_prediction' | 'sample';

export const PREDICTION_TYPES: readonly PredictionType[] = ['epsilon', 'v_prediction', 'sample'];

type Input = ArrayLike<number>;

/** out = a·x + b·y, elementwise. */
function combine<O extends FloatArray>(fn: string, a: number, x: Input, b: number, y: Input, out?: O): O {
  const result = outputFor<O>(fn, x.length, out);
  for (let i = 0; i < x.length; i++) result[i] = a * x[i] + b * y[i];
  return result;
}

function checked(fn: string, xName: string, x: Input, yName: string, y: Input, abar: number): void {
  assertSameLength(fn, xName, x, yName, y);
  assertAlphaCumprod(fn, abar);
}

/** x_t = √ᾱ·x₀ + √(1 − ᾱ)·ε. */
export function addNoise<O extends FloatArray = Float32Array>(x0: Input, noise: Input, alphaCumprodT: number, out?: O): O {
  checked('addNoise', 'x0', x0, 'noise', noise, alphaCumprodT);
  return combine('addNoise', Math.sqrt(alphaCumprodT), x0, Math.sqrt(1 - alphaCumprodT), noise, out);
}

/** x̂₀ = (x_t − √(1 − ᾱ)·ε̂)/√ᾱ; undefined at ᾱ = 0 (use v-prediction there). */
export function predictX0FromEpsilon<O extends FloatArray = Float32Array>(xt: Input, eps: Input, abar: number, out?: O): O {
  const fn = 'predictX0FromEpsilon';
  checked(fn, 'xt', xt, 'eps', eps, abar);
  if (abar === 0) throw new RangeError(`${fn}: x₀ cannot be recovered from ε at ᾱ = 0 (zero terminal SNR); use v_prediction`);
  const s = Math.sqrt(abar);
  return combine(fn, 1 / s, xt, -Math.sqrt(1 - abar) / s, eps, out);
}

/** ε̂ = (x_t − √ᾱ·x̂₀)/√(1 − ᾱ); undefined at ᾱ = 1. */
export function predictEpsilonFromX0<O extends FloatArray = Float32Array>(xt: Input, x0: Input, abar: number, out?: O): O {
  const fn = 'predictEpsilonFromX0';
  checked(fn, 'xt', xt, 'x0', x0, abar);
  if (abar === 1) throw new RangeError(`${fn}: ε cannot be recovered from x₀ at ᾱ = 1 (no noise)`);
  const sigma = Math.sqrt(1 - abar);
  return combine(fn, 1 / sigma, xt, -Math.sqrt(abar) / sigma, x0, out);
}

/** v = √ᾱ·ε − √(1 − ᾱ)·x₀. */
export function velocity<O extends FloatArray = Float32Array>(x0: Input, eps: Input, abar: number, out?: O): O {
  checked('velocity', 'x0', x0, 'eps', eps, abar);
  return combine('velocity', Math.sqrt(abar), eps, -Math.sqrt(1 - abar), x0, out);
}

/** x̂₀ = √ᾱ·x_t − √(1 − ᾱ)·v̂. */
export function predictX0FromVelocity<O extends FloatArray = Float32Array>(xt: Input, v: Input, abar: number, out?: O): O {
  checked('predictX0FromVelocity', 'xt', xt, 'v', v, abar);
  return combine('predictX0FromVelocity', Math.sqrt(abar), xt, -Math.sqrt(1 - abar), v, out);
}

/** ε̂ = √ᾱ·v̂ + √(1 − ᾱ)·x_t. */
export function predictEpsilonFromVelocity<O extends FloatArray = Float32Array>(xt: Input, v: Input, abar: number, out?: O): O {
  checked('predictEpsilonFromVelocity', 'xt', xt, 'v', v, abar);
  return combine('predictEpsilonFromVelocity', Math.sqrt(abar), v, Math.sqrt(1 - abar), xt, out);
}

/** Both ε̂ and x̂₀ from a model output of the given prediction type (new arrays). */
export function toEpsilonAndX0(
  modelOutput: Input,
  xt: Input,
  abar: number,
  predictionType: PredictionType,
): { epsilon: Float32Array; x0: Float32Array } {
  const fn = 'toEpsilonAndX0';
  checked(fn, 'xt', xt, 'modelOutput', modelOutput, abar);
  if (predictionType === 'epsilon') {
    return { epsilon: Float32Array.from(modelOutput), x0: predictX0FromEpsilon(xt, modelOutput, abar) };
  }
  if (predictionType === 'sample') {
    return { epsilon: predictEpsilonFromX0(xt, modelOutput, abar), x0: Float32Array.from(modelOutput) };
  }
  if (predictionType === 'v_prediction') {
    return { epsilon: predictEpsilonFromVelocity(xt, modelOutput, abar), x0: predictX0FromVelocity(xt, modelOutput, abar) };
  }
  throw new RangeError(`${fn}: unknown predictionType ${JSON.stringify(predictionType)}; expected one of ${PREDICTION_TYPES.join(', ')}`);
}
