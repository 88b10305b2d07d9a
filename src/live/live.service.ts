import { authorize } from '../auth/guard';
import type { Camera } from '../cameras/camera.model';
import { CameraRepository } from '../cameras/camera.repository';
import type { ActionContext, AuditAppender } from '../core/context';
import { NotFoundError } from '../core/errors';
import { enforceSharing } from '../playback/sharing';
import type { Store } from '../store/store';
import { CameraSources, liveOutputArgs, type StreamRole } from './camera-source';
import { LIVE_DEFAULTS, type LiveHub } from './live-hub';
import type { LiveViewer } from './live-stream';

export interface LiveOpenOptions {
  /** 'auto' = the sub-stream when the camera has one. */
  stream: 'auto' | StreamRole;
  /** Re-encode to H.264 (for H.265 cameras in browsers without HEVC). */
  transcode: boolean;
}

export interface LiveSession {
  cameraId: string;
  stream: StreamRole;
  transcoded: boolean;
  /** Joins the camera's shared stream; returns the function to leave. */
  attach(viewer: LiveViewer): () => void;
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
  ) {}

  async open(ctx: ActionContext, cameraId: string, o: LiveOpenOptions): Promise<LiveSession> {
    const scopes = authorize(ctx, 'live.view');
    const camera = await new CameraRepository(this.store.db).get(cameraId, scopes);
    if (!camera) throw new NotFoundError('camera', cameraId);
    const stream = CameraSources.pick(camera, o.stream);
    const details = { stream, transcode: o.transcode };
    await enforceSharing(this.store, this.audit, ctx, camera, 'live', 'live.view', details);
    await this.store.transaction((tx) => this.audit.record(tx, ctx, { action: 'live.view', targetType: 'camera', targetId: camera.id, cameraIds: [camera.id], details }));
    const spec = {
      key: `${camera.id}|${stream}|${o.transcode ? 'h264' : 'copy'}`,
      cameraId: camera.id,
      stream,
      transcoded: o.transcode,
      args: (patient: boolean) => this.args(camera, stream, o.transcode, patient),
    };
    return { cameraId: camera.id, stream, transcoded: o.transcode, attach: (viewer) => this.hub.attach(spec, viewer) };
  }

  /** Re-reads the camera at every ffmpeg (re)start, so a changed URL or password takes effect. */
  private async args(initial: Camera, stream: StreamRole, transcode: boolean, patient: boolean): Promise<string[]> {
    const camera = await new CameraRepository(this.store.db).get(initial.id);
    if (!camera) throw new NotFoundError('camera', initial.id); // deleted while watched
    return [...(await this.sources.inputArgs(camera, stream, patient)), ...liveOutputArgs({ fragmentMs: this.fragmentMs, transcode })];
  }
}
