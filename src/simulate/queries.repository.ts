import { sql } from 'kysely';
import type { Db } from '../store/store';
import type { SimKind } from './rates';

const TABLE: Record<SimKind, string> = { sightings: 'plate_sightings', tracks: 'search_tracks', events: 'analytics_events', segments: 'segments', audit: 'audit_records' };

/**
 * The simulator's reads: the index plans of the plate search (exact plate on (plate, seen_at), src/plates/search)
 * and of the attribute search (class + upper colour in a time range on (upper_colour, started_at, id),
 * src/search), both time-bound so PostgreSQL prunes to the months asked; and row counts for the loss check.
 * They run straight on the store (no HTTP, scope, case or audit layers): the load is what is measured.
 */
export class SimulationQueries {
  constructor(private readonly db: Db) {}

  async plateSearch(plate: string, fromMs: number, toMs: number): Promise<number> {
    const r = await this.db.selectFrom('plate_sightings').select(['id', 'camera_id', 'seen_at']).where('plate', '=', plate).where('seen_at', '>=', fromMs).where('seen_at', '<', toMs).orderBy('seen_at').limit(100).execute();
    return r.length;
  }

  async attributeSearch(cls: string, upper: string, fromMs: number, toMs: number): Promise<number> {
    const r = await this.db.selectFrom('search_tracks').select(['id', 'camera_id', 'started_at']).where('upper_colour', '=', upper).where('class', '=', cls).where('started_at', '>=', fromMs).where('started_at', '<', toMs).orderBy('started_at', 'desc').limit(100).execute();
    return r.length;
  }

  async count(kind: SimKind, nodes: readonly string[]): Promise<number> {
    const t = TABLE[kind];
    const r = kind === 'audit'
      ? await sql<{ n: string }>`select count(*) as n from audit_records where actor_id = 'sim-user'`.execute(this.db)
      : kind === 'segments'
        ? await sql<{ n: string }>`select count(*) as n from segments where node in (${sql.join(nodes.map((n) => sql`${n}`))})`.execute(this.db)
        : await sql<{ n: string }>`select count(*) as n from ${sql.table(t)}`.execute(this.db);
    return Number(r.rows[0]?.n ?? 0);
  }
}
