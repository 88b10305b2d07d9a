import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { authorize } from '../auth/guard';
import { can } from '../auth/permissions';
import { CameraRepository } from '../cameras/camera.repository';
import type { ActionContext, AuditAppender } from '../core/context';
import { ForbiddenError, NotFoundError } from '../core/errors';
import type { Clock } from '../core/time';
import { runFfmpeg, type MediaTools } from '../media/ffmpeg';
import { maskedJpegArgs, maskFilter, type EncoderSettings } from '../media/privacy-filters';
import type { Store } from '../store/store';
import type { CameraMasks, MaskDecision, Polygon } from './privacy.model';
import { PrivacyRepository } from './privacy.repository';
import { rasterise } from './raster';

export interface MaskSettings {
  fillColor: string;
  grid: { columns: number; rows: number };
  encoder: EncoderSettings & { liveMaxHeight: number };
}

/**
 * What the rooms that show footage (live, playback, snapshots, evidence) ask of privacy: how THIS principal
 * must see THIS camera. Masks apply by default to everyone; lifting them (`unmask`) needs privacy.unmask and
 * the caller audits the view as unmasked.
 */
export interface PrivacyGate {
  /** `unmask`: the caller asks to lift the masks (refused with 403 without privacy.unmask, when there are masks). */
  decide(ctx: ActionContext, cameraId: string, unmask?: boolean): Promise<MaskDecision>;
  /** The ffmpeg drawbox chain for a masked decision. */
  filter(d: MaskDecision): string;
  encoder(): MaskSettings['encoder'];
  /** A JPEG with the masks burned in. */
  maskJpeg(jpeg: Buffer, d: MaskDecision): Promise<Buffer>;
}

/** Per-camera privacy masks: stored polygons (privacy.manage, audited) and the gate the footage rooms ask. */
export class MaskService implements PrivacyGate {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditAppender,
    private readonly clock: Clock,
    private readonly tools: MediaTools,
    private readonly settings: MaskSettings,
  ) {}

  async get(ctx: ActionContext, cameraId: string): Promise<CameraMasks> {
    const scopes = authorize(ctx, 'privacy.manage');
    const camera = await new CameraRepository(this.store.db).get(cameraId, scopes);
    if (!camera) throw new NotFoundError('camera', cameraId);
    return new PrivacyRepository(this.store.db).masks(camera.id);
  }

  async put(ctx: ActionContext, cameraId: string, polygons: Polygon[]): Promise<CameraMasks> {
    const scopes = authorize(ctx, 'privacy.manage');
    const camera = await new CameraRepository(this.store.db).get(cameraId, scopes);
    if (!camera) throw new NotFoundError('camera', cameraId);
    const by = ctx.principal?.userId ?? ctx.systemActor ?? 'system';
    const at = this.clock.now();
    await this.store.transaction(async (tx) => {
      const repo = new PrivacyRepository(tx);
      const before = await repo.masks(camera.id);
      const version = await repo.putMasks(camera.id, polygons, by, at);
      await this.audit.record(tx, ctx, {
        action: 'privacy.masks.update', targetType: 'camera', targetId: camera.id, cameraIds: [camera.id],
        details: { before: before.polygons.length, after: polygons.length, version, labels: polygons.map((p) => p.label) },
      });
    });
    return new PrivacyRepository(this.store.db).masks(camera.id);
  }

  async decide(ctx: ActionContext, cameraId: string, unmask = false): Promise<MaskDecision> {
    const m = await new PrivacyRepository(this.store.db).masks(cameraId);
    const has = m.polygons.length > 0;
    const mayUnmask = !ctx.principal || can(ctx.principal, 'privacy.unmask');
    if (has && unmask && !mayUnmask) {
      throw new ForbiddenError('privacy.unmask', `Camera '${cameraId}' has privacy masks and your role does not grant 'privacy.unmask': watch it without unmask (masked), or ask a supervisor`);
    }
    const lifted = has && unmask && mayUnmask;
    return { cameraId, masked: has && !lifted, unmasked: lifted, polygons: m.polygons, version: m.version };
  }

  /** For exports: masked unless the principal holds privacy.unmask (an export cannot ask for more than its holder may see). */
  async decideForExport(ctx: ActionContext, cameraId: string): Promise<MaskDecision> {
    const mayUnmask = !ctx.principal || can(ctx.principal, 'privacy.unmask');
    return this.decide(ctx, cameraId, mayUnmask);
  }

  filter(d: MaskDecision): string {
    const { columns, rows } = this.settings.grid;
    return maskFilter(rasterise(d.polygons, columns, rows), columns, rows, this.settings.fillColor);
  }

  encoder(): MaskSettings['encoder'] {
    return this.settings.encoder;
  }

  async maskJpeg(jpeg: Buffer, d: MaskDecision): Promise<Buffer> {
    if (!d.masked) return jpeg;
    const dir = path.join(os.tmpdir(), `smartview-mask-${randomBytes(6).toString('hex')}`);
    await mkdir(dir, { recursive: true });
    try {
      const file = path.join(dir, 'in.jpg');
      await writeFile(file, jpeg);
      return (await runFfmpeg(this.tools, maskedJpegArgs(file, this.filter(d)), { timeoutMs: 15_000, maxStdoutBytes: 16 << 20 })).stdout;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
