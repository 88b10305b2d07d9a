import type { AccessConfig } from '../config/access.schema';

/** What flag computation reads of an audit record. */
export interface FlagInput {
  seq: number;
  at: number;
  actorId: string | null;
  actorName: string;
  action: string;
  cameraIds: string[];
  caseRef: string | null;
  outcome: string;
  details: Record<string, unknown>;
}

export const FLAG_KINDS = ['no_case', 'break_glass', 'unusual_hours', 'bulk_exports', 'plate_many_users'] as const;
export type FlagKind = (typeof FLAG_KINDS)[number];

export interface Flag {
  kind: FlagKind;
  /** The user concerned (null for plate_many_users: several are). */
  user: string | null;
  at: number;
  /** Audit record sequence numbers that raise the flag (first 50). */
  records: number[];
  summary: string;
  details: Record<string, unknown>;
}

/** Actions that read footage or search personal data (unusual hours are flagged on these). */
export const ACCESS_ACTIONS = ['live.', 'playback.', 'plate.search', 'search.', 'journey.', 'predict.', 'export.'];
/** Actions for which the default policy expects a case (access without one is flagged). */
export const CASE_ACTIONS = ['plate.search', 'search.', 'journey.propose', 'predict.next', 'export.create'];

const starts = (action: string, list: string[]) => list.some((p) => (p.endsWith('.') ? action.startsWith(p) : action === p));
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Local hour of `at` with a fixed offset (Hong Kong has no daylight saving). */
export function localHour(at: number, offsetMinutes: number): number {
  return Math.floor((((at + offsetMinutes * 60_000) % DAY) + DAY) % DAY / HOUR);
}

function localDay(at: number, offsetMinutes: number): number {
  return Math.floor((at + offsetMinutes * 60_000) / DAY);
}

export function inUnusualHours(hour: number, fromHour: number, toHour: number): boolean {
  return fromHour <= toHour ? hour >= fromHour && hour < toHour : hour >= fromHour || hour < toHour;
}

/**
 * Patterns worth an auditor's look, over audit records of one period (any order):
 * - no_case: a search, journey, prediction or export that went through without a case reference;
 * - break_glass: anything done under break-glass (the access policy lifted the case requirement);
 * - unusual_hours: footage or search access by a user in the configured local hours;
 * - bulk_exports: more than N exports, or more than H hours of exported footage, per user and local day;
 * - plate_many_users: one plate searched by at least K distinct users within the window.
 * Only users' records count (system actions are never flagged); refused attempts count for no_case only.
 */
export function computeFlags(records: FlagInput[], cfg: AccessConfig['review']): Flag[] {
  const recs = records.filter((r) => r.actorId !== null).sort((a, b) => a.at - b.at || a.seq - b.seq);
  const out: Flag[] = [];
  const { fromHour, toHour, utcOffsetMinutes: off } = cfg.unusualHours;
  for (const r of recs) {
    const bg = typeof r.details.breakGlassId === 'string' ? r.details.breakGlassId : null;
    if (r.outcome === 'ok' && bg && starts(r.action, ACCESS_ACTIONS)) {
      out.push({ kind: 'break_glass', user: r.actorName, at: r.at, records: [r.seq], summary: `${r.action} under break-glass ${bg}`, details: { action: r.action, breakGlassId: bg, cameraIds: r.cameraIds } });
    } else if (r.outcome === 'ok' && !r.caseRef && starts(r.action, CASE_ACTIONS)) {
      out.push({ kind: 'no_case', user: r.actorName, at: r.at, records: [r.seq], summary: `${r.action} without a case`, details: { action: r.action, cameraIds: r.cameraIds } });
    }
    if (r.outcome === 'ok' && starts(r.action, ACCESS_ACTIONS)) {
      const h = localHour(r.at, off);
      if (inUnusualHours(h, fromHour, toHour)) out.push({ kind: 'unusual_hours', user: r.actorName, at: r.at, records: [r.seq], summary: `${r.action} at ${String(h).padStart(2, '0')}h local time`, details: { action: r.action, localHour: h, cameraIds: r.cameraIds } });
    }
  }
  // bulk exports per user and local day
  const perDay = new Map<string, { user: string; day: number; seqs: number[]; hours: number; first: number }>();
  for (const r of recs) {
    if (r.outcome !== 'ok' || r.action !== 'export.create') continue;
    const key = `${r.actorId}|${localDay(r.at, off)}`;
    const e = perDay.get(key) ?? { user: r.actorName, day: localDay(r.at, off), seqs: [], hours: 0, first: r.at };
    const from = Number(r.details.fromMs);
    const to = Number(r.details.toMs);
    const cams = Math.max(1, r.cameraIds.length);
    if (Number.isFinite(from) && Number.isFinite(to) && to > from) e.hours += ((to - from) * cams) / HOUR;
    e.seqs.push(r.seq);
    perDay.set(key, e);
  }
  for (const e of perDay.values()) {
    if (e.seqs.length > cfg.bulkExportsPerDay || e.hours > cfg.bulkExportHoursPerDay) {
      out.push({
        kind: 'bulk_exports', user: e.user, at: e.first, records: e.seqs.slice(0, 50),
        summary: `${e.seqs.length} exports, ${Math.round(e.hours * 10) / 10} h of footage in one day`,
        details: { exports: e.seqs.length, hours: Math.round(e.hours * 100) / 100, limitExports: cfg.bulkExportsPerDay, limitHours: cfg.bulkExportHoursPerDay },
      });
    }
  }
  // one plate, many users
  const byPlate = new Map<string, FlagInput[]>();
  for (const r of recs) {
    if (r.outcome !== 'ok' || r.action !== 'plate.search' || typeof r.details.plate !== 'string') continue;
    const plate = r.details.plate.toUpperCase().replace(/[\s-]/g, '');
    byPlate.set(plate, [...(byPlate.get(plate) ?? []), r]);
  }
  for (const [plate, list] of byPlate) {
    let lo = 0;
    const count = new Map<string, number>();
    let best: { users: string[]; seqs: number[]; at: number } | null = null;
    for (let hi = 0; hi < list.length; hi++) {
      const add = list[hi]!;
      count.set(add.actorName, (count.get(add.actorName) ?? 0) + 1);
      while (list[hi]!.at - list[lo]!.at > cfg.plateWindowMs) {
        const n = count.get(list[lo]!.actorName)! - 1;
        if (n === 0) count.delete(list[lo]!.actorName);
        else count.set(list[lo]!.actorName, n);
        lo++;
      }
      if (count.size >= cfg.plateUsersThreshold && (!best || count.size > best.users.length)) {
        best = { users: [...count.keys()].sort(), seqs: list.slice(lo, hi + 1).map((x) => x.seq), at: list[lo]!.at };
      }
    }
    if (best) {
      out.push({ kind: 'plate_many_users', user: null, at: best.at, records: best.seqs.slice(0, 50), summary: `plate ${plate} searched by ${best.users.length} users`, details: { plate, users: best.users, windowMs: cfg.plateWindowMs } });
    }
  }
  return out.sort((a, b) => a.at - b.at || a.kind.localeCompare(b.kind));
}
