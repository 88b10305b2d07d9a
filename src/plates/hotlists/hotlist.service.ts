import { randomUUID } from 'node:crypto';
import { authorize } from '../../auth/guard';
import type { Scope } from '../../auth/permissions';
import type { ActionContext, AuditAppender } from '../../core/context';
import { ConflictError, ForbiddenError, NotFoundError, UserError, ValidationError } from '../../core/errors';
import type { Clock } from '../../core/time';
import { addEvent } from '../../events/outbox';
import type { Db, Store } from '../../store/store';
import { plateKey } from '../grammar/index';
import { normaliseQuery } from '../search/pattern';
import { hotlistToCsv, parseHotlistCsv } from './csv';
import { HotlistRepository, type EntryRow } from './hotlist.repository';
import type { EntryInput, Hotlist, HotlistEntry, HotlistInput, Priority } from './types';

const MAX_EXPORT = 200_000;

/**
 * Hotlists and their entries, managed with 'hotlist.manage' on lists of organisations in the
 * caller's scope (others answer 404). Every change is audited with the case reference
 * (X-Case-Ref) and published as 'hotlist.changed' in the same transaction, which makes every
 * node reload its matcher. A CSV import is one transaction: any bad row and nothing is imported.
 */
export class HotlistService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditAppender,
    private readonly clock: Clock,
    private readonly afterCommit: () => void = () => undefined,
  ) {}

  async list(ctx: ActionContext): Promise<Hotlist[]> {
    return new HotlistRepository(this.store.db).list(authorize(ctx, 'hotlist.manage'));
  }

  async get(ctx: ActionContext, id: string): Promise<Hotlist> {
    return this.mustGet(this.store.db, id, authorize(ctx, 'hotlist.manage'));
  }

  async create(ctx: ActionContext, input: HotlistInput): Promise<Hotlist> {
    const scopes = authorize(ctx, 'hotlist.manage');
    if (!scopes.some((s) => s.organisations === null || s.organisations.includes(input.owner))) {
      throw new ForbiddenError('hotlist.manage', `You may manage hotlists of ${scopes.flatMap((s) => s.organisations ?? []).join(', ') || 'no organisation'} only, not of '${input.owner}'`);
    }
    const id = randomUUID();
    const now = this.clock.now();
    await this.change(ctx, id, 'created', async (tx) => {
      const repo = new HotlistRepository(tx);
      if (await repo.byName(input.owner, input.name)) throw new ConflictError('hotlist_exists', `${input.owner} already has a hotlist named '${input.name}': choose another name`);
      await repo.insert({ id, name: input.name, owner: input.owner, description: input.description ?? '', created_by: actor(ctx), created_at: now, updated_at: now });
      return { action: 'hotlist.create', details: { name: input.name, owner: input.owner } };
    });
    return this.get({ ...ctx, principal: null }, id);
  }

  async update(ctx: ActionContext, id: string, patch: { name?: string; description?: string }): Promise<Hotlist> {
    const scopes = authorize(ctx, 'hotlist.manage');
    await this.change(ctx, id, 'updated', async (tx) => {
      const list = await this.mustGet(tx, id, scopes);
      const repo = new HotlistRepository(tx);
      if (patch.name !== undefined && patch.name !== list.name && (await repo.byName(list.owner, patch.name))) {
        throw new ConflictError('hotlist_exists', `${list.owner} already has a hotlist named '${patch.name}': choose another name`);
      }
      await repo.update(id, { ...patch, updated_at: this.clock.now() });
      return { action: 'hotlist.update', details: { ...patch, fields: Object.keys(patch) } };
    });
    return this.get({ ...ctx, principal: null }, id);
  }

  async remove(ctx: ActionContext, id: string): Promise<void> {
    const scopes = authorize(ctx, 'hotlist.manage');
    await this.change(ctx, id, 'deleted', async (tx) => {
      const list = await this.mustGet(tx, id, scopes);
      const entries = await new HotlistRepository(tx).delete(id);
      return { action: 'hotlist.delete', details: { name: list.name, owner: list.owner, entries } };
    });
  }

  /** Entries in plate order; `after` = the last plate of the previous page; `plate` = only that plate. */
  async entries(ctx: ActionContext, id: string, limit: number, after?: string, plate?: string): Promise<{ items: HotlistEntry[]; nextAfter: string | null }> {
    const scopes = authorize(ctx, 'hotlist.manage');
    await this.mustGet(this.store.db, id, scopes);
    const items = await new HotlistRepository(this.store.db).entries(id, limit + 1, after, plate === undefined ? undefined : normaliseQuery(plate));
    const page = items.slice(0, limit);
    return { items: page, nextAfter: items.length > limit ? page[page.length - 1]!.plate : null };
  }

  async addEntry(ctx: ActionContext, id: string, input: EntryInput): Promise<HotlistEntry> {
    const scopes = authorize(ctx, 'hotlist.manage');
    const row = this.entryRow(ctx, id, input, this.clock.now());
    await this.change(ctx, id, 'entry_added', async (tx) => {
      await this.mustGet(tx, id, scopes);
      const repo = new HotlistRepository(tx);
      if ((await repo.existingPlates(id, [row.plate])).size) throw new ConflictError('entry_exists', `${row.plate} is already on this hotlist: change that entry instead`);
      await repo.insertEntries([row]);
      return { action: 'hotlist.entry_add', details: entryDetails(row) };
    });
    return (await new HotlistRepository(this.store.db).entry(id, row.id))!;
  }

  async updateEntry(ctx: ActionContext, id: string, entryId: string, patch: Partial<Omit<EntryInput, 'plate'>>): Promise<HotlistEntry> {
    const scopes = authorize(ctx, 'hotlist.manage');
    await this.change(ctx, id, 'entry_updated', async (tx) => {
      await this.mustGet(tx, id, scopes);
      const repo = new HotlistRepository(tx);
      const e = await repo.entry(id, entryId);
      if (!e) throw new NotFoundError('hotlist entry', entryId);
      const validFrom = patch.validFrom === undefined ? e.validFrom : patch.validFrom;
      const validTo = patch.validTo === undefined ? e.validTo : patch.validTo;
      checkWindow(validFrom, validTo);
      const set: Partial<EntryRow> = { updated_at: this.clock.now(), valid_from: validFrom, valid_to: validTo };
      if (patch.reason !== undefined) set.reason = patch.reason;
      if (patch.priority !== undefined) set.priority = patch.priority;
      if (patch.fuzzy !== undefined) set.fuzzy = patch.fuzzy ? 1 : 0;
      if (patch.caseRef !== undefined) set.case_ref = patch.caseRef;
      await repo.updateEntry(entryId, set);
      return { action: 'hotlist.entry_update', details: { entryId, plate: e.plate, fields: Object.keys(patch) } };
    });
    return (await new HotlistRepository(this.store.db).entry(id, entryId))!;
  }

  async removeEntry(ctx: ActionContext, id: string, entryId: string): Promise<void> {
    const scopes = authorize(ctx, 'hotlist.manage');
    await this.change(ctx, id, 'entry_removed', async (tx) => {
      await this.mustGet(tx, id, scopes);
      const repo = new HotlistRepository(tx);
      const e = await repo.entry(id, entryId);
      if (!e) throw new NotFoundError('hotlist entry', entryId);
      await repo.deleteEntry(entryId);
      return { action: 'hotlist.entry_remove', details: { entryId, plate: e.plate } };
    });
  }

  /**
   * Imports a CSV into the list: all rows or none. Bad rows (and plates already on the list, unless
   * `replace` swaps the whole list) are reported one by one in the error's `details.rejected`.
   */
  async importCsv(ctx: ActionContext, id: string, csv: string, opts: { replace?: boolean } = {}): Promise<{ imported: number; replaced: number }> {
    const scopes = authorize(ctx, 'hotlist.manage');
    const parsed = parseHotlistCsv(csv);
    if (parsed.fileErrors.length) throw new ValidationError(`The CSV cannot be imported: ${parsed.fileErrors.join('; ')}`, { fileErrors: parsed.fileErrors });
    const now = this.clock.now();
    const rows = parsed.entries.map((e) => ({ row: e.row, entry: this.entryRow(ctx, id, e.input, now) }));
    let replaced = 0;
    await this.change(ctx, id, 'imported', async (tx) => {
      await this.mustGet(tx, id, scopes);
      const repo = new HotlistRepository(tx);
      const rejected = [...parsed.rejected];
      if (!opts.replace) {
        const existing = await repo.existingPlates(id, rows.map((r) => r.entry.plate));
        for (const r of rows) if (existing.has(r.entry.plate)) rejected.push({ row: r.row, id: r.entry.plate, errors: [`plate: ${r.entry.plate} is already on this hotlist (import with replace to swap the whole list)`] });
      }
      if (rejected.length) {
        rejected.sort((a, b) => a.row - b.row);
        throw new UserError('import_rejected', `${rejected.length} row(s) of the CSV are wrong; nothing was imported. Fix them and import the file again.`, { rejected }, 422);
      }
      if (opts.replace) replaced = await repo.deleteEntries(id);
      await repo.insertEntries(rows.map((r) => r.entry));
      await repo.update(id, { updated_at: now });
      return { action: 'hotlist.import', details: { imported: rows.length, replaced, replace: !!opts.replace } };
    });
    return { imported: rows.length, replaced };
  }

  async exportCsv(ctx: ActionContext, id: string): Promise<{ name: string; csv: string; entries: number }> {
    const scopes = authorize(ctx, 'hotlist.manage');
    const list = await this.mustGet(this.store.db, id, scopes);
    const entries = await new HotlistRepository(this.store.db).entries(id, MAX_EXPORT);
    await this.audit.recordStandalone(ctx, { action: 'hotlist.export', targetType: 'hotlist', targetId: id, details: { name: list.name, entries: entries.length } });
    return { name: list.name, csv: hotlistToCsv(entries), entries: entries.length };
  }

  private entryRow(ctx: ActionContext, hotlistId: string, input: EntryInput, now: number): EntryRow {
    const plate = normaliseQuery(input.plate);
    if (!/^[\p{L}\p{N}]{1,16}$/u.test(plate)) throw new ValidationError(`plate: only letters and digits, at most 16 (got '${input.plate}')`);
    checkWindow(input.validFrom ?? null, input.validTo ?? null);
    return {
      id: randomUUID(), hotlist_id: hotlistId, plate, plate_key: plateKey(plate), reason: input.reason, priority: input.priority ?? ('high' satisfies Priority),
      fuzzy: input.fuzzy ? 1 : 0, valid_from: input.validFrom ?? null, valid_to: input.validTo ?? null, case_ref: input.caseRef ?? ctx.caseRef ?? null,
      added_by: actor(ctx), created_at: now, updated_at: now,
    };
  }

  private async mustGet(db: Db, id: string, scopes: Scope[]): Promise<Hotlist> {
    const list = await new HotlistRepository(db).get(id, scopes);
    if (!list) throw new NotFoundError('hotlist', id);
    return list;
  }

  private async change(ctx: ActionContext, id: string, change: string, apply: (tx: Db) => Promise<{ action: string; details: Record<string, unknown> }>): Promise<void> {
    await this.store.transaction(async (tx) => {
      const { action, details } = await apply(tx);
      await this.audit.record(tx, ctx, { action, targetType: 'hotlist', targetId: id, details: { ...details, caseRef: ctx.caseRef ?? null } });
      await addEvent(tx, 'hotlist.changed', { hotlistId: id, change }, this.clock.now());
    });
    this.afterCommit();
  }
}

function actor(ctx: ActionContext): string {
  return ctx.principal?.username ?? ctx.systemActor ?? 'system';
}

function checkWindow(from: number | null, to: number | null): void {
  if (from !== null && to !== null && to <= from) throw new ValidationError('validTo: must be after validFrom');
}

function entryDetails(r: EntryRow): Record<string, unknown> {
  return { entryId: r.id, plate: r.plate, priority: r.priority, fuzzy: r.fuzzy === 1, validFrom: r.valid_from, validTo: r.valid_to, entryCaseRef: r.case_ref };
}
