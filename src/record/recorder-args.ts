import { failureAdvice } from '../media/ffmpeg-output';
import type { GapReason } from './recording.repository';

/** Progress reports (the stall clock) a few times per stall timeout, at most every 5 s: each costs a little CPU. */
export const statsPeriodSec = (stallTimeoutMs: number): number => Math.max(1, Math.min(5, Math.floor(stallTimeoutMs / 4000)));

/**
 * The recording ffmpeg's arguments after `input` (docs/design/recording.md, "Processes"): stream copy
 * into MPEG-TS segments, progress reports and the segment list on stdout, level-tagged stderr.
 */
export function recordArgs(input: string[], o: { segmentSeconds: number; stallTimeoutMs: number; output: string }): string[] {
  return [
    '-loglevel', 'level+info', '-nostats', '-progress', 'pipe:1', '-stats_period', String(statsPeriodSec(o.stallTimeoutMs)),
    ...input,
    '-map', '0:v', '-map', '0:a?', '-c', 'copy',
    // No per-frame flush (-segment_format_options flush_packets=1): it costs ~12 % more ffmpeg CPU
    // (bench/recorder-cpu.ts); a killed ffmpeg loses what the muxer still buffered (≤ 256 KiB).
    '-f', 'segment', '-segment_time', String(o.segmentSeconds), '-segment_format', 'mpegts', '-reset_timestamps', '1',
    '-segment_list', 'pipe:1', '-segment_list_type', 'csv',
    o.output,
  ];
}

/** camera_health.last_error: the reason first (machine-readable), then what to do. */
export function describe(reason: GapReason): string {
  switch (reason) {
    case 'stalled':
      return 'stalled: the source sent nothing for recording.stallTimeoutMs; ffmpeg was restarted (check the camera and the network if it repeats)';
    case 'restarted':
      return 'restarted: the camera source changed; recording restarted with the new settings';
    case 'auth_failed':
    case 'unreachable':
    case 'not_found':
    case 'invalid_data':
    case 'exited':
      return `${reason}: ${failureAdvice(reason)}`;
    default:
      return reason;
  }
}
