import { z } from 'zod';
import type { HotlistService } from '../../plates/hotlists/hotlist.service';
import { PRIORITIES } from '../../plates/hotlists/types';
import { commonErrors, errorBodySchema, type ZApp } from '../types';

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9-]+$/, 'an id');
const listParam = z.object({ id });
const entryParam = z.object({ id, entryId: id });
const ms = z.number().int().min(0).max(8.64e15);

const hotlistSchema = z.object({
  id: z.string(), name: z.string(), owner: z.string().describe('Owning organisation'), description: z.string(),
  createdBy: z.string(), createdAt: z.number(), updatedAt: z.number(), entries: z.number(),
});
const entrySchema = z.object({
  id: z.string(), hotlistId: z.string(), plate: z.string(), plateKey: z.string(), reason: z.string(), priority: z.enum(PRIORITIES),
  fuzzy: z.boolean().describe('Also match reads one edit away (after folding confusables)'), validFrom: z.number().nullable(), validTo: z.number().nullable(),
  caseRef: z.string().nullable(), addedBy: z.string(), createdAt: z.number(), updatedAt: z.number(),
});
const entryBody = z.strictObject({
  plate: z.string().min(1).max(20),
  reason: z.string().min(1).max(500),
  priority: z.enum(PRIORITIES).optional().describe('Alert severity; default high'),
  fuzzy: z.boolean().optional(),
  validFrom: ms.nullable().optional(),
  validTo: ms.nullable().optional(),
  caseRef: z.string().max(100).nullable().optional().describe('Default: the X-Case-Ref header'),
});
const noBody = z.strictObject({}).nullish().describe('No body, or {}');

/** Hotlists and their entries (src/plates/hotlists): 'hotlist.manage', lists of organisations in your scope; every change audited. */
export function registerHotlistRoutes(app: ZApp, deps: { hotlists: HotlistService; importLimitBytes: number }): void {
  const h = deps.hotlists;
  app.get('/api/plates/hotlists', {
    config: { permission: 'hotlist.manage' },
    schema: { tags: ['hotlists'], summary: 'Hotlists of organisations in your scope', response: { 200: z.object({ items: z.array(hotlistSchema) }), ...commonErrors } },
  }, async (req) => ({ items: await h.list(req.actx) }));

  app.post('/api/plates/hotlists', {
    config: { permission: 'hotlist.manage' },
    schema: {
      tags: ['hotlists'], summary: 'Create a hotlist (audited)',
      body: z.strictObject({ name: z.string().min(1).max(100), owner: z.string().min(1).max(64), description: z.string().max(1000).optional() }),
      response: { 201: hotlistSchema, 409: errorBodySchema, ...commonErrors },
    },
  }, async (req, reply) => reply.status(201).send(await h.create(req.actx, req.body)));

  app.get('/api/plates/hotlists/:id', {
    config: { permission: 'hotlist.manage' },
    schema: { tags: ['hotlists'], summary: 'One hotlist', params: listParam, response: { 200: hotlistSchema, ...commonErrors } },
  }, async (req) => h.get(req.actx, req.params.id));

  app.patch('/api/plates/hotlists/:id', {
    config: { permission: 'hotlist.manage' },
    schema: {
      tags: ['hotlists'], summary: 'Rename or describe a hotlist (audited)', params: listParam,
      body: z.strictObject({ name: z.string().min(1).max(100).optional(), description: z.string().max(1000).optional() }),
      response: { 200: hotlistSchema, 409: errorBodySchema, ...commonErrors },
    },
  }, async (req) => h.update(req.actx, req.params.id, req.body));

  app.delete('/api/plates/hotlists/:id', {
    config: { permission: 'hotlist.manage' },
    schema: { tags: ['hotlists'], summary: 'Delete a hotlist and its entries (audited)', params: listParam, response: { 204: z.null(), ...commonErrors } },
  }, async (req, reply) => {
    await h.remove(req.actx, req.params.id);
    return reply.status(204).send(null);
  });

  app.get('/api/plates/hotlists/:id/entries', {
    config: { permission: 'hotlist.manage' },
    schema: {
      tags: ['hotlists'], summary: 'Entries of a hotlist in plate order', params: listParam,
      querystring: z.strictObject({
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        after: z.string().max(20).optional().describe('nextAfter of the previous page'),
        plate: z.string().max(20).optional().describe('Only this plate'),
      }),
      response: { 200: z.object({ items: z.array(entrySchema), nextAfter: z.string().nullable() }), ...commonErrors },
    },
  }, async (req) => h.entries(req.actx, req.params.id, req.query.limit, req.query.after, req.query.plate));

  app.post('/api/plates/hotlists/:id/entries', {
    config: { permission: 'hotlist.manage' },
    schema: { tags: ['hotlists'], summary: 'Add a plate to a hotlist (audited with X-Case-Ref)', params: listParam, body: entryBody, response: { 201: entrySchema, 409: errorBodySchema, ...commonErrors } },
  }, async (req, reply) => reply.status(201).send(await h.addEntry(req.actx, req.params.id, req.body)));

  app.patch('/api/plates/hotlists/:id/entries/:entryId', {
    config: { permission: 'hotlist.manage' },
    schema: { tags: ['hotlists'], summary: 'Change an entry (audited)', params: entryParam, body: entryBody.omit({ plate: true }).partial(), response: { 200: entrySchema, ...commonErrors } },
  }, async (req) => h.updateEntry(req.actx, req.params.id, req.params.entryId, req.body));

  app.delete('/api/plates/hotlists/:id/entries/:entryId', {
    config: { permission: 'hotlist.manage' },
    schema: { tags: ['hotlists'], summary: 'Remove an entry (audited)', params: entryParam, body: noBody, response: { 204: z.null(), ...commonErrors } },
  }, async (req, reply) => {
    await h.removeEntry(req.actx, req.params.id, req.params.entryId);
    return reply.status(204).send(null);
  });

  app.post('/api/plates/hotlists/:id/import', {
    config: { permission: 'hotlist.manage' },
    bodyLimit: deps.importLimitBytes,
    schema: {
      tags: ['hotlists'],
      summary: 'Import entries from CSV (plate, reason, priority, fuzzy, valid_from, valid_to, case_ref): all rows or none; 422 lists every rejected row (audited)',
      params: listParam,
      querystring: z.strictObject({ replace: z.enum(['true', 'false']).default('false').describe('true: the file replaces every entry of the list') }),
      body: z.string().min(1).describe('text/csv'),
      response: { 200: z.object({ imported: z.number(), replaced: z.number() }), 422: errorBodySchema, ...commonErrors },
    },
  }, async (req) => h.importCsv(req.actx, req.params.id, req.body, { replace: req.query.replace === 'true' }));

  app.get('/api/plates/hotlists/:id/export', {
    config: { permission: 'hotlist.manage' },
    schema: { tags: ['hotlists'], summary: 'The entries as CSV (audited)', params: listParam, response: { 200: z.string().describe('text/csv'), ...commonErrors } },
  }, async (req, reply) => {
    const r = await h.exportCsv(req.actx, req.params.id);
    const file = r.name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60) || 'hotlist';
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${file}.csv"`).send(r.csv);
  });
}
