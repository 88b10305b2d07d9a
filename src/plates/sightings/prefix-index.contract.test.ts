import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { ENGINES, openTestStore, type TestStore } from '../../../test/support/engines';
import { prng } from '../../../test/support/prng';
import type { Scope } from '../../auth/permissions';
import { planQuery } from '../search/pattern';
import { PartitionRepository } from './partition.repository';
import { monthStart } from './partitions';
import { prefixIndexLength, SightingRepository, type SightingRow } from './sighting.repository';
import type { SightingFilter } from './types';

/**
 * Migration 0016 (#11): 2- and 3-character prefixes run as `substr(plate, 1, n) = ?` over their own
 * expression indexes, in time order. The results must be exactly those of the plain query they replace
 * (plate >= prefix AND plate < upper bound, ordered by seen_at, id), page by page, with seen_at ties,
 * CJK plates, plates as short as the prefix, filters and scopes, across months (partitions on PostgreSQL).
 */
const T0 = Date.UTC(2026, 9, 20);
const N = 2400;
const ALL: Scope[] = [{ organisations: null, districts: null }];
const POLICE: Scope[] = [{ organisations: ['police'], districts: null }];
const CAMS = ['c-1', 'c-2', 'c-3'];

function plates(n: number): string[] {
  const r = prng(11);
  const pick = (s: string) => s[Math.floor(r() * s.length)]!;
  return Array.from({ length: n }, () => {
    const x = r();
    if (x < 0.08) return `粤${pick('AB')}${Array.from({ length: 5 }, () => pick('0123')).join('')}`;
    if (x < 0.12) return pick('AB') + pick('AB'); // exactly a 2-character prefix
    if (x < 0.15) return pick('AB') + pick('AB') + pick('12'); // exactly a 3-character prefix
    if (x < 0.18) return pick('AB');
    return pick('ABC') + pick('ABC') + pick('123') + Array.from({ length: Math.floor(r() * 4) }, () => pick('0123456789')).join('');
  });
}

