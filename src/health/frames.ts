/**
 * Small greyscale frames out of ffmpeg (through src/media, the only spawner): the output arguments,
 * a one-shot decoder (tests, benchmark, snapshot) and a bounded reader for a long-running sampler.
 */
import { runFfmpeg, type MediaTools } from '../media/ffmpeg';
import { RawFrameReader } from '../media/raw-frames';
import type { GreyFrame } from './tamper';

export interface FrameFormat {
  width: number;
  height: number;
}

/**
 * Output arguments for raw greyscale frames on stdout. `fps` ('1/5', '2') selects the rate;
 * `prefilter` (e.g. 'boxblur=8:2') runs first. Area scaling averages pixels, so sensor and
 * compression noise mostly vanish at 64×36.
 */
export function grayOutputArgs(f: FrameFormat & { fps?: string; prefilter?: string }): string[] {
  const chain = [f.prefilter, f.fps ? `fps=${f.fps}` : undefined, `scale=${f.width}:${f.height}:flags=area`, 'format=gray'].filter(Boolean).join(',');
  return ['-an', '-sn', '-dn', '-vf', chain, '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'];
}

export function splitFrames(buf: Buffer, f: FrameFormat): GreyFrame[] {
  const n = f.width * f.height;
  const out: GreyFrame[] = [];
  for (let i = 0; i + n <= buf.length; i += n) out.push({ width: f.width, height: f.height, data: new Uint8Array(buf.subarray(i, i + n)) });
  return out;
}

/** Decodes a file (or any input ffmpeg opens) to frames in one run. `inputArgs` precede `-i`. */
export async function decodeFrames(
  tools: MediaTools,
  input: string,
  f: FrameFormat & { fps?: string; prefilter?: string; inputArgs?: string[]; maxFrames?: number; timeoutMs?: number },
): Promise<GreyFrame[]> {
  const limit = f.maxFrames ? ['-frames:v', String(f.maxFrames)] : [];
  const r = await runFfmpeg(tools, [...(f.inputArgs ?? []), '-i', input, ...limit, ...grayOutputArgs(f)], { timeoutMs: f.timeoutMs ?? 60_000 });
  return splitFrames(r.stdout, f);
}

/** Cuts a byte stream into whole grey frames (src/media/raw-frames: at most one partial frame held). */
export class FrameReader {
  private readonly raw: RawFrameReader;

  constructor(format: FrameFormat, onFrame: (frame: GreyFrame) => void) {
    this.raw = new RawFrameReader(format.width * format.height, (data) => onFrame({ width: format.width, height: format.height, data }));
  }

  push(chunk: Buffer): void {
    this.raw.push(chunk);
  }

  reset(): void {
    this.raw.reset();
  }
}
