import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Scope } from '../auth/permissions';
import { DeletionRepository } from '../retention/deletion.repository';
import type { Db } from '../store/store';

const EVERYTHING: Scope[] = [{ organisations: null, districts: null }];

/** Aggregate reads for the transparency report: counts and sums only, never rows about people. */
export class ReportRepository {
  constructor(private readonly db: Db, private readonly engine: 'sqlite' | 'postgres') {}

  /** Cameras that existed before `to`, counted per owner and district. */
  async cameras(to: number): Promise<Array<{ owner: string; ownerName: string | null; district: string; cameras: number }>> {
    const rows = await this.db
      .selectFrom('cameras')
      .leftJoin('organisations', 'organisations.id', 'cameras.owner')
      .select((eb) => ['cameras.owner', 'organisations.name', 'cameras.district', eb.fn.countAll<number>().as('n')])
      .where('cameras.created_at', '<', to)
      .groupBy(['cameras.owner', 'organisations.name', 'cameras.district'])
      .orderBy('cameras.owner')
      .orderBy('cameras.district')
      .execute();
    return rows.map((r) => ({ owner: r.owner, ownerName: r.name ?? null, district: r.district, cameras: Number(r.n) }));
  }

  /** Hours of recording inside [from, to) (segments clipped to the period, corrupt ones excluded). */
  async hoursRecorded(from: number, to: number): Promise<number> {
    const lo = this.engine === 'postgres' ? sql`greatest(start_ms, ${from})` : sql`max(start_ms, ${from})`;
    const hi = this.engine === 'postgres' ? sql`least(end_ms, ${to})` : sql`min(end_ms, ${to})`;
    const r = await sql<{ ms: number | string | null }>`select sum(${hi} - ${lo}) as ms from segments where start_ms < ${to} and end_ms > ${from} and status <> 'corrupt'`.execute(this.db);
    return Number(r.rows[0]?.ms ?? 0) / 3_600_000;
  }

  /** Successful audit records per action among `actions` in [from, to). */
  async actionCounts(from: number, to: number, actions: string[]): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('audit_records')
      .select((eb) => ['action', eb.fn.countAll<number>().as('n')])
      .where('at', '>=', from).where('at', '<', to).where('outcome', '=', 'ok').where('action', 'in', actions)
      .groupBy('action')
      .execute();
    return new Map(rows.map((r) => [r.action, Number(r.n)]));
  }

  /** Distinct cases that footage or search access served in [from, to). */
  async casesAssisted(from: number, to: number, actions: string[]): Promise<number> {
    const r = await this.db
      .selectFrom('audit_records')
      .select((eb) => eb.fn.count<number>('case_ref').distinct().as('n'))
      .where('at', '>=', from).where('at', '<', to).where('outcome', '=', 'ok').where('case_ref', 'is not', null).where('action', 'in', actions)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async hotlistHits(from: number, to: number): Promise<number> {
    const r = await this.db.selectFrom('analytics_events').select((eb) => eb.fn.countAll<number>().as('n')).where('type', '=', 'hotlist_match').where('started_at', '>=', from).where('started_at', '<', to).executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /**
   * The retention deletion certificate of [from, to) for the whole site: totals by rule and the SHA-256 of the
   * deletion list, computed exactly as GET /api/retention/certificate does, so anyone can reproduce it.
   */
  async deletionCertificate(from: number, to: number): Promise<{ fromMs: number; toMs: number; count: number; bytes: number; byRule: Record<string, { count: number; bytes: number }>; listSha256: string }> {
    const repo = new DeletionRepository(this.db);
    const byRule = Object.fromEntries(await repo.byRule(from, to, EVERYTHING));
    const hash = createHash('sha256');
    for (let after = 0; ; ) {
      const page = await repo.page(from, to, EVERYTHING, after, 5000);
      for (const d of page) hash.update(`${d.id}|${d.cameraId}|${d.storage}|${d.path}|${d.startMs}|${d.endMs}|${d.bytes}|${d.sha256}|${d.rule}|${d.at}\n`);
      if (page.length < 5000) break;
      after = page[page.length - 1]!.id;
    }
    const totals = Object.values(byRule).reduce((t, r) => ({ count: t.count + r.count, bytes: t.bytes + r.bytes }), { count: 0, bytes: 0 });
    return { fromMs: from, toMs: to, ...totals, byRule, listSha256: hash.digest('hex') };
  }
}
