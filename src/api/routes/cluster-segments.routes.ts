import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { UserError } from '../../core/errors';
import { parseRange } from '../../playback/segment-file';
import type { SegmentPeers } from '../../storage-tiers/remote-segments';
import { commonErrors, errorBodySchema, type ZApp } from '../types';

const RELAYED = ['content-type', 'content-length', 'content-range', 'accept-ranges'] as const;

/** Sends a peer node's segment response on (status, the byte headers, the body streamed). */
export function relayPeerResponse(reply: FastifyReply, res: Response): FastifyReply {
  void reply.status(res.status).header('cache-control', 'private, max-age=3600');
  for (const h of RELAYED) {
    const v = res.headers.get(h);
    if (v !== null) void reply.header(h, v);
  }
  return reply.send(res.body ? Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>) : '');
}

/**
 * Node-to-node: a cluster node serves ITS OWN segment files to a peer api node (docs/design/storage-tiers.md).
 * Public to the user auth hook; the request must carry the cluster-key HMAC (SegmentPeers.serveToPeer), else 401.
 */
export function registerClusterSegmentRoutes(app: ZApp, deps: { segmentPeers: SegmentPeers }): void {
  app.get('/api/cluster/segments/:id', {
    config: { public: true },
    schema: {
      tags: ['cluster'],
      summary: 'Node-to-node: one segment held by this node (cluster-key HMAC in X-SV-Node / X-SV-Time / X-SV-Signature)',
      params: z.object({ id: z.string().regex(/^[1-9]\d{0,14}$/, 'a segment id (positive integer)').transform(Number) }),
      response: { 200: z.any().describe('video/mp2t'), 206: z.any().describe('video/mp2t (partial)'), 416: errorBodySchema, ...commonErrors },
    },
  }, async (req, reply) => {
    const file = await deps.segmentPeers.serveToPeer(req.headers, 'GET', `/api/cluster/segments/${req.params.id}`, req.params.id);
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
}
