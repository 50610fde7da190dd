// Shared assertions for the diffusion tests (not a test file itself).
import * as assert from 'uvu/assert';
import { createRandom, fillNormal } from '../../../pipeline/random';

/** Asserts |actual − expected| ≤ tol, elementwise for arrays. */
export function close(actual: number | ArrayLike<number>, expected: number | ArrayLike<number>, tol: number, what = ''): void {
  const a = typeof actual === 'number' ? [actual] : Array.from(actual);
  const e = typeof expected === 'number' ? [expected] : Array.from(expected);
  assert.is(a.length, e.length, `${what} length`);
  for (let i = 0; i < a.length; i++) {
    assert.ok(Math.abs(a[i] - e[i]) <= tol, `${what}[${i}]: got ${a[i]}, expected ${e[i]} ± ${tol}`);
  }
}

/** Asserts |actual/expected − 1| ≤ rel. */
export function relClose(actual: number, expected: number, rel: number, what = ''): void {
  assert.ok(Math.abs(actual / expected - 1) <= rel, `${what}: got ${actual}, expected ${expected} (±${rel * 100}%)`);
}

/** Asserts fn throws a RangeError whose message matches pattern. */
export function throwsRange(fn: () => unknown, pattern: RegExp): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof RangeError, `expected a RangeError matching ${pattern}, got ${error}`);
  assert.match((error as RangeError).message, pattern);
}

/** n standard normals from a seed. */
export function normals(seed: string, n: number): Float32Array {
  return fillNormal(createRandom(seed), new Float32Array(n));
}
