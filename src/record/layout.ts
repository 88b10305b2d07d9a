import path from 'node:path';
import { ValidationError } from '../core/errors';

/**
 * Where segments live on disk (see docs/design/recording.md):
 *   <storage root>/<cameraId>/<YYYY>/<MM>/<DD>/<HH>/<startMs>.<ext>     (UTC)
 * One directory per camera-hour keeps directories small (360 files at 10 s) and makes age-based
 * deletion and tiering walk whole hours. Camera ids are restricted to [A-Za-z0-9._-] (no '..'),
 * and every path is checked to stay under its root.
 */
export function segmentRelPath(cameraId: string, startMs: number, ext = 'ts'): string {
  assertSafeId(cameraId);
  const d = new Date(startMs);
  const p2 = (n: number) => String(n).padStart(2, '0');
  return path.posix.join(cameraId, String(d.getUTCFullYear()), p2(d.getUTCMonth() + 1), p2(d.getUTCDate()), p2(d.getUTCHours()), `${startMs}.${ext}`);
}

export function assertSafeId(id: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(id) || id.includes('..')) throw new ValidationError(`unsafe id for a file name: '${id.slice(0, 80)}'`);
}

/** Resolves `rel` under `root`, refusing anything that escapes it. */
export function resolveUnder(root: string, rel: string): string {
  const abs = path.resolve(root, rel);
  const r = path.resolve(root);
  if (abs !== r && !abs.startsWith(r + path.sep)) throw new ValidationError(`path escapes its storage: '${rel.slice(0, 120)}'`);
  return abs;
}
