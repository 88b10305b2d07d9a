import { ForbiddenError } from '../core/errors';
import type { ActionContext } from '../core/context';
import { can, scopesFor, type Permission, type Scope } from './permissions';

const EVERYTHING: Scope[] = [{ organisations: null, districts: null }];

/**
 * Checks `permission` and returns the scopes it is held under. The system context (no principal:
 * start-up tasks, administrative commands on the local store) holds everything.
 */
export function authorize(ctx: ActionContext, permission: Permission): Scope[] {
  if (!ctx.principal) return EVERYTHING;
  if (!can(ctx.principal, permission)) throw new ForbiddenError(permission);
  return scopesFor(ctx.principal, permission);
}
