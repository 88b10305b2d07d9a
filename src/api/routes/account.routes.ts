import { z } from 'zod';
import type { AuthService } from '../../auth/auth.service';
import type { TotpService } from '../../auth/totp.service';
import { authErrors, commonErrors, errorBodySchema, type ZApp } from '../types';

/** My second factor (any signed-in user), and the administrator's unlock / second-factor reset. */
export function registerAccountRoutes(app: ZApp, deps: { auth: AuthService; totp: TotpService }): void {
  app.get('/api/account/totp', {
    config: { permission: 'site.read' },
    schema: { tags: ['account'], summary: 'State of my TOTP second factor', response: { 200: z.object({ enrolled: z.boolean(), pending: z.boolean(), recoveryCodesLeft: z.number() }), ...authErrors } },
  }, async (req) => deps.totp.status(req.principal!.userId));

  app.post('/api/account/totp', {
    config: { permission: 'site.read' },
    schema: {
      tags: ['account'],
      summary: 'Start setting up TOTP: a new secret (base32) and its otpauth:// URI, shown once',
      response: { 200: z.object({ secret: z.string(), uri: z.string() }), 400: errorBodySchema, 409: errorBodySchema, ...authErrors },
    },
  }, async (req) => deps.totp.begin(req.actx));

  app.post('/api/account/totp/confirm', {
    config: { permission: 'site.read' },
    schema: {
      tags: ['account'],
      summary: 'Confirm TOTP with the current code; answers the single-use recovery codes (shown once)',
      body: z.strictObject({ code: z.string().trim().regex(/^\d{6}$/, '6 digits') }),
      response: { 200: z.object({ recoveryCodes: z.array(z.string()) }), 400: errorBodySchema, 409: errorBodySchema, ...authErrors },
    },
  }, async (req) => deps.totp.confirm(req.actx, req.body.code));

  app.post('/api/account/totp/disable', {
    config: { permission: 'site.read' },
    schema: {
      tags: ['account'],
      summary: 'Turn TOTP off (password and a current or recovery code)',
      body: z.strictObject({ password: z.string().min(1).max(256), code: z.string().trim().min(6).max(20) }),
      response: { 204: z.null(), 400: errorBodySchema, ...authErrors },
    },
  }, async (req, reply) => {
    await deps.totp.disable(req.actx, req.body.password, req.body.code);
    return reply.status(204).send(null);
  });

  app.post('/api/users/:id/unlock', {
    config: { permission: 'user.write' },
    schema: { tags: ['account'], summary: 'Unlock an account locked after failed sign-ins', params: z.object({ id: z.string().max(64) }), response: { 204: z.null(), ...commonErrors } },
  }, async (req, reply) => {
    await deps.auth.unlock(req.actx, req.params.id);
    return reply.status(204).send(null);
  });

  app.delete('/api/users/:id/totp', {
    config: { permission: 'user.write' },
    schema: { tags: ['account'], summary: 'Remove a user\'s second factor (lost phone); they enrol again', params: z.object({ id: z.string().max(64) }), response: { 204: z.null(), ...commonErrors } },
  }, async (req, reply) => {
    await deps.totp.reset(req.actx, req.params.id);
    return reply.status(204).send(null);
  });
}
