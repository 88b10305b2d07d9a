import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/schema';
import { NotFoundError, OperationalError, ValidationError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Segment } from '../record/segment.repository';
import { resolveUnder } from '../record/layout';

/** The storage roots of this node by id (relative paths are below dataDir). */
export function storageRoots(config: Pick<Config, 'dataDir' | 'recording'>): Map<string, string> {
  return new Map(config.recording.storages.map((s) => [s.id, path.resolve(config.dataDir, s.path)]));
}

export interface SegmentFile {
  path: string;
  size: number;
  mtimeMs: number;
}

/**
 * The file of an indexed segment, refusing anything outside its storage root: the indexed path
 * is resolved lexically under the root (resolveUnder) AND the real path (symlinks followed) must
 * still lie under the root's real path. A row that points elsewhere is reported, never served.
 */
export function segmentFile(roots: Map<string, string>, seg: Pick<Segment, 'id' | 'storage' | 'path' | 'node'>, log: Logger): SegmentFile {
  const root = roots.get(seg.storage);
  if (!root) throw new NotFoundError('segment file', `${seg.id} (storage '${seg.storage}' is not configured on this node; the segment was recorded on node '${seg.node}')`);
  let abs: string;
  try {
    abs = resolveUnder(root, seg.path);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    log.error({ segment: seg.id, storage: seg.storage }, 'segment index row points outside its storage root; refused');
    throw new NotFoundError('segment', String(seg.id));
  }
  let real: string;
  let realRoot: string;
  try {
    real = realpathSync(abs);
    realRoot = realpathSync(root);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      log.warn({ segment: seg.id, storage: seg.storage, path: seg.path }, 'indexed segment file is missing');
      throw new NotFoundError('segment file', String(seg.id));
    }
    throw new OperationalError('storage_unreadable', `Storage '${seg.storage}' cannot be read: ${code ?? String(err)}`, { cause: err });
  }
  if (!real.startsWith(realRoot + path.sep)) {
    log.error({ segment: seg.id, storage: seg.storage }, 'segment file resolves (through a link) outside its storage root; refused');
    throw new NotFoundError('segment', String(seg.id));
  }
  const st = statSync(real);
  if (!st.isFile()) throw new NotFoundError('segment file', String(seg.id));
  return { path: real, size: st.size, mtimeMs: st.mtimeMs };
}

export type ByteRange = { start: number; end: number }; // inclusive

/**
 * A single `Range: bytes=…` request against a file of `size` bytes: a range, 'unsatisfiable'
 * (416), or null to serve the whole file (no header, or a form we do not serve such as several ranges).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return null;
  const [, a, b] = m;
  if (a === '' && b === '') return null;
  let start: number;
  let end: number;
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  }
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}
