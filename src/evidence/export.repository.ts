import type { Db } from '../store/store';

export type ExportStatus = 'running' | 'done' | 'failed';

/** An evidence export as the index knows it (times integer UTC ms; `path` = the bundle directory). */
export interface ExportRecord {
  id: string;
  caseRef: string;
  purpose: string;
  createdBy: string;
  createdAt: number;
  cameraIds: string[];
  fromMs: number;
  toMs: number;
  path: string;
  manifestSha256: string | null;
  status: ExportStatus;
  error: string | null;
}

type Raw = {
  id: string; case_ref: string; purpose: string; created_by: string; created_at: number; camera_ids: string; start_ms: number; end_ms: number;
  path: string; manifest_sha256: string | null; status: string; error: string | null;
};

function toRecord(r: Raw): ExportRecord {
  return {
    id: r.id, caseRef: r.case_ref, purpose: r.purpose, createdBy: r.created_by, createdAt: Number(r.created_at), cameraIds: JSON.parse(r.camera_ids) as string[],
    fromMs: Number(r.start_ms), toMs: Number(r.end_ms), path: r.path, manifestSha256: r.manifest_sha256, status: r.status as ExportStatus, error: r.error,
  };
}

/** The only code that reads or writes `evidence_exports`. */
export class ExportRepository {
  constructor(private readonly db: Db) {}

  async insert(e: ExportRecord): Promise<void> {
    await this.db
      .insertInto('evidence_exports')
      .values({
        id: e.id, case_ref: e.caseRef, purpose: e.purpose, created_by: e.createdBy, created_at: e.createdAt, camera_ids: JSON.stringify(e.cameraIds),
        start_ms: e.fromMs, end_ms: e.toMs, path: e.path, manifest_sha256: e.manifestSha256, status: e.status, error: e.error,
      })
      .execute();
  }

  async get(id: string): Promise<ExportRecord | undefined> {
    const r = await this.db.selectFrom('evidence_exports').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toRecord(r) : undefined;
  }

  async finish(id: string, result: { status: 'done'; manifestSha256: string } | { status: 'failed'; error: string }): Promise<void> {
    await this.db
      .updateTable('evidence_exports')
      .set(result.status === 'done' ? { status: 'done', manifest_sha256: result.manifestSha256, error: null } : { status: 'failed', error: result.error.slice(0, 2000) })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .execute();
  }

  /** Exports still marked running whose bundle is under `pathPrefix` (this node's exports directory). */
  async running(pathPrefix: string): Promise<ExportRecord[]> {
    const rows = await this.db.selectFrom('evidence_exports').selectAll().where('status', '=', 'running').execute();
    return rows.map(toRecord).filter((r) => r.path.startsWith(pathPrefix));
  }
}
