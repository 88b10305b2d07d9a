import { readdir, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { InvalidArgumentError as InvalidArgument, Option, type Command } from 'commander';
import { UserError } from '../../core/errors';
import { createCrowdCounter, densityOf, loadCountCalibration, type CountCalibration, type CountResult, type CrowdCounter, type CrowdKind } from '../../crowd/count/index';
import { FAMILY_NAMES, type OnnxFamily } from '../../detect/families';
import { loadLabels } from '../../detect/labels';
import { loadOnnxDetector } from '../../detect/onnx-detector';
import { isImagePath } from '../../detect/sequence';
import type { Detector } from '../../detect/types';
import { DEFAULT_TOOLS } from '../../media/ffmpeg';
import { decodeImageFile, decodeVideoFrames } from '../../media/images';
import { fail, printJsonLine, printLine, warn } from '../output';

const VIDEO_EXT = ['.mp4', '.mkv', '.mov', '.avi', '.ts', '.webm', '.m4v', '.mpg', '.mpeg', '.flv', '.gif'];

interface CrowdCountOptions {
  model?: string;
  kind?: CrowdKind;
  family?: OnnxFamily;
  labels?: string;
  detectorModel?: string;
  threshold?: number;
  tiling?: 'auto' | 'always' | 'never';
  tileSize?: number;
  overlap?: number;
  calibration?: string;
  fps: number;
  threads?: number;
  json?: boolean;
}

const number = (flag: string, ok: (n: number) => boolean, what: string) => (v: string): number => {
  const n = Number(v);
  if (!(v.trim() !== '' && ok(n))) throw new InvalidArgument(`${flag} must be ${what}; got '${v}'`);
  return n;
};

/** Files named by the arguments: a file as given; a directory's images and videos recursively, `source` below it. */
async function listInputs(inputs: readonly string[]): Promise<Array<{ path: string; source: string; video: boolean }>> {
  const out: Array<{ path: string; source: string; video: boolean }> = [];
  for (const input of inputs) {
    const st = await stat(input).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
      throw err;
    });
    if (!st) {
      fail(new UserError('input_not_found', `${input} does not exist: give images, videos or directories of them`, { input }, 404));
      continue;
    }
    if (!st.isDirectory()) {
      out.push({ path: input, source: input, video: !isImagePath(input) });
      continue;
    }
    const walk = async (dir: string): Promise<void> => {
      const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const e of entries) {
        if (e.name.startsWith('.')) continue;
        const p = join(dir, e.name);
        if (e.isDirectory()) await walk(p);
        else if (e.isFile() && (isImagePath(e.name) || VIDEO_EXT.includes(extname(e.name).toLowerCase()))) out.push({ path: p, source: relative(input, p).split(sep).join('/'), video: !isImagePath(e.name) });
      }
    };
    await walk(input);
  }
  return out;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

function line(source: string, r: CountResult, cal: CountCalibration | null, tMs?: number): Record<string, unknown> {
  return {
    source,
    ...(tMs !== undefined ? { t_ms: tMs } : {}),
    count: r.kind === 'density' ? r3(r.count) : r.count,
    ...(cal ? { density: r3(densityOf(r, cal).densityPerM2) } : {}),
  };
}

async function counterFromOptions(cmd: Command, o: CrowdCountOptions): Promise<{ counter: CrowdCounter; detector: Detector | null }> {
  const kind: CrowdKind = o.kind ?? (o.model && !o.family ? 'density' : 'detector');
  const usage = (m: string) => cmd.error(`error: ${m}`, { exitCode: 2, code: 'smartview.usage' });
  if (kind === 'density' && !o.model) usage('--kind density needs --model PATH (an ONNX density-map model)');
  if (kind === 'detector' && o.model && !o.family) usage(`--kind detector with --model needs --family (${FAMILY_NAMES.join(', ')})`);
  if (kind === 'density' && (o.family || o.detectorModel)) usage('--family/--detector-model apply to detection; --kind density counts with the density model only');
  const detectorPath = kind === 'detector' ? o.model : o.detectorModel;
  if (o.detectorModel && kind !== 'auto') usage('--detector-model applies to --kind auto (with --kind detector give the detection model as --model)');
  if (detectorPath && !o.family) usage(`the detection model needs --family (${FAMILY_NAMES.join(', ')})`);
  if (!detectorPath && (o.family || o.labels)) usage('--family/--labels describe a detection model: give it (--model with --kind detector, --detector-model with --kind auto)');
  let detector: Detector | null = null;
  if (detectorPath) detector = await loadOnnxDetector({ model: detectorPath, family: o.family!, labels: o.labels ? await loadLabels(o.labels) : undefined, threads: o.threads ?? 1 });
  try {
    const counter = await createCrowdCounter({
      kind,
      modelPath: kind === 'detector' ? undefined : o.model,
      detector: detector ?? undefined,
      threshold: o.threshold,
      tiling: { mode: o.tiling, tileSize: o.tileSize, overlap: o.overlap },
      density: { threads: o.threads },
      source: 'cli',
    });
    return { counter, detector };
  } catch (err) {
    await detector?.close();
    throw err;
  }
}

