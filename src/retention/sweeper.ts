import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Clock } from '../core/time';
import type { Store } from '../store/store';
import { announceResumed, raiseCritical } from './alerts';
import { deleteBatch, recoverTrash, type BatchResult } from './deleter';
import { StorageFiles } from './files';
import type { StorageGateStore } from './gate';
import type { StorageState } from './index';
import { RetentionRepository, type Candidate, type Position, type Rule } from './retention.repository';
import { statfsFreeSpace, type FreeSpace, type StorageRoot } from './storages';

const DAY = 86_400_000;
/** A paused storage resumes only with this much headroom, so it does not flap between pause and resume. */
const QUOTA_RESUME_MARGIN = 0.02;
const FREE_RESUME_MARGIN = 0.05;
const POLICY_TTL_MS = 30_000;

export interface SweeperOptions {
  store: Store;
  log: Logger;
  clock: Clock;
  gate: StorageGateStore;
  /** This recorder node: only its segments (segments.node) on its own storages are touched. */
  node: string;
  storages: StorageRoot[];
  defaultDays: number;
  emergencyMinFreeBytes: number;
  freeSpace?: FreeSpace;
  /** Segments per deleting transaction. */
  batchSize?: number;
  /** Batches per phase (age; space per storage) in one sweep; the rest waits for the next sweep, which follows at once. */
  maxBatchesPerPhase?: number;
  /** Time budget of the age phase in one sweep (it also visits cameras with nothing to delete). */
  maxPhaseMs?: number;
  /** Called after a commit that wrote domain events (the outbox relay's kick). */
  afterCommit?: () => void;
}

export interface SweepSummary {
  startedAt: number;
  ms: number;
  deleted: Record<Rule, { count: number; bytes: number }>;
  gone: number;
  refused: number;
  held: number;
  /** True when a budget ran out: more is due and the runner sweeps again shortly. */
  more: boolean;
  storages: StorageState[];
}

/**
 * The retention sweep of one node. Per sweep: (1) age — per camera, footage older than its
 * retention_days (capped by its owner's retentionDaysCap; default retention.defaultDays); (2) per
 * storage, quota — oldest footage first until under quotaBytes; (3) emergency — oldest first until
 * free space is back above retention.emergencyMinFreeBytes. Segments under an active legal hold
 * are never candidates, and are re-checked in the deleting transaction. When a storage is still
 * short and nothing deletable is left, it raises `storage.critical` and pauses the storage (gate).
 * Every phase works in bounded batches, so a huge backlog is worked off over several sweeps.
 */
export class RetentionSweeper {
  private readonly files: Map<string, StorageFiles>;
  private readonly freeSpace: FreeSpace;
  private readonly batch: number;
  private readonly maxBatches: number;
  private readonly maxPhaseMs: number;
  private ageCursor = '';
  private policyCache?: { at: number; map: Map<string, { days: number | null; cap: number | null }> };
  private current?: Promise<SweepSummary>;
  private timer?: NodeJS.Timeout;
  private tick?: () => Promise<void>;
  private stopped = true;
  private again = false;
  private readonly missing = new Set<string>();

  constructor(private readonly o: SweeperOptions) {
    this.files = new Map(o.storages.map((s) => [s.id, new StorageFiles(s.root)]));
    this.freeSpace = o.freeSpace ?? statfsFreeSpace;
    this.batch = o.batchSize ?? 200;
    this.maxBatches = o.maxBatchesPerPhase ?? 50;
    this.maxPhaseMs = o.maxPhaseMs ?? 5000;
  }

  /** One sweep (a call during a running sweep joins it). */
  sweep(): Promise<SweepSummary> {
    this.current ??= this.run().finally(() => (this.current = undefined));
    return this.current;
  }

  /** Sweeps every `intervalMs` (the first time after `firstDelayMs`), and again shortly while a backlog remains. */
  start(intervalMs: number, firstDelayMs = 1000): void {
    this.stopped = false;
    const tick = async (): Promise<void> => {
      let next = intervalMs;
      try {
        const s = await this.sweep();
        if (s.more || this.again) next = 100;
      } catch (err) {
        this.o.log.warn({ err: errorMessage(err) }, 'retention sweep failed; it runs again later');
      }
      this.again = false;
      if (!this.stopped) this.schedule(tick, next);
    };
    this.tick = tick;
    this.schedule(tick, firstDelayMs);
  }

