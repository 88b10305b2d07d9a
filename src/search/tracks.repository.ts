import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Scope } from '../auth/permissions';
import type { Database, SearchTrackTable } from '../store/schema';
import type { Db } from '../store/store';
import { carriedBits, carriedItems, normalisePlate } from './attributes';
import type { IndexedTrack, TrackFilter } from './model';

type EB = ExpressionBuilder<Database, 'search_tracks'>;

/** The caller's scope over the owner/district copied into each row (no join with cameras on the big table). */
function scopeOf(eb: EB, scopes: Scope[]): Expression<SqlBool> {
  const FALSE = sql<SqlBool>`1 = 0`;
  if (scopes.length === 0) return FALSE;
  return eb.or(scopes.map((s) => {
    const parts: Expression<SqlBool>[] = [];
    if (s.organisations !== null) parts.push(s.organisations.length ? eb('search_tracks.owner', 'in', s.organisations) : FALSE);
    if (s.districts !== null) parts.push(s.districts.length ? eb('search_tracks.district', 'in', s.districts) : FALSE);
    return parts.length ? eb.and(parts) : sql<SqlBool>`1 = 1`;
  }));
}

const LIST_COLUMNS = [
  'id', 'camera_id', 'lat', 'lon', 'started_at', 'ended_at', 'class', 'upper_colour', 'lower_colour', 'carried', 'height_class',
  'vehicle_colour', 'plate', 'direction', 'speed', 'score', 'crop_path', 'embedding_model', 'job_id',
] as const;
type ListRow = Pick<SearchTrackTable, (typeof LIST_COLUMNS)[number]>;

/** Rows read per step of an index walk with unindexed filters (the walk goes on to the end of the range if need be). */
const CHUNK = 2000;

const newestFirst = (a: { started_at: number; id: string }, b: { started_at: number; id: string }): number =>
  Number(b.started_at) - Number(a.started_at) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** Indexed attributes a multi-value filter is split on, most selective first. */
const SPLIT_KEYS = ['upperColour', 'lowerColour', 'vehicleColour', 'classes', 'cameras'] as const;

export function toIndexedTrack(r: ListRow): IndexedTrack {
  return {
    id: r.id, cameraId: r.camera_id, lat: Number(r.lat), lon: Number(r.lon), startedAt: Number(r.started_at), endedAt: Number(r.ended_at), class: r.class,
    upperColour: r.upper_colour, lowerColour: r.lower_colour, carried: carriedItems(Number(r.carried)), heightClass: r.height_class,
    vehicleColour: r.vehicle_colour, plate: r.plate, direction: r.direction, speed: r.speed === null ? null : Number(r.speed), score: Number(r.score),
    hasCrop: r.crop_path !== null, embeddingModel: r.embedding_model, jobId: r.job_id,
  };
}

export function encodeCursor(t: { startedAt: number; id: string }): string {
  return `${t.startedAt}:${t.id}`;
}

function decodeCursor(c: string): { startedAt: number; id: string } | null {
  const i = c.indexOf(':');
  const startedAt = Number(c.slice(0, i));
  return i > 0 && Number.isInteger(startedAt) ? { startedAt, id: c.slice(i + 1) } : null;
}

/**
 * The forensic track index (`search_tracks`). Every query is a time range read newest first; the planner
 * picks the (attribute, started_at) index of the most selective equality filter, and the rest of the
 * filters are checked on the rows it walks (docs/design/forensic-search.md, bench/track-search.ts).
 */
export class TrackIndexRepository {
  constructor(private readonly db: Db) {}

  async insert(row: SearchTrackTable): Promise<void> {
    await this.db.insertInto('search_tracks').values(row).execute();
  }

  async insertMany(rows: SearchTrackTable[]): Promise<void> {
    if (rows.length) await this.db.insertInto('search_tracks').values(rows).execute();
  }

