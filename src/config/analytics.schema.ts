import { z } from 'zod';

/**
 * The `analytics` section of the configuration (detector pool, sampling, motion gating, tracking,
 * event delivery). Kept in its own file; schema.ts includes it. Each sub-object belongs to one room:
 * detector/pool → src/detect, sampling → src/sample, motion → src/motion, tracker → src/track,
 * delivery → src/alerts, jobs → src/analytics.
 */
export const analyticsSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Run live analytics on analytics nodes for cameras whose analytics are switched on'),
    detector: z
      .strictObject({
        model: z.string().min(1).optional().describe('Path of an ONNX detection model (default: the built-in detector from an npm package, no download)'),
        family: z.enum(['yolox', 'nanodet', 'fastestdet', 'yolo']).optional().describe('Model family of `model` (its pre- and post-processing); required with `model`'),
        labels: z.string().min(1).optional().describe('Class names file, one a line (default: the 80 COCO names)'),
        threshold: z.number().min(0).max(1).optional().describe('Minimum detection score (default: the family\'s tuned threshold, see docs/BENCHMARKS.md)'),
        nmsIou: z.number().min(0).max(1).default(0.45).describe('IoU above which overlapping boxes of one class are merged'),
        classes: z.array(z.string().min(1)).default(['person', 'bicycle', 'car', 'motorcycle', 'bus', 'truck']).describe('Labels kept by live analytics'),
      })
      .prefault({})
      .describe('The detection model'),
    pool: z
      .strictObject({
        workers: z.number().int().min(0).max(64).default(0).describe('Detector worker threads (0 = one per CPU core)'),
        threadsPerWorker: z.number().int().min(1).max(16).default(1).describe('ONNX Runtime intra-op threads per worker'),
        maxQueue: z.number().int().min(1).max(10_000).default(16).describe('Requests waiting for a worker before new frames are dropped (counted)'),
      })
      .prefault({})
      .describe('The one detector pool shared by every camera'),
    sampling: z
      .strictObject({
        fps: z.number().positive().max(30).default(2).describe('Frames per second analysed per camera (the sub-stream is used when the camera has one)'),
      })
      .prefault({})
      .describe('Frame sampling per camera'),
    motion: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Run the detector only where (and when) there is motion'),
      })
      .prefault({})
      .describe('Motion gating'),
    tracker: z
      .strictObject({
        lostAfterMs: z.number().int().positive().default(3000).describe('A track not matched for this long is ended (lost)'),
      })
      .prefault({})
      .describe('Multi-object tracking per camera'),
    delivery: z
      .strictObject({
        webhooks: z
          .array(
            z.strictObject({
              url: z.string().url().describe('Receiver URL (POST, JSON body)'),
              secret: z.string().min(16).describe('Shared secret for the X-SmartView-Signature HMAC-SHA256 header'),
              minSeverity: z.enum(['info', 'low', 'medium', 'high', 'critical']).default('info').describe('Least severity delivered'),
            }),
          )
          .default([])
          .describe('Signed webhooks for alerts'),
        mqtt: z
          .strictObject({
            url: z.string().min(1).optional().describe('MQTT broker URL, e.g. mqtt://127.0.0.1:1883 (unset = off)'),
            topicPrefix: z.string().regex(/^[A-Za-z0-9_/-]+$/).default('smartview').describe('Topic prefix: <prefix>/alerts/<camera>, <prefix>/events/<camera>'),
          })
          .prefault({})
          .describe('MQTT delivery of events and alerts'),
      })
      .prefault({})
      .describe('Where events and alerts go besides the web app'),
  })
  .prefault({})
  .describe('Video analytics: detector pool, sampling, motion gating, tracking, alert delivery');
