import { lstat, mkdir, readdir, realpath, rename, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { isAppError } from '../core/errors';
import { resolveUnder } from '../record/layout';

/** Where files wait between "moved out of place" and "index row deleted" (same file system as the footage). */
export const TRASH_DIR = '.trash';
const SEGMENT_FILE = /^\d+\.[a-z0-9]{1,5}$/;

const CONCURRENCY = 16; // file operations in flight per batch (libuv runs them on its thread pool)

export type TrashResult = { kind: 'moved' } | { kind: 'gone' } | { kind: 'refused'; why: string };

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

/**
 * The only file operations of retention, confined to one storage root: nothing outside it is ever
 * moved or deleted (resolveUnder for every path, regular files only, no directory on the way may
 * be a link that leaves the root). Deletion is two-step: `trash` moves the segment to
 * `<root>/.trash/<same path>`; after the index transaction it is either `purge`d or `restore`d.
 */
export class StorageFiles {
  private realRoot?: string;

  constructor(readonly root: string) {}

  /** Whether the root exists as a directory (a missing root usually means an unmounted disk). */
  async available(): Promise<boolean> {
    try {
      const st = await lstat(this.root);
      if (!st.isDirectory()) return false;
      this.realRoot ??= await realpath(this.root);
      return true;
    } catch (err) {
      if (code(err) === 'ENOENT') return false;
      throw err;
    }
  }

  /** Moves a batch of segment files to .trash (a few at a time; directory checks are shared within the batch). */
  async trashMany(rels: string[]): Promise<TrashResult[]> {
    const memo = new Map<string, Promise<unknown>>();
    const once = <T>(key: string, fn: () => Promise<T>): Promise<T> => {
      if (!memo.has(key)) memo.set(key, fn());
      return memo.get(key) as Promise<T>;
    };
    const trashRoot = resolveUnder(this.root, TRASH_DIR);
    const trashOk = () => once('trash', async () => {
      await mkdir(trashRoot, { recursive: true });
      return (await lstat(trashRoot)).isDirectory();
    });
    return mapLimit(rels, CONCURRENCY, async (rel): Promise<TrashResult> => {
      const checked = await this.check(rel, (dir) => once(`real:${dir}`, () => realpath(dir)));
      if ('why' in checked) return { kind: 'refused', why: checked.why };
      if (!checked.abs) return { kind: 'gone' };
      if (!(await trashOk())) return { kind: 'refused', why: `${TRASH_DIR} is not a plain directory` };
      const dest = resolveUnder(this.root, path.posix.join(TRASH_DIR, rel));
      await once(`mkdir:${path.dirname(dest)}`, () => mkdir(path.dirname(dest), { recursive: true }));
      try {
        await rename(checked.abs, dest);
      } catch (err) {
        if (code(err) === 'ENOENT') return { kind: 'gone' }; // removed meanwhile
        throw err;
      }
      return { kind: 'moved' };
    });
  }

  async restore(rel: string): Promise<void> {
    const abs = resolveUnder(this.root, rel);
    await mkdir(path.dirname(abs), { recursive: true });
    await rename(resolveUnder(this.root, path.posix.join(TRASH_DIR, rel)), abs);
  }

  async purgeMany(rels: string[]): Promise<void> {
    await mapLimit(rels, CONCURRENCY, (rel) => this.purge(rel));
  }

  async purge(rel: string): Promise<void> {
    try {
      await unlink(resolveUnder(this.root, path.posix.join(TRASH_DIR, rel)));
    } catch (err) {
      if (code(err) !== 'ENOENT') throw err;
    }
  }

  /**
   * Removes `dir` (a segment's directory, relative) and its parents when empty: under the root the
   * hour, day, month and year directories (never the camera directory: the recorder may be creating
   * it); under .trash every level, so an idle .trash stays empty and cheap to check.
   */
  async pruneEmptyDirs(dir: string, where: 'root' | 'trash' | 'both' = 'both'): Promise<void> {
    const climb = async (base: string, stopAtCamera: boolean): Promise<void> => {
      for (let d = dir; stopAtCamera ? d.includes('/') : d !== '.'; d = path.posix.dirname(d)) {
        try {
          await rmdir(resolveUnder(base, d));
        } catch (err) {
          if (['ENOTEMPTY', 'EEXIST', 'ENOENT'].includes(code(err) ?? '')) return; // in use, or gone already: stop climbing
          throw err;
        }
      }
    };
    if (where !== 'trash') await climb(this.root, true);
    if (where !== 'root') await climb(path.join(this.root, TRASH_DIR), false);
  }

  /** Segment files left in .trash (a crash between move and index transaction), as paths relative to the root. */
  async trashed(limit = 10_000): Promise<string[]> {
    const out: string[] = [];
    const walk = async (rel: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(resolveUnder(this.root, path.posix.join(TRASH_DIR, rel)), { withFileTypes: true });
      } catch (err) {
        if (code(err) === 'ENOENT') return;
        throw err;
      }
      for (const e of entries) {
        if (out.length >= limit) return;
        const child = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) await walk(child);
        else if (e.isFile() && SEGMENT_FILE.test(e.name)) out.push(child); // links and foreign files are left alone
      }
    };
    const trashRoot = path.join(this.root, TRASH_DIR);
    try {
      if (!(await lstat(trashRoot)).isDirectory()) return out;
    } catch (err) {
      if (code(err) === 'ENOENT') return out;
      throw err;
    }
    await walk('');
    return out;
  }

  /** abs = the regular file to delete; abs undefined = already gone; why = refused. */
  private async check(rel: string, realDirOf: (dir: string) => Promise<string>): Promise<{ abs?: string } | { why: string }> {
    let abs: string;
    try {
      abs = resolveUnder(this.root, rel);
    } catch (err) {
      if (isAppError(err)) return { why: err.message };
      throw err;
    }
    const first = rel.split(/[\\/]/)[0] ?? '';
    if (first.startsWith('.') || path.isAbsolute(rel)) return { why: `'${rel}' is not a segment path (reserved or absolute)` };
    let st;
    try {
      st = await lstat(abs);
    } catch (err) {
      if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') return {};
      throw err;
    }
    if (!st.isFile()) return { why: `'${rel}' is not a regular file` };
    this.realRoot ??= await realpath(this.root);
    const realDir = await realDirOf(path.dirname(abs));
    if (realDir !== this.realRoot && !realDir.startsWith(this.realRoot + path.sep)) return { why: `'${rel}' lies behind a link that leaves the storage root` };
    return { abs };
  }
}

/** `fn` over `items` with at most `limit` in flight; results in input order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
