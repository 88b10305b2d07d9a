import { sql } from 'kysely';
import type { Db } from '../store/store';
import { TAMPERED_PREFIX } from './tamper-record';

/**
 * Read-only aggregates for GET /metrics (Prometheus). Every query is one indexed scan or one
 * aggregate over a small table; segments are read incrementally (ids above a high-water mark).
 */
export class MetricsRepository {
  constructor(private readonly db: Db) {}

  /** Cameras per recorder state ('unknown' = no health row yet). */
  async camerasByState(): Promise<Array<{ state: string; n: number }>> {
    const rows = await this.db
      .selectFrom('cameras')
      .leftJoin('camera_health', 'camera_health.camera_id', 'cameras.id')
      .select([sql<string>`coalesce(camera_health.state, 'unknown')`.as('state'), (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy(sql`1`)
      .execute();
    return rows.map((r) => ({ state: r.state, n: Number(r.n) }));
  }

  /** The tamper JSON of every camera with at least one flag raised. */
  async tamperedRows(): Promise<string[]> {
    const rows = await this.db.selectFrom('camera_health').select('tamper').where('tamper', 'like', `${TAMPERED_PREFIX}%`).execute();
    return rows.map((r) => r.tamper);
  }

  /** Sum of the recorder's reconnect counters over all cameras. */
  async reconnects(): Promise<number> {
    const r = await this.db.selectFrom('camera_health').select((eb) => eb.fn.sum<number>('reconnects').as('n')).executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async outboxBacklog(): Promise<number> {
    const r = await this.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('published_at', 'is', null).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async maxSegmentId(): Promise<number> {
    const r = await this.db.selectFrom('segments').select((eb) => eb.fn.max<number>('id').as('id')).executeTakeFirst();
    return Number(r?.id ?? 0);
  }

  /** Segments indexed after `afterId`, per storage: count, bytes and the highest id. */
  async segmentsAfter(afterId: number): Promise<Array<{ storage: string; n: number; bytes: number; maxId: number }>> {
    const rows = await this.db
      .selectFrom('segments')
      .select(['storage', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.sum<number>('bytes').as('bytes'), (eb) => eb.fn.max<number>('id').as('max_id')])
      .where('id', '>', afterId)
      .groupBy('storage')
      .execute();
    return rows.map((r) => ({ storage: r.storage, n: Number(r.n), bytes: Number(r.bytes ?? 0), maxId: Number(r.max_id) }));
  }
}
