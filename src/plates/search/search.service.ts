import { encodeCursor } from '../../alerts/query';
import { AccessPolicy } from '../../access/policy';
import { authorize } from '../../auth/guard';
import type { ActionContext, AuditAppender } from '../../core/context';
import { ValidationError } from '../../core/errors';
import type { EpochMs } from '../../core/time';
import type { Store } from '../../store/store';
import { SightingRepository, toSighting, type Bbox, type SightingRow } from '../sightings/sighting.repository';
import type { Page, Sighting } from '../sightings/types';
import { withinOne } from './fuzzy';
import { inPolygon, polygonBbox, type Polygon } from './geo';
import { planQuery, type SearchMode } from './pattern';

/** A wildcard with no leading literal walks the time index: bounded to this window. */
export const MAX_UNANCHORED_WINDOW_MS = 7 * 86_400_000;
const POLYGON_ROUNDS = 20;

export interface PlateSearchQuery {
  plate: string;
  mode?: SearchMode;
  fromMs?: EpochMs;
  toMs?: EpochMs;
  cameraIds?: string[];
  bbox?: Bbox;
  polygon?: Polygon;
  minConfidence?: number;
  limit: number;
  cursor?: string;
}

export type PlateSearchResult = Page<Sighting> & { mode: SearchMode; plate: string; fuzzyKeys?: string[] };

/**
 * Plate search for investigations ('search.run', cameras in the caller's scope only): exact,
 * prefix, wildcard and fuzzy (edit distance ≤ 1 over confusable-folded keys), oldest first (the
 * vehicle's path). A purpose and a case reference are required and every search is audited with
 * its query and result count, refusals too.
 */
export class PlateSearchService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditAppender,
    /** The purpose-bound access policy (src/access); default: the default policy table. */
    private readonly access = new AccessPolicy({ store, audit }),
  ) {}

  async search(ctx: ActionContext, q: PlateSearchQuery): Promise<PlateSearchResult> {
    const scopes = authorize(ctx, 'search.run');
    const query = auditQuery(q);
    ctx = await this.access.require(ctx, 'plateSearch', { action: 'plate.search', details: query });
    const plan = planQuery(q.plate, q.mode);
    if (plan.mode === 'wildcard' && !plan.range) {
      if (q.fromMs === undefined || q.toMs === undefined || q.toMs - q.fromMs > MAX_UNANCHORED_WINDOW_MS) {
        throw new ValidationError(`plate: '${q.plate}' starts with a wildcard, which cannot use the plate index: give from and to at most 7 days apart, or start with a letter or digit`);
      }
    }
    if (q.fromMs !== undefined && q.toMs !== undefined && q.toMs <= q.fromMs) throw new ValidationError('to: must be after from');
    const repo = new SightingRepository(this.store.db, this.store.engine);
    let fuzzyKeys: string[] | undefined;
    if (plan.mode === 'fuzzy') fuzzyKeys = (await repo.keysForVariants(plan.variants)).filter((k) => withinOne(k, plan.key));
    const bbox = q.polygon ? intersect(polygonBbox(q.polygon), q.bbox) : q.bbox;
    const filter = { cameraIds: q.cameraIds, fromMs: q.fromMs, toMs: q.toMs, minConfidence: q.minConfidence };

    let items: SightingRow[] = [];
    let nextCursor: string | null = null;
    if (!q.polygon) {
      ({ rows: items, nextCursor } = await repo.search({ plan, fuzzyKeys, filter, bbox }, scopes, q.limit, q.cursor));
    } else {
      // The polygon's bbox narrows in SQL, the polygon itself in memory; page on until the page is full.
      let cursor = q.cursor;
      let exhausted = false;
      for (let round = 0; round < POLYGON_ROUNDS && items.length < q.limit && !exhausted; round++) {
        const r = await repo.search({ plan, fuzzyKeys, filter, bbox }, scopes, q.limit * 2, cursor);
        let consumed = 0;
        for (const row of r.rows) {
          if (items.length >= q.limit) break;
          consumed++;
          cursor = encodeCursor(Number(row.seen_at), row.id);
          if (inPolygon(Number(row.lat), Number(row.lon), q.polygon)) items.push(row);
        }
        exhausted = !r.nextCursor && consumed === r.rows.length;
      }
      nextCursor = exhausted ? null : (cursor ?? null);
    }
    await this.store.transaction((tx) =>
      this.audit.record(tx, ctx, {
        action: 'plate.search', cameraIds: [...new Set(items.map((s) => s.camera_id))].slice(0, 100),
        details: { ...query, mode: plan.mode, results: items.length, more: nextCursor !== null },
      }),
    );
    return { items: items.map(toSighting), nextCursor, mode: plan.mode, plate: q.plate, ...(fuzzyKeys ? { fuzzyKeys } : {}) };
  }
}

function auditQuery(q: PlateSearchQuery): Record<string, unknown> {
  return {
    plate: q.plate, mode: q.mode ?? null, fromMs: q.fromMs ?? null, toMs: q.toMs ?? null, cameras: q.cameraIds ?? null, bbox: q.bbox ?? null,
    polygon: q.polygon ? q.polygon.length : null, minConfidence: q.minConfidence ?? null, page: q.cursor ? 'next' : 'first',
  };
}

function intersect(a: Bbox, b?: Bbox): Bbox {
  if (!b) return a;
  return { minLat: Math.max(a.minLat, b.minLat), maxLat: Math.min(a.maxLat, b.maxLat), minLon: Math.max(a.minLon, b.minLon), maxLon: Math.min(a.maxLon, b.maxLon) };
}
