import { z } from 'zod';
import { caseCloseSchema, caseCreateSchema, caseSchema } from '../../cases/model';
import type { CaseService } from '../../cases/cases.service';
import { commonErrors, errorBodySchema, type ZApp } from '../types';

const refParams = z.object({ ref: z.string().min(1).max(100) });

/** Investigation cases: forensic search and journeys run inside one (X-Case-Ref). */
export function registerCaseRoutes(app: ZApp, deps: { cases: CaseService }): void {
  app.post('/api/cases', {
    config: { permission: 'case.manage' },
    schema: { tags: ['cases'], summary: 'Open a case: reference, purpose, authorised users (the creator always is), expiry', body: caseCreateSchema, response: { 201: caseSchema, 409: errorBodySchema, ...commonErrors } },
  }, async (req, reply) => reply.status(201).send(await deps.cases.create(req.actx, req.body)));

  app.get('/api/cases', {
    config: { permission: 'case.manage' },
    schema: { tags: ['cases'], summary: 'The cases you are authorised for, newest first', querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200) }), response: { 200: z.object({ items: z.array(caseSchema) }), ...commonErrors } },
  }, async (req) => ({ items: await deps.cases.list(req.actx, req.query.limit) }));

  app.get('/api/cases/:ref', {
    config: { permission: 'case.manage' },
    schema: { tags: ['cases'], summary: 'One case (cases you are not authorised for look absent)', params: refParams, response: { 200: caseSchema, ...commonErrors } },
  }, async (req) => deps.cases.get(req.actx, req.params.ref));

  app.post('/api/cases/:ref/close', {
    config: { permission: 'case.manage' },
    schema: { tags: ['cases'], summary: 'Close a case: it no longer authorises searches or journeys', params: refParams, body: caseCloseSchema, response: { 200: caseSchema, 409: errorBodySchema, ...commonErrors } },
  }, async (req) => deps.cases.close(req.actx, req.params.ref, req.body.reason));
}
