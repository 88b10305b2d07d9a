import { OperationalError, ValidationError, errorMessage } from '../core/errors';
import type { RgbImage } from '../detect/types';
import { spawnFfmpeg, type MediaTools } from './ffmpeg';

export interface JpegOptions {
  /** Longest side of the JPEG; larger images are scaled down (aspect kept). Default 640. */
  maxSide?: number;
  /** ffmpeg -q:v, 2 (best) … 31 (smallest). Default 5: small files, faces still recognisable. */
  quality?: number;
  timeoutMs?: number;
}

/**
 * Encodes a packed RGB image as a JPEG with ffmpeg (raw frame on stdin, JPEG on stdout).
 * Used for event snapshots: one short-lived process per image, so callers bound how many run at once.
 */
export function encodeJpeg(tools: MediaTools, image: RgbImage, opts: JpegOptions = {}): Promise<Buffer> {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || data.length !== width * height * 3) {
    return Promise.reject(new ValidationError(`encodeJpeg: expected packed RGB of ${width}×${height} (${width * height * 3} bytes), got ${data.length} bytes`));
  }
  const maxSide = opts.maxSide ?? 640;
  const quality = Math.min(31, Math.max(2, Math.round(opts.quality ?? 5)));
  const scale = Math.min(1, maxSide / Math.max(width, height));
  // Even dimensions: the JPEG encoder takes 4:2:0 chroma.
  const w = Math.max(2, Math.round((width * scale) / 2) * 2);
  const h = Math.max(2, Math.round((height * scale) / 2) * 2);
  const args = [
    '-loglevel', 'error',
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-i', 'pipe:0',
    '-vf', `scale=${w}:${h}:flags=area,format=yuvj420p`,
    '-frames:v', '1', '-c:v', 'mjpeg', '-q:v', String(quality), '-f', 'image2pipe', 'pipe:1',
  ];
  return new Promise((resolve, reject) => {
    const stderr: string[] = [];
    const child = spawnFfmpeg(tools, args, { stdin: 'pipe', stdout: 'pipe', onStderrLine: (l) => void (stderr.length < 20 && stderr.push(l)) });
    const out: Buffer[] = [];
    let settled = false;
    const finish = (err: Error | null, buf?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(buf!);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(new OperationalError('media_tool_timeout', `ffmpeg did not encode the ${width}×${height} snapshot within ${opts.timeoutMs ?? 5000} ms`));
    }, opts.timeoutMs ?? 5000);
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.on('error', (err) => finish(new OperationalError('media_tool_missing', `Cannot run ${tools.ffmpegPath}: ${err.message}. Is ffmpeg installed?`, { cause: err })));
    // ffmpeg may exit before reading all input (bad size): the close handler reports that, not EPIPE.
    child.stdin!.on('error', (err) => stderr.push(`stdin: ${errorMessage(err)}`));
    child.on('close', (code) => {
      const jpeg = Buffer.concat(out);
      if (code === 0 && jpeg.length > 0) finish(null, jpeg);
      else finish(new OperationalError('media_tool_failed', `ffmpeg could not encode the ${width}×${height} snapshot (exit ${code}): ${stderr.slice(-3).join(' | ')}`));
    });
    child.stdin!.end(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  });
}
