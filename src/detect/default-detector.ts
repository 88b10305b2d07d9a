/**
 * The built-in detector (no download): TF.js models from an npm package, in src/detect/tfjs. Loaded lazily
 * so that ONNX-only users never pay for TF.js, and so this room works while that module is absent.
 */
import { OperationalError } from '../core/errors';
import type { Detector } from './types';

type TfjsModule = { loadTfjsDetector(o?: { threshold?: number; nmsIou?: number }): Promise<Detector> };

export async function loadDefaultDetector(o: { threshold?: number; nmsIou?: number } = {}): Promise<Detector> {
  const where = './tfjs/index';
  let mod: TfjsModule;
  try {
    mod = (await import(where)) as TfjsModule;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes('tfjs')) {
      throw new OperationalError(
        'default_detector_unavailable',
        'The built-in detector (src/detect/tfjs) is not part of this build yet: give an ONNX model with --model PATH --family yolox|nanodet|fastestdet|yolo (or analytics.detector.model in the config)',
      );
    }
    throw err;
  }
  if (typeof mod.loadTfjsDetector !== 'function') {
    throw new OperationalError('default_detector_unavailable', 'src/detect/tfjs/index.ts does not export loadTfjsDetector: the built-in detector cannot start');
  }
  return mod.loadTfjsDetector(o);
}
