import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Scope } from '../../auth/permissions';

/**
 * SQL condition: the row's owner/district (copied from its camera at read time) lies in one of the
 * scopes — the rule of cameras/camera.repository.ts scopeCondition, on this table's own columns.
 */
export function scopeSql(scopes: Scope[], table: string): RawBuilder<SqlBool> {
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
