import type { WebSocket as WsSocket } from 'ws';
import WebSocket from 'ws';
import type { AccessPolicy } from '../../access/policy';
import { authorize } from '../../auth/guard';
import type { ActionContext, AuditAppender, AuditEntryInput } from '../../core/context';
import { NotFoundError, ValidationError, errorMessage } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { FederationConfig } from '../../config/federation.schema';
import type { PlateSearchService } from '../../plates/search/search.service';
import type { Sighting } from '../../plates/sightings/types';
import type { Store } from '../../store/store';
import type { SiteKeyring } from '../../keys/site-keys';
import { PeerCallError, PeerClient, identityOf } from './client';
import { InventoryCache, type PeerHealth, type PeerState } from './inventory';
import type { IndexedTrack } from '../../search/model';
import type { SearchService } from '../../search/search.service';
import type { PeerPlateQuery, PeerTrackQuery, SharedCamera, SharedTrack } from './owner';

export const PEER_PATHS = {
  cameras: '/api/federation/peer/cameras',
  live: (id: string) => `/api/federation/peer/cameras/${encodeURIComponent(id)}/live/ws`,
  plateSearch: '/api/federation/peer/plates/search',
  trackSearch: '/api/federation/peer/tracks/search',
  playlist: (id: string, fromMs: number, toMs: number) => `/api/federation/peer/cameras/${encodeURIComponent(id)}/playback.m3u8?from=${fromMs}&to=${toMs}`,
  segment: (id: string, seg: number) => `/api/federation/peer/cameras/${encodeURIComponent(id)}/segments/${seg}`,
} as const;

export interface RemoteCamera extends SharedCamera {
  /** `<siteId>:<cameraId>`: never the same namespace as this site's own camera ids. */
  ref: string;
  site: string;
  remoteId: string;
  stale: boolean;
  fetchedAt: number | null;
}

export type SiteStatus = { site: string; state: PeerState | 'ok'; ms: number; results: number; message: string | null; local: boolean };
export type FederatedSighting = Sighting & { site: string; cameraRef: string };
/** A track found here or at a peer: ids namespaced `<site>:<id>` for peers; cropUrl proxied here or a data URL from the owner. */
export type FederatedTrack = IndexedTrack & { site: string; cameraRef: string; cropUrl: string | null };
type SiteResult<T> = { st: SiteStatus; items: T[] };

/**
 * The CALLING (central) site's side: the remote inventory (cached, namespaced), proxied live view, and plate
 * search fanned out to every peer in parallel with a per-peer timeout; each site's status is reported and the
 * result is partial (never a hang) when a site is slow, down or refuses. This site audits its own users here;
 * each owner audits the same requests on its side.
 */
export class FederationService {
  readonly clients: PeerClient[];
  readonly inventory: InventoryCache;

  constructor(private readonly d: { siteId: string; config: FederationConfig; keyring: SiteKeyring; store: Store; audit: AuditAppender; access: AccessPolicy; plates: PlateSearchService; search: SearchService; log: Logger }) {
    this.clients = d.config.peers.map((p) => new PeerClient(d.keyring, p));
    const sys = { site: d.siteId, user: 'system:federation', roles: ['operator', 'investigator', 'supervisor', 'viewer'] };
    this.inventory = new InventoryCache(this.clients, (c) => c.json<{ items: SharedCamera[] }>('GET', PEER_PATHS.cameras, sys, d.config.requestTimeoutMs).then((r) => r.items), {
      refreshMs: d.config.inventoryRefreshMs, retryInitialMs: d.config.retryInitialMs, retryMaxMs: d.config.retryMaxMs, log: d.log,
    });
  }

  start(): void {
    this.inventory.start();
  }

  stop(): void {
    this.inventory.stop();
  }

  peers(ctx: ActionContext): PeerHealth[] {
    authorize(ctx, 'camera.read');
    return this.inventory.health();
  }

  cameras(ctx: ActionContext): RemoteCamera[] {
    authorize(ctx, 'camera.read');
    return this.inventory.cameras().map(({ site, camera, stale, fetchedAt }) => ({ ...camera, ref: `${site}:${camera.id}`, site, remoteId: camera.id, stale, fetchedAt }));
  }

  async refresh(ctx: ActionContext): Promise<PeerHealth[]> {
    authorize(ctx, 'camera.read');
    await Promise.all(this.clients.map((c) => this.inventory.refresh(c.peer.siteId)));
    return this.inventory.health();
  }

  /** Splits `<siteId>:<cameraId>` into a known peer and the owner's camera id. */
  resolve(ref: string): { client: PeerClient; cameraId: string } {
    const i = ref.indexOf(':');
    if (i <= 0) throw new ValidationError(`'${ref}' is not a remote camera reference: use <siteId>:<cameraId>`);
    const client = this.clients.find((c) => c.peer.siteId === ref.slice(0, i));
    if (!client) throw new NotFoundError('peer site', ref.slice(0, i));
    return { client, cameraId: ref.slice(i + 1) };
  }

