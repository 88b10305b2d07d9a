import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, realpath, rename, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { NotFoundError, errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import { assertSafeId } from '../record/layout';

const REL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\/\d{4}\/\d{2}\/\d{2}\/[A-Za-z0-9-]{1,64}\.jpg$/;

/**
 * Event snapshots on disk: <root>/<camera>/<YYYY>/<MM>/<DD>/<eventId>.jpg, dated by when the event
 * was stored (UTC), so pruning by age is deleting whole day directories. The database holds the
 * relative path; reading it back re-checks that it stays inside the root (a tampered row or a
 * symlink cannot make the API serve another file).
 */
export class SnapshotStore {
  constructor(
    readonly root: string,
    private readonly log: Logger,
  ) {}

  static relPath(cameraId: string, eventId: string, atMs: number): string {
    assertSafeId(cameraId);
    assertSafeId(eventId);
    const d = new Date(atMs);
    const p2 = (n: number) => String(n).padStart(2, '0');
    return path.posix.join(cameraId, String(d.getUTCFullYear()), p2(d.getUTCMonth() + 1), p2(d.getUTCDate()), `${eventId}.jpg`);
  }

  /** Writes atomically (temp file + rename); returns the relative path. */
  async write(cameraId: string, eventId: string, atMs: number, jpeg: Buffer): Promise<string> {
    const rel = SnapshotStore.relPath(cameraId, eventId, atMs);
    const file = path.join(this.root, rel);
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, jpeg);
    await rename(tmp, file);
    return rel;
  }

  async remove(rel: string): Promise<void> {
    await unlink(path.join(this.root, rel)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') this.log.warn({ rel, err: errorMessage(err) }, 'could not delete an event snapshot');
    });
  }

  /** The JPEG at `rel` (a path from the database), only if it lies inside the root. */
  async read(rel: string, eventId: string): Promise<Buffer> {
    const missing = new NotFoundError('snapshot of event', eventId);
    if (!REL.test(rel) || rel.split('/').includes('..')) {
      this.log.warn({ eventId, rel: rel.slice(0, 200) }, 'refused an event snapshot path that is not of the snapshot layout');
      throw missing;
    }
    const root = path.resolve(this.root);
    const file = path.resolve(root, rel);
    if (!file.startsWith(root + path.sep)) throw missing;
    let real: string;
    let realRoot: string;
    try {
      [real, realRoot] = await Promise.all([realpath(file), realpath(root)]);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw missing;
      throw err;
    }
    if (!real.startsWith(realRoot + path.sep)) {
      this.log.warn({ eventId, rel }, 'refused an event snapshot that resolves outside the snapshot directory');
      throw missing;
    }
    return readFile(real);
  }

  /** Deletes day directories older than `beforeMs` (whole UTC days); returns how many. */
  async pruneBefore(beforeMs: number): Promise<number> {
    const cutoff = new Date(beforeMs);
    const cutoffDay = Date.UTC(cutoff.getUTCFullYear(), cutoff.getUTCMonth(), cutoff.getUTCDate());
    let removed = 0;
    for (const camera of await dirs(this.root)) {
      for (const y of await dirs(path.join(this.root, camera))) {
        for (const m of await dirs(path.join(this.root, camera, y))) {
          for (const d of await dirs(path.join(this.root, camera, y, m))) {
            const day = Date.UTC(Number(y), Number(m) - 1, Number(d));
            if (!Number.isFinite(day) || day >= cutoffDay) continue;
            await rm(path.join(this.root, camera, y, m, d), { recursive: true, force: true });
            removed++;
          }
          await rmdirIfEmpty(path.join(this.root, camera, y, m));
        }
        await rmdirIfEmpty(path.join(this.root, camera, y));
      }
    }
    return removed;
  }
}

async function dirs(p: string): Promise<string[]> {
  try {
    return (await readdir(p, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

async function rmdirIfEmpty(p: string): Promise<void> {
  if ((await readdir(p)).length === 0) await rm(p, { recursive: true, force: true });
}
