import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { SnapshotStore } from '../alerts/snapshot-store';
import { authorize } from '../auth/guard';
import type { Scope } from '../auth/permissions';
import type { Camera } from '../cameras/camera.model';
import { CameraRepository } from '../cameras/camera.repository';
import type { ActionContext, AuditAppender } from '../core/context';
import { NotFoundError, ValidationError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Clock } from '../core/time';
import type { RgbImage } from '../detect/types';
import { addEvent } from '../events/outbox';
import type { Db, Store } from '../store/store';
import { fitCountCalibration } from './calibration/count-fit';
import { buildGround } from './calibration/ground';
import type { CountResult } from './count';
import { CrowdRepository, type SampleRow } from './crowd.repository';
import type { CameraCrowdState } from './live/stage';
import { DEFAULT_CROWD_SETTINGS, checkSettings, type CountCalibration, type CrowdKind, type CrowdSample, type CrowdSettings, type CrowdSettingsInput } from './model';

export interface CrowdServiceDeps {
  store: Store;
  audit: AuditAppender;
  clock: Clock;
  log: Logger;
  /** Sample pictures: <dataDir>/crowd/samples/<camera>/<YYYY>/<MM>/<DD>/<sample>.jpg (pruned by whole days). */
  pictures: SnapshotStore;
  staleAfterMs: number;
  /** crowd.densityModel is set (kind 'density' needs it). */
  densityModel: boolean;
  /** The latest state of each camera whose crowd stage runs in this process. */
  board: ReadonlyMap<string, CameraCrowdState>;
  /** A JPEG of the camera now (at absent) or from its recording (audited by the snapshot service). */
  snapshot(ctx: ActionContext, cameraId: string, at?: number): Promise<{ jpeg: Buffer; atMs: number | null }>;
  decodeJpeg(file: string): Promise<RgbImage>;
  count(cameraId: string, kind: CrowdKind, frame: RgbImage): Promise<CountResult>;
  afterCommit?: () => void;
}

export interface LiveCamera extends Omit<CameraCrowdState, 'kind' | 'countMs'> {
  name: string;
  lat: number;
  lon: number;
  stale: boolean;
}

/**
 * Crowd settings, count-calibration samples, the live state and the time series, for the API. Reads need
 * crowd.read, changes crowd.manage, always on a camera inside the caller's scope (outside looks absent: 404).
 */
export class CrowdService {
  constructor(private readonly d: CrowdServiceDeps) {}

  async getSettings(ctx: ActionContext, cameraId: string): Promise<CrowdSettings> {
    const scopes = authorize(ctx, 'crowd.read');
    await this.camera(this.d.store.db, cameraId, scopes);
    const saved = await new CrowdRepository(this.d.store.db).settings(cameraId);
    return view(cameraId, saved?.settings ?? DEFAULT_CROWD_SETTINGS, saved?.countCalibration ?? null);
  }

  async putSettings(ctx: ActionContext, cameraId: string, input: CrowdSettingsInput): Promise<CrowdSettings> {
    const scopes = authorize(ctx, 'crowd.manage');
    checkSettings(input);
    if (input.kind === 'density' && !this.d.densityModel) {
      throw new ValidationError("kind: 'density' needs a density-map model, and none is configured (crowd.densityModel in the configuration); use 'detector' or 'auto'", { field: 'kind' });
    }
    // Bad calibration is refused here, with the per-point errors in the 400's details.
    const report = input.calibration ? buildGround(input.calibration).report : null;
    const now = this.d.clock.now();
    const countCalibration = await this.d.store.transaction(async (tx) => {
      const cam = await this.camera(tx, cameraId, scopes);
      const repo = new CrowdRepository(tx);
      await repo.putSettings(cameraId, input, now);
      await this.d.audit.record(tx, ctx, {
        action: 'crowd.settings_update', targetType: 'camera', targetId: cameraId, cameraIds: [cameraId],
        details: { enabled: input.enabled, kind: input.kind, fps: input.fps, zones: input.zones.length, lines: input.lines.length, calibration: input.calibration?.method ?? null, rmsErrorM: report?.rmsErrorM ?? null },
      });
      await addEvent(tx, 'crowd.settings_changed', { cameraId, owner: cam.owner, district: cam.location.district }, now);
      return (await repo.settings(cameraId))?.countCalibration ?? null;
    });
    this.d.afterCommit?.();
    return { ...view(cameraId, input, countCalibration), calibrationReport: report };
  }