  private filtered(f: TrackFilter, scopes: Scope[]) {
    let q = this.db.selectFrom('search_tracks').where('started_at', '>=', f.from).where('started_at', '<', f.to).where((eb) => scopeOf(eb, scopes));
    if (f.cameras?.length) q = q.where('camera_id', 'in', f.cameras);
    if (f.classes?.length) q = q.where('class', 'in', f.classes);
    if (f.upperColour?.length) q = q.where('upper_colour', 'in', f.upperColour);
    if (f.lowerColour?.length) q = q.where('lower_colour', 'in', f.lowerColour);
    if (f.vehicleColour?.length) q = q.where('vehicle_colour', 'in', f.vehicleColour);
    if (f.direction?.length) q = q.where('direction', 'in', f.direction);
    if (f.plate) q = q.where('plate', '=', normalisePlate(f.plate));
    if (f.carried?.length) {
      const bits = carriedBits(f.carried);
      q = q.where(sql<SqlBool>`(carried & ${sql.lit(bits)}) = ${sql.lit(bits)}`);
    }
    if (f.bbox) {
      const [minLon, minLat, maxLon, maxLat] = f.bbox;
      q = q.where('lat', '>=', minLat).where('lat', '<=', maxLat).where('lon', '>=', minLon).where('lon', '<=', maxLon);
    }
    return q;
  }

