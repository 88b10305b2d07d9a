import { z } from 'zod';

/** The `privacy` section of the configuration (strict: unknown keys are errors). See docs/design/privacy.md. */
export const privacySchema = z
  .strictObject({
    fillColor: z.string().regex(/^(0x|#)?[0-9a-fA-F]{6}$/, 'an RGB colour like 000000 or #202020').default('000000').describe('Solid fill of privacy masks (RGB hex)'),
    maskGrid: z
      .strictObject({
        columns: z.number().int().min(16).max(1920).default(192).describe('Columns of the grid polygons are rasterised on (every cell a polygon touches is filled)'),
        rows: z.number().int().min(9).max(1080).default(108).describe('Rows of the grid polygons are rasterised on'),
      })
      .prefault({})
      .describe('Conservative rasterisation of mask polygons into filled boxes'),
    encoder: z
      .strictObject({
        preset: z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium']).default('ultrafast').describe('libx264 preset of masked / redacted re-encodes (live, playback and exports)'),
        crf: z.number().int().min(0).max(51).default(23).describe('libx264 constant rate factor of masked / redacted re-encodes'),
        liveMaxHeight: z.number().int().min(144).max(2160).default(720).describe('Masked live view is scaled down to at most this many lines'),
      })
      .prefault({})
      .describe('Encoder settings of masked and redacted copies'),
    maskedSegmentCache: z
      .strictObject({
        maxFiles: z.number().int().min(1).max(100_000).default(200).describe('Masked playback segments kept on disk (least recently used removed first)'),
      })
      .prefault({})
      .describe('On-demand masked HLS segments'),
    redaction: z
      .strictObject({
        faceThreshold: z.number().min(0.05).max(0.99).default(0.5).describe('BlazeFace score above which a face is blurred'),
        faceTile: z.number().int().min(0).max(2048).default(640).describe('Side of the overlapping tiles faces are searched in (source pixels; 0 = whole frame only)'),
        detectEveryFrames: z.number().int().min(1).max(30).default(4).describe('Run face and plate detection on every n-th frame (boxes are held and padded in between)'),
        workers: z.number().int().min(1, 'privacy.redaction.workers must be at least 1 (1 = detection in the server thread)').max(8, 'privacy.redaction.workers must be at most 8').default(2).describe('Worker threads the detection of a redaction is spread over (pass 1 by frame, the check by window; decode, blur and encode stay in one thread, so the copy is the one a single thread makes). 1 = no workers'),
        plateEveryFrames: z.number().int().min(1).max(100).default(12).describe('Run the plate text detector on every n-th frame only (a multiple of detectEveryFrames; plates move slowly, their tracks are interpolated and held in between)'),
        plates: z.boolean().default(true).describe('Blur text/plate regions found by the ANPR text detector'),
        plateSide: z.number().int().min(160).max(1280).default(480).describe('Longer side the plate text detector sees (smaller = faster, misses smaller plates)'),
        holdFrames: z.number().int().min(0).max(100).default(8).describe('Keep blurring a track this many frames after it was last seen (no flicker)'),
        padding: z.number().min(0).max(1).default(0.25).describe('Grow every blurred box by this share of its size on each side'),
      })
      .prefault({})
      .describe('Redaction for release: faces and plates blurred except the tracks kept'),
  })
  .prefault({})
  .describe('Privacy masks and redaction for release');
