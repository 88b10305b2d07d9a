import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { sql } from 'kysely';
import { ENGINES } from '../../test/support/engines';
import { createAuditService } from '../app/audit-service';
import type { Engine } from '../store/store';
import { add, addMonth, kinds, openAuditFixture, utc, type AuditFixture } from './audit.fixtures';
import type { AuditEntry } from './types';

const entry = (at: number, n: number, extra: Partial<AuditEntry> = {}): AuditEntry => ({
  actor: { id: 'u-1', name: 'alice' }, action: 'camera.view_live', target: { type: 'camera', id: 'cam-1' }, cameraIds: ['cam-1'],
  ip: '10.0.0.1', details: { n }, ...extra, at,
});

/** Makes every insert of an audit record whose details mention 'boom' fail inside the database. */
async function installPoison(f: AuditFixture, engine: Engine): Promise<void> {
  if (engine === 'sqlite') {
    await sql`create trigger audit_poison before insert on audit_records when new.details like '%boom%' begin select raise(abort, 'poisoned audit record'); end`.execute(f.db);
    return;
  }
  await sql`create function audit_poison() returns trigger language plpgsql as $$
    begin if new.details like '%boom%' then raise exception 'poisoned audit record'; end if; return new; end $$`.execute(f.db);
  await sql`create trigger audit_poison before insert on audit_records for each row execute function audit_poison()`.execute(f.db);
}

const heads = (f: AuditFixture) => f.db.selectFrom('audit_chains').select(['chain', 'last_seq', 'last_hash', 'record_count', 'closed_at']).orderBy('chain').execute();

