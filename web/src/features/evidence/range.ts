/** The export dialog's time inputs: <input type="datetime-local"> values read and written as Hong Kong time. */
import { parseHktLocal } from '../../time/format';

const HKT_OFFSET_MS = 8 * 60 * 60 * 1000;

/** UTC ms → "2026-03-02T09:05:00" in HKT (HKT is always UTC+8). */
export function toHktLocal(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000 + HKT_OFFSET_MS).toISOString().slice(0, 19);
}

/** The last `minutes` up to now, rounded down to the minute. */
export function defaultRange(now: number, minutes = 10): { from: string; to: string } {
  const end = Math.floor(now / 60_000) * 60_000;
  return { from: toHktLocal(end - minutes * 60_000), to: toHktLocal(end) };
}

export type RangeProblem = 'invalid' | 'order' | null;

export function readRange(from: string, to: string): { fromMs: number; toMs: number; problem: RangeProblem } {
  const fromMs = parseHktLocal(from);
  const toMs = parseHktLocal(to);
  if (fromMs === null || toMs === null) return { fromMs: NaN, toMs: NaN, problem: 'invalid' };
  return { fromMs, toMs, problem: fromMs < toMs ? null : 'order' };
}

/** "cam-1, cam-2 cam-3" → ['cam-1', 'cam-2', 'cam-3'] (unique, order kept). */
export function parseCameraIds(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean))];
}
