import { createHash, randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { AccessPolicy } from '../access/policy';
import { authorize } from '../auth/guard';
import { isUnrestricted, type Scope } from '../auth/permissions';
import type { Camera } from '../cameras/camera.model';
import { CameraRepository } from '../cameras/camera.repository';
import type { ActionContext, AuditAppender, AuditEntryInput } from '../core/context';
import { errorMessage, isAppError, NotFoundError, OperationalError, UserError, ValidationError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Clock } from '../core/time';
import { runFfmpeg, type MediaTools } from '../media/ffmpeg';
import { OrganisationRepository } from '../organisations/organisation.repository';
import { resolveUnder } from '../record/layout';
import { SegmentRepository, type Segment } from '../record/segment.repository';
import type { Store } from '../store/store';
import { buildBundle, type BundleSigner } from './bundle';
import { ExportRepository, type ExportRecord, type ExportStatus } from './export.repository';
import { bundleTarFiles } from './files';
import { MANIFEST_FILE, originalPath, type JourneyManifest } from './manifest';
import { tarSize, tarStream } from './tar';

export const MAX_EXPORT_CAMERAS = 16;
export const MAX_EXPORT_RANGE_MS = 24 * 3_600_000;
/** Clips of one export with per-camera ranges (a journey); their span from first to last start is limited too. */
export const MAX_EXPORT_CLIPS = 32;
export const MAX_EXPORT_SPAN_MS = 7 * 24 * 3_600_000;

export interface ExportServiceOptions {
  store: Store;
  audit: AuditAppender;
  signer: BundleSigner;
  clock: Clock;
  log: Logger;
  site: { id: string; name: string };
  dataDir: string;
  storages: Array<{ id: string; path: string }>;
  tools: MediaTools;
  softwareVersion: string;
  /** Exports built at the same time; more wait their turn (status running, progress 0). */
  maxConcurrent?: number;
  /** The purpose-bound access policy (row 'exports'); app.ts passes the configured one, fixtures get the default table. */
  access?: AccessPolicy;
  /** Cluster mode: segments held by other recorder nodes (src/cluster/segment-fetch.ts); without it every segment is local. */
  remoteSegments?: RemoteSegments;
}

/** Segments of other cluster nodes: their holders checked before an export starts, then fetched and verified (SHA-256) before it is built. */
export interface RemoteSegments {
  checkHolders(segments: readonly Segment[]): Promise<void>;
  files(segments: readonly Segment[], dir: string, local: (seg: Segment) => string): Promise<Map<number, string>>;
}

/** The case reference an export made under break-glass carries in its record and manifest (no case stood behind it). */
export const BREAK_GLASS_CASE_PREFIX = 'break-glass:';

export interface CreateExportInput {
  cameraIds: string[];
  fromMs: number;
  toMs: number;
  purpose?: string;
  caseRef?: string;
}

/** One clip of an export with per-camera time ranges. */
export interface ExportRange {
  cameraId: string;
  fromMs: number;
  toMs: number;
}

export interface CreateRangesExportInput {
  /** Each its own clip, in this order; a camera may appear more than once (clipPaths names them). */
  ranges: ExportRange[];
  purpose?: string;
  caseRef?: string;
  /** A cross-camera journey: listed in the signed manifest. */
  journey?: JourneyManifest;
}

/** Bundle paths of the clips of `ranges`, in order: a camera's first clip is original.mp4, the next original-2.mp4, … */
export function clipPaths(ranges: readonly { cameraId: string }[]): string[] {
  const seen = new Map<string, number>();
  return ranges.map((r) => {
    const n = (seen.get(r.cameraId) ?? 0) + 1;
    seen.set(r.cameraId, n);
    return originalPath(r.cameraId, n);
  });
}

export interface ExportView {
  id: string;
  status: ExportStatus;
  progress: number;
  error: string | null;
  cameraIds: string[];
  fromMs: number;
  toMs: number;
  caseRef: string;
  purpose: string;
  createdBy: string;
  createdAt: number;
  manifestSha256: string | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Evidence export: the original recording of cameras over a time range, as a signed bundle.
 * create() checks everything a person can get wrong (case reference, scope, the owner's playback
 * policy, footage present) before anything starts — refusals are audited — then builds the bundle
 * as a background job whose progress get() reports. See docs/design/evidence.md.
 */
export class ExportService {
  private readonly jobs = new Map<string, { progress: number; done: Promise<void> }>();
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private ffmpegVersion?: Promise<string>;

  private readonly access: AccessPolicy;

  constructor(private readonly o: ExportServiceOptions) {
    this.access = o.access ?? new AccessPolicy({ store: o.store, audit: o.audit, clock: o.clock, log: o.log });
  }

  /** Privacy (src/privacy): refuses the original of a masked camera to users without privacy.unmask. */
  private downloadGate?: (ctx: ActionContext, exportId: string, cameraIds: readonly string[]) => Promise<void>;

  useDownloadGate(gate: (ctx: ActionContext, exportId: string, cameraIds: readonly string[]) => Promise<void>): this {
    this.downloadGate = gate;
    return this;
  }

  get exportsDir(): string {
    return path.resolve(this.o.dataDir, 'exports');
  }

  async create(ctx: ActionContext, input: CreateExportInput): Promise<ExportView> {
    return this.start(ctx, input, null);
  }

  /**
   * An export whose clips each have their own camera and time range (a journey across cameras: a camera may
   * come back later in it). Same checks, audit, bundle and download as create(); the envelope of the ranges
   * is what the export record lists.
   */
  async createRanges(ctx: ActionContext, input: CreateRangesExportInput): Promise<ExportView> {
    authorize(ctx, 'export.create');
    const r = input.ranges;
    if (r.length === 0 || r.length > MAX_EXPORT_CLIPS) throw new ValidationError(`ranges: give 1 to ${MAX_EXPORT_CLIPS} clips`);
    const fromMs = Math.min(...r.map((x) => x.fromMs));
    const toMs = Math.max(...r.map((x) => x.toMs));
    return this.start(ctx, { cameraIds: [...new Set(r.map((x) => x.cameraId))], fromMs, toMs, purpose: input.purpose, caseRef: input.caseRef }, { ranges: r, journey: input.journey });
  }

  private async start(ctx: ActionContext, input: CreateExportInput, per: { ranges: ExportRange[]; journey?: JourneyManifest } | null): Promise<ExportView> {
    const scopes = authorize(ctx, 'export.create');
    const bodyRef = this.caseRefOf(ctx, input);
    const purpose = input.purpose?.trim() || ctx.purpose?.trim() || '';
    let actx: ActionContext = { ...ctx, caseRef: bodyRef || undefined, purpose: purpose || undefined };
    const rangeDetails = per ? { ranges: per.ranges, ...(per.journey ? { journey: { anchorTrackId: per.journey.anchorTrackId, steps: per.journey.steps.length } } : {}) } : {};
    const base = { action: 'export.create', targetType: 'export', cameraIds: input.cameraIds.slice(0, MAX_EXPORT_CAMERAS), details: { fromMs: input.fromMs, toMs: input.toMs, ...rangeDetails } };
    const ids = [...new Set(input.cameraIds)];
    if (ids.length === 0 || ids.length > MAX_EXPORT_CAMERAS) throw new ValidationError(`cameraIds: give 1 to ${MAX_EXPORT_CAMERAS} cameras`);
    const clips: ExportRange[] = per ? per.ranges : ids.map((cameraId) => ({ cameraId, fromMs: input.fromMs, toMs: input.toMs }));
    for (const c of clips) {
      if (!(c.fromMs < c.toMs)) throw new ValidationError(`toMs must be after fromMs (${iso(c.fromMs)} … ${iso(c.toMs)})`);
      if (c.toMs - c.fromMs > MAX_EXPORT_RANGE_MS) throw new ValidationError(`The range is longer than ${MAX_EXPORT_RANGE_MS / 3_600_000} hours; export it in parts`);
    }
    if (per && input.toMs - input.fromMs > MAX_EXPORT_SPAN_MS) throw new ValidationError(`The clips span more than ${MAX_EXPORT_SPAN_MS / 86_400_000} days; export them in parts`);

    const cameras = new Map<string, Camera>();
    for (const id of ids) {
      const cam = await new CameraRepository(this.o.store.db).get(id, scopes);
      if (!cam) await this.refuse(actx, base, 'camera_not_found', new NotFoundError('camera', id), { cameraId: id });
      cameras.set(id, cam!);
    }
    // The policy table's 'exports' row: a purpose and a real, open case naming the caller (or the caller's active
    // break-glass); refusals are audited under export.create by the policy or the case gate.
    actx = await this.access.require(actx, 'exports', { action: 'export.create', cameras: [...cameras.values()], details: base.details });
    // The signed manifest names a case (or the break-glass) and a purpose whatever the table says, and system callers skip the policy.
    if (!actx.caseRef && !actx.breakGlassId) await this.refuse(actx, base, 'case_required', new UserError('case_required', 'An evidence export needs a case reference: send the X-Case-Ref header or caseRef in the body. The refused attempt has been audited.'));
    if (!purpose) await this.refuse(actx, base, 'purpose_required', new UserError('purpose_required', 'An evidence export needs a purpose (purpose in the body). The refused attempt has been audited.'));
    const caseRef = actx.caseRef ?? `${BREAK_GLASS_CASE_PREFIX}${actx.breakGlassId}`;
    for (const cam of cameras.values()) {
      const org = await new OrganisationRepository(this.o.store.db).get(cam.owner);
      if (!cam.sharing.playbackAllowed || org?.policy.playbackAllowed === false) {
        await this.refuse(actx, base, 'playback_not_allowed', new UserError('playback_not_allowed', `The owner of camera ${cam.id} (${cam.owner}) does not allow playback of its recordings, so they cannot be exported`, { cameraId: cam.id }, 403), { cameraId: cam.id });
      }
    }
    const segments: Segment[][] = [];
    for (const c of clips) {
      const segs = await new SegmentRepository(this.o.store.db).inRange(c.cameraId, c.fromMs, c.toMs);
      if (!segs.length) {
        await this.refuse(actx, base, 'no_recordings', new UserError('no_recordings', `No recordings of camera ${c.cameraId} between ${iso(c.fromMs)} and ${iso(c.toMs)}`, { cameraId: c.cameraId, fromMs: c.fromMs, toMs: c.toMs }, 422), { cameraId: c.cameraId }, 'failed');
      }
      segments.push(segs);
    }
    // Footage on another recorder node: its node must be up now (a clear refusal naming it and the range), and is fetched before the bundle is built.
    await this.o.remoteSegments?.checkHolders(segments.flat()).catch((err: unknown) =>
      this.refuse(actx, base, isAppError(err) ? err.code : 'holders_unchecked', err as Error, {}, 'failed'));

    const now = this.o.clock.now();
    const d = new Date(now);
    const id = `ex-${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}-${randomBytes(5).toString('hex')}`;
    const rec: ExportRecord = {
      id, caseRef, purpose, createdBy: ctx.principal?.userId ?? ctx.systemActor ?? 'system', createdAt: now, cameraIds: ids, fromMs: input.fromMs, toMs: input.toMs,
      path: path.join(this.exportsDir, id), manifestSha256: null, status: 'running', error: null,
    };
    await this.o.store.transaction(async (tx) => {
      await new ExportRepository(tx).insert(rec);
      await this.o.audit.record(tx, actx, { ...base, targetId: id, cameraIds: ids, details: { cameras: ids, fromMs: input.fromMs, toMs: input.toMs, from: iso(input.fromMs), to: iso(input.toMs), caseRef: actx.caseRef ?? null, purpose, ...rangeDetails } });
    });
    const job = { progress: 0, done: Promise.resolve() };
    this.jobs.set(id, job);
    const paths = per ? clipPaths(clips) : null;
    const planned = clips.map((c, i) => ({ camera: cameras.get(c.cameraId)!, segments: segments[i]!, ...(per ? { fromMs: c.fromMs, toMs: c.toMs, original: paths![i]! } : {}) }));
    job.done = this.run(rec, actx, planned, per?.journey, job);
    return this.view(rec);
  }

  async get(ctx: ActionContext, id: string): Promise<ExportView> {
    return this.view(await this.visible(ctx, id));
  }

  /** The bundle as one tar (`<id>/…`); the download is audited. */
  async download(ctx: ActionContext, id: string): Promise<{ filename: string; size: number; stream: Readable; manifestSha256: string }> {
    const rec = await this.visible(ctx, id);
    await this.downloadGate?.(ctx, rec.id, rec.cameraIds);
    if (rec.status !== 'done' || !rec.manifestSha256) throw new UserError('export_not_ready', rec.status === 'failed' ? `Export ${id} failed: ${rec.error}` : `Export ${id} is still running`, { status: rec.status }, 409);
    const manifest = await readFile(path.join(rec.path, MANIFEST_FILE)).catch((err: NodeJS.ErrnoException) => {
      throw new OperationalError('bundle_missing', `The bundle of export ${id} is not on this node's disk (${err.code ?? err.message})`);
    });
    const sha = createHash('sha256').update(manifest).digest('hex');
    if (sha !== rec.manifestSha256) throw new OperationalError('bundle_altered', `The manifest of export ${id} on disk is not the one recorded when it was made (SHA-256 ${sha}, recorded ${rec.manifestSha256}); it is not served`);
    const files = await bundleTarFiles(rec.path, id, rec.createdAt);
    const size = tarSize(files);
    const bg = rec.caseRef.startsWith(BREAK_GLASS_CASE_PREFIX) ? rec.caseRef.slice(BREAK_GLASS_CASE_PREFIX.length) : null; // made under break-glass: no case to name
    const dctx: ActionContext = bg ? { ...ctx, caseRef: undefined, breakGlassId: ctx.breakGlassId ?? bg } : { ...ctx, caseRef: rec.caseRef };
    await this.o.audit.recordStandalone({ ...dctx, purpose: ctx.purpose ?? rec.purpose }, { action: 'export.download', targetType: 'export', targetId: id, cameraIds: rec.cameraIds, details: { manifestSha256: sha, bytes: size } });
    return { filename: `${id}.tar`, size, stream: tarStream(files), manifestSha256: sha };
  }

  /**
   * Start-up: exports this node was building when it stopped are marked failed, and the copies of other nodes'
   * segments fetched for them (`<export>.segments`) are removed.
   */
  async recoverInterrupted(): Promise<number> {
    const stale = (await new ExportRepository(this.o.store.db).running(this.exportsDir + path.sep)).filter((r) => !this.jobs.has(r.id));
    for (const r of stale) {
      await rm(`${r.path}.segments`, { recursive: true, force: true }).catch((err: unknown) =>
        this.o.log.warn({ exportId: r.id, dir: `${r.path}.segments`, err: errorMessage(err) }, 'could not remove the segments fetched for an interrupted export'));
      await new ExportRepository(this.o.store.db).finish(r.id, { status: 'failed', error: 'interrupted: the server stopped while this export ran; start it again' });
    }
    return stale.length;
  }

  /** Waits for the exports being built (used on shutdown and by tests). */
  async idle(): Promise<void> {
    await Promise.all([...this.jobs.values()].map((j) => j.done));
  }

  private caseRefOf(ctx: ActionContext, input: CreateExportInput): string {
    const body = input.caseRef?.trim();
    const header = ctx.caseRef?.trim();
    if (body && header && body !== header) throw new ValidationError(`Two different case references: X-Case-Ref '${header}' and caseRef '${body}'; send one`);
    return body || header || '';
  }

  private async refuse(ctx: ActionContext, base: AuditEntryInput, reason: string, err: Error, extra: Record<string, unknown> = {}, outcome: 'denied' | 'failed' = 'denied'): Promise<never> {
    await this.o.audit.recordStandalone(ctx, { ...base, outcome, details: { ...base.details, reason, ...extra } });
    throw err;
  }

  private async visible(ctx: ActionContext, id: string): Promise<ExportRecord> {
    const scopes: Scope[] = authorize(ctx, 'export.create');
    const rec = await new ExportRepository(this.o.store.db).get(id);
    if (!rec) throw new NotFoundError('export', id);
    if (!isUnrestricted(scopes)) {
      const repo = new CameraRepository(this.o.store.db);
      for (const c of rec.cameraIds) if (!(await repo.get(c, scopes))) throw new NotFoundError('export', id); // out of scope looks like absent
    }
    return rec;
  }

  private view(r: ExportRecord): ExportView {
    const job = this.jobs.get(r.id);
    const progress = r.status === 'done' ? 1 : job ? job.progress : 0;
    return { id: r.id, status: r.status, progress: Math.round(progress * 1000) / 1000, error: r.error, cameraIds: r.cameraIds, fromMs: r.fromMs, toMs: r.toMs, caseRef: r.caseRef, purpose: r.purpose, createdBy: r.createdBy, createdAt: r.createdAt, manifestSha256: r.manifestSha256 };
  }

  /** For the manifest; a failure is stated there ('unknown: …') — the export itself fails later if ffmpeg is really missing. */
  private ffmpegVersionLine(): Promise<string> {
    this.ffmpegVersion ??= runFfmpeg(this.o.tools, ['-version'], { timeoutMs: 10_000 }).then(
      (r) => r.stdout.toString('utf8').split('\n')[0]!.trim(),
      (err: unknown) => {
        this.ffmpegVersion = undefined; // ask again next time
        return `unknown: ${errorMessage(err)}`;
      },
    );
    return this.ffmpegVersion;
  }

  private storageRoot(id: string): string {
    const s = this.o.storages.find((x) => x.id === id);
    if (!s) throw new OperationalError('storage_unknown', `Recordings on storage '${id}' are not reachable from this node (not in recording.storages)`);
    return path.resolve(this.o.dataDir, s.path);
  }

  private async slot(): Promise<() => void> {
    const max = this.o.maxConcurrent ?? 2;
    if (this.active >= max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    return () => {
      this.active--;
      this.waiting.shift()?.();
    };
  }

  /** Runs `fn`, then removes the copies of other nodes' segments it fetched into `dir` (before the outcome is recorded). */
  private async withFetched<T>(exportId: string, dir: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } finally {
      await rm(dir, { recursive: true, force: true }).catch((err: unknown) => this.o.log.warn({ exportId, dir, err: errorMessage(err) }, 'could not remove the segments fetched for an export'));
    }
  }

  private async run(rec: ExportRecord, ctx: ActionContext, clips: Array<{ camera: Camera; segments: Segment[]; fromMs?: number; toMs?: number; original?: string }>, journey: JourneyManifest | undefined, job: { progress: number }): Promise<void> {
    const release = await this.slot();
    const audit = (tx: Parameters<AuditAppender['record']>[0], outcome: 'ok' | 'failed', details: Record<string, unknown>) =>
      this.o.audit.record(tx, ctx, { action: 'export.complete', targetType: 'export', targetId: rec.id, cameraIds: rec.cameraIds, outcome, details });
    // Copies of segments fetched from other cluster nodes (verified against the index), removed before the outcome is recorded.
    const fetched = `${rec.path}.segments`;
    try {
      const local = (s: Segment) => resolveUnder(this.storageRoot(s.storage), s.path);
      const built = await this.withFetched(rec.id, fetched, async () => {
        const files = this.o.remoteSegments ? await this.o.remoteSegments.files(clips.flatMap((c) => c.segments), fetched, local) : undefined;
        const p = ctx.principal;
        const actor = ctx.systemActor ?? 'system';
        return buildBundle(this.o.tools, this.o.signer, {
          exportId: rec.id, dir: rec.path, site: this.o.site, createdAt: rec.createdAt,
          software: { name: 'SmartView', version: this.o.softwareVersion },
          ffmpegVersion: this.ffmpegVersionLine(),
          exporter: p ? { userId: p.userId, username: p.username, displayName: p.displayName } : { userId: actor, username: actor, displayName: actor },
          caseRef: rec.caseRef, purpose: rec.purpose, fromMs: rec.fromMs, toMs: rec.toMs,
          cameras: clips.map(({ camera: c, segments, ...own }) => ({
            camera: { id: c.id, name: c.name, owner: c.owner, district: c.location.district },
            sources: segments.map((s) => ({ segment: s, file: files?.get(s.id) ?? local(s) })),
            ...own,
          })),
          ...(journey ? { journey } : {}),
        }, (x) => (job.progress = x));
      });
      await this.o.store.transaction(async (tx) => {
        await new ExportRepository(tx).finish(rec.id, { status: 'done', manifestSha256: built.manifestSha256 });
        await audit(tx, 'ok', { manifestSha256: built.manifestSha256, keyId: built.keyId, bytes: built.bytes, files: built.manifest.files.length + 2 });
      });
    } catch (err) {
      const message = errorMessage(err);
      this.o.log.warn({ exportId: rec.id, err: message }, 'evidence export failed');
      try {
        await this.o.store.transaction(async (tx) => {
          await new ExportRepository(tx).finish(rec.id, { status: 'failed', error: message });
          await audit(tx, 'failed', { error: message.slice(0, 500) });
        });
      } catch (err2) {
        this.o.log.error({ exportId: rec.id, err: errorMessage(err2) }, 'could not record that an evidence export failed; it stays "running" until the next start-up');
      }
    } finally {
      release();
      this.jobs.delete(rec.id);
    }
  }
}
