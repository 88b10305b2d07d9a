import { sql } from 'kysely';
import type { Db } from '../store/store';
import { countCalibrationSchema, crowdSettingsInputSchema, type CountCalibration, type CrowdEvent, type CrowdSettingsInput } from './model';

export interface SampleRow {
  id: string;
  cameraId: string;
  at: number;
  imagePath: string;
  rawCount: number;
  points: Array<[number, number]>;
  heads: Array<[number, number]> | null;
  createdBy: string;
  createdAt: number;
}

export interface SeriesZone {
  name: string;
  countMax: number;
  densityMax: number | null;
}

export interface SeriesRow {
  cameraId: string;
  at: number;
  samples: number;
  countMax: number;
  countAvg: number;
  correctedMax: number | null;
  densityMax: number | null;
  level: string;
  crossedIn: number;
  crossedOut: number;
  zones: Record<string, SeriesZone>;
  jobId: string | null;
}

export interface SeriesBucket {
  at: number;
  countMax: number;
  countAvg: number;
  densityMax: number | null;
  crossedIn: number;
  crossedOut: number;
}

const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** The crowd room's tables (migration 0009): settings, samples, time series, events. */
export class CrowdRepository {
  constructor(private readonly db: Db) {}

  async settings(cameraId: string): Promise<{ settings: CrowdSettingsInput; countCalibration: CountCalibration | null; updatedAt: number } | undefined> {
    const r = await this.db.selectFrom('crowd_settings').selectAll().where('camera_id', '=', cameraId).executeTakeFirst();
    if (!r) return undefined;
    return {
      settings: crowdSettingsInputSchema.parse(JSON.parse(r.settings)),
      countCalibration: r.count_calibration ? countCalibrationSchema.parse(JSON.parse(r.count_calibration)) : null,
      updatedAt: num(r.updated_at),
    };
  }

  async putSettings(cameraId: string, settings: CrowdSettingsInput, at: number): Promise<void> {
    await this.db
      .insertInto('crowd_settings')
      .values({ camera_id: cameraId, enabled: settings.enabled ? 1 : 0, settings: JSON.stringify(settings), count_calibration: null, updated_at: at })
      .onConflict((oc) => oc.column('camera_id').doUpdateSet((eb) => ({ enabled: eb.ref('excluded.enabled'), settings: eb.ref('excluded.settings'), updated_at: eb.ref('excluded.updated_at') })))
      .execute();
  }

