/**
 * Small shared helpers for the diffusion math: the array types it reads and
 * writes, output allocation, and the argument checks that throw RangeErrors.
 * Tensors are flat, row-major typed arrays; inputs may be any ArrayLike.
 */
export type FloatArray = Float32Array | Float64Array;

/** `out` when given (checked for length), else a new Float32Array of length n. */
export function outputFor<O extends FloatArray = Float32Array>(fn: string, n: number, out?: O): O {
  if (out === undefined) return new Float32Array(n) as O;
  if (out.length !== n) throw new RangeError(`${fn}: out has length ${out.length}, expected ${n}`);
  return out;
}

/** Throws unless `b` has the same length as `a`. */
export function assertSameLength(fn: string, aName: string, a: ArrayLike<number>, bName: string, b: ArrayLike<number>): void {
  if (a.length !== b.length) {
    throw new RangeError(`${fn}: ${bName} has length ${b.length} but ${aName} has length ${a.length}`);
  }
}

/** Throws unless ᾱ is a finite number in [0, 1]. */
export function assertAlphaCumprod(fn: string, abar: number): void {
  if (typeof abar !== 'number' || !Number.isFinite(abar) || abar < 0 || abar > 1) {
    throw new RangeError(`${fn}: alphaCumprod must be a number in [0, 1], got ${abar}`);
  }
}

/** Throws unless x is a finite number. */
export function assertFinite(fn: string, name: string, x: number): void {
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new RangeError(`${fn}: ${name} must be a finite number, got ${x}`);
}

/** Throws unless x is an integer in [lo, hi]. */
export function assertInteger(fn: string, name: string, x: number, lo: number, hi: number): void {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < lo || x > hi) {
    throw new RangeError(`${fn}: ${name} must be an integer in [${lo}, ${hi}], got ${x}`);
  }
}