  /** Sweep soon (e.g. after a hold was released). */
  kick(): void {
    if (this.stopped || !this.tick) return;
    if (this.current) this.again = true;
    else this.schedule(this.tick, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.allSettled([this.current]);
  }

  private schedule(fn: () => Promise<void>, ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void fn(), ms);
    this.timer.unref();
  }

  private async run(): Promise<SweepSummary> {
    const t0 = Date.now();
    const s: SweepSummary = { startedAt: this.o.clock.now(), ms: 0, deleted: { age: z(), owner_cap: z(), quota: z(), emergency: z() }, gone: 0, refused: 0, held: 0, more: false, storages: [] };
    const ready: StorageRoot[] = [];
    for (const st of this.o.storages) {
      const files = this.files.get(st.id)!;
      if (await files.available()) {
        if (this.missing.delete(st.id)) this.o.log.info({ storage: st.id, root: st.root }, 'storage root is back; retention covers it again');
        await recoverTrash(this.o.store, st.id, files, this.o.log);
        ready.push(st);
      } else if (!this.missing.has(st.id)) {
        this.missing.add(st.id);
        this.o.log.warn({ storage: st.id, root: st.root }, 'storage root does not exist (not created yet, or the disk is not mounted): retention skips it');
      }
    }
    await this.agePhase(s, ready);
    for (const st of ready) s.storages.push(await this.spacePhase(s, st));
    s.ms = Date.now() - t0;
    const total = Object.values(s.deleted).reduce((n, d) => n + d.count, 0);
    this.o.log[total || s.refused ? 'info' : 'debug']({ deleted: s.deleted, gone: s.gone, refused: s.refused, held: s.held, more: s.more, ms: s.ms }, s.more ? 'retention sweep: progress (backlog continues)' : 'retention sweep done');
    return s;
  }

  private async agePhase(s: SweepSummary, ready: StorageRoot[]): Promise<void> {
    if (!ready.length) return;
    const repo = new RetentionRepository(this.o.store.db);
    const storages = ready.map((r) => r.id);
    const now = this.o.clock.now();
    const deadline = Date.now() + this.maxPhaseMs;
    let budget = this.maxBatches;
    for (;;) {
      const cam = await repo.nextCamera(this.ageCursor);
      if (cam === undefined) {
        this.ageCursor = ''; // a full pass over every camera is done
        return;
      }
      const { days, rule } = await this.policy(cam);
      let pos: Position | undefined;
      for (;;) {
        if (budget <= 0 || Date.now() > deadline) {
          s.more = true; // the cursor stays before this camera: the next sweep resumes it
          return;
        }
        const cands = await repo.expired({ cameraId: cam, cutoff: now - days * DAY, node: this.o.node, storages, limit: this.batch, after: pos });
        if (cands.length) budget--;
        for (const [storage, group] of byStorage(cands)) add(s, rule, await deleteBatch(this.o, this.files.get(storage)!, group, rule));
        if (cands.length < this.batch) break;
        pos = cands[cands.length - 1]!;
        await yieldToLoop();
      }
      this.ageCursor = cam;
    }
  }

