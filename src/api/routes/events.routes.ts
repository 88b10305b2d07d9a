import type { WebSocket } from 'ws';
import type { EventBus } from '../../bus/bus';
import { inScope, scopesFor } from '../../auth/permissions';
import type { Logger } from '../../core/logger';
import { errorMessage } from '../../core/errors';
import type { ZApp } from '../types';

const MAX_BUFFERED = 1_048_576;

/**
 * Live domain events over WebSocket, filtered by the viewer's scope: an event that names an
 * owner/district outside it is never sent. A slow client loses messages (counted), it never
 * makes the server queue without bound.
 */
export function registerEventRoutes(app: ZApp, deps: { bus: EventBus; log: Logger }): void {
  app.get('/api/events/ws', { websocket: true, config: { permission: 'events.read' }, schema: { tags: ['events'], summary: 'WebSocket of live events ({name, data, at}) in your scope' } }, async (socket: WebSocket, req) => {
    const principal = req.principal!;
    const scopes = scopesFor(principal, 'camera.read');
    // Analytics events and alerts need analytics.read too (auditors read cameras, not alerts).
    const analyticsScopes = scopesFor(principal, 'analytics.read');
    // Plate sightings are personal data: only for 'sightings.read' (operator and up).
    const plateScopes = scopesFor(principal, 'sightings.read');
    let dropped = 0;
    const sub = await deps.bus.subscribe<Record<string, unknown>>('>', (msg) => {
      const d = msg.data;
      const owners = typeof d.owner === 'string' ? [d.owner] : Array.isArray(d.owners) ? (d.owners as string[]) : null;
      const districts = typeof d.district === 'string' ? [d.district] : Array.isArray(d.districts) ? (d.districts as string[]) : null;
      if (!owners || !districts) return; // events without a scope key are not for browsers
      const analytic = msg.subject.startsWith('analytics.') || msg.subject.startsWith('alert.') || msg.subject.startsWith('analysis.');
      const within = msg.subject.startsWith('plate.') ? plateScopes : analytic ? analyticsScopes : scopes;
      const visible = owners.some((o) => districts.some((di) => inScope(within, o, di)));
      if (!visible) return;
      if (socket.bufferedAmount > MAX_BUFFERED) {
        dropped++;
        return;
      }
      socket.send(JSON.stringify({ name: msg.subject, data: d, at: msg.publishedAt }));
    });
    socket.on('close', () => {
      if (dropped) deps.log.info({ user: principal.username, dropped }, 'live events dropped for a slow client');
      sub.unsubscribe().catch((err: unknown) => deps.log.warn({ err: errorMessage(err) }, 'unsubscribe failed'));
    });
  });
}
