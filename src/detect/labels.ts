/** Class names. COCO-80 (the order every COCO detector here predicts) is the default; other models bring a file. */
import { readFile } from 'node:fs/promises';
import { UserError } from '../core/errors';

/** The 80 COCO class names in model order (the official COCO names: 'motorcycle', not darknet's 'motorbike'). */
export const COCO_LABELS: readonly string[] = Object.freeze([
  'person', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train', 'truck', 'boat', 'traffic light',
  'fire hydrant', 'stop sign', 'parking meter', 'bench', 'bird', 'cat', 'dog', 'horse', 'sheep', 'cow',
  'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella', 'handbag', 'tie', 'suitcase', 'frisbee',
  'skis', 'snowboard', 'sports ball', 'kite', 'baseball bat', 'baseball glove', 'skateboard', 'surfboard', 'tennis racket', 'bottle',
  'wine glass', 'cup', 'fork', 'knife', 'spoon', 'bowl', 'banana', 'apple', 'sandwich', 'orange',
  'broccoli', 'carrot', 'hot dog', 'pizza', 'donut', 'cake', 'chair', 'couch', 'potted plant', 'bed',
  'dining table', 'toilet', 'tv', 'laptop', 'mouse', 'remote', 'keyboard', 'cell phone', 'microwave', 'oven',
  'toaster', 'sink', 'refrigerator', 'book', 'clock', 'vase', 'scissors', 'teddy bear', 'hair drier', 'toothbrush',
]);

/** Parses a class-names file: one name a line, in model order; blank lines at the end ignored, '#' lines are comments. */
export function parseLabels(text: string, file: string): string[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).map((l) => l.trim());
  while (lines.length && lines.at(-1) === '') lines.pop();
  const labels = lines.filter((l) => !l.startsWith('#'));
  const blank = labels.findIndex((l) => l === '');
  if (blank >= 0) throw new UserError('labels_invalid', `${file}: line ${blank + 1} is empty; a labels file has one class name a line, in the model's class order`, { file });
  if (!labels.length) throw new UserError('labels_invalid', `${file} holds no class names; write one class name a line, in the model's class order`, { file });
  return labels;
}

export async function loadLabels(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new UserError('labels_unreadable', `Cannot read the labels file ${file}: ${err.code === 'ENOENT' ? 'it does not exist' : err.message}`, { file }, err.code === 'ENOENT' ? 404 : 422);
  });
  return parseLabels(text, file);
}
