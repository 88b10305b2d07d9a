import { z } from 'zod';

/**
 * The `crowd` section of the configuration (strict: unknown keys are errors): the live crowd stage of
 * the `analytics` role (src/crowd/live), its time series and their retention, and the defaults of the
 * crowd alerts (each camera's thresholds are in its crowd settings). See docs/design/crowd.md.
 */
export const crowdSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Switch crowd features on (the live crowd stage runs on analytics nodes for cameras whose crowd analytics are enabled)'),
    maxSide: z.number().int().min(320).max(4096).default(1920).describe('Longest side of the frames the crowd stage counts (full resolution for small, distant people; larger frames are scaled down)'),
    densityModel: z.string().min(1).optional().describe('Path of an ONNX density-map model (CSRNet/DM-Count style) for cameras whose kind is density or auto'),
    seriesBucketMs: z.number().int().min(1000).max(3_600_000).default(10_000).describe('One time-series row per camera per bucket of this length (max and mean count, max density, line crossings)'),
    seriesRetentionDays: z.number().int().min(1).max(3650).default(90).describe('Crowd time series older than this are deleted (hourly)'),
    sampleRetentionDays: z.number().int().min(1).max(3650).default(365).describe('Count-calibration samples (JPEG + marks) older than this are deleted with their pictures'),
    staleAfterMs: z.number().int().min(1000).default(10_000).describe('A camera whose last crowd sample is older than this is reported stale by /api/crowd/live'),
    footprintRangeM: z.number().positive().max(2000).default(150).describe("How far from the camera its ground footprint (the map layer) reaches, in metres"),
    flow: z
      .strictObject({
        matchRadiusM: z.number().positive().max(50).default(2.5).describe('Largest ground distance a person moves between two samples to be matched (calibrated cameras)'),
        matchRadiusImage: z.number().positive().max(1).default(0.08).describe('The same in normalised image units (uncalibrated cameras)'),
      })
      .prefault({})
      .describe('Point matching between samples for line crossings and motion direction'),
    alerts: z
      .strictObject({
        hysteresis: z.number().min(0).max(0.9).default(0.15).describe('A density level clears only when the density falls this fraction below its threshold (no flapping)'),
        cooldownMs: z.number().int().min(0).default(60_000).describe('Least time between two alerts of the same kind on the same zone (surge, dispersal, counter-flow)'),
        surgeWindowMs: z.number().int().min(2000).default(30_000).describe('Window over which a surge (count rising faster than surgePerMin) is measured'),
        surgeMinIncrease: z.number().min(1).default(5).describe('A surge needs at least this many more people than the lowest count in the window'),
        dispersalSpeedMps: z.number().positive().default(2.5).describe('Outward speed (m/s) above which a person counts as fleeing (uncalibrated cameras: 0.1 image widths/s)'),
        dispersalMinPeople: z.number().int().min(2).default(5).describe('Fewest people moving outward fast for a dispersal alert'),
        counterflowMinPeople: z.number().int().min(1).default(3).describe('Fewest people moving against a one-way zone for a counter-flow alert'),
      })
      .prefault({})
      .describe('Defaults of the crowd alerts'),
  })
  .prefault({})
  .describe('Crowd analytics (#6)');

export type CrowdConfig = z.infer<typeof crowdSchema>;
