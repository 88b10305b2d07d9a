import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../core/logger';
import { measureTs, type TsMeasure } from '../media/mpegts';
import { resolveUnder, segmentRelPath } from './layout';
import type { NewSegment } from './segment.repository';

/** A closed segment file in .incoming, read once: measured and hashed. */
export interface Inspected {
  file: string;
  name: string;
  bytes: number;
  mtimeMs: number;
  m: TsMeasure;
  sha256: string;
}

export interface Placement {
  startMs: number;
  endMs: number;
  /** Closed normally by ffmpeg (listed in its segment list). */
  listed: boolean;
  width: number | null;
  height: number | null;
}

/**
 * Turns closed segment files of one camera into index rows: inspect (TS measure + SHA-256 from
 * one read), then place (rename into the layout path, build the row). Files without any video
 * frame are moved aside to `<storage>/.quarantine/<cameraId>/` and reported; empty files are removed.
 */
export class SegmentCloser {
  private lastDir = '';

  constructor(
    private readonly o: { cameraId: string; storage: { id: string; root: string }; node: string; log: Logger; now: () => number },
  ) {}

  get incomingDir(): string {
    return path.join(this.o.storage.root, '.incoming', this.o.cameraId);
  }

  /** Returns null (and deals with the file) when it holds nothing playable. */
  async inspect(name: string): Promise<Inspected | null> {
    const file = path.join(this.incomingDir, name);
    const [buf, st] = await Promise.all([readFile(file), stat(file)]);
    if (buf.length === 0) {
      await rm(file, { force: true });
      this.o.log.debug({ file: name }, 'empty segment file removed');
      return null;
    }
    const m = measureTs(buf);
    if (m.frames === 0) {
      await this.quarantine(file, name, `no video frame in ${buf.length} bytes`);
      return null;
    }
    return { file, name, bytes: buf.length, mtimeMs: st.mtimeMs, m, sha256: createHash('sha256').update(buf).digest('hex') };
  }

  /** ok = closed by ffmpeg and intact; truncated = cut short (crash, kill, partial packet); corrupt = damaged inside. */
  static status(i: Inspected, listed: boolean): NewSegment['status'] {
    if (i.m.syncErrors > 0 || i.m.ccErrors > 0) return 'corrupt';
    if (!listed || i.m.partialBytes > 0) return 'truncated';
    return 'ok';
  }

  /** Moves the file to its layout path and returns its index row. */
  async place(i: Inspected, p: Placement): Promise<NewSegment> {
    let startMs = p.startMs;
    let rel = segmentRelPath(this.o.cameraId, startMs);
    let abs = resolveUnder(this.o.storage.root, rel);
    // Never overwrite a file already in place (two segments cannot share a start; bump by 1 ms).
    for (let k = 0; (await exists(abs)) && k < 1000; k++) {
      startMs++;
      rel = segmentRelPath(this.o.cameraId, startMs);
      abs = resolveUnder(this.o.storage.root, rel);
    }
    const dir = path.dirname(abs);
    if (dir !== this.lastDir) await mkdir(dir, { recursive: true }); // one directory per camera-hour
    this.lastDir = dir;
    try {
      await rename(i.file, abs);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !(await exists(i.file))) throw err;
      await mkdir(dir, { recursive: true }); // the directory was removed meanwhile (retention prunes empty ones)
      await rename(i.file, abs);
    }
    return {
      cameraId: this.o.cameraId, node: this.o.node, storage: this.o.storage.id, path: rel, startMs, endMs: Math.max(p.endMs, startMs + 1),
      bytes: i.bytes, codec: i.m.codec, width: p.width, height: p.height, keyframes: i.m.keyframesMs, sha256: i.sha256,
      status: SegmentCloser.status(i, p.listed), createdAt: this.o.now(),
    };
  }

  async quarantine(file: string, name: string, why: string): Promise<string> {
    const dir = path.join(this.o.storage.root, '.quarantine', this.o.cameraId);
    await mkdir(dir, { recursive: true });
    const dest = path.join(dir, name);
    await rename(file, dest);
    this.o.log.warn({ file: name, movedTo: dest, why }, 'segment holds no playable video; moved aside (inspect it, then delete it)');
    return dest;
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
