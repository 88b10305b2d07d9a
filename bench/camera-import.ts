/**
 * Camera import benchmark (Foundation target: 100,000 cameras imported in under 20 s, on SQLite
 * and on PostgreSQL).
 *
 *   npx tsx bench/camera-import.ts [--cameras 100000] [--engine sqlite|postgres|both] [--runs 1] [--smoke]
 *
 * Measured: POST /api/cameras/import?format=csv of the whole file against a real server (HTTP
 * upload + parse + validate + insert + audit + commit), end to end, as a client sees it.
 * Baseline, same run, same engine: the same rows bulk-inserted straight into a fresh, migrated
 * database (one transaction of multi-row INSERTs, no validation), i.e. the floor the engine sets.
 * Also reported: the in-process CSV parse + validation time (parseCameraCsv), for the breakdown.
 * Last line of stdout: one JSON object with every number.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { CameraRepository } from '../src/cameras/camera.repository';
import { parseCameraCsv } from '../src/cameras/import/csv';
import { Store } from '../src/store/store';
import { openTestStore } from '../test/support/engines';
import { args, call, createOwners, enginesArg, finish, intArg, log, machine, startBenchServer, type EngineName } from './lib/common';
import { median, round } from './lib/stats';
import { generateCameras, OWNERS, toCsv, toDbRows } from './lib/hk';

const TARGET = { cameras: 100_000, limitMs: 20_000 };

type Row = Record<string, string | number | null>;

function orgRows(now: number): Row[] {
  return OWNERS.map((o) => ({
    id: o.id, name: o.name, kind: o.kind, live_allowed: o.policy.liveAllowed ? 1 : 0, playback_allowed: o.policy.playbackAllowed ? 1 : 0,
    retention_days_cap: o.policy.retentionDaysCap, created_at: now, updated_at: now,
  }));
}

/** Multi-row INSERT statements of `per` rows each (the last one shorter), `$n` or `?` placeholders. */
function* insertChunks(table: string, rows: Row[], per: number, numbered: boolean): Generator<{ text: string; values: Array<string | number | null> }> {
  if (!rows.length) return;
  const cols = Object.keys(rows[0]!);
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    let n = 0;
    const tuples = chunk.map(() => `(${cols.map(() => (numbered ? `$${++n}` : '?')).join(',')})`);
    yield { text: `insert into ${table} (${cols.join(',')}) values ${tuples.join(',')}`, values: chunk.flatMap((r) => cols.map((c) => r[c] ?? null)) };
  }
}

