import { z } from 'zod';

/** A point of a mask polygon, normalised to the picture: 0..1 from the left / top edge. */
export const pointSchema = z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]);

export const polygonSchema = z.strictObject({
  label: z.string().trim().max(100).default('').describe('What the mask hides (e.g. "flat windows, block B")'),
  points: z.array(pointSchema).min(3).max(64).describe('Vertices, normalised 0..1, in drawing order'),
});

export const MAX_POLYGONS = 32;
export const masksInputSchema = z.strictObject({
  polygons: z.array(polygonSchema).max(MAX_POLYGONS).describe('The camera\'s masks; an empty list removes them'),
});

export type Point = z.infer<typeof pointSchema>;
export type Polygon = z.infer<typeof polygonSchema>;

export interface CameraMasks {
  cameraId: string;
  polygons: Polygon[];
  /** Increases at every change (part of masked cache keys). */
  version: number;
  updatedBy: string | null;
  updatedAt: number | null;
}

/** How footage of one camera must be shown to one principal. */
export interface MaskDecision {
  cameraId: string;
  /** True: show a masked re-encode (the camera has masks and the principal lacks privacy.unmask). */
  masked: boolean;
  /** True: the camera has masks and the principal sees it unmasked (privacy.unmask): audit it as unmasked. */
  unmasked: boolean;
  polygons: Polygon[];
  version: number;
}

export type ReleaseKind = 'masked' | 'redacted';
export type ReleaseStatus = 'running' | 'pending_review' | 'approved' | 'rejected' | 'ready' | 'failed';

/** One blurred object over the clip (face or plate), as the investigator chooses what to keep. */
export interface TrackSummary {
  id: number;
  kind: 'face' | 'plate';
  firstFrame: number;
  lastFrame: number;
  /** Seconds from the clip's start. */
  firstS: number;
  lastS: number;
  detections: number;
  /** A representative box (normalised 0..1 [x, y, w, h]), to point at it on a frame. */
  box: [number, number, number, number];
}
