import { writeFile } from 'node:fs/promises';
import { UserError } from '../core/errors';
import { runFfmpeg, runFfprobe, type MediaTools } from '../media/ffmpeg';
import type { Segment } from '../record/segment.repository';

/**
 * One camera's original clip: the recorded MPEG-TS segments that overlap the requested range,
 * joined by ffmpeg's concat demuxer and written to MP4 by stream copy. No re-encoding, so the
 * start is cut at a keyframe (the last one at or before the requested start) and the end at the
 * requested time (packets at or after it are dropped).
 */

/** Segments closer than this are treated as abutting (no gap). */
const JOIN_TOLERANCE_MS = 100;

export interface SourceFile {
  segment: Segment;
  /** Absolute path of the segment file. */
  file: string;
}

export interface PlannedPiece extends SourceFile {
  /** Concat directives (seconds, in the file's own timestamps). */
  inpoint?: string;
  outpoint?: string;
  usedStartMs: number;
  usedEndMs: number;
  clipOffsetMs: number;
}

export interface ClipPlan {
  pieces: PlannedPiece[];
  skipped: Array<{ segment: Segment; reason: string }>;
  gaps: Array<{ startMs: number; endMs: number }>;
  actualStartMs: number;
  actualEndMs: number;
}

interface Probed {
  format?: { start_time?: string; duration?: string };
  packets?: Array<{ pts_time?: string; flags?: string }>;
  streams?: Array<{ codec_type?: string; codec_name?: string; width?: number; height?: number }>;
}

async function probeJson(tools: MediaTools, args: string[], file: string): Promise<Probed> {
  const { stdout } = await runFfprobe(tools, [...args, '-of', 'json', file], { timeoutMs: 60_000 });
  return JSON.parse(stdout.toString('utf8')) as Probed;
}

function startTimeOf(p: Probed, file: string): number {
  const s = Number(p.format?.start_time);
  if (!Number.isFinite(s)) throw new UserError('segment_unreadable', `ffprobe found no start time in ${file}: the segment is damaged`, { file }, 422);
  return s;
}

/** The first segment: its start time and the keyframe to start from. */
async function startKeyframe(tools: MediaTools, f: SourceFile, fromMs: number): Promise<{ startTime: number; kfTime: number; kfText: string }> {
  const offsetSec = Math.max(0, (fromMs - f.segment.startMs) / 1000);
  const p = await probeJson(tools, ['-select_streams', 'v:0', '-read_intervals', `%+${Math.ceil(offsetSec) + 2}`, '-show_entries', 'packet=pts_time,flags:format=start_time'], f.file);
  const startTime = startTimeOf(p, f.file);
  const target = startTime + offsetSec + 0.0005;
  const keys = (p.packets ?? []).filter((k) => k.flags?.includes('K') && k.pts_time !== undefined && Number.isFinite(Number(k.pts_time)));
  if (!keys.length) throw new UserError('segment_unreadable', `No keyframe in the first segment ${f.segment.path} of camera ${f.segment.cameraId}: it cannot start a clip without re-encoding`, { path: f.segment.path }, 422);
  let chosen = keys[0]!;
  for (const k of keys) if (Number(k.pts_time) <= target) chosen = k;
  return { startTime, kfTime: Number(chosen.pts_time), kfText: chosen.pts_time! };
}

