import { z } from 'zod';
import { ValidationError } from '../../core/errors';
import type { PlateSearchService } from '../../plates/search/search.service';
import { SEARCH_MODES } from '../../plates/search/pattern';
import type { SightingService } from '../../plates/sightings/sightings.service';
import { commonErrors, cursorQuery, type ZApp } from '../types';

const epochMs = z.string().regex(/^\d{1,15}$/, 'integer UTC milliseconds').transform(Number);
const idParam = z.object({ id: z.string().min(1).max(64).regex(/^[A-Za-z0-9-]+$/, 'a sighting id') });
const cameraList = z
  .string()
  .max(4000)
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .refine((l) => l.length <= 200, 'at most 200 cameras');
const bboxParam = z
  .string()
  .max(200)
  .transform((s, ctx) => {
    const n = s.split(',').map(Number);
    if (n.length !== 4 || n.some((x) => !Number.isFinite(x)) || n[0]! > n[2]! || n[1]! > n[3]! || Math.abs(n[1]!) > 90 || Math.abs(n[3]!) > 90) {
      ctx.addIssue({ code: 'custom', message: 'bbox: minLon,minLat,maxLon,maxLat (WGS84 degrees)' });
      return z.NEVER;
    }
    return { minLon: n[0]!, minLat: n[1]!, maxLon: n[2]!, maxLat: n[3]! };
  });
const polygonParam = z
  .string()
  .max(20_000)
  .transform((s, ctx) => {
    let v: unknown;
    try {
      v = JSON.parse(s);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `polygon: not JSON (${err instanceof Error ? err.message : String(err)}); expected [[lon,lat],…]` });
      return z.NEVER;
    }
    if (!Array.isArray(v) || v.length < 3 || v.length > 500 || !v.every((p) => Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === 'number' && Number.isFinite(x)))) {
      ctx.addIssue({ code: 'custom', message: 'polygon: a JSON array of 3 to 500 [lon, lat] positions' });
      return z.NEVER;
    }
    return v as Array<[number, number]>;
  });

export const sightingSchema = z.object({
  id: z.string(),
  plate: z.string(),
  plateKey: z.string().describe('Confusable-folded key (0/O/D/Q→0, 1/I→1, 8/B→8, 5/S→5, 2/Z→2)'),
  grammar: z.string(),
  cameraId: z.string(),
  owner: z.string(),
  district: z.string(),
  lat: z.number(),
  lon: z.number(),
  seenAt: z.number(),
  confidence: z.number(),
  vehicleClass: z.string().nullable(),
  vehicleColour: z.string().nullable(),
  direction: z.string().nullable(),
  hasPlateCrop: z.boolean(),
  hasVehicleCrop: z.boolean(),
  trackId: z.number().nullable(),
  jobId: z.string().nullable(),
});

const searchQuery = z.strictObject({
  plate: z.string().min(1).max(40).describe('Plate, prefix, wildcard (? one character, * any run: AB?12*) or the plate to match fuzzily'),
  mode: z.enum(SEARCH_MODES).optional().describe('Default: wildcard when the plate holds ? or *, else exact'),
  from: epochMs.optional().describe('Seen at or after, UTC ms'),
  to: epochMs.optional().describe('Seen before, UTC ms'),
  cameras: cameraList.optional().describe('Camera ids, comma-separated'),
  bbox: bboxParam.optional().describe('minLon,minLat,maxLon,maxLat'),
  polygon: polygonParam.optional().describe('JSON [[lon,lat],…] (3 to 500 positions)'),
  minConfidence: z.coerce.number().min(0).max(1).optional(),
  purpose: z.string().max(2000).optional().describe('Instead of the X-Purpose header'),
  caseRef: z.string().max(100).optional().describe('Instead of the X-Case-Ref header'),
  ...cursorQuery,
});

const feedQuery = z.strictObject({
  camera: cameraList.optional().describe('Camera ids, comma-separated'),
  plate: z.string().max(20).optional().describe('Exact plate'),
  from: epochMs.optional(),
  to: epochMs.optional(),
  minConfidence: z.coerce.number().min(0).max(1).optional(),
  ...cursorQuery,
});

/** Plate search and the sightings feed (src/plates). Hotlists: hotlists.routes.ts. */
export function registerPlateRoutes(app: ZApp, deps: { sightings: SightingService; search: PlateSearchService }): void {
  app.get('/api/plates/search', {
    config: { permission: 'search.run' },
    schema: {
      tags: ['plates'],
      summary: 'Plate search (exact, prefix, wildcard, fuzzy) in time order with camera positions (the vehicle\'s path); needs X-Purpose and X-Case-Ref; audited',
      querystring: searchQuery,
      response: {
        200: z.object({ items: z.array(sightingSchema), nextCursor: z.string().nullable(), mode: z.enum(SEARCH_MODES), plate: z.string(), fuzzyKeys: z.array(z.string()).optional() }),
        ...commonErrors,
      },
    },
  }, async (req) => {
    const q = req.query;
    const purpose = oneOf('purpose', req.actx.purpose, q.purpose);
    const caseRef = oneOf('caseRef', req.actx.caseRef, q.caseRef);
    return deps.search.search({ ...req.actx, purpose, caseRef }, {
      plate: q.plate, mode: q.mode, fromMs: q.from, toMs: q.to, cameraIds: q.cameras, bbox: q.bbox, polygon: q.polygon, minConfidence: q.minConfidence, limit: q.limit, cursor: q.cursor,
    });
  });

  app.get('/api/plates/sightings', {
    config: { permission: 'sightings.read' },
    schema: { tags: ['plates'], summary: 'Recent plate sightings in your scope, newest first (the live feed)', querystring: feedQuery, response: { 200: z.object({ items: z.array(sightingSchema), nextCursor: z.string().nullable() }), ...commonErrors } },
  }, async (req) => {
    const q = req.query;
    return deps.sightings.recent(req.actx, { cameraIds: q.camera, plate: q.plate, fromMs: q.from, toMs: q.to, minConfidence: q.minConfidence }, q.limit, q.cursor);
  });

  app.get('/api/plates/sightings/:id', {
    config: { permission: 'sightings.read' },
    schema: { tags: ['plates'], summary: 'One plate sighting', params: idParam, response: { 200: sightingSchema, ...commonErrors } },
  }, async (req) => deps.sightings.get(req.actx, req.params.id));

  app.get('/api/plates/sightings/:id/crop', {
    config: { permission: 'sightings.read' },
    schema: {
      tags: ['plates'], summary: 'The plate or vehicle crop of a sighting (JPEG)', params: idParam,
      querystring: z.strictObject({ kind: z.enum(['plate', 'vehicle']).default('plate') }),
      response: { 200: z.any().describe('image/jpeg'), ...commonErrors },
    },
  }, async (req, reply) => {
    const jpeg = await deps.sightings.crop(req.actx, req.params.id, req.query.kind);
    return reply.header('content-type', 'image/jpeg').header('cache-control', 'private, max-age=3600').send(jpeg);
  });
}

/** A header and a query parameter may both say it, but not differently. */
function oneOf(name: string, header: string | undefined, query: string | undefined): string | undefined {
  const h = header?.trim() || undefined;
  const q = query?.trim() || undefined;
  if (h && q && h !== q) throw new ValidationError(`${name}: the header and the query parameter differ ('${h}' vs '${q}'); send one`);
  return h ?? q;
}

