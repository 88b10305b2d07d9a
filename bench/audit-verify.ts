/**
 * Audit verification benchmark.
 *
 *   npx tsx bench/audit-verify.ts [--records 1000000] [--engine sqlite|postgres] [--chains 12]
 *                                 [--pg-url postgres://…/db] [--batch 5000] [--keep]
 *
 * Builds N valid, hash-chained records spread over `--chains` monthly chains (closed ones with
 * signed checkpoints) by bulk-inserting directly (not timed with verify), then times, on the same
 * warm database:
 *   read     – the verifier's own keyset-paginated SELECT of every row, nothing else (best of a run
 *              before and one after verify);
 *   serialize/sha256 – building the canonical payload of every row, and SHA-256 over those bytes;
 *   verify   – verifyAudit end to end.
 * Prints one JSON line on stdout; progress goes to stderr. Quick smoke: --records 20000.
 * PostgreSQL: with --pg-url the database must be empty (it is migrated); without it a temporary
 * database is created on the test server (SMARTVIEW_TEST_PG_URL or 127.0.0.1:5432) and dropped.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { GENESIS, checkpointHash, checkpointSigningMessage, nextPartition, partitionEnd, partitionStart, recordHash, recordPayload, sha256Hex } from '../src/audit/chain';
import { recordPages, verifyAudit, type RecordRow } from '../src/audit/verify';
import { SiteKeyring } from '../src/keys/site-keys';
import { Store } from '../src/store/store';
import type { AuditCheckpointTable } from '../src/store/schema';

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    engine: { type: 'string', default: 'sqlite' },
    chains: { type: 'string', default: '12' },
    'pg-url': { type: 'string' },
    batch: { type: 'string', default: '5000' },
    keep: { type: 'boolean', default: false },
  },
});
const N = Number(args.records);
const CHAINS = Math.max(1, Math.min(Number(args.chains), N));
const BATCH = Number(args.batch);
const engine = args.engine;
if (!Number.isSafeInteger(N) || N < 1) throw new Error(`--records must be a positive integer, got ${args.records}`);
if (engine !== 'sqlite' && engine !== 'postgres') throw new Error(`--engine must be sqlite or postgres, got ${engine}`);

const NODE = 'bench-1';
const ACTIONS = ['auth.login', 'camera.view_live', 'playback.view', 'camera.search', 'camera.export', 'camera.update'];
const log = (msg: string): void => void process.stderr.write(`[audit-bench] ${msg}\n`);
const secondsSince = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e9;

type Row = Omit<RecordRow, 'seq'>;
type Checkpoint = Omit<AuditCheckpointTable, 'archived_at'>;
interface Head { chain: string; node: string; partition: string; last_seq: number; last_hash: string; record_count: number; opened_at: number; closed_at: number | null }

/** Generates the chains in order, handing out record batches, then heads and checkpoints. */
function* generate(keyring: SiteKeyring, onDone: (heads: Head[], cps: Checkpoint[]) => void): Generator<Row[]> {
  const heads: Head[] = [];
  const cps: Checkpoint[] = [];
  let partition = '2025-01';
  let prevCp = GENESIS;
  let made = 0;
  for (let c = 0; c < CHAINS; c++, partition = nextPartition(partition)) {
    const count = Math.floor(N / CHAINS) + (c < N % CHAINS ? 1 : 0);
    const chain = `${NODE}:${partition}`;
    const t0 = partitionStart(partition);
    const step = Math.max(1, Math.floor((partitionEnd(partition) - t0) / (count + 1)));
    let prev = prevCp;
    let firstAt = 0;
    let lastAt = 0;
    let batch: Row[] = [];
    for (let s = 1; s <= count; s++, made++) {
      const i = made;
      const at = t0 + s * step;
      const r: Row = {
        chain, chain_seq: s, at, actor_id: `u-${i % 500}`, actor_name: `user${i % 500}`, action: ACTIONS[i % ACTIONS.length]!,
        target_type: 'camera', target_id: `cam-${i % 20000}`, camera_ids: `["cam-${i % 20000}"]`,
        purpose: i % 3 === 0 ? 'incident review' : null, case_ref: i % 10 === 0 ? `HK-2025-${i % 1000}` : null,
        ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, outcome: i % 50 === 0 ? 'denied' : 'ok',
        details: `{"durationMs":${i % 60000},"via":"web"}`, prev_hash: prev, hash: '',
      };
      r.hash = recordHash(r);
      prev = r.hash;
      if (s === 1) firstAt = at;
      lastAt = at;
      batch.push(r);
      if (batch.length === 10_000) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
    const closed = c < CHAINS - 1;
    heads.push({ chain, node: NODE, partition, last_seq: count, last_hash: prev, record_count: count, opened_at: t0, closed_at: closed ? partitionEnd(partition) : null });
    if (closed) {
      const f = { chain, node: NODE, partition, record_count: count, first_at: count ? firstAt : null, last_at: count ? lastAt : null, last_hash: prev, prev_checkpoint_hash: prevCp, created_at: partitionEnd(partition) };
      const h = checkpointHash(f);
      const { keyId, signature } = keyring.sign(checkpointSigningMessage(h));
      cps.push({ ...f, checkpoint_hash: h, key_id: keyId, signature });
      prevCp = h;
    }
  }
  onDone(heads, cps);
}

const COLS = ['chain', 'chain_seq', 'at', 'actor_id', 'actor_name', 'action', 'target_type', 'target_id', 'camera_ids', 'purpose', 'case_ref', 'ip', 'outcome', 'details', 'prev_hash', 'hash'] as const;

function buildSqlite(file: string, keyring: SiteKeyring): void {
  const conn = new SQLite(file);
  conn.pragma('journal_mode = WAL');
  conn.pragma('synchronous = OFF');
  const ins = conn.prepare(`insert into audit_records (${COLS.join(',')}) values (${COLS.map((c) => '@' + c).join(',')})`);
  const insMany = conn.transaction((rows: Row[]) => {
    for (const r of rows) ins.run(r);
  });
  let done = 0;
  for (const rows of generate(keyring, (heads, cps) => {
    const h = conn.prepare('insert into audit_chains (chain,node,partition,last_seq,last_hash,record_count,opened_at,closed_at) values (@chain,@node,@partition,@last_seq,@last_hash,@record_count,@opened_at,@closed_at)');
    const c = conn.prepare('insert into audit_checkpoints (chain,node,partition,record_count,first_at,last_at,last_hash,prev_checkpoint_hash,checkpoint_hash,key_id,signature,created_at) values (@chain,@node,@partition,@record_count,@first_at,@last_at,@last_hash,@prev_checkpoint_hash,@checkpoint_hash,@key_id,@signature,@created_at)');
    conn.transaction(() => {
      heads.forEach((x) => h.run(x));
      cps.forEach((x) => c.run(x));
    })();
  })) {
    insMany(rows);
    if ((done += rows.length) % 200_000 === 0) log(`built ${done} records`);
  }
  conn.pragma('wal_checkpoint(TRUNCATE)');
  conn.close();
}

async function buildPostgres(url: string, keyring: SiteKeyring): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const insertRows = async (table: string, cols: readonly string[], rows: Record<string, unknown>[]): Promise<void> => {
      for (let i = 0; i < rows.length; i += 1000) {
        const chunk = rows.slice(i, i + 1000);
        const params: unknown[] = [];
        const tuples = chunk.map((r) => `(${cols.map((col) => `$${params.push(r[col])}`).join(',')})`);
        await client.query(`insert into ${table} (${cols.join(',')}) values ${tuples.join(',')}`, params);
      }
    };
    let meta: [Head[], Checkpoint[]] = [[], []];
    let done = 0;
    for (const rows of generate(keyring, (h, c) => (meta = [h, c]))) {
      await insertRows('audit_records', COLS, rows);
      if ((done += rows.length) % 200_000 === 0) log(`built ${done} records`);
    }
    const [heads, cps] = meta;
    await insertRows('audit_chains', Object.keys(heads[0]!), heads as unknown as Record<string, unknown>[]);
    if (cps.length) await insertRows('audit_checkpoints', Object.keys(cps[0]!), cps as unknown as Record<string, unknown>[]);
    await client.query('vacuum analyze audit_records');
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-audit-bench-'));
  const keyring = new SiteKeyring(path.join(dir, 'keys'));
  let store: Store;
  let cleanupPg: (() => Promise<void>) | null = null;
  const tBuild = process.hrtime.bigint();
  let dbBytes: number | null = null;
  if (engine === 'sqlite') {
    const file = path.join(dir, 'audit.db');
    await (await Store.open({ engine: 'sqlite', sqlitePath: file }).then(async (s) => (await s.migrate(), s))).close();
    buildSqlite(file, keyring);
    dbBytes = statSync(file).size;
    store = await Store.open({ engine: 'sqlite', sqlitePath: file });
  } else {
    let url = args['pg-url'];
    if (!url) {
      const admin = new URL(process.env.SMARTVIEW_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
      const name = `sv_bench_${randomBytes(4).toString('hex')}`;
      const a = new pg.Client({ connectionString: admin.toString() });
      await a.connect();
      await a.query(`create database ${name}`);
      await a.end();
      admin.pathname = `/${name}`;
      url = admin.toString();
      const adminUrl = process.env.SMARTVIEW_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
      cleanupPg = async () => {
        const c = new pg.Client({ connectionString: adminUrl });
        await c.connect();
        await c.query(`drop database if exists ${name} with (force)`);
        await c.end();
      };
    }
    store = await Store.open({ engine: 'postgres', postgresUrl: url, poolSize: 2 });
    await store.migrate();
    await buildPostgres(url, keyring);
  }
  const buildSeconds = secondsSince(tBuild);
  log(`built ${N} records in ${CHAINS} chains in ${buildSeconds.toFixed(1)} s; measuring`);

  try {
    // Baseline 1: read every row with the verifier's own paginated query.
    let t0 = process.hrtime.bigint();
    let rowsRead = 0;
    for await (const rows of recordPages(store.db, BATCH)) rowsRead += rows.length;
    const readFirstSeconds = secondsSince(t0);

    // Baseline 2: canonical serialisation, and SHA-256 of exactly those bytes (timed apart, page by page).
    let serializeNs = 0n;
    let hashNs = 0n;
    for await (const rows of recordPages(store.db, BATCH)) {
      const s0 = process.hrtime.bigint();
      const payloads = rows.map(recordPayload);
      const s1 = process.hrtime.bigint();
      for (const p of payloads) sha256Hex(p);
      hashNs += process.hrtime.bigint() - s1;
      serializeNs += s1 - s0;
    }

    // The real thing.
    t0 = process.hrtime.bigint();
    let lastLog = 0;
    const result = await verifyAudit(store.db, keyring, {
      batchSize: BATCH,
      onProgress: (n) => {
        if (n - lastLog >= 250_000) log(`verified ${(lastLog = n)} records`);
      },
    });
    const verifySeconds = secondsSince(t0);

    // Read again now that everything is warm (JIT, caches); the baseline is the faster of the two.
    t0 = process.hrtime.bigint();
    for await (const rows of recordPages(store.db, BATCH)) void rows;
    const readSeconds = Math.min(readFirstSeconds, secondsSince(t0));
    const r3 = (x: number): number => Math.round(x * 1000) / 1000;
    const out = {
      bench: 'audit-verify',
      engine,
      records: N,
      rowsRead,
      chains: CHAINS,
      batch: BATCH,
      dbBytes,
      buildSeconds: r3(buildSeconds),
      readSeconds: r3(readSeconds),
      serializeSeconds: r3(Number(serializeNs) / 1e9),
      sha256Seconds: r3(Number(hashNs) / 1e9),
      verifySeconds: r3(verifySeconds),
      verifyRecordsPerSecond: Math.round(result.recordsChecked / verifySeconds),
      readRecordsPerSecond: Math.round(rowsRead / readSeconds),
      verifyOverReadPlusHash: r3(verifySeconds / (readSeconds + Number(serializeNs + hashNs) / 1e9)),
      ok: result.ok,
      recordsChecked: result.recordsChecked,
      checkpointsChecked: result.checkpointsChecked,
      problems: result.problems.length,
      targetMet: verifySeconds < (10 * N) / 1_000_000,
      node: process.version,
      cpus: os.cpus().length,
    };
    process.stdout.write(JSON.stringify(out) + '\n');
    if (!result.ok) {
      log(`verification FAILED: ${JSON.stringify(result.problems.slice(0, 5))}`);
      process.exitCode = 1;
    }
  } finally {
    await store.close();
    if (cleanupPg) await cleanupPg();
    if (args.keep) log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

await main();
