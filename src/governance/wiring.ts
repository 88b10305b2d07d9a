import { AccessPolicy } from '../access/policy';
import { BreakGlassService } from '../access/breakglass.service';
import type { AccessConfig } from '../config/access.schema';
import type { AuditAppender } from '../core/context';
import type { Logger } from '../core/logger';
import type { Clock } from '../core/time';
import type { Store } from '../store/store';
import { RegisterService } from './register.service';
import { TransparencyService } from './report.service';
import { AuditReviewService, type ChainVerification } from './review.service';

/** The access policy and the governance services (src/access, src/governance), wired once per process by app.ts. */
export interface Governance {
  policy: AccessPolicy;
  breakGlass: BreakGlassService;
  review: AuditReviewService;
  report: TransparencyService;
  register: RegisterService;
}

export function createGovernance(d: { store: Store; audit: AuditAppender; clock: Clock; log: Logger; config: AccessConfig; siteName: string; verify: () => Promise<ChainVerification> }): Governance {
  const log = d.log.child({ scope: 'access' });
  return {
    policy: new AccessPolicy({ store: d.store, audit: d.audit, clock: d.clock, log, config: d.config }),
    breakGlass: new BreakGlassService(d.store, d.audit, d.clock, d.config.breakGlass),
    review: new AuditReviewService(d.store, d.audit, d.verify, d.clock, d.config.review),
    report: new TransparencyService(d.store, d.audit, d.clock, d.config.report, d.siteName),
    register: new RegisterService(d.store, d.audit, d.clock),
  };
}
