import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { authorize } from '../auth/guard';
import { CameraRepository } from '../cameras/camera.repository';
import type { ActionContext, AuditAppender } from '../core/context';
import type { Camera } from '../cameras/camera.model';
import type { NodeSegmentFetcher } from '../cluster/segment-fetch';
import { errorMessage, NotFoundError, OperationalError } from '../core/errors';
import { redactUrl, type Logger } from '../core/logger';
import { runFfmpeg, spawnFfmpeg, type MediaTools } from '../media/ffmpeg';
import type { CameraSources } from '../live/camera-source';
import type { LiveHub } from '../live/live-hub';
import type { Store } from '../store/store';
import type { PrivacyGate } from '../privacy/mask.service';
import { SegmentRepository, type Segment } from '../record/segment.repository';
import type { SegmentSource } from '../storage-tiers/remote-segments';
import { PlaybackRepository } from './playback.repository';
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

  /** Cluster mode: recordings held by another recorder node are fetched from it and verified (src/cluster/segment-fetch.ts). */
  private nodeSegments?: NodeSegmentFetcher;

  useNodeSegments(fetcher: NodeSegmentFetcher): this {
    this.nodeSegments = fetcher;
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
    const { segment, file, node, cleanup } = await this.recordedFile(actx, camera, atMs);
    try {
      const offset = Math.max(0, (atMs - segment.startMs) / 1000).toFixed(3);
      // Output seeking (decode from the segment start, discard until the time): input seeking in
      // MPEG-TS can land past the last keyframe and yield nothing; segments are short (≤ 60 s).
      const { stdout } = await runFfmpeg(this.tools, ['-i', file, '-ss', offset, ...JPEG_OUT], { timeoutMs: TIMEOUT_MS, maxStdoutBytes: MAX_JPEG });
      if (stdout.length === 0) throw new OperationalError('snapshot_failed', `No frame could be decoded from segment ${segment.id} at +${offset}s`);
      await this.record(actx, 'playback.snapshot', camera.id, { atMs, segment: segment.id, ...(node ? { node } : {}) });
      return { jpeg: stdout, source: 'recording', atMs };
    } finally {
      await cleanup();
    }
  }

  /**
   * The file of the segment holding `atMs`: this node's own, or (cluster mode) a verified copy fetched from the
   * recorder node that holds it, with the same authorisation as the segment route (PlaybackService.segmentSource).
   */
  private async recordedFile(ctx: ActionContext, camera: Camera, atMs: number): Promise<{ segment: Segment; file: string; node?: string; cleanup: () => Promise<void> }> {
    const none = async () => {};
    const fetcher = this.nodeSegments;
    const [hit] = fetcher ? await new PlaybackRepository(this.store.db).segmentTimes(camera.id, atMs, atMs + 1, 1) : [];
    const seg = hit ? await new SegmentRepository(this.store.db).byId(hit.id) : undefined;
    if (!fetcher || !seg || !fetcher.isRemote(seg)) {
      const { segment, file } = await this.playback.segmentAt(ctx, camera, atMs);
      return { segment, file: file.path, cleanup: none };
    }
    await fetcher.checkHolders([seg]); // down: a 503 naming the node and the time range
    let source: SegmentSource;
    try {
      source = await this.playback.segmentSource(ctx, seg.id, undefined);
    } catch (err) {
      throw err instanceof OperationalError ? fetcher.explain(seg, err) : err;
    }
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sv-snap-seg-'));
    const cleanup = () => rm(dir, { recursive: true, force: true }).catch((err: unknown) => this.log.warn({ dir, err: errorMessage(err) }, 'could not remove a fetched segment'));
    try {
      return { segment: seg, file: await fetcher.save(seg, source, dir), node: seg.node, cleanup };
    } catch (err) {
      await cleanup();
      throw err;
    }
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
    await this.audit.recordStandalone(ctx, { action, targetType: 'camera', targetId: cameraId, cameraIds: [cameraId], details });
  }
}
