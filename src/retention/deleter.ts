import path from 'node:path';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Clock } from '../core/time';
import type { Store } from '../store/store';
import type { StorageFiles } from './files';
import { HoldRepository } from './hold.repository';
import { RetentionRepository, type Candidate, type Rule } from './retention.repository';

export interface BatchResult {
  /** Segments whose index row was deleted (and a retention_deletions row written). */
  deleted: Candidate[];
  /** Of those, files that were already gone (no space freed by them), and their bytes as indexed. */
  gone: number;
  goneBytes: number;
  /** Left alone: paths that would leave the storage root, links, not regular files. */
  refused: number;
  /** Held after all (a hold placed while the batch was being prepared): restored. */
  held: number;
}

const PRUNE_AFTER_MS = 2 * 3_600_000; // the recorder may still create a recent hour's directory

/**
 * Deletes one batch of segments of one storage under one rule:
 *   1. move each file to <root>/.trash (refusing anything outside the root);
 *   2. one transaction: re-check active holds (authoritative; on PostgreSQL ordered against hold
 *      placement by an advisory lock), delete the index rows, write retention_deletions rows;
 *   3. unlink the trashed files of deleted rows; put back any that turned out to be held.
 * A crash between 1 and 2 leaves files in .trash whose rows still exist: `recoverTrash` puts them back.
 */
export async function deleteBatch(deps: { store: Store; clock: Clock; log: Logger }, files: StorageFiles, cands: Candidate[], rule: Rule): Promise<BatchResult> {
  const { store, log } = deps;
  const moved: Candidate[] = [];
  const gone: Candidate[] = [];
  let refused = 0;
  const results = await files.trashMany(cands.map((c) => c.path));
  for (const [i, c] of cands.entries()) {
    const r = results[i]!;
    if (r.kind === 'moved') moved.push(c);
    else if (r.kind === 'gone') gone.push(c);
    else {
      refused++;
      log.error({ storage: c.storage, path: c.path, segmentId: c.id, why: r.why }, 'retention refused to delete a file; its index row is kept. Inspect the storage and fix or remove the row by hand.');
    }
  }
  const now = deps.clock.now();
  const both = [...moved, ...gone];
  let outcome: { deleted: Set<number>; held: Set<number> };
  try {
    outcome = await store.transaction(async (tx) => {
      await HoldRepository.lock(tx, store.engine, 'delete');
      const held = await new HoldRepository(tx).heldAmong(both.map((c) => c.id));
      const repo = new RetentionRepository(tx);
      const deleted = await repo.deleteSegments(both.filter((c) => !held.has(c.id)).map((c) => c.id));
      await repo.recordDeletions(both.filter((c) => deleted.has(c.id)).map((c) => ({ ...c, rule, at: now })));
      return { deleted, held };
    });
  } catch (err) {
    await putBack(files, moved, log);
    throw err;
  }
  for (const c of moved.filter((m) => outcome.held.has(m.id))) {
    try {
      await files.restore(c.path);
    } catch (err) {
      log.error({ storage: c.storage, path: c.path, err: errorMessage(err) }, 'cannot put a held segment back from .trash; the next sweep retries');
    }
  }
  // deleted by us, or by a concurrent sweep that found it gone
  await files.purgeMany(moved.filter((m) => !outcome.held.has(m.id)).map((c) => c.path)).catch((err: unknown) => {
    log.error({ storage: cands[0]?.storage, err: errorMessage(err) }, 'cannot unlink trashed segments; the next sweep retries from .trash');
  });
  if (gone.length) log.warn({ storage: cands[0]?.storage, count: gone.length, example: gone[0]?.path }, 'segment files were already gone; their index rows were removed');
  const dirs = new Map<string, 'both' | 'trash'>(); // one attempt per directory
  for (const c of moved) if (dirs.get(path.posix.dirname(c.path)) !== 'both') dirs.set(path.posix.dirname(c.path), outcome.deleted.has(c.id) && c.startMs < now - PRUNE_AFTER_MS ? 'both' : 'trash');
  for (const [dir, where] of dirs) await files.pruneEmptyDirs(dir, where);
  const goneDeleted = gone.filter((c) => outcome.deleted.has(c.id));
  return { deleted: both.filter((c) => outcome.deleted.has(c.id)), gone: goneDeleted.length, goneBytes: goneDeleted.reduce((n, c) => n + c.bytes, 0), refused, held: outcome.held.size };
}

async function putBack(files: StorageFiles, moved: Candidate[], log: Logger): Promise<void> {
  for (const c of moved) {
    try {
      await files.restore(c.path);
    } catch (err) {
      log.error({ path: c.path, err: errorMessage(err) }, 'cannot put a segment back from .trash after a failed transaction; the next sweep retries');
    }
  }
}

/** Puts back files left in .trash whose index row still exists; unlinks the rest (their deletion committed). */
export async function recoverTrash(store: Store, storage: string, files: StorageFiles, log: Logger): Promise<number> {
  const trashed = await files.trashed();
  if (!trashed.length) return 0;
  const indexed = await new RetentionRepository(store.db).indexedPaths(storage, trashed);
  for (const rel of trashed) {
    if (indexed.has(rel)) await files.restore(rel);
    else await files.purge(rel);
    await files.pruneEmptyDirs(path.posix.dirname(rel), 'trash');
  }
  log.warn({ storage, restored: trashed.filter((r) => indexed.has(r)).length, purged: trashed.filter((r) => !indexed.has(r)).length }, 'retention finished deletions interrupted earlier (files left in .trash)');
  return trashed.length;
}