  /** Quota, then emergency, on one storage; then the gate decision. */
  private async spacePhase(s: SweepSummary, st: StorageRoot): Promise<StorageState> {
    const repo = new RetentionRepository(this.o.store.db);
    const prev = this.o.gate.get(st.id);
    const paused = prev?.paused ?? false;
    const minFree = this.o.emergencyMinFreeBytes;
    let used = await repo.usedBytes(st.id, this.o.node);
    let budget = this.maxBatches;
    let pos: Position | undefined;
    let exhausted = false;
    const free = async (need: number, rule: Rule): Promise<{ index: number; disk: number }> => {
      budget--;
      const cands = await repo.oldestOnStorage({ storage: st.id, node: this.o.node, limit: this.batch, after: pos });
      if (!cands.length) {
        exhausted = true;
        return { index: 0, disk: 0 };
      }
      const take = prefixCovering(cands, need);
      pos = take[take.length - 1]!;
      const r = await deleteBatch(this.o, this.files.get(st.id)!, take, rule);
      add(s, rule, r);
      await yieldToLoop();
      const index = sum(r.deleted);
      return { index, disk: index - r.goneBytes };
    };

    let quotaShort = false;
    if (st.quotaBytes !== null) {
      const target = st.quotaBytes - (paused ? Math.floor(st.quotaBytes * QUOTA_RESUME_MARGIN) : 0);
      while (used > target && !exhausted && budget > 0) used -= (await free(used - target, 'quota')).index;
      quotaShort = used > target;
    }
    let freeBytes: number | null = null;
    let freeShort = false;
    if (minFree > 0) {
      freeBytes = await this.measure(st);
      if (freeBytes !== null) {
        const target = minFree + (paused ? Math.floor(minFree * FREE_RESUME_MARGIN) : 0);
        while (freeBytes < target && !exhausted && budget > 0) {
          const r = await free(target - freeBytes, 'emergency');
          used -= r.index;
          // The file system may report freed space late: trust the larger of measurement and estimate.
          freeBytes = Math.max((await this.measure(st)) ?? 0, freeBytes + r.disk);
        }
        freeShort = freeBytes < target;
      }
    }
    const short = quotaShort || freeShort;
    if (short && !exhausted) s.more = true;
    const critical = short && exhausted;
    const pause = critical || (paused && short); // short but budget spent: keep a pause until the storage is clear
    const state: StorageState = {
      storage: st.id, paused: pause, reason: null, since: pause ? (prev?.since ?? this.o.clock.now()) : null, freeBytes, usedBytes: used,
      heldBytes: pause ? await repo.heldBytes(st.id, this.o.node) : 0, quotaBytes: st.quotaBytes, minFreeBytes: minFree, checkedAt: this.o.clock.now(),
    };
    if (pause) state.reason = state.heldBytes > 0 ? 'storage_full_held' : 'storage_full';
    if (pause && !paused) await raiseCritical(this.o, state);
    if (!pause && paused) await announceResumed(this.o, state);
    this.o.gate.update(state);
    return state;
  }

  private async measure(st: StorageRoot): Promise<number | null> {
    try {
      return await this.freeSpace(st.root);
    } catch (err) {
      this.o.log.warn({ storage: st.id, root: st.root, err: errorMessage(err) }, 'cannot read free space of the storage; the emergency rule skips it this time');
      return null;
    }
  }

  private async policy(cameraId: string): Promise<{ days: number; rule: Rule }> {
    const now = Date.now();
    if (!this.policyCache || now - this.policyCache.at > POLICY_TTL_MS) this.policyCache = { at: now, map: new Map() };
    let p = this.policyCache.map.get(cameraId);
    if (!p) {
      p = (await new RetentionRepository(this.o.store.db).policies([cameraId])).get(cameraId) ?? { days: null, cap: null };
      this.policyCache.map.set(cameraId, p);
    }
    const days = p.days ?? this.o.defaultDays;
    return p.cap !== null && p.cap < days ? { days: p.cap, rule: 'owner_cap' } : { days, rule: 'age' };
  }
}

function z(): { count: number; bytes: number } {
  return { count: 0, bytes: 0 };
}

function add(s: SweepSummary, rule: Rule, r: BatchResult): void {
  s.deleted[rule].count += r.deleted.length;
  s.deleted[rule].bytes += sum(r.deleted);
  s.gone += r.gone;
  s.refused += r.refused;
  s.held += r.held;
}

function sum(cs: Candidate[]): number {
  return cs.reduce((n, c) => n + c.bytes, 0);
}

/** The oldest candidates whose bytes together cover `need` (at least one). */
function prefixCovering(cands: Candidate[], need: number): Candidate[] {
  let acc = 0;
  let i = 0;
  while (i < cands.length && acc < need) acc += cands[i++]!.bytes;
  return cands.slice(0, Math.max(1, i));
}

function byStorage(cands: Candidate[]): Map<string, Candidate[]> {
  const m = new Map<string, Candidate[]>();
  for (const c of cands) m.set(c.storage, [...(m.get(c.storage) ?? []), c]);
  return m;
}
