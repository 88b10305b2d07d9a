/**
 * Storage-tier move benchmark: how fast does TierMover move segments from fast storage to a colder path,
 * compared with a plain `cp` of the same files in the same run?
 *
 *   npx tsx bench/tier-move.ts [--segments 200] [--mb 2.5] [--smoke]
 *
 * Data (not timed): `--segments` files of `--mb` MiB of random bytes (2.5 MiB = 10 s at 2 Mbit/s) laid out as
 * the recorder does, all two days old, indexed in `segments` (SQLite in a temp dir).
 *   mover     – TierMover.pass() until nothing is due (unthrottled): intent file, copy, fsync, read back and
 *               SHA-256, rename + fsync dir, index update, unlink source;
 *   cp        – the floor: `cp -r` of the same tree to another directory (no fsync);
 *   cp+sync   – `cp -r` then `sync` (the same durability as the mover's fsyncs).
 * Both copies run on the same file system (this machine has one disk), so numbers are copy rates, not NAS rates.
 * Last stdout line: JSON.
 */
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAuditService } from '../src/app/audit-service';
import { silentLogger } from '../src/core/logger';
import { SiteKeyring } from '../src/keys/site-keys';
import { segmentRelPath } from '../src/record/layout';
import { SegmentRepository } from '../src/record/segment.repository';
import { TierMover } from '../src/storage-tiers/mover';
import { Store } from '../src/store/store';
import { args, finish, intArg, log, machine } from './lib/common';
import { round } from './lib/stats';

const a = args({ segments: 'string', mb: 'string', smoke: 'boolean' });
const SEGMENTS = a.smoke ? 12 : intArg(a.segments, 200);
const BYTES = Math.round((a.smoke ? 1 : Number(a.mb ?? 2.5)) * 1024 * 1024);
const NOW = Date.now();
const DAY = 86_400_000;

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-bench-tier-'));
  try {
    const hot = path.join(dir, 'hot');
    const cold = path.join(dir, 'cold');
    mkdirSync(cold, { recursive: true });
    const store = await Store.open({ engine: 'sqlite', sqlitePath: path.join(dir, 'sv.db') });
    await store.migrate();
    const rows = [];
    for (let i = 0; i < SEGMENTS; i++) {
      const body = randomBytes(BYTES);
      const start = NOW - 2 * DAY + i * 10_000;
      const rel = segmentRelPath(`cam-${i % 10}`, start);
      mkdirSync(path.dirname(path.join(hot, rel)), { recursive: true });
      writeFileSync(path.join(hot, rel), body);
      rows.push({ cameraId: `cam-${i % 10}`, node: 'n1', storage: 'hot', path: rel, startMs: start, endMs: start + 10_000, bytes: BYTES, codec: 'h264', width: 1920, height: 1080, keyframes: [0], sha256: createHash('sha256').update(body).digest('hex'), status: 'ok' as const, createdAt: start });
    }
    await new SegmentRepository(store.db).insertMany(rows);
    const total = SEGMENTS * BYTES;
    execFileSync('sync');

    // baseline first (same files, page cache equally warm for both)
    const t0 = performance.now();
    execFileSync('cp', ['-r', hot, path.join(dir, 'cp-copy')]);
    const cpMs = performance.now() - t0;
    execFileSync('sync');
    const t1 = performance.now();
    execFileSync('cp', ['-r', hot, path.join(dir, 'cp-sync-copy')]);
    execFileSync('sync');
    const cpSyncMs = performance.now() - t1;
    rmSync(path.join(dir, 'cp-copy'), { recursive: true });
    rmSync(path.join(dir, 'cp-sync-copy'), { recursive: true });
    execFileSync('sync');

    const audit = createAuditService({ store, keyring: new SiteKeyring(path.join(dir, 'keys')), node: 'n1', partition: 'month', clock: { now: () => Date.now() } });
    const mover = new TierMover({
      store, audit, log: silentLogger(), clock: { now: () => Date.now() }, node: 'n1', roots: new Map([['hot', hot], ['cold', cold]]),
      tiers: { rules: [{ from: 'hot', to: 'cold', afterHours: 24 }], intervalMs: 60_000, bytesPerSecond: 1e12, batchSize: 200 },
    });
    const t2 = performance.now();
    let moved = 0;
    for (;;) {
      const p = await mover.pass();
      moved += p.moved;
      if (p.failed) throw new Error(`${p.failed} moves failed`);
      if (!p.moved) break;
    }
    const moverMs = performance.now() - t2;
    if (moved !== SEGMENTS) throw new Error(`moved ${moved} of ${SEGMENTS}`);
    await store.close();
    const mbps = (ms: number) => round(total / 1024 / 1024 / (ms / 1000), 1);
    log(`${SEGMENTS} segments × ${(BYTES / 1024 / 1024).toFixed(1)} MiB: mover ${mbps(moverMs)} MiB/s (${round(moverMs, 0)} ms), cp ${mbps(cpMs)} MiB/s, cp+sync ${mbps(cpSyncMs)} MiB/s`);
    finish({
      bench: 'tier-move', segments: SEGMENTS, segmentBytes: BYTES, totalBytes: total,
      moverMs: round(moverMs, 1), cpMs: round(cpMs, 1), cpSyncMs: round(cpSyncMs, 1),
      moverMiBps: mbps(moverMs), cpMiBps: mbps(cpMs), cpSyncMiBps: mbps(cpSyncMs), segmentsPerSecond: round(SEGMENTS / (moverMs / 1000), 1),
      ratioToCpSync: round(cpSyncMs / moverMs, 2), machine: machine(),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