/** Baseline on SQLite: a fresh migrated file (same pragmas as the product), one transaction. */
async function baselineSqlite(rows: { cameras: Row[]; credentials: Row[] }, now: number): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-bench-'));
  try {
    const file = path.join(dir, 'baseline.db');
    const store = await Store.open({ engine: 'sqlite', sqlitePath: file });
    await store.migrate();
    await store.close();
    const db = new SQLite(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    for (const c of insertChunks('organisations', orgRows(now), 100, false)) db.prepare(c.text).run(c.values);
    const cache = new Map<string, SQLite.Statement>();
    const run = (table: string, r: Row[]): void => {
      for (const c of insertChunks(table, r, 500, false)) {
        let st = cache.get(c.text);
        if (!st) cache.set(c.text, (st = db.prepare(c.text)));
        st.run(c.values);
      }
    };
    const t0 = performance.now();
    db.transaction(() => {
      run('cameras', rows.cameras);
      run('camera_credentials', rows.credentials);
    })();
    const ms = performance.now() - t0;
    const n = (db.prepare('select count(*) as n from cameras').get() as { n: number }).n;
    db.close();
    if (n !== rows.cameras.length) throw new Error(`baseline inserted ${n} rows, expected ${rows.cameras.length}`);
    return ms;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Baseline on PostgreSQL: a fresh migrated database, one transaction of 1000-row INSERTs. */
async function baselinePostgres(rows: { cameras: Row[]; credentials: Row[] }, now: number): Promise<number> {
  const t = await openTestStore('postgres');
  const client = new pg.Client({ connectionString: t.url });
  await client.connect();
  try {
    for (const c of insertChunks('organisations', orgRows(now), 100, true)) await client.query(c.text, c.values);
    const t0 = performance.now();
    await client.query('begin');
    for (const c of insertChunks('cameras', rows.cameras, 1000, true)) await client.query(c.text, c.values);
    for (const c of insertChunks('camera_credentials', rows.credentials, 1000, true)) await client.query(c.text, c.values);
    await client.query('commit');
    const ms = performance.now() - t0;
    const n = Number((await client.query('select count(*) as n from cameras')).rows[0].n);
    if (n !== rows.cameras.length) throw new Error(`baseline inserted ${n} rows, expected ${rows.cameras.length}`);
    return ms;
  } finally {
    await client.end();
    await t.cleanup();
  }
}

/** The product: a real server, owners created through the API, then one timed upload of the CSV. */
async function importThroughApi(engine: EngineName, csv: string, expected: number): Promise<{ ms: number; stored: number }> {
  const { srv, token } = await startBenchServer(engine);
  try {
    await createOwners(srv.url, token);
    const t0 = performance.now();
    const r = await call(srv.url, token, 'POST', '/api/cameras/import?format=csv', csv, 'text/csv');
    const ms = performance.now() - t0;
    if (r.status !== 200) throw new Error(`import: HTTP ${r.status} ${r.text.slice(0, 800)}`);
    const imported = (JSON.parse(r.text) as { imported: number }).imported;
    if (imported !== expected) throw new Error(`import reported ${imported} cameras, expected ${expected}`);
    const stored = await new CameraRepository(srv.running.sv.store.db).count();
    const audit = await call(srv.url, token, 'GET', '/api/audit?action=camera.import');
    const records = (JSON.parse(audit.text) as { items?: Array<{ details?: { count?: number } }> }).items ?? [];
    if (audit.status !== 200 || records.length !== 1 || records[0]?.details?.count !== expected) throw new Error(`expected one camera.import audit record for ${expected} cameras: HTTP ${audit.status} ${audit.text.slice(0, 300)}`);
    return { ms, stored };
  } finally {
    await srv.close();
  }
}

async function main(): Promise<void> {
  const a = args({ cameras: 'string', engine: 'string', runs: 'string', smoke: 'boolean' });
  const smoke = a.smoke === true;
  const n = intArg(a.cameras, smoke ? 1000 : TARGET.cameras);
  const runs = intArg(a.runs, 1);
  const engines = enginesArg(a.engine, 'both', true);

  log(`generating ${n} Hong Kong cameras`);
  const cams = generateCameras(n);
  const csv = toCsv(cams);
  const now = Date.now();
  const dbRows = toDbRows(cams, now);
  const withCredentials = dbRows.credentials.length;
  log(`CSV: ${(Buffer.byteLength(csv) / 1_048_576).toFixed(1)} MiB, ${withCredentials} rows with credentials in the URL`);

  const parseMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const parsed = parseCameraCsv(csv);
    parseMs.push(performance.now() - t0);
    const bad = parsed.rows.filter((r) => r.errors.length);
    if (parsed.fileErrors.length || bad.length) throw new Error(`generated CSV does not parse cleanly: ${JSON.stringify(parsed.fileErrors.concat(bad.slice(0, 3).flatMap((r) => r.errors)))}`);
  }
  log(`in-process parse + validation: ${parseMs.map((x) => x.toFixed(0)).join(', ')} ms`);

  const results = [];
  for (const engine of engines) {
    const baseline: number[] = [];
    const product: number[] = [];
    for (let i = 0; i < runs; i++) {
      // Alternate the order, so a slow phase of this noisy machine does not always hit the same side.
      const order = i % 2 === 0 ? ['baseline', 'product'] : ['product', 'baseline'];
      for (const what of order) {
        if (what === 'baseline') {
          const ms = engine === 'sqlite' ? await baselineSqlite(dbRows, now) : await baselinePostgres(dbRows, now);
          baseline.push(ms);
          log(`${engine} run ${i + 1}: baseline raw insert ${ms.toFixed(0)} ms`);
        } else {
          const { ms, stored } = await importThroughApi(engine, csv, n);
          if (stored !== n) throw new Error(`${stored} cameras stored, expected ${n}`);
          product.push(ms);
          log(`${engine} run ${i + 1}: POST /api/cameras/import ${ms.toFixed(0)} ms (${Math.round(n / (ms / 1000))} cameras/s)`);
        }
      }
    }
    const importMs = median(product);
    const baselineMs = median(baseline);
    const fullSize = n >= TARGET.cameras;
    results.push({
      engine,
      importMs: round(importMs, 0),
      importRuns: product.map((x) => round(x, 0)),
      camerasPerSec: Math.round(n / (importMs / 1000)),
      baselineInsertMs: round(baselineMs, 0),
      baselineRuns: baseline.map((x) => round(x, 0)),
      overheadVsBaseline: round(importMs / baselineMs, 1),
      target: { cameras: TARGET.cameras, limitMs: TARGET.limitMs, met: fullSize ? importMs < TARGET.limitMs : null },
    });
  }

  const summary = {
    bench: 'camera-import',
    at: new Date().toISOString(),
    smoke,
    cameras: n,
    camerasWithCredentials: withCredentials,
    csvBytes: Buffer.byteLength(csv),
    runs,
    parseAndValidateMs: round(median(parseMs), 0),
    machine: machine(),
    results,
  };
  for (const r of results) log(`${r.engine}: import ${r.importMs} ms vs raw insert ${r.baselineInsertMs} ms (×${r.overheadVsBaseline}); target <${TARGET.limitMs} ms for ${TARGET.cameras}: ${r.target.met === null ? 'n/a at this size' : r.target.met ? 'MET' : 'MISSED'}`);
  finish(summary);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
