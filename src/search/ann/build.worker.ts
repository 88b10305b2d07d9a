/**
 * Builds one HNSW index off the main thread: inserting a day's vectors takes minutes of pure CPU, which
 * on the main thread would freeze every request, live stream and recorder of the process. The vectors
 * arrive transferred (no copy); the built index goes back the same way. Progress every `progressEvery`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Hnsw } from './hnsw';

const w = workerData as { vectors: Float32Array; count: number; dim: number; M: number; efConstruction: number; progressEvery: number };
try {
  const index = new Hnsw({ dim: w.dim, M: w.M, efConstruction: w.efConstruction, capacity: Math.max(16, w.count) });
  for (let i = 0; i < w.count; i++) {
    index.add(w.vectors.subarray(i * w.dim, (i + 1) * w.dim));
    if ((i + 1) % w.progressEvery === 0 && i + 1 < w.count) parentPort!.postMessage({ progress: i + 1 });
  }
  const st = index.state();
  const buffers = [st.vectors, st.links0, st.scores0, st.counts0, st.levels].map((a) => a.buffer as ArrayBuffer);
  parentPort!.postMessage({ ok: st }, buffers);
} catch (err) {
  parentPort!.postMessage({ error: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err) });
}
