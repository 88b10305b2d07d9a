import { z } from 'zod';
import type { PredictService } from '../../predict/predict.service';
import { commonErrors, type ZApp } from '../types';

const timedCamera = z.object({
  cameraId: z.string(),
  lat: z.number(),
  lon: z.number(),
  p: z.number().describe('probability the target is seen here at this step'),
  atMs: z.number().describe('median arrival, UTC ms'),
  fromMs: z.number().describe('10 % quantile of the arrival, UTC ms'),
  toMs: z.number().describe('90 % quantile of the arrival, UTC ms'),
});
const place = timedCamera.extend({ step: z.number(), unitArrivalMs: z.number(), marginS: z.number().describe('seconds the unit is there before the target’s earliest likely arrival') });

const body = z.object({
  plate: z.string().min(1).max(20).optional(),
  history: z.array(z.object({ cameraId: z.string().min(1).max(64), at: z.number().int().min(0).describe('UTC ms') })).max(100).optional().describe('the trip so far, oldest first; without it the plate’s current trip'),
  top: z.number().int().min(1).max(20).default(5),
  unit: z.object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180), speedMps: z.number().min(0.5).max(100), detour: z.number().min(1).max(3).optional() }).optional().describe('a response unit: list the places it reaches before the target'),
  nowMs: z.number().int().min(0).optional().describe('when the unit starts (default now)'),
});

const result = z.object({
  plate: z.string(),
  cameraId: z.string().describe('the last camera of the trip'),
  seenAt: z.number(),
  next: z.array(timedCamera),
  ahead: z.array(z.object({ step: z.number(), cameras: z.array(timedCamera) })),
  reachable: z.array(place).nullable(),
  warnings: z.array(z.string()),
  modelSightings: z.number(),
});

/** Interception: the next cameras of a vehicle with time windows (docs/design/interception.md). */
export function registerPredictRoutes(app: ZApp, deps: { predict: PredictService }): void {
  app.post('/api/predict/next', {
    config: { permission: 'search.run' },
    schema: {
      tags: ['predict'],
      summary: 'Where and when a vehicle will be seen next: ranked next cameras with arrival windows, the cameras 2 and 3 steps ahead, and (given a response unit) the places it reaches first. Runs inside a case: send X-Case-Ref.',
      body,
      response: { 200: result, ...commonErrors },
    },
  }, async (req) => deps.predict.next(req.actx, req.body));
}
