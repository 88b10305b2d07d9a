/** Scope conditions and keyset cursors shared by the event and alert repositories. */
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Scope } from '../auth/permissions';
import { ValidationError } from '../core/errors';

/**
 * SQL condition: the row's owner/district (copied from its camera) lies in one of the scopes —
 * the same rule as cameras/camera.repository.ts scopeCondition, on this table's own columns.
 */
export function scopeSql(scopes: Scope[], table: 'analytics_events' | 'alerts'): RawBuilder<SqlBool> {
  if (scopes.length === 0) return sql<SqlBool>`1 = 0`;
  const owner = sql.ref(`${table}.owner`);
  const district = sql.ref(`${table}.district`);
  const inList = (col: RawBuilder<unknown>, values: string[]) => (values.length ? sql<SqlBool>`${col} in (${sql.join(values)})` : sql<SqlBool>`1 = 0`);
  const parts = scopes.map((s) => {
    const c: RawBuilder<SqlBool>[] = [];
    if (s.organisations !== null) c.push(inList(owner, s.organisations));
    if (s.districts !== null) c.push(inList(district, s.districts));
    return c.length ? sql<SqlBool>`(${sql.join(c, sql` and `)})` : sql<SqlBool>`1 = 1`;
  });
  return sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
}

/** Newest-first keyset cursor: (time, id) of the last item of a page. */
export function encodeCursor(at: number, id: string): string {
  return Buffer.from(JSON.stringify([at, id])).toString('base64url');
}

export function decodeCursor(cursor: string): { at: number; id: string } {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (err) {
    throw new ValidationError(`cursor: not a cursor of this list (${err instanceof Error ? err.message : String(err)}); pass back the nextCursor of the previous page`);
  }
  if (!Array.isArray(v) || v.length !== 2 || !Number.isSafeInteger(v[0]) || typeof v[1] !== 'string' || v[1].length > 100) {
    throw new ValidationError('cursor: not a cursor of this list; pass back the nextCursor of the previous page');
  }
  return { at: v[0] as number, id: v[1] as string };
}
