import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Scope } from '../auth/permissions';
import type { Database } from '../store/schema';
import type { Db } from '../store/store';
import type { Camera, CameraFilter } from './camera.model';

export type CameraRow = Database['cameras'];

const BATCH = 500;

export function toCamera(r: CameraRow, hasCredentials: boolean): Camera {
  return {
    id: r.id,
    name: r.name,
    location: { lat: r.lat, lon: r.lon, district: r.district, address: r.address },
    owner: r.owner,
    source: { url: r.source_url, subUrl: r.sub_url, transport: r.transport as Camera['source']['transport'], hasCredentials },
    bearingDeg: r.bearing_deg,
    fovDeg: r.fov_deg,
    tags: JSON.parse(r.tags) as string[],
    sharing: { liveAllowed: r.live_allowed === 1, playbackAllowed: r.playback_allowed === 1, retentionDays: r.retention_days },
    status: r.status as Camera['status'],
    statusChangedAt: r.status_changed_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function searchText(c: { id: string; name: string; address: string; district: string; tags: string[] }): string {
  return [c.id, c.name, c.address, c.district, ...c.tags].join(' ').toLowerCase();
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (m) => `\\${m}`);
}

/** SQL condition: the camera is inside one of the scopes. */
export function scopeCondition(eb: ExpressionBuilder<Database, 'cameras'>, scopes: Scope[]): Expression<SqlBool> {
  const FALSE = sql<SqlBool>`1 = 0`;
  if (scopes.length === 0) return FALSE;
  return eb.or(
    scopes.map((s) => {
      const parts: Expression<SqlBool>[] = [];
      if (s.organisations !== null) parts.push(s.organisations.length ? eb('cameras.owner', 'in', s.organisations) : FALSE);
      if (s.districts !== null) parts.push(s.districts.length ? eb('cameras.district', 'in', s.districts) : FALSE);
      return parts.length ? eb.and(parts) : sql<SqlBool>`1 = 1`;
    }),
  );
}

/** Cameras and their (encrypted) credentials. */
export class CameraRepository {
  constructor(private readonly db: Db) {}

  async get(id: string, scopes?: Scope[]): Promise<Camera | undefined> {
    let q = this.db
      .selectFrom('cameras')
      .leftJoin('camera_credentials', 'camera_credentials.camera_id', 'cameras.id')
      .selectAll('cameras')
      .select('camera_credentials.camera_id as cred')
      .where('cameras.id', '=', id);
    if (scopes) q = q.where((eb) => scopeCondition(eb, scopes));
    const r = await q.executeTakeFirst();
    return r ? toCamera(r, r.cred !== null) : undefined;
  }

  /**
   * One page of cameras in scope matching the filter, ordered by id. The page's ids are found first
   * (answered from the covering index on SQLite, index-only on PostgreSQL), then only those rows
   * are read with their credential flag.
   */
  async list(filter: CameraFilter, scopes: Scope[], limit: number, after?: string): Promise<Camera[]> {
    let ids = this.db.selectFrom('cameras').select('cameras.id').where((eb) => scopeCondition(eb, scopes));
    if (filter.q) ids = ids.where('cameras.search_text', 'like', `%${escapeLike(filter.q.toLowerCase())}%`);
    if (filter.owner?.length) ids = ids.where('cameras.owner', 'in', filter.owner);
    if (filter.district?.length) ids = ids.where('cameras.district', 'in', filter.district);
    if (filter.status) ids = ids.where('cameras.status', '=', filter.status);
    if (filter.tag) ids = ids.where('cameras.tags', 'like', `%${escapeLike(JSON.stringify(filter.tag))}%`);
    if (filter.bbox) {
      const [minLon, minLat, maxLon, maxLat] = filter.bbox;
      ids = ids.where('cameras.lat', '>=', minLat).where('cameras.lat', '<=', maxLat).where('cameras.lon', '>=', minLon).where('cameras.lon', '<=', maxLon);
    }
    if (after !== undefined) ids = ids.where('cameras.id', '>', after);
    const page = (await ids.orderBy('cameras.id').limit(limit).execute()).map((r) => r.id);
    if (page.length === 0) return [];
    const rows = await this.db
      .selectFrom('cameras')
      .leftJoin('camera_credentials', 'camera_credentials.camera_id', 'cameras.id')
      .selectAll('cameras')
      .select('camera_credentials.camera_id as cred')
      .where('cameras.id', 'in', page)
      .orderBy('cameras.id')
      .execute();
    return rows.map((r) => toCamera(r, r.cred !== null));
  }

  async count(): Promise<number> {
    const r = await this.db.selectFrom('cameras').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** Which of `ids` exist already (any scope). */
  async existing(ids: string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < ids.length; i += BATCH) {
      const rows = await this.db.selectFrom('cameras').select('id').where('id', 'in', ids.slice(i, i + BATCH)).execute();
      for (const r of rows) out.add(r.id);
    }
    return out;
  }

  async insertMany(rows: CameraRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += BATCH) {
      await this.db.insertInto('cameras').values(rows.slice(i, i + BATCH)).execute();
    }
  }

  async update(id: string, set: Partial<CameraRow>): Promise<void> {
    await this.db.updateTable('cameras').set(set).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('camera_credentials').where('camera_id', '=', id).execute();
    await this.db.deleteFrom('cameras').where('id', '=', id).execute();
  }

  async setCredentials(rows: { cameraId: string; username: string; secret: string; updatedAt: number }[]): Promise<void> {
    for (let i = 0; i < rows.length; i += BATCH) {
      const batch = rows.slice(i, i + BATCH).map((r) => ({ camera_id: r.cameraId, username: r.username, secret: r.secret, updated_at: r.updatedAt }));
      await this.db
        .insertInto('camera_credentials')
        .values(batch)
        .onConflict((oc) => oc.column('camera_id').doUpdateSet((eb) => ({ username: eb.ref('excluded.username'), secret: eb.ref('excluded.secret'), updated_at: eb.ref('excluded.updated_at') })))
        .execute();
    }
  }

  async clearCredentials(cameraId: string): Promise<void> {
    await this.db.deleteFrom('camera_credentials').where('camera_id', '=', cameraId).execute();
  }

  /** Decrypted by the caller (only the recorder needs them). */
  async credentials(cameraId: string): Promise<{ username: string; secret: string } | undefined> {
    return this.db.selectFrom('camera_credentials').select(['username', 'secret']).where('camera_id', '=', cameraId).executeTakeFirst();
  }
}

