import type { Db } from '../store/store';
import type { CameraMasks, Polygon, ReleaseKind, ReleaseStatus, TrackSummary } from './privacy.model';

export interface ReleaseRecord {
  id: string;
  exportId: string;
  cameraId: string;
  kind: ReleaseKind;
  caseRef: string;
  requestRef: string | null;
  status: ReleaseStatus;
  error: string | null;
  keepTracks: number[];
  tracks: TrackSummary[];
  path: string;
  originalManifestSha256: string;
  manifestSha256: string | null;
  createdBy: string;
  createdAt: number;
  reviewedBy: string | null;
  reviewedAt: number | null;
  reviewNote: string | null;
}

type ReleaseRow = {
  id: string; export_id: string; camera_id: string; kind: string; case_ref: string; request_ref: string | null; status: string; error: string | null;
  keep_tracks: string; tracks: string; path: string; original_manifest_sha256: string; manifest_sha256: string | null; created_by: string;
  created_at: number; reviewed_by: string | null; reviewed_at: number | null; review_note: string | null;
};

function toRelease(r: ReleaseRow): ReleaseRecord {
  return {
    id: r.id, exportId: r.export_id, cameraId: r.camera_id, kind: r.kind as ReleaseKind, caseRef: r.case_ref, requestRef: r.request_ref,
    status: r.status as ReleaseStatus, error: r.error, keepTracks: JSON.parse(r.keep_tracks) as number[], tracks: JSON.parse(r.tracks) as TrackSummary[],
    path: r.path, originalManifestSha256: r.original_manifest_sha256, manifestSha256: r.manifest_sha256, createdBy: r.created_by,
    createdAt: Number(r.created_at), reviewedBy: r.reviewed_by, reviewedAt: r.reviewed_at === null ? null : Number(r.reviewed_at), reviewNote: r.review_note,
  };
}

/** The only code that reads or writes `privacy_masks` and `privacy_releases`. */
export class PrivacyRepository {
  constructor(private readonly db: Db) {}

  async masks(cameraId: string): Promise<CameraMasks> {
    const r = await this.db.selectFrom('privacy_masks').selectAll().where('camera_id', '=', cameraId).executeTakeFirst();
    if (!r) return { cameraId, polygons: [], version: 0, updatedBy: null, updatedAt: null };
    return { cameraId, polygons: JSON.parse(r.polygons) as Polygon[], version: Number(r.version), updatedBy: r.updated_by, updatedAt: Number(r.updated_at) };
  }

  /** Camera ids that have at least one mask, with their counts (the camera register reads this). */
  async maskCounts(): Promise<Map<string, number>> {
    const rows = await this.db.selectFrom('privacy_masks').select(['camera_id', 'polygons']).execute();
    return new Map(rows.map((r) => [r.camera_id, (JSON.parse(r.polygons) as unknown[]).length]));
  }

  async putMasks(cameraId: string, polygons: Polygon[], by: string, at: number): Promise<number> {
    const prev = await this.db.selectFrom('privacy_masks').select('version').where('camera_id', '=', cameraId).executeTakeFirst();
    const version = (prev ? Number(prev.version) : 0) + 1;
    if (prev) {
      await this.db.updateTable('privacy_masks').set({ polygons: JSON.stringify(polygons), version, updated_by: by, updated_at: at }).where('camera_id', '=', cameraId).execute();
    } else {
      await this.db.insertInto('privacy_masks').values({ camera_id: cameraId, polygons: JSON.stringify(polygons), version, updated_by: by, updated_at: at }).execute();
    }
    return version;
  }

  async insertRelease(r: ReleaseRecord): Promise<void> {
    await this.db
      .insertInto('privacy_releases')
      .values({
        id: r.id, export_id: r.exportId, camera_id: r.cameraId, kind: r.kind, case_ref: r.caseRef, request_ref: r.requestRef, status: r.status, error: r.error,
        keep_tracks: JSON.stringify(r.keepTracks), tracks: JSON.stringify(r.tracks), path: r.path, original_manifest_sha256: r.originalManifestSha256,
        manifest_sha256: r.manifestSha256, created_by: r.createdBy, created_at: r.createdAt, reviewed_by: null, reviewed_at: null, review_note: null,
      })
      .execute();
  }

  async release(id: string): Promise<ReleaseRecord | undefined> {
    const r = await this.db.selectFrom('privacy_releases').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toRelease(r as ReleaseRow) : undefined;
  }

  async releasesOf(exportId: string): Promise<ReleaseRecord[]> {
    const rows = await this.db.selectFrom('privacy_releases').selectAll().where('export_id', '=', exportId).orderBy('created_at', 'desc').execute();
    return rows.map((r) => toRelease(r as ReleaseRow));
  }

  async listReleases(status: ReleaseStatus | null, limit: number): Promise<ReleaseRecord[]> {
    let q = this.db.selectFrom('privacy_releases').selectAll().orderBy('created_at', 'desc').limit(limit);
    if (status) q = q.where('status', '=', status);
    return (await q.execute()).map((r) => toRelease(r as ReleaseRow));
  }

  async updateRelease(id: string, patch: Partial<Pick<ReleaseRecord, 'status' | 'error' | 'keepTracks' | 'tracks' | 'manifestSha256' | 'reviewedBy' | 'reviewedAt' | 'reviewNote'>>): Promise<void> {
    const set: Record<string, unknown> = {};
    if (patch.status !== undefined) set.status = patch.status;
    if (patch.error !== undefined) set.error = patch.error;
    if (patch.keepTracks !== undefined) set.keep_tracks = JSON.stringify(patch.keepTracks);
    if (patch.tracks !== undefined) set.tracks = JSON.stringify(patch.tracks);
    if (patch.manifestSha256 !== undefined) set.manifest_sha256 = patch.manifestSha256;
    if (patch.reviewedBy !== undefined) set.reviewed_by = patch.reviewedBy;
    if (patch.reviewedAt !== undefined) set.reviewed_at = patch.reviewedAt;
    if (patch.reviewNote !== undefined) set.review_note = patch.reviewNote;
    await this.db.updateTable('privacy_releases').set(set).where('id', '=', id).execute();
  }

  /** Releases left running by a process that stopped. */
  async running(): Promise<ReleaseRecord[]> {
    return (await this.db.selectFrom('privacy_releases').selectAll().where('status', '=', 'running').execute()).map((r) => toRelease(r as ReleaseRow));
  }
}
