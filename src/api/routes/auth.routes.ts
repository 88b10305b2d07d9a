import { z } from 'zod';
import type { AuthService } from '../../auth/auth.service';
import { permissionsOf, type Principal } from '../../auth/permissions';
import { grantSchema } from '../../auth/user.service';
import { UserRepository } from '../../auth/user.repository';
import type { Store } from '../../store/store';
import { SESSION_COOKIE } from '../auth-hook';
import { authErrors, errorBodySchema, type ZApp } from '../types';

export const meSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  permissions: z.array(z.string()),
  grants: z.array(grantSchema.extend({ expiresAt: z.number().nullable().optional() })),
  passwordExpiresAt: z.number().nullable(),
});

async function me(store: Store, p: Principal): Promise<z.infer<typeof meSchema>> {
  const u = await new UserRepository(store.db).byId(p.userId);
  return { id: p.userId, username: p.username, displayName: p.displayName, permissions: [...permissionsOf(p.grants)].sort(), grants: p.grants, passwordExpiresAt: u?.passwordExpiresAt ?? null };
}

export function registerAuthRoutes(app: ZApp, deps: { auth: AuthService; store: Store; cookieSecure: boolean; loginRateLimitPerMinute: number }): void {
  app.post('/api/auth/login', {
    config: { public: true, rateLimit: { max: deps.loginRateLimitPerMinute, timeWindow: 60_000 } },
    schema: {
      tags: ['auth'],
      summary: 'Log in with user name and password; sets the session cookie',
      body: z.strictObject({ username: z.string().min(1).max(100), password: z.string().min(1).max(256) }),
      response: { 200: z.object({ user: meSchema }), 401: errorBodySchema, 429: errorBodySchema },
    },
  }, async (req, reply) => {
    const r = await deps.auth.login(req.body.username, req.body.password, { ip: req.ip, userAgent: req.headers['user-agent'] ?? null });
    void reply.setCookie(SESSION_COOKIE, r.sessionToken, { httpOnly: true, sameSite: 'strict', secure: deps.cookieSecure, path: '/', expires: new Date(r.expiresAt) });
    return { user: await me(deps.store, r.principal) };
  });

  app.post('/api/auth/logout', {
    config: { permission: 'site.read' },
    schema: { tags: ['auth'], summary: 'End the session', response: { 204: z.null(), ...authErrors } },
  }, async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) await deps.auth.logout(req.actx, token);
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send(null);
  });

  app.get('/api/auth/me', {
    config: { permission: 'site.read' },
    schema: { tags: ['auth'], summary: 'Who am I: grants and permissions', response: { 200: meSchema, ...authErrors } },
  }, async (req) => me(deps.store, req.principal!));

  app.post('/api/auth/password', {
    config: { permission: 'site.read' },
    schema: {
      tags: ['auth'],
      summary: 'Change my password',
      body: z.strictObject({ currentPassword: z.string().min(1).max(256), newPassword: z.string().min(1).max(256) }),
      response: { 204: z.null(), 400: errorBodySchema, ...authErrors },
    },
  }, async (req, reply) => {
    await deps.auth.changePassword(req.actx, req.body.currentPassword, req.body.newPassword);
    return reply.status(204).send(null);
  });

  const tokenView = z.object({ id: z.string(), name: z.string(), createdAt: z.number(), expiresAt: z.number().nullable(), lastUsedAt: z.number().nullable(), revokedAt: z.number().nullable() });
  app.get('/api/tokens', {
    config: { permission: 'token.manage' },
    schema: { tags: ['auth'], summary: 'My API tokens', response: { 200: z.object({ items: z.array(tokenView) }), ...authErrors } },
  }, async (req) => ({ items: await deps.auth.listTokens(req.actx) }));

  app.post('/api/tokens', {
    config: { permission: 'token.manage' },
    schema: {
      tags: ['auth'],
      summary: 'Create an API token (shown once)',
      body: z.strictObject({ name: z.string().trim().min(1).max(100), ttlDays: z.number().int().min(1).max(3650).optional(), userId: z.string().max(64).optional() }),
      response: { 201: z.object({ id: z.string(), token: z.string(), expiresAt: z.number().nullable() }), 400: errorBodySchema, ...authErrors },
    },
  }, async (req, reply) => {
    const t = await deps.auth.createToken(req.actx, { name: req.body.name, userId: req.body.userId, ttlMs: req.body.ttlDays ? req.body.ttlDays * 86_400_000 : null });
    return reply.status(201).send(t);
  });

  app.delete('/api/tokens/:id', {
    config: { permission: 'token.manage' },
    schema: { tags: ['auth'], summary: 'Revoke an API token', params: z.object({ id: z.string().max(64) }), response: { 204: z.null(), 404: errorBodySchema, ...authErrors } },
  }, async (req, reply) => {
    await deps.auth.revokeToken(req.actx, req.params.id);
    return reply.status(204).send(null);
  });
}
