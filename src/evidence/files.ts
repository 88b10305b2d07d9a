import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { OperationalError } from '../core/errors';
import { MANIFEST_FILE, SIGNATURE_FILE } from './manifest';
import type { TarInputFile } from './tar';

/** Regular files under `root`, as posix paths relative to it (sorted). Anything else is refused. */
export async function listBundleFiles(root: string, rel = ''): Promise<Array<{ rel: string; size: number }>> {
  const out: Array<{ rel: string; size: number }> = [];
  for (const name of (await readdir(path.join(root, rel))).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    const st = await lstat(path.join(root, r));
    if (st.isDirectory()) out.push(...(await listBundleFiles(root, r)));
    else if (st.isFile()) out.push({ rel: r, size: st.size });
    else throw new OperationalError('bundle_unexpected_entry', `The bundle ${root} holds ${r}, which is not a regular file`);
  }
  return out;
}

/** The bundle's files for its tar: `<exportId>/manifest.json` and `manifest.sig` first, then the rest in name order. */
export async function bundleTarFiles(dir: string, exportId: string, mtimeMs: number): Promise<TarInputFile[]> {
  const files = await listBundleFiles(dir);
  const rank = (r: string) => (r === MANIFEST_FILE ? 0 : r === SIGNATURE_FILE ? 1 : 2);
  files.sort((a, b) => rank(a.rel) - rank(b.rel) || (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return files.map((f) => ({ name: `${exportId}/${f.rel}`, file: path.join(dir, f.rel), size: f.size, mtimeMs }));
}
