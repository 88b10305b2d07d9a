import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { OperationalError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Box } from '../detect/types';
import { runFfmpeg, type MediaTools } from '../media/ffmpeg';
import { probeVideoGeometry, type EncoderSettings } from '../media/privacy-filters';
import { checkReach, plateStep, trackDetections, withCheckFinds, type Analysis, type Detections, type RedactionSettings, type RenderRange } from './redact';
import type { WorkerInit, WorkerReply, WorkerRequest } from './redact.worker';

/**
 * Redaction on several cores: the clip is cut in time into one range per worker thread (each with its own face
 * and plate detectors). Pass 1: each worker detects on its range on the clip's own sampling grid; the detections
 * are joined into tracks here, in frame order — the same tracks as one worker would make. Pass 2: each worker
 * blurs and checks its range plus an overlap of 2 × the check's reach on each side (so a check find's hold across
 * the cut lands in the copy), encodes only its own frames, and the parts are joined by stream copy (each part
 * starts with a keyframe). Frames are counted by decoding from the start (exact cuts; decoding is cheap).
 */
const BOOTSTRAP = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register(); await import(${JSON.stringify(new URL('./redact.worker.ts', import.meta.url).href)});`;

type Request = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

class RedactWorker {
  private next = 1;
  private readonly pending = new Map<number, Pending>();
  readonly ready: Promise<void>;

  constructor(init: WorkerInit, private readonly log: Logger) {
    const w = new Worker(BOOTSTRAP, { eval: true, workerData: init });
    this.worker = w;
    this.ready = new Promise((resolve, reject) => {
      w.on('message', (m: WorkerReply) => {
        if ('ready' in m) return resolve();
        if ('failed' in m) return reject(new OperationalError('model_missing', `A redaction worker could not load its detectors: ${m.failed}`));
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if ('ok' in m) p.resolve(m.ok);
        else p.reject(new OperationalError('redaction_failed', `Redaction worker: ${m.error}`));
      });
      w.on('error', (err) => {
        this.log.error({ err: err.message }, 'redaction worker crashed');
        reject(err);
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
      });
    });
  }

  private readonly worker: Worker;

  call<T>(req: Request): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...req, id });
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

export class RedactionPool {
  private constructor(private readonly workers: RedactWorker[], private readonly tools: MediaTools, private readonly log: Logger) {}

  /** Starts `n` workers and waits until each has loaded its detectors. */
  static async start(n: number, init: WorkerInit, log: Logger): Promise<RedactionPool> {
    const workers = Array.from({ length: Math.max(1, n) }, () => new RedactWorker(init, log));
    try {
      await Promise.all(workers.map((w) => w.ready));
    } catch (err) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw err;
    }
    return new RedactionPool(workers, init.tools, log);
  }

  get size(): number {
    return this.workers.length;
  }

  /** Cut points (frame numbers, multiples of the plate step) splitting an estimated frame count into ranges. */
  private async cuts(input: string, s: RedactionSettings): Promise<number[]> {
    const g = await probeVideoGeometry(this.tools, input);
    return this.cutsOf(Math.round(g.durationS * g.fps), s);
  }

  /** Cut points for a clip of about `frames` frames: parts of at least twice the check's overlap. */
  cutsOf(frames: number, s: RedactionSettings): number[] {
    const unit = plateStep(s);
    const minPart = Math.max(unit * 2, checkReach(s) * 2);
    const parts = Math.max(1, Math.min(this.workers.length, Math.floor(frames / minPart)));
    return Array.from({ length: parts - 1 }, (_, i) => Math.round(((i + 1) * frames) / parts / unit) * unit);
  }

  /** Pass 1 on all workers: the clip's tracks. */
  async analyse(input: string, s: RedactionSettings): Promise<Analysis> {
    const cuts = await this.cuts(input, s);
    const bounds = [0, ...cuts, Infinity];
    const parts = await Promise.all(cuts.concat(Infinity).map((to, i) => this.workers[i]!.call<Detections>({ op: 'detect', input, settings: s, range: { from: bounds[i]!, to } })));
    return trackDetections(parts, s);
  }

  /** Pass 2 with the check on all workers; the parts joined by stream copy into `output`. */
  async renderVerified(input: string, output: string, a: Analysis, keep: ReadonlySet<number>, s: RedactionSettings, encoder: EncoderSettings): Promise<{ analysis: Analysis; frames: number; blurredBoxes: number; added: number }> {
    const cuts = await this.cuts(input, s);
    const overlap = checkReach(s) * 2;
    const bounds = [0, ...cuts, Infinity];
    const dir = `${output}.parts`;
    await mkdir(dir, { recursive: true });
    try {
      const ranges: RenderRange[] = cuts.concat(Infinity).map((to, i) => ({ from: Math.max(0, bounds[i]! - overlap), to: to + overlap, encodeFrom: bounds[i]!, encodeTo: to }));
      const files = ranges.map((_, i) => path.join(dir, `part-${i}.mp4`));
      const parts = await Promise.all(ranges.map((range, i) => this.workers[i]!.call<{ frames: number; blurredBoxes: number; found: Array<[number, Box[]]> }>({
        op: 'render', input, output: files[i]!, analysis: a, keep: [...keep], settings: s, encoder, check: true, range,
      })));
      if (files.length === 1) await runFfmpeg(this.tools, ['-y', '-i', files[0]!, '-c', 'copy', '-movflags', '+faststart', output], { timeoutMs: 600_000 });
      else {
        const list = path.join(dir, 'list.txt');
        await writeFile(list, files.map((f) => `file '${f.replace(/'/g, `'\\''`)}'`).join('\n'));
        await runFfmpeg(this.tools, ['-y', '-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', '-movflags', '+faststart', output], { timeoutMs: 600_000 });
      }
      // Each worker reports the finds of its own encoded frames (the overlap's are the neighbour's).
      const found = new Map<number, Box[]>();
      parts.forEach((p, i) => {
        for (const [f, boxes] of p.found) if (f >= bounds[i]! && f < bounds[i + 1]!) found.set(f, boxes);
      });
      const frames = parts.reduce((n, p) => n + p.frames, 0);
      const blurredBoxes = parts.reduce((n, p) => n + p.blurredBoxes, 0);
      return withCheckFinds(a, found, s, { frames, blurredBoxes }, this.log);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
