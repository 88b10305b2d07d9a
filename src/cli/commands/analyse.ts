import type { Command } from 'commander';
import type { JobView } from '../../analytics/jobs.service';
import { analyseFileLocally, loadDetectorFrom } from '../../analytics/local';
import { fileFootageReader, newGate, newTracker } from '../../analytics/wiring';
import { UserError } from '../../core/errors';
import { silentLogger } from '../../core/logger';
import { DEFAULT_TOOLS } from '../../media/ffmpeg';
import { ApiClient } from '../client';
import { printJsonLine, printLine, progress, warn } from '../output';
import { parseIsoWithZone } from './evidence';

interface AnalyseOptions {
  model?: string;
  family?: string;
  labels?: string;
  threshold?: string;
  classes?: string;
  fps?: string;
  motion?: boolean;
  json?: boolean;
  camera?: string;
  from?: string;
  to?: string;
  url?: string;
  token?: string;
}

function num(v: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new UserError('bad_usage', `${flag}: expected a number from ${min} to ${max}, got '${v}'`);
  return n;
}

/** The bar on a terminal; otherwise (logs, pipes) a plain line on stderr at most every 2 s. */
function progressOf(label: string): (pct: number) => void {
  if (process.stderr.isTTY) {
    const bar = progress(label);
    return (pct) => bar(pct, 100);
  }
  let last = 0;
  return (pct) => {
    if (Date.now() - last < 2000 && pct < 100) return;
    last = Date.now();
    warn(`${label}: ${pct}%`);
  };
}

const list = (v: string | undefined) => v?.split(',').map((s) => s.trim()).filter(Boolean);

export function registerAnalyseCommand(program: Command): void {
  program
    .command('analyse')
    .alias('analyze')
    .description('Analyse footage: a video file here (no server), or a camera\'s recordings over a range through a running server (a job; Ctrl-C cancels it)')
    .argument('[file]', 'video file to analyse locally')
    .option('--model <path>', 'ONNX detection model (default: the built-in detector)')
    .option('--family <family>', 'model family: yolox, nanodet, fastestdet or yolo')
    .option('--labels <file>', 'class names of the model, one a line (default: the 80 COCO names)')
    .option('--threshold <t>', 'minimum detection score')
    .option('--classes <list>', 'comma-separated labels, e.g. person,car (default: all)')
    .option('--fps <n>', 'frames analysed per second of footage (default 2 for a file; the server\'s analytics.jobs.fps for a job)')
    .option('--no-motion', 'run the detector on every sampled frame (no motion gating)')
    .option('--camera <id>', 'analyse this camera\'s recordings on the server (with --from and --to)')
    .option('--from <iso>', 'start, ISO 8601 with zone')
    .option('--to <iso>', 'end (exclusive), ISO 8601 with zone')
    .option('--url <url>', 'server URL (or SMARTVIEW_URL)')
    .option('--token <token>', 'API token (or SMARTVIEW_TOKEN)')
    .option('--json', 'one JSON object a line')
    .action(async (file: string | undefined, o: AnalyseOptions) => {
      if (o.camera) {
        if (file) throw new UserError('bad_usage', 'give either a file or --camera, not both');
        await analyseOnServer(o);
      } else if (file) {
        await analyseHere(file, o);
      } else {
        throw new UserError('bad_usage', 'give a video file, or --camera ID --from ISO --to ISO');
      }
    });
}

async function analyseHere(file: string, o: AnalyseOptions): Promise<void> {
  const fps = num(o.fps, '--fps', 0.01, 30) ?? 2;
  const detector = await loadDetectorFrom({ model: o.model, family: o.family, labels: o.labels, threshold: num(o.threshold, '--threshold', 0, 1) });
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  const bar = progressOf(`analysing ${file}`);
  const started = performance.now();
  try {
    const stats = await analyseFileLocally({
      file, detector, reader: fileFootageReader(DEFAULT_TOOLS), gate: o.motion === false ? null : newGate(), tracker: newTracker({}, detector.threshold),
      fps, classes: list(o.classes), signal: abort.signal, log: silentLogger(),
      onLine: (l) => (o.json ? printJsonLine(l) : printLine(`${(l.t_ms / 1000).toFixed(1)}s  track ${l.track} ${l.label} ${l.type}  [${l.box.join(', ')}]`)),
      onProgress: (p) => bar(Math.round(p * 100)),
    });
    bar(100);
    const secs = (performance.now() - started) / 1000;
    const summary = { type: 'summary', file, frames: stats.frames, detector_calls: stats.detectorCalls, gated_out: stats.gatedOut, tracks: stats.tracks, media_ms: stats.mediaMs, seconds: Math.round(secs * 10) / 10, speed: secs > 0 ? Math.round((stats.mediaMs / 1000 / secs) * 10) / 10 : null };
    if (o.json) printJsonLine(summary);
    warn(`${stats.frames} frames, ${stats.detectorCalls} detector calls (${stats.gatedOut} skipped: no motion), ${stats.tracks} tracks; ${summary.speed ?? '?'}× real time`);
    if (abort.signal.aborted) process.exitCode = 130;
  } finally {
    process.off('SIGINT', onSigint);
    await detector.close();
  }
}

async function analyseOnServer(o: AnalyseOptions): Promise<void> {
  if (!o.from || !o.to) throw new UserError('bad_usage', '--camera needs --from and --to (ISO 8601 with zone)');
  if (o.model || o.family || o.labels || o.threshold) throw new UserError('bad_usage', 'a server job uses the server\'s detector: --model, --family, --labels and --threshold apply to a local file only');
  const client = new ApiClient(o);
  const body = { cameraId: o.camera, from: parseIsoWithZone('--from', o.from), to: parseIsoWithZone('--to', o.to), fps: num(o.fps, '--fps', 0.01, 30), classes: list(o.classes) };
  const job = await client.json<JobView>('POST', '/api/analysis/jobs', { json: body });
  warn(`analysis job ${job.id} created (camera ${job.cameraId}, ${o.from} … ${o.to}); Ctrl-C cancels it`);
  let cancelling = false;
  const onSigint = () => {
    if (cancelling) process.exit(130);
    cancelling = true;
    warn(`cancelling job ${job.id} …`);
    client.json<JobView>('POST', `/api/analysis/jobs/${encodeURIComponent(job.id)}/cancel`).catch((err: unknown) => warn(`could not cancel: ${(err as Error).message}`));
  };
  process.on('SIGINT', onSigint);
  const bar = progressOf(`job ${job.id}`);
  try {
    for (;;) {
      const v = await client.json<JobView>('GET', `/api/analysis/jobs/${encodeURIComponent(job.id)}`);
      bar(Math.round(v.progress * 100));
      if (v.state === 'done' || v.state === 'failed' || v.state === 'cancelled') {
        if (process.stderr.isTTY && v.progress < 1) process.stderr.write('\n');
        if (o.json) printJsonLine({ type: 'job', ...v });
        else printLine(`${v.id} ${v.state}: ${v.frames} frames, ${v.tracks} tracks, ${v.events} events${v.error ? ` (${v.error})` : ''}`);
        if (v.state === 'failed') process.exitCode = 1;
        if (v.state === 'cancelled') process.exitCode = 130;
        return;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
}
