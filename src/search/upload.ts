import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isAppError, UserError, ValidationError } from '../core/errors';
import type { Detection, RgbImage } from '../detect/types';
import { cropRgb } from '../analytics/geometry';
import type { MediaTools } from '../media/ffmpeg';
import { decodeImageFile } from '../media/images';
import { VEHICLE_CLASSES } from './attributes';

const TARGETS: readonly string[] = ['person', ...VEHICLE_CLASSES];

/** Decodes a base64 image upload (JPEG, PNG, …) through ffmpeg via a private temporary file. */
export async function decodeUpload(tools: MediaTools, base64: string): Promise<RgbImage> {
  const bytes = Buffer.from(base64.replace(/^data:[^,]*,/, ''), 'base64');
  if (bytes.length < 16) throw new ValidationError('image: the upload is empty or not base64: send the JPEG/PNG bytes base64-encoded', { field: 'image' });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sv-search-'));
  try {
    const file = path.join(dir, 'upload');
    await writeFile(file, bytes);
    try {
      return await decodeImageFile(tools, file);
    } catch (err) {
      // The temporary path means nothing to the caller: say which field is wrong instead.
      if (isAppError(err) && err.code === 'image_undecodable') throw new UserError('image_undecodable', 'image: the upload does not decode as an image (JPEG, PNG, BMP, WebP, …)', { field: 'image' }, 422);
      throw err;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The largest person or vehicle the detector found in an uploaded picture, as a crop; refused when there is none. */
export function targetCrop(image: RgbImage, detections: readonly Detection[]): { crop: RgbImage; label: string } {
  const found = detections.filter((d) => TARGETS.includes(d.label)).sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3])[0];
  const crop = found ? cropRgb(image, found.box) : null;
  if (!found || !crop) {
    throw new UserError('no_target_in_image', 'The uploaded image shows no person or vehicle that the detector can find: upload a clearer picture, or a crop of the target with imageIsCrop: true', { field: 'image' }, 422);
  }
  return { crop, label: found.label };
}
