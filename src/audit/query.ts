/** Reading the audit trail for auditors: filtered, newest first, keyset-paginated. */
import { sql } from 'kysely';
import { ValidationError } from '../core/errors';
import type { Db } from '../store/store';
import { isPostgres } from './append';
import type { AuditFilter, AuditItem, AuditPage } from './types';

export const MAX_QUERY_LIMIT = 500;
const DEFAULT_LIMIT = 100;

function encodeCursor(at: number, seq: number): string {
  return Buffer.from(JSON.stringify([at, seq])).toString('base64url');
}

function decodeCursor(cursor: string): { at: number; seq: number } {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (err) {
    throw new ValidationError(`Invalid audit cursor '${cursor.slice(0, 40)}': ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!Array.isArray(v) || v.length !== 2 || !v.every((n) => Number.isSafeInteger(n))) {
    throw new ValidationError(`Invalid audit cursor '${cursor.slice(0, 40)}': pass back the nextCursor of the previous page`);
  }
  return { at: v[0] as number, seq: v[1] as number };
}

/** JSON columns of a tampered row may not parse; the row must still be readable (verify reports it). */
function parseJson<T>(textValue: string, fallback: (error: string) => T): T {
  try {
    return JSON.parse(textValue) as T;
  } catch (err) {
    return fallback(err instanceof Error ? err.message : String(err));
  }
}

function checkTime(name: string, v: number | undefined): void {
  if (v !== undefined && !Number.isSafeInteger(v)) throw new ValidationError(`Audit filter '${name}' must be integer UTC ms, got ${v}`);
}

export async function queryAudit(db: Db, filter: AuditFilter = {}): Promise<AuditPage> {
  const limit = filter.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_QUERY_LIMIT) {
    throw new ValidationError(`Audit query limit must be 1–${MAX_QUERY_LIMIT}, got ${limit}`);
  }
  checkTime('from', filter.from);
  checkTime('to', filter.to);
  let q = db.selectFrom('audit_records').selectAll();
  if (filter.from !== undefined) q = q.where('at', '>=', filter.from);
  if (filter.to !== undefined) q = q.where('at', '<', filter.to);
  if (filter.actorId !== undefined) q = q.where('actor_id', '=', filter.actorId);
  if (filter.caseRef !== undefined) q = q.where('case_ref', '=', filter.caseRef);
  if (filter.action !== undefined && filter.action !== '') {
    const prefix = filter.action;
    q = q.where(sql<string>`substr(action, 1, ${sql.lit(prefix.length)})`, '=', prefix);
  }
  if (filter.cameraId !== undefined) {
    // camera_ids is the JSON array text written by the audit log, so the quoted id is an exact token.
    const needle = JSON.stringify(filter.cameraId);
    q = q.where(isPostgres(db) ? sql<boolean>`strpos(camera_ids, ${needle}) > 0` : sql<boolean>`instr(camera_ids, ${needle}) > 0`);
  }
  if (filter.cursor) {
    const c = decodeCursor(filter.cursor);
    q = q.where((eb) => eb.or([eb('at', '<', c.at), eb.and([eb('at', '=', c.at), eb('seq', '<', c.seq)])]));
  }
  const rows = await q.orderBy('at', 'desc').orderBy('seq', 'desc').limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  const items: AuditItem[] = page.map((r) => ({
    seq: Number(r.seq),
    chain: r.chain,
    chainSeq: Number(r.chain_seq),
    at: Number(r.at),
    actorId: r.actor_id,
    actorName: r.actor_name,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    cameraIds: parseJson<string[]>(r.camera_ids, () => []),
    purpose: r.purpose,
    caseRef: r.case_ref,
    ip: r.ip,
    outcome: r.outcome,
    details: parseJson<Record<string, unknown>>(r.details, (error) => ({ _unparsable: { text: r.details, cameraIds: r.camera_ids, error } })),
    hash: r.hash,
  }));
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.at, last.seq) : null };
}
