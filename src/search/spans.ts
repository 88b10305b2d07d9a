/** Time spans [startMs, endMs) and the little algebra the coverage report needs (pure). */
export interface Span {
  startMs: number;
  endMs: number;
}

/** Union, sorted, clipped to [from, to); spans closer than `joinMs` are joined. */
export function union(spans: readonly Span[], from: number, to: number, joinMs = 0): Span[] {
  const out: Span[] = [];
  for (const s of [...spans].sort((a, b) => a.startMs - b.startMs)) {
    const a = Math.max(s.startMs, from);
    const b = Math.min(s.endMs, to);
    if (b <= a) continue;
    const last = out.at(-1);
    if (last && a <= last.endMs + joinMs) last.endMs = Math.max(last.endMs, b);
    else out.push({ startMs: a, endMs: b });
  }
  return out;
}

/** `a` minus `b` (both unions as union() returns them); pieces shorter than `minMs` are dropped. */
export function subtract(a: readonly Span[], b: readonly Span[], minMs = 0): Span[] {
  const out: Span[] = [];
  let j = 0;
  for (const s of a) {
    let cursor = s.startMs;
    while (j < b.length && b[j]!.endMs <= cursor) j++;
    for (let k = j; k < b.length && b[k]!.startMs < s.endMs; k++) {
      const c = b[k]!;
      if (c.startMs > cursor) out.push({ startMs: cursor, endMs: c.startMs });
      cursor = Math.max(cursor, c.endMs);
      if (cursor >= s.endMs) break;
    }
    if (cursor < s.endMs) out.push({ startMs: cursor, endMs: s.endMs });
  }
  return out.filter((x) => x.endMs - x.startMs >= minMs);
}

export const total = (spans: readonly Span[]): number => spans.reduce((n, s) => n + s.endMs - s.startMs, 0);
