import { formatHkt } from '../../time/format';

/** "14:05:09" (HKT) of a UTC ms time. */
export const clock = (ms: number): string => formatHkt(ms).slice(11, 19);

/** Minutes from `fromMs` to `ms`, rounded (negative: already past). */
export const minutesFrom = (ms: number, fromMs: number): number => Math.round((ms - fromMs) / 60_000);

export const percent = (p: number): string => `${Math.round(p * 100)}%`;

/** Below this chance a camera is noise on the map and in the list (the model spreads a little everywhere). */
export const MIN_SHOWN_P = 0.01;

/** The prediction without the cameras whose chance rounds to nothing. */
export function shownOnly<T extends { next: Array<{ p: number }>; ahead: Array<{ step: number; cameras: Array<{ p: number }> }> }>(r: T): T {
  return { ...r, next: r.next.filter((c) => c.p >= MIN_SHOWN_P), ahead: r.ahead.map((s) => ({ ...s, cameras: s.cameras.filter((c) => c.p >= MIN_SHOWN_P) })) };
}
