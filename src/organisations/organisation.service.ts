import { authorize } from '../auth/guard';
import type { ActionContext, AuditAppender } from '../core/context';
import type { Clock } from '../core/time';
import type { Store } from '../store/store';
import type { Organisation, OrganisationInput } from './organisation.model';
import { OrganisationRepository } from './organisation.repository';

/** Camera owners (the police, departments, public bodies, private partners) and their sharing policies. */
export class OrganisationService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditAppender,
    private readonly clock: Clock,
  ) {}

  async list(ctx: ActionContext): Promise<Organisation[]> {
    authorize(ctx, 'organisation.read');
    return new OrganisationRepository(this.store.db).list();
  }

  async upsert(ctx: ActionContext, input: OrganisationInput): Promise<Organisation> {
    authorize(ctx, 'organisation.write');
    const now = this.clock.now();
    return this.store.transaction(async (tx) => {
      const repo = new OrganisationRepository(tx);
      const prev = await repo.get(input.id);
      const org: Organisation = { ...input, createdAt: prev?.createdAt ?? now, updatedAt: now };
      await repo.upsert(org);
      await this.audit.record(tx, ctx, { action: prev ? 'organisation.update' : 'organisation.create', targetType: 'organisation', targetId: input.id, details: { policy: input.policy } });
      return org;
    });
  }

  /** First start: the site's own organisation, so cameras can be added at once. */
  async ensureDefault(): Promise<void> {
    const repo = new OrganisationRepository(this.store.db);
    if ((await repo.list()).length === 0) {
      await this.upsert({ principal: null, ip: null }, { id: 'police', name: 'Police', kind: 'police', policy: { liveAllowed: true, playbackAllowed: true, retentionDaysCap: null } });
    }
  }
}
