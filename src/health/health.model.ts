import { z } from 'zod';
import { TAMPER_FLAGS } from './tamper-state';

/**
 * Camera health as the API shows it. `state` is the recorder's (camera_health.state; a camera the
 * recorder has not seen yet is 'unknown'); tamper flags come from the health sampler.
 */
export const HEALTH_STATES = ['unknown', 'starting', 'online', 'offline', 'failed'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

export const tamperFlagSchema = z.enum(TAMPER_FLAGS);

export const tamperViewSchema = z.object({
  flags: z.array(tamperFlagSchema).describe('Raised now'),
  since: z.record(z.string(), z.number()).describe('When each raised flag rose (UTC ms)'),
  lastSampleAt: z.number().nullable().describe('Last analysed frame (UTC ms), as last stored'),
  metrics: z
    .object({
      brightness: z.number().describe('Mean luma 0–255'),
      contrast: z.number().describe('σ of luma'),
      sharpness: z.number().describe('Variance of the Laplacian'),
      edgeDensity: z.number().describe('Share of edge pixels'),
      similarity: z.number().nullable().describe('Similarity with the reference view, −1…1'),
      detailRatio: z.number().nullable().describe('Detail relative to the reference view'),
    })
    .nullable(),
  reference: z.object({ capturedAt: z.number(), width: z.number(), height: z.number() }).nullable().describe('The reference view (null until captured, or after a reset)'),
  referenceResetAt: z.number().nullable(),
});
export type TamperView = z.infer<typeof tamperViewSchema>;

export const cameraHealthSchema = z.object({
  cameraId: z.string(),
  name: z.string(),
  owner: z.string(),
  district: z.string(),
  state: z.string().describe(`Recorder state: ${HEALTH_STATES.join(' | ')}`),
  fps: z.number().nullable().describe('Frame rate of the recorded stream (probe)'),
  bitrateBps: z.number().nullable().describe('Bits per second recorded over the last minute'),
  reconnects: z.number(),
  lastSegmentAt: z.number().nullable(),
  storageBytes: z.number().describe('Bytes of recordings kept'),
  lastError: z.string().nullable(),
  updatedAt: z.number().nullable(),
  tamper: tamperViewSchema,
});
export type CameraHealth = z.infer<typeof cameraHealthSchema>;

export const healthCountsSchema = z.object({
  total: z.number(),
  states: z.record(z.string(), z.number()).describe('Cameras per recorder state'),
  tampered: z.number().describe('Cameras with at least one tamper flag raised'),
});
export type HealthCounts = z.infer<typeof healthCountsSchema>;

export const healthSummarySchema = z.object({
  total: healthCountsSchema,
  byOwner: z.array(healthCountsSchema.extend({ owner: z.string() })),
  byDistrict: z.array(healthCountsSchema.extend({ district: z.string() })),
});
export type HealthSummary = z.infer<typeof healthSummarySchema>;

export interface HealthFilter {
  q?: string;
  state?: string[];
  tampered?: boolean;
  owner?: string[];
  district?: string[];
}
