import { z } from 'zod';
import { CARRIED_ITEMS, COLOURS, DIRECTIONS } from './attributes';

const DAY = 86_400_000;

export const trackFilterSchema = z.object({
  from: z.number().int().nonnegative().describe('Tracks that started at or after this UTC ms'),
  to: z.number().int().positive().describe('… and before this UTC ms (at most 31 days after from)'),
  cameras: z.array(z.string().max(64)).max(500).optional().describe('Only these cameras'),
  bbox: z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90), z.number().min(-180).max(180), z.number().min(-90).max(90)]).optional()
    .describe('Area drawn on the map: [minLon, minLat, maxLon, maxLat] of the cameras'),
  classes: z.array(z.string().max(40)).max(20).optional().describe("Detector classes, e.g. ['person'] or ['car','bus','truck']"),
  upperColour: z.array(z.enum(COLOURS)).optional().describe('Person: dominant colour of the upper body, any of'),
  lowerColour: z.array(z.enum(COLOURS)).optional().describe('Person: dominant colour of the lower body, any of'),
  vehicleColour: z.array(z.enum(COLOURS)).optional().describe('Vehicle: dominant colour, any of'),
  carried: z.array(z.enum(CARRIED_ITEMS)).optional().describe('Person carries all of these'),
  direction: z.array(z.enum(DIRECTIONS)).optional().describe('Image direction, any of'),
  plate: z.string().trim().min(2).max(16).optional().describe('Plate as ANPR read it (spaces and case ignored)'),
}).refine((f) => f.to > f.from, { message: 'to must be after from', path: ['to'] })
  .refine((f) => f.to - f.from <= 31 * DAY, { message: 'the time range may span at most 31 days: narrow from/to', path: ['to'] });
export type TrackFilter = z.infer<typeof trackFilterSchema>;

export const trackSearchSchema = z.object({
  filter: trackFilterSchema,
  limit: z.number().int().min(1).max(500).default(100),
  cursor: z.string().max(200).optional().describe('nextCursor of the previous page'),
});

export const indexedTrackSchema = z.object({
  id: z.string(),
  cameraId: z.string(),
  lat: z.number(),
  lon: z.number(),
  startedAt: z.number(),
  endedAt: z.number(),
  class: z.string(),
  upperColour: z.string().nullable(),
  lowerColour: z.string().nullable(),
  carried: z.array(z.string()),
  heightClass: z.string().nullable(),
  vehicleColour: z.string().nullable(),
  plate: z.string().nullable(),
  direction: z.string().nullable(),
  speed: z.number().nullable().describe('Box heights per second across the picture'),
  score: z.number(),
  hasCrop: z.boolean().describe('GET /api/search/tracks/{id}/crop gives the best crop (JPEG)'),
  embeddingModel: z.string().nullable(),
  jobId: z.string().nullable(),
});
export type IndexedTrack = z.infer<typeof indexedTrackSchema>;

export const trackPageSchema = z.object({ items: z.array(indexedTrackSchema), nextCursor: z.string().nullable() });

export const similarSchema = z.object({
  trackId: z.string().max(64).optional().describe('Find tracks that look like this indexed track'),
  image: z.string().max(12_000_000).optional().describe('Or: a base64 image (JPEG/PNG); the largest person or vehicle in it is used'),
  imageIsCrop: z.boolean().default(false).describe('The image is already a crop of the target: use it whole, no detection'),
  filter: trackFilterSchema,
  limit: z.number().int().min(1).max(200).default(50),
}).refine((b) => (b.trackId ? 1 : 0) + (b.image ? 1 : 0) === 1, { message: 'give exactly one of trackId or image', path: ['trackId'] });
export type SimilarQuery = z.infer<typeof similarSchema>;

export const similarResultSchema = z.object({
  items: z.array(indexedTrackSchema.extend({ similarity: z.number().describe('Cosine similarity, 1 = identical appearance') })),
  model: z.string().describe('Embedding model the ranking used'),
  candidates: z.number().describe('Tracks of the filtered set compared'),
  method: z.enum(['exact', 'ann']),
});
