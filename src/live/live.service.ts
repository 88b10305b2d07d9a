import { AccessPolicy } from '../access/policy';
import { authorize } from '../auth/guard';
import { ROLE_PERMISSIONS } from '../auth/permissions';
import type { Camera } from '../cameras/camera.model';
import { CameraRepository } from '../cameras/camera.repository';
import type { ActionContext, AuditAppender } from '../core/context';
import { NotFoundError } from '../core/errors';
import { enforceSharing } from '../playback/sharing';
import { maskedLiveOutputArgs } from '../media/privacy-filters';
import type { PrivacyGate } from '../privacy/mask.service';
import type { MaskDecision } from '../privacy/privacy.model';
import type { Store } from '../store/store';
import { CameraSources, liveOutputArgs, type StreamRole } from './camera-source';
import { LIVE_DEFAULTS, type LiveHub } from './live-hub';
import type { LiveViewer } from './live-stream';

export interface LiveOpenOptions {
  /** 'auto' = the sub-stream when the camera has one. */
  stream: 'auto' | StreamRole;
  /** Re-encode to H.264 (for H.265 cameras in browsers without HEVC). */
  transcode: boolean;
  /** Lift the camera's privacy masks (needs privacy.unmask; audited as unmasked). */
  unmask?: boolean;
}

export interface LiveSession {
  cameraId: string;
  stream: StreamRole;
  transcoded: boolean;
  /** Joins the camera's shared stream; returns the function to leave. */
  attach(viewer: LiveViewer): () => void;
  /** When the last grant that allows this live view expires (UTC ms; null = never): the session ends then. */
  validUntil: number | null;
}

/**
 * Live view: authorises (live.view, scope → 404, owner's sharing policy → 403), records ONE
 * audit entry per viewing session ('live.view' with camera, stream and purpose), and hands out
 * a session that joins the camera's shared stream in the hub.
 */
export class LiveService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditAppender,
    private readonly sources: CameraSources,
    private readonly hub: LiveHub,
    private readonly fragmentMs = LIVE_DEFAULTS.fragmentMs,
    /** The purpose-bound access policy (src/access); default: the default policy table. */
    private readonly access = new AccessPolicy({ store, audit }),
  ) {}

  /** Privacy masks (src/privacy): a camera with masks is sent as ONE shared masked re-encode per camera. */
  private privacy?: PrivacyGate;

  usePrivacy(gate: PrivacyGate): this {
    this.privacy = gate;
    return this;
  }

  async open(ctx: ActionContext, cameraId: string, o: LiveOpenOptions): Promise<LiveSession> {
    const scopes = authorize(ctx, 'live.view');
    const camera = await new CameraRepository(this.store.db).get(cameraId, scopes);
    if (!camera) throw new NotFoundError('camera', cameraId);
    const stream = CameraSources.pick(camera, o.stream);
    const details: Record<string, unknown> = { stream, transcode: o.transcode };
    let mask: MaskDecision | undefined;
    try {
      mask = await this.privacy?.decide(ctx, camera.id, o.unmask === true);
    } catch (err) {
      await this.audit.recordStandalone(ctx, { action: 'live.view', targetType: 'camera', targetId: camera.id, cameraIds: [camera.id], outcome: 'denied', details: { ...details, reason: 'unmask_not_allowed' } });
      throw err;
    }
    if (mask?.masked) details.privacy = 'masked';
    if (mask?.unmasked) details.privacy = 'unmasked';
    const actx = await this.access.require(ctx, 'live', { action: 'live.view', cameras: [camera], details });
    await enforceSharing(this.store, this.audit, actx, camera, 'live', 'live.view', details);
    await this.audit.recordStandalone(actx, { action: 'live.view', targetType: 'camera', targetId: camera.id, cameraIds: [camera.id], details });
    const masked = mask?.masked ? mask : undefined;
    const spec = {
      key: masked ? `${camera.id}|${stream}|masked|v${masked.version}` : `${camera.id}|${stream}|${o.transcode ? 'h264' : 'copy'}`,
      cameraId: camera.id,
      stream,
      transcoded: o.transcode || masked !== undefined,
      args: (patient: boolean) => (masked ? this.maskedArgs(camera, stream, masked, patient) : this.args(camera, stream, o.transcode, patient)),
    };
    return { cameraId: camera.id, stream, transcoded: spec.transcoded, attach: (viewer) => this.hub.attach(spec, viewer), validUntil: grantsValidUntil(ctx) };
  }

  /** The shared masked variant: decoded, masked (drawbox fill) and re-encoded (see src/media/privacy-filters.ts). */
  private async maskedArgs(initial: Camera, stream: StreamRole, d: MaskDecision, patient: boolean): Promise<string[]> {
    const camera = await new CameraRepository(this.store.db).get(initial.id);
    if (!camera) throw new NotFoundError('camera', initial.id);
    const gate = this.privacy!;
    const enc = gate.encoder();
    return [...(await this.sources.inputArgs(camera, stream, patient)), ...maskedLiveOutputArgs({ fragmentMs: this.fragmentMs, filter: gate.filter(d), maxHeight: enc.liveMaxHeight, encoder: enc })];
  }

  /** Re-reads the camera at every ffmpeg (re)start, so a changed URL or password takes effect. */
  private async args(initial: Camera, stream: StreamRole, transcode: boolean, patient: boolean): Promise<string[]> {
    const camera = await new CameraRepository(this.store.db).get(initial.id);
    if (!camera) throw new NotFoundError('camera', initial.id); // deleted while watched
    return [...(await this.sources.inputArgs(camera, stream, patient)), ...liveOutputArgs({ fragmentMs: this.fragmentMs, transcode })];
  }
}

/** The latest expiry among the caller's grants that hold live.view (null = one never expires, or the system). */
function grantsValidUntil(ctx: ActionContext): number | null {
  if (!ctx.principal) return null;
  const ends = ctx.principal.grants.filter((g) => ROLE_PERMISSIONS[g.role]?.has('live.view')).map((g) => g.expiresAt ?? null);
  return ends.length === 0 || ends.includes(null) ? null : Math.max(...(ends as number[]));
}
