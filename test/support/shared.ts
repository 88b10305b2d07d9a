import { existsSync } from 'node:fs';
import path from 'node:path';

/** `../shared` beside the repo: real data for tests. Absent in a user's fresh clone. */
export const SHARED_DIR = path.resolve(import.meta.dirname, '../../../shared');

/** For `test(name, { skip: sharedSkip() }, …)`: skips with a clear message when ../shared is absent. */
export function sharedSkip(sub = ''): string | false {
  const p = path.join(SHARED_DIR, sub);
  return existsSync(p) ? false : `../shared${sub ? '/' + sub : ''} is not present (it is beside the repo in CI); skipping`;
}
