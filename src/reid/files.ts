import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { UserError } from '../core/errors';

const IMAGE_EXT = /\.(jpe?g|png|bmp|webp|ppm|pgm|tiff?|gif)$/i;

/**
 * The images named by the arguments: a file as given; a directory's images recursively, in name order, each
 * with its `source` = its path below that directory ('/'-separated), so outputs of two machines compare.
 */
export async function listImages(inputs: readonly string[]): Promise<{ path: string; source: string }[]> {
  const out: { path: string; source: string }[] = [];
  for (const input of inputs) {
    const st = await stat(input).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
      throw err;
    });
    if (!st) throw new UserError('input_not_found', `${input} does not exist: give image files or directories of images`, { input }, 404);
    if (st.isFile()) {
      out.push({ path: input, source: input });
      continue;
    }
    const walk = async (dir: string): Promise<void> => {
      const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const e of entries) {
        const p = join(dir, e.name);
        if (e.isDirectory()) await walk(p);
        else if (e.isFile() && IMAGE_EXT.test(e.name)) out.push({ path: p, source: relative(input, p).split(sep).join('/') });
      }
    };
    await walk(input);
  }
  return out;
}
