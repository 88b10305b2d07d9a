/**
 * The contract of the detection room (src/detect). Everything that feeds or reads a detector speaks these types:
 * the sampler (src/sample) produces RgbImage, the detector pool returns Detection[], the tracker (src/track)
 * consumes Detection[]. Boxes are always in the pixels of the image that was given to the detector
 * (callers scale to source pixels with `scaleDetections`).
 */

/** Packed 8-bit RGB, row-major, no padding: data.length === width * height * 3. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** [x, y, w, h], top-left corner, in pixels. */
export type Box = [number, number, number, number];

export interface Detection {
  /** The model's class name (coco.names for COCO models: 'person', 'car', …). */
  label: string;
  classId: number;
  /** 0..1 */
  score: number;
  box: Box;
}

export type ModelFamily = 'yolox' | 'nanodet' | 'fastestdet' | 'yolo' | 'tfjs-nanodet' | 'tfjs-centernet';

export interface DetectOptions {
  /** Minimum score kept (default: the model's configured threshold). */
  threshold?: number;
  /** Only these labels (default: all). */
  classes?: readonly string[];
  /**
   * Regions of interest (motion gating): when given, the detector may run only on these boxes (in image pixels)
   * and return detections from them, still in full-image pixels.
   */
  regions?: readonly Box[];
}

/** One loaded model: pre-processing, inference and post-processing. Not thread-safe; the pool owns instances. */
export interface Detector {
  readonly family: ModelFamily;
  readonly labels: readonly string[];
  /** Model input size in pixels (what the sampler should scale to, at most). */
  readonly inputSize: { width: number; height: number };
  /** The score threshold used when a call gives none (the configured or the family's tuned one). */
  readonly threshold: number;
  detect(image: RgbImage, opts?: DetectOptions): Promise<Detection[]>;
  close(): Promise<void>;
}

export interface PoolStats {
  workers: number;
  queued: number;
  inFlight: number;
  completed: number;
  /** Requests refused because the queue was full (frames dropped on purpose). */
  dropped: number;
  failed: number;
  /** Mean inference ms over the last requests. */
  meanInferMs: number;
}

/**
 * One pool of detector workers shared by every camera. `detect` resolves to null when the request was
 * dropped because the pool is saturated (the caller counts it and moves on; nothing queues without bound).
 */
export interface DetectorPool {
  readonly labels: readonly string[];
  readonly inputSize: { width: number; height: number };
  /** The workers' default score threshold (known once the pool has started). */
  readonly threshold: number;
  detect(source: string, image: RgbImage, opts?: DetectOptions): Promise<Detection[] | null>;
  stats(): PoolStats;
  close(): Promise<void>;
}
