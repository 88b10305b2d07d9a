import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { sql } from 'kysely';
import { ENGINES } from '../../test/support/engines';
import { verifySignature } from '../keys/site-keys';
import { add, addMonth, kinds, openAuditFixture, utc, type AuditFixture } from './audit.fixtures';
import { GENESIS, checkpointHash, checkpointSigningMessage } from './chain';

const NOV = 'site-1:2026-11';
const DEC = 'site-1:2026-12';
const JAN = 'site-1:2027-01';

for (const engine of ENGINES) {
  describe(`audit trail: hash chain and tamper detection (${engine})`, () => {
    let f: AuditFixture;
    beforeEach(async () => {
      f = await openAuditFixture(engine);
      await addMonth(f, '2026-11', 10);
      await addMonth(f, '2026-12', 5);
      await addMonth(f, '2027-01', 3);
    });
    afterEach(() => f.cleanup());

    const verify = () => f.log.verify(f.db);
    const raw = (q: ReturnType<typeof sql>) => q.execute(f.db);

    test('happy path: every chain verifies, progress is reported, states are right', async () => {
      const progress: number[] = [];
      const r = await f.log.verify(f.db, { batchSize: 100, onProgress: (n) => progress.push(n) });
      assert.deepEqual(kinds(r), []);
      assert.equal(r.ok, true);
      assert.equal(r.recordsChecked, 18);
      assert.equal(r.checkpointsChecked, 2);
      assert.deepEqual(r.chains.map((c) => [c.chain, c.records, c.ok, c.state]), [
        [NOV, 10, true, 'closed'], [DEC, 5, true, 'closed'], [JAN, 3, true, 'open'],
      ]);
      assert.equal(progress.at(-1), 18);
    });

    test('the record commits with the caller\'s transaction or not at all', async () => {
      await assert.rejects(
        f.ts.store.transaction(async (tx) => {
          await f.log.append(tx, { actor: 'system', action: 'camera.import', at: utc('2027-01-20T00:00:00Z') });
          throw new Error('import failed');
        }),
        /import failed/,
      );
      const head = await f.db.selectFrom('audit_chains').selectAll().where('chain', '=', JAN).executeTakeFirstOrThrow();
      assert.equal(head.last_seq, 3);
      assert.equal((await verify()).ok, true);
    });

    test('rollover writes a signed checkpoint and the next chain links to it', async () => {
      const cps = await f.db.selectFrom('audit_checkpoints').selectAll().orderBy('partition').execute();
      assert.deepEqual(cps.map((c) => c.chain), [NOV, DEC]);
      const [nov, dec] = cps as [(typeof cps)[0], (typeof cps)[0]];
      const novRecs = await f.db.selectFrom('audit_records').selectAll().where('chain', '=', NOV).orderBy('chain_seq').execute();
      assert.equal(nov.record_count, 10);
      assert.equal(nov.last_hash, novRecs[9]!.hash);
      assert.equal(nov.first_at, utc('2026-11-02T00:00:00Z'));
      assert.equal(nov.last_at, utc('2026-11-02T09:00:00Z'));
      assert.equal(nov.prev_checkpoint_hash, GENESIS);
      assert.equal(novRecs[0]!.prev_hash, GENESIS);
      assert.equal(nov.checkpoint_hash, checkpointHash(nov));
      const pub = f.keyring.publicKey(nov.key_id);
      assert.ok(pub);
      assert.equal(verifySignature(pub.publicKeyPem, checkpointSigningMessage(nov.checkpoint_hash), nov.signature), true);
      assert.equal(dec.prev_checkpoint_hash, nov.checkpoint_hash);
      const firstDec = await f.db.selectFrom('audit_records').selectAll().where('chain', '=', DEC).where('chain_seq', '=', 1).executeTakeFirstOrThrow();
      assert.equal(firstDec.prev_hash, nov.checkpoint_hash);
      const heads = await f.db.selectFrom('audit_chains').select(['chain', 'closed_at']).orderBy('chain').execute();
      assert.deepEqual(heads.map((h) => h.closed_at !== null), [true, true, false]);
    });

    test('a late record for a closed partition goes into the open chain and keeps its time', async () => {
      const r = await add(f, '2026-11-30T23:59:59.999Z');
      assert.equal(r.chain, JAN);
      assert.equal(r.chainSeq, 4);
      assert.equal(r.at, utc('2026-11-30T23:59:59.999Z'));
      assert.equal((await verify()).ok, true);
    });

    test('seal closes a finished partition; the next chain links to its checkpoint', async () => {
      assert.deepEqual((await f.log.seal(f.db, { now: utc('2027-01-31T23:00:00Z') })).sealed, []);
      const s = await f.log.seal(f.db, { now: utc('2027-02-01T00:00:00Z') });
      assert.deepEqual(s.sealed.map((x) => [x.chain, x.records]), [[JAN, 3]]);
      assert.deepEqual((await f.log.seal(f.db)).sealed, [], 'sealing twice is a no-op');
      const late = await add(f, '2027-01-31T23:59:00Z');
      assert.equal(late.chain, 'site-1:2027-02', 'a sealed partition is never reopened');
      await add(f, '2027-03-05T00:00:00Z');
      const r = await verify();
      assert.deepEqual(kinds(r), []);
      assert.equal(r.checkpointsChecked, 4);
    });

    test('editing one field of a middle record → modified at that chain_seq', async () => {
      await raw(sql`update audit_records set actor_name = 'mallory' where chain = ${NOV} and chain_seq = 5`);
      const r = await verify();
      assert.equal(r.ok, false);
      assert.deepEqual(kinds(r), [`modified@${NOV}#5`]);
      assert.match(r.problems[0]!.message, /#5 of chain site-1:2026-11.*actor 'mallory'.*no longer matches its hash/);
      assert.deepEqual(r.chains.map((c) => c.ok), [false, true, true]);
    });

    test('a nonsense time in a tampered record is reported, not a crash', async () => {
      // PostgreSQL: audit_records is partitioned by month of `at` (0015); a tamperer must first add a partition for the value.
      if (engine === 'postgres') await raw(sql.raw('create table audit_records_tamper partition of audit_records for values from (9000000000000000) to (9000000000000001)'));
      await raw(sql`update audit_records set at = ${9_000_000_000_000_000} where chain = ${DEC} and chain_seq = 2`);
      const r = await verify();
      assert.deepEqual(kinds(r), [`modified@${DEC}#2`]);
      assert.match(r.problems[0]!.message, /not a valid time/);
    });

    test('editing a record and re-hashing it → broken link at the next record', async () => {
      const rec = await f.db.selectFrom('audit_records').selectAll().where('chain', '=', NOV).where('chain_seq', '=', 4).executeTakeFirstOrThrow();
      const { recordHash } = await import('./chain');
      const forged = recordHash({ ...rec, details: '{"n":0}' });
      await raw(sql`update audit_records set details = '{"n":0}', hash = ${forged} where seq = ${rec.seq}`);
      assert.deepEqual(kinds(await verify()), [`broken_link@${NOV}#5`]);
    });

    test('deleting a middle record → missing', async () => {
      await raw(sql`delete from audit_records where chain = ${NOV} and chain_seq = 5`);
      const r = await verify();
      assert.deepEqual(kinds(r), [`missing@${NOV}#5`]);
      assert.match(r.problems[0]!.message, /#5 is missing .*jump from #4 to #6/);
    });

    test('deleting the last record → detected through the chain head (open and closed chains)', async () => {
      await raw(sql`delete from audit_records where chain = ${JAN} and chain_seq = 3`);
      await raw(sql`delete from audit_records where chain = ${NOV} and chain_seq = 10`);
      const r = await verify();
      assert.deepEqual(kinds(r), [`head_mismatch@${NOV}#10`, `head_mismatch@${JAN}#3`]);
      assert.match(r.problems[1]!.message, /says it ends at #3 .* last stored record is #2: record #3 is missing from the end/);
    });

    test('swapping two records\' contents → reordered at both positions', async () => {
      const cols = ['at', 'actor_id', 'actor_name', 'action', 'target_type', 'target_id', 'camera_ids', 'purpose', 'case_ref', 'ip', 'outcome', 'details', 'prev_hash', 'hash'] as const;
      const rows = await f.db.selectFrom('audit_records').select(['seq', ...cols]).where('chain', '=', NOV).where('chain_seq', 'in', [3, 7]).orderBy('chain_seq').execute();
      const [a, b] = rows as [(typeof rows)[0], (typeof rows)[0]];
      const { seq: _sa, ...contentA } = a;
      const { seq: _sb, ...contentB } = b;
      await f.db.updateTable('audit_records').set(contentB).where('seq', '=', a.seq).execute();
      await f.db.updateTable('audit_records').set(contentA).where('seq', '=', b.seq).execute();
      const r = await verify();
      assert.deepEqual(kinds(r), [`reordered@${NOV}#3`, `reordered@${NOV}#7`]);
      assert.match(r.problems[0]!.message, /#3 .* holds the record written as #7/);
    });

    test('swapping two adjacent records is also recognised as a move', async () => {
      const rows = await f.db.selectFrom('audit_records').selectAll().where('chain', '=', DEC).where('chain_seq', 'in', [2, 3]).orderBy('chain_seq').execute();
      const [a, b] = rows as [(typeof rows)[0], (typeof rows)[0]];
      await f.db.updateTable('audit_records').set({ chain_seq: -1 }).where('seq', '=', a.seq).execute();
      await f.db.updateTable('audit_records').set({ chain_seq: 2 }).where('seq', '=', b.seq).execute();
      await f.db.updateTable('audit_records').set({ chain_seq: 3 }).where('seq', '=', a.seq).execute();
      assert.deepEqual(kinds(await verify()), [`reordered@${DEC}#2`, `reordered@${DEC}#3`]);
    });

    test('a row inserted beyond a closed chain\'s head, or into an unknown chain → inserted', async () => {
      const rec = await f.db.selectFrom('audit_records').selectAll().where('chain', '=', NOV).where('chain_seq', '=', 10).executeTakeFirstOrThrow();
      const { seq: _s, ...copy } = rec;
      await f.db.insertInto('audit_records').values({ ...copy, chain_seq: 11 }).execute();
      await f.db.insertInto('audit_records').values({ ...copy, chain: 'site-9:2026-11' }).execute();
      assert.deepEqual(kinds(await verify()), [`inserted@${NOV}#11`, 'inserted@site-9:2026-11']);
    });

    test('forged signature, unknown key, altered checkpoint and a removed chain are all detected', async () => {
      const other = await openAuditFixture('sqlite');
      try {
        const forged = other.keyring.sign(checkpointSigningMessage('0'.repeat(64))).signature;
        await raw(sql`update audit_checkpoints set signature = ${forged} where chain = ${NOV}`);
        await raw(sql`update audit_checkpoints set key_id = ${other.keyring.current().keyId} where chain = ${DEC}`);
        let r = await verify();
        assert.deepEqual(kinds(r), [`bad_signature@${NOV}`, `unknown_key@${DEC}`]);
        assert.match(r.problems[1]!.message, /key_id '[0-9a-f]{16}', which is not one of this site's public keys/);

        await raw(sql`update audit_checkpoints set record_count = 9 where chain = ${NOV}`);
        r = await verify();
        assert.ok(kinds(r).includes(`modified@${NOV}`));
        assert.ok(kinds(r).includes(`head_mismatch@${NOV}`));
      } finally {
        await other.cleanup();
      }
    });

    test('removing a whole middle chain (records, head and checkpoint) breaks the links', async () => {
      await raw(sql`delete from audit_records where chain = ${DEC}`);
      await raw(sql`delete from audit_chains where chain = ${DEC}`);
      await raw(sql`delete from audit_checkpoints where chain = ${DEC}`);
      assert.deepEqual(kinds(await verify()), [`broken_link@${JAN}#1`]);
    });

    test('checkpoints signed before a key rotation still verify', async () => {
      f.keyring.rotate();
      await add(f, '2027-02-03T00:00:00Z');
      const r = await verify();
      assert.deepEqual(kinds(r), []);
      const keyIds = new Set((await f.db.selectFrom('audit_checkpoints').select('key_id').execute()).map((c) => c.key_id));
      assert.equal(keyIds.size, 2);
    });
  });
}
