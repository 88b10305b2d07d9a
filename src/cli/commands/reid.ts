import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_TOOLS } from '../../media/ffmpeg';
import { decodeImageFile } from '../../media/images';
import { listImages } from '../../reid/files';
import { loadEmbedder } from '../../reid/index';
import { fail, printJsonLine, printLine, warn } from '../output';

const r6 = (x: number) => Math.round(x * 1e6) / 1e6;

export function registerReidCommands(program: Command): void {
  const reid = program.command('reid').description('Appearance re-identification (clothing and build, never faces)');
  reid
    .command('embed')
    .description('Appearance embedding of each image (a person or vehicle crop): L2-normalised, compare with cosine')
    .argument('<inputs...>', 'image files and/or directories of images (read recursively)')
    .option('--model <path>', 'ONNX re-identification model, e.g. osnet_x0_25_msmt17.onnx (default: the model-free HSV body-part descriptor)')
    .option('--threads <n>', 'ONNX Runtime threads (default: all cores)', (v: string) => {
      const n = Number(v);
      if (!(Number.isInteger(n) && n > 0)) throw new InvalidArgumentError(`--threads must be a positive whole number; got '${v}'`);
      return n;
    })
    .option('--json', 'one JSON object a line: {"source","model","vector":[…]}')
    .action(async (inputs: string[], o: { model?: string; threads?: number; json?: boolean }) => {
      const images = await listImages(inputs);
      if (!images.length) warn('warning: no images found (jpg, png, bmp, webp, ppm, tif, gif)');
      const embedder = await loadEmbedder({ model: o.model, threads: o.threads });
      try {
        for (const img of images) {
          try {
            const v = await embedder.embed(await decodeImageFile(DEFAULT_TOOLS, img.path));
            if (o.json) printJsonLine({ source: img.source, model: embedder.modelId, vector: Array.from(v, r6) });
            else printLine(`${img.source}\t${embedder.modelId}\t${v.length}-d`);
          } catch (err) {
            fail(err); // one bad image does not stop the rest; the exit code says something failed
          }
        }
      } finally {
        await embedder.close();
      }
    });
}
