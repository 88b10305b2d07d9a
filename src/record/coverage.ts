/**
 * Proof of recording over a period: how much of it the index holds, and every hole with its
 * reason (from recording_gaps; a hole no gap row explains is 'unrecorded').
 */
export interface CoverageGap {
  startMs: number;
  endMs: number;
  reason: string;
}

export interface Coverage {
  fromMs: number;
  /** End of the period actually judged: the requested end, or now if that is earlier. */
  toMs: number;
  recordedMs: number;
  coveragePct: number;
  gaps: CoverageGap[];
}

type Span = { startMs: number; endMs: number };

export function computeCoverage(fromMs: number, toMs: number, segments: Span[], gapRows: Array<{ startMs: number; endMs: number | null; reason: string }>, nowMs: number): Coverage {
  const to = Math.min(toMs, nowMs);
  const period = Math.max(0, to - fromMs);
  // Union of the segments, clipped to the period.
  const merged: Span[] = [];
  for (const s of [...segments].sort((a, b) => a.startMs - b.startMs)) {
    const a = Math.max(s.startMs, fromMs);
    const b = Math.min(s.endMs, to);
    if (b <= a) continue;
    const last = merged.at(-1);
    if (last && a <= last.endMs) last.endMs = Math.max(last.endMs, b);
    else merged.push({ startMs: a, endMs: b });
  }
  const recordedMs = merged.reduce((n, s) => n + s.endMs - s.startMs, 0);
  // Holes = the period minus the union; each is explained by the gap rows overlapping it.
  const holes: Span[] = [];
  let cursor = fromMs;
  for (const s of merged) {
    if (s.startMs > cursor) holes.push({ startMs: cursor, endMs: s.startMs });
    cursor = Math.max(cursor, s.endMs);
  }
  if (cursor < to) holes.push({ startMs: cursor, endMs: to });
  const rows = gapRows.map((g) => ({ startMs: g.startMs, endMs: g.endMs ?? nowMs, reason: g.reason })).sort((a, b) => a.startMs - b.startMs);
  const gaps: CoverageGap[] = [];
  const push = (g: CoverageGap) => {
    if (g.endMs <= g.startMs) return;
    const last = gaps.at(-1);
    if (last && last.reason === g.reason && last.endMs === g.startMs) last.endMs = g.endMs;
    else gaps.push(g);
  };
  for (const h of holes) {
    let c = h.startMs;
    for (const r of rows) {
      if (r.endMs <= c || r.startMs >= h.endMs) continue;
      if (r.startMs > c) push({ startMs: c, endMs: r.startMs, reason: 'unrecorded' });
      const e = Math.min(r.endMs, h.endMs);
      push({ startMs: Math.max(c, r.startMs), endMs: e, reason: r.reason });
      c = Math.max(c, e);
    }
    if (c < h.endMs) push({ startMs: c, endMs: h.endMs, reason: 'unrecorded' });
  }
  const coveragePct = period === 0 ? 0 : Math.round((recordedMs / period) * 100_000) / 1000;
  return { fromMs, toMs: to, recordedMs, coveragePct, gaps };
}
