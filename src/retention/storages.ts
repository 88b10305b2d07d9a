import { statfs } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/schema';

/** A storage of this node as retention sees it: its id, absolute root and optional quota. */
export interface StorageRoot {
  id: string;
  root: string;
  quotaBytes: number | null;
}

/** Storage roots from config (relative paths are below dataDir, as the recorder resolves them). */
export function storageRoots(config: Config): StorageRoot[] {
  return config.recording.storages.map((s) => ({ id: s.id, root: path.resolve(config.dataDir, s.path), quotaBytes: s.quotaBytes ?? null }));
}

/** Free bytes available to an unprivileged writer on the file system holding `root`. Injectable for tests. */
export type FreeSpace = (root: string) => Promise<number>;

/** fs.statfs of the root, or of its nearest existing parent while the recorder has not created it yet. */
export const statfsFreeSpace: FreeSpace = async (root) => {
  let dir = path.resolve(root);
  for (;;) {
    try {
      const s = await statfs(dir);
      return Number(s.bavail) * Number(s.bsize);
    } catch (err) {
      const parent = path.dirname(dir);
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || parent === dir) throw err;
      dir = parent;
    }
  }
};
