import { AccessPolicy } from '../access/policy';
import { authorize } from '../auth/guard';
import { can } from '../auth/permissions';
import type { Camera } from '../cameras/camera.model';
import { CameraRepository } from '../cameras/camera.repository';
import type { ActionContext, AuditAppender } from '../core/context';
import { ForbiddenError, NotFoundError, UserError, ValidationError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Clock } from '../core/time';
import { SegmentRepository, type Segment } from '../record/segment.repository';
import type { Store } from '../store/store';
import type { PrivacyGate } from '../privacy/mask.service';
import { PlaybackRepository } from './playback.repository';
import { buildVodPlaylist } from './playlist';
import { segmentFile, type SegmentFile } from './segment-file';
import type { SegmentPeers, SegmentSource } from '../storage-tiers/remote-segments';
import { enforceSharing, sharingAllows, SharingRefusedError } from './sharing';
import { coveredMs, mergeRanges, type TimeRange } from './timeline';

const HOUR = 3_600_000;
export const PLAYBACK_LIMITS = {
  /** Longest window of one timeline request. */
  timelineMaxMs: 7 * 24 * HOUR,
  /** Longest window of one playlist (a day of 10 s segments is 8,640 entries). */
  playlistMaxMs: 24 * HOUR,
  maxSegments: 20_000,
};

export interface Timeline {
  cameraId: string;
  fromMs: number;
  toMs: number;
  /** False when the owner's sharing policy refuses you playback (the timeline itself is metadata). */
  playbackAllowed: boolean;
  ranges: TimeRange[];
  /** Gaps clipped to the window; an open gap ends at min(now, to). */
  gaps: Array<{ startMs: number; endMs: number; reason: string; open: boolean }>;
  /** Recorded share of the window, 0…1. */
  coverage: number;
  /** Reserved for analytics events on the timeline (later issues). */
  events: unknown[];
}

export function segmentUri(id: number): string {
  return `/api/playback/segments/${id}`;
}

/** A segment with the camera's privacy masks burned in (transcoded on demand by src/privacy). */
export function maskedSegmentUri(id: number, version: number): string {
  return `/api/privacy/segments/${id}?v=${version}`;
}

/**
 * Playback of recordings: timelines, HLS VOD playlists and the segment files behind them.
 * Needs playback.view in scope (out of scope = 404) and the owner's sharing policy (403). ONE audit
 * record per playlist ('playback.view' with camera, range and purpose) — not one per segment.
 */
