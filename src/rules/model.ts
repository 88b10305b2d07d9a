import { z } from 'zod';
import { ValidationError } from '../core/errors';
import { GroundCalibration } from './calibration';
import { allOnOneLine, distance, polygonArea, selfIntersects, type Pt } from './geometry';

/**
 * Per-camera analytics settings and rules. Image coordinates are normalised (0..1, x right, y down) so a
 * drawing survives a change of resolution or a switch between main and sub-stream.
 */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const RULE_KINDS = ['zone', 'line', 'loitering', 'wrong_way', 'running', 'left_behind'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

const unit = (what: string) => z.number({ error: `${what} must be a number from 0 to 1 (normalised image coordinate)` }).min(0, `${what} must be ≥ 0 (normalised image coordinate)`).max(1, `${what} must be ≤ 1 (normalised image coordinate)`);
export const pointSchema = z.tuple([unit('x'), unit('y')], { error: 'expected a point [x, y] with x and y from 0 to 1' }).describe('[x, y] on the image, normalised 0..1 (x right, y down)');

export const polygonSchema = z
  .array(pointSchema, { error: 'expected a polygon: a list of [x, y] points' })
  .min(3, 'a polygon needs at least 3 points')
  .max(64, 'a polygon has at most 64 points')
  .superRefine((poly, ctx) => {
    const pts = poly as Pt[];
    if (allOnOneLine(pts) || (polygonArea(pts) < 1e-5 && !selfIntersects(pts))) ctx.addIssue({ code: 'custom', message: 'the polygon encloses (almost) no area: its points are repeated or on one line' });
    else if (selfIntersects(pts)) ctx.addIssue({ code: 'custom', message: 'the polygon\'s edges cross each other; draw its points in order around the area' });
  })
  .describe('Polygon on the image: ≥ 3 normalised [x, y] points in order around the area');

const label = z.string().trim().min(1, 'a class name must not be empty').max(64, 'a class name has at most 64 characters');
const classesField = z.array(label).max(100, 'at most 100 classes').describe('Labels this applies to (the model\'s class names, e.g. person, car); empty = all');

const hhmm = /^([01]\d|2[0-3]):[0-5]\d$/;
export const scheduleWindowSchema = z
  .strictObject({
    days: z.array(z.number().int().min(0, 'days are 0 (Sunday) to 6 (Saturday)').max(6, 'days are 0 (Sunday) to 6 (Saturday)')).min(1, 'name at least one day (0 = Sunday … 6 = Saturday)').max(7),
    start: z.string().regex(hhmm, "start must be 'HH:MM' (00:00–23:59)").describe("Hong Kong time 'HH:MM', inclusive"),
    end: z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, "end must be 'HH:MM' (00:00–24:00)").describe("Hong Kong time 'HH:MM', exclusive; earlier than start = overnight into the next day"),
  })
  .refine((w) => w.start !== w.end, { message: "start and end are equal: the window would be empty (use '00:00'–'24:00' for a whole day)", path: ['end'] })
  .describe('A weekly window in Hong Kong time; days name the day the window starts');

const calibrationPairSchema = z.strictObject({
  image: pointSchema,
  ground: z
    .tuple([z.number().min(-90, 'latitude must be from -90 to 90').max(90, 'latitude must be from -90 to 90'), z.number().min(-180, 'longitude must be from -180 to 180').max(180, 'longitude must be from -180 to 180')])
    .describe('[lat, lon] in degrees of the same spot on the ground'),
});

export const calibrationSchema = z
  .strictObject({
    points: z.array(calibrationPairSchema).min(4, 'a calibration needs at least 4 image↔ground pairs').max(50, 'at most 50 calibration pairs'),
  })
  .superRefine((c, ctx) => {
    try {
      GroundCalibration.fit(c.points);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      ctx.addIssue({ code: 'custom', message: err.message.replace(/^calibration\.points: /, ''), path: ['points'] });
    }
  })
  .describe('Ground-plane calibration: ≥ 4 points on the ground, each with its image position and its [lat, lon]');

