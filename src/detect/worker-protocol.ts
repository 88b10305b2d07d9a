/** Messages between the detector pool (main thread) and its workers. Images travel as transferred ArrayBuffers. */
import type { OnnxFamily } from './families';
import type { Detection, DetectOptions, ModelFamily } from './types';

export type WorkerSpec =
  | { kind: 'onnx'; model: string; family: OnnxFamily; labels?: string; threshold?: number; nmsIou?: number; threads?: number }
  | { kind: 'default'; threshold?: number; nmsIou?: number };

export interface WorkerInit {
  spec: WorkerSpec;
}

export type ToWorker =
  | { type: 'detect'; id: number; width: number; height: number; data: ArrayBuffer; opts?: DetectOptions }
  | { type: 'close' };

/** A serialisable error: the pool rebuilds an error of the same kind and code. */
export interface WireError {
  kind: 'user' | 'operational' | 'other';
  code: string;
  message: string;
  status?: number;
}

export type FromWorker =
  | { type: 'ready'; family: ModelFamily; labels: string[]; inputSize: { width: number; height: number }; threshold: number }
  | { type: 'fatal'; error: WireError }
  | { type: 'result'; id: number; detections: Detection[]; inferMs: number; totalMs: number }
  | { type: 'error'; id: number; error: WireError };
