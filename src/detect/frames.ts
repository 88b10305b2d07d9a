/**
 * What the batch CLI commands (`detect`, `track`) read: a still image, a video file or a directory of
 * images taken as a sequence in natural order. Frames are numbered from 1 by position; `source` is the
 * given path (joined with the file name for a directory); video frames carry their media time.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError, errorMessage } from '../core/errors';
import type { MediaTools } from '../media/ffmpeg';
import { decodeImageFile, decodeVideoFrames } from '../media/images';
import { isImagePath, listImageSequence } from './sequence';
import type { RgbImage } from './types';

export interface InputFrame {
  source: string;
  frame: number;
  /** Video only: media time from the first frame, ms. */
  tMs?: number;
  image: RgbImage;
}

/** A frame that could not be decoded (a directory goes on with the next image). */
export interface InputError {
  source: string;
  frame: number;
  error: Error;
}

export type InputKind = 'image' | 'video' | 'directory';

export async function inputKind(input: string): Promise<InputKind> {
  const st = await stat(input).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
    throw err;
  });
  if (!st) throw new UserError('input_not_found', `${input} does not exist: give an image, a video file or a directory of images`, { input }, 404);
  if (st.isDirectory()) return 'directory';
  return isImagePath(input) ? 'image' : 'video';
}

/**
 * Frames of `input`, in order. An image of a directory that does not decode is yielded as an InputError
 * (its frame number stays taken, so numbering keeps matching positions); the next image is decoded while
 * the caller works on the current one.
 */
export async function* readFrames(tools: MediaTools, input: string, o: { fps?: number } = {}): AsyncGenerator<InputFrame | InputError> {
  const kind = await inputKind(input);
  if (kind === 'image') {
    yield { source: input, frame: 1, image: await decodeImageFile(tools, input) };
    return;
  }
  if (kind === 'video') {
    for await (const f of decodeVideoFrames(tools, input, { fps: o.fps })) yield { source: input, frame: f.frame, tMs: f.tMs, image: f.image };
    return;
  }
  const names = await listImageSequence(input);
  if (!names.length) throw new UserError('input_empty', `${input} holds no image files (.jpg, .png, .bmp, …): give a directory of images`, { input }, 422);
  const decode = (name: string) =>
    decodeImageFile(tools, path.join(input, name)).then(
      (image) => ({ image }),
      (error: unknown) => ({ error: error instanceof Error ? error : new Error(errorMessage(error)) }),
    );
  let next = decode(names[0]!);
  for (let i = 0; i < names.length; i++) {
    const cur = await next;
    if (i + 1 < names.length) next = decode(names[i + 1]!);
    const source = path.join(input, names[i]!);
    if ('error' in cur) yield { source, frame: i + 1, error: cur.error };
    else yield { source, frame: i + 1, image: cur.image };
  }
}
