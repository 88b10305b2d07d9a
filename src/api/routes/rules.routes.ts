import { z } from 'zod';
import { analyticsSettingsSchema, ruleDefinitionSchema, rulePatchSchema, ruleSchema } from '../../rules/model';
import type { RulesService } from '../../rules/rules.service';
import { commonErrors, errorBodySchema, type ZApp } from '../types';

const cameraParams = z.object({ id: z.string().max(64) });
const ruleParams = z.object({ ruleId: z.string().max(64) });

const calibrationReportSchema = z.object({
  points: z.number(),
  rmsErrorM: z.number().describe('Root mean square distance (m) between each ground point and where its image point maps'),
  maxErrorM: z.number(),
  pointErrorsM: z.array(z.number()).describe('Per pair, in the order given'),
});

const analyticsViewSchema = z.object({
  cameraId: z.string(),
  settings: analyticsSettingsSchema,
  calibration: calibrationReportSchema.nullable().describe('How well the calibration fits its points (null: no calibration)'),
  updatedAt: z.number().nullable().describe('null: never saved, the defaults are shown'),
});

/** Per-camera analytics settings (motion masks, calibration, fps, classes) and rules drawn on the camera's image. */
export function registerRulesRoutes(app: ZApp, deps: { rules: RulesService }): void {
  app.get('/api/cameras/:id/analytics', {
    config: { permission: 'analytics.read' },
    schema: { tags: ['rules'], summary: "A camera's analytics settings: on/off, fps, classes, motion masks, ground calibration (with its error report)", params: cameraParams, response: { 200: analyticsViewSchema, ...commonErrors } },
  }, async (req) => deps.rules.getSettings(req.actx, req.params.id));

  app.put('/api/cameras/:id/analytics', {
    config: { permission: 'rules.manage' },
    schema: { tags: ['rules'], summary: "Replace a camera's analytics settings (image coordinates normalised 0..1)", params: cameraParams, body: analyticsSettingsSchema, response: { 200: analyticsViewSchema, ...commonErrors } },
  }, async (req) => deps.rules.putSettings(req.actx, req.params.id, req.body));

  app.get('/api/cameras/:id/rules', {
    config: { permission: 'analytics.read' },
    schema: { tags: ['rules'], summary: "A camera's rules, oldest first", params: cameraParams, response: { 200: z.object({ items: z.array(ruleSchema) }), ...commonErrors } },
  }, async (req) => ({ items: await deps.rules.listRules(req.actx, req.params.id) }));

  app.post('/api/cameras/:id/rules', {
    config: { permission: 'rules.manage' },
    schema: { tags: ['rules'], summary: 'Add a rule to a camera: zone, line, loitering, wrong_way, running or left_behind', params: cameraParams, body: ruleDefinitionSchema, response: { 201: ruleSchema, 409: errorBodySchema, ...commonErrors } },
  }, async (req, reply) => reply.status(201).send(await deps.rules.createRule(req.actx, req.params.id, req.body)));

  app.get('/api/rules/:ruleId', {
    config: { permission: 'analytics.read' },
    schema: { tags: ['rules'], summary: 'One rule', params: ruleParams, response: { 200: ruleSchema, ...commonErrors } },
  }, async (req) => deps.rules.getRule(req.actx, req.params.ruleId));

  app.patch('/api/rules/:ruleId', {
    config: { permission: 'rules.manage' },
    schema: { tags: ['rules'], summary: 'Change a rule (any field but its kind); the result is validated as a whole', params: ruleParams, body: rulePatchSchema, response: { 200: ruleSchema, ...commonErrors } },
  }, async (req) => deps.rules.updateRule(req.actx, req.params.ruleId, req.body));

  app.delete('/api/rules/:ruleId', {
    config: { permission: 'rules.manage' },
    schema: { tags: ['rules'], summary: 'Remove a rule', params: ruleParams, response: { 204: z.null(), ...commonErrors } },
  }, async (req, reply) => {
    await deps.rules.deleteRule(req.actx, req.params.ruleId);
    return reply.status(204).send(null);
  });
}
