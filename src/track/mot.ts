/**
 * MOTChallenge text formats, for measuring the tracker alone (`smartview track --detections det.txt --mot out.txt`):
 * detections in (`frame,-1,x,y,w,h,score[,…]`) and tracks out (`frame,id,x,y,w,h,score,-1,-1,-1`).
 */
import { ValidationError } from '../core/errors';
import type { EpochMs } from '../core/time';
import type { Box, Detection } from '../detect/types';
import type { Track, TrackEvent } from './types';

/** Label given to MOTChallenge detections, which carry no class. */
export const MOT_LABEL = 'object';

/** Detections per frame number. Blank lines and `#` comments are skipped; anything else malformed is an error. */
export function parseMotDetections(text: string, file: string): Map<number, Detection[]> {
  const byFrame = new Map<number, Detection[]>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line || line.startsWith('#')) continue;
    const v = line.split(/\s*,\s*/);
    const bad = (why: string): never => {
      throw new ValidationError(`${file} line ${i + 1}: ${why}; expected MOTChallenge detections 'frame,-1,x,y,w,h,score' (got '${line.slice(0, 80)}')`, { file, line: i + 1 });
    };
    if (v.length < 7) bad(`${v.length} fields`);
    const n = v.slice(0, 7).map(Number);
    if (n.some((x) => !Number.isFinite(x))) bad('a field is not a number');
    const [frame, , x, y, w, h, score] = n as [number, number, number, number, number, number, number];
    if (!Number.isInteger(frame) || frame < 1) bad(`frame ${v[0]} is not a whole number ≥ 1`);
    if (w <= 0 || h <= 0) bad(`box width and height must be positive (w=${w}, h=${h})`);
    const list = byFrame.get(frame) ?? [];
    list.push({ label: MOT_LABEL, classId: 0, score, box: [x, y, w, h] });
    byFrame.set(frame, list);
  }
  return byFrame;
}

export interface MotRow {
  frame: number;
  id: number;
  box: Box;
  score: number;
}

export function formatMotRow(r: MotRow): string {
  const f = (x: number) => String(Math.round(x * 100) / 100);
  return `${r.frame},${r.id},${f(r.box[0])},${f(r.box[1])},${f(r.box[2])},${f(r.box[3])},${Math.round(r.score * 1000) / 1000},-1,-1,-1`;
}

/**
 * Collects the tracker's output per frame as MOT rows. A track that appears is written from its first
 * detection, not from the frame that confirmed it: offline there is no reason to withhold the frames a
 * live caller must wait for (the tentative detections come with the 'appeared' event).
 */
export class MotCollector {
  private readonly rows: MotRow[] = [];
  private readonly frameAt = new Map<EpochMs, number>();

  add(frame: number, tMs: EpochMs, tracks: readonly Track[], events: readonly TrackEvent[]): void {
    this.frameAt.set(tMs, frame);
    for (const ev of events) {
      if (ev.type !== 'appeared') continue;
      for (const t of ev.track.tentative ?? []) {
        const earlier = this.frameAt.get(t.tMs);
        if (earlier !== undefined && earlier !== frame) this.rows.push({ frame: earlier, id: ev.track.id, box: t.box, score: t.score });
      }
    }
    for (const t of tracks) this.rows.push({ frame, id: t.id, box: t.box, score: t.score });
  }

  /** Rows ordered by frame, then id. */
  lines(): string[] {
    return this.rows.slice().sort((a, b) => a.frame - b.frame || a.id - b.id).map(formatMotRow);
  }
}
