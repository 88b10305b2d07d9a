import { z } from 'zod';
import type { AuthService, LoginResult } from '../../auth/auth.service';
import { effectivePermissions, PERMISSIONS, type Principal } from '../../auth/permissions';
import type { TotpService } from '../../auth/totp.service';
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
  authSource: z.enum(['local', 'oidc', 'ldap']).describe('Where this user signs in'),
  secondFactor: z.object({ enrolled: z.boolean(), required: z.boolean().describe('Must enrol before anything else works') }),
});

export interface AuthRouteDeps {
  auth: AuthService;
  totp: TotpService;
  store: Store;
  cookieSecure: boolean;
  loginRateLimitPerMinute: number;
}

export async function me(deps: Pick<AuthRouteDeps, 'auth' | 'totp' | 'store'>, p: Principal): Promise<z.infer<typeof meSchema>> {
  const u = await new UserRepository(deps.store.db).byId(p.userId);
  const enrolled = u ? await deps.totp.isEnrolled(deps.store.db, u.id) : false;
  const required = u ? await deps.auth.mustEnrolTotp(deps.store.db, u, p.grants.map((g) => g.role)) : false;
  return {
    id: p.userId, username: p.username, displayName: p.displayName, permissions: [...effectivePermissions(p)].sort(), grants: p.grants,
    passwordExpiresAt: u?.passwordExpiresAt ?? null, authSource: u?.authSource ?? 'local', secondFactor: { enrolled, required },
  };
}

/** Sets the session cookie of a fresh login (HttpOnly, SameSite=Strict, Secure under TLS). */
export function sessionCookie(r: LoginResult, secure: boolean) {
  return [SESSION_COOKIE, r.sessionToken, { httpOnly: true, sameSite: 'strict', secure, path: '/', expires: new Date(r.expiresAt) }] as const;
}

export function registerAuthRoutes(app: ZApp, deps: AuthRouteDeps): void {
  app.post('/api/auth/login', {
    config: { public: true, rateLimit: { max: deps.loginRateLimitPerMinute, timeWindow: 60_000 } },
    schema: {
      tags: ['auth'],
      summary: 'Log in with user name and password (and the TOTP or recovery code when a second factor is set up); sets the session cookie',
      description: 'Answers 401 `totp_required` when the password is right and a code is needed: send the same request again with `code`. After too many failures the account is locked (401 `account_locked`).',
      body: z.strictObject({ username: z.string().min(1).max(100), password: z.string().min(1).max(256), code: z.string().trim().min(6).max(20).optional().describe('6-digit TOTP code or a recovery code') }),
      response: { 200: z.object({ user: meSchema }), 401: errorBodySchema, 429: errorBodySchema },
    },
  }, async (req, reply) => {
    const r = await deps.auth.login(req.body.username, req.body.password, { ip: req.ip, userAgent: req.headers['user-agent'] ?? null, code: req.body.code });
    void reply.setCookie(...sessionCookie(r, deps.cookieSecure));
    return { user: await me(deps, r.principal) };
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
    schema: { tags: ['auth'], summary: 'Who am I: grants, permissions, second factor', response: { 200: meSchema, ...authErrors } },
  }, async (req) => me(deps, req.principal!));

  app.post('/api/auth/password', {
    config: { permission: 'site.read' },
    schema: {
      tags: ['auth'],
      summary: 'Change my password (ends my other sessions)',
      body: z.strictObject({ currentPassword: z.string().min(1).max(256), newPassword: z.string().min(1).max(256) }),
      response: { 204: z.null(), 400: errorBodySchema, ...authErrors },
    },
  }, async (req, reply) => {
    await deps.auth.changePassword(req.actx, req.body.currentPassword, req.body.newPassword, req.cookies[SESSION_COOKIE]);
    return reply.status(204).send(null);
  });

  const list = z.array(z.string().min(1).max(100)).min(1).max(200).nullable();
  const tokenView = z.object({
    id: z.string(), name: z.string(), createdAt: z.number(), expiresAt: z.number().nullable(), lastUsedAt: z.number().nullable(), revokedAt: z.number().nullable(),
    permissions: z.array(z.string()).nullable(), organisations: z.array(z.string()).nullable(), districts: z.array(z.string()).nullable(),
  });
  app.get('/api/tokens', {
    config: { permission: 'token.manage' },
    schema: { tags: ['auth'], summary: 'My API tokens', response: { 200: z.object({ items: z.array(tokenView) }), ...authErrors } },
  }, async (req) => ({ items: await deps.auth.listTokens(req.actx) }));

  app.post('/api/tokens', {
    config: { permission: 'token.manage' },
    schema: {
      tags: ['auth'],
      summary: 'Create an API token (shown once), optionally limited to some of my permissions, organisations and districts',
      body: z.strictObject({
        name: z.string().trim().min(1).max(100),
        ttlDays: z.number().int().min(1).max(3650).optional(),
        userId: z.string().max(64).optional(),
        permissions: z.array(z.enum(PERMISSIONS)).min(1).max(PERMISSIONS.length).optional().describe('Only these permissions (each must be held by the owner; never more than the owner holds at each use)'),
        organisations: list.optional().describe('Only cameras of these organisations'),
        districts: list.optional().describe('Only cameras in these districts'),
      }),
      response: { 201: z.object({ id: z.string(), token: z.string(), expiresAt: z.number().nullable() }), 400: errorBodySchema, ...authErrors },
    },
  }, async (req, reply) => {
    const b = req.body;
    const t = await deps.auth.createToken(req.actx, { name: b.name, userId: b.userId, ttlMs: b.ttlDays ? b.ttlDays * 86_400_000 : null, permissions: b.permissions ?? null, organisations: b.organisations ?? null, districts: b.districts ?? null });
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
