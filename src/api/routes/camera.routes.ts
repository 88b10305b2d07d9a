import { Readable } from 'node:stream';
import { z } from 'zod';
import { cameraInputSchema, cameraPatchSchema, cameraSchema, CAMERA_STATUSES, type CameraFilter } from '../../cameras/camera.model';
import type { CameraService } from '../../cameras/camera.service';
import { ValidationError } from '../../core/errors';
import { authErrors, commonErrors, cursorQuery, errorBodySchema, type ZApp } from '../types';

const csvList = z.string().max(2000).transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));
const bbox = z
  .string()
  .max(200)
  .transform((s, ctx) => {
    const n = s.split(',').map(Number);
    if (n.length !== 4 || n.some((x) => !Number.isFinite(x))) {
      ctx.addIssue({ code: 'custom', message: 'expected minLon,minLat,maxLon,maxLat' });
      return z.NEVER;
    }
    const [minLon, minLat, maxLon, maxLat] = n as [number, number, number, number];
    if (minLat > maxLat || minLon > maxLon || minLat < -90 || maxLat > 90 || minLon < -180 || maxLon > 180) {
      ctx.addIssue({ code: 'custom', message: 'expected minLon ≤ maxLon and minLat ≤ maxLat within [-180,180] × [-90,90]' });
      return z.NEVER;
    }
    return [minLon, minLat, maxLon, maxLat] as [number, number, number, number];
  });

const listQuery = z.strictObject({
  q: z.string().max(200).optional().describe('Text in id, name, address, district or tags'),
  owner: csvList.optional().describe('Owner organisation ids, comma-separated'),
  district: csvList.optional().describe('Districts, comma-separated'),
  tag: z.string().max(64).optional(),
  status: z.enum(CAMERA_STATUSES).optional(),
  bbox: bbox.optional().describe('minLon,minLat,maxLon,maxLat'),
  ...cursorQuery,
});

const FORMATS = { csv: 'text/csv; charset=utf-8', geojson: 'application/geo+json' } as const;

export interface CameraFormats {
  parse(format: 'csv' | 'geojson', text: string): Parameters<CameraService['import']>[1];
  exportChunks(format: 'csv' | 'geojson', pages: AsyncIterable<z.infer<typeof cameraSchema>[]>): AsyncIterable<string>;
}

export function registerCameraRoutes(app: ZApp, deps: { cameras: CameraService; formats: CameraFormats; importLimitBytes: number }): void {
  app.get('/api/cameras', {
    config: { permission: 'camera.read' },
    schema: { tags: ['cameras'], summary: 'List cameras in your scope, filtered', querystring: listQuery, response: { 200: z.object({ items: z.array(cameraSchema), nextCursor: z.string().nullable() }), 400: errorBodySchema, ...authErrors } },
  }, async (req) => {
    const { limit, cursor, ...f } = req.query;
    const filter: CameraFilter = { q: f.q, owner: f.owner, district: f.district, tag: f.tag, status: f.status, bbox: f.bbox };
    return deps.cameras.list(req.actx, filter, limit, cursor);
  });

  app.get('/api/cameras/export', {
    config: { permission: 'camera.export' },
    schema: { tags: ['cameras'], summary: 'Export the cameras in your scope (no credentials)', querystring: z.strictObject({ format: z.enum(['csv', 'geojson']).default('csv') }), response: { 200: z.any().describe('CSV or GeoJSON file'), ...commonErrors } },
  }, async (req, reply) => {
    const format = req.query.format;
    const chunks = deps.formats.exportChunks(format, deps.cameras.exportPages(req.actx, format));
    void reply.header('content-type', FORMATS[format]).header('content-disposition', `attachment; filename="cameras.${format === 'csv' ? 'csv' : 'geojson'}"`);
    return reply.send(Readable.from(chunks));
  });

  app.get('/api/cameras/:id', {
    config: { permission: 'camera.read' },
    schema: { tags: ['cameras'], summary: 'One camera', params: z.object({ id: z.string().max(64) }), response: { 200: cameraSchema, ...commonErrors } },
  }, async (req) => deps.cameras.get(req.actx, req.params.id));

  app.post('/api/cameras', {
    config: { permission: 'camera.write' },
    schema: { tags: ['cameras'], summary: 'Add a camera', body: cameraInputSchema, response: { 201: cameraSchema, 409: errorBodySchema, ...commonErrors } },
  }, async (req, reply) => reply.status(201).send(await deps.cameras.create(req.actx, req.body)));

  app.patch('/api/cameras/:id', {
    config: { permission: 'camera.write' },
    schema: { tags: ['cameras'], summary: 'Change a camera', params: z.object({ id: z.string().max(64) }), body: cameraPatchSchema, response: { 200: cameraSchema, ...commonErrors } },
  }, async (req) => deps.cameras.update(req.actx, req.params.id, req.body));

  app.delete('/api/cameras/:id', {
    config: { permission: 'camera.write' },
    schema: { tags: ['cameras'], summary: 'Remove a camera', params: z.object({ id: z.string().max(64) }), response: { 204: z.null(), ...commonErrors } },
  }, async (req, reply) => {
    await deps.cameras.delete(req.actx, req.params.id);
    return reply.status(204).send(null);
  });

  app.post('/api/cameras/import', {
    config: { permission: 'camera.import' },
    bodyLimit: deps.importLimitBytes,
    schema: {
      tags: ['cameras'],
      summary: 'Bulk import from CSV or GeoJSON: all rows or none; 422 lists every rejected row',
      querystring: z.strictObject({ format: z.enum(['csv', 'geojson']).optional().describe('Default: from Content-Type') }),
      body: z.unknown().describe('The file: text/csv or application/geo+json'),
      response: { 200: z.object({ imported: z.number() }), 422: errorBodySchema, ...commonErrors },
    },
  }, async (req) => {
    const ct = String(req.headers['content-type'] ?? '');
    const format = req.query.format ?? (ct.includes('csv') ? 'csv' : ct.includes('json') ? 'geojson' : undefined);
    if (!format) throw new ValidationError('Say the format: ?format=csv or ?format=geojson (or send Content-Type text/csv or application/geo+json)');
    const text = typeof req.body === 'string' ? req.body : Buffer.isBuffer(req.body) ? req.body.toString('utf8') : JSON.stringify(req.body ?? '');
    return deps.cameras.import(req.actx, deps.formats.parse(format, text), `api:${format}`);
  });
}
