/**
 * Audit appends per second: group commit of standalone records (src/audit/group-commit.ts) against the
 * per-record path (one transaction per record: node lock, head FOR UPDATE, insert, head update, commit),
 * measured in the same run, on PostgreSQL and SQLite, with 1, 16 and 64 concurrent callers.
 *
 *   npx tsx bench/audit-append.ts [--smoke] [--seconds 8] [--engine both|sqlite|postgres] [--callers 1,16,64]
 *
 * Each caller appends in a closed loop (next record once the previous one is acknowledged, i.e. committed)
 * for the duration; a caller of the group-commit path is acknowledged only after its batch committed, as a
 * request would be. Stores: PostgreSQL, a private database on the shared server (synchronous_commit as
 * configured); SQLite, a file in a temporary directory (WAL, synchronous = NORMAL: the product's settings).
 * After each run the whole audit trail is verified (src/audit/verify.ts): every acknowledged record must be
 * there, the chain must verify. Progress on stderr, one JSON line on stdout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openTestStore } from '../test/support/engines';
import { AuditLog } from '../src/audit/index';
import type { AuditEntry } from '../src/audit/types';
import { SiteKeyring } from '../src/keys/site-keys';
import { Store } from '../src/store/store';
import { args, enginesArg, finish, intArg, log, machine } from './lib/common';
import { latencyStats, round } from './lib/stats';

const a = args({ smoke: 'boolean', seconds: 'string', engine: 'string', callers: 'string' });
const smoke = a.smoke === true;
const SECONDS = intArg(a.seconds, smoke ? 1 : 8);
const ENGINES = enginesArg(a.engine, 'both', true);
const CALLERS = (typeof a.callers === 'string' ? a.callers : '1,16,64').split(',').map((s) => intArg(s, 1));

type Mode = 'per-record' | 'group-commit';

interface RunResult { appendsPerSecond: number; appended: number; seconds: number; latencyMs: { p50: number; p99: number }; transactions: number; verified: boolean }

async function openStore(engine: 'sqlite' | 'postgres', dir: string): Promise<{ store: Store; cleanup: () => Promise<void> }> {
  if (engine === 'postgres') {
    const ts = await openTestStore('postgres');
    return { store: ts.store, cleanup: ts.cleanup };
  }
  const store = await Store.open({ engine: 'sqlite', sqlitePath: path.join(dir, `bench-${Date.now()}.db`) });
  await store.migrate();
  return { store, cleanup: () => store.close() };
}

function entry(caller: number, n: number): AuditEntry {
  const cam = `cam-${(caller * 7919 + n) % 5000}`;
  return {
    actor: { id: `u-${caller}`, name: `operator${caller}` }, action: 'live.view', target: { type: 'camera', id: cam }, cameraIds: [cam],
    purpose: 'monitoring', ip: '10.0.0.1', details: { requestId: `r-${caller}-${n}` },
  };
}

async function run(engine: 'sqlite' | 'postgres', mode: Mode, callers: number, dir: string): Promise<RunResult> {
  const { store, cleanup } = await openStore(engine, dir);
  try {
    const audit = new AuditLog({ node: 'bench-1', partition: 'month', keyring: new SiteKeyring(path.join(dir, 'keys')) });
    const group = audit.groupCommit(store.db);
    const append = mode === 'group-commit'
      ? (e: AuditEntry) => group.append(e)
      : (e: AuditEntry) => store.transaction((tx) => audit.append(tx, e));
    await append(entry(0, -1)); // opens the chain (first checkpoint look-up) outside the measurement
    const lat: number[] = [];
    let appended = 0;
    const start = performance.now();
    const end = start + SECONDS * 1000;
    await Promise.all(Array.from({ length: callers }, async (_, c) => {
      for (let n = 0; performance.now() < end; n++) {
        const t = performance.now();
        await append(entry(c, n));
        lat.push(performance.now() - t);
        appended++;
      }
    }));
    const secs = (performance.now() - start) / 1000;
    const v = await audit.verify(store.db);
    const verified = v.ok && v.recordsChecked === appended + 1;
    if (!verified) log('VERIFY FAILED', { ok: v.ok, checked: v.recordsChecked, appended: appended + 1, problems: v.problems.slice(0, 5) });
    const l = latencyStats(lat);
    return {
      appendsPerSecond: round(appended / secs, 0), appended, seconds: round(secs, 2), latencyMs: { p50: round(l.p50, 2), p99: round(l.p99, 2) },
      transactions: mode === 'group-commit' ? group.stats.batches - 1 : appended, verified,
    };
  } finally {
    await cleanup();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-audit-append-'));
  const results: Record<string, Record<string, Record<Mode, RunResult> & { speedup: number }>> = {};
  let allVerified = true;
  try {
    for (const engine of ENGINES) {
      results[engine] = {};
      for (const c of CALLERS) {
        const base = await run(engine, 'per-record', c, dir);
        log(`${engine} ${c} callers per-record`, base);
        const grp = await run(engine, 'group-commit', c, dir);
        log(`${engine} ${c} callers group-commit`, grp);
        allVerified &&= base.verified && grp.verified;
        results[engine][String(c)] = { 'per-record': base, 'group-commit': grp, speedup: round(grp.appendsPerSecond / Math.max(1, base.appendsPerSecond), 2) };
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  finish({ bench: 'audit-append', smoke, seconds: SECONDS, callers: CALLERS, results, allVerified, machine: machine(), loadavg: os.loadavg().map((x) => round(x, 1)) });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
