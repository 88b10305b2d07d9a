import { createHash } from 'node:crypto';
import { authorize } from '../auth/guard';
import { inScope, type Scope } from '../auth/permissions';
import type { ActionContext, AuditAppender } from '../core/context';
import { ConflictError, ForbiddenError, NotFoundError, UserError, ValidationError } from '../core/errors';
import type { Clock } from '../core/time';
import { addEvent } from '../events/outbox';
import type { SecretBox } from '../keys/secret-box';
import type { Organisation } from '../organisations/organisation.model';
import { OrganisationRepository } from '../organisations/organisation.repository';
import type { Db, Store } from '../store/store';
import { splitCredentials, type Camera, type CameraFilter, type CameraPatch, type ValidCameraInput } from './camera.model';
import { CameraRepository, searchText, type CameraRow } from './camera.repository';

export interface ImportRowReport {
  row: number;
  id: string | null;
  errors: string[];
}

export interface ParsedImport {
  rows: Array<{ row: number; id: string | null; input?: ValidCameraInput; errors: string[] }>;
  fileErrors: string[];
}

const MAX_AUDITED_IDS = 1000;

/** Camera inventory: create, change, delete, list within scope, bulk import and export. */
export class CameraService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditAppender,
    private readonly secrets: SecretBox,
    private readonly clock: Clock,
    private readonly afterCommit: () => void = () => undefined,
  ) {}

  async list(ctx: ActionContext, filter: CameraFilter, limit: number, after?: string): Promise<{ items: Camera[]; nextCursor: string | null }> {
    const scopes = authorize(ctx, 'camera.read');
    const items = await new CameraRepository(this.store.db).list(filter, scopes, limit, after);
    return { items, nextCursor: items.length === limit ? items[items.length - 1]!.id : null };
  }

  async get(ctx: ActionContext, id: string): Promise<Camera> {
    const scopes = authorize(ctx, 'camera.read');
    const cam = await new CameraRepository(this.store.db).get(id, scopes);
    if (!cam) throw new NotFoundError('camera', id); // out of scope looks exactly like absent
    return cam;
  }

  async create(ctx: ActionContext, input: ValidCameraInput): Promise<Camera> {
    const scopes = authorize(ctx, 'camera.write');
    const now = this.clock.now();
    await this.store.transaction(async (tx) => {
      const org = await this.ownerFor(tx, input.owner, scopes, input.location.district);
      if ((await new CameraRepository(tx).existing([input.id])).size) throw new ConflictError('camera_exists', `A camera with id '${input.id}' already exists`);
      const { row, credentials } = this.toRow(input, org, now);
      const repo = new CameraRepository(tx);
      await repo.insertMany([row]);
      if (credentials) await repo.setCredentials([{ cameraId: row.id, ...credentials, updatedAt: now }]);
      await this.audit.record(tx, ctx, { action: 'camera.create', targetType: 'camera', targetId: row.id, cameraIds: [row.id] });
      await addEvent(tx, 'camera.created', { cameraId: row.id, owner: row.owner, district: row.district }, now);
    });
    this.afterCommit();
    return this.get({ ...ctx, principal: null }, input.id);
  }

  async update(ctx: ActionContext, id: string, patch: CameraPatch): Promise<Camera> {
    const scopes = authorize(ctx, 'camera.write');
    const now = this.clock.now();
    await this.store.transaction(async (tx) => {
      const repo = new CameraRepository(tx);
      const cur = await repo.get(id, scopes);
      if (!cur) throw new NotFoundError('camera', id);
      const next: ValidCameraInput = {
        id,
        name: patch.name ?? cur.name,
        location: { ...cur.location, ...patch.location },
        owner: patch.owner ?? cur.owner,
        source: { url: cur.source.url, subUrl: cur.source.subUrl, transport: cur.source.transport, ...patch.source },
        bearingDeg: patch.bearingDeg === undefined ? cur.bearingDeg : patch.bearingDeg,
        fovDeg: patch.fovDeg === undefined ? cur.fovDeg : patch.fovDeg,
        tags: patch.tags ?? cur.tags,
        sharing: { ...cur.sharing, ...patch.sharing },
      };
      const org = await this.ownerFor(tx, next.owner, scopes, next.location.district);
      const { row, credentials } = this.toRow(next, org, now);
      const { id: _id, created_at: _c, status: _s, status_changed_at: _sc, ...set } = row;
      await repo.update(id, set);
      if (credentials) await repo.setCredentials([{ cameraId: id, ...credentials, updatedAt: now }]);
      // Field names only, never values: the audit trail must not hold credentials.
      const fields = [...Object.keys(patch), ...(patch.source?.username !== undefined || patch.source?.password !== undefined ? ['credentials'] : [])];
      await this.audit.record(tx, ctx, { action: 'camera.update', targetType: 'camera', targetId: id, cameraIds: [id], details: { fields } });
      await addEvent(tx, 'camera.updated', { cameraId: id, owner: row.owner, district: row.district, fields }, now);
    });
    this.afterCommit();
    return this.get({ ...ctx, principal: null }, id);
  }

  async delete(ctx: ActionContext, id: string): Promise<void> {
    const scopes = authorize(ctx, 'camera.write');
    await this.store.transaction(async (tx) => {
      const repo = new CameraRepository(tx);
      const cur = await repo.get(id, scopes);
      if (!cur) throw new NotFoundError('camera', id);
      await repo.delete(id);
      await this.audit.record(tx, ctx, { action: 'camera.delete', targetType: 'camera', targetId: id, cameraIds: [id] });
      await addEvent(tx, 'camera.deleted', { cameraId: id, owner: cur.owner, district: cur.location.district });
    });
    this.afterCommit();
  }

  /**
   * All or nothing: if any row is rejected, nothing is written and the report lists every
   * rejected row with its reasons (UserError 'import_rejected', HTTP 422).
   */
  async import(ctx: ActionContext, parsed: ParsedImport, source: string): Promise<{ imported: number }> {
    const scopes = authorize(ctx, 'camera.import');
    if (parsed.fileErrors.length) {
      throw new UserError('import_invalid_file', `The file cannot be imported: ${parsed.fileErrors.join('; ')}`, { fileErrors: parsed.fileErrors }, 422);
    }
    if (parsed.rows.length === 0) throw new UserError('import_empty', 'The file holds no cameras', undefined, 422);
    const now = this.clock.now();
    const inputs = parsed.rows.filter((r) => r.input).map((r) => r.input!);
    const count = await this.store.transaction(async (tx) => {
      const orgs = new Map((await new OrganisationRepository(tx).list()).map((o) => [o.id, o]));
      const existing = await new CameraRepository(tx).existing(inputs.map((i) => i.id));
      const rejected: ImportRowReport[] = [];
      const rows: CameraRow[] = [];
      const creds: { cameraId: string; username: string; secret: string; updatedAt: number }[] = [];
      for (const r of parsed.rows) {
        const errors = [...r.errors];
        const input = r.input;
        if (input) {
          const org = orgs.get(input.owner);
          if (!org) errors.push(`owner: '${input.owner}' is not a known organisation (add it first: smartview orgs add, or Admin → Organisations)`);
          else if (!inScope(scopes, input.owner, input.location.district)) errors.push(`owner/district: outside your scope (${input.owner} / ${input.location.district})`);
          if (existing.has(input.id)) errors.push(`id: a camera with id '${input.id}' already exists`);
          if (org && !errors.length) {
            try {
              const { row, credentials } = this.toRow(input, org, now);
              rows.push(row);
              if (credentials) creds.push({ cameraId: row.id, ...credentials, updatedAt: now });
            } catch (err) {
              if (!(err instanceof UserError)) throw err;
              errors.push(err.message);
            }
          }
        }
        if (errors.length) rejected.push({ row: r.row, id: r.id, errors });
      }
      if (rejected.length) {
        throw new UserError(
          'import_rejected',
          `${rejected.length} of ${parsed.rows.length} rows were rejected; nothing was imported. Fix the rows listed and import the file again.`,
          { total: parsed.rows.length, rejected },
          422,
        );
      }
      const repo = new CameraRepository(tx);
      await repo.insertMany(rows);
      await repo.setCredentials(creds);
      const ids = rows.map((r) => r.id);
      await this.audit.record(tx, ctx, {
        action: 'camera.import',
        targetType: 'camera',
        cameraIds: ids.length <= MAX_AUDITED_IDS ? ids : [],
        details: { source, count: ids.length, idsSha256: createHash('sha256').update(ids.join('\n')).digest('hex') },
      });
      await addEvent(tx, 'camera.imported', { count: ids.length, owners: [...new Set(rows.map((r) => r.owner))], districts: [...new Set(rows.map((r) => r.district))] }, now);
      return ids.length;
    });
    this.afterCommit();
    return { imported: count };
  }

  /** Pages of every camera in the caller's scope, for export; the export itself is audited. */
  async *exportPages(ctx: ActionContext, format: string, filter: CameraFilter = {}): AsyncGenerator<Camera[]> {
    const scopes = authorize(ctx, 'camera.export');
    await this.store.transaction(async (tx) => {
      await this.audit.record(tx, ctx, { action: 'camera.export', targetType: 'camera', details: { format, filter } });
    });
    let after: string | undefined;
    const repo = new CameraRepository(this.store.db);
    for (;;) {
      const page = await repo.list(filter, scopes, 2000, after);
      if (page.length) yield page;
      if (page.length < 2000) return;
      after = page[page.length - 1]!.id;
    }
  }

  private async ownerFor(tx: Db, owner: string, scopes: Scope[], district: string): Promise<Organisation> {
    const org = await new OrganisationRepository(tx).get(owner);
    if (!org) throw new ValidationError(`owner: '${owner}' is not a known organisation`, { field: 'owner' });
    if (!inScope(scopes, owner, district)) throw new ForbiddenError('camera.write', `owner/district '${owner}' / '${district}' is outside your scope`);
    return org;
  }

  private toRow(input: ValidCameraInput, org: Organisation, now: number): { row: CameraRow; credentials?: { username: string; secret: string } } {
    const main = splitCredentials(input.source.url);
    const sub = input.source.subUrl ? splitCredentials(input.source.subUrl) : null;
    const username = input.source.username ?? main.username;
    const password = input.source.password ?? main.password;
    const retention = input.sharing?.retentionDays ?? null;
    const cap = org.policy.retentionDaysCap;
    if (cap !== null && retention !== null && retention > cap) {
      throw new ValidationError(`retention_days: ${retention} exceeds the owner's cap of ${cap} days`, { field: 'retentionDays' });
    }
    const row: CameraRow = {
      id: input.id,
      name: input.name,
      lat: input.location.lat,
      lon: input.location.lon,
      district: input.location.district,
      address: input.location.address,
      owner: input.owner,
      source_url: main.url,
      sub_url: sub?.url ?? null,
      transport: input.source.transport,
      bearing_deg: input.bearingDeg ?? null,
      fov_deg: input.fovDeg ?? null,
      tags: JSON.stringify(input.tags),
      live_allowed: (input.sharing?.liveAllowed ?? org.policy.liveAllowed) && org.policy.liveAllowed ? 1 : 0,
      playback_allowed: (input.sharing?.playbackAllowed ?? org.policy.playbackAllowed) && org.policy.playbackAllowed ? 1 : 0,
      retention_days: retention ?? cap,
      status: 'unknown',
      status_changed_at: null,
      search_text: searchText({ id: input.id, name: input.name, address: input.location.address, district: input.location.district, tags: input.tags }),
      created_at: now,
      updated_at: now,
    };
    return { row, credentials: username || password ? { username: username ?? '', secret: this.secrets.seal(password ?? '') } : undefined };
  }
}
