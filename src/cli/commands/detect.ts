import { InvalidArgumentError as InvalidArgument, Option, type Command } from 'commander';
import { loadDefaultDetector } from '../../detect/default-detector';
import { FAMILY_NAMES, type OnnxFamily } from '../../detect/families';
import { readFrames } from '../../detect/frames';
import { loadLabels } from '../../detect/labels';
import { loadOnnxDetector } from '../../detect/onnx-detector';
import type { Detection, Detector } from '../../detect/types';
import { DEFAULT_TOOLS } from '../../media/ffmpeg';
import { fail, printJsonLine, printLine, warn } from '../output';

export interface DetectorCliOptions {
  model?: string;
  family?: OnnxFamily;
  labels?: string;
  threshold?: number;
  nmsIou?: number;
  threads?: number;
}

const fraction = (flag: string) => (v: string): number => {
  const n = Number(v);
  if (!(v.trim() !== '' && n >= 0 && n <= 1)) throw new InvalidArgument(`${flag} must be a number from 0 to 1; got '${v}'`);
  return n;
};
const positive = (flag: string, integer: boolean) => (v: string): number => {
  const n = Number(v);
  if (!(n > 0 && (!integer || Number.isInteger(n)))) throw new InvalidArgument(`${flag} must be a positive ${integer ? 'whole number' : 'number'}; got '${v}'`);
  return n;
};

/** The model options `detect` (and `track`) take. */
export function addDetectorOptions(cmd: Command): Command {
  return cmd
    .option('--model <path>', 'ONNX detection model (default: the built-in detector, no download)')
    .addOption(new Option('--family <name>', 'model family of --model (its pre- and post-processing)').choices(FAMILY_NAMES))
    .option('--labels <file>', 'class names of --model, one a line, in model order (default: the 80 COCO names)')
    .option('--threshold <t>', "minimum score, 0–1 (default: the family's tuned threshold, see docs/design/detection.md)", fraction('--threshold'))
    .option('--nms-iou <t>', 'IoU above which overlapping boxes of one class are merged (default 0.45)', fraction('--nms-iou'))
    .option('--threads <n>', 'ONNX Runtime threads (default: all cores)', positive('--threads', true));
}

/** Loads the detector the options name; usage mistakes go through `cmd.error` (exit 2). */
export async function detectorFromOptions(cmd: Command, o: DetectorCliOptions): Promise<Detector> {
  if (o.model && !o.family) cmd.error(`error: --model needs --family (${FAMILY_NAMES.join(', ')})`, { exitCode: 2, code: 'smartview.usage' });
  if (!o.model && (o.family || o.labels)) cmd.error(`error: --${o.family ? 'family' : 'labels'} applies to --model; give --model PATH too`, { exitCode: 2, code: 'smartview.usage' });
  if (!o.model) return loadDefaultDetector({ threshold: o.threshold, nmsIou: o.nmsIou });
  const labels = o.labels ? await loadLabels(o.labels) : undefined;
  return loadOnnxDetector({ model: o.model, family: o.family!, labels, threshold: o.threshold, nmsIou: o.nmsIou, threads: o.threads });
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;
const r1 = (x: number) => Math.round(x * 10) / 10;

export function presentDetection(d: Detection): { label: string; score: number; box: [number, number, number, number] } {
  return { label: d.label, score: r3(d.score), box: [r1(d.box[0]), r1(d.box[1]), r1(d.box[2]), r1(d.box[3])] };
}

export function registerDetectCommand(program: Command): void {
  const cmd = program
    .command('detect')
    .description('Detect objects in an image, a video or a directory of images (a sequence, natural order); boxes [x,y,w,h] in source pixels')
    .argument('<input>', 'image file, video file, or directory of images');
  addDetectorOptions(cmd)
    .option('--classes <labels>', 'only these labels, comma-separated (e.g. person,car)')
    .option('--fps <n>', 'video: analyse this many frames per second (default: every frame)', positive('--fps', false))
    .option('--json', 'one JSON object a line: {"source","frame","t_ms"? (video),"detections":[{"label","score","box"}]}')
    .action(async (input: string, o: DetectorCliOptions & { classes?: string; fps?: number; json?: boolean }) => {
      const detector = await detectorFromOptions(cmd, o);
      try {
        const classes = o.classes?.split(',').map((s) => s.trim()).filter(Boolean);
        const unknown = classes?.filter((c) => !detector.labels.includes(c)) ?? [];
        if (unknown.length) {
          cmd.error(`error: --classes: ${unknown.map((u) => `'${u}'`).join(', ')} ${unknown.length > 1 ? 'are not labels' : 'is not a label'} of the model (its labels: ${detector.labels.slice(0, 12).join(', ')}${detector.labels.length > 12 ? ', …' : ''})`, { exitCode: 2, code: 'smartview.usage' });
        }
        let failed = 0;
        for await (const f of readFrames(DEFAULT_TOOLS, input, { fps: o.fps })) {
          if ('error' in f) {
            failed++;
            fail(f.error);
            continue;
          }
          const dets = (await detector.detect(f.image, { classes })).map(presentDetection);
          if (o.json) printJsonLine({ source: f.source, frame: f.frame, ...(f.tMs !== undefined ? { t_ms: f.tMs } : {}), detections: dets });
          else printLine(`${f.source} #${f.frame}${f.tMs !== undefined ? ` @${f.tMs} ms` : ''}: ${dets.length ? dets.map((d) => `${d.label} ${d.score} [${d.box.join(',')}]`).join('; ') : 'nothing'}`);
        }
        if (failed) warn(`${failed} image(s) could not be decoded (see above)`);
      } finally {
        await detector.close();
      }
    });
}
