/**
 * Times in SmartView are integer UTC ms; people in the web app read them in Hong Kong time.
 * Hong Kong has had no daylight saving since 1979, so HKT is always UTC+8.
 */
export const SITE_TIME_ZONE = 'Asia/Hong_Kong';
const HKT_OFFSET_MS = 8 * 60 * 60 * 1000;

const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: SITE_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

function fields(ms: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of parts.formatToParts(new Date(ms))) out[p.type] = p.value;
  return out;
}

/** "2026-03-01 14:05:09 HKT" — language-neutral and sortable. */
export function formatHkt(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const f = fields(ms);
  return `${f.year}-${f.month}-${f.day} ${f.hour}:${f.minute}:${f.second} HKT`;
}

/** "2026-03-01" in Hong Kong. */
export function formatHktDate(ms: number): string {
  const f = fields(ms);
  return `${f.year}-${f.month}-${f.day}`;
}

/** The value of an <input type="datetime-local"> read as Hong Kong time → UTC ms (null when empty/invalid). */
export function parseHktLocal(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? '0'));
  return Number.isFinite(utc) ? utc - HKT_OFFSET_MS : null;
}
