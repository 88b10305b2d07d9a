/** The planner's HTTP shapes (zod): request and result. The OpenAPI document and web types come from these. */
import { z } from 'zod';

const TEXT_MAX = 30 * 1024 * 1024;
const idList = z.array(z.string().min(1).max(128)).max(10_000);

export const planLayerSchema = z.strictObject({
  name: z.string().trim().min(1).max(100).describe('Layer name (reported per layer)'),
  weight: z.number().min(0).max(1e6).default(1).describe("The planner's multiplier for this layer"),
  format: z.enum(['csv', 'geojson']).optional().describe('Default: GeoJSON when the text starts with { or ['),
  text: z.string().max(TEXT_MAX).describe('CSV id,lat,lon,weight[,district] or GeoJSON Point/MultiPoint/Polygon features (properties weight, district)'),
});

export const planRequestSchema = z.strictObject({
  demand: z.array(planLayerSchema).min(1).max(20),
  candidates: z.string().max(TEXT_MAX).describe('CSV id,lat,lon,cost[,height]'),
  existing: z.string().max(TEXT_MAX).optional().describe('CSV id,lat,lon[,bearing,fov,range] of existing cameras'),
  useInventory: z.boolean().default(false).describe("Count the cameras of SmartView's inventory in your scope as existing coverage (their bearing and field of view)"),
  obstacles: z.string().max(TEXT_MAX).optional().describe('GeoJSON Polygon/MultiPolygon footprints (properties.height in metres, optional)'),
  area: z.tuple([z.number(), z.number(), z.number(), z.number()]).optional().describe('Planning area [minLon, minLat, maxLon, maxLat]; rows outside are rejected'),
  radiusM: z.number().positive().max(20_000),
  count: z.number().int().min(1).optional().describe('Choose K sites …'),
  budget: z.number().min(0).optional().describe('… or sites whose costs sum to at most this'),
  solver: z.enum(['greedy', 'exact']).default('greedy'),
  timeLimitS: z.number().positive().max(120).optional().describe('Exact solver time limit (default 60 s, at most 120 s)'),
  fovDeg: z.number().gt(0).max(360).nullish(),
  bearingsDeg: z.array(z.number().min(0).max(360)).max(36).nullish(),
  doubleCoverageWeight: z.number().min(0).max(1).default(0),
  pinned: idList.default([]),
  forbidden: idList.default([]),
  includeMap: z.boolean().default(false).describe('Also return the points to draw (demand, candidates, existing cameras)'),
});
export type PlanRequest = z.output<typeof planRequestSchema>;

const coverageRowSchema = z.object({ name: z.string(), total: z.number(), before: z.number(), after: z.number() });

export const planResultSchema = z.object({
  selected: z.array(z.string()),
  sites: z.array(z.object({ id: z.string(), lat: z.number(), lon: z.number(), cost: z.number(), bearingDeg: z.number().nullable(), marginalGain: z.number(), pinned: z.boolean() })),
  covered_weight: z.number(),
  total_weight: z.number(),
  existing_weight: z.number(),
  objective: z.number(),
  solver: z.enum(['greedy', 'exact']),
  status: z.string().describe("exact: HiGHS' status (optimal, time_limit, …); greedy: heuristic"),
  bound: z.number().nullable(),
  gap: z.number().nullable(),
  greedy_objective: z.number().nullable(),
  cost_total: z.number(),
  layers: z.array(coverageRowSchema),
  districts: z.array(coverageRowSchema),
  stats: z.object({ demand: z.number(), candidates: z.number(), options: z.number(), pairs: z.number(), modelColumns: z.number().nullable(), modelRows: z.number().nullable(), elapsedMs: z.number() }),
  radiusM: z.number(),
  fovDeg: z.number().nullable(),
  map: z
    .object({
      demand: z.array(z.tuple([z.number(), z.number(), z.number()])).describe('[lat, lon, weight]'),
      candidates: z.array(z.object({ id: z.string(), lat: z.number(), lon: z.number(), cost: z.number() })),
      existing: z.array(z.object({ id: z.string(), lat: z.number(), lon: z.number(), bearingDeg: z.number().nullable(), fovDeg: z.number().nullable(), rangeM: z.number().nullable() })),
    })
    .nullable(),
});
export type PlanResponse = z.infer<typeof planResultSchema>;