export class PlaybackService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditAppender,
    private readonly roots: Map<string, string>,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** The purpose-bound access policy (src/access); default: the default policy table. */
    readonly access = new AccessPolicy({ store, audit, clock, log }),
  ) {}

  /** Privacy masks (src/privacy): masked cameras get playlists of masked segments unless unmasked. */
  private privacy?: PrivacyGate;

  usePrivacy(gate: PrivacyGate): this {
    this.privacy = gate;
    return this;
  }

  async timeline(ctx: ActionContext, cameraId: string, fromMs: number, toMs: number): Promise<Timeline> {
    checkWindow(fromMs, toMs, PLAYBACK_LIMITS.timelineMaxMs);
    const camera = await this.camera(ctx, cameraId);
    const repo = new PlaybackRepository(this.store.db);
    const segs = await repo.segmentTimes(camera.id, fromMs, toMs, 200_000);
    const ranges = mergeRanges(segs, fromMs, toMs);
    const now = this.clock.now();
    const gaps = (await repo.gaps(camera.id, fromMs, toMs)).map((g) => ({
      startMs: Math.max(g.startMs, fromMs),
      endMs: Math.min(g.endMs ?? Math.max(now, g.startMs), toMs),
      reason: g.reason,
      open: g.endMs === null,
    }));
    return {
      cameraId: camera.id,
      fromMs,
      toMs,
      playbackAllowed: sharingAllows(ctx.principal, camera, 'playback'),
      ranges,
      gaps: gaps.filter((g) => g.endMs > g.startMs),
      coverage: Math.round((coveredMs(ranges) / (toMs - fromMs)) * 10_000) / 10_000,
      events: [],
    };
  }

  /** The HLS VOD playlist over [fromMs, toMs); audited once. */
  async playlist(ctx: ActionContext, cameraId: string, fromMs: number, toMs: number, unmask = false): Promise<string> {
    checkWindow(fromMs, toMs, PLAYBACK_LIMITS.playlistMaxMs);
    const camera = await this.camera(ctx, cameraId);
    const details: Record<string, unknown> = { fromMs, toMs };
    let mask: Awaited<ReturnType<PrivacyGate['decide']>> | undefined;
    try {
      mask = await this.privacy?.decide(ctx, camera.id, unmask);
    } catch (err) {
      await this.audit.recordStandalone(ctx, { action: 'playback.view', targetType: 'camera', targetId: camera.id, cameraIds: [camera.id], outcome: 'denied', details: { ...details, reason: 'unmask_not_allowed' } });
      throw err;
    }
    if (mask?.masked) details.privacy = 'masked';
    if (mask?.unmasked) details.privacy = 'unmasked';
    const actx = await this.access.require(ctx, 'playback', { action: 'playback.view', cameras: [camera], details });
    await enforceSharing(this.store, this.audit, actx, camera, 'playback', 'playback.view', details);
    const repo = new PlaybackRepository(this.store.db);
    const segs = await repo.segmentTimes(camera.id, fromMs, toMs, PLAYBACK_LIMITS.maxSegments);
    if (segs.length === 0) {
      throw new UserError('no_recordings', `Camera '${camera.id}' has no recordings between ${new Date(fromMs).toISOString()} and ${new Date(toMs).toISOString()}`, { cameraId: camera.id, fromMs, toMs }, 404);
    }
    const gaps = await repo.gaps(camera.id, fromMs, toMs);
    const text = buildVodPlaylist(segs, { fromMs, gaps, uri: (s) => (mask?.masked ? maskedSegmentUri(s.id, mask.version) : segmentUri(s.id)) });
    await this.store.transaction((tx) =>
      this.audit.record(tx, actx, { action: 'playback.view', targetType: 'camera', targetId: camera.id, cameraIds: [camera.id], details: { ...details, segments: segs.length } }),
    );
    return text;
  }

  /** Segments held by other nodes of a cluster (src/storage-tiers/remote-segments.ts). */
  private peers?: SegmentPeers;

  usePeers(peers: SegmentPeers): this {
    this.peers = peers;
    return this;
  }

  /** A segment's file, for the segment route (authorised per request, not audited: its playlist was). */
  async segment(ctx: ActionContext, segmentId: number, o: { willMask?: boolean } = {}): Promise<{ segment: Segment; file: SegmentFile }> {
    const seg = await this.allowedSegment(ctx, segmentId, o);
    return { segment: seg, file: segmentFile(this.roots, seg, this.log) };
  }

  /** The segment route's source: the local file, or the response of the cluster node that holds it (same checks as segment()). */
  async segmentSource(ctx: ActionContext, segmentId: number, range: string | undefined): Promise<SegmentSource> {
    const seg = await this.allowedSegment(ctx, segmentId, {});
    if (this.peers) return this.peers.open(seg, range);
    return { kind: 'local', segment: seg, file: segmentFile(this.roots, seg, this.log) };
  }

  private async allowedSegment(ctx: ActionContext, segmentId: number, o: { willMask?: boolean }): Promise<Segment> {
    const scopes = authorize(ctx, 'playback.view');
    const seg = await new SegmentRepository(this.store.db).byId(segmentId);
    if (!seg || seg.status === 'corrupt') throw new NotFoundError('segment', String(segmentId));
    const camera = await new CameraRepository(this.store.db).get(seg.cameraId, scopes);
    if (!camera) throw new NotFoundError('segment', String(segmentId)); // out of scope looks absent
    if (!sharingAllows(ctx.principal, camera, 'playback')) throw new SharingRefusedError('playback', camera);
    if (this.privacy && !o.willMask) {
      const d = await this.privacy.decide(ctx, camera.id, false);
      if (d.masked && ctx.principal && !can(ctx.principal, 'privacy.unmask')) {
        throw new ForbiddenError('privacy.unmask', `Camera '${camera.id}' has privacy masks and your role does not grant 'privacy.unmask': play the masked playlist (its segments are /api/privacy/segments/${segmentId})`);
      }
    }
    return seg;
  }

  /** The segment holding wall-clock time `atMs` (for snapshots), after the same checks as a playlist. */
  async segmentAt(ctx: ActionContext, camera: Camera, atMs: number): Promise<{ segment: Segment; file: SegmentFile }> {
    const [hit] = await new PlaybackRepository(this.store.db).segmentTimes(camera.id, atMs, atMs + 1, 1);
    if (!hit) throw new UserError('no_recordings', `Camera '${camera.id}' has no recording at ${new Date(atMs).toISOString()}`, { cameraId: camera.id, atMs }, 404);
    return this.segment(ctx, hit.id);
  }

  /** The camera if `ctx` may play it back (playback.view in scope), else 404. */
  async camera(ctx: ActionContext, cameraId: string): Promise<Camera> {
    const scopes = authorize(ctx, 'playback.view');
    const camera = await new CameraRepository(this.store.db).get(cameraId, scopes);
    if (!camera) throw new NotFoundError('camera', cameraId);
    return camera;
  }
}

function checkWindow(fromMs: number, toMs: number, maxMs: number): void {
  if (!(toMs > fromMs)) throw new ValidationError('to must be after from (both integer UTC ms)', { fromMs, toMs });
  if (toMs - fromMs > maxMs) throw new ValidationError(`the window is too long: at most ${Math.round(maxMs / HOUR)} hours per request`, { fromMs, toMs, maxMs });
}
