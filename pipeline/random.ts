/**
 * Seeded random numbers, identical in Node, in a worker and in the page.
 *
 * The generator is sfc32 (Small Fast Counter, Chris Doty-Humphrey), seeded
 * through splitmix32 so that nearby seeds give unrelated streams. It uses only
 * 32-bit integer arithmetic, so every JavaScript engine gives the same
 * uniforms; Gaussians use Box–Muller with V8's fdlibm `log`, `cos` and `sin`.
 */
export interface Random {
  /** Uniform in [0, 1), 32 bits of resolution. */
  uniform(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** True with probability p. */
  chance(p: number): boolean;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Reduce any finite number (or string) to a 32-bit seed. */
export function seedToUint32(seed: number | string): number {
  if (typeof seed === 'string') {
    let h = 0x811c9dc5;
    for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193);
    return h >>> 0;
  }
  if (!Number.isFinite(seed)) return 0;
  const lo = Math.trunc(seed) >>> 0;
  const hi = Math.trunc(seed / 4294967296) >>> 0;
  return (lo ^ Math.imul(hi, 0x9e3779b1)) >>> 0;
}

export function createRandom(seed: number | string): Random {
  const init = splitmix32(seedToUint32(seed));
  let a = init(), b = init(), c = init(), d = init();
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) next();
  let spare: number | null = null;
  const uniform = () => next() / 4294967296;
  return {
    uniform,
    int: (n) => Math.floor(uniform() * n),
    range: (lo, hi) => lo + (hi - lo) * uniform(),
    normal() {
      if (spare !== null) {
        const v = spare;
        spare = null;
        return v;
      }
      const u1 = 1 - uniform(); // (0, 1]: log never sees 0
      const u2 = uniform();
      const r = Math.sqrt(-2 * Math.log(u1));
      spare = r * Math.sin(2 * Math.PI * u2);
      return r * Math.cos(2 * Math.PI * u2);
    },
    pick: (items) => items[Math.floor(uniform() * items.length)],
    chance: (p) => uniform() < p,
  };
}

/** Fill a Float32Array with standard normals from `rng`. */
export function fillNormal(rng: Random, out: Float32Array): Float32Array {
  for (let i = 0; i < out.length; i++) out[i] = rng.normal();
  return out;
}
