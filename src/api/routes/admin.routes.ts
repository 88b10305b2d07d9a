import { z } from 'zod';
import { grantSchema, userInputSchema, type UserService } from '../../auth/user.service';
import { organisationInputSchema, organisationSchema } from '../../organisations/organisation.model';
import type { OrganisationService } from '../../organisations/organisation.service';
import { authErrors, commonErrors, errorBodySchema, type ZApp } from '../types';

const userView = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  disabled: z.boolean(),
  grants: z.array(grantSchema.extend({ expiresAt: z.number().nullable().optional() })),
  createdAt: z.number(),
  lastLoginAt: z.number().nullable(),
});

/** Organisations (camera owners) and users. */
export function registerAdminRoutes(app: ZApp, deps: { orgs: OrganisationService; users: UserService }): void {
  app.get('/api/organisations', {
    config: { permission: 'organisation.read' },
    schema: { tags: ['organisations'], summary: 'Camera owners and their sharing policies', response: { 200: z.object({ items: z.array(organisationSchema) }), ...authErrors } },
  }, async (req) => ({ items: await deps.orgs.list(req.actx) }));

  app.put('/api/organisations/:id', {
    config: { permission: 'organisation.write' },
    schema: {
      tags: ['organisations'],
      summary: 'Create or change an organisation',
      params: z.object({ id: z.string().max(64) }),
      body: organisationInputSchema.omit({ id: true }),
      response: { 200: organisationSchema, ...commonErrors },
    },
  }, async (req) => {
    const input = organisationInputSchema.parse({ ...req.body, id: req.params.id });
    return deps.orgs.upsert(req.actx, input);
  });

  app.get('/api/users', {
    config: { permission: 'user.read' },
    schema: { tags: ['users'], summary: 'Users and their grants', response: { 200: z.object({ items: z.array(userView) }), ...authErrors } },
  }, async (req) => ({ items: await deps.users.list(req.actx) }));

  app.post('/api/users', {
    config: { permission: 'user.write' },
    schema: { tags: ['users'], summary: 'Add a user', body: userInputSchema, response: { 201: userView, 409: errorBodySchema, ...commonErrors } },
  }, async (req, reply) => reply.status(201).send(await deps.users.create(req.actx, req.body)));

  app.put('/api/users/:id/grants', {
    config: { permission: 'user.write' },
    schema: { tags: ['users'], summary: 'Replace a user\'s grants', params: z.object({ id: z.string().max(64) }), body: z.strictObject({ grants: z.array(grantSchema).max(50) }), response: { 200: userView, ...commonErrors } },
  }, async (req) => deps.users.setGrants(req.actx, req.params.id, req.body.grants));

  app.put('/api/users/:id/disabled', {
    config: { permission: 'user.write' },
    schema: { tags: ['users'], summary: 'Disable or enable a user', params: z.object({ id: z.string().max(64) }), body: z.strictObject({ disabled: z.boolean() }), response: { 200: userView, ...commonErrors } },
  }, async (req) => deps.users.setDisabled(req.actx, req.params.id, req.body.disabled));
}
