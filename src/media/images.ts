/**
 * Still images and video files decoded to packed RGB (RgbImage) for the detectors. ffmpeg writes PPM
 * (`-f image2pipe -c:v ppm`): every frame carries its own size in a tiny header, so neither images nor
 * scaled video frames need a separate probe. A video is ONE ffmpeg process streaming frames; `showinfo`
 * reports each frame's media time on stderr.
 */
import { stat } from 'node:fs/promises';
import { OperationalError, UserError, isAppError } from '../core/errors';
import type { RgbImage } from '../detect/types';
import { runFfmpeg, spawnFfmpeg, type MediaTools } from './ffmpeg';

async function mustBeFile(path: string, what: string): Promise<void> {
  const st = await stat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
    throw err;
  });
  if (!st) throw new UserError(`${what}_not_found`, `${path} does not exist: give the path of an existing ${what} file`, { path }, 404);
  if (!st.isFile()) throw new UserError(`${what}_not_file`, `${path} is not a file: give the path of a ${what} file`, { path }, 422);
}

/** The header of a binary PPM (P6, maxval 255) at `off`; null while the buffer does not hold all of it. */
export function ppmHeader(buf: Buffer, off = 0): { width: number; height: number; dataStart: number; end: number } | null {
  const tokens: number[] = [];
  if (buf.length < off + 2) return null;
  if (buf[off] !== 0x50 || buf[off + 1] !== 0x36) throw new OperationalError('ppm_invalid', 'ffmpeg wrote something that is not a binary PPM (P6) frame');
  let i = off + 2;
  while (tokens.length < 3) {
    while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x0a || buf[i] === 0x0d || buf[i] === 0x09)) i++;
    if (i >= buf.length) return null;
    let n = 0;
    const start = i;
    while (i < buf.length && buf[i]! >= 0x30 && buf[i]! <= 0x39) n = n * 10 + (buf[i++]! - 0x30);
    if (i >= buf.length) return null;
    if (i === start) throw new OperationalError('ppm_invalid', 'ffmpeg wrote a PPM header that does not parse');
    tokens.push(n);
  }
  const [width, height, maxval] = tokens as [number, number, number];
  if (maxval !== 255) throw new OperationalError('ppm_invalid', `ffmpeg wrote a ${maxval}-level PPM; expected 8-bit (255)`);
  const dataStart = i + 1; // exactly one whitespace byte after maxval
  return { width, height, dataStart, end: dataStart + width * height * 3 };
}

/** Parses one PPM at `off`; null when the buffer does not yet hold the whole frame. */
export function parsePpm(buf: Buffer, off = 0): { image: RgbImage; end: number } | null {
  const h = ppmHeader(buf, off);
  if (!h || buf.length < h.end) return null;
  return { image: { width: h.width, height: h.height, data: new Uint8Array(buf.buffer.slice(buf.byteOffset + h.dataStart, buf.byteOffset + h.end)) }, end: h.end };
}

/**
 * Cuts a PPM byte stream into frames. Chunks are only joined once a whole frame has arrived (a 1080p
 * frame is ~100 pipe reads: joining on every read would copy it ~50 times).
 */
class PpmStream {
  private chunks: Buffer[] = [];
  private have = 0;
  private need = 32;

  push(chunk: Buffer, onImage: (img: RgbImage) => void): void {
    this.chunks.push(chunk);
    this.have += chunk.length;
    while (this.have >= this.need) {
      const buf = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.have);
      this.chunks = [buf];
      const h = ppmHeader(buf);
      if (!h) {
        this.need = this.have + 32;
        continue;
      }
      if (buf.length < h.end) {
        this.need = h.end;
        continue;
      }
      onImage(parsePpm(buf)!.image);
      const rest = buf.subarray(h.end);
      this.chunks = rest.length ? [rest] : [];
      this.have = rest.length;
      this.need = 32;
    }
  }
}

/** Decodes an image file (JPEG, PNG, BMP, WebP, TIFF, … — whatever ffmpeg reads) to RGB; its first frame for animations. */
export async function decodeImageFile(tools: MediaTools, path: string): Promise<RgbImage> {
  await mustBeFile(path, 'image');
  let out: Buffer;
  try {
    out = (await runFfmpeg(tools, ['-i', path, '-frames:v', '1', '-an', '-sn', '-f', 'image2pipe', '-c:v', 'ppm', '-pix_fmt', 'rgb24', 'pipe:1'], { timeoutMs: 60_000 })).stdout;
  } catch (err) {
    if (isAppError(err) && err.code === 'media_tool_failed') {
      throw new UserError('image_undecodable', `${path} does not decode as an image (JPEG, PNG, BMP, …): ${String(err.details?.stderr ?? err.message).slice(0, 300)}`, { path }, 422);
    }
    throw err;
  }
  const ppm = out.length ? parsePpm(out) : null;
  if (!ppm) throw new UserError('image_undecodable', `${path} does not decode as an image (JPEG, PNG, BMP, …): ffmpeg produced no picture`, { path }, 422);
  return ppm.image;
}

export interface VideoFrame {
  /** 1, 2, 3 … in output order. */
  frame: number;
  /** Media time of the frame from the first frame of the file, ms. */
  tMs: number;
  image: RgbImage;
}

