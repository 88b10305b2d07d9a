/**
 * Timeline arithmetic (pure): recorded ranges from the segment index, clipped to a window.
 * Segments of one recorder run abut exactly (docs/design/recording.md); a small tolerance absorbs
 * millisecond rounding, so one run becomes one range and every real interruption shows.
 */
export const ABUT_TOLERANCE_MS = 250;

export interface TimeRange {
  startMs: number;
  endMs: number;
}

export interface Gap {
  startMs: number;
  /** null while the gap lasts (recording is down now). */
  endMs: number | null;
  reason: string;
}

/** Merges abutting or overlapping [start, end) ranges (any order) and clips them to [fromMs, toMs). */
export function mergeRanges(segments: readonly TimeRange[], fromMs: number, toMs: number, toleranceMs = ABUT_TOLERANCE_MS): TimeRange[] {
  const sorted = [...segments].filter((s) => s.endMs > s.startMs).sort((a, b) => a.startMs - b.startMs);
  const out: TimeRange[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.startMs <= last.endMs + toleranceMs) last.endMs = Math.max(last.endMs, s.endMs);
    else out.push({ startMs: s.startMs, endMs: s.endMs });
  }
  return out
    .map((r) => ({ startMs: Math.max(r.startMs, fromMs), endMs: Math.min(r.endMs, toMs) }))
    .filter((r) => r.endMs > r.startMs);
}

/** Total recorded ms in the window (for coverage figures). */
export function coveredMs(ranges: readonly TimeRange[]): number {
  return ranges.reduce((sum, r) => sum + (r.endMs - r.startMs), 0);
}
