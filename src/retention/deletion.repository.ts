import { isUnrestricted, type Scope } from '../auth/permissions';
import { scopeCondition } from '../cameras/camera.repository';
import type { Db } from '../store/store';
import type { Candidate } from './retention.repository';

export interface DeletionTotals {
  count: number;
  bytes: number;
}

/** A deleted segment (the retention candidate it was) with the rule that deleted it and when. */
export interface DeletionRecord extends Candidate {
  rule: string;
  at: number;
}

/** Reads of `retention_deletions` for certificates and transparency reports (rows are written by RetentionRepository). */
export class DeletionRepository {
  constructor(private readonly db: Db) {}

  private base(fromMs: number, toMs: number, scopes: Scope[]) {
    const q = this.db.selectFrom('retention_deletions as d').where('d.at', '>=', fromMs).where('d.at', '<', toMs);
    if (isUnrestricted(scopes)) return q;
    return q.innerJoin('cameras', 'cameras.id', 'd.camera_id').where((eb) => scopeCondition(eb as never, scopes));
  }

  async byRule(fromMs: number, toMs: number, scopes: Scope[]): Promise<Map<string, DeletionTotals>> {
    const rows = await this.base(fromMs, toMs, scopes)
      .select((eb) => ['d.rule', eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('d.bytes').as('b')])
      .groupBy('d.rule')
      .execute();
    return new Map(rows.map((r) => [r.rule, { count: Number(r.n), bytes: Number(r.b ?? 0) }]));
  }

  async byCamera(fromMs: number, toMs: number, scopes: Scope[]): Promise<Array<DeletionTotals & { cameraId: string }>> {
    const rows = await this.base(fromMs, toMs, scopes)
      .select((eb) => ['d.camera_id', eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('d.bytes').as('b')])
      .groupBy('d.camera_id')
      .orderBy('d.camera_id')
      .execute();
    return rows.map((r) => ({ cameraId: r.camera_id, count: Number(r.n), bytes: Number(r.b ?? 0) }));
  }

  /** Every deletion of the period in id order, a page at a time. */
  async page(fromMs: number, toMs: number, scopes: Scope[], afterId: number, limit: number): Promise<DeletionRecord[]> {
    const rows = await this.base(fromMs, toMs, scopes).selectAll('d').where('d.id', '>', afterId).orderBy('d.id').limit(limit).execute();
    return rows.map((r) => ({
      id: Number(r.id), cameraId: r.camera_id, storage: r.storage, path: r.path, startMs: r.start_ms, endMs: r.end_ms, bytes: Number(r.bytes), sha256: r.sha256, rule: r.rule, at: r.at,
    }));
  }
}
