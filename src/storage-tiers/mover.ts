import { mkdir, open, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TiersConfig } from '../config/tiers.schema';
import type { ActionContext, AuditAppender } from '../core/context';
import { errorMessage, OperationalError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Clock } from '../core/time';
import { resolveUnder } from '../record/layout';
import type { Store } from '../store/store';
import { copyVerified, syncDir, Throttle, unlinkIfExists } from './copy';
import { TierRepository, type TierCandidate } from './tier.repository';

const HOUR = 3_600_000;
/** Move intents live on the source storage: `<from root>/.tier-moves/<first id>-<count>.json` (the group's moves). */
export const INTENT_DIR = '.tier-moves';
const SYSTEM_CTX: ActionContext = { principal: null, ip: null, systemActor: 'system:tiers' };

interface Intent {
  id: number;
  from: string;
  to: string;
  path: string;
}

export interface TierMoverOptions {
  store: Store;
  audit: AuditAppender;
  log: Logger;
  clock: Clock;
  /** This recorder node: only segments with segments.node = node are moved (their files are here). */
  node: string;
  /** Absolute roots of this node's storages by id. */
  roots: Map<string, string>;
  tiers: TiersConfig;
  /** Segments moved together (one intent, one index transaction); default 32. */
  movesPerBatch?: number;
  /** Test hook: called at each step of a group's move ('copied' | 'indexed' | 'unlinked'); a throw simulates a crash there. */
  step?: (name: 'copied' | 'indexed' | 'unlinked', segs: TierCandidate[]) => void | Promise<void>;
}

export interface TierPass {
  moved: number;
  bytes: number;
  failed: number;
  /** Rows that changed under the move (deleted by retention meanwhile): copy discarded. */
  vanished: number;
  ms: number;
  /** True when a batch was full: more is due. */
  more: boolean;
}

/**
 * Moves segments between storage tiers on the recorder node that holds them (docs/design/storage-tiers.md).
 * One move (in groups): intent file → copy to `<to>/<path>.part` → fsync → SHA-256 of the copy = the index's →
 * rename + fsync dir → index row points at (to, path) → unlink the source → drop the intent. `recover()` finishes or
 * undoes whatever a crash interrupted, so a segment is always playable from where its row points, and no
 * copy is left behind. Throttled (tiers.bytesPerSecond); recording is separate ffmpeg processes, never waits.
 */
export class TierMover {
  private readonly throttle: Throttle;
  private readonly failed = new Set<number>();
  private timer?: NodeJS.Timeout;
  private current?: Promise<TierPass>;
  private stopped = true;
  private closing = false;

  constructor(private readonly o: TierMoverOptions) {
    this.throttle = new Throttle(o.tiers.bytesPerSecond);
  }

