import { authorize } from '../auth/guard';
import { UserRepository } from '../auth/user.repository';
import { queryAudit } from '../audit/query';
import type { AuditFilter, AuditItem } from '../audit/types';
import type { AccessConfig } from '../config/access.schema';
import type { ActionContext, AuditAppender } from '../core/context';
import { ValidationError } from '../core/errors';
import type { Clock } from '../core/time';
import type { Store } from '../store/store';
import { csvLine } from './csv';
import { computeFlags, type Flag } from './flags';

const DAY = 86_400_000;
/** Longest period flags are computed over in one request. */
export const MAX_FLAG_PERIOD_MS = 93 * DAY;
/** Most records one flag computation or CSV export reads. */
export const MAX_REVIEW_RECORDS = 200_000;

export interface ReviewFilter {
  from?: number;
  to?: number;
  cameraId?: string;
  /** Username of the actor. */
  user?: string;
  caseRef?: string;
  action?: string;
}

/** The chain verification the review export carries (src/audit verify). */
export interface ChainVerification {
  ok: boolean;
  recordsChecked: number;
  problems: Array<{ chain: string; chainSeq?: number; kind: string; message: string }>;
}

/**
 * The auditor's view over the hash-chained audit trail ('audit.read'): records by camera, user, case, action
 * and time; flags for patterns worth a look (src/governance/flags.ts); a CSV export that carries each record's
 * hash and the chain verification result, so a reader can check it against `smartview audit verify`.
 * Every use is itself audited.
 */
export class AuditReviewService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditAppender,
    private readonly verify: () => Promise<ChainVerification>,
    private readonly clock: Clock,
    private readonly config: AccessConfig['review'],
  ) {}

  async query(ctx: ActionContext, f: ReviewFilter, limit: number, cursor?: string): Promise<{ items: AuditItem[]; nextCursor: string | null }> {
    authorize(ctx, 'audit.read');
    const filter = await this.filter(f);
    await this.audit.recordStandalone(ctx, { action: 'audit.review.query', details: { filter: f, page: cursor ? 'next' : 'first' } });
    if (!filter) return { items: [], nextCursor: null };
    return queryAudit(this.store.db, { ...filter, limit, cursor: cursor ?? null });
  }

  async flags(ctx: ActionContext, from: number, to: number): Promise<{ from: number; to: number; records: number; truncated: boolean; flags: Flag[] }> {
    authorize(ctx, 'audit.read');
    if (!(to > from)) throw new ValidationError('to must be after from (UTC ms)');
    if (to - from > MAX_FLAG_PERIOD_MS) throw new ValidationError('The period is too long: flags are computed over at most 93 days at a time');
    const { items, truncated } = await this.all({ from, to });
    const flags = computeFlags(items, this.config);
    await this.audit.recordStandalone(ctx, { action: 'audit.review.flags', details: { from, to, records: items.length, flags: flags.length } });
    return { from, to, records: items.length, truncated, flags };
  }

  /** CSV of the records matching `f` (oldest first), led by comment lines with the chain verification. */
  async csv(ctx: ActionContext, f: ReviewFilter): Promise<string> {
    authorize(ctx, 'audit.read');
    const filter = await this.filter(f);
    const { items, truncated } = filter ? await this.all(filter) : { items: [], truncated: false };
    const v = await this.verify();
    await this.audit.recordStandalone(ctx, { action: 'audit.review.export', details: { filter: f, records: items.length, chainsOk: v.ok } });
    let out = `# SmartView audit review export, generated ${new Date(this.clock.now()).toISOString()}\n`;
    out += `# filter: ${JSON.stringify(f)}\n`;
    out += `# chain verification: ${v.ok ? 'OK' : 'FAILED'}; records checked: ${v.recordsChecked}; problems: ${v.problems.length}\n`;
    for (const p of v.problems.slice(0, 20)) out += `# problem: ${p.chain}${p.chainSeq !== undefined ? `#${p.chainSeq}` : ''} ${p.kind}: ${p.message.replace(/[\r\n]+/g, ' ')}\n`;
    if (truncated) out += `# truncated: only the first ${MAX_REVIEW_RECORDS} records; narrow the filter\n`;
    out += csvLine(['seq', 'chain', 'chain_seq', 'at', 'at_iso', 'actor_id', 'actor', 'action', 'target_type', 'target_id', 'camera_ids', 'purpose', 'case_ref', 'ip', 'outcome', 'details', 'hash']);
    for (const r of items.reverse()) {
      out += csvLine([r.seq, r.chain, r.chainSeq, r.at, new Date(r.at).toISOString(), r.actorId, r.actorName, r.action, r.targetType, r.targetId, r.cameraIds.join(' '), r.purpose, r.caseRef, r.ip, r.outcome, r.details, r.hash]);
    }
    return out;
  }

  /** The audit filter for a review filter; null when it names a user who does not exist (nothing can match). */
  private async filter(f: ReviewFilter): Promise<AuditFilter | null> {
    let actorId: string | undefined;
    if (f.user) {
      const u = await new UserRepository(this.store.db).byUsername(f.user);
      if (!u) return null;
      actorId = u.id;
    }
    return { from: f.from, to: f.to, cameraId: f.cameraId, caseRef: f.caseRef, action: f.action, actorId };
  }

  /** Every record of `filter`, newest first, up to MAX_REVIEW_RECORDS. */
  private async all(filter: AuditFilter): Promise<{ items: AuditItem[]; truncated: boolean }> {
    const items: AuditItem[] = [];
    let cursor: string | null = null;
    do {
      const page = await queryAudit(this.store.db, { ...filter, limit: 500, cursor });
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor && items.length < MAX_REVIEW_RECORDS);
    return { items: items.slice(0, MAX_REVIEW_RECORDS), truncated: cursor !== null };
  }
}
