import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Scope } from '../../auth/permissions';
import type { HotlistEntryTable, HotlistTable } from '../../store/schema';
import type { Db } from '../../store/store';
import type { ActiveEntry, Hotlist, HotlistEntry, Priority } from './types';

export type EntryRow = HotlistEntryTable;

/** Lists are owned by an organisation: visible to a grant that covers that organisation (districts do not apply). */
export function ownerSql(scopes: Scope[]): RawBuilder<SqlBool> {
  if (scopes.some((s) => s.organisations === null)) return sql<SqlBool>`1 = 1`;
  const orgs = [...new Set(scopes.flatMap((s) => s.organisations ?? []))];
  return orgs.length ? sql<SqlBool>`hotlists.owner in (${sql.join(orgs)})` : sql<SqlBool>`1 = 0`;
}

function toHotlist(r: HotlistTable & { entries?: number | string | bigint | null }): Hotlist {
  return {
    id: r.id, name: r.name, owner: r.owner, description: r.description, createdBy: r.created_by,
    createdAt: Number(r.created_at), updatedAt: Number(r.updated_at), entries: Number(r.entries ?? 0),
  };
}

export function toEntry(r: EntryRow): HotlistEntry {
  return {
    id: r.id, hotlistId: r.hotlist_id, plate: r.plate, plateKey: r.plate_key, reason: r.reason, priority: r.priority as Priority, fuzzy: r.fuzzy === 1,
    validFrom: r.valid_from === null ? null : Number(r.valid_from), validTo: r.valid_to === null ? null : Number(r.valid_to), caseRef: r.case_ref,
    addedBy: r.added_by, createdAt: Number(r.created_at), updatedAt: Number(r.updated_at),
  };
}

export class HotlistRepository {
  constructor(private readonly db: Db) {}

  async list(scopes: Scope[]): Promise<Hotlist[]> {
    const rows = await this.db
      .selectFrom('hotlists')
      .selectAll('hotlists')
      .select((eb) => eb.selectFrom('hotlist_entries').select((e) => e.fn.countAll<number>().as('n')).whereRef('hotlist_entries.hotlist_id', '=', 'hotlists.id').as('entries'))
      .where(ownerSql(scopes))
      .orderBy('owner')
      .orderBy('name')
      .limit(10_000)
      .execute();
    return rows.map(toHotlist);
  }

  async get(id: string, scopes: Scope[]): Promise<Hotlist | undefined> {
    const r = await this.db
      .selectFrom('hotlists')
      .selectAll('hotlists')
      .select((eb) => eb.selectFrom('hotlist_entries').select((e) => e.fn.countAll<number>().as('n')).whereRef('hotlist_entries.hotlist_id', '=', 'hotlists.id').as('entries'))
      .where('id', '=', id)
      .where(ownerSql(scopes))
      .executeTakeFirst();
    return r ? toHotlist(r) : undefined;
  }

  async byName(owner: string, name: string): Promise<{ id: string } | undefined> {
    return this.db.selectFrom('hotlists').select('id').where('owner', '=', owner).where('name', '=', name).executeTakeFirst();
  }

  async insert(row: HotlistTable): Promise<void> {
    await this.db.insertInto('hotlists').values(row).execute();
  }

  async update(id: string, set: Partial<HotlistTable>): Promise<void> {
    await this.db.updateTable('hotlists').set(set).where('id', '=', id).execute();
  }

  /** Deletes the list and its entries; returns how many entries went with it. */
  async delete(id: string): Promise<number> {
    const n = await this.deleteEntries(id);
    await this.db.deleteFrom('hotlists').where('id', '=', id).execute();
    return n;
  }

  async deleteEntries(hotlistId: string): Promise<number> {
    const r = await this.db.deleteFrom('hotlist_entries').where('hotlist_id', '=', hotlistId).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async entries(hotlistId: string, limit: number, after?: string, plate?: string): Promise<HotlistEntry[]> {
    let q = this.db.selectFrom('hotlist_entries').selectAll().where('hotlist_id', '=', hotlistId);
    if (plate !== undefined) q = q.where('plate', '=', plate);
    if (after !== undefined) q = q.where('plate', '>', after);
    return (await q.orderBy('plate').limit(limit).execute()).map(toEntry);
  }

  async entry(hotlistId: string, entryId: string): Promise<HotlistEntry | undefined> {
    const r = await this.db.selectFrom('hotlist_entries').selectAll().where('hotlist_id', '=', hotlistId).where('id', '=', entryId).executeTakeFirst();
    return r ? toEntry(r) : undefined;
  }

  /** The plates of `plates` already on the list. */
  async existingPlates(hotlistId: string, plates: string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < plates.length; i += 1000) {
      const rows = await this.db.selectFrom('hotlist_entries').select('plate').where('hotlist_id', '=', hotlistId).where('plate', 'in', plates.slice(i, i + 1000)).execute();
      for (const r of rows) out.add(r.plate);
    }
    return out;
  }

  async insertEntries(rows: EntryRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 500) await this.db.insertInto('hotlist_entries').values(rows.slice(i, i + 500)).execute();
  }

  async updateEntry(id: string, set: Partial<EntryRow>): Promise<void> {
    await this.db.updateTable('hotlist_entries').set(set).where('id', '=', id).execute();
  }

  async deleteEntry(id: string): Promise<void> {
    await this.db.deleteFrom('hotlist_entries').where('id', '=', id).execute();
  }

  /** Every entry not yet expired at `now`, with its list (the matcher's load). */
  async active(now: number): Promise<ActiveEntry[]> {
    const rows = await this.db
      .selectFrom('hotlist_entries')
      .innerJoin('hotlists', 'hotlists.id', 'hotlist_entries.hotlist_id')
      .selectAll('hotlist_entries')
      .select(['hotlists.name as list_name', 'hotlists.owner as list_owner'])
      .where((eb) => eb.or([eb('hotlist_entries.valid_to', 'is', null), eb('hotlist_entries.valid_to', '>', now)]))
      .execute();
    return rows.map((r) => ({
      id: r.id, hotlistId: r.hotlist_id, hotlistName: r.list_name, owner: r.list_owner, plate: r.plate, plateKey: r.plate_key, reason: r.reason,
      priority: r.priority as Priority, fuzzy: r.fuzzy === 1, validFrom: r.valid_from === null ? null : Number(r.valid_from),
      validTo: r.valid_to === null ? null : Number(r.valid_to), caseRef: r.case_ref,
    }));
  }
}
