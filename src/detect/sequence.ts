/** Image sequences: a directory of frames read in natural order (frame2.jpg before frame10.jpg). */
import { readdir } from 'node:fs/promises';
import path from 'node:path';

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.bmp', '.webp', '.tif', '.tiff', '.ppm', '.pgm', '.pnm'];

export function isImagePath(file: string): boolean {
  return IMAGE_EXTENSIONS.includes(path.extname(file).toLowerCase());
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' });

/** Natural order: digit runs compare as numbers ('img2' < 'img10'); ties broken by plain code-unit order. */
export function naturalCompare(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** The image files directly in `dir` (no recursion, hidden files skipped), in natural order. */
export async function listImageSequence(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.') && isImagePath(e.name))
    .map((e) => e.name)
    .sort(naturalCompare);
}
