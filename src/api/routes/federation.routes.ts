import { createReadStream } from 'node:fs';
import type { FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { errorMessage, isAppError, UserError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { Federation } from '../../federation/peers/wiring';
import type { RemoteIdentity } from '../../federation/peers/signing';
import { SEARCH_MODES } from '../../plates/search/pattern';
import { indexedTrackSchema, trackFilterSchema } from '../../search/model';
import { parseRange } from '../../playback/segment-file';
import { relayPeerResponse } from './cluster-segments.routes';
import { sightingSchema } from './plates.routes';
import { authErrors, commonErrors, errorBodySchema, type ZApp } from '../types';

const policySchema = z.object({ live: z.boolean(), playbackHours: z.number(), retentionDays: z.number(), analytics: z.boolean(), roles: z.array(z.string()) });
const sharedCameraSchema = z.object({ id: z.string(), name: z.string(), lat: z.number(), lon: z.number(), district: z.string(), owner: z.string(), status: z.string(), policy: policySchema });
const remoteCameraSchema = sharedCameraSchema.extend({ ref: z.string().describe('<siteId>:<cameraId>'), site: z.string(), remoteId: z.string(), stale: z.boolean().describe('The owner did not answer the last call: cached entry'), fetchedAt: z.number().nullable() });
const peerHealthSchema = z.object({
  siteId: z.string(), name: z.string().nullable(), url: z.string(), state: z.enum(['unknown', 'ok', 'timeout', 'down', 'refused']), latencyMs: z.number().nullable(),
  lastOkAt: z.number().nullable(), lastError: z.string().nullable(), failures: z.number(), nextRetryAt: z.number().nullable(), cameras: z.number(), inventoryAgeMs: z.number().nullable(),
});
const plateQuery = z.strictObject({
  plate: z.string().min(1).max(40).describe('Plate, prefix, wildcard or the plate to match fuzzily'),
  mode: z.enum(SEARCH_MODES).optional(),
  fromMs: z.number().int().nonnegative().optional(),
  toMs: z.number().int().nonnegative().optional(),
  limit: z.number().int().min(1).max(1000).default(200),
});
const trackQuery = z.strictObject({
  filter: trackFilterSchema.describe('As POST /api/search/tracks; cameras may name remote ones as <siteId>:<cameraId> (sent to that site only)'),
  limit: z.number().int().min(1).max(500).default(100),
});
const siteStatusSchema = z.object({ site: z.string(), state: z.string().describe('ok | timeout | down | refused'), ms: z.number(), results: z.number(), message: z.string().nullable(), local: z.boolean() });
const epochMs = z.string().regex(/^\d{1,15}$/, 'integer UTC milliseconds').transform(Number);
const windowQuery = z.strictObject({ from: epochMs, to: epochMs, purpose: z.string().max(500).optional().describe('Why you watch, when X-Purpose cannot be sent') });
const segParams = z.object({ ref: z.string().max(140), seg: z.string().regex(/^[1-9]\d{0,14}$/, 'a segment id').transform(Number) });
const liveQuery = z.strictObject({ purpose: z.string().max(500).optional().describe('Why you watch (browsers cannot set X-Purpose on a WebSocket)') });

/** Sends an error on a live socket and closes it with 4000 + HTTP status (as /api/cameras/:id/live/ws does). */
function refuseSocket(socket: WebSocket, err: unknown, requestId: string, log: Logger): void {
  const status = isAppError(err) ? err.status : 500;
  if (!isAppError(err)) log.error({ err: errorMessage(err) }, 'federated live session failed');
  const body = isAppError(err) ? { code: err.code, message: err.message } : { code: 'internal', message: `Internal error; quote request id ${requestId} when reporting it` };
  if (socket.readyState === socket.OPEN) {
    socket.send(JSON.stringify({ type: 'error', ...body, requestId }));
    socket.close(4000 + status, body.code.slice(0, 100));
  }
}

/**
 * Federation (#10, docs/design/federation.md). User routes (this site as the caller) under /api/federation/…;
 * peer routes under /api/federation/peer/… are public to the user auth hook but need a request signed by a
 * pinned peer site key (else 401, audited), and the owner's share policy decides (refusals audited).
 */
export function registerFederationRoutes(app: ZApp, deps: { federation: Federation; log: Logger }): void {
  const { owner, service } = deps.federation;
  const identities = new WeakMap<FastifyRequest, RemoteIdentity>();
  const signed = async (req: FastifyRequest): Promise<void> => {
    const body = req.method === 'GET' ? '' : JSON.stringify(req.body ?? null);
    identities.set(req, await owner.authenticate(req.headers, req.method, req.url, body, req.ip));
  };

  app.get('/api/federation/peers', {
    config: { permission: 'camera.read' },
    schema: { tags: ['federation'], summary: 'Peer sites: state, latency, cached inventory age', response: { 200: z.object({ items: z.array(peerHealthSchema) }), ...authErrors } },
  }, async (req) => ({ items: service.peers(req.actx) }));

  app.post('/api/federation/peers/refresh', {
    config: { permission: 'camera.read' },
    schema: { tags: ['federation'], summary: 'Refresh every peer\'s inventory now', response: { 200: z.object({ items: z.array(peerHealthSchema) }), ...authErrors } },
  }, async (req) => ({ items: await service.refresh(req.actx) }));

  app.get('/api/federation/cameras', {
    config: { permission: 'camera.read' },
    schema: { tags: ['federation'], summary: 'Cameras the peers share with this site (ids <siteId>:<cameraId>, cached; stale when the owner is unreachable)', response: { 200: z.object({ items: z.array(remoteCameraSchema) }), ...authErrors } },
  }, async (req) => ({ items: service.cameras(req.actx) }));

  app.post('/api/federation/search/plates', {
    config: { permission: 'search.run' },
    schema: {
      tags: ['federation'], summary: 'Plate search here and at every peer (X-Purpose and X-Case-Ref); partial results marked per site', body: plateQuery,
      response: { 200: z.object({ items: z.array(sightingSchema.extend({ site: z.string(), cameraRef: z.string() })), sites: z.array(siteStatusSchema), partial: z.boolean() }), ...commonErrors },
    },
  }, async (req) => service.plateSearch(req.actx, req.body));

  app.post('/api/federation/search/tracks', {
    config: { permission: 'search.run' },
    schema: {
      tags: ['federation'], summary: 'Forensic track search by description here and at every peer (X-Case-Ref required, as for local search); newest first; partial results marked per site', body: trackQuery,
      response: { 200: z.object({ items: z.array(indexedTrackSchema.extend({ site: z.string(), cameraRef: z.string(), cropUrl: z.string().nullable().describe('This site\'s crop URL, or a data: URL from the owning site') })), sites: z.array(siteStatusSchema), partial: z.boolean() }), ...commonErrors },
    },
  }, async (req) => service.trackSearch(req.actx, req.body));

  app.get('/api/federation/cameras/:ref/live/ws', {
    websocket: true,
    config: { permission: 'live.view' },
    schema: { tags: ['federation'], summary: 'WebSocket relaying the owning site\'s live fMP4 stream of a shared camera (same messages as /api/cameras/:id/live/ws)', params: z.object({ ref: z.string().max(140) }), querystring: liveQuery },
  }, async (socket: WebSocket, req) => {
    const { ref } = req.params as { ref: string };
    const q = req.query as z.infer<typeof liveQuery>;
    let upstream: WebSocket | null = null;
    let closed = false;
    socket.on('close', () => {
      closed = true;
      upstream?.close();
    });
    try {
      upstream = await service.openLive({ ...req.actx, purpose: req.actx.purpose ?? (q.purpose?.trim() || undefined) }, ref, {
        message: (data, binary) => socket.readyState === socket.OPEN && socket.send(data, { binary }),
        close: (code, reason) => socket.readyState === socket.OPEN && socket.close(code >= 4000 && code < 5000 ? code : 1001, reason.slice(0, 100)),
      });
      if (closed) return void upstream.close();
      upstream.on('error', (err) => deps.log.warn({ ref, err: err.message }, 'upstream live socket error'));
    } catch (err) {
      refuseSocket(socket, err, String(req.id), deps.log);
    }
  });

  app.get('/api/federation/cameras/:ref/playback.m3u8', {
    config: { permission: 'playback.view' },
    schema: { tags: ['federation'], summary: 'HLS playlist of a shared camera\'s recordings via its owner (within the owner\'s playback window; X-Purpose)', params: z.object({ ref: z.string().max(140) }), querystring: windowQuery, response: { 200: z.string(), ...commonErrors } },
  }, async (req, reply) => {
    const ctx = { ...req.actx, purpose: req.actx.purpose ?? (req.query.purpose?.trim() || undefined) };
    const text = await service.playlist(ctx, req.params.ref, req.query.from, req.query.to);
    return reply.type('application/vnd.apple.mpegurl').header('cache-control', 'no-store').send(text);
  });

  app.get('/api/federation/cameras/:ref/segments/:seg', {
    config: { permission: 'playback.view' },
    schema: { tags: ['federation'], summary: 'One recorded segment of a shared camera, fetched from its owner (Range supported)', params: segParams, response: { 200: z.any(), 206: z.any(), 416: errorBodySchema, ...commonErrors } },
  }, async (req, reply) => relayPeerResponse(reply, await service.segment(req.actx, req.params.ref, req.params.seg, req.headers.range)));

  // ---- peer routes: this site as the OWNER ----
  app.get('/api/federation/peer/cameras', {
    config: { public: true },
    preValidation: signed,
    schema: { tags: ['federation'], summary: 'Site-to-site (signed): the cameras this site shares with the calling peer', response: { 200: z.object({ items: z.array(sharedCameraSchema) }), 401: errorBodySchema } },
  }, async (req) => ({ items: await owner.sharedCameras(identities.get(req)!, req.ip) }));

  app.post('/api/federation/peer/plates/search', {
    config: { public: true },
    preValidation: signed,
    schema: { tags: ['federation'], summary: 'Site-to-site (signed): plate sightings on the cameras shared with analytics', body: plateQuery, response: { 200: z.object({ items: z.array(sightingSchema), cameras: z.number() }), ...commonErrors } },
  }, async (req) => owner.plateSearch(identities.get(req)!, req.body, req.ip));

  app.post('/api/federation/peer/tracks/search', {
    config: { public: true },
    preValidation: signed,
    schema: { tags: ['federation'], summary: 'Site-to-site (signed, with the remote case): forensic tracks on the cameras shared with analytics, crops inline', body: trackQuery, response: { 200: z.object({ items: z.array(indexedTrackSchema.extend({ crop: z.string().nullable() })), cameras: z.number() }), ...commonErrors } },
  }, async (req) => owner.trackSearch(identities.get(req)!, req.body, req.ip));

  app.get('/api/federation/peer/cameras/:id/playback.m3u8', {
    config: { public: true },
    preValidation: signed,
    schema: { tags: ['federation'], summary: 'Site-to-site (signed): HLS playlist of a shared camera within the share\'s playback window', params: z.object({ id: z.string().max(64) }), querystring: windowQuery, response: { 200: z.string(), ...commonErrors } },
  }, async (req, reply) => {
    const text = await owner.playlist(identities.get(req)!, req.params.id, req.query.from, req.query.to, req.ip);
    return reply.type('application/vnd.apple.mpegurl').header('cache-control', 'no-store').send(text);
  });

  app.get('/api/federation/peer/cameras/:id/segments/:seg', {
    config: { public: true },
    preValidation: signed,
    schema: { tags: ['federation'], summary: 'Site-to-site (signed): one segment of a shared camera within the playback window', params: z.object({ id: z.string().max(64), seg: segParams.shape.seg }), response: { 200: z.any(), 206: z.any(), 416: errorBodySchema, ...commonErrors } },
  }, async (req, reply) => {
    const file = await owner.segment(identities.get(req)!, req.params.id, req.params.seg, req.ip);
    const r = parseRange(req.headers.range, file.size);
    if (r === 'unsatisfiable') {
      void reply.header('content-range', `bytes */${file.size}`);
      throw new UserError('range_not_satisfiable', `The requested range is outside the file (${file.size} bytes)`, { size: file.size }, 416);
    }
    void reply.header('content-type', 'video/mp2t').header('accept-ranges', 'bytes');
    if (r) {
      void reply.status(206).header('content-range', `bytes ${r.start}-${r.end}/${file.size}`).header('content-length', String(r.end - r.start + 1));
      return reply.send(createReadStream(file.path, { start: r.start, end: r.end }));
    }
    return reply.header('content-length', String(file.size)).send(createReadStream(file.path));
  });

  app.get('/api/federation/peer/cameras/:id/live/ws', {
    websocket: true,
    config: { public: true },
    preValidation: signed,
    schema: { tags: ['federation'], summary: 'Site-to-site (signed): live fMP4 of a shared camera when the share allows live', params: z.object({ id: z.string().max(64) }) },
  }, async (socket: WebSocket, req) => {
    const { id } = req.params as { id: string };
    let leave: (() => void) | null = null;
    let closed = false;
    socket.on('close', () => {
      closed = true;
      leave?.();
    });
    try {
      const session = await owner.openLive(identities.get(req)!, id, req.ip);
      if (closed) return;
      leave = session.attach({ send: (data) => socket.readyState === socket.OPEN && socket.send(data), buffered: () => socket.bufferedAmount, close: (code, reason) => socket.close(code, reason) });
    } catch (err) {
      refuseSocket(socket, err, String(req.id), deps.log);
    }
  });
}
