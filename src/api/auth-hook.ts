import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthService } from '../auth/auth.service';
import { can, type Permission, type Principal } from '../auth/permissions';
import type { ActionContext } from '../core/context';
import { AuthenticationError, ForbiddenError } from '../core/errors';

export const SESSION_COOKIE = 'sv_session';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission the route needs; every route must name one or be `public`. */
    permission?: Permission;
    public?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
    actx: ActionContext;
  }
}

function headerText(v: string | string[] | undefined, max = 500): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined ? undefined : s.trim().slice(0, max);
}

/**
 * Runs before body parsing on every request: authenticates (session cookie or
 * `Authorization: Bearer svt_…`), checks the route's permission, and builds the ActionContext
 * (purpose and case reference come from `X-Purpose` / `X-Case-Ref`). A route that declares
 * neither `permission` nor `public` is refused: forgetting the check fails closed.
 */
export function authHook(auth: AuthService) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const cfg = req.routeOptions.config;
    req.principal = null;
    req.actx = { principal: null, ip: req.ip, requestId: String(req.id), purpose: headerText(req.headers['x-purpose']), caseRef: headerText(req.headers['x-case-ref'], 100) };
    if (!req.routeOptions.url) return; // 404s are answered by the not-found handler
    if (cfg.public) return;
    const bearer = headerText(req.headers.authorization, 200);
    let principal: Principal | null = null;
    if (bearer?.toLowerCase().startsWith('bearer ')) principal = await auth.fromToken(bearer.slice(7).trim());
    else if (req.cookies?.[SESSION_COOKIE]) principal = await auth.fromSession(req.cookies[SESSION_COOKIE]);
    if (!principal) throw new AuthenticationError();
    req.principal = principal;
    req.actx.principal = principal;
    if (!cfg.permission) throw new ForbiddenError('(undeclared)', 'This route declares no permission and is closed');
    if (!can(principal, cfg.permission)) throw new ForbiddenError(cfg.permission);
  };
}
