// The text encoder's per-token states compared with one another: the cosine
// similarity of every pair of a prompt's tokens. DOM-free.

/** Cosine similarity of rows i and j of a (rows, width) matrix; 0 when either row is all zeros. */
export function cosine(m: Float32Array, width: number, i: number, j: number): number {
  let dot = 0, ni = 0, nj = 0;
  const a = i * width, b = j * width;
  for (let k = 0; k < width; k++) {
    dot += m[a + k] * m[b + k];
    ni += m[a + k] * m[a + k];
    nj += m[b + k] * m[b + k];
  }
  return ni > 0 && nj > 0 ? dot / Math.sqrt(ni * nj) : 0;
}

/** (n, n) cosine similarities of the first `n` rows of a (rows, width) matrix. */
export function cosineMatrix(m: Float32Array, width: number, n: number): Float32Array {
  if (!(Number.isInteger(n) && n >= 0 && n * width <= m.length)) throw new RangeError(`cosineMatrix: ${n} rows of ${width} do not fit in ${m.length} values`);
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const c = cosine(m, width, i, j);
      out[i * n + j] = c;
      out[j * n + i] = c;
    }
  }
  return out;
}

/** The pair of distinct rows with the highest similarity (null with fewer than two rows). */
export function mostSimilarPair(sim: Float32Array, n: number, skip: (i: number) => boolean = () => false): { i: number; j: number; value: number } | null {
  let best: { i: number; j: number; value: number } | null = null;
  for (let i = 0; i < n; i++) {
    if (skip(i)) continue;
    for (let j = i + 1; j < n; j++) {
      if (skip(j)) continue;
      if (!best || sim[i * n + j] > best.value) best = { i, j, value: sim[i * n + j] };
    }
  }
  return best;
}
