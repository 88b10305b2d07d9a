import { z } from 'zod';
import { NOTE_MAX_CHARS, type AlertService } from '../../alerts/alerts.service';
import { ALERT_STATES, SEVERITIES } from '../../alerts/types';
import { commonErrors, cursorQuery, errorBodySchema, type ZApp } from '../types';

const epochMs = z.string().regex(/^\d{1,15}$/, 'integer UTC milliseconds').transform(Number);
const idParam = z.object({ id: z.string().min(1).max(64).regex(/^[A-Za-z0-9-]+$/, 'an alert id') });

const alertSchema = z.object({
  id: z.string(),
  eventId: z.string().describe('GET /api/analytics/events/:eventId for the event, its snapshot and playback link'),
  cameraId: z.string(),
  owner: z.string(),
  district: z.string(),
  severity: z.enum(SEVERITIES),
  state: z.enum(ALERT_STATES),
  title: z.string(),
  createdAt: z.number(),
  acknowledgedBy: z.string().nullable(),
  acknowledgedAt: z.number().nullable(),
  closedBy: z.string().nullable(),
  closedAt: z.number().nullable(),
  updatedAt: z.number(),
});
const noteSchema = z.object({ id: z.string(), alertId: z.string(), author: z.string(), text: z.string(), createdAt: z.number() });
const alertWithNotes = alertSchema.extend({ notes: z.array(noteSchema) });

const states = z
  .string()
  .max(100)
  .transform((s, ctx) => {
    const list = s.split(',').map((x) => x.trim()).filter(Boolean);
    const bad = list.filter((x) => !(ALERT_STATES as readonly string[]).includes(x));
    if (bad.length) {
      ctx.addIssue({ code: 'custom', message: `unknown state(s) ${bad.join(', ')}: use ${ALERT_STATES.join(', ')}` });
      return z.NEVER;
    }
    return list as Array<(typeof ALERT_STATES)[number]>;
  });

const listQuery = z.strictObject({
  state: states.optional().describe('open, acknowledged, closed (comma-separated)'),
  severity: z.enum(SEVERITIES).optional().describe('This severity or higher'),
  camera: z.string().max(64).optional(),
  from: epochMs.optional().describe('Raised at or after, integer UTC ms'),
  to: epochMs.optional().describe('Raised before, integer UTC ms'),
  ...cursorQuery,
});

const changed = { 200: alertWithNotes, 409: errorBodySchema, ...commonErrors };

export function registerAlertRoutes(app: ZApp, deps: { alerts: AlertService }): void {
  app.get('/api/alerts', {
    config: { permission: 'analytics.read' },
    schema: { tags: ['alerts'], summary: 'Alerts in your scope, newest first', querystring: listQuery, response: { 200: z.object({ items: z.array(alertSchema), nextCursor: z.string().nullable() }), ...commonErrors } },
  }, async (req) => {
    const { limit, cursor, state, severity, camera, from, to } = req.query;
    return deps.alerts.list(req.actx, { state, minSeverity: severity, cameraId: camera, fromMs: from, toMs: to }, limit, cursor);
  });

  app.get('/api/alerts/:id', {
    config: { permission: 'analytics.read' },
    schema: { tags: ['alerts'], summary: 'One alert with its notes', params: idParam, response: { 200: alertWithNotes, ...commonErrors } },
  }, async (req) => deps.alerts.get(req.actx, req.params.id));

  app.post('/api/alerts/:id/ack', {
    config: { permission: 'alert.manage' },
    schema: { tags: ['alerts'], summary: 'Acknowledge an open alert (audited)', params: idParam, body: z.strictObject({}).nullish().describe('No body, or {}'), response: changed },
  }, async (req) => deps.alerts.acknowledge(req.actx, req.params.id));

  app.post('/api/alerts/:id/notes', {
    config: { permission: 'alert.manage' },
    schema: { tags: ['alerts'], summary: 'Add a note to an alert (audited)', params: idParam, body: z.strictObject({ text: z.string().min(1).max(NOTE_MAX_CHARS) }), response: changed },
  }, async (req) => deps.alerts.addNote(req.actx, req.params.id, req.body.text));

  app.post('/api/alerts/:id/close', {
    config: { permission: 'alert.manage' },
    schema: { tags: ['alerts'], summary: 'Close an alert (audited)', params: idParam, body: z.strictObject({}).nullish().describe('No body, or {}'), response: changed },
  }, async (req) => deps.alerts.close(req.actx, req.params.id));
}
