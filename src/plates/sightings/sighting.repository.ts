import { sql, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { Scope } from '../../auth/permissions';
import { decodeCursor, encodeCursor } from '../../alerts/query';
import type { Database, PlateSightingTable } from '../../store/schema';
import type { Db, Engine } from '../../store/store';
import type { PlatePlan } from '../search/pattern';
import { scopeSql } from './scope-sql';
import type { Page, Sighting, SightingFilter } from './types';

export type SightingRow = PlateSightingTable;

export function toSighting(r: SightingRow): Sighting {
  return {
    id: r.id, plate: r.plate, plateKey: r.plate_key, grammar: r.grammar, cameraId: r.camera_id, owner: r.owner, district: r.district,
    lat: Number(r.lat), lon: Number(r.lon), seenAt: Number(r.seen_at), confidence: Number(r.confidence), vehicleClass: r.vehicle_class,
    vehicleColour: r.vehicle_colour, direction: r.direction, hasPlateCrop: r.plate_crop !== null, hasVehicleCrop: r.vehicle_crop !== null,
    trackId: r.track_id, jobId: r.job_id,
  };
}

export interface Bbox {
  minLat: number;
  minLon: number;
  maxLat: number;
  maxLon: number;
}

export interface SearchSpec {
  plan: PlatePlan;
  /** Fuzzy: the plate keys within one edit, already resolved through plate_key_variants. */
  fuzzyKeys?: string[];
  filter: SightingFilter;
  bbox?: Bbox;
}

type Q = SelectQueryBuilder<Database, 'plate_sightings', SightingRow>;

const COLUMNS = [
  'id', 'plate', 'plate_key', 'grammar', 'camera_id', 'owner', 'district', 'lat', 'lon', 'seen_at', 'confidence', 'vehicle_class',
  'vehicle_colour', 'direction', 'plate_crop', 'vehicle_crop', 'track_id', 'job_id',
] as const satisfies readonly (keyof SightingRow)[];
const PG_TYPES: Record<(typeof COLUMNS)[number], string> = {
  id: 'text', plate: 'text', plate_key: 'text', grammar: 'text', camera_id: 'text', owner: 'text', district: 'text', lat: 'float8', lon: 'float8',
  seen_at: 'int8', confidence: 'float4', vehicle_class: 'text', vehicle_colour: 'text', direction: 'text', plate_crop: 'text', vehicle_crop: 'text',
  track_id: 'int4', job_id: 'text',
};

/** Plate sightings and the plate-key dictionary of fuzzy search. Every read takes the caller's scopes. */
export class SightingRepository {
  constructor(
    private readonly db: Db,
    private readonly engine: Engine,
  ) {}

  /**
   * Live reads (not from recorded-footage jobs) since `sinceMs`, oldest first, in pages of `batch`
   * (keyset on seen_at, id): what a restarted node's movement model learns from (src/predict).
   */
  async *liveHistory(sinceMs: number, batch = 5000): AsyncGenerator<Pick<SightingRow, 'id' | 'plate' | 'camera_id' | 'owner' | 'district' | 'lat' | 'lon' | 'seen_at'>[]> {
    let after: { at: number; id: string } | null = null;
    for (;;) {
      let q = this.db
        .selectFrom('plate_sightings')
        .select(['id', 'plate', 'camera_id', 'owner', 'district', 'lat', 'lon', 'seen_at'])
        .where('job_id', 'is', null)
        .where('seen_at', '>=', sinceMs);
      if (after) {
        const a = after;
        q = q.where((eb) => eb.or([eb('seen_at', '>', a.at), eb.and([eb('seen_at', '=', a.at), eb('id', '>', a.id)])]));
      }
      const rows = await q.orderBy('seen_at').orderBy('id').limit(batch).execute();
      if (!rows.length) return;
      yield rows.map((r) => ({ ...r, seen_at: Number(r.seen_at), lat: Number(r.lat), lon: Number(r.lon) }));
      if (rows.length < batch) return;
      const last = rows[rows.length - 1]!;
      after = { at: Number(last.seen_at), id: last.id };
    }
  }

  async insert(row: SightingRow): Promise<void> {
    await this.db.insertInto('plate_sightings').values(row).execute();
  }

  /**
   * Many rows at once (benchmarks, imports). PostgreSQL: one `insert … select from unnest($arrays)`
   * per batch (one parameter per column, whatever the batch size); SQLite: multi-row VALUES within
   * its bound-parameter limit.
   */
  async insertBulk(rows: SightingRow[]): Promise<void> {
    if (!rows.length) return;
    if (this.engine === 'postgres') {
      const arrays = COLUMNS.map((c) => sql`${rows.map((r) => r[c])}::${sql.raw(PG_TYPES[c])}[]`);
      await sql`insert into plate_sightings (${sql.join(COLUMNS.map((c) => sql.ref(c)))}) select * from unnest(${sql.join(arrays)})`.execute(this.db);
      return;
    }
    for (let i = 0; i < rows.length; i += 1500) await this.db.insertInto('plate_sightings').values(rows.slice(i, i + 1500)).execute();
  }

  /** Adds a plate key under itself and its deletions (already known pairs are left alone). */
  async addKeyVariants(pairs: Array<{ variant: string; plate_key: string }>): Promise<void> {
    for (let i = 0; i < pairs.length; i += 5000) {
      await this.db.insertInto('plate_key_variants').values(pairs.slice(i, i + 5000)).onConflict((oc) => oc.columns(['variant', 'plate_key']).doNothing()).execute();
    }
  }

  /** The stored plate keys filed under any of `variants`. */
  async keysForVariants(variants: string[]): Promise<string[]> {
    if (!variants.length) return [];
    const rows = await this.db.selectFrom('plate_key_variants').select('plate_key').where('variant', 'in', variants).distinct().execute();
    return rows.map((r) => r.plate_key);
  }

  async get(id: string, scopes: Scope[]): Promise<SightingRow | undefined> {
    return this.db.selectFrom('plate_sightings').selectAll().where('id', '=', id).where(scopeSql(scopes, 'plate_sightings')).executeTakeFirst();
  }

  /** Newest first (the live feed), keyset-paginated on (seen_at, id). */
  async recent(filter: SightingFilter & { plate?: string }, scopes: Scope[], limit: number, cursor?: string): Promise<Page<Sighting>> {
    let q = this.filtered(this.db.selectFrom('plate_sightings').selectAll(), filter, scopes);
    if (filter.plate !== undefined) q = q.where('plate', '=', filter.plate);
    if (cursor) {
      const c = decodeCursor(cursor);
      q = q.where((eb) => eb.or([eb('seen_at', '<', c.at), eb.and([eb('seen_at', '=', c.at), eb('id', '<', c.id)])]));
    }
    const rows = await q.orderBy('seen_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
    return page(rows, limit);
  }

  /**
   * Plate search, oldest first (the vehicle's path). Exact walks (plate, seen_at) in order. A prefix of
   * 2 or 3 characters walks its expression index (substr(plate, 1, n), seen_at[, id]) (migration 0016)
   * in result order, so LIMIT stops the walk after ~limit rows (PostgreSQL appends the monthly
   * partitions' walks in time order), and pages on with a row comparison the index can seek to.
   * Longer (or 1-character) prefixes and wildcards take a range of the plate index, fuzzy a few keys of (plate_key, seen_at),
   * and sort what they find: ordering by `seen_at + 0` keeps either planner from preferring to walk the
   * seen_at index of the whole table and filter it.
   */
  async search(spec: SearchSpec, scopes: Scope[], limit: number, cursor?: string): Promise<{ rows: SightingRow[]; nextCursor: string | null }> {
    const query = this.searchQuery(spec, scopes, limit, cursor);
    if (!query) return { rows: [], nextCursor: null };
    const rows = await query.execute();
    const kept = rows.slice(0, limit);
    const last = kept[kept.length - 1];
    return { rows: kept, nextCursor: rows.length > limit && last ? encodeCursor(Number(last.seen_at), last.id) : null };
  }

  /** The query of one page of `search` (limit + 1 rows, to tell whether there is a next page); null when nothing can match. */
  searchQuery(spec: SearchSpec, scopes: Scope[], limit: number, cursor?: string): Q | null {
    let q = this.filtered(this.db.selectFrom('plate_sightings').selectAll(), spec.filter, scopes);
    const p = spec.plan;
    const indexedPrefix = p.mode === 'prefix' ? prefixIndexLength(p.prefix) : null;
    if (p.mode === 'exact') q = q.where('plate', '=', p.plate);
    else if (p.mode === 'prefix') {
      // The length is written into the SQL (not a parameter): the expression must be the index's own.
      if (indexedPrefix !== null) q = q.where(sql`substr(plate, 1, ${sql.raw(String(indexedPrefix))})`, '=', p.prefix);
      else q = q.where('plate', '>=', p.from).where('plate', '<', p.to);
    } else if (p.mode === 'wildcard') {
      if (p.ranges) q = q.where((eb) => eb.or(p.ranges!.map((r) => eb.and([eb('plate', '>=', r.from), eb('plate', '<', r.to)]))));
      else if (p.range) q = q.where('plate', '>=', p.range.from).where('plate', '<', p.range.to);
      q = q.where('plate', 'like', p.like);
    } else {
      const keys = spec.fuzzyKeys ?? [];
      if (!keys.length) return null;
      q = q.where('plate_key', 'in', keys);
    }
    if (spec.bbox) {
      const b = spec.bbox;
      q = q.where('lat', '>=', b.minLat).where('lat', '<=', b.maxLat).where('lon', '>=', b.minLon).where('lon', '<=', b.maxLon);
    }
    if (cursor) {
      const c = decodeCursor(cursor);
      // The same condition both ways; as a row comparison it is a seek into (…, seen_at[, id]).
      if (indexedPrefix !== null) q = q.where(sql<SqlBool>`(seen_at, id) > (${c.at}, ${c.id})`);
      else q = q.where((eb) => eb.or([eb('seen_at', '>', c.at), eb.and([eb('seen_at', '=', c.at), eb('id', '>', c.id)])]));
    }
    const ordered = p.mode === 'exact' || indexedPrefix !== null ? q.orderBy('seen_at') : q.orderBy(sql`seen_at + 0`);
    return ordered.orderBy('id').limit(limit + 1);
  }

  private filtered(q: Q, f: SightingFilter, scopes: Scope[]): Q {
    q = q.where(scopeSql(scopes, 'plate_sightings'));
    if (f.cameraIds?.length) q = q.where('camera_id', 'in', f.cameraIds);
    if (f.fromMs !== undefined) q = q.where('seen_at', '>=', f.fromMs);
    if (f.toMs !== undefined) q = q.where('seen_at', '<', f.toMs);
    if (f.minConfidence !== undefined) q = q.where('confidence', '>=', f.minConfidence);
    return q;
  }
}

/**
 * The prefix lengths with an expression index of their own (migration 0016: substr(plate, 1, 2|3),
 * seen_at[, id]): `substr(plate, 1, n) = prefix` is exactly `plate >= prefix AND plate < upper bound`
 * (characters on both engines, byte order = code point order under COLLATE "C" / BINARY).
 */
export const INDEXED_PREFIX_LENGTHS = [2, 3] as const;

export function prefixIndexLength(prefix: string): number | null {
  const n = [...prefix].length;
  return (INDEXED_PREFIX_LENGTHS as readonly number[]).includes(n) ? n : null;
}

function page(rows: SightingRow[], limit: number): Page<Sighting> {
  const items = rows.slice(0, limit).map(toSighting);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.seenAt, last.id) : null };
}