  /** Grabs a frame (live, or from the recording at `at`), counts it, stores picture and count. */
  async takeSample(ctx: ActionContext, cameraId: string, at?: number): Promise<CrowdSample> {
    const scopes = authorize(ctx, 'crowd.manage');
    await this.camera(this.d.store.db, cameraId, scopes);
    const settings = (await new CrowdRepository(this.d.store.db).settings(cameraId))?.settings ?? DEFAULT_CROWD_SETTINGS;
    const snap = await this.d.snapshot(ctx, cameraId, at);
    const id = randomUUID();
    const now = this.d.clock.now();
    const rel = await this.d.pictures.write(cameraId, id, now, snap.jpeg);
    try {
      const frame = await this.d.decodeJpeg(path.join(this.d.pictures.root, rel));
      const r = await this.d.count(cameraId, settings.kind, frame);
      const row: SampleRow = {
        id, cameraId, at: snap.atMs ?? at ?? now, imagePath: rel, rawCount: round(r.count), points: r.points.map((p) => [round4(p.x), round4(p.y)]), heads: null,
        createdBy: ctx.principal?.userId ?? ctx.systemActor ?? 'system', createdAt: now,
      };
      await this.d.store.transaction(async (tx) => {
        await new CrowdRepository(tx).insertSample(row);
        await this.d.audit.record(tx, ctx, { action: 'crowd.sample_create', targetType: 'crowd_sample', targetId: id, cameraIds: [cameraId], details: { at: row.at, rawCount: row.rawCount, kind: r.kind } });
      });
      return toSample(row);
    } catch (err) {
      await this.d.pictures.remove(rel);
      throw err;
    }
  }

  async listSamples(ctx: ActionContext, cameraId: string): Promise<CrowdSample[]> {
    const scopes = authorize(ctx, 'crowd.read');
    await this.camera(this.d.store.db, cameraId, scopes);
    return (await new CrowdRepository(this.d.store.db).samples(cameraId)).map(toSample);
  }

  /** The sample's picture (footage: audited). */
  async sampleImage(ctx: ActionContext, sampleId: string): Promise<Buffer> {
    const scopes = authorize(ctx, 'crowd.read');
    const s = await this.sample(sampleId, scopes);
    const jpeg = await this.d.pictures.read(s.imagePath, sampleId);
    await this.d.audit.recordStandalone(ctx, { action: 'crowd.sample_view', targetType: 'crowd_sample', targetId: sampleId, cameraIds: [s.cameraId], details: { at: s.at } });
    return jpeg;
  }

  async markHeads(ctx: ActionContext, sampleId: string, heads: Array<[number, number]>): Promise<CrowdSample> {
    const scopes = authorize(ctx, 'crowd.manage');
    const s = await this.sample(sampleId, scopes);
    await this.d.store.transaction(async (tx) => {
      await new CrowdRepository(tx).setHeads(sampleId, heads);
      await this.d.audit.record(tx, ctx, { action: 'crowd.sample_mark', targetType: 'crowd_sample', targetId: sampleId, cameraIds: [s.cameraId], details: { heads: heads.length, rawCount: s.rawCount } });
    });
    return toSample({ ...s, heads });
  }

  /** Fits the camera's count correction from its marked samples and stores it (the live stage restarts with it). */
  async fitCountCalibration(ctx: ActionContext, cameraId: string): Promise<CountCalibration> {
    const scopes = authorize(ctx, 'crowd.manage');
    const now = this.d.clock.now();
    const cal = await this.d.store.transaction(async (tx) => {
      const cam = await this.camera(tx, cameraId, scopes);
      const repo = new CrowdRepository(tx);
      const marked = (await repo.samples(cameraId)).filter((s) => s.heads !== null);
      const fit = fitCountCalibration(marked.map((s) => ({ raw: s.rawCount, truth: s.heads!.length })));
      await repo.putCountCalibration(cameraId, fit, now);
      await this.d.audit.record(tx, ctx, { action: 'crowd.count_calibration', targetType: 'camera', targetId: cameraId, cameraIds: [cameraId], details: { ...fit } });
      await addEvent(tx, 'crowd.settings_changed', { cameraId, owner: cam.owner, district: cam.location.district }, now);
      return fit;
    });
    this.d.afterCommit?.();
    return cal;
  }

