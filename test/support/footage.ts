import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_TOOLS, runFfmpeg, runFfprobe } from '../../src/media/ffmpeg';
import { segmentRelPath } from '../../src/record/layout';
import { SegmentRepository, type NewSegment } from '../../src/record/segment.repository';
import type { Store } from '../../src/store/store';

/** A stretch of real footage (e.g. ../shared/media/intel-sample-videos) cut into recorder-like pieces, ready to lay out for any camera. */
export interface Footage {
  dir: string;
  /** Piece files in order with their offsets from the start of the stretch, ms. */
  pieces: { file: string; startMs: number; endMs: number }[];
  width: number;
  height: number;
  close(): void;
}

/**
 * Cuts [offsetSeconds, offsetSeconds + seconds) of `source` into H.264 MPEG-TS pieces of about
 * `pieceSeconds` (keyframe every second, as a camera sends), the way the recorder stores a camera's
 * stream. One cut serves several cameras: the same footage "looped" as separate cameras at other times.
 */
export async function cutFootage(source: string, o: { offsetSeconds: number; seconds: number; pieceSeconds: number; width?: number; fps?: number }): Promise<Footage> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-footage-'));
  const width = o.width ?? 640;
  const fps = o.fps ?? 10;
  const list = path.join(dir, 'pieces.csv');
  await runFfmpeg(DEFAULT_TOOLS, [
    '-y', '-ss', String(o.offsetSeconds), '-t', String(o.seconds), '-i', source,
    '-vf', `scale=${width}:-2,fps=${fps}`, '-an', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p',
    '-g', String(fps), '-keyint_min', String(fps), '-sc_threshold', '0', '-bf', '0',
    '-f', 'segment', '-segment_time', String(o.pieceSeconds), '-segment_format', 'mpegts', '-segment_list', list, '-segment_list_type', 'csv',
    path.join(dir, 'piece-%03d.ts'),
  ], { timeoutMs: 120_000 });
  const rows = readFileSync(list, 'utf8').trim().split('\n').map((l) => l.split(','));
  const t0 = Number(rows[0]![1]);
  const pieces = rows.map(([name, s, e]) => ({ file: path.join(dir, name!), startMs: Math.round((Number(s) - t0) * 1000), endMs: Math.round((Number(e) - t0) * 1000) }));
  const probe = await runFfprobe(DEFAULT_TOOLS, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=height', '-of', 'csv=p=0', pieces[0]!.file], { timeoutMs: 30_000 });
  const height = Number.parseInt(probe.stdout.toString('utf8').trim().split(/\s+/)[0] ?? '', 10);
  return { dir, pieces, width, height, close: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Lays the pieces of `footage` out as `cameraId`'s recordings starting at `startMs` (files under `root`, rows in the segment index). */
export async function recordFootage(o: { store: Store; root: string; cameraId: string; footage: Footage; startMs: number; node?: string }): Promise<NewSegment[]> {
  const rows: NewSegment[] = [];
  for (const p of o.footage.pieces) {
    const startMs = o.startMs + p.startMs;
    const rel = segmentRelPath(o.cameraId, startMs);
    const abs = path.join(o.root, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    copyFileSync(p.file, abs);
    rows.push({
      cameraId: o.cameraId, node: o.node ?? 'site-1', storage: 'local', path: rel, startMs, endMs: o.startMs + p.endMs, bytes: statSync(abs).size,
      codec: 'h264', width: o.footage.width, height: o.footage.height, keyframes: [0], sha256: createHash('sha256').update(readFileSync(abs)).digest('hex'), status: 'ok', createdAt: Date.now(),
    });
  }
  await new SegmentRepository(o.store.db).insertMany(rows);
  return rows;
}
