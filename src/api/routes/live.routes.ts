import type { WebSocket } from 'ws';
import { z } from 'zod';
import { errorMessage, isAppError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { LiveService } from '../../live/live.service';
import type { LiveViewer } from '../../live/live-stream';
import type { ZApp } from '../types';

const liveQuery = z.strictObject({
  stream: z.enum(['auto', 'main', 'sub']).default('auto').describe('auto = the sub-stream when the camera has one'),
  transcode: z.enum(['0', '1']).default('0').describe('1 = re-encode to H.264 (for H.265 cameras in browsers without HEVC)'),
  purpose: z.string().max(500).optional().describe('Why you watch (browsers cannot set X-Purpose on a WebSocket)'),
  unmask: z.enum(['0', '1']).default('0').describe('1 = lift the camera\'s privacy masks (needs privacy.unmask; audited as unmasked)'),
});

/**
 * Live video over a WebSocket (MSE in the browser). Messages from the server:
 *   text   {"type":"init", codec, mime, kind, width, height, stream, transcoded} — create the SourceBuffer
 *   binary the init segment (ftyp+moov), then fragments (moof+mdat), the first one a keyframe
 *   text   {"type":"status", state: "starting"|"reconnecting", …} · {"type":"error", code, message}
 * Refusals after the upgrade are sent as an error message and close code 4000 + HTTP status
 * (4404 not found / out of scope, 4403 refused by the owner's sharing policy, 4400 the access policy wants a purpose);
 * 4401 'grant_expired' ends a session when the time-limited grant that allowed it expires.
 */
export function registerLiveRoutes(app: ZApp, deps: { live: LiveService; log: Logger }): void {
  app.get('/api/cameras/:id/live/ws', {
    websocket: true,
    config: { permission: 'live.view' },
    schema: { tags: ['live'], summary: 'WebSocket of live fragmented MP4 for MSE (audited once per session)', params: z.object({ id: z.string().max(64) }), querystring: liveQuery },
  }, async (socket: WebSocket, req) => {
    const q = req.query as z.infer<typeof liveQuery>;
    const { id } = req.params as { id: string };
    const ctx = { ...req.actx, purpose: req.actx.purpose ?? (q.purpose?.trim() || undefined) };
    let leave: (() => void) | null = null;
    let closed = false;
    let expiry: NodeJS.Timeout | null = null;
    socket.on('close', () => {
      closed = true;
      if (expiry) clearTimeout(expiry);
      leave?.();
    });
    socket.on('error', (err) => deps.log.debug({ err: err.message }, 'live socket error'));
    try {
      const session = await deps.live.open(ctx, id, { stream: q.stream, transcode: q.transcode === '1', unmask: q.unmask === '1' });
      if (closed) return;
      const viewer: LiveViewer = {
        send: (data) => {
          if (socket.readyState === socket.OPEN) socket.send(data);
        },
        buffered: () => socket.bufferedAmount,
        close: (code, reason) => socket.close(code, reason),
      };
      leave = session.attach(viewer);
      // Time-limited grants (src/access): the session ends when the grant that allowed it expires.
      if (session.validUntil !== null) {
        const until = session.validUntil;
        const end = (): void => {
          if (socket.readyState !== socket.OPEN) return;
          if (Date.now() < until) {
            expiry = setTimeout(end, Math.min(until - Date.now(), 2 ** 31 - 1)); // timers cap at ~24.8 days
            return;
          }
          socket.send(JSON.stringify({ type: 'error', code: 'grant_expired', message: 'Your grant for live view has expired: ask an administrator to renew it', requestId: String(req.id) }));
          socket.close(4401, 'grant_expired');
        };
        expiry = setTimeout(end, Math.min(Math.max(0, until - Date.now()), 2 ** 31 - 1));
      }
    } catch (err) {
      const status = isAppError(err) ? err.status : 500;
      if (!isAppError(err)) deps.log.error({ err: errorMessage(err), camera: id }, 'live session failed');
      const body = isAppError(err) ? { code: err.code, message: err.message } : { code: 'internal', message: `Internal error; quote request id ${String(req.id)} when reporting it` };
      if (socket.readyState === socket.OPEN) {
        socket.send(JSON.stringify({ type: 'error', ...body, requestId: String(req.id) }));
        socket.close(4000 + status, body.code.slice(0, 100));
      }
    }
  });
}
