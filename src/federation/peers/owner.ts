import type { Principal, Role } from '../../auth/permissions';
import { CameraRepository } from '../../cameras/camera.repository';
import type { ActionContext, AuditAppender, AuditEntryInput } from '../../core/context';
import { ForbiddenError, NotFoundError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { FederationConfig } from '../../config/federation.schema';
import type { LiveService, LiveSession } from '../../live/live.service';
import type { PlaybackService } from '../../playback/playback.service';
import type { SegmentFile } from '../../playback/segment-file';
import { SightingRepository, toSighting } from '../../plates/sightings/sighting.repository';
import type { Sighting } from '../../plates/sightings/types';
import { withinOne } from '../../plates/search/fuzzy';
import { planQuery, type SearchMode } from '../../plates/search/pattern';
import type { Store } from '../../store/store';
import type { IndexedTrack, TrackFilter } from '../../search/model';
import { TrackIndexRepository } from '../../search/tracks.repository';
import { PeerAuthError, RequestVerifier, type RemoteIdentity } from './signing';

export type Share = FederationConfig['shares'][number];

/** A camera as the owner shows it to a peer: no stream URL, no credentials; the policy that applies. */
export interface SharedCamera {
  id: string;
  name: string;
  lat: number;
  lon: number;
  district: string;
  owner: string;
  status: string;
  policy: { live: boolean; playbackHours: number; retentionDays: number; analytics: boolean; roles: string[] };
}

export interface PeerTrackQuery {
  filter: TrackFilter;
  limit: number;
}

/** A track as the owner returns it to a peer: its best crop inline (data URL), as the peer cannot fetch it. */
export type SharedTrack = IndexedTrack & { crop: string | null };

export interface PeerPlateQuery {
  plate: string;
  mode?: SearchMode;
  fromMs?: number;
  toMs?: number;
  limit: number;
}

/**
 * The OWNING site's side of federation: every request from a peer is verified against the peer's pinned key
 * (refusals audited here), and the owner's own share policy decides what the peer's user may do; the caller's
 * claims count only as far as its site signed them (site, user, roles, case, purpose). Everything a remote user
 * sees or searches is audited here as `peer:<site>/<user>` with the remote case.
 */
export class PeerOwnerService {
  private readonly verifier: RequestVerifier;

  constructor(private readonly d: { siteId: string; config: FederationConfig; store: Store; audit: AuditAppender; live: LiveService; playback: PlaybackService; log: Logger; readCrop?: (rel: string, id: string) => Promise<Buffer> }) {
    this.verifier = new RequestVerifier(d.config.peers, d.config.clockWindowMs);
  }

  /** The signed identity of a peer request, or 401 (audited as federation.peer.refused). */
  async authenticate(headers: Record<string, string | string[] | undefined>, method: string, path: string, body: string, ip: string | null): Promise<RemoteIdentity> {
    try {
      return this.verifier.verify(headers, method, path, body);
    } catch (err) {
      if (err instanceof PeerAuthError) {
        const ctx: ActionContext = { principal: null, ip, systemActor: `peer:${err.claimedSite ?? 'unknown'}` };
        await this.record(ctx, { action: 'federation.peer.refused', outcome: 'denied', details: { reason: err.reason, claimedSite: err.claimedSite, method, path: path.split('?')[0] } });
        this.d.log.warn({ reason: err.reason, claimedSite: err.claimedSite, ip, path }, 'peer request refused');
      }
      throw err;
    }
  }

  /** The cameras shared with this peer that the remote user's roles may see. */
  async sharedCameras(id: RemoteIdentity, ip: string | null): Promise<SharedCamera[]> {
    const repo = new CameraRepository(this.d.store.db);
    const out: SharedCamera[] = [];
    for (const [cameraId, share] of this.sharesFor(id)) {
      const c = await repo.get(cameraId);
      if (!c) continue; // a share naming a camera that was removed: nothing to show
      out.push({
        id: c.id, name: c.name, lat: c.location.lat, lon: c.location.lon, district: c.location.district, owner: c.owner, status: c.status,
        policy: { live: share.live, playbackHours: share.playbackHours, retentionDays: share.retentionDays, analytics: share.analytics, roles: share.roles },
      });
    }
    await this.record(this.ctx(id, ip), { action: 'federation.remote.inventory', details: { ...this.who(id), cameras: out.length } });
    return out;
  }

  /** A live session for the remote user, when the share allows live (refusals audited here). */
  async openLive(id: RemoteIdentity, cameraId: string, ip: string | null): Promise<LiveSession> {
    const share = await this.require(id, cameraId, 'live', ip);
    const ctx = this.ctx(id, ip);
    await this.record(ctx, { action: 'federation.remote.live', targetType: 'camera', targetId: cameraId, cameraIds: [cameraId], details: { ...this.who(id), share: share.peer } });
    return this.d.live.open(ctx, cameraId, { stream: 'auto', transcode: false, unmask: false });
  }

  /** An HLS playlist of the camera's recordings when the share allows playback and the window is inside playbackHours. */
  async playlist(id: RemoteIdentity, cameraId: string, fromMs: number, toMs: number, ip: string | null): Promise<string> {
    await this.requireWindow(id, cameraId, fromMs, ip);
    const ctx = this.ctx(id, ip);
    await this.record(ctx, { action: 'federation.remote.playback', targetType: 'camera', targetId: cameraId, cameraIds: [cameraId], details: { ...this.who(id), fromMs, toMs } });
    return this.d.playback.playlist(ctx, cameraId, fromMs, toMs);
  }

  /** One segment of a shared camera inside the playback window (its playlist was audited). */
  async segment(id: RemoteIdentity, cameraId: string, segmentId: number, ip: string | null): Promise<SegmentFile> {
    const { segment, file } = await this.d.playback.segment(this.ctx(id, ip), segmentId);
    if (segment.cameraId !== cameraId) throw new NotFoundError('segment', String(segmentId));
    await this.requireWindow(id, cameraId, segment.startMs, ip);
    return file;
  }

  private async requireWindow(id: RemoteIdentity, cameraId: string, fromMs: number, ip: string | null): Promise<void> {
    const share = await this.require(id, cameraId, 'playback', ip);
    const earliest = Date.now() - share.playbackHours * 3_600_000;
    if (fromMs >= earliest) return;
    await this.record(this.ctx(id, ip), { action: 'federation.remote.playback', targetType: 'camera', targetId: cameraId, cameraIds: [cameraId], outcome: 'denied', details: { ...this.who(id), reason: 'outside_playback_window', fromMs, earliest } });
    throw new ForbiddenError('playback.view', `Site '${this.d.siteId}' lets site '${id.site}' play camera '${cameraId}' only ${share.playbackHours} h back (from ${new Date(earliest).toISOString()}): ask for a later window (refusal audited by the owner)`);
  }

  /** Plate sightings on the cameras whose share allows analytics, for the remote user (audited here). */
  async plateSearch(id: RemoteIdentity, q: PeerPlateQuery, ip: string | null): Promise<{ items: Sighting[]; cameras: number }> {
    const cameraIds = [...this.sharesFor(id)].filter(([, s]) => s.analytics).map(([c]) => c);
    const ctx = this.ctx(id, ip);
    if (!cameraIds.length) {
      await this.record(ctx, { action: 'federation.remote.plate.search', outcome: 'denied', details: { ...this.who(id), plate: q.plate, reason: 'no_shared_analytics' } });
      throw new ForbiddenError('search.run', `Site '${this.d.siteId}' shares no camera whose analytics site '${id.site}' may search (for your roles): ask the owner to allow analytics in its share`);
    }
    const plan = planQuery(q.plate, q.mode);
    const repo = new SightingRepository(this.d.store.db, this.d.store.engine);
    const fuzzyKeys = plan.mode === 'fuzzy' ? (await repo.keysForVariants(plan.variants)).filter((k) => withinOne(k, plan.key)) : undefined;
    const all = [{ organisations: null, districts: null }];
    const { rows } = await repo.search({ plan, fuzzyKeys, filter: { cameraIds, fromMs: q.fromMs, toMs: q.toMs } }, all, q.limit);
    await this.record(ctx, {
      action: 'federation.remote.plate.search', cameraIds: [...new Set(rows.map((r) => r.camera_id))].slice(0, 100),
      details: { ...this.who(id), plate: q.plate, mode: plan.mode, fromMs: q.fromMs ?? null, toMs: q.toMs ?? null, results: rows.length },
    });
    return { items: rows.map(toSighting), cameras: cameraIds.length };
  }

  /**
   * Forensic track search by description on the cameras whose share allows analytics, for the remote user: the
   * owner requires the remote case (as its own search does: no case, no search) and audits user, case and filter.
   */
  async trackSearch(id: RemoteIdentity, q: PeerTrackQuery, ip: string | null): Promise<{ items: SharedTrack[]; cameras: number }> {
    const shared = [...this.sharesFor(id)].filter(([, s]) => s.analytics).map(([c]) => c);
    const ctx = this.ctx(id, ip);
    const asked = { from: q.filter.from, to: q.filter.to, classes: q.filter.classes ?? null, cameras: q.filter.cameras ?? null };
    const deny = async (reason: string, message: string): Promise<never> => {
      await this.record(ctx, { action: 'federation.remote.track.search', outcome: 'denied', details: { ...this.who(id), filter: asked, reason } });
      throw new ForbiddenError('search.run', message);
    };
    if (!id.caseRef) await deny('no_case', `Site '${this.d.siteId}' runs forensic searches only inside a case: search from a case at site '${id.site}' (X-Case-Ref) (refusal audited by the owner)`);
    if (!shared.length) await deny('no_shared_analytics', `Site '${this.d.siteId}' shares no camera whose analytics site '${id.site}' may search (for your roles): ask the owner to allow analytics in its share`);
    const cameraIds = q.filter.cameras ? q.filter.cameras.filter((c) => shared.includes(c)) : shared;
    const repo = new TrackIndexRepository(this.d.store.db);
    const all = [{ organisations: null, districts: null }];
    const items = cameraIds.length ? (await repo.search({ ...q.filter, cameras: cameraIds }, all, q.limit)).items : [];
    const out: SharedTrack[] = [];
    for (const t of items) out.push({ ...t, crop: t.hasCrop ? await this.cropDataUrl(repo, t.id) : null });
    await this.record(ctx, {
      action: 'federation.remote.track.search', targetType: 'case', targetId: id.caseRef, cameraIds: [...new Set(items.map((t) => t.cameraId))].slice(0, 100),
      details: { ...this.who(id), filter: Object.fromEntries(Object.entries(q.filter).filter(([, v]) => v !== undefined)), results: items.length },
    });
    return { items: out, cameras: cameraIds.length };
  }

  private async cropDataUrl(repo: TrackIndexRepository, trackId: string): Promise<string | null> {
    const t = await repo.get(trackId, [{ organisations: null, districts: null }]);
    if (!t?.cropPath || !this.d.readCrop) return null;
    try {
      return `data:image/jpeg;base64,${(await this.d.readCrop(t.cropPath, trackId)).toString('base64')}`;
    } catch (err) {
      this.d.log.warn({ trackId, err: (err as Error).message }, 'crop of a shared track unreadable: sent without it');
      return null;
    }
  }

  /** The share that lets this remote user do `use` on the camera, or a 403 audited at the owner. */
  private async require(id: RemoteIdentity, cameraId: string, use: 'live' | 'playback', ip: string | null): Promise<Share> {
    const share = this.sharesFor(id).get(cameraId);
    const allowed = share && (use === 'live' ? share.live : share.playbackHours > 0);
    if (share && allowed) return share;
    const reason = share ? `${use}_not_shared` : 'camera_not_shared';
    await this.record(this.ctx(id, ip), { action: `federation.remote.${use}`, targetType: 'camera', targetId: cameraId, cameraIds: [cameraId], outcome: 'denied', details: { ...this.who(id), reason } });
    if (!share) throw new NotFoundError('shared camera', cameraId);
    throw new ForbiddenError(use === 'live' ? 'live.view' : 'playback.view', `Site '${this.d.siteId}' does not allow ${use} of camera '${cameraId}' to site '${id.site}': its share policy refuses it (refusal audited by the owner)`);
  }

  /** camera id → the first share to this peer that names it and admits one of the user's roles. */
  private sharesFor(id: RemoteIdentity): Map<string, Share> {
    const out = new Map<string, Share>();
    for (const s of this.d.config.shares) {
      if (s.peer !== id.site || !s.roles.some((r) => id.roles.includes(r))) continue;
      for (const c of s.cameras) if (!out.has(c)) out.set(c, s);
    }
    return out;
  }

  private who(id: RemoteIdentity): Record<string, unknown> {
    return { peer: id.site, remoteUser: id.user, remoteRoles: id.roles, remoteCase: id.caseRef ?? null, purpose: id.purpose ?? null };
  }

  /** The remote user as a principal limited to what a share can allow (the share decides before this is used). */
  private ctx(id: RemoteIdentity, ip: string | null): ActionContext {
    const principal: Principal = {
      userId: `peer:${id.site}:${id.user}`, username: `peer:${id.site}/${id.user}`, displayName: `${id.user} (site ${id.site})`,
      grants: [{ role: 'operator' as Role, organisations: null, districts: null }], via: 'token', permissionLimit: ['camera.read', 'live.view', 'playback.view'],
    };
    return { principal, ip, purpose: id.purpose ?? `federated request from site ${id.site}`, systemActor: `peer:${id.site}/${id.user}` };
  }

  private async record(ctx: ActionContext, entry: AuditEntryInput): Promise<void> {
    await this.d.audit.recordStandalone(ctx, entry);
  }
}
