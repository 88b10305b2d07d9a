import { OperationalError, UserError, isAppError } from '../core/errors';
import { redactUrl } from '../core/logger';
import { ffmpegInputArgs, type StreamSource } from '../ingest/source';
import { classifyFailure, failureAdvice } from './ffmpeg-output';
import { runFfprobe, type MediaTools } from './ffmpeg';

/** What ffprobe learns about a camera stream or a file in its first seconds. */
export interface ProbeResult {
  codec: string;
  profile: string | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  /** Keyframe spacing seen in the first seconds (null when fewer than two keyframes were seen). */
  gopSeconds: number | null;
  gopFrames: number | null;
  keyframesSeen: number;
  audio: boolean;
  audioCodec: string | null;
  /** Seconds (files); null for live sources. */
  durationSec: number | null;
  /** The video stream's own length in seconds (files), when the container states it: audio may run longer. */
  videoDurationSec?: number | null;
  format: string | null;
  probedAt: number;
}

export interface ProbeOptions {
  defaultTransport: 'tcp' | 'udp';
  /** Overall limit, connection included (default 15 s). */
  timeoutMs?: number;
  /** How much of the stream to read for the keyframe spacing (default 4 s). */
  analyzeSeconds?: number;
  /** Accept any video codec (file analysis decodes whatever ffmpeg reads; recording needs H.264/H.265). */
  anyCodec?: boolean;
}

/** Codecs the recorder, the HLS playback and the export handle. */
export const SUPPORTED_CODECS = ['h264', 'hevc'];

type FfStream = { index: number; codec_type?: string; codec_name?: string; profile?: string; width?: number; height?: number; avg_frame_rate?: string; r_frame_rate?: string; duration?: string };
type FfPacket = { stream_index: number; pts_time?: string; dts_time?: string; flags?: string };
type FfOut = { streams?: FfStream[]; packets?: FfPacket[]; format?: { duration?: string; format_name?: string } };

const rate = (r: string | undefined): number | null => {
  if (!r) return null;
  const [a, b] = r.split('/').map(Number);
  const v = b ? a! / b : Number(a);
  return Number.isFinite(v) && v > 0 && v <= 240 ? Math.round(v * 100) / 100 : null;
};

/** Probes a camera source (credentials used, never shown) or a media file. */
export async function probeSource(tools: MediaTools, src: StreamSource, o: ProbeOptions): Promise<ProbeResult> {
  const timeoutMs = o.timeoutMs ?? 15_000;
  const seconds = o.analyzeSeconds ?? 4;
  const input = ffmpegInputArgs(src, { defaultTransport: o.defaultTransport, timeoutMs: Math.min(timeoutMs, 10_000), loopFiles: false, realtime: false });
  const where = redactUrl(src.url);
  const args = [
    ...input.slice(0, -2),
    '-read_intervals', `%+${seconds}`,
    '-show_entries', 'stream=index,codec_type,codec_name,profile,width,height,avg_frame_rate,r_frame_rate,duration:format=duration,format_name:packet=stream_index,pts_time,dts_time,flags',
    '-of', 'json',
    '-i', input.at(-1)!,
  ];
  let out: FfOut;
  try {
    const r = await runFfprobe(tools, args, { timeoutMs });
    out = JSON.parse(r.stdout.toString('utf8')) as FfOut;
  } catch (err) {
    throw probeError(err, where, timeoutMs);
  }
  const video = out.streams?.find((s) => s.codec_type === 'video');
  if (!video) throw new UserError('source_no_video', `${where} holds no video stream: check that the URL points at the camera's video stream`, undefined, 422);
  const codec = video.codec_name ?? 'unknown';
  if (!o.anyCodec && !SUPPORTED_CODECS.includes(codec)) {
    throw new UserError('source_codec_unsupported', `${where} sends ${codec} video; SmartView records H.264 and H.265 (HEVC): set the camera's encoder to H.264 or H.265`, { codec }, 422);
  }
  const audio = out.streams?.find((s) => s.codec_type === 'audio');
  const packets = (out.packets ?? []).filter((p) => p.stream_index === video.index);
  const time = (p: FfPacket) => Number(p.pts_time ?? p.dts_time);
  const times = packets.map(time).filter(Number.isFinite).sort((a, b) => a - b);
  const keys = packets.filter((p) => p.flags?.includes('K')).map(time).filter(Number.isFinite).sort((a, b) => a - b);
  const spanFps = times.length > 2 ? (times.length - 1) / (times.at(-1)! - times[0]!) : null;
  const fps = rate(video.avg_frame_rate) ?? rate(video.r_frame_rate) ?? (spanFps && Number.isFinite(spanFps) ? Math.round(spanFps * 100) / 100 : null);
  const spacings = keys.slice(1).map((k, i) => k - keys[i]!).filter((d) => d > 0).sort((a, b) => a - b);
  const gopSeconds = spacings.length ? Math.round(spacings[Math.floor(spacings.length / 2)]! * 1000) / 1000 : null;
  const duration = Number(out.format?.duration);
  return {
    codec,
    profile: video.profile ?? null,
    width: video.width ?? null,
    height: video.height ?? null,
    fps,
    gopSeconds,
    gopFrames: gopSeconds !== null && fps ? Math.round(gopSeconds * fps) : null,
    keyframesSeen: keys.length,
    audio: Boolean(audio),
    audioCodec: audio?.codec_name ?? null,
    durationSec: Number.isFinite(duration) && duration > 0 ? duration : null,
    videoDurationSec: Number(video.duration) > 0 ? Number(video.duration) : null,
    format: out.format?.format_name ?? null,
    probedAt: Date.now(),
  };
}

function probeError(err: unknown, where: string, timeoutMs: number): Error {
  if (!isAppError(err)) return err instanceof Error ? err : new Error(String(err));
  if (err.code === 'media_tool_missing') return err;
  if (err.code === 'media_tool_timeout') {
    return new OperationalError('source_unreachable', `${where} did not answer within ${Math.round(timeoutMs / 1000)} s: ${failureAdvice('unreachable')}`);
  }
  const stderr = String(err.details?.stderr ?? err.message);
  const cause = classifyFailure([stderr]);
  const said = stderr.slice(0, 300);
  switch (cause) {
    case 'auth_failed':
      return new UserError('source_auth_failed', `${where}: ${failureAdvice(cause)}`, { ffprobe: said }, 422);
    case 'not_found':
      return new UserError('source_not_found', `${where}: ${failureAdvice(cause)}`, { ffprobe: said }, 422);
    case 'unreachable':
      return new OperationalError('source_unreachable', `${where}: ${failureAdvice(cause)}`, { details: { ffprobe: said } });
    case 'invalid_data':
      return new UserError('source_invalid', `${where} is not a readable video stream or file: ${failureAdvice(cause)}`, { ffprobe: said }, 422);
    default:
      return new OperationalError('probe_failed', `ffprobe could not read ${where}: ${said}`, { details: { ffprobe: said } });
  }
}
