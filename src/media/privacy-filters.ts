/**
 * ffmpeg argument builders for privacy masking and redaction (src/privacy decides WHAT to hide; this file says
 * how ffmpeg does it — src/media is the only room that spawns ffmpeg). See docs/design/privacy.md.
 *
 * Masks are rectangles on a grid over the picture (normalised, from src/privacy/raster.ts, which covers each
 * polygon conservatively); each becomes one `drawbox … t=fill` whose corners are rounded OUTWARDS and grown by
 * one pixel, so any rounding and chroma subsampling still leave the polygon fully covered. Positions are
 * relative (iw/ih), so the same filter masks the main stream, the sub-stream or a scaled copy.
 */
import { OperationalError } from '../core/errors';
import { runFfprobe, type MediaTools } from './ffmpeg';

export interface GridRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface EncoderSettings {
  /** libx264 preset (veryfast by default). */
  preset: string;
  crf: number;
}

const num = (v: number) => Number(v.toFixed(6)).toString();

/** The drawbox chain that fills `rects` (grid cells of a cols × rows grid) with `color` (RRGGBB). '' when nothing to mask. */
export function maskFilter(rects: readonly GridRect[], cols: number, rows: number, color: string): string {
  const c = `0x${color.replace(/^(0x|#)/, '').toUpperCase()}`;
  return rects
    .map((r) => {
      const x0 = r.x / cols;
      const y0 = r.y / rows;
      const x1 = (r.x + r.w) / cols;
      const y1 = (r.y + r.h) / rows;
      const x = `floor(iw*${num(x0)})-1`;
      const y = `floor(ih*${num(y0)})-1`;
      const w = `ceil(iw*${num(x1)})-floor(iw*${num(x0)})+2`;
      const h = `ceil(ih*${num(y1)})-floor(ih*${num(y0)})+2`;
      return `drawbox=x=${x}:y=${y}:w=${w}:h=${h}:color=${c}@1:t=fill`;
    })
    .join(',');
}

function x264(e: EncoderSettings, extra: string[] = []): string[] {
  return ['-c:v', 'libx264', '-preset', e.preset, '-crf', String(e.crf), '-pix_fmt', 'yuv420p', ...extra];
}

/**
 * Masked live view: the camera stream decoded, scaled to at most `maxHeight` lines, masked and re-encoded
 * (libx264 `preset` + zerolatency, a keyframe every second, no B-frames) into fragmented MP4 on stdout —
 * the same container the shared live remux produces.
 */
export function maskedLiveOutputArgs(o: { fragmentMs: number; filter: string; maxHeight: number; encoder: EncoderSettings }): string[] {
  const vf = [`scale=-2:min(${o.maxHeight}\\,ih)`, o.filter, 'format=yuv420p'].filter(Boolean).join(',');
  return [
    '-map', '0:v:0', '-vf', vf,
    ...x264(o.encoder, ['-tune', 'zerolatency', '-profile:v', 'main', '-force_key_frames', 'expr:gte(t,n_forced*1)', '-bf', '0']),
    '-an', '-sn', '-dn',
    '-f', 'mp4', '-movflags', 'frag_keyframe+empty_moov+default_base_moof', '-frag_duration', String(o.fragmentMs * 1000),
    '-flush_packets', '1', 'pipe:1',
  ];
}

/** One recorded MPEG-TS segment masked into another (timestamps kept, so the HLS playlist stays continuous; audio copied). */
export function maskedSegmentArgs(o: { input: string; output: string; filter: string; encoder: EncoderSettings }): string[] {
  return [
    '-y', '-copyts', '-i', o.input, '-map', '0:v:0', '-map', '0:a?', '-vf', o.filter,
    ...x264(o.encoder, ['-tune', 'zerolatency', '-bf', '0']), '-c:a', 'copy',
    '-muxdelay', '0', '-f', 'mpegts', o.output,
  ];
}

/** An export's original (MP4) masked into a derived MP4 (audio copied). */
export function maskedFileArgs(o: { input: string; output: string; filter: string; encoder: EncoderSettings; threads?: number }): string[] {
  return [
    '-y', '-i', o.input, '-map', '0:v:0', '-map', '0:a?', '-vf', o.filter,
    ...x264(o.encoder), ...(o.threads ? ['-threads', String(o.threads)] : []), '-c:a', 'copy', '-movflags', '+faststart', o.output,
  ];
}

/** A JPEG with the masks burned in (snapshots for users who may not see behind the masks). */
export function maskedJpegArgs(input: string, filter: string): string[] {
  return ['-i', input, '-vf', filter, '-frames:v', '1', '-q:v', '3', '-f', 'image2', '-c:v', 'mjpeg', 'pipe:1'];
}

/** Decode a file to raw planar YUV 4:2:0 frames on stdout (redaction reads and rewrites the pixels itself). */
export function rawYuvDecodeArgs(input: string, maxFrames = Infinity): string[] {
  const limit = Number.isFinite(maxFrames) ? ['-frames:v', String(maxFrames)] : [];
  return ['-i', input, '-map', '0:v:0', '-an', ...limit, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1'];
}

/** Encode raw YUV 4:2:0 frames from stdin (redacted) into an MP4 at the original's frame rate. */
export function rawYuvEncodeArgs(o: { width: number; height: number; fps: number; output: string; encoder: EncoderSettings }): string[] {
  return [
    '-y', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${o.width}x${o.height}`, '-r', num(o.fps), '-i', 'pipe:0',
    ...x264(o.encoder), '-movflags', '+faststart', o.output,
  ];
}

/** Baseline for benchmarks: a plain re-encode with the same encoder and nothing drawn. */
export function plainTranscodeArgs(o: { input: string; output: string; encoder: EncoderSettings }): string[] {
  return ['-y', '-i', o.input, '-map', '0:v:0', ...x264(o.encoder), '-movflags', '+faststart', o.output];
}

/** Width, height, frame rate and frame count of a file's first video stream (for raw-frame redaction). */
export async function probeVideoGeometry(tools: MediaTools, file: string): Promise<{ width: number; height: number; fps: number; durationS: number }> {
  const r = await runFfprobe(tools, ['-select_streams', 'v:0', '-show_entries', 'stream=width,height,avg_frame_rate,r_frame_rate:format=duration', '-of', 'json', file], { timeoutMs: 20_000 });
  const j = JSON.parse(r.stdout.toString('utf8')) as { streams?: Array<{ width?: number; height?: number; avg_frame_rate?: string; r_frame_rate?: string }>; format?: { duration?: string } };
  const s = j.streams?.[0];
  if (!s?.width || !s.height) throw new OperationalError('no_video', `${file} has no video stream to mask or redact`);
  const rate = (v?: string) => {
    const [a, b] = (v ?? '0/1').split('/').map(Number);
    return a && b ? a / b : 0;
  };
  const fps = rate(s.avg_frame_rate) || rate(s.r_frame_rate) || 25;
  return { width: s.width, height: s.height, fps, durationS: Number(j.format?.duration ?? 0) };
}
