import type { Db } from '../store/store';
import type { RegisterInput } from './register.model';

export interface RegisterRow extends RegisterInput {
  cameraId: string;
  updatedBy: string;
  updatedAt: number;
}

/** Camera register fields for the Privacy Impact Assessment (`camera_register`), keyed by camera id. */
export class RegisterRepository {
  constructor(private readonly db: Db) {}

  async upsert(r: RegisterRow): Promise<void> {
    const row = {
      camera_id: r.cameraId, purpose: r.purpose, legal_basis: r.legalBasis, signage: r.signage ? 1 : 0, residential_facing: r.residentialFacing ? 1 : 0,
      notes: r.notes, updated_by: r.updatedBy, updated_at: r.updatedAt,
    };
    const { camera_id: _id, ...rest } = row;
    await this.db.insertInto('camera_register').values(row).onConflict((oc) => oc.column('camera_id').doUpdateSet(rest)).execute();
  }

  async byCameras(ids: string[]): Promise<Map<string, RegisterRow>> {
    const out = new Map<string, RegisterRow>();
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const rows = await this.db.selectFrom('camera_register').selectAll().where('camera_id', 'in', chunk).execute();
      for (const r of rows) {
        out.set(r.camera_id, {
          cameraId: r.camera_id, purpose: r.purpose, legalBasis: r.legal_basis, signage: r.signage === 1, residentialFacing: r.residential_facing === 1,
          notes: r.notes, updatedBy: r.updated_by, updatedAt: Number(r.updated_at),
        });
      }
    }
    return out;
  }

  /** Ids (of `ids`) whose register row says residential-facing. */
  async residential(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db.selectFrom('camera_register').select('camera_id').where('camera_id', 'in', ids).where('residential_facing', '=', 1).execute();
    return new Set(rows.map((r) => r.camera_id));
  }
}

/** Whether analytics run on each camera (the rules room's `camera_analytics.enabled`), for the register. */
export async function analyticsEnabled(db: Db, ids: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.selectFrom('camera_analytics').select('camera_id').where('camera_id', 'in', ids.slice(i, i + 500)).where('enabled', '=', 1).execute();
    for (const r of rows) out.add(r.camera_id);
  }
  return out;
}