  async putCountCalibration(cameraId: string, cal: CountCalibration | null, at: number): Promise<void> {
    const r = await this.db.updateTable('crowd_settings').set({ count_calibration: cal ? JSON.stringify(cal) : null, updated_at: at }).where('camera_id', '=', cameraId).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) {
      await this.db.insertInto('crowd_settings').values({
        camera_id: cameraId, enabled: 0, settings: JSON.stringify(crowdSettingsInputSchema.parse({})), count_calibration: cal ? JSON.stringify(cal) : null, updated_at: at,
      }).execute();
    }
  }

  /** Cameras (still in the inventory) whose crowd analytics are on. */
  async enabledCameras(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('crowd_settings')
      .innerJoin('cameras', 'cameras.id', 'crowd_settings.camera_id')
      .select('crowd_settings.camera_id')
      .where('crowd_settings.enabled', '=', 1)
      .orderBy('crowd_settings.camera_id')
      .execute();
    return rows.map((r) => r.camera_id);
  }

  // Samples

  async insertSample(s: SampleRow): Promise<void> {
    await this.db.insertInto('crowd_samples').values({
      id: s.id, camera_id: s.cameraId, at: s.at, image_path: s.imagePath, raw_count: s.rawCount, points: JSON.stringify(s.points),
      heads: s.heads ? JSON.stringify(s.heads) : null, created_by: s.createdBy, created_at: s.createdAt,
    }).execute();
  }

  async sample(id: string): Promise<SampleRow | undefined> {
    const r = await this.db.selectFrom('crowd_samples').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toSample(r) : undefined;
  }

  async samples(cameraId: string, limit = 500): Promise<SampleRow[]> {
    const rows = await this.db.selectFrom('crowd_samples').selectAll().where('camera_id', '=', cameraId).orderBy('at', 'desc').orderBy('id').limit(limit).execute();
    return rows.map(toSample);
  }

  async setHeads(id: string, heads: Array<[number, number]>): Promise<void> {
    await this.db.updateTable('crowd_samples').set({ heads: JSON.stringify(heads) }).where('id', '=', id).execute();
  }

  /** Samples created before `cutoff`: removed; their picture paths are returned. */
  async deleteSamplesBefore(cutoff: number): Promise<string[]> {
    const rows = await this.db.selectFrom('crowd_samples').select(['id', 'image_path']).where('created_at', '<', cutoff).execute();
    if (rows.length) await this.db.deleteFrom('crowd_samples').where('created_at', '<', cutoff).execute();
    return rows.map((r) => r.image_path);
  }

  // Time series

  async insertSeries(rows: readonly SeriesRow[]): Promise<void> {
    if (!rows.length) return;
    await this.db.insertInto('crowd_series').values(rows.map((r) => ({
      camera_id: r.cameraId, at: r.at, samples: r.samples, count_max: r.countMax, count_avg: r.countAvg, corrected_max: r.correctedMax, density_max: r.densityMax,
      level: r.level, crossed_in: r.crossedIn, crossed_out: r.crossedOut, zones: JSON.stringify(r.zones), job_id: r.jobId,
    }))).execute();
  }

  /** Rows of cameras over [fromMs, toMs), oldest first; live rows (jobId null) and, when asked, those of recorded-footage runs. */
  async series(cameraIds: readonly string[], fromMs: number, toMs: number, withJobs = true, limit = 200_000): Promise<SeriesRow[]> {
    if (!cameraIds.length) return [];
    let q = this.db.selectFrom('crowd_series').selectAll().where('camera_id', 'in', [...cameraIds]).where('at', '>=', fromMs).where('at', '<', toMs);
    if (!withJobs) q = q.where('job_id', 'is', null);
    const rows = await q.orderBy('at').limit(limit).execute();
    return rows.map(toSeries);
  }

  /** One camera's series summed into buckets of `bucketMs` (max of maxima, mean of means weighted by samples, sums of crossings). */
  async buckets(cameraId: string, fromMs: number, toMs: number, bucketMs: number): Promise<SeriesBucket[]> {
    const b = sql<number>`cast((at - ${fromMs}) / ${bucketMs} as bigint)`;
    const rows = await this.db
      .selectFrom('crowd_series')
      .select([
        b.as('bucket'),
        (eb) => eb.fn.max('count_max').as('count_max'),
        sql<number>`sum(count_avg * samples) / sum(samples)`.as('count_avg'),
        (eb) => eb.fn.max('density_max').as('density_max'),
        (eb) => eb.fn.sum<number>('crossed_in').as('crossed_in'),
        (eb) => eb.fn.sum<number>('crossed_out').as('crossed_out'),
      ])
      .where('camera_id', '=', cameraId)
      .where('at', '>=', fromMs)
      .where('at', '<', toMs)
      // By position: PostgreSQL sees the bucket expression's parameters as different expressions in GROUP BY.
      .groupBy(sql`1`)
      .orderBy(sql`1`)
      .execute();
    return rows.map((r) => ({
      at: fromMs + Math.floor(num(r.bucket)) * bucketMs, countMax: num(r.count_max), countAvg: num(r.count_avg), densityMax: numOrNull(r.density_max),
      crossedIn: num(r.crossed_in), crossedOut: num(r.crossed_out),
    }));
  }

  /** The newest live row of each camera (for cameras this node does not run). */
  async latest(cameraIds: readonly string[]): Promise<Map<string, SeriesRow>> {
    const out = new Map<string, SeriesRow>();
    for (const id of cameraIds) {
      const r = await this.db.selectFrom('crowd_series').selectAll().where('camera_id', '=', id).where('job_id', 'is', null).orderBy('at', 'desc').limit(1).executeTakeFirst();
      if (r) out.set(id, toSeries(r));
    }
    return out;
  }

  async deleteSeriesBefore(cutoff: number): Promise<number> {
    const r = await this.db.deleteFrom('crowd_series').where('at', '<', cutoff).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async deleteJobSeries(jobId: string): Promise<void> {
    await this.db.deleteFrom('crowd_series').where('job_id', '=', jobId).execute();
  }

  /** Crowd alerts (analytics events of type crowd.*) of cameras over [fromMs, toMs). */
  async alertEvents(cameraIds: readonly string[], fromMs: number, toMs: number): Promise<Array<{ id: string; cameraId: string; type: string; severity: string; at: number; zone: string | null; detail: Record<string, unknown> }>> {
    if (!cameraIds.length) return [];
    const rows = await this.db
      .selectFrom('analytics_events')
      .select(['id', 'camera_id', 'type', 'severity', 'started_at', 'rule_name', 'detail'])
      .where('camera_id', 'in', [...cameraIds])
      .where('type', 'like', 'crowd.%')
      .where('started_at', '>=', fromMs)
      .where('started_at', '<', toMs)
      .orderBy('started_at')
      .limit(10_000)
      .execute();
    return rows.map((r) => ({ id: r.id, cameraId: r.camera_id, type: r.type, severity: r.severity, at: num(r.started_at), zone: r.rule_name, detail: JSON.parse(r.detail ?? '{}') as Record<string, unknown> }));
  }

  // Events

  async insertEvent(e: CrowdEvent): Promise<void> {
    await this.db.insertInto('crowd_events').values({
      id: e.id, name: e.name, camera_ids: JSON.stringify(e.cameraIds), starts_at: e.startsAt, ends_at: e.endsAt, created_by: e.createdBy, created_at: e.createdAt, updated_at: e.updatedAt,
    }).execute();
  }

  async updateEvent(e: CrowdEvent): Promise<void> {
    await this.db.updateTable('crowd_events').set({ name: e.name, camera_ids: JSON.stringify(e.cameraIds), starts_at: e.startsAt, ends_at: e.endsAt, updated_at: e.updatedAt }).where('id', '=', e.id).execute();
  }

  async event(id: string): Promise<CrowdEvent | undefined> {
    const r = await this.db.selectFrom('crowd_events').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toEvent(r) : undefined;
  }

  async events(limit = 200): Promise<CrowdEvent[]> {
    const rows = await this.db.selectFrom('crowd_events').selectAll().orderBy('starts_at', 'desc').orderBy('id').limit(limit).execute();
    return rows.map(toEvent);
  }
}