for (const engine of ENGINES) {
  describe(`plate prefix indexes (migration 0016) on ${engine}`, () => {
    let ts: TestStore;
    let repo: SightingRepository;
    before(async () => {
      ts = await openTestStore(engine);
      repo = new SightingRepository(ts.store.db, engine);
      if (engine === 'postgres') await new PartitionRepository(ts.store.db).ensure([monthStart(T0), monthStart(T0, 1), monthStart(T0, 2)]);
      const r = prng(3);
      const ps = plates(N);
      const rows: SightingRow[] = ps.map((plate, i) => ({
        // Three reads share each time (ties ordered by id), ids not in time order, times over ~2 months.
        id: `x${Math.floor(r() * 1e9).toString(36)}-${i}`, plate, plate_key: plate, grammar: 'generic', camera_id: CAMS[i % 3]!, owner: i % 3 === 2 ? 'housing' : 'police',
        district: 'Wan Chai', lat: 22.3, lon: 114.17, seen_at: T0 + Math.floor(i / 3) * 7_200_000, confidence: 0.5 + (i % 5) / 10, vehicle_class: 'car',
        vehicle_colour: null, direction: null, plate_crop: null, vehicle_crop: null, track_id: null, job_id: null,
      }));
      await repo.insertBulk(rows);
    });
    after(() => ts.cleanup());

    /** The plain query the indexed one replaces (pre-0016), all pages at once. */
    const plain = async (prefix: string, f: SightingFilter, scopes: Scope[]): Promise<string[]> => {
      const p = planQuery(prefix, 'prefix');
      if (p.mode !== 'prefix') throw new Error('expected a prefix plan');
      let q = ts.store.db.selectFrom('plate_sightings').select('id').where('plate', '>=', p.from).where('plate', '<', p.to);
      if (scopes === POLICE) q = q.where('owner', '=', 'police');
      if (f.cameraIds?.length) q = q.where('camera_id', 'in', f.cameraIds);
      if (f.fromMs !== undefined) q = q.where('seen_at', '>=', f.fromMs);
      if (f.toMs !== undefined) q = q.where('seen_at', '<', f.toMs);
      if (f.minConfidence !== undefined) q = q.where('confidence', '>=', f.minConfidence);
      return (await q.orderBy('seen_at').orderBy('id').execute()).map((x) => x.id);
    };
    const paged = async (prefix: string, f: SightingFilter, scopes: Scope[], limit: number): Promise<string[]> => {
      const out: string[] = [];
      let cursor: string | undefined;
      for (let guard = 0; guard < 10_000; guard++) {
        const page = await repo.search({ plan: planQuery(prefix, 'prefix'), filter: f }, scopes, limit, cursor);
        assert.ok(page.rows.length <= limit);
        out.push(...page.rows.map((x) => x.id));
        if (!page.nextCursor) return out;
        cursor = page.nextCursor;
      }
      throw new Error('paging did not end');
    };

    test('2- and 3-character prefixes (and 1 and 4 for contrast) equal the plain range query, paged, with filters and scopes', async () => {
      const prefixes = ['AB', 'BA', 'CC', 'AB1', 'CA3', 'BB2', '粤A', '粤B0', 'A', 'AB12', 'ZZ', 'ZZ9'];
      const filters: SightingFilter[] = [{}, { fromMs: T0 + 20 * 86_400_000, toMs: T0 + 45 * 86_400_000 }, { cameraIds: ['c-1', 'c-3'], minConfidence: 0.7 }];
      let indexed = 0;
      for (const prefix of prefixes) {
        if (prefixIndexLength(prefix) !== null) indexed++;
        for (const f of filters) {
          for (const scopes of [ALL, POLICE]) {
            const want = await plain(prefix, f, scopes);
            for (const limit of [7, 100]) assert.deepEqual(await paged(prefix, f, scopes, limit), want, `${prefix} ${JSON.stringify(f)} ${scopes === ALL ? 'all' : 'police'} limit ${limit}`);
          }
        }
      }
      assert.equal(indexed, 10);
      const ab = await plain('AB', {}, ALL);
      assert.ok(ab.length > 100, 'AB spans several pages');
      assert.ok((await plain('粤B0', {}, ALL)).length > 5, 'CJK prefixes find rows');
      // Ties exist and cross page boundaries: ordered by id within one seen_at.
      const rows = await ts.store.db.selectFrom('plate_sightings').select(['id', 'seen_at']).where('id', 'in', ab).execute();
      const at = new Map(rows.map((x) => [x.id, Number(x.seen_at)]));
      assert.ok(ab.some((id, i) => i > 0 && at.get(ab[i - 1]!) === at.get(id)), 'seen_at ties among AB');
    });

    test('the prefix query is the index expression: the planner can walk plate_sightings_prefix2/3', async () => {
      for (const [prefix, index] of [['AB', 'prefix2'], ['AB1', 'prefix3']] as const) {
        const compiled = repoQuery(prefix);
        const lines = await ts.store.db.connection().execute(async (c) => {
          if (engine === 'postgres') {
            // Tiny tables: forbid the alternatives so the answer is whether the index matches the expression at all.
            await sql`set enable_seqscan = off`.execute(c);
            await sql`set enable_bitmapscan = off`.execute(c);
            try {
              const r = await sql.raw<{ 'QUERY PLAN': string }>(`explain ${inline(compiled)}`).execute(c);
              return r.rows.map((x) => x['QUERY PLAN']);
            } finally {
              await sql`reset enable_seqscan`.execute(c);
              await sql`reset enable_bitmapscan`.execute(c);
            }
          }
          const r = await sql.raw<{ detail: string }>(`explain query plan ${inline(compiled)}`).execute(c);
          return r.rows.map((x) => x.detail);
        });
        const text = lines.join('\n');
        if (engine === 'postgres') assert.match(text, /Index Scan using plate_sightings_\d{6}_substr/, text);
        else assert.match(text, new RegExp(`USING INDEX plate_sightings_${index}`), text);
        assert.doesNotMatch(text, engine === 'postgres' ? /^\s*(->\s*)?Sort\s+\(/m : /TEMP B-TREE/, `${prefix}: no full sort\n${text}`);
      }
    });

    /** The SQL and parameters of the repository's first page for `prefix` (compiled, not run). */
    function repoQuery(prefix: string): { sql: string; parameters: readonly unknown[] } {
      const q = repo.searchQuery({ plan: planQuery(prefix, 'prefix'), filter: {} }, ALL, 100);
      if (!q) throw new Error('no query');
      return q.compile();
    }

    function inline(c: { sql: string; parameters: readonly unknown[] }): string {
      const lit = (v: unknown) => (typeof v === 'number' ? String(v) : `'${String(v).replace(/'/g, "''")}'`);
      return engine === 'postgres' ? c.sql.replace(/\$(\d+)/g, (_, i: string) => lit(c.parameters[Number(i) - 1])) : c.sql.replace(/\?/g, (() => { let i = 0; return () => lit(c.parameters[i++]); })());
    }
  });
}
