import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { OperationalError } from '../../core/errors';

const require = createRequire(import.meta.url);

export interface TfjsBackendInfo {
  backend: string;
  simd: boolean;
  /** 1: TF.js turns WASM threads off under Node (tensorflow/tfjs#3830); the pool runs one detector per thread instead. */
  threads: number;
}

// Module state is per thread (each worker_thread loads its own copy), which is exactly the scope of a TF.js engine.
let ready: Promise<TfjsBackendInfo> | undefined;

/**
 * Starts TF.js on its WASM backend once per thread, with the .wasm binaries read from node_modules (never
 * fetched). Safe to call from every detector: later calls share the first one's promise.
 */
export function initTfjsWasm(): Promise<TfjsBackendInfo> {
  ready ??= start().catch((err: unknown) => {
    ready = undefined;
    throw err;
  });
  return ready;
}

async function start(): Promise<TfjsBackendInfo> {
  let dir: string;
  try {
    dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  } catch (err) {
    throw new OperationalError('tfjs_wasm_missing', 'The TF.js WASM binaries (@tensorflow/tfjs-backend-wasm/dist/*.wasm) are not installed: run npm install', { cause: err });
  }
  // A directory prefix (not a file map) so the backend picks the SIMD binary itself when the CPU has SIMD.
  setWasmPaths(dir + path.sep);
  tf.enableProdMode();
  const before = listenerSnapshot();
  const ok = await tf.setBackend('wasm');
  // The Emscripten runtime installs process-wide uncaughtException/unhandledRejection handlers that rethrow
  // (turning any stray rejection anywhere in the server into a crash through a foreign handler). Node's own
  // defaults already do the right thing; remove what the WASM module added.
  removeAddedListeners(before);
  if (!ok || tf.getBackend() !== 'wasm') {
    throw new OperationalError('tfjs_wasm_failed', `TF.js could not start its WASM backend from ${dir} (Node ${process.version}); reinstall @tensorflow/tfjs-backend-wasm`);
  }
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  return { backend: 'wasm', simd, threads: 1 };
}

type Listener = (...args: unknown[]) => void;
interface Snapshot {
  uncaughtException: Set<Listener>;
  unhandledRejection: Set<Listener>;
}

function listenerSnapshot(): Snapshot {
  return {
    uncaughtException: new Set(process.listeners('uncaughtException') as Listener[]),
    unhandledRejection: new Set(process.listeners('unhandledRejection') as Listener[]),
  };
}

function removeAddedListeners(before: Snapshot): void {
  for (const l of process.listeners('uncaughtException')) if (!before.uncaughtException.has(l as Listener)) process.removeListener('uncaughtException', l);
  for (const l of process.listeners('unhandledRejection')) if (!before.unhandledRejection.has(l as Listener)) process.removeListener('unhandledRejection', l);
}