  start(): void {
    if (!this.o.tiers.rules.length) return;
    this.stopped = false;
    const tick = async (): Promise<void> => {
      let next = this.o.tiers.intervalMs;
      try {
        const p = await this.pass();
        if (p.more) next = 100;
      } catch (err) {
        this.o.log.warn({ err: errorMessage(err) }, 'storage tier pass failed; it runs again later');
      }
      if (!this.stopped) this.timer = setTimeout(() => void tick(), next);
    };
    this.timer = setTimeout(() => void this.recover().catch((err: unknown) => this.o.log.error({ err: errorMessage(err) }, 'storage tier recovery failed; moves resume at the next pass')).then(tick), 1000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.closing = true;
    clearTimeout(this.timer);
    await Promise.allSettled([this.current]);
  }

  /** One pass over every rule (a call during a running pass joins it). */
  pass(): Promise<TierPass> {
    this.current ??= this.run().finally(() => (this.current = undefined));
    return this.current;
  }

  private root(id: string): string {
    const r = this.o.roots.get(id);
    if (!r) throw new OperationalError('storage_unknown', `Storage '${id}' of a tier rule is not configured on this node: add it to recording.storages`);
    return r;
  }

  private async run(): Promise<TierPass> {
    const t0 = Date.now();
    const p: TierPass = { moved: 0, bytes: 0, failed: 0, vanished: 0, ms: 0, more: false };
    const repo = new TierRepository(this.o.store.db);
    const group = this.o.movesPerBatch ?? 32;
    for (const rule of this.o.tiers.rules) {
      const cutoffMs = this.o.clock.now() - rule.afterHours * HOUR;
      // segments that failed to move (damaged, unreadable) are skipped until a restart, so they never block the rest
      const due = await repo.due({ node: this.o.node, storage: rule.from, cutoffMs, limit: this.o.tiers.batchSize, exclude: [...this.failed].slice(-1000) });
      const todo = due.filter((s) => !this.failed.has(s.id));
      if (due.length === this.o.tiers.batchSize && todo.length > 0) p.more = true;
      for (let i = 0; i < todo.length && !this.closing; i += group) {
        const part = todo.slice(i, i + group);
        try {
          const r = await this.moveBatch(part, rule.from, rule.to);
          p.moved += r.moved;
          p.bytes += r.bytes;
          p.vanished += r.vanished;
          for (const f of r.failed) {
            this.failed.add(f.id);
            p.failed++;
            this.o.log.error({ segmentId: f.id, from: rule.from, to: rule.to, why: f.why }, 'segment not moved to the colder tier; it stays where it is (retried after a restart)');
          }
        } catch (err) {
          for (const s of part) this.failed.add(s.id);
          p.failed += part.length;
          this.o.log.error({ from: rule.from, to: rule.to, segments: part.length, err: errorMessage(err) }, 'segment tier move failed; the segments stay where they are and recovery resolves the move at the next start');
        }
      }
    }
    p.ms = Date.now() - t0;
    if (p.moved) {
      await this.o.store.transaction((tx) =>
        this.o.audit.record(tx, SYSTEM_CTX, { action: 'recording.tier_move', targetType: 'node', targetId: this.o.node, details: { moved: p.moved, bytes: p.bytes, failed: p.failed, rules: this.o.tiers.rules } }),
      );
      this.o.log.info({ moved: p.moved, bytes: p.bytes, failed: p.failed, ms: p.ms }, 'segments moved to a colder storage tier');
    }
    return p;
  }

  /**
   * Moves a group of segments of one storage: one intent file for the group; each copied, fsynced, verified and
   * renamed into place (two at a time); the target directories fsynced once; every index row relocated in ONE
   * transaction; the sources unlinked and their directories fsynced; the intent dropped.
   */
  private async moveBatch(segs: TierCandidate[], from: string, to: string): Promise<{ moved: number; bytes: number; vanished: number; failed: Array<{ id: number; why: string }> }> {
    const fromRoot = this.root(from);
    const toRoot = this.root(to);
    const intentId = `${segs[0]!.id}-${segs.length}`;
    await this.writeIntent(fromRoot, intentId, segs.map((s) => ({ id: s.id, from, to, path: s.path })));
    const copied: Array<TierCandidate & { bytes: number }> = [];
    const failed: Array<{ id: number; why: string }> = [];
    await mapLimit(segs, 2, async (seg) => {
      const r = await copyVerified(resolveUnder(fromRoot, seg.path), resolveUnder(toRoot, seg.path), seg.sha256, this.throttle).catch((err: unknown) => ({ ok: false as const, why: errorMessage(err) }));
      if (r.ok) copied.push({ ...seg, bytes: r.bytes });
      else failed.push({ id: seg.id, why: r.why });
    });
    for (const dir of new Set(copied.map((s) => path.dirname(resolveUnder(toRoot, s.path))))) await syncDir(dir);
    await this.o.step?.('copied', copied);
    const moved = await this.o.store.transaction(async (tx) => {
      const r = new TierRepository(tx);
      const ok: typeof copied = [];
      for (const s of copied) if (await r.relocate(s.id, { storage: from, path: s.path }, { storage: to, path: s.path })) ok.push(s);
      return ok;
    });
    const movedIds = new Set(moved.map((s) => s.id));
    const vanished = copied.filter((s) => !movedIds.has(s.id));
    // Rows deleted by retention (or changed) while we copied: our copies are nobody's.
    for (const s of vanished) await unlinkIfExists(resolveUnder(toRoot, s.path));
    await this.o.step?.('indexed', moved);
    for (const s of moved) await unlinkIfExists(resolveUnder(fromRoot, s.path));
    for (const dir of new Set(moved.map((s) => path.dirname(resolveUnder(fromRoot, s.path))))) {
      await syncDir(dir).catch((err: unknown) => this.o.log.warn({ dir, err: errorMessage(err) }, 'fsync of a source directory failed'));
    }
    await this.o.step?.('unlinked', moved);
    await this.dropIntent(fromRoot, intentId);
    return { moved: moved.length, bytes: moved.reduce((n, s) => n + s.bytes, 0), vanished: vanished.length, failed };
  }

  /**
   * Finishes or undoes moves a crash interrupted, from the intent files of every source storage: row still at
   * the source → the copy (part or whole) is removed; row at the target → the source file is removed; row gone
   * (retention) → both leftovers are removed. Returns the number of intents resolved.
   */
  async recover(): Promise<number> {
    const repo = new TierRepository(this.o.store.db);
    let n = 0;
    for (const from of new Set(this.o.tiers.rules.map((r) => r.from))) {
      const root = this.o.roots.get(from);
      if (!root) continue;
      const dir = path.join(root, INTENT_DIR);
      let names: string[];
      try {
        names = (await readdir(dir)).filter((f) => f.endsWith('.json'));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw err;
      }
      for (const name of names) {
        for (const it of JSON.parse(await readFile(path.join(dir, name), 'utf8')) as Intent[]) {
          const src = resolveUnder(this.root(it.from), it.path);
          const dest = resolveUnder(this.root(it.to), it.path);
          const now = await repo.place(it.id);
          const at = now && now.path === it.path ? now.storage : null;
          if (at === it.to) {
            await unlinkIfExists(src);
          } else {
            await unlinkIfExists(`${dest}.part`);
            if (at !== null || !(await indexedElsewhere(repo, it))) await unlinkIfExists(dest);
            if (at === null) await unlinkIfExists(src);
          }
          this.o.log.warn({ segmentId: it.id, from: it.from, to: it.to, indexedOn: at }, 'an interrupted tier move was resolved');
          n++;
        }
        await this.dropIntent(root, name.slice(0, -'.json'.length));
      }
    }
    return n;
  }

  private async writeIntent(root: string, id: string, its: Intent[]): Promise<void> {
    const dir = path.join(root, INTENT_DIR);
    await mkdir(dir, { recursive: true });
    const h = await open(path.join(dir, `${id}.json`), 'w', 0o640);
    try {
      await h.writeFile(JSON.stringify(its));
      await h.sync();
    } finally {
      await h.close();
    }
    await syncDir(dir);
  }

  private async dropIntent(root: string, id: string): Promise<void> {
    await unlinkIfExists(path.join(root, INTENT_DIR, `${id}.json`));
  }
}

/** Whether another index row points at the target file (then recovery must not delete it). */
async function indexedElsewhere(repo: TierRepository, it: Intent): Promise<boolean> {
  return repo.indexedAt(it.to, it.path);
}

/** Runs `fn` over `items`, at most `limit` at a time. */
async function mapLimit<T>(items: T[], limit: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}
