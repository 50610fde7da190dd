// Comparing what the page made with what Node made, for the browser tests.
import * as assert from 'uvu/assert';

/** Fails unless `a` and `b` are the same bytes, saying how many differ. */
export function sameBytes(a: ArrayLike<number>, b: ArrayLike<number>, what: string) {
  assert.is(a.length, b.length, `${what}: lengths`);
  let differing = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differing++;
  assert.is(differing, 0, `${what}: ${differing} bytes differ between Chromium and Node`);
}

/** Fails unless every value of `a` is within `tol` of `b`'s, saying the worst. */
export function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string) {
  assert.is(a.length, b.length, `${what}: lengths`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  assert.ok(worst <= tol, `${what}: off by ${worst} (at most ${tol})`);
}

/** How many values differ between `a` and `b` (a length difference counts each missing value). */
export const differs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let n = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) n++;
  return n + Math.abs(a.length - b.length);
};
