import { Worker } from 'node:worker_threads';
import { OperationalError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { MediaTools } from '../media/ffmpeg';
import { probeVideoGeometry, type EncoderSettings } from '../media/privacy-filters';
import { faceWindows, type FaceBox } from './faces';
import { detectFramesWith, plateStep, renderVerified, trackDetections, type Analysis, type FaceWindowDetector, type FrameFinds, type RedactionSettings } from './redact';
import type { WorkerInit, WorkerReply, WorkerRequest } from './redact.worker';

/**
 * Redaction on several cores, WITHOUT cutting the clip: worker threads, each with its own face and plate detectors,
 * do the detection while this thread decodes, pixelates and encodes.
 * - Pass 1: every sampled frame goes whole to the least busy worker (faces on every window + plates on plate
 *   frames); frames are independent, so the detections, and the tracks made from them here in frame order, are
 *   exactly those of one thread (tested).
 * - Pass 2: one decode, one encode, in this thread, frame by frame as in one thread; the check's windows of a frame
 *   (those a blur touched: the others reuse pass 1) are spread over the workers and joined. The check finds, and
 *   so the released copy, are those of one thread, frame for frame (tested).
 * (A first version cut the clip in time and encoded the parts separately: the check finds chained differently after
 * the cut and one face scoring just above the threshold came through in one frame of the test clip.)
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
  readonly ready: Promise<string>;
  private readonly worker: Worker;

  constructor(init: WorkerInit, private readonly log: Logger) {
    const w = new Worker(BOOTSTRAP, { eval: true, workerData: init });
    this.worker = w;
    this.ready = new Promise((resolve, reject) => {
      w.on('message', (m: WorkerReply) => {
        if ('ready' in m) return resolve(m.key);
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

  /** Requests waiting for an answer. */
  get busy(): number {
    return this.pending.size;
  }

  call<T>(req: Request, transfer: ArrayBuffer[] = []): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...req, id }, transfer);
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

export class RedactionPool {
  private constructor(private readonly workers: RedactWorker[], private readonly init: WorkerInit, readonly key: string, private readonly log: Logger) {}

  /** Starts `n` workers and waits until each has loaded its detectors. */
  static async start(n: number, init: WorkerInit, log: Logger): Promise<RedactionPool> {
    const workers = Array.from({ length: Math.max(1, n) }, () => new RedactWorker(init, log));
    let keys: string[];
    try {
      keys = await Promise.all(workers.map((w) => w.ready));
    } catch (err) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw err;
    }
    return new RedactionPool(workers, init, keys[0]!, log);
  }

  get size(): number {
    return this.workers.length;
  }

  private idlest(): RedactWorker {
    return this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
  }

  /** Pass 1: sampled frames spread over the workers; the clip's tracks (the same as one thread's). */
  async analyse(input: string, s: RedactionSettings): Promise<Analysis> {
    const g = await probeVideoGeometry(this.init.tools, input);
    const pstep = plateStep(s);
    const d = await detectFramesWith(this.init.tools, input, g, s, this.log, this.init.faces.threshold, this.key, this.workers.length, (f, yuv) => {
      const plateSide = this.init.plates && f % pstep === 0 ? s.plateSide ?? 480 : null;
      // The frame is not needed here any more: moved, not copied.
      return this.idlest().call<FrameFinds>({ op: 'frame', yuv, width: g.width, height: g.height, plateSide }, [yuv.buffer as ArrayBuffer]);
    });
    return trackDetections([d], s);
  }

  /** The check's face detection with each frame's windows spread over the workers. */
  private checker(): FaceWindowDetector {
    const { threshold, tile } = this.init.faces;
    return {
      o: { threshold, tile },
      key: this.key,
      windows: (w, h) => faceWindows(w, h, tile),
      detectYuvWindows: async (yuv, width, height, which, thr) => {
        const n = Math.min(this.workers.length, which.length);
        const parts = Array.from({ length: n }, (_, k) => which.filter((_, i) => i % n === k));
        const res = await Promise.all(parts.map((p, k) => this.workers[k]!.call<FaceBox[][]>({ op: 'windows', yuv, width, height, which: p, threshold: thr })));
        const out: FaceBox[][] = new Array(which.length);
        parts.forEach((p, k) => p.forEach((_, j) => void (out[j * n + k] = res[k]![j]!)));
        return out;
      },
    };
  }

  /** Pass 2 with the check: decode, blur, check (on the workers), encode — one copy, as one thread makes it. */
  async renderVerified(input: string, output: string, a: Analysis, keep: ReadonlySet<number>, s: RedactionSettings, encoder: EncoderSettings): Promise<{ analysis: Analysis; frames: number; blurredBoxes: number; added: number; checkedWindows: number; reusedWindows: number }> {
    return renderVerified(this.init.tools, input, output, a, keep, s, encoder, { faces: this.checker() }, this.log);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