export function registerCrowdCommands(program: Command): void {
  const crowd = program.command('crowd').description('Crowd analytics');
  const cmd = crowd
    .command('count')
    .description('Count the people in images, directories of images (recursively) and videos (sampled frames)')
    .argument('<inputs...>', 'image files, video files and/or directories (read recursively)')
    .option('--model <path>', 'ONNX model: a density-map model (--kind density|auto) or a detection model (--kind detector, with --family)')
    .addOption(new Option('--kind <kind>', 'counting method (default: density when --model is given without --family, else detector)').choices(['detector', 'density', 'auto']))
    .addOption(new Option('--family <name>', 'family of the detection model (its pre- and post-processing)').choices(FAMILY_NAMES))
    .option('--labels <file>', 'class names of the detection model, one a line (default: the 80 COCO names)')
    .option('--detector-model <path>', '--kind auto: ONNX detection model (with --family) instead of the built-in detector')
    .option('--threshold <t>', 'minimum person score counted, 0–1 (default: calibrated on MOT17 for the built-in detector and YOLOX, docs/design/crowd-counting.md)', number('--threshold', (n) => n > 0 && n < 1, 'a number between 0 and 1'))
    .addOption(new Option('--tiling <mode>', 'detector tiles: auto (when the frame is much larger than the model input), always, never').choices(['auto', 'always', 'never']))
    .option('--tile-size <px>', 'tile side in source pixels (default: 2/3 of the frame height, at least 720)', number('--tile-size', (n) => Number.isInteger(n) && n >= 64, 'a whole number ≥ 64'))
    .option('--overlap <f>', 'tile overlap as a fraction of the tile, 0–0.5 (default 0.2)', number('--overlap', (n) => n >= 0 && n <= 0.5, 'a number from 0 to 0.5'))
    .option('--calibration <file>', 'count calibration JSON (image↔ground pairs, optional region): adds "density", persons per m² in the region')
    .option('--fps <n>', 'video: frames counted per second of video', number('--fps', (n) => n > 0, 'a positive number'), 1)
    .option('--threads <n>', 'ONNX Runtime threads of an ONNX model given here (default 1)', number('--threads', (n) => Number.isInteger(n) && n > 0, 'a positive whole number'))
    .option('--json', 'one JSON object a line: {"source","t_ms"? (video),"count","density"? (with --calibration)}');
  cmd.action(async (inputs: string[], o: CrowdCountOptions) => {
    const cal = o.calibration ? await loadCountCalibration(o.calibration) : null;
    const files = await listInputs(inputs);
    if (!files.length) {
      warn('warning: no images or videos found');
      return;
    }
    const { counter, detector } = await counterFromOptions(cmd, o);
    const emit = (source: string, r: CountResult, tMs?: number) => {
      const l = line(source, r, cal, tMs);
      if (o.json) printJsonLine(l);
      else printLine(`${source}${tMs !== undefined ? ` @${tMs} ms` : ''}: ${String(l.count)} ${r.count === 1 ? 'person' : 'people'}${cal ? `, ${String(l.density)} per m²` : ''}`);
    };
    let failed = 0;
    try {
      for (const f of files) {
        try {
          if (!f.video) emit(f.source, await counter.count(await decodeImageFile(DEFAULT_TOOLS, f.path)));
          else for await (const v of decodeVideoFrames(DEFAULT_TOOLS, f.path, { fps: o.fps })) emit(f.source, await counter.count(v.image), v.tMs);
        } catch (err) {
          failed++;
          warn(`error: ${f.source}: ${err instanceof Error ? err.message : String(err)}`);
          process.exitCode = 1;
        }
      }
      if (failed) warn(`${failed} file(s) could not be counted (see above)`);
    } finally {
      await counter.close();
      await detector?.close();
    }
  });
}
