/**
 * Seeded, clustered unit vectors for the ANN test and benchmark (appearance embeddings cluster by
 * clothing; uniform random vectors would make every method look alike). Not used by the product.
 */
export function clusteredVectors(o: { n: number; dim: number; clusters: number; spread: number; seed: number }): Float32Array {
  let s = o.seed >>> 0;
  const uni = () => {
    let t = (s = (s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const gauss = () => Math.sqrt(-2 * Math.log(Math.max(1e-12, uni()))) * Math.cos(2 * Math.PI * uni());
  const centres = new Float32Array(o.clusters * o.dim);
  for (let i = 0; i < centres.length; i++) centres[i] = gauss();
  const out = new Float32Array(o.n * o.dim);
  const sd = o.spread;
  for (let i = 0; i < o.n; i++) {
    const c = Math.floor(uni() * o.clusters) * o.dim;
    let norm = 0;
    for (let d = 0; d < o.dim; d++) {
      const v = centres[c + d]! + gauss() * sd;
      out[i * o.dim + d] = v;
      norm += v * v;
    }
    const k = 1 / Math.sqrt(norm);
    for (let d = 0; d < o.dim; d++) out[i * o.dim + d]! *= k;
  }
  return out;
}

/** Exact top-k ids by dot product (the baseline the ANN index is measured against). */
export function bruteForce(vectors: Float32Array, n: number, dim: number, q: Float32Array, k: number): Int32Array {
  const ids = new Int32Array(k).fill(-1);
  const sc = new Float32Array(k).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const o = i * dim;
    for (let d = 0; d < dim; d++) s += vectors[o + d]! * q[d]!;
    if (s <= sc[k - 1]!) continue;
    let j = k - 1;
    while (j > 0 && sc[j - 1]! < s) {
      sc[j] = sc[j - 1]!;
      ids[j] = ids[j - 1]!;
      j--;
    }
    sc[j] = s;
    ids[j] = i;
  }
  return ids;
}
