/** Decoding image files for the detector's tests and benchmark (through src/media's ffmpeg runner). */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { ValidationError } from '../../core/errors';
import { DEFAULT_TOOLS, runFfmpeg, runFfprobe } from '../../media/ffmpeg';
import type { RgbImage } from '../types';

/** Any still image ffmpeg can read (JPEG, PNG), or the frame of a video at `atS` seconds → packed RGB. */
export async function decodeRgbFile(file: string, atS?: number, tools = DEFAULT_TOOLS): Promise<RgbImage> {
  const probe = await runFfprobe(tools, ['-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', file], { timeoutMs: 30_000 });
  const [width, height] = probe.stdout.toString('utf8').trim().split(',').map(Number);
  if (!width || !height) throw new ValidationError(`${file} does not decode as a picture (ffprobe found no width and height)`, { file });
  const { stdout } = await runFfmpeg(tools, [...(atS ? ['-ss', String(atS)] : []), '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { timeoutMs: 30_000 });
  if (stdout.length !== width * height * 3) throw new ValidationError(`${file} decoded to ${stdout.length} bytes, expected ${width}×${height}×3`, { file });
  return { width, height, data: new Uint8Array(stdout.buffer, stdout.byteOffset, stdout.length) };
}

/** The images of a directory in natural order (000002.jpg before 000010.jpg), as the CLI numbers frames. */
export function imagesInOrder(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.(jpe?g|png|bmp)$/i.test(f))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((f) => path.join(dir, f));
}
