import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { sql } from 'kysely';
import { ENGINES } from '../../test/support/engines';
import { ValidationError } from '../core/errors';
import { Store } from '../store/store';
import { add, addMonth, kinds, openAuditFixture, utc, type AuditFixture } from './audit.fixtures';
import { AuditLog, verifyArchiveFile } from './index';

for (const engine of ENGINES) {
  describe(`audit trail: retention, concurrency, queries (${engine})`, () => {
    let f: AuditFixture;
    beforeEach(async () => {
      f = await openAuditFixture(engine);
    });
    afterEach(() => f.cleanup());

    test('archiving old partitions writes verifiable JSONL files; the rest still verifies', async () => {
      await addMonth(f, '2026-10', 4);
      await addMonth(f, '2026-11', 6);
      await addMonth(f, '2026-12', 3);
      const dir = path.join(f.dir, 'archive');
      const res = await f.log.archive(f.db, '2026-12', dir);
      assert.deepEqual(res.skipped, []);
      assert.deepEqual(res.archived.map((a) => [a.chain, a.records]), [['site-1:2026-10', 4], ['site-1:2026-11', 6]]);
      for (const a of res.archived) {
        assert.ok(existsSync(a.file));
        assert.deepEqual(await verifyArchiveFile(a.file, f.keyring), { ok: true, chain: a.chain, records: a.records, problem: null });
      }
      const left = await f.db.selectFrom('audit_records').select('chain').groupBy('chain').execute();
      assert.deepEqual(left.map((r) => r.chain), ['site-1:2026-12']);
      const cps = await f.db.selectFrom('audit_checkpoints').select(['chain', 'archived_at']).orderBy('chain').execute();
      assert.ok(cps.every((c) => c.archived_at === f.clock.t));

      await add(f, '2027-01-04T00:00:00Z');
      const r = await f.log.verify(f.db);
      assert.deepEqual(kinds(r), []);
      assert.deepEqual(r.chains.map((c) => [c.chain, c.records, c.state]), [
        ['site-1:2026-10', 0, 'archived'], ['site-1:2026-11', 0, 'archived'], ['site-1:2026-12', 3, 'closed'], ['site-1:2027-01', 1, 'open'],
      ]);
      assert.deepEqual((await f.log.archive(f.db, '2026-12', dir)).archived, [], 'archiving again does nothing');

      // a changed archive file is detected
      const file = res.archived[1]!.file;
      writeFileSync(file, readFileSync(file, 'utf8').replace('"actor_name":"alice"', '"actor_name":"bob"'));
      const bad = await verifyArchiveFile(file, f.keyring);
      assert.equal(bad.ok, false);
      assert.match(bad.problem ?? '', /record #1 does not match its hash/);
    });

    test('a tampered chain is not archived (its records stay for investigation)', async () => {
      await addMonth(f, '2026-10', 3);
      await addMonth(f, '2026-11', 1);
      await sql`update audit_records set action = 'camera.delete' where chain_seq = 2 and chain = ${'site-1:2026-10'}`.execute(f.db);
      const res = await f.log.archive(f.db, '2026-11', path.join(f.dir, 'archive'));
      assert.deepEqual(res.archived, []);
      assert.match(res.skipped[0]?.reason ?? '', /record #2 does not match its hash/);
      assert.equal((await f.db.selectFrom('audit_records').select('seq').where('chain', '=', 'site-1:2026-10').execute()).length, 3);
    });

    test('retention cutoff: default 7 years keeps every partition younger than that', () => {
      const cut = f.log.retentionCutoff(7 * 365 + 2, utc('2033-06-15T12:00:00Z'));
      assert.equal(cut, '2026-06');
      assert.throws(() => f.log.retentionCutoff(0), ValidationError);
    });

    test('concurrent appends, each in its own transaction, give gap-free linked chains (with rollovers)', async () => {
      const wide = f.ts.url ? await Store.open({ engine: 'postgres', postgresUrl: f.ts.url, poolSize: 16 }) : f.ts.store;
      try {
        const log = new AuditLog({ node: 'site-1', keyring: f.keyring, clock: f.clock });
        const other = new AuditLog({ node: 'site-2', keyring: f.keyring, clock: f.clock });
        const jobs = Array.from({ length: 30 }, (_, i) =>
          wide.transaction(async (tx) => {
            await (i % 5 === 4 ? other : log).append(tx, { actor: 'system', action: 'camera.view_live', at: utc('2026-11-10T00:00:00Z') + i });
          }),
        );
        await Promise.all(jobs);
        const months = ['2026-11-30T23:59:59.990Z', '2026-12-01T00:00:00Z', '2026-12-15T00:00:00Z', '2027-01-01T00:00:00Z'];
        await Promise.all(
          Array.from({ length: 40 }, (_, i) =>
            wide.transaction((tx) => log.append(tx, { actor: 'system', action: 'playback.view', at: utc(months[i % 4]!) + i })),
          ),
        );
        const seqs = await f.db.selectFrom('audit_records').select(['chain', 'chain_seq']).orderBy('chain').orderBy('chain_seq').execute();
        const byChain = new Map<string, number[]>();
        for (const s of seqs) byChain.set(s.chain, [...(byChain.get(s.chain) ?? []), s.chain_seq]);
        for (const [chain, list] of byChain) assert.deepEqual(list, list.map((_, i) => i + 1), `${chain} is contiguous`);
        assert.equal(byChain.get('site-2:2026-11')?.length, 6);
        assert.equal(seqs.length, 70);
        const r = await f.log.verify(f.db);
        assert.deepEqual(kinds(r), []);
        assert.equal(r.recordsChecked, 70);
        const open = await f.db.selectFrom('audit_chains').select('chain').where('closed_at', 'is', null).orderBy('chain').execute();
        assert.deepEqual(open.map((o) => o.chain), ['site-1:2027-01', 'site-2:2026-11'], 'one open chain per node');
      } finally {
        if (wide !== f.ts.store) await wide.close();
      }
    });

    test('verification while records are appended (and a chain rolls over) reports no false problems', async () => {
      await addMonth(f, '2026-12', 2);
      await addMonth(f, '2027-01', 300);
      let writer: Promise<unknown> | undefined;
      const r = await f.log.verify(f.db, {
        batchSize: 100,
        onProgress: () => {
          writer ??= (async () => {
            for (let i = 0; i < 2; i++) await add(f, utc('2027-01-20T00:00:00Z') + i);
            for (let i = 0; i < 3; i++) await add(f, utc('2027-02-02T00:00:00Z') + i);
          })();
        },
      });
      await writer;
      assert.deepEqual(kinds(r), []);
      assert.ok(r.chains.some((c) => (c.appendedDuringRun ?? 0) > 0), 'the writer ran while the verification read the chains');
      const after = await f.log.verify(f.db);
      assert.deepEqual(kinds(after), []);
      assert.equal(after.recordsChecked, 307);
      assert.equal(after.chains.length, 3);
    });

    test('query: filters, newest first, keyset pagination', async () => {
      const t0 = utc('2026-11-01T00:00:00Z');
      for (let i = 0; i < 25; i++) {
        await add(f, t0 + i * 60_000, {
          actor: i % 2 ? { id: 'u-1', name: 'alice' } : { id: 'u-2', name: 'bob' },
          action: i % 3 === 0 ? 'camera.update' : i % 3 === 1 ? 'playback.view' : 'camera.export',
          cameraIds: i % 4 === 0 ? ['cam-1', 'cam-2'] : ['cam-10'],
          caseRef: i < 5 ? 'HK-7' : null,
          purpose: 'review',
          details: { i },
        });
      }
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const page = await f.log.query(f.db, { limit: 10, cursor });
        assert.ok(page.items.length <= 10);
        seen.push(...page.items.map((it) => it.details.i as number));
        cursor = page.nextCursor;
      } while (cursor);
      assert.deepEqual(seen, Array.from({ length: 25 }, (_, i) => 24 - i));

      const first = (await f.log.query(f.db, { limit: 1 })).items[0]!;
      assert.equal(first.at, t0 + 24 * 60_000);
      assert.equal(typeof first.at, 'number');
      assert.deepEqual(first.cameraIds, ['cam-1', 'cam-2']);
      assert.equal(first.actorName, 'bob');

      const ids = async (filter: Parameters<AuditLog['query']>[1]) => (await f.log.query(f.db, filter)).items.map((it) => it.details.i as number).sort((a, b) => a - b);
      assert.deepEqual(await ids({ cameraId: 'cam-1' }), [0, 4, 8, 12, 16, 20, 24]);
      assert.deepEqual(await ids({ caseRef: 'HK-7' }), [0, 1, 2, 3, 4]);
      assert.deepEqual(await ids({ actorId: 'u-1', action: 'camera.' }), [3, 5, 9, 11, 15, 17, 21, 23]);
      assert.deepEqual(await ids({ action: 'playback.view', from: t0 + 10 * 60_000, to: t0 + 20 * 60_000 }), [10, 13, 16, 19]);
      assert.deepEqual(await ids({ action: 'CAMERA.' }), [], 'action prefix is case-sensitive on both engines');
      await assert.rejects(f.log.query(f.db, { limit: 501 }), ValidationError);
      await assert.rejects(f.log.query(f.db, { cursor: 'not-a-cursor' }), ValidationError);
    });

    test('record(): the services\' appender takes actor, ip, purpose and case from the action context', async () => {
      const principal = { userId: 'u-9', username: 'carol', displayName: 'Carol', grants: [], via: 'token' as const, tokenId: 'tok-1' };
      await f.ts.store.transaction((tx) =>
        f.log.record(tx, { principal, ip: '192.0.2.1', purpose: 'incident 12', caseRef: 'HK-12', requestId: 'req-1' }, { action: 'playback.view', targetType: 'camera', targetId: 'cam-3', cameraIds: ['cam-3'], details: { from: 1 } }),
      );
      await f.ts.store.transaction((tx) => f.log.record(tx, { principal: null, ip: null }, { action: 'auth.login', outcome: 'denied' }));
      const { items } = await f.log.query(f.db, {});
      assert.deepEqual(items.map((i) => [i.actorId, i.actorName, i.action, i.outcome, i.ip, i.purpose, i.caseRef, i.targetType, i.targetId]), [
        [null, 'system', 'auth.login', 'denied', null, null, null, null, null],
        ['u-9', 'carol', 'playback.view', 'ok', '192.0.2.1', 'incident 12', 'HK-12', 'camera', 'cam-3'],
      ]);
      assert.deepEqual(items.find((i) => i.action === 'playback.view')?.details, { from: 1, requestId: 'req-1', tokenId: 'tok-1' });
    });
  });
}
