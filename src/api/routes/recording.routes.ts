import { z } from 'zod';
import type { RecordingService } from '../../record/recording.service';
import { commonErrors, errorBodySchema, type ZApp } from '../types';

const params = z.object({ id: z.string().max(64) });

const probeSchema = z.object({
  codec: z.string(),
  profile: z.string().nullable(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  fps: z.number().nullable(),
  gopSeconds: z.number().nullable().describe('Keyframe spacing seen in the first seconds'),
  gopFrames: z.number().nullable(),
  keyframesSeen: z.number(),
  audio: z.boolean(),
  audioCodec: z.string().nullable(),
  durationSec: z.number().nullable().describe('Files only; null for live sources'),
  format: z.string().nullable(),
  probedAt: z.number(),
});

const coverageSchema = z.object({
  cameraId: z.string(),
  fromMs: z.number(),
  toMs: z.number().describe('The end actually judged: the requested end, or now if earlier'),
  recordedMs: z.number(),
  coveragePct: z.number(),
  gaps: z.array(z.object({ startMs: z.number(), endMs: z.number(), reason: z.string().describe('exited | stalled | unreachable | auth_failed | not_found | restarted | stopped | storage_* | unrecorded …') })),
});

export function registerRecordingRoutes(app: ZApp, deps: { recording: RecordingService }): void {
  app.post('/api/cameras/:id/probe', {
    config: { permission: 'camera.write', rateLimit: { max: 30, timeWindow: 60_000 } },
    schema: {
      tags: ['recording'],
      summary: "Probe the camera's stream (codec, size, fps, keyframe spacing, audio); kept as the camera's last probe",
      params,
      response: { 200: probeSchema, 422: errorBodySchema.describe('Wrong credentials, unknown path, unsupported codec or not a video stream'), 503: errorBodySchema.describe('Camera unreachable'), ...commonErrors },
    },
  }, async (req) => deps.recording.probe(req.actx, req.params.id));

  app.get('/api/cameras/:id/recording/coverage', {
    config: { permission: 'playback.view' },
    schema: {
      tags: ['recording'],
      summary: 'Proof of recording: coverage % and every gap (with its reason) over a period',
      params,
      querystring: z.strictObject({
        from: z.coerce.number().int().nonnegative().describe('UTC ms'),
        to: z.coerce.number().int().positive().describe('UTC ms'),
      }),
      response: { 200: coverageSchema, ...commonErrors },
    },
  }, async (req) => deps.recording.coverage(req.actx, req.params.id, req.query.from, req.query.to));
}