function toSample(r: { id: string; camera_id: string; at: number; image_path: string; raw_count: number; points: string; heads: string | null; created_by: string; created_at: number }): SampleRow {
  return {
    id: r.id, cameraId: r.camera_id, at: num(r.at), imagePath: r.image_path, rawCount: num(r.raw_count), points: JSON.parse(r.points) as Array<[number, number]>,
    heads: r.heads ? (JSON.parse(r.heads) as Array<[number, number]>) : null, createdBy: r.created_by, createdAt: num(r.created_at),
  };
}

function toSeries(r: {
  camera_id: string; at: number; samples: number; count_max: number; count_avg: number; corrected_max: number | null; density_max: number | null; level: string;
  crossed_in: number; crossed_out: number; zones: string; job_id: string | null;
}): SeriesRow {
  return {
    cameraId: r.camera_id, at: num(r.at), samples: num(r.samples), countMax: num(r.count_max), countAvg: num(r.count_avg), correctedMax: numOrNull(r.corrected_max),
    densityMax: numOrNull(r.density_max), level: r.level, crossedIn: num(r.crossed_in), crossedOut: num(r.crossed_out), zones: JSON.parse(r.zones) as Record<string, SeriesZone>, jobId: r.job_id,
  };
}

function toEvent(r: { id: string; name: string; camera_ids: string; starts_at: number; ends_at: number; created_by: string; created_at: number; updated_at: number }): CrowdEvent {
  return {
    id: r.id, name: r.name, cameraIds: JSON.parse(r.camera_ids) as string[], startsAt: num(r.starts_at), endsAt: num(r.ends_at), createdBy: r.created_by,
    createdAt: num(r.created_at), updatedAt: num(r.updated_at),
  };
}