/** Orders the segments, drops corrupt and overlapping ones (saying why), finds the cut points and the gaps. */
export async function planClip(tools: MediaTools, files: SourceFile[], fromMs: number, toMs: number): Promise<ClipPlan> {
  const skipped: ClipPlan['skipped'] = [];
  const usable: SourceFile[] = [];
  for (const f of [...files].sort((a, b) => a.segment.startMs - b.segment.startMs || a.segment.id - b.segment.id)) {
    const prev = usable[usable.length - 1];
    if (f.segment.status === 'corrupt') skipped.push({ segment: f.segment, reason: 'marked corrupt by the recorder' });
    else if (prev && f.segment.startMs < prev.segment.endMs - JOIN_TOLERANCE_MS) skipped.push({ segment: f.segment, reason: `overlaps ${prev.segment.path} (duplicate recording)` });
    else usable.push(f);
  }
  if (!usable.length) throw new UserError('no_recordings', `No usable recordings between ${new Date(fromMs).toISOString()} and ${new Date(toMs).toISOString()} (every segment is marked corrupt)`, undefined, 422);

  const first = usable[0]!;
  const last = usable[usable.length - 1]!;
  const [kf, lastProbe] = await Promise.all([
    startKeyframe(tools, first, fromMs),
    last === first ? undefined : probeJson(tools, ['-show_entries', 'format=start_time'], last.file),
  ]);
  const lastStart = lastProbe ? startTimeOf(lastProbe, last.file) : kf.startTime;

  const pieces: PlannedPiece[] = [];
  const gaps: ClipPlan['gaps'] = [];
  let clipOffsetMs = 0;
  usable.forEach((f, i) => {
    const s = f.segment;
    const piece: PlannedPiece = { ...f, usedStartMs: s.startMs, usedEndMs: s.endMs, clipOffsetMs };
    if (i === 0 && kf.kfTime > kf.startTime + 0.0005) {
      piece.inpoint = kf.kfText;
      piece.usedStartMs = s.startMs + Math.round((kf.kfTime - kf.startTime) * 1000);
    }
    if (i === usable.length - 1 && toMs < s.endMs) {
      piece.outpoint = (lastStart + (toMs - s.startMs) / 1000).toFixed(6);
      piece.usedEndMs = toMs;
    }
    const prev = pieces[pieces.length - 1];
    if (prev && s.startMs - prev.segment.endMs > JOIN_TOLERANCE_MS) gaps.push({ startMs: prev.segment.endMs, endMs: s.startMs });
    clipOffsetMs += piece.usedEndMs - piece.usedStartMs;
    pieces.push(piece);
  });
  return { pieces, skipped, gaps, actualStartMs: pieces[0]!.usedStartMs, actualEndMs: pieces[pieces.length - 1]!.usedEndMs };
}

function quote(file: string): string {
  return `'${file.replace(/'/g, "'\\''")}'`;
}

export function concatList(plan: ClipPlan): string {
  const lines = ['ffconcat version 1.0'];
  for (const p of plan.pieces) {
    lines.push(`file ${quote(p.file)}`);
    if (p.inpoint) lines.push(`inpoint ${p.inpoint}`);
    if (p.outpoint) lines.push(`outpoint ${p.outpoint}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Writes the MP4 by stream copy (video and, when present, audio). */
export async function writeClip(tools: MediaTools, plan: ClipPlan, listFile: string, outFile: string, codec: string): Promise<void> {
  await writeFile(listFile, concatList(plan));
  const bytes = plan.pieces.reduce((n, p) => n + p.segment.bytes, 0);
  await runFfmpeg(
    tools,
    ['-f', 'concat', '-safe', '0', '-i', listFile, '-map', '0:v', '-map', '0:a?', '-c', 'copy', ...(codec === 'hevc' ? ['-tag:v', 'hvc1'] : []), '-f', 'mp4', '-y', outFile],
    { timeoutMs: 120_000 + Math.ceil(bytes / 10_000) },
  );
}

export interface ClipInfo {
  durationMs: number;
  codec: string;
  width: number | null;
  height: number | null;
}

export async function probeClip(tools: MediaTools, file: string): Promise<ClipInfo> {
  const p = await probeJson(tools, ['-show_entries', 'format=duration:stream=codec_type,codec_name,width,height'], file);
  const v = (p.streams ?? []).find((s) => s.codec_type === 'video');
  const d = Number(p.format?.duration);
  if (!v || !Number.isFinite(d)) throw new UserError('clip_unreadable', `The exported clip ${file} has no readable video stream`, undefined, 422);
  return { durationMs: Math.round(d * 1000), codec: v.codec_name ?? 'unknown', width: v.width ?? null, height: v.height ?? null };
}
