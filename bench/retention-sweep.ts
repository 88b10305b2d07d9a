/**
 * Retention sweep benchmark: how fast does a backlog of expired footage go, and what does a pass
 * with nothing to delete cost?
 *
 *   npx tsx bench/retention-sweep.ts [--segments 100000] [--cameras 1000] [--engine sqlite|postgres|both] [--smoke]
 *
 * Data (not timed): `--segments` files of 2 KiB laid out as the recorder does
 * (<root>/<camera>/<Y>/<M>/<D>/<H>/<startMs>.ts) over `--cameras` cameras, all 40 days old
 * (default retention 30 days), indexed in `segments`.
 *   sweep    – RetentionSweeper.sweep() repeated until no backlog is left (the product: hold check
 *              in SQL, move to .trash, transaction with hold re-check + row delete + deletion record,
 *              unlink, empty directories pruned), with the longest single sweep (it must stay bounded);
 *   baseline – the same data rebuilt, then the floor: unlink each file and delete its index rows in
 *              200-row transactions, nothing else;
 *   idle     – one sweep over `--cameras` cameras that each hold one fresh segment (nothing to delete).
 * Last stdout line: JSON.
 */
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openTestStore } from '../test/support/engines';
import { silentLogger } from '../src/core/logger';
import { segmentRelPath } from '../src/record/layout';
import { SegmentRepository } from '../src/record/segment.repository';
import { StorageGateStore } from '../src/retention/gate';
import { RetentionSweeper } from '../src/retention/sweeper';
import type { Store } from '../src/store/store';
import { args, enginesArg, finish, intArg, log, machine, type EngineName } from './lib/common';
import { round } from './lib/stats';

const a = args({ segments: 'string', cameras: 'string', engine: 'string', smoke: 'boolean' });
const SEGMENTS = a.smoke ? 2000 : intArg(a.segments, 100_000);
const CAMERAS = a.smoke ? 20 : intArg(a.cameras, 1000);
const DAY = 86_400_000;
const NOW = Date.parse('2026-06-30T00:00:00Z');
const BODY = Buffer.alloc(2048, 0x47);

async function build(store: Store, root: string, ageMs: number, perCamera: number, cameras: number): Promise<void> {
  const rows = [];
  for (let c = 0; c < cameras; c++) {
    const cam = `cam-${String(c).padStart(5, '0')}`;
    for (let i = 0; i < perCamera; i++) {
      const start = NOW - ageMs + i * 10_000;
      const rel = segmentRelPath(cam, start);
      const file = path.join(root, rel);
      if (i === 0 || start % 3_600_000 < 10_000) mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, BODY);
      rows.push({ cameraId: cam, node: 'bench', storage: 'local', path: rel, startMs: start, endMs: start + 10_000, bytes: BODY.length, codec: 'h264', width: null, height: null, keyframes: [0], sha256: 'x'.repeat(64), status: 'ok' as const, createdAt: start });
    }
  }
  for (let i = 0; i < rows.length; i += 5000) await new SegmentRepository(store.db).insertMany(rows.slice(i, i + 5000));
}

function sweeper(store: Store, root: string): RetentionSweeper {
  const gate = new StorageGateStore(null, silentLogger());
  return new RetentionSweeper({ store, log: silentLogger(), clock: { now: () => NOW }, gate, node: 'bench', storages: [{ id: 'local', root, quotaBytes: null }], defaultDays: 30, emergencyMinFreeBytes: 0 });
}

async function runEngine(engine: EngineName): Promise<Record<string, unknown>> {
  const ts = await openTestStore(engine);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-bench-ret-'));
  const root = path.join(dir, 'recordings');
  const perCamera = Math.ceil(SEGMENTS / CAMERAS);
  const total = perCamera * CAMERAS;
  try {
    log(`${engine}: building ${total} expired segments over ${CAMERAS} cameras`);
    await build(ts.store, root, 40 * DAY, perCamera, CAMERAS);
    const sw = sweeper(ts.store, root);
    let sweeps = 0;
    let longest = 0;
    const t0 = performance.now();
    for (let more = true; more; sweeps++) {
      const s0 = performance.now();
      const s = await sw.sweep();
      longest = Math.max(longest, performance.now() - s0);
      more = s.more;
    }
    const sweepS = (performance.now() - t0) / 1000;
    const left = await ts.store.db.selectFrom('segments').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    if (Number(left.n) !== 0) throw new Error(`${left.n} segments left after the sweep`);
    log(`${engine}: sweep ${round(sweepS)} s in ${sweeps} sweeps (longest ${round(longest)} ms)`);

    log(`${engine}: rebuilding for the baseline`);
    await build(ts.store, root, 40 * DAY, perCamera, CAMERAS);
    const b0 = performance.now();
    for (;;) {
      const batch = await ts.store.db.selectFrom('segments').select(['id', 'path']).orderBy('start_ms').limit(200).execute();
      if (!batch.length) break;
      for (const r of batch) unlinkSync(path.join(root, r.path));
      await ts.store.transaction((tx) => tx.deleteFrom('segments').where('id', 'in', batch.map((r) => r.id)).execute());
    }
    const baseS = (performance.now() - b0) / 1000;
    log(`${engine}: baseline ${round(baseS)} s`);

    await build(ts.store, root, DAY, 1, CAMERAS);
    const i0 = performance.now();
    const idle = await sweeper(ts.store, root).sweep();
    const idleMs = performance.now() - i0;
    if (Object.values(idle.deleted).some((d) => d.count)) throw new Error('the idle sweep deleted something');
    log(`${engine}: idle pass over ${CAMERAS} cameras ${round(idleMs)} ms`);
    return {
      engine, segments: total, cameras: CAMERAS, sweepS: round(sweepS), segmentsPerS: Math.round(total / sweepS), sweeps, longestSweepMs: round(longest),
      baselineS: round(baseS), baselinePerS: Math.round(total / baseS), overhead: round(sweepS / baseS), idlePassMs: round(idleMs), idleMsPerCamera: round(idleMs / CAMERAS, 3),
    };
  } finally {
    await ts.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = [];
for (const engine of enginesArg(a.engine, 'both', true)) results.push(await runEngine(engine));
finish({ bench: 'retention-sweep', smoke: !!a.smoke, machine: machine(), results });
