/**
 * Synthetic Hong Kong plates for tests and benchmarks (no public Hong Kong plate set with ground truth exists).
 * ffmpeg draws each plate: DejaVu Sans Bold Condensed as a stand-in for the UK-style Charles Wright font, black on
 * white (front) or yellow (rear), with a border; then perspective, blur, noise and, for some, night (dark, low
 * contrast, a glare band). Half are tight crops, half sit in a larger "vehicle" frame so localisation is exercised.
 * Deterministic for a given random source (pass a seeded PRNG).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { OperationalError } from '../../core/errors';
import { runFfmpeg, type MediaTools } from '../../media/ffmpeg';
import { HK_LETTERS } from '../grammar/hk';

export const SYNTH_FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf';

export interface SynthPlate {
  file: string;
  text: string;
  kind: 'hk' | 'hk_personalised';
  colour: 'white' | 'yellow';
  night: boolean;
  inScene: boolean;
  /** Two-row plate: letters above, number below (some Hong Kong rear plates). */
  twoRows: boolean;
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[] | string): T => xs[Math.floor(r() * xs.length)] as T;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

/** A mark and how it is printed (ordinary marks have a space between letters and number). */
export function randomHkMark(r: Rand): { text: string; printed: string; kind: SynthPlate['kind']; letters: string; number: string } {
  if (r() < 0.15) {
    const n = int(r, 3, 7);
    let t = '';
    for (let i = 0; i < n; i++) t += pick<string>(r, HK_LETTERS);
    if (r() < 0.3) t += String(int(r, 1, 9));
    return { text: t, printed: t, kind: 'hk_personalised', letters: t, number: '' };
  }
  const letters = r() < 0.9 ? 2 : r() < 0.5 ? 1 : 0;
  let l = '';
  for (let i = 0; i < letters; i++) l += pick<string>(r, HK_LETTERS);
  const digits = int(r, 1, 4);
  const num = String(int(r, digits === 1 ? 1 : 10 ** (digits - 1), 10 ** digits - 1));
  return { text: l + num, printed: l ? `${l} ${num}` : num, kind: 'hk', letters: l, number: num };
}

/** The ffmpeg filter graph for one plate. */
export function plateFilter(
  r: Rand,
  printed: string | [string, string],
  colour: SynthPlate['colour'],
  night: boolean,
  inScene: boolean,
  font = SYNTH_FONT,
): { graph: string; size: [number, number] } {
  const rows = typeof printed === 'string' ? [printed] : printed;
  const pw = rows.length === 1 ? int(r, 180, 300) : int(r, 130, 200);
  const ph = Math.round(pw * (rows.length === 1 ? 0.2 + r() * 0.04 : 0.5 + r() * 0.06));
  const fs = Math.round((ph * 0.78) / rows.length);
  const bg = colour === 'white' ? '0xF4F4F0' : '0xF2C200';
  const sw = Math.round(pw * (1.3 + r() * 0.5));
  // A scene is shaped like a vehicle crop (about as tall as wide), a crop is the plate with a thin margin.
  const [cw, ch] = inScene ? [sw, Math.round(sw / (1.1 + r() * 0.5))] : [pw + int(r, 6, 20), ph + int(r, 6, 16)];
  const px = int(r, 2, cw - pw - 2);
  const py = int(r, 2, ch - ph - 2);
  const body = pick<string>(r, ['0x2A3038', '0x6B7078', '0x9A1E1E', '0x1E3A6B', '0xC8C8C8']);
  const j = (f: number): number => Math.round((r() - 0.5) * 2 * f * Math.min(cw, ch));
  const persp = `perspective=x0=${j(0.08)}:y0=${j(0.08)}:x1=${cw + j(0.08)}:y1=${j(0.08)}:x2=${j(0.08)}:y2=${ch + j(0.08)}:x3=${cw + j(0.08)}:y3=${ch + j(0.08)}:interpolation=linear`;
  const blur = (0.3 + r() * 1.2).toFixed(2);
  const noise = int(r, 3, 14);
  const esc = (t: string): string => t.replace(/ /g, '\\ ');
  const texts = rows
    .map((t, i) => `drawtext=fontfile=${font}:text=${esc(t)}:fontsize=${fs}:fontcolor=0x111111:x=(w-text_w)/2:y=${rows.length === 1 ? '(h-text_h)/2' : `h*${i === 0 ? 0.1 : 0.55}`}`)
    .join(',');
  const parts = [
    `color=c=${body}:s=${cw}x${ch}:d=1[bg]`,
    `color=c=${bg}:s=${pw}x${ph}:d=1,drawbox=x=0:y=0:w=iw:h=ih:color=black:t=${Math.max(2, Math.round(ph * 0.05))},` +
      `${texts}[plate]`,
    `[bg][plate]overlay=x=${px}:y=${py},${persp},gblur=sigma=${blur},noise=alls=${noise}:allf=t` +
      (night ? `,eq=brightness=-0.25:contrast=0.75:gamma=0.8,drawbox=x=${int(r, 0, cw / 2)}:y=0:w=${int(r, cw / 8, cw / 4)}:h=ih:color=white@0.25:t=fill` : '') +
      ',format=rgb24',
  ];
  return { graph: parts.join(';'), size: [cw, ch] };
}

export interface GenerateOptions {
  dir: string;
  n: number;
  rand: Rand;
  font?: string;
  concurrency?: number;
  /** Share of plates (with letters and a number) printed in two rows; default 0.3 of the yellow rear plates. */
  twoRowShare?: number;
}

/** Writes `n` plate images (JPEG) and `labels.json` into `dir`; returns the ground truth. */
export async function generateHkPlates(tools: MediaTools, o: GenerateOptions): Promise<SynthPlate[]> {
  await mkdir(o.dir, { recursive: true });
  // Decide everything up front so the images do not depend on the order ffmpeg finishes in.
  const jobs = Array.from({ length: o.n }, (_, i) => {
    const m = randomHkMark(o.rand);
    const colour: SynthPlate['colour'] = o.rand() < 0.5 ? 'white' : 'yellow';
    const night = o.rand() < 0.25;
    const inScene = o.rand() < 0.5;
    // Some rear (yellow) plates carry the letters above the number.
    const twoRows = (colour === 'yellow' || o.twoRowShare !== undefined) && m.letters !== '' && m.number !== '' && o.rand() < (o.twoRowShare ?? 0.3);
    const f = plateFilter(o.rand, twoRows ? [m.letters, m.number] : m.printed, colour, night, inScene, o.font);
    const file = `hk-${String(i + 1).padStart(4, '0')}.jpg`;
    return { plate: { file, text: m.text, kind: m.kind, colour, night, inScene, twoRows } satisfies SynthPlate, graph: f.graph };
  });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      const out = path.join(o.dir, job.plate.file);
      try {
        await runFfmpeg(tools, ['-y', '-filter_complex', job.graph, '-frames:v', '1', '-q:v', '3', out], { timeoutMs: 30_000 });
      } catch (err) {
        throw new OperationalError('synth_failed', `ffmpeg could not draw the synthetic plate ${job.plate.file}: check that ffmpeg has drawtext and the font ${o.font ?? SYNTH_FONT} exists`, { cause: err });
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency ?? 2 }, worker));
  const plates = jobs.map((j) => j.plate);
  await writeFile(path.join(o.dir, 'labels.json'), JSON.stringify(plates, null, 1));
  return plates;
}
