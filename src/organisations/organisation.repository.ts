import type { Db } from '../store/store';
import type { Organisation } from './organisation.model';

type Raw = { id: string; name: string; kind: string; live_allowed: number; playback_allowed: number; retention_days_cap: number | null; created_at: number; updated_at: number };

function toOrg(r: Raw): Organisation {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind as Organisation['kind'],
    policy: { liveAllowed: r.live_allowed === 1, playbackAllowed: r.playback_allowed === 1, retentionDaysCap: r.retention_days_cap },
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export class OrganisationRepository {
  constructor(private readonly db: Db) {}

  async list(): Promise<Organisation[]> {
    return (await this.db.selectFrom('organisations').selectAll().orderBy('id').execute()).map(toOrg);
  }

  async get(id: string): Promise<Organisation | undefined> {
    const r = await this.db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toOrg(r) : undefined;
  }

  async upsert(o: Organisation): Promise<void> {
    const row = {
      id: o.id,
      name: o.name,
      kind: o.kind,
      live_allowed: o.policy.liveAllowed ? 1 : 0,
      playback_allowed: o.policy.playbackAllowed ? 1 : 0,
      retention_days_cap: o.policy.retentionDaysCap,
      created_at: o.createdAt,
      updated_at: o.updatedAt,
    };
    await this.db
      .insertInto('organisations')
      .values(row)
      .onConflict((oc) => oc.column('id').doUpdateSet({ name: row.name, kind: row.kind, live_allowed: row.live_allowed, playback_allowed: row.playback_allowed, retention_days_cap: row.retention_days_cap, updated_at: row.updated_at }))
      .execute();
  }
}