  /**
   * Opens the owner's live stream for the user (this site's access policy first: a stated purpose), audited here
   * as federation.live; the owner checks its share and audits too. Frames and the close are relayed from the first one on; resolves with the owner's socket once it is open.
   */
  async openLive(ctx: ActionContext, ref: string, relay: { message(data: WebSocket.RawData, binary: boolean): void; close(code: number, reason: string): void }): Promise<WsSocket> {
    authorize(ctx, 'live.view');
    const { client, cameraId } = this.resolve(ref);
    const cam = this.inventory.camera(client.peer.siteId, cameraId);
    ctx = await this.d.access.require(ctx, 'live', { action: 'federation.live', details: { camera: ref } });
    await this.record(ctx, { action: 'federation.live', targetType: 'remote_camera', targetId: ref, details: { site: client.peer.siteId, camera: cameraId, name: cam?.name ?? null } });
    const path = PEER_PATHS.live(cameraId);
    const ws = new WebSocket(client.wsUrl(path), { headers: client.headers('GET', path, '', identityOf(this.d.siteId, ctx)), handshakeTimeout: this.d.config.requestTimeoutMs });
    // relay from the first frame on: the owner may answer (or refuse) in the same packet as the upgrade
    ws.on('message', (data, binary) => relay.message(data, binary));
    ws.on('close', (code, reason) => relay.close(code, reason.toString()));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new PeerCallError('refused', res.statusCode ?? 502, `Site '${client.peer.siteId}' refused the live stream (HTTP ${res.statusCode})`)));
      ws.once('error', (err) => reject(new PeerCallError('down', 503, `Site '${client.peer.siteId}' live stream failed: ${err.message}`, err)));
    });
    return ws;
  }

  /**
   * The owner's HLS playlist of a shared camera with its segment URIs pointing back through this site
   * (this site's access policy: a purpose; audited here as federation.playback, at the owner too).
   */
  async playlist(ctx: ActionContext, ref: string, fromMs: number, toMs: number): Promise<string> {
    authorize(ctx, 'playback.view');
    const { client, cameraId } = this.resolve(ref);
    ctx = await this.d.access.require(ctx, 'playback', { action: 'federation.playback', details: { camera: ref, fromMs, toMs } });
    const res = await client.raw(PEER_PATHS.playlist(cameraId, fromMs, toMs), identityOf(this.d.siteId, ctx), this.d.config.requestTimeoutMs);
    const text = await res.text();
    await this.record(ctx, { action: 'federation.playback', targetType: 'remote_camera', targetId: ref, details: { site: client.peer.siteId, camera: cameraId, fromMs, toMs } });
    return text.replace(/\/api\/playback\/segments\/(\d+)/g, (_m, seg: string) => `/api/federation/cameras/${encodeURIComponent(ref)}/segments/${seg}`);
  }

  /** One segment of a remote playlist, fetched from the owner (which checks its share and window again). */
  async segment(ctx: ActionContext, ref: string, segmentId: number, range: string | undefined): Promise<Response> {
    authorize(ctx, 'playback.view');
    const { client, cameraId } = this.resolve(ref);
    return client.raw(PEER_PATHS.segment(cameraId, segmentId), identityOf(this.d.siteId, ctx), this.d.config.requestTimeoutMs, range ? { range } : {});
  }

  /** Plate search here and at every peer, in parallel; each site's status; partial when some fail. */
  async plateSearch(ctx: ActionContext, q: PeerPlateQuery): Promise<{ items: FederatedSighting[]; sites: SiteStatus[]; partial: boolean }> {
    authorize(ctx, 'search.run');
    const details = { plate: q.plate, mode: q.mode ?? null, fromMs: q.fromMs ?? null, toMs: q.toMs ?? null };
    ctx = await this.d.access.require(ctx, 'plateSearch', { action: 'federation.plate.search', details });
    const id = identityOf(this.d.siteId, ctx);
    const local = (async (): Promise<{ st: SiteStatus; items: FederatedSighting[] }> => {
      const t0 = performance.now();
      const r = await this.d.plates.search(ctx, { plate: q.plate, mode: q.mode, fromMs: q.fromMs, toMs: q.toMs, limit: q.limit });
      const items = r.items.map((s) => ({ ...s, site: this.d.siteId, cameraRef: s.cameraId }));
      return { st: { site: this.d.siteId, state: 'ok', ms: Math.round(performance.now() - t0), results: items.length, message: null, local: true }, items };
    })();
    const remote = this.clients.map((c) => this.ask(c, PEER_PATHS.plateSearch, id, q, (r: { items: Sighting[] }, site) =>
      r.items.map((x) => ({ ...x, site, cameraRef: `${site}:${x.cameraId}`, cameraId: `${site}:${x.cameraId}`, id: `${site}:${x.id}` }))));
    const all = await Promise.all([local, ...remote]);
    const items = all.flatMap((r) => r.items).sort((a, b) => a.seenAt - b.seenAt || a.id.localeCompare(b.id));
    const sites = all.map((r) => r.st);
    const partial = sites.some((s) => s.state !== 'ok');
    await this.record(ctx, { action: 'federation.plate.search', details: { ...details, results: items.length, partial, sites: sites.map((s) => `${s.site}:${s.state}`) } });
    return { items, sites, partial };
  }

  /**
   * Forensic track search by description here and at every peer (each owner applies its share and requires the
   * case; camera filters `<site>:<id>` go to their site only); newest first, each site's status, partial when some fail.
   */
  async trackSearch(ctx: ActionContext, q: PeerTrackQuery): Promise<{ items: FederatedTrack[]; sites: SiteStatus[]; partial: boolean }> {
    authorize(ctx, 'search.run');
    const details = { filter: Object.fromEntries(Object.entries(q.filter).filter(([, v]) => v !== undefined)) };
    ctx = await this.d.access.require(ctx, 'personSearch', { action: 'federation.track.search', details });
    const id = identityOf(this.d.siteId, ctx);
    const camerasOf = (site: string | null) => q.filter.cameras?.flatMap((c) => {
      const i = c.indexOf(':');
      if (site === null) return i < 0 ? [c] : [];
      return i > 0 && c.slice(0, i) === site ? [c.slice(i + 1)] : [];
    });
    const skipped = (site: string, local: boolean): SiteResult<FederatedTrack> => ({ st: { site, state: 'ok', ms: 0, results: 0, message: 'none of the asked cameras is at this site', local }, items: [] });
    const localCams = camerasOf(null);
    const local = localCams && !localCams.length ? Promise.resolve(skipped(this.d.siteId, true)) : (async (): Promise<SiteResult<FederatedTrack>> => {
      const t0 = performance.now();
      const r = await this.d.search.searchTracks(ctx, { filter: { ...q.filter, cameras: localCams }, limit: q.limit });
      const items = r.items.map((t) => ({ ...t, site: this.d.siteId, cameraRef: t.cameraId, cropUrl: t.hasCrop ? `/api/search/tracks/${encodeURIComponent(t.id)}/crop` : null }));
      return { st: { site: this.d.siteId, state: 'ok', ms: Math.round(performance.now() - t0), results: items.length, message: null, local: true }, items };
    })();
    const remote = this.clients.map((c) => {
      const cams = camerasOf(c.peer.siteId);
      if (cams && !cams.length) return Promise.resolve(skipped(c.peer.siteId, false));
      return this.ask(c, PEER_PATHS.trackSearch, id, { filter: { ...q.filter, cameras: cams }, limit: q.limit }, (r: { items: SharedTrack[] }, site) =>
        r.items.map(({ crop, ...t }) => ({ ...t, site, id: `${site}:${t.id}`, cameraId: `${site}:${t.cameraId}`, cameraRef: `${site}:${t.cameraId}`, cropUrl: crop })));
    });
    const all = await Promise.all([local, ...remote]);
    const items = all.flatMap((r) => r.items).sort((a, b) => b.startedAt - a.startedAt || a.id.localeCompare(b.id)).slice(0, q.limit);
    const sites = all.map((r) => r.st);
    const partial = sites.some((s) => s.state !== 'ok');
    await this.record(ctx, { action: 'federation.track.search', targetType: 'case', targetId: ctx.caseRef, details: { ...details, results: items.length, partial, sites: sites.map((s) => `${s.site}:${s.state}`) } });
    return { items, sites, partial };
  }

  /** One peer's part of a fanned-out search: its status (ok/timeout/down/refused) and its items, never a throw. */
  private async ask<R, T>(c: PeerClient, path: string, id: ReturnType<typeof identityOf>, body: unknown, map: (r: R, site: string) => T[]): Promise<SiteResult<T>> {
    const t0 = performance.now();
    const site = c.peer.siteId;
    try {
      const r = await c.json<R>('POST', path, id, this.d.config.searchTimeoutMs, body);
      const ms = performance.now() - t0;
      this.inventory.observe(site, 'ok', ms, null);
      const items = map(r, site);
      return { st: { site, state: 'ok', ms: Math.round(ms), results: items.length, message: null, local: false }, items };
    } catch (err) {
      const state = err instanceof PeerCallError ? err.state : 'down';
      if (state !== 'refused') this.inventory.observe(site, state, null, errorMessage(err));
      this.d.log.debug({ site, path, state, err: errorMessage(err) }, 'peer search failed: partial result');
      return { st: { site, state, ms: Math.round(performance.now() - t0), results: 0, message: errorMessage(err), local: false }, items: [] };
    }
  }

  private async record(ctx: ActionContext, entry: AuditEntryInput): Promise<void> {
    await this.d.audit.recordStandalone(ctx, entry);
  }
}
