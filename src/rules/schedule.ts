import type { EpochMs } from '../core/time';

/**
 * Weekly windows in Hong Kong time. Hong Kong has kept UTC+8 all year since 1979 (no daylight saving),
 * so a fixed offset is exact for every date the platform will see, and costs nothing per frame
 * (schedule.test.ts checks it against Intl's Asia/Hong_Kong).
 */
export interface ScheduleWindow {
  /** 0 = Sunday … 6 = Saturday: the day on which the window STARTS (an overnight window ends the next day). */
  days: readonly number[];
  /** 'HH:MM', inclusive. */
  start: string;
  /** 'HH:MM', exclusive; '24:00' = midnight at the end of the day; earlier than start = overnight. */
  end: string;
}

const HK_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

/** Hong Kong weekday (0 = Sunday) and minute of the day at `tMs`. */
export function hongKongTime(tMs: EpochMs): { weekday: number; minute: number } {
  const local = tMs + HK_OFFSET_MS;
  const day = Math.floor(local / DAY_MS);
  // 1970-01-01 was a Thursday (4).
  return { weekday: (((day + 4) % 7) + 7) % 7, minute: Math.floor((local - day * DAY_MS) / 60_000) };
}

/** Whether `tMs` falls in one of the windows; no windows = always. */
export function scheduleActive(windows: readonly ScheduleWindow[], tMs: EpochMs): boolean {
  if (windows.length === 0) return true;
  const { weekday, minute } = hongKongTime(tMs);
  const yesterday = (weekday + 6) % 7;
  return windows.some((w) => {
    const s = minutesOf(w.start);
    const e = minutesOf(w.end);
    if (s < e) return w.days.includes(weekday) && minute >= s && minute < e;
    // Overnight: the evening part belongs to the start day, the morning part to the day after.
    return (w.days.includes(weekday) && minute >= s) || (w.days.includes(yesterday) && minute < e);
  });
}
