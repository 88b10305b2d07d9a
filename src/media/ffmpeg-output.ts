/**
 * Reading what ffmpeg says: `-progress` blocks and segment-list lines on stdout, stream facts and
 * failure causes on stderr. Pure functions, unit-tested in ffmpeg-output.test.ts.
 */

export interface Progress {
  /** Stream time muxed so far, ms (null while ffmpeg says N/A). */
  outTimeMs: number | null;
  frame: number | null;
  end: boolean;
}

/** One closed segment as the segment muxer lists it (`-segment_list_type csv`). */
export interface SegmentListEntry {
  file: string;
  startSec: number;
  endSec: number;
}

/** Why a source could not be read. `exited` = none of the known causes. */
export type SourceFailure = 'auth_failed' | 'unreachable' | 'not_found' | 'invalid_data' | 'exited';

export interface StreamFacts {
  codec: string;
  width: number | null;
  height: number | null;
  fps: number | null;
}

const num = (v: string | undefined): number | null => {
  if (v === undefined || v === 'N/A' || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};

/**
 * Splits ffmpeg's stdout (progress key=value lines and segment-list CSV lines share it) into
 * progress reports and segment entries. Feed it chunks; it keeps partial lines.
 */
export class StdoutParser {
  private buf = '';
  private block: Record<string, string> = {};
  constructor(private readonly on: { progress(p: Progress): void; segment(e: SegmentListEntry): void; other?(line: string): void }) {}

  push(chunk: string): void {
    this.buf += chunk;
    let i: number;
    while ((i = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, i).trim();
      this.buf = this.buf.slice(i + 1);
      if (line) this.line(line);
    }
    if (this.buf.length > 65_536) this.buf = this.buf.slice(-65_536);
  }

  private line(line: string): void {
    const seg = parseSegmentLine(line);
    if (seg) return this.on.segment(seg);
    const eq = line.indexOf('=');
    if (eq > 0 && /^[a-z_0-9]+$/.test(line.slice(0, eq))) {
      const key = line.slice(0, eq);
      const value = line.slice(eq + 1);
      if (key === 'progress') {
        const us = num(this.block.out_time_us) ?? num(this.block.out_time_ms); // ffmpeg 5 prints µs under both names
        this.on.progress({ outTimeMs: us === null || us < 0 ? null : Math.floor(us / 1000), frame: num(this.block.frame), end: value === 'end' });
        this.block = {};
      } else this.block[key] = value;
      return;
    }
    this.on.other?.(line);
  }
}

/** `name.ts,0.000000,2.000000` → entry; anything else → null. */
export function parseSegmentLine(line: string): SegmentListEntry | null {
  const m = /^("?)([^",]+\.ts)\1,(-?[0-9.]+),(-?[0-9.]+)$/.exec(line);
  if (!m) return null;
  const startSec = Number(m[3]);
  const endSec = Number(m[4]);
  if (!Number.isFinite(startSec) || !Number.isFinite(endSec) || endSec < startSec) return null;
  return { file: m[2]!, startSec, endSec };
}

/** Finds the cause of a failed run in ffmpeg's last stderr lines. */
export function classifyFailure(lines: readonly string[]): SourceFailure {
  const text = lines.join('\n');
  if (/(?:Server returned|failed:) 40[13]\b|Unauthorized|authorization failed|Forbidden/i.test(text)) return 'auth_failed';
  if (/(?:Server returned|failed:) 404\b|Not Found|No such file or directory/i.test(text)) return 'not_found';
  if (
    /Connection refused|Connection timed out|timed out|No route to host|Network is unreachable|Name or service not known|Temporary failure in name resolution|Host is unreachable|Connection reset by peer|Broken pipe|End of file|Server returned 5\d\d|I\/O error/i.test(
      text,
    )
  )
    return 'unreachable';
  if (/Invalid data found when processing input|could not find codec parameters/i.test(text)) return 'invalid_data';
  return 'exited';
}

/** What an operator should do about a failure (shown as camera_health.last_error and in logs). */
export function failureAdvice(f: SourceFailure): string {
  switch (f) {
    case 'auth_failed':
      return 'the camera refused the credentials (401/403): correct the username and password of the camera (PATCH /api/cameras/:id or the web app)';
    case 'not_found':
      return 'the stream path does not exist on the camera (404): check the source URL';
    case 'unreachable':
      return 'the camera cannot be reached (connection refused, timed out or dropped): check that it is powered and on the network, and the host and port of the source URL';
    case 'invalid_data':
      return 'the source sends data ffmpeg cannot read: check that the URL points at a video stream (H.264/H.265)';
    case 'exited':
      return 'ffmpeg stopped; see the ffmpeg lines logged for this camera';
  }
}

/** `Stream #0:0: Video: h264 (High), yuv420p(progressive), 1280x720 [SAR 1:1 DAR 16:9], 25 fps, …` → facts. */
export function parseStreamLine(line: string): StreamFacts | null {
  const m = /Stream #\d+:\d+.*?: Video: ([a-z0-9_]+)/.exec(line);
  if (!m) return null;
  const size = /, (\d{2,5})x(\d{2,5})[ ,]/.exec(line + ' ');
  const fps = /, ([0-9.]+) (?:fps|tbr)/.exec(line);
  return { codec: m[1]!, width: size ? Number(size[1]) : null, height: size ? Number(size[2]) : null, fps: fps ? Number(fps[1]) : null };
}