  /** The latest crowd state of the cameras asked for (default: every camera in scope with crowd analytics on). */
  async live(ctx: ActionContext, cameraIds?: string[]): Promise<{ at: number; cameras: LiveCamera[] }> {
    const scopes = authorize(ctx, 'crowd.read');
    const db = this.d.store.db;
    const repo = new CrowdRepository(db);
    const ids = cameraIds?.length ? [...new Set(cameraIds)].slice(0, 500) : await repo.enabledCameras();
    const cams = (await Promise.all(ids.map((id) => new CameraRepository(db).get(id, scopes)))).filter((c): c is Camera => c !== undefined);
    const now = this.d.clock.now();
    const missing = cams.filter((c) => !this.d.board.has(c.id)).map((c) => c.id);
    const stored = await repo.latest(missing);
    const cameras = cams.map((c): LiveCamera => {
      const base = { cameraId: c.id, name: c.name, lat: c.location.lat, lon: c.location.lon };
      const s = this.d.board.get(c.id);
      if (s) {
        const { kind: _k, countMs: _m, ...rest } = s;
        return { ...rest, ...base, stale: now - s.at > this.d.staleAfterMs };
      }
      // Not run in this process (another analytics node, or off): the newest stored bucket, coarser and marked stale when old.
      const row = stored.get(c.id);
      return {
        ...base, at: row?.at ?? 0, count: row?.countAvg ?? 0, corrected: row?.correctedMax ?? null, level: (row?.level as LiveCamera['level']) ?? 'normal',
        zones: row ? Object.entries(row.zones).map(([id, z]) => ({ id, name: z.name, count: z.countMax, areaM2: null, densityPerM2: z.densityMax, level: 'normal' as const, dominantDirection: null, groundPolygon: null })) : [],
        lines: [], heat: null, footprint: null, stale: !row || now - row.at > this.d.staleAfterMs + 60_000,
      };
    });
    return { at: now, cameras };
  }

  async series(ctx: ActionContext, cameraId: string, fromMs: number, toMs: number, bucketMs: number) {
    const scopes = authorize(ctx, 'crowd.read');
    if (!(toMs > fromMs)) throw new ValidationError('toMs must be after fromMs', { field: 'toMs' });
    if ((toMs - fromMs) / bucketMs > 10_000) throw new ValidationError(`at most 10000 buckets: use a bucketMs of at least ${Math.ceil((toMs - fromMs) / 10_000)}`, { field: 'bucketMs' });
    await this.camera(this.d.store.db, cameraId, scopes);
    const rows = await new CrowdRepository(this.d.store.db).buckets(cameraId, fromMs, toMs, bucketMs);
    const perMin = 60_000 / bucketMs;
    return { points: rows.map((r) => ({ at: r.at, count: r.countMax, densityPerM2: r.densityMax, inPerMin: round(r.crossedIn * perMin), outPerMin: round(r.crossedOut * perMin) })) };
  }

  /** Deletes series rows and samples past their retention (scheduler, hourly). */
  async prune(seriesDays: number, sampleDays: number): Promise<{ series: number; samples: number }> {
    const now = this.d.clock.now();
    const repo = new CrowdRepository(this.d.store.db);
    const series = await repo.deleteSeriesBefore(now - seriesDays * 86_400_000);
    const cutoff = now - sampleDays * 86_400_000;
    const rows = await repo.deleteSamplesBefore(cutoff);
    // Rows first (the API stops offering them), then whole day directories of pictures (orphans included).
    const days = await this.d.pictures.pruneBefore(cutoff);
    if (series || rows.length || days) this.d.log.info({ series, samples: rows.length, pictureDays: days }, 'crowd data past its retention deleted');
    return { series, samples: rows.length };
  }

  private async sample(id: string, scopes: Scope[]): Promise<SampleRow> {
    const s = await new CrowdRepository(this.d.store.db).sample(id);
    if (!s || !(await new CameraRepository(this.d.store.db).get(s.cameraId, scopes))) throw new NotFoundError('crowd sample', id);
    return s;
  }

  private async camera(db: Db, cameraId: string, scopes: Scope[]): Promise<Camera> {
    const cam = await new CameraRepository(db).get(cameraId, scopes);
    if (!cam) throw new NotFoundError('camera', cameraId);
    return cam;
  }
}

function view(cameraId: string, s: CrowdSettingsInput, countCalibration: CountCalibration | null): CrowdSettings {
  let report: CrowdSettings['calibrationReport'] = null;
  if (s.calibration) report = buildGround(s.calibration).report;
  return { ...s, cameraId, calibrationReport: report, countCalibration };
}

function toSample(s: SampleRow): CrowdSample {
  return { id: s.id, cameraId: s.cameraId, at: s.at, imageUrl: `/api/crowd/samples/${s.id}/image`, rawCount: s.rawCount, points: s.points, heads: s.heads };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