for (const engine of ENGINES) {
  describe(`audit group commit: standalone records share one transaction (${engine})`, () => {
    let f: AuditFixture;
    beforeEach(async () => {
      f = await openAuditFixture(engine);
    });
    afterEach(() => f.cleanup());

    test('many concurrent appends: none lost, chained in arrival order, fewer transactions than records, the chain verifies', async () => {
      await addMonth(f, '2027-06', 3); // per-record appends before, interleaved with group commits after
      const g = f.log.groupCommit(f.db, { maxBatch: 64 });
      const t0 = utc('2027-06-10T00:00:00Z');
      const N = 300;
      const results = await Promise.all(Array.from({ length: N }, (_, i) => g.append(entry(t0 + i, i))));
      assert.deepEqual(results.map((r) => r.chainSeq), Array.from({ length: N }, (_, i) => 4 + i), 'callers get consecutive positions in arrival order');
      assert.ok(g.stats.batches < N / 4, `records were grouped (${g.stats.batches} transactions for ${N})`);
      assert.equal(g.stats.appended, N);
      assert.ok(g.stats.maxBatch <= 64);
      // Interleave: per-record appends and more group commits from concurrent callers.
      const mixed = await Promise.all([
        ...Array.from({ length: 40 }, (_, i) => g.append(entry(t0 + 1000 + i, 1000 + i))),
        ...Array.from({ length: 10 }, (_, i) => add(f, t0 + 2000 + i)),
      ]);
      assert.equal(new Set(mixed.map((r) => r.chainSeq)).size, 50);
      const stored = await f.db.selectFrom('audit_records').select(['chain_seq', 'hash']).where('chain', '=', 'site-1:2027-06').orderBy('chain_seq').execute();
      assert.equal(stored.length, 3 + N + 50);
      assert.deepEqual(stored.map((r) => r.chain_seq), Array.from({ length: stored.length }, (_, i) => i + 1), 'gap-free');
      const byHash = new Map(stored.map((r) => [r.hash, r.chain_seq]));
      for (const r of [...results, ...mixed]) assert.equal(byHash.get(r.hash), r.chainSeq, 'every acknowledged record is stored as acknowledged');
      const v = await f.log.verify(f.db);
      assert.deepEqual(kinds(v), []);
      assert.equal(v.recordsChecked, stored.length);
      const [head] = await heads(f);
      assert.equal(head!.last_seq, stored.length);
      assert.equal(head!.record_count, stored.length);
    });

    test('a batch across partitions chains exactly as one-by-one appends would (rollover checkpoint, late record)', async () => {
      const times = ['2026-11-05T00:00:00Z', '2026-11-06T00:00:00Z', '2026-12-01T00:00:00Z', '2026-11-30T23:00:00Z', '2026-12-02T00:00:00Z', '2027-01-03T00:00:00Z', '2026-12-31T00:00:00Z']
        .map(utc);
      // Reference: the per-record path on another store.
      const ref = await openAuditFixture(engine);
      try {
        const one: string[] = [];
        for (const [i, at] of times.entries()) one.push((await ref.ts.store.transaction((tx) => ref.log.append(tx, entry(at, i)))).hash);
        const g = f.log.groupCommit(f.db, { maxBatch: 100 });
        const grouped = await Promise.all(times.map((at, i) => g.append(entry(at, i))));
        assert.equal(g.stats.batches, 1, 'one transaction for the whole batch');
        assert.deepEqual(grouped.map((r) => r.hash), one, 'same hashes, positions and checkpoint links as one by one');
        assert.deepEqual(grouped.map((r) => `${r.chain}#${r.chainSeq}`), [
          'site-1:2026-11#1', 'site-1:2026-11#2', 'site-1:2026-12#1', 'site-1:2026-12#2', 'site-1:2026-12#3', 'site-1:2027-01#1', 'site-1:2027-01#2',
        ]);
        const cps = await f.db.selectFrom('audit_checkpoints').select(['chain', 'record_count']).orderBy('partition').execute();
        assert.deepEqual(cps.map((c) => [c.chain, c.record_count]), [['site-1:2026-11', 2], ['site-1:2026-12', 3]]);
        const v = await f.log.verify(f.db);
        assert.deepEqual(kinds(v), []);
        assert.equal(v.checkpointsChecked, 2);
      } finally {
        await ref.cleanup();
      }
    });

    test('a database error fails every caller of its batch with that error; the chain is intact and appends go on', async () => {
      await addMonth(f, '2027-06', 2);
      const before = await heads(f);
      await installPoison(f, engine);
      const g = f.log.groupCommit(f.db, { maxBatch: 100 });
      const t0 = utc('2027-06-10T00:00:00Z');
      const settled = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => g.append(entry(t0 + i, i, i === 7 ? { details: { note: 'boom' } } : {}))));
      assert.equal(g.stats.batches, 0);
      assert.equal(g.stats.failed, 12);
      for (const s of settled) {
        assert.equal(s.status, 'rejected', 'nobody in a failed batch is acknowledged');
        assert.match(String((s as PromiseRejectedResult).reason), /poisoned audit record/);
      }
      assert.deepEqual(await heads(f), before, 'head unchanged: the batch rolled back');
      assert.equal(Number((await f.db.selectFrom('audit_records').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n), Number(before[0]!.record_count));
      // An invalid entry is refused on its own, before any batch.
      await assert.rejects(g.append(entry(t0, 99, { action: 'Not An Action' })), /Audit action/);
      // The appender goes on after a failed batch.
      const ok = await Promise.all([g.append(entry(t0 + 100, 100)), g.append(entry(t0 + 101, 101))]);
      assert.deepEqual(ok.map((r) => r.chainSeq), [3, 4]);
      const v = await f.log.verify(f.db);
      assert.deepEqual(kinds(v), []);
      assert.equal(v.recordsChecked, 4);
    });

    test('flush commits what is queued; a closed appender refuses new records', async () => {
      const g = f.log.groupCommit(f.db, { lingerMs: 50 });
      const p = g.append(entry(utc('2027-06-10T00:00:00Z'), 1));
      assert.equal(g.queued, 1);
      await g.close();
      assert.equal((await p).chainSeq, 1);
      await assert.rejects(g.append(entry(utc('2027-06-10T00:00:01Z'), 2)), /closed/);
    });

    test('the audit service records standalone entries with the action context, group-committed', async () => {
      const svc = createAuditService({ store: f.ts.store, keyring: f.keyring, node: 'site-1', partition: 'month', clock: f.clock });
      const ctx = { principal: null, ip: '10.1.1.1', requestId: 'r-1', systemActor: 'cli:local', purpose: 'investigation', caseRef: 'C-1' };
      await Promise.all(Array.from({ length: 20 }, (_, i) => svc.recordStandalone(ctx, { action: 'live.view', targetType: 'camera', targetId: `cam-${i}`, cameraIds: [`cam-${i}`] })));
      await svc.flush();
      const rows = await f.db.selectFrom('audit_records').selectAll().orderBy('chain_seq').execute();
      assert.equal(rows.length, 20);
      assert.deepEqual([rows[0]!.actor_name, rows[0]!.ip, rows[0]!.purpose, rows[0]!.case_ref, JSON.parse(rows[0]!.details).requestId], ['cli:local', '10.1.1.1', 'investigation', 'C-1', 'r-1']);
      assert.equal((await svc.verifyAll()).ok, true);
    });
  });
}