  /**
   * One page, newest first (keyset on started_at, id). A list of several values on an indexed attribute
   * (red or blue tops, three cameras) cannot be walked in time order by one index range, so the engine would
   * sort every matching row; instead each value's range is read in order, a page each, and the pages merged.
   */
  async search(f: TrackFilter, scopes: Scope[], limit: number, cursor?: string): Promise<{ items: IndexedTrack[]; nextCursor: string | null }> {
    const c = cursor ? decodeCursor(cursor) : null;
    const split = SPLIT_KEYS.find((k) => (f[k]?.length ?? 0) > 1 && f[k]!.length <= 12);
    let rows: ListRow[];
    if (!split) {
      rows = await this.walk(f, scopes, limit + 1, c);
    } else {
      rows = [];
      for (const v of f[split]!) rows.push(...(await this.walk({ ...f, [split]: [v] }, scopes, limit + 1, c)));
      rows.sort(newestFirst);
      rows = rows.slice(0, limit + 1);
    }
    const items = rows.slice(0, limit).map(toIndexedTrack);
    return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1]!) : null };
  }

  /**
   * Carried items and direction have no index. Left in the SQL, the PostgreSQL planner misjudges how rare they
   * are and reads every row of the indexed range (then sorts); so they are checked here on the rows of the
   * ordered index walk, read a chunk at a time, stopping once the page is full: the cost stays proportional to
   * the rows passed, on both engines.
   */
  private async walk(f: TrackFilter, scopes: Scope[], n: number, c: { startedAt: number; id: string } | null): Promise<ListRow[]> {
    if (!f.carried?.length && !f.direction?.length) return this.page(f, scopes, n, c);
    const { carried, direction, ...indexed } = f;
    const bits = carried?.length ? carriedBits(carried) : 0;
    const dirs = direction?.length ? new Set<string>(direction) : null;
    const out: ListRow[] = [];
    let at = c;
    for (;;) {
      const rows = await this.page(indexed, scopes, CHUNK, at);
      for (const r of rows) {
        if ((Number(r.carried) & bits) === bits && (!dirs || (r.direction !== null && dirs.has(r.direction)))) out.push(r);
        if (out.length === n) return out;
      }
      if (rows.length < CHUNK) return out;
      const last = rows[rows.length - 1]!;
      at = { startedAt: Number(last.started_at), id: last.id };
    }
  }

  private async page(f: TrackFilter, scopes: Scope[], n: number, c: { startedAt: number; id: string } | null): Promise<ListRow[]> {
    let q = this.filtered(f, scopes).select([...LIST_COLUMNS]);
    if (c) q = q.where((eb) => eb.or([eb('started_at', '<', c.startedAt), eb.and([eb('started_at', '=', c.startedAt), eb('id', '<', c.id)])]));
    return q.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(n).execute();
  }

  /** The embeddings of the filtered set made by `model` (at most `cap`, newest first), for exact ranking. */
  async vectors(f: TrackFilter, scopes: Scope[], model: string, cap: number): Promise<{ id: string; embedding: Uint8Array }[]> {
    const rows = await this.filtered(f, scopes).select(['id', 'embedding']).where('embedding_model', '=', model).orderBy('started_at', 'desc').limit(cap).execute();
    return rows.filter((r) => r.embedding !== null).map((r) => ({ id: r.id, embedding: r.embedding! }));
  }

  /** How many tracks of `model` the filter matches, counting no further than `n` (ids only, from the index). */
  async countUpTo(f: TrackFilter, scopes: Scope[], model: string, n: number): Promise<number> {
    return (await this.filtered(f, scopes).select('id').where('embedding_model', '=', model).limit(n).execute()).length;
  }

  /** Those of `ids` that match the filter and scope (ANN hits are checked against the filter here). */
  async byIdsFiltered(ids: readonly string[], f: TrackFilter, scopes: Scope[]): Promise<IndexedTrack[]> {
    if (!ids.length) return [];
    const rows = await this.filtered(f, scopes).select([...LIST_COLUMNS]).where('id', 'in', ids).execute();
    return rows.map(toIndexedTrack);
  }

  /** One page of a day's embeddings for building its ANN partition (all owners: the index is the site's). */
  async embeddingPage(model: string, from: number, to: number, afterId: string | null, limit: number): Promise<{ id: string; embedding: Uint8Array }[]> {
    let q = this.db.selectFrom('search_tracks').select(['id', 'embedding']).where('embedding_model', '=', model).where('embedding', 'is not', null)
      .where('started_at', '>=', from).where('started_at', '<', to);
    if (afterId !== null) q = q.where('id', '>', afterId);
    const rows = await q.orderBy('id').limit(limit).execute();
    return rows.filter((r) => r.embedding !== null).map((r) => ({ id: r.id, embedding: r.embedding! }));
  }

  async byIds(ids: readonly string[], scopes: Scope[]): Promise<IndexedTrack[]> {
    if (!ids.length) return [];
    const rows = await this.db.selectFrom('search_tracks').select([...LIST_COLUMNS]).where('id', 'in', ids).where((eb) => scopeOf(eb, scopes)).execute();
    return rows.map(toIndexedTrack);
  }

  /** One track with its embedding and crop path, if inside the scopes. */
  async get(id: string, scopes: Scope[]): Promise<(IndexedTrack & { embedding: Uint8Array | null; cropPath: string | null }) | undefined> {
    const r = await this.db.selectFrom('search_tracks').select([...LIST_COLUMNS, 'embedding']).where('id', '=', id).where((eb) => scopeOf(eb, scopes)).executeTakeFirst();
    return r ? { ...toIndexedTrack(r), embedding: r.embedding, cropPath: r.crop_path } : undefined;
  }

  /** Journey candidates: tracks of `cls` that started in [from, to) inside a lat/lon box, with embeddings of `model`. */
  async startedIn(o: { from: number; to: number; cls: string; model: string; bbox: [number, number, number, number]; cap: number }, scopes: Scope[]): Promise<(IndexedTrack & { embedding: Uint8Array | null })[]> {
    const [minLon, minLat, maxLon, maxLat] = o.bbox;
    const rows = await this.db.selectFrom('search_tracks').select([...LIST_COLUMNS, 'embedding'])
      .where('class', '=', o.cls).where('started_at', '>=', o.from).where('started_at', '<', o.to).where('embedding_model', '=', o.model)
      .where('lat', '>=', minLat).where('lat', '<=', maxLat).where('lon', '>=', minLon).where('lon', '<=', maxLon)
      .where((eb) => scopeOf(eb, scopes)).orderBy('started_at').limit(o.cap).execute();
    return rows.map((r) => ({ ...toIndexedTrack(r), embedding: r.embedding }));
  }

  async count(): Promise<number> {
    const r = await this.db.selectFrom('search_tracks').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
