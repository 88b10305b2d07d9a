import { dot } from '../reid/vector';

export interface Hit {
  id: string;
  score: number;
}

/** Exact top-k by cosine (vectors are unit length): a bounded sorted insert, O(n·d + n·log k). */
export function rankExact(query: Float32Array, items: readonly { id: string; vector: Float32Array }[], k: number): Hit[] {
  const top: Hit[] = [];
  for (const it of items) {
    if (it.vector.length !== query.length) continue;
    const s = dot(query, it.vector);
    if (top.length === k && s <= top[k - 1]!.score) continue;
    let i = top.length;
    while (i > 0 && top[i - 1]!.score < s) i--;
    top.splice(i, 0, { id: it.id, score: s });
    if (top.length > k) top.pop();
  }
  return top;
}
