import { can } from '../auth/permissions';
import type { Camera } from '../cameras/camera.model';
import { CaseService } from '../cases/cases.service';
import { accessSchema, type AccessConfig, type PolicyUse } from '../config/access.schema';
import type { ActionContext, AuditAppender } from '../core/context';
import { UserError } from '../core/errors';
import { silentLogger, type Logger } from '../core/logger';
import { systemClock, type Clock } from '../core/time';
import { RegisterRepository } from '../governance/register.repository';
import { OrganisationRepository } from '../organisations/organisation.repository';
import type { Store } from '../store/store';
import { BreakGlassRepository } from './breakglass.repository';

export type { PolicyUse };

/** What the audit trail and error messages call each row of the table. */
const LABEL: Record<PolicyUse, string> = {
  live: 'Live view', playback: 'Playback', plateSearch: 'A plate search', personSearch: 'A person or appearance search',
  journeys: 'A journey or interception request', exports: 'An evidence export',
};

export interface AccessPolicyDeps {
  store: Store;
  audit: AuditAppender;
  clock?: Clock;
  log?: Logger;
  config?: AccessConfig;
  /** The case gate (defaults to a CaseService over the same store). */
  cases?: CaseService;
}

export interface RequireOptions {
  /** The audit action of the attempt (e.g. 'playback.view'); refusals are recorded under it, outcome 'denied'. */
  action: string;
  /** Cameras the request touches (decides "sensitive": residential-facing or third-party). */
  cameras?: Camera[];
  /** Extra audit details of a refusal. */
  details?: Record<string, unknown>;
}

/**
 * The purpose-bound access policy: ONE table (config `access.policy`) that every path showing footage or
 * searching personal data follows through `require`. A row asks for a stated purpose (X-Purpose) and/or a
 * case (X-Case-Ref: an open, unexpired case naming the caller) never, for sensitive cameras only
 * (residential-facing in the camera register, or third-party: owned by another organisation than the
 * site's own), or always. A caller with an active break-glass (and 'breakglass.use') passes the case
 * requirement; the returned context then carries the break-glass id, which the audit trail records on
 * everything done with it. Every refusal is audited (outcome 'denied') and answers 400 with what to send.
 * The owner's sharing policy (src/playback/sharing.ts) applies on top, in the services.
 */
export class AccessPolicy {
  readonly config: AccessConfig;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly cases: CaseService;

  constructor(private readonly d: AccessPolicyDeps) {
    this.config = d.config ?? accessSchema.parse({});
    this.clock = d.clock ?? systemClock;
    this.log = d.log ?? silentLogger();
    this.cases = d.cases ?? new CaseService(d.store, d.audit, this.clock, this.log);
  }

  /** The context to carry on with (with breakGlassId when break-glass lifted the case requirement), or throws. */
  async require(ctx: ActionContext, use: PolicyUse, o: RequireOptions): Promise<ActionContext> {
    if (!ctx.principal) return ctx; // the system itself and administrative CLI commands on the local store
    const rule = this.config.policy[use];
    const cameraIds = (o.cameras ?? []).map((c) => c.id);
    const sensitive = rule.case === 'sensitive' ? await this.sensitive(o.cameras ?? []) : [];
    const needsCase = rule.case === 'always' || sensitive.length > 0;
    const missingPurpose = rule.purpose && !ctx.purpose?.trim();
    let breakGlassId: string | undefined;
    if (needsCase && !ctx.caseRef?.trim() && can(ctx.principal, 'breakglass.use')) {
      breakGlassId = (await new BreakGlassRepository(this.d.store.db).active(ctx.principal.userId, this.clock.now()))?.id;
    }
    const missingCase = needsCase && !ctx.caseRef?.trim() && !breakGlassId;
    if (missingPurpose || missingCase) {
      const missing = [missingPurpose && 'purpose', missingCase && 'case reference'].filter((m): m is string => !!m);
      const headers = [missingPurpose && 'X-Purpose', missingCase && 'X-Case-Ref'].filter((m): m is string => !!m);
      const why = sensitive.length ? ` (camera ${sensitive.map((s) => `'${s.id}' is ${s.why}`).join(', ')})` : '';
      const reason = missingCase ? 'case_required' : 'purpose_required';
      const hint = missingCase ? ' Open a case with POST /api/cases; in an emergency, break-glass (POST /api/access/break-glass) if your role allows it.' : '';
      const err = new UserError(reason,
        `${LABEL[use]} needs ${missing.map((m) => `a ${m}`).join(' and ')}${why} (missing: ${missing.join(', ')}): send the ${headers.join(' and ')} header${headers.length > 1 ? 's' : ''} (or the purpose / caseRef parameters where offered).${hint} The refused attempt has been audited.`,
        { missing, headers, use, sensitive }, 400);
      await this.refuse(ctx, o, cameraIds, reason, use, sensitive);
      throw err;
    }
    if (needsCase && ctx.caseRef?.trim()) {
      await this.cases.requireCase(ctx, o.action); // audits its own refusals (unknown, not authorised, closed, expired)
      return ctx;
    }
    return breakGlassId ? { ...ctx, breakGlassId } : ctx;
  }

  /** Cameras among `cameras` that make a 'sensitive' row ask for a case, with the reason. */
  async sensitive(cameras: Camera[]): Promise<Array<{ id: string; why: 'residential-facing' | 'third-party' }>> {
    if (cameras.length === 0) return [];
    const residential = await new RegisterRepository(this.d.store.db).residential(cameras.map((c) => c.id));
    const thirdParty = await this.thirdPartyOwners([...new Set(cameras.map((c) => c.owner))]);
    const out: Array<{ id: string; why: 'residential-facing' | 'third-party' }> = [];
    for (const c of cameras) {
      if (residential.has(c.id)) out.push({ id: c.id, why: 'residential-facing' });
      else if (thirdParty.has(c.owner)) out.push({ id: c.id, why: 'third-party' });
    }
    return out;
  }

  /** Owners (of `owners`) that are third parties: not `access.siteOrganisation`, or (when that is unset) private partners. */
  async thirdPartyOwners(owners: string[]): Promise<Set<string>> {
    const own = this.config.siteOrganisation;
    if (own !== null) return new Set(owners.filter((o) => o !== own));
    const repo = new OrganisationRepository(this.d.store.db);
    const out = new Set<string>();
    for (const o of owners) if ((await repo.get(o))?.kind === 'private_partner') out.add(o);
    return out;
  }

  private async refuse(ctx: ActionContext, o: RequireOptions, cameraIds: string[], reason: string, use: PolicyUse, sensitive: unknown[]): Promise<void> {
    try {
      await this.d.audit.recordStandalone(ctx, {
        action: o.action, outcome: 'denied', cameraIds, targetType: cameraIds.length === 1 ? 'camera' : undefined, targetId: cameraIds.length === 1 ? cameraIds[0] : undefined,
        details: { ...(o.details ?? {}), reason, policy: use, ...(sensitive.length ? { sensitive } : {}) },
      });
    } catch (err) {
      this.log.error({ err, action: o.action, use }, 'could not audit a request the access policy refused');
      throw err;
    }
  }
}
