import { createReadStream } from 'node:fs';
import { z } from 'zod';
import { UserError } from '../../core/errors';
import type { PlaybackService } from '../../playback/playback.service';
import { parseRange } from '../../playback/segment-file';
import type { SnapshotService } from '../../playback/snapshot.service';
import { commonErrors, errorBodySchema, type ZApp } from '../types';
import { relayPeerResponse } from './cluster-segments.routes';

const epochMs = z.string().regex(/^\d{1,15}$/, 'integer UTC milliseconds').transform(Number);
const windowQuery = z.strictObject({
  from: epochMs.describe('Start, integer UTC ms'),
  to: epochMs.describe('End (exclusive), integer UTC ms'),
});
const cameraParams = z.object({ id: z.string().max(64) });
const range = z.object({ startMs: z.number(), endMs: z.number() });

const timelineSchema = z.object({
  cameraId: z.string(),
  fromMs: z.number(),
  toMs: z.number(),
  playbackAllowed: z.boolean().describe('False when the owner\'s sharing policy refuses you playback of this camera'),
  ranges: z.array(range).describe('Recorded time, abutting segments merged, clipped to the window'),
  gaps: z.array(range.extend({ reason: z.string(), open: z.boolean().describe('The gap lasts until now') })).describe('Recording gaps with their reasons'),
  coverage: z.number().describe('Recorded share of the window, 0…1'),
  events: z.array(z.unknown()).describe('Reserved: analytics events (later)'),
});

export function registerPlaybackRoutes(app: ZApp, deps: { playback: PlaybackService; snapshots: SnapshotService }): void {
  app.get('/api/cameras/:id/timeline', {
    config: { permission: 'playback.view' },
    schema: { tags: ['playback'], summary: 'Recorded ranges and gaps of a camera in a window (at most 7 days)', params: cameraParams, querystring: windowQuery, response: { 200: timelineSchema, ...commonErrors } },
  }, async (req) => deps.playback.timeline(req.actx, req.params.id, req.query.from, req.query.to));

  app.get('/api/cameras/:id/playback.m3u8', {
    config: { permission: 'playback.view' },
    schema: {
      tags: ['playback'],
      summary: 'HLS VOD playlist of the recordings in a window (at most 24 h); audited once with X-Purpose',
      params: cameraParams,
      querystring: windowQuery.extend({
        purpose: z.string().max(500).optional().describe('Why you watch, when X-Purpose cannot be sent (players that fetch the playlist themselves)'),
        caseRef: z.string().max(100).optional().describe('The case (for residential-facing or third-party cameras), when X-Case-Ref cannot be sent'),
        unmask: z.enum(['0', '1']).default('0').describe('1 = lift the camera\'s privacy masks (needs privacy.unmask; audited as unmasked)'),
      }),
      response: { 200: z.string().describe('application/vnd.apple.mpegurl'), ...commonErrors },
    },
  }, async (req, reply) => {
    const ctx = { ...req.actx, purpose: req.actx.purpose ?? (req.query.purpose?.trim() || undefined), caseRef: req.actx.caseRef ?? (req.query.caseRef?.trim() || undefined) };
    const text = await deps.playback.playlist(ctx, req.params.id, req.query.from, req.query.to, req.query.unmask === '1');
    return reply.header('content-type', 'application/vnd.apple.mpegurl').header('cache-control', 'no-store').send(text);
  });

  app.get('/api/playback/segments/:id', {
    config: { permission: 'playback.view' },
    schema: {
      tags: ['playback'],
      summary: 'One recorded MPEG-TS segment (Range requests supported)',
      params: z.object({ id: z.string().regex(/^[1-9]\d{0,14}$/, 'a segment id (positive integer)').transform(Number) }),
      response: { 200: z.any().describe('video/mp2t'), 206: z.any().describe('video/mp2t (partial)'), 416: errorBodySchema, ...commonErrors },
    },
  }, async (req, reply) => {
    const src = await deps.playback.segmentSource(req.actx, req.params.id, req.headers.range);
    if (src.kind === 'remote') return relayPeerResponse(reply, src.response); // held by another cluster node (src/storage-tiers)
    const { file } = src;
    const r = parseRange(req.headers.range, file.size);
    if (r === 'unsatisfiable') {
      void reply.header('content-range', `bytes */${file.size}`);
      throw new UserError('range_not_satisfiable', `The requested range is outside the file (${file.size} bytes)`, { size: file.size }, 416);
    }
    void reply.header('content-type', 'video/mp2t').header('accept-ranges', 'bytes').header('cache-control', 'private, max-age=3600');
    if (r) {
      void reply.status(206).header('content-range', `bytes ${r.start}-${r.end}/${file.size}`).header('content-length', String(r.end - r.start + 1));
      return reply.send(createReadStream(file.path, { start: r.start, end: r.end }));
    }
    return reply.header('content-length', String(file.size)).send(createReadStream(file.path));
  });

  app.get('/api/cameras/:id/snapshot', {
    config: { permission: 'live.view' },
    schema: {
      tags: ['playback'],
      summary: 'A JPEG frame: from recordings at ?at (needs playback.view), or the current picture without it',
      params: cameraParams,
      querystring: z.strictObject({ at: epochMs.optional().describe('Wall-clock time of the frame, integer UTC ms; omit for now') }),
      response: { 200: z.any().describe('image/jpeg'), ...commonErrors, 503: errorBodySchema },
    },
  }, async (req, reply) => {
    const shot = await deps.snapshots.snapshot(req.actx, req.params.id, req.query.at);
    void reply.header('content-type', 'image/jpeg').header('cache-control', 'no-store').header('x-snapshot-source', shot.source);
    if (shot.atMs !== null) void reply.header('x-snapshot-at', String(shot.atMs));
    return reply.send(shot.jpeg);
  });
}