export const analyticsSettingsSchema = z.strictObject({
  enabled: z.boolean().default(false).describe('Run live analytics on this camera'),
  fps: z.number().positive('fps must be > 0').max(30, 'fps must be ≤ 30').optional().describe('Frames analysed per second (default: analytics.sampling.fps of the configuration)'),
  classes: classesField.optional().describe('Labels detected and tracked on this camera (default: analytics.detector.classes of the configuration)'),
  masks: z.array(polygonSchema).max(32, 'at most 32 masks').default([]).describe('Motion masks: areas where motion is ignored (trees, screens, timestamps)'),
  calibration: calibrationSchema.optional(),
  anpr: z.boolean().default(false).describe('Read the number plates of vehicles tracked on this camera (ANPR sightings and hotlist alerts)'),
});
export type AnalyticsSettings = z.output<typeof analyticsSettingsSchema>;
export type AnalyticsSettingsInput = z.input<typeof analyticsSettingsSchema>;
export const DEFAULT_SETTINGS: AnalyticsSettings = { enabled: false, masks: [], anpr: false };

/** Fields every rule has; without defaults, so the PATCH schema can reuse them. */
const common = {
  name: z.string().trim().min(1, 'name is required').max(100, 'name has at most 100 characters'),
  enabled: z.boolean(),
  severity: z.enum(SEVERITIES, { error: `severity must be one of ${SEVERITIES.join(', ')}` }),
  alert: z.boolean().describe('true: raise an alert; false: only record an event'),
  classes: classesField,
  schedule: z.array(scheduleWindowSchema).max(28, 'at most 28 schedule windows').describe('Weekly windows in Hong Kong time when the rule is active; empty = always'),
  cooldownSec: z.number().min(0, 'cooldownSec must be ≥ 0').max(86_400, 'cooldownSec must be ≤ 86400').describe('Seconds before the same track can trigger the same rule again'),
};
const withDefaults = {
  name: common.name,
  enabled: common.enabled.default(true),
  severity: common.severity.default('medium'),
  alert: common.alert.default(true),
  classes: common.classes.default([]),
  schedule: common.schedule.default([]),
  cooldownSec: common.cooldownSec.default(30),
};

/** Kind-specific fields, also without defaults (PATCH); `kindDefaults` fills them on create. */
const specific = {
  polygon: polygonSchema,
  mode: z.enum(['presence', 'intrusion', 'count'], { error: 'mode must be presence, intrusion or count' }).describe('presence: enter and leave events; intrusion: entering, once per visit (alarm); count: the number inside reaching threshold and falling below it'),
  threshold: z.number().int().min(1, 'threshold must be ≥ 1').max(10_000).describe('count mode: objects inside at which the rule fires'),
  line: z.tuple([pointSchema, pointSchema], { error: 'line must be two points [[x, y], [x, y]]' }).refine(([a, b]) => distance(a, b) >= 0.01, 'the line\'s two points must be at least 0.01 apart').describe('The counting line from its first to its second point'),
  inSide: z.enum(['left', 'right'], { error: "inSide must be 'left' or 'right'" }).describe("Which side of the line (walking from its first point to its second, as seen on screen) is 'in'"),
  hysteresis: z.number().min(0, 'hysteresis must be ≥ 0').max(0.2, 'hysteresis must be ≤ 0.2').describe('Band around the line (normalised) in which jitter is ignored'),
  dwellSec: z.number().positive('dwellSec must be > 0').max(86_400, 'dwellSec must be ≤ 86400').describe('Seconds inside before loitering fires'),
  directionDeg: z.number().min(0, 'directionDeg must be from 0 to 360').max(360, 'directionDeg must be from 0 to 360').describe('Allowed direction on screen, degrees clockwise from up (0 up, 90 right, 180 down, 270 left)'),
  toleranceDeg: z.number().min(1, 'toleranceDeg must be from 1 to 179').max(179, 'toleranceDeg must be from 1 to 179').describe('How far a movement may turn from the allowed direction before it is wrong way'),
  minMove: z.number().positive('minMove must be > 0').max(0.5, 'minMove must be ≤ 0.5').describe('Least movement (normalised) over the last seconds before a direction is judged'),
  minSpeed: z.number().positive('minSpeed must be > 0').max(1000, 'minSpeed must be ≤ 1000').describe("Speed at which running fires, in the rule's unit"),
  unit: z.enum(['image/s', 'm/s'], { error: "unit must be 'image/s' or 'm/s'" }).describe("'image/s': normalised image units per second; 'm/s': metres per second (needs the camera's calibration)"),
  stillSec: z.number().positive('stillSec must be > 0').max(86_400, 'stillSec must be ≤ 86400').describe('Seconds a non-person object stays still before left-behind fires'),
  maxMove: z.number().positive('maxMove must be > 0').max(0.2, 'maxMove must be ≤ 0.2').describe('Movement (normalised) still counted as standing still'),
};

