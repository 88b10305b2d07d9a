import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_TOOLS, runFfmpeg } from '../../src/media/ffmpeg';
import { segmentRelPath } from '../../src/record/layout';
import { SegmentRepository, type NewSegment } from '../../src/record/segment.repository';
import type { Store } from '../../src/store/store';
import { makeTestClip } from './media';

/** One recorder run: continuous footage from `startMs`, cut into pieces of about `pieceSeconds`. */
export interface TestRun {
  startMs: number;
  seconds: number;
  pieceSeconds: number;
}

export interface WrittenSegment extends NewSegment {
  absPath: string;
}

/**
 * Recordings as the recorder lays them out, without the recorder: per run, one H.264 MPEG-TS clip
 * (makeTestClip) cut by ffmpeg's segment muxer at keyframes (timestamps continue across pieces,
 * as in a real run), each piece moved to `<root>/<segmentRelPath>` and indexed with
 * SegmentRepository. Between runs a closed `recording_gaps` row is written (reason `test_outage`).
 */
export async function writeRecordings(o: { store: Store; root: string; cameraId: string; runs: TestRun[]; storage?: string; node?: string; gapRows?: boolean; width?: number; height?: number }): Promise<WrittenSegment[]> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'sv-rec-'));
  const out: WrittenSegment[] = [];
  try {
    for (const [i, run] of o.runs.entries()) {
      const clip = makeTestClip(path.join(tmp, `run-${i}.ts`), { seconds: run.seconds, format: 'ts', gopSeconds: 1, fps: 25, width: o.width ?? 320, height: o.height ?? 180 });
      const list = path.join(tmp, `run-${i}.csv`);
      await runFfmpeg(DEFAULT_TOOLS, ['-y', '-i', clip, '-c', 'copy', '-f', 'segment', '-segment_time', String(run.pieceSeconds), '-segment_format', 'mpegts', '-segment_list', list, '-segment_list_type', 'csv', path.join(tmp, `run-${i}-%03d.ts`)], { timeoutMs: 30_000 });
      const rows = readFileSync(list, 'utf8').trim().split('\n').map((l) => l.split(','));
      const t0 = Number(rows[0]![1]);
      for (const [name, s, e] of rows) {
        const startMs = run.startMs + Math.round((Number(s) - t0) * 1000);
        const endMs = run.startMs + Math.round((Number(e) - t0) * 1000);
        const rel = segmentRelPath(o.cameraId, startMs);
        const abs = path.join(o.root, rel);
        mkdirSync(path.dirname(abs), { recursive: true });
        renameSync(path.join(tmp, name!), abs);
        const data = readFileSync(abs);
        out.push({
          absPath: abs, cameraId: o.cameraId, node: o.node ?? 'site-1', storage: o.storage ?? 'local', path: rel, startMs, endMs,
          bytes: statSync(abs).size, codec: 'h264', width: o.width ?? 320, height: o.height ?? 180, keyframes: [0],
          sha256: createHash('sha256').update(data).digest('hex'), status: 'ok', createdAt: Date.now(),
        });
      }
    }
    await new SegmentRepository(o.store.db).insertMany(out.map(({ absPath: _a, ...s }) => s));
    if (o.gapRows !== false) {
      for (let i = 1; i < o.runs.length; i++) {
        const prevEnd = Math.max(...out.filter((s) => s.startMs < o.runs[i]!.startMs).map((s) => s.endMs));
        await o.store.db.insertInto('recording_gaps').values({ camera_id: o.cameraId, start_ms: prevEnd, end_ms: o.runs[i]!.startMs, reason: 'test_outage' }).execute();
      }
    }
    return out;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
