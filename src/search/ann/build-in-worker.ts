/** An HNSW build in a worker thread (build.worker.ts); the event loop stays free while it runs. */
import { Worker } from 'node:worker_threads';
import { Hnsw, type HnswState } from './hnsw';

type Reply = { progress: number } | { ok: HnswState } | { error: string };

/** tsx's loader is not inherited by workers: a tiny evaluated bootstrap registers it (as src/plan/run-worker.ts does). */
const BOOTSTRAP = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register(); await import(${JSON.stringify(new URL('./build.worker.ts', import.meta.url).href)});`;

export interface WorkerBuildOptions {
  dim: number;
  M: number;
  efConstruction: number;
  /** Called from the main thread with the vectors inserted so far. */
  onProgress?: (done: number) => void;
  progressEvery?: number;
}

/**
 * Builds an index of the first `count` vectors of `vectors` (count × dim, unit length) in a worker.
 * `vectors` is transferred: the caller must not use it afterwards (it becomes detached).
 */
export function buildHnswInWorker(vectors: Float32Array, count: number, o: WorkerBuildOptions): Promise<Hnsw> {
  const own = vectors.byteOffset === 0 && vectors.byteLength === vectors.buffer.byteLength ? vectors : vectors.slice(0, count * o.dim);
  return new Promise((resolve, reject) => {
    const worker = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: { vectors: own, count, dim: o.dim, M: o.M, efConstruction: o.efConstruction, progressEvery: o.progressEvery ?? 10_000 },
      transferList: [own.buffer as ArrayBuffer],
    });
    let settled = false;
    const done = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    worker.on('message', (msg: Reply) => {
      if ('progress' in msg) return o.onProgress?.(msg.progress);
      if ('ok' in msg) return done(() => resolve(Hnsw.fromState(msg.ok)));
      done(() => reject(new Error(`ANN build worker failed: ${msg.error}`)));
    });
    worker.once('error', (err) => done(() => reject(err)));
    worker.once('exit', (code) => done(() => reject(new Error(`ANN build worker exited with code ${code} before answering`))));
  });
}
