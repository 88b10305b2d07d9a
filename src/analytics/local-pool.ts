import type { DetectOptions, Detector, DetectorPool, PoolStats, RgbImage } from '../detect/types';

/**
 * One detector in this thread, behind the pool interface: for the CLI over a single file and for
 * benchmark baselines, where frames come one at a time and worker threads would only add start-up
 * time. While a request runs, a second one is dropped (null), as the real pool does when full.
 */
export function detectorAsPool(detector: Detector): DetectorPool {
  let inFlight = 0;
  let completed = 0;
  let dropped = 0;
  let failed = 0;
  const times: number[] = [];
  return {
    labels: detector.labels,
    inputSize: detector.inputSize,
    threshold: detector.threshold,
    async detect(_source: string, image: RgbImage, opts?: DetectOptions) {
      if (inFlight > 0) {
        dropped++;
        return null;
      }
      inFlight++;
      const t0 = performance.now();
      try {
        const out = await detector.detect(image, opts);
        completed++;
        times.push(performance.now() - t0);
        if (times.length > 100) times.shift();
        return out;
      } catch (err) {
        failed++;
        throw err;
      } finally {
        inFlight--;
      }
    },
    stats(): PoolStats {
      return { workers: 1, queued: 0, inFlight, completed, dropped, failed, meanInferMs: times.length ? times.reduce((a, b) => a + b, 0) / times.length : 0 };
    },
    close: () => detector.close(),
  };
}
