import { z } from 'zod';
import type { SsoService } from '../../auth/sso.service';
import { AppError } from '../../core/errors';
import { sessionCookie } from './auth.routes';
import { errorBodySchema, type ZApp } from '../types';

const STATE_COOKIE = 'sv_sso';

/** Sign-in methods offered on the login page, and the OIDC redirect pair (public: they start a login). */
export function registerSsoRoutes(app: ZApp, deps: { sso: SsoService; cookieSecure: boolean; loginRateLimitPerMinute: number }): void {
  app.get('/api/auth/methods', {
    config: { public: true },
    schema: { tags: ['auth'], summary: 'Sign-in methods of this site', response: { 200: z.object({ oidc: z.object({ label: z.string() }).nullable(), ldap: z.boolean() }) } },
  }, async () => deps.sso.methods());

  if (!deps.sso.oidcEnabled) return;
  const rateLimit = { max: deps.loginRateLimitPerMinute, timeWindow: 60_000 };

  app.get('/api/auth/oidc/start', {
    config: { public: true, rateLimit },
    schema: { tags: ['auth'], summary: 'Start single sign-on: redirects to the identity provider', response: { 302: z.null(), 429: errorBodySchema, 503: errorBodySchema } },
  }, async (_req, reply) => {
    const { url, state } = await deps.sso.startOidc();
    // SameSite=Lax: the provider's redirect back is a cross-site top-level navigation.
    void reply.setCookie(STATE_COOKIE, state, { httpOnly: true, sameSite: 'lax', secure: deps.cookieSecure, path: '/api/auth/oidc', maxAge: 600 });
    return reply.redirect(url, 302);
  });

  app.get('/api/auth/oidc/callback', {
    config: { public: true, rateLimit },
    schema: {
      tags: ['auth'],
      summary: 'Return from the identity provider: verifies, signs in, redirects to the web app',
      querystring: z.object({ code: z.string().max(2000).optional(), state: z.string().max(200).optional(), error: z.string().max(200).optional(), iss: z.string().max(500).optional() }).passthrough(),
      response: { 302: z.null() },
    },
  }, async (req, reply) => {
    const { code, state, error } = req.query;
    void reply.clearCookie(STATE_COOKIE, { path: '/api/auth/oidc' });
    const fail = (why: string) => reply.redirect(`/?sso_error=${encodeURIComponent(why)}`, 302);
    if (error || !code || !state) return fail(error ? 'sso_refused' : 'sso_state');
    if (req.cookies[STATE_COOKIE] !== state) return fail('sso_state');
    try {
      const r = await deps.sso.completeOidc(state, code, { ip: req.ip, userAgent: req.headers['user-agent'] ?? null });
      void reply.setCookie(...sessionCookie(r, deps.cookieSecure));
      return reply.redirect(r.returnTo.startsWith('/') && !r.returnTo.startsWith('//') ? r.returnTo : '/', 302);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      req.log.warn({ code: err.code, message: err.message }, 'single sign-on refused');
      return fail(err.code);
    }
  });
}
