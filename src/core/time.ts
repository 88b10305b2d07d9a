/** Time in SmartView is integer UTC milliseconds since the epoch. */
export type EpochMs = number;

export interface Clock {
  now(): EpochMs;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Format for people in the given IANA zone (the web app uses Asia/Hong_Kong). */
export function isoUtc(ms: EpochMs): string {
  return new Date(ms).toISOString();
}
