import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Scope } from '../auth/permissions';
import { scopeCondition, toCamera } from '../cameras/camera.repository';
import type { Camera } from '../cameras/camera.model';
import type { Database } from '../store/schema';
import type { Db } from '../store/store';
import type { HealthFilter } from './health.model';
import { TAMPERED_PREFIX } from './tamper-record';

/** A camera with its health row (absent columns = the recorder has not seen the camera yet). */
export interface HealthRow {
  id: string;
  name: string;
  owner: string;
  district: string;
  state: string | null;
  fps: number | null;
  bitrate_bps: number | null;
  reconnects: number | null;
  last_segment_at: number | null;
  storage_bytes: number | null;
  tamper: string | null;
  probe: string | null;
  last_error: string | null;
  updated_at: number | null;
}

type Eb = ExpressionBuilder<Database, 'cameras' | 'camera_health'>;

function inScope(eb: Eb, scopes: Scope[]): Expression<SqlBool> {
  // scopeCondition only names cameras.* columns; the joined builder offers them too.
  return scopeCondition(eb as unknown as ExpressionBuilder<Database, 'cameras'>, scopes);
}

const tampered = (eb: Eb) => eb('camera_health.tamper', 'like', `${TAMPERED_PREFIX}%`);

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (m) => `\\${m}`);
}

/**
 * Reads cameras with their `camera_health` row and writes the columns the health room owns:
 * `tamper`, `fps`, `bitrate_bps`, `storage_bytes`. It never inserts a health row (the recorder
 * creates them), so the two writers cannot collide on the key.
 */
export class HealthRepository {
  constructor(private readonly db: Db) {}

  private base() {
    return this.db
      .selectFrom('cameras')
      .leftJoin('camera_health', 'camera_health.camera_id', 'cameras.id')
      .select([
        'cameras.id', 'cameras.name', 'cameras.owner', 'cameras.district',
        'camera_health.state', 'camera_health.fps', 'camera_health.bitrate_bps', 'camera_health.reconnects',
        'camera_health.last_segment_at', 'camera_health.storage_bytes', 'camera_health.tamper', 'camera_health.probe',
        'camera_health.last_error', 'camera_health.updated_at',
      ]);
  }

  async get(id: string, scopes: Scope[]): Promise<HealthRow | undefined> {
    return this.base().where('cameras.id', '=', id).where((eb) => inScope(eb, scopes)).executeTakeFirst();
  }

  async list(filter: HealthFilter, scopes: Scope[], limit: number, after?: string): Promise<HealthRow[]> {
    let q = this.base().where((eb) => inScope(eb, scopes));
    if (filter.q) q = q.where('cameras.search_text', 'like', `%${escapeLike(filter.q.toLowerCase())}%`);
    if (filter.owner?.length) q = q.where('cameras.owner', 'in', filter.owner);
    if (filter.district?.length) q = q.where('cameras.district', 'in', filter.district);
    const states = filter.state;
    if (states?.length) {
      q = q.where((eb) => eb.or([eb('camera_health.state', 'in', states), ...(states.includes('unknown') ? [eb('camera_health.state', 'is', null)] : [])]));
    }
    if (filter.tampered === true) q = q.where((eb) => tampered(eb));
    if (filter.tampered === false) q = q.where((eb) => eb.or([eb('camera_health.tamper', 'is', null), eb.not(tampered(eb))]));
    if (after !== undefined) q = q.where('cameras.id', '>', after);
    return q.orderBy('cameras.id').limit(limit).execute();
  }

  /** Camera counts per (owner, district, state, tampered) in scope. */
  async counts(scopes: Scope[], filter: Pick<HealthFilter, 'owner' | 'district'>): Promise<Array<{ owner: string; district: string; state: string; tampered: number; n: number }>> {
    let q = this.db
      .selectFrom('cameras')
      .leftJoin('camera_health', 'camera_health.camera_id', 'cameras.id')
      .select([
        'cameras.owner',
        'cameras.district',
        sql<string>`coalesce(camera_health.state, 'unknown')`.as('state'),
        sql<number>`case when camera_health.tamper like ${sql.lit(`${TAMPERED_PREFIX}%`)} then 1 else 0 end`.as('tampered'),
        (eb) => eb.fn.countAll<number>().as('n'),
      ])
      .where((eb) => inScope(eb, scopes));
    if (filter.owner?.length) q = q.where('cameras.owner', 'in', filter.owner);
    if (filter.district?.length) q = q.where('cameras.district', 'in', filter.district);
    const rows = await q.groupBy([sql`1`, sql`2`, sql`3`, sql`4`]).execute();
    return rows.map((r) => ({ ...r, tampered: Number(r.tampered), n: Number(r.n) }));
  }

  async tamperOf(cameraId: string): Promise<string | undefined> {
    const r = await this.db.selectFrom('camera_health').select('tamper').where('camera_id', '=', cameraId).executeTakeFirst();
    return r?.tamper;
  }

  /** Writes the tamper JSON (not updated_at: that is the recorder's clock of its state); false without a health row. */
  async setTamper(cameraId: string, tamper: string): Promise<boolean> {
    const r = await this.db.updateTable('camera_health').set({ tamper }).where('camera_id', '=', cameraId).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async setMeasurements(cameraId: string, m: { fps?: number | null; bitrateBps?: number | null; storageBytes?: number }): Promise<void> {
    const set: { fps?: number | null; bitrate_bps?: number | null; storage_bytes?: number } = {};
    if (m.fps !== undefined) set.fps = m.fps;
    if (m.bitrateBps !== undefined) set.bitrate_bps = m.bitrateBps;
    if (m.storageBytes !== undefined) set.storage_bytes = m.storageBytes;
    if (Object.keys(set).length) await this.db.updateTable('camera_health').set(set).where('camera_id', '=', cameraId).execute();
  }

  /** Health rows by camera id, a page at a time (measurement refresh). */
  async page(after: string | undefined, limit: number): Promise<Array<{ camera_id: string; state: string; probe: string | null; fps: number | null }>> {
    let q = this.db.selectFrom('camera_health').select(['camera_id', 'state', 'probe', 'fps']);
    if (after !== undefined) q = q.where('camera_id', '>', after);
    return q.orderBy('camera_id').limit(limit).execute();
  }

  /** Cameras to sample: those the recorder has online or starting, with their tamper state. */
  async samplingTargets(states: string[]): Promise<Array<{ camera: Camera; state: string; tamper: string; probe: string | null }>> {
    const rows = await this.db
      .selectFrom('cameras')
      .innerJoin('camera_health', 'camera_health.camera_id', 'cameras.id')
      .leftJoin('camera_credentials', 'camera_credentials.camera_id', 'cameras.id')
      .selectAll('cameras')
      .select(['camera_credentials.camera_id as cred', 'camera_health.state as health_state', 'camera_health.tamper as health_tamper', 'camera_health.probe as health_probe'])
      .where('camera_health.state', 'in', states)
      .orderBy('cameras.id')
      .execute();
    return rows.map(({ cred, health_state, health_tamper, health_probe, ...r }) => ({ camera: toCamera(r, cred !== null), state: health_state, tamper: health_tamper, probe: health_probe }));
  }
}
