/**
 * The crowd room's public shapes (zod): per-camera crowd settings, samples for count calibration,
 * the live state, time series and events. The HTTP contract is /work/prompts/crowd-contract.md;
 * image coordinates are normalised 0..1 (x right, y down), map positions [lat, lon], times UTC ms.
 */
import { z } from 'zod';
import { ValidationError } from '../core/errors';

const unit = z.number().min(0).max(1);
export const pointSchema = z.tuple([unit, unit]).describe('[x, y] normalised image position (0..1, y down)');
const latLon = z.tuple([z.number().min(-90).max(90), z.number().min(-180).max(180)]).describe('[lat, lon] degrees (WGS 84)');

export const zoneSchema = z.strictObject({
  id: z.string().min(1).max(64),
  name: z.string().min(1).max(120),
  polygon: z.array(pointSchema).min(3).max(64).describe('Zone outline on the image'),
  oneWayDirection: z.tuple([z.number(), z.number()]).nullable().optional().describe('Image direction [dx, dy] of the allowed flow (a one-way corridor): people moving against it raise crowd.counterflow'),
});
export type CrowdZone = z.infer<typeof zoneSchema>;

export const lineSchema = z.strictObject({
  id: z.string().min(1).max(64),
  name: z.string().min(1).max(120),
  a: pointSchema,
  b: pointSchema,
}).describe("A counting line: 'in' = crossing from the left of a→b to its right (as seen on the image)");
export type CrowdLine = z.infer<typeof lineSchema>;

export const thresholdsSchema = z.strictObject({
  advisory: z.number().positive().default(2).describe('persons/m² for the advisory level'),
  warning: z.number().positive().default(4).describe('persons/m² for the warning level'),
  critical: z.number().positive().default(6).describe('persons/m² for the critical level'),
  surgePerMin: z.number().positive().default(20).describe('A count rising faster than this many people per minute (over crowd.alerts.surgeWindowMs) raises crowd.surge'),
  dispersalSpeedMps: z.number().positive().optional().describe('Outward speed for crowd.dispersal (default: crowd.alerts.dispersalSpeedMps)'),
});
export type CrowdThresholds = z.infer<typeof thresholdsSchema>;

export const pointsCalibrationSchema = z.strictObject({
  method: z.literal('points'),
  pairs: z.array(z.strictObject({ image: pointSchema, ground: latLon })).min(4).max(64),
});
export const cameraCalibrationSchema = z.strictObject({
  method: z.literal('camera'),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  heightM: z.number().positive().max(500).describe('Height of the lens above the ground'),
  tiltDeg: z.number().gt(0).lt(90).describe('Downward tilt below the horizontal'),
  headingDeg: z.number().min(0).lt(360).describe('Compass bearing the camera looks along (0 = north, clockwise)'),
  hfovDeg: z.number().gt(1).lt(170).describe('Horizontal field of view'),
  aspect: z.number().positive().max(5).optional().describe('Image width / height (default 16/9)'),
});
export const calibrationSchema = z.discriminatedUnion('method', [pointsCalibrationSchema, cameraCalibrationSchema]);
export type CrowdCalibration = z.infer<typeof calibrationSchema>;

export const calibrationReportSchema = z.object({
  rmsErrorM: z.number(),
  maxErrorM: z.number(),
  pointErrorsM: z.array(z.number()),
});
export type CrowdCalibrationReport = z.infer<typeof calibrationReportSchema>;

export const countCalibrationSchema = z.object({
  a: z.number(),
  b: z.number(),
  samples: z.number().int(),
  expectedMae: z.number().describe('Mean absolute error expected on new frames (leave-one-out over the samples)'),
  expectedErrorPct: z.number().describe('expectedMae as a percentage of the mean true count'),
});
export type CountCalibration = z.infer<typeof countCalibrationSchema>;

export const crowdKindSchema = z.enum(['detector', 'density', 'auto']);
export type CrowdKind = z.infer<typeof crowdKindSchema>;

/** What PUT /api/crowd/cameras/:id/settings takes. */
export const crowdSettingsInputSchema = z.strictObject({
  enabled: z.boolean().default(false),
  kind: crowdKindSchema.default('auto'),
  fps: z.number().positive().max(5).default(1).describe('Crowd samples per second'),
  zones: z.array(zoneSchema).max(32).default([]),
  lines: z.array(lineSchema).max(32).default([]),
  thresholds: thresholdsSchema.prefault({}),
  calibration: calibrationSchema.nullable().default(null),
});
export type CrowdSettingsInput = z.infer<typeof crowdSettingsInputSchema>;

export const crowdSettingsSchema = crowdSettingsInputSchema.extend({
  cameraId: z.string(),
  calibrationReport: calibrationReportSchema.nullable(),
  countCalibration: countCalibrationSchema.nullable(),
});
export type CrowdSettings = z.infer<typeof crowdSettingsSchema>;

export const DEFAULT_CROWD_SETTINGS: CrowdSettingsInput = crowdSettingsInputSchema.parse({});

/** Checks what zod cannot: unique ids, ordered thresholds. */
export function checkSettings(s: CrowdSettingsInput): void {
  const t = s.thresholds;
  if (!(t.advisory < t.warning && t.warning < t.critical)) {
    throw new ValidationError(`thresholds: advisory (${t.advisory}) < warning (${t.warning}) < critical (${t.critical}) persons/m² is required`, { field: 'thresholds' });
  }
  for (const [what, items] of [['zones', s.zones], ['lines', s.lines]] as const) {
    const seen = new Set<string>();
    for (const it of items) {
      if (seen.has(it.id)) throw new ValidationError(`${what}: the id '${it.id}' is used twice; give each one its own id`, { field: what, id: it.id });
      seen.add(it.id);
    }
  }
  for (const l of s.lines) {
    if (Math.hypot(l.b[0] - l.a[0], l.b[1] - l.a[1]) < 1e-3) throw new ValidationError(`lines: '${l.name}' has both ends at the same place; draw it across the walkway`, { field: 'lines', id: l.id });
  }
  for (const z of s.zones) {
    const d = z.oneWayDirection;
    if (d && Math.hypot(d[0], d[1]) < 1e-6) throw new ValidationError(`zones: '${z.name}' has a zero oneWayDirection; give a direction or null`, { field: 'zones', id: z.id });
  }
}

export const samplePoint = z.tuple([z.number(), z.number()]);
export const sampleSchema = z.object({
  id: z.string(),
  cameraId: z.string(),
  at: z.number(),
  imageUrl: z.string(),
  rawCount: z.number(),
  points: z.array(samplePoint),
  heads: z.array(samplePoint).nullable().describe("The operator's head marks (null: not marked yet)"),
});
export type CrowdSample = z.infer<typeof sampleSchema>;

export const LEVELS = ['normal', 'advisory', 'warning', 'critical'] as const;
export type CrowdLevel = (typeof LEVELS)[number];

export const eventInputSchema = z.strictObject({
  name: z.string().min(1).max(200),
  cameraIds: z.array(z.string().min(1).max(64)).min(1).max(200),
  startsAt: z.number().int().nonnegative(),
  endsAt: z.number().int().positive(),
});
export const eventPatchSchema = eventInputSchema.partial();
export type CrowdEventInput = z.infer<typeof eventInputSchema>;
export const crowdEventSchema = eventInputSchema.extend({ id: z.string(), createdBy: z.string(), createdAt: z.number(), updatedAt: z.number() });
export type CrowdEvent = z.infer<typeof crowdEventSchema>;