export interface DecodeVideoOptions {
  /** Sample this many frames per second (default: every frame). */
  fps?: number;
  /** Scale down (keeping the aspect) so the longer side is at most this. */
  maxSide?: number;
  /** No frame for this long → the decode fails as stalled (default 30 s). */
  stallMs?: number;
}

/** Filter chain: media time from 0, optional sampling, optional scale, then showinfo for each frame's time. */
export function videoFilters(o: DecodeVideoOptions): string {
  const m = o.maxSide ? Math.floor(o.maxSide) : 0;
  return [
    'setpts=PTS-STARTPTS',
    o.fps ? `fps=${o.fps}` : undefined,
    m ? `scale=w='min(iw,${m})':h='min(ih,${m})':force_original_aspect_ratio=decrease` : undefined,
    'showinfo',
  ].filter(Boolean).join(',');
}

/**
 * Every frame (or `fps` samples) of a video file as RGB, from one ffmpeg process. Back-pressure: ffmpeg's
 * output is paused while a few decoded frames wait for the consumer. Leaving the loop early stops ffmpeg.
 */
export async function* decodeVideoFrames(tools: MediaTools, path: string, o: DecodeVideoOptions = {}): AsyncGenerator<VideoFrame> {
  await mustBeFile(path, 'video');
  if (o.fps !== undefined && !(o.fps > 0)) throw new UserError('bad_fps', `fps must be a positive number; got ${o.fps}`);
  const times: number[] = [];
  let partial = false;
  const stderrTail: string[] = [];
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const child = spawnFfmpeg(tools, ['-loglevel', 'level+info', '-i', path, '-an', '-sn', '-dn', '-vf', videoFilters(o), '-f', 'image2pipe', '-c:v', 'ppm', '-pix_fmt', 'rgb24', 'pipe:1'], {
    stdout: 'pipe',
    onStderrLine: (line) => {
      const m = /\bn:\s*\d+\s+pts:\s*-?\d+\s+pts_time:(-?[\d.]+)/.exec(line);
      if (m) {
        times.push(Math.max(0, Math.round(Number(m[1]) * 1000)));
        // The loop may be waiting for this time with stdout already paused (images queued): wake it.
        notify();
      } else if (/partial file/.test(line)) partial = true;
      if (!m && /\[(error|fatal|panic|warning)\]/.test(line)) {
        stderrTail.push(line.replace(/^\[[^\]]*\] /, ''));
        if (stderrTail.length > 5) stderrTail.shift();
      }
    },
  });
  const images: RgbImage[] = [];
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  let spawnError: Error | null = null;
  const stream = new PpmStream();
  child.stdout!.on('data', (chunk: Buffer) => {
    stream.push(chunk, (img) => images.push(img));
    if (images.length >= 4) child.stdout!.pause();
    notify();
  });
  child.on('error', (err) => {
    spawnError = err;
    notify();
  });
  child.on('close', (code, signal) => {
    exit = { code, signal };
    notify();
  });
  const stallMs = o.stallMs ?? 30_000;
  let frame = 0;
  let lastProgress = Date.now();
  let stalled = false;
  try {
    for (;;) {
      // A frame is complete when both its pixels and its showinfo time have arrived (two pipes, either first).
      if (images.length && (times.length || exit)) {
        const image = images.shift()!;
        if (images.length < 4) child.stdout!.resume();
        frame++;
        lastProgress = Date.now();
        const tMs = times.length ? times.shift()! : Math.round(((frame - 1) * 1000) / (o.fps ?? 25));
        yield { frame, tMs, image };
        lastProgress = Date.now(); // the consumer's own time is not a stall
        continue;
      }
      if (spawnError) throw new OperationalError('media_tool_missing', `Cannot run ${tools.ffmpegPath} to decode ${path}: ${(spawnError as Error).message}`);
      if (exit) {
        const { code, signal } = exit as { code: number | null; signal: NodeJS.Signals | null };
        if (code === 0 && partial) {
          // ffmpeg decodes what is there and exits 0; the container said there was more.
          throw new UserError('video_truncated', `${path} ended early: the file is cut short after frame ${frame} (the container describes more); the frames before were analysed`, { path, frames: frame }, 422);
        }
        if (code === 0) {
          if (frame === 0) throw new UserError('video_no_frames', `${path} holds no decodable video frames`, { path }, 422);
          return;
        }
        if (stalled) {
          throw new OperationalError('video_stalled', `${path}: decoding stalled (no frame for ${Math.round(stallMs / 1000)} s after frame ${frame})`);
        }
        const said = stderrTail.join(' | ').slice(0, 400);
        throw new UserError(
          frame ? 'video_truncated' : 'video_undecodable',
          frame ? `${path} ended early: decoding failed after frame ${frame} (${said || `ffmpeg exit ${code ?? signal}`})` : `${path} does not decode as a video: ${said || `ffmpeg exit ${code ?? signal}`}`,
          { path, frames: frame },
          422,
        );
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          wake = null;
          if (Date.now() - lastProgress >= stallMs && !exit) {
            stalled = true;
            child.kill('SIGKILL');
          }
          resolve();
        }, Math.max(10, stallMs - (Date.now() - lastProgress)));
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  } finally {
    if (!exit) child.kill('SIGKILL');
  }
}
