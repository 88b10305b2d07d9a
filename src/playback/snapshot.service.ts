import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { authorize } from '../auth/guard';
import { CameraRepository } from '../cameras/camera.repository';
import type { ActionContext, AuditAppender } from '../core/context';
import { NotFoundError, OperationalError } from '../core/errors';
import { redactUrl, type Logger } from '../core/logger';
import { runFfmpeg, spawnFfmpeg, type MediaTools } from '../media/ffmpeg';
import type { CameraSources } from '../live/camera-source';
import type { LiveHub } from '../live/live-hub';
import type { Store } from '../store/store';
import type { PrivacyGate } from '../privacy/mask.service';
import type { PlaybackService } from './playback.service';
import { enforceSharing } from './sharing';

const TIMEOUT_MS = 15_000;
const MAX_JPEG = 16 * 1024 * 1024;
const JPEG_OUT = ['-an', '-frames:v', '1', '-f', 'image2', '-c:v', 'mjpeg', '-q:v', '3', 'pipe:1'];

export interface Snapshot {
  jpeg: Buffer;
  /** Where the frame came from. */
  source: 'recording' | 'live' | 'camera';
  /** Wall-clock time of the frame when known (recordings). */
  atMs: number | null;
}

/**
 * JPEG frames: from recordings at a wall-clock time (ffmpeg seeks into the segment holding it), or
 * the current frame — from the live stream's GOP cache when a live view runs, else by opening the
 * source briefly. Each snapshot is audited ('playback.snapshot' / 'live.snapshot').
 */
export class SnapshotService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditAppender,
    private readonly playback: PlaybackService,
    private readonly hub: LiveHub,
    private readonly sources: CameraSources,
    private readonly tools: MediaTools,
    private readonly log: Logger,
  ) {}

  /** Privacy masks (src/privacy): snapshots of a masked camera have the masks burned in. */
  private privacy?: PrivacyGate;

  usePrivacy(gate: PrivacyGate): this {
    this.privacy = gate;
    return this;
  }

  async snapshot(ctx: ActionContext, cameraId: string, atMs?: number): Promise<Snapshot> {
    const shot = atMs === undefined ? await this.current(ctx, cameraId) : await this.recorded(ctx, cameraId, atMs);
    const d = await this.privacy?.decide(ctx, cameraId, false);
    return d?.masked ? { ...shot, jpeg: await this.privacy!.maskJpeg(shot.jpeg, d) } : shot;
  }

  private async recorded(ctx: ActionContext, cameraId: string, atMs: number): Promise<Snapshot> {
    const camera = await this.playback.camera(ctx, cameraId);
    const actx = await this.playback.access.require(ctx, 'playback', { action: 'playback.snapshot', cameras: [camera], details: { atMs } });
    await enforceSharing(this.store, this.audit, actx, camera, 'playback', 'playback.snapshot', { atMs });
    const { segment, file } = await this.playback.segmentAt(actx, camera, atMs);
    const offset = Math.max(0, (atMs - segment.startMs) / 1000).toFixed(3);
    // Output seeking (decode from the segment start, discard until the time): input seeking in
    // MPEG-TS can land past the last keyframe and yield nothing; segments are short (≤ 60 s).
    const { stdout } = await runFfmpeg(this.tools, ['-i', file.path, '-ss', offset, ...JPEG_OUT], { timeoutMs: TIMEOUT_MS, maxStdoutBytes: MAX_JPEG });
    if (stdout.length === 0) throw new OperationalError('snapshot_failed', `No frame could be decoded from segment ${segment.id} at +${offset}s`);
    await this.record(actx, 'playback.snapshot', camera.id, { atMs, segment: segment.id });
    return { jpeg: stdout, source: 'recording', atMs };
  }

  private async current(ctx: ActionContext, cameraId: string): Promise<Snapshot> {
    const scopes = authorize(ctx, 'live.view');
    const camera = await new CameraRepository(this.store.db).get(cameraId, scopes);
    if (!camera) throw new NotFoundError('camera', cameraId);
    const actx = await this.playback.access.require(ctx, 'live', { action: 'live.snapshot', cameras: [camera] });
    await enforceSharing(this.store, this.audit, actx, camera, 'live', 'live.snapshot', {});
    const live = this.hub.current(camera.id);
    let jpeg: Buffer;
    let source: Snapshot['source'];
    if (live) {
      jpeg = await this.lastFrame(Buffer.concat([live.init, ...live.fragments]), live.framesBeforeLast);
      source = 'live';
    } else {
      const input = await this.sources.inputArgs(camera, 'main');
      jpeg = (await runFfmpeg(this.tools, [...input, ...JPEG_OUT], { timeoutMs: TIMEOUT_MS, maxStdoutBytes: MAX_JPEG })).stdout;
      source = 'camera';
    }
    if (jpeg.length === 0) throw new OperationalError('snapshot_failed', `The camera '${camera.id}' gave no frame`);
    await this.record(actx, 'live.snapshot', camera.id, { source });
    return { jpeg, source, atMs: null };
  }

  /** Decodes an fMP4 GOP fed on stdin and keeps only its last frame (`-update 1` rewrites one file). */
  private async lastFrame(mp4: Buffer, skipFrames: number): Promise<Buffer> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-snap-'));
    const out = path.join(dir, 'frame.jpg');
    try {
      const args = ['-loglevel', 'error', '-f', 'mp4', '-i', 'pipe:0', '-an', '-vf', `select=gte(n\\,${skipFrames})`, '-fps_mode', 'passthrough', '-update', '1', '-q:v', '3', '-y', out];
      const child = spawnFfmpeg(this.tools, args, { stdin: 'pipe', log: this.log });
      const done = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
        child.on('error', (err) => reject(new OperationalError('media_tool_missing', `Cannot run ffmpeg: ${err.message}`, { cause: err })));
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          if (code === 0) resolve();
          else reject(new OperationalError('snapshot_failed', `ffmpeg could not decode the live picture (${signal ?? `exit ${code}`})`));
        });
      });
      child.stdin!.on('error', (err) => this.log.debug({ err: redactUrl(err.message) }, 'snapshot stdin closed early'));
      child.stdin!.end(mp4);
      await done;
      return readFileSync(out);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  private async record(ctx: ActionContext, action: string, cameraId: string, details: Record<string, unknown>): Promise<void> {
    await this.store.transaction((tx) => this.audit.record(tx, ctx, { action, targetType: 'camera', targetId: cameraId, cameraIds: [cameraId], details }));
  }
}