const zoneRule = z.strictObject({ kind: z.literal('zone'), ...withDefaults, polygon: specific.polygon, mode: specific.mode.default('presence'), threshold: specific.threshold.optional() });
const lineRule = z.strictObject({ kind: z.literal('line'), ...withDefaults, line: specific.line, inSide: specific.inSide, hysteresis: specific.hysteresis.default(0.01) });
const loiteringRule = z.strictObject({ kind: z.literal('loitering'), ...withDefaults, polygon: specific.polygon, dwellSec: specific.dwellSec });
const wrongWayRule = z.strictObject({ kind: z.literal('wrong_way'), ...withDefaults, polygon: specific.polygon, directionDeg: specific.directionDeg, toleranceDeg: specific.toleranceDeg.default(90), minMove: specific.minMove.default(0.03) });
const runningRule = z.strictObject({ kind: z.literal('running'), ...withDefaults, polygon: specific.polygon, minSpeed: specific.minSpeed, unit: specific.unit.default('image/s') });
const leftBehindRule = z.strictObject({ kind: z.literal('left_behind'), ...withDefaults, polygon: specific.polygon, stillSec: specific.stillSec, maxMove: specific.maxMove.default(0.02) });

export const ruleDefinitionSchema = z
  .discriminatedUnion('kind', [zoneRule, lineRule, loiteringRule, wrongWayRule, runningRule, leftBehindRule], { error: `kind must be one of ${RULE_KINDS.join(', ')}` })
  .superRefine((r, ctx) => {
    if (r.kind === 'zone' && r.mode === 'count' && r.threshold === undefined) ctx.addIssue({ code: 'custom', message: 'threshold is required when mode is count', path: ['threshold'] });
    if (r.kind === 'zone' && r.mode !== 'count' && r.threshold !== undefined) ctx.addIssue({ code: 'custom', message: 'threshold applies only when mode is count', path: ['threshold'] });
    if (r.kind === 'left_behind' && r.classes.includes('person')) ctx.addIssue({ code: 'custom', message: "left_behind watches objects other than persons: remove 'person' from classes", path: ['classes'] });
  })
  .describe('A rule: zone, line, loitering, wrong_way, running or left_behind');
export type RuleDefinition = z.output<typeof ruleDefinitionSchema>;
export type RuleDefinitionInput = z.input<typeof ruleDefinitionSchema>;

type Optionals<T extends Record<string, z.ZodType>> = { [K in keyof T]: z.ZodOptional<T[K]> };
const optionals = <T extends Record<string, z.ZodType>>(shape: T): Optionals<T> => Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, v.optional()])) as Optionals<T>;

/** PATCH: any field of the rule except its kind; the merged rule is validated again as a whole. */
export const rulePatchSchema = z
  .strictObject({
    ...optionals(common),
    ...optionals(specific),
    threshold: specific.threshold.nullable().optional().describe('count mode: objects inside at which the rule fires; null removes it'),
  })
  .describe('Fields to change; the kind cannot change (create a new rule instead)');
export type RulePatch = z.output<typeof rulePatchSchema>;

const stored = { id: z.string(), cameraId: z.string(), createdAt: z.number(), updatedAt: z.number() };
export const ruleSchema = z.discriminatedUnion('kind', [zoneRule.extend(stored), lineRule.extend(stored), loiteringRule.extend(stored), wrongWayRule.extend(stored), runningRule.extend(stored), leftBehindRule.extend(stored)]);
export type Rule = RuleDefinition & { id: string; cameraId: string; createdAt: number; updatedAt: number };

/** Formats zod issues as "field.path: message" (the same shape as the API's request validation). */
export function issuesText(error: z.ZodError, prefix = ''): string[] {
  return error.issues.map((i) => `${[prefix, ...i.path.map(String)].filter(Boolean).join('.') || prefix || 'body'}: ${i.message}`);
}

/** Parses with `schema` or throws ValidationError naming every bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = issuesText(r.error, prefix);
  throw new ValidationError(`Invalid ${prefix || 'input'}: ${issues.join('; ')}`, { issues, field: issues[0]?.split(':')[0] });
}
