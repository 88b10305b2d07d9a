import { createHash } from 'node:crypto';
import { authorize } from '../auth/guard';
import type { ActionContext, AuditAppender } from '../core/context';
import { ValidationError } from '../core/errors';
import type { Clock } from '../core/time';
import type { Store } from '../store/store';
import { DeletionRepository, type DeletionTotals } from './deletion.repository';
import type { StorageGate, StorageState } from './index';

/** What retention deleted over a period, for transparency reports. */
export interface DeletionCertificate {
  fromMs: number;
  toMs: number;
  generatedAt: number;
  count: number;
  bytes: number;
  byRule: Record<string, DeletionTotals>;
  byCamera: Array<DeletionTotals & { cameraId: string }>;
  /**
   * SHA-256 over one line per deletion in id order, `id|cameraId|storage|path|startMs|endMs|bytes|sha256|rule|at\n`:
   * anyone holding the rows can recompute it, and a row changed or dropped later changes it.
   */
  listSha256: string;
}

const MAX_PERIOD_MS = 400 * 86_400_000;

/** Read side of retention for the API: deletion certificates and the storage gate's state. */
export class RetentionService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditAppender,
    private readonly clock: Clock,
    private readonly gate: StorageGate,
  ) {}

  /** Certificate of deletions in [fromMs, toMs) on cameras in the caller's audit scope; producing one is audited. */
  async certificate(ctx: ActionContext, fromMs: number, toMs: number): Promise<DeletionCertificate> {
    const scopes = authorize(ctx, 'audit.read');
    if (!(fromMs < toMs)) throw new ValidationError('from must be before to');
    if (toMs - fromMs > MAX_PERIOD_MS) throw new ValidationError('The period is longer than 400 days: ask for one year at a time');
    const repo = new DeletionRepository(this.store.db);
    const byRule = Object.fromEntries(await repo.byRule(fromMs, toMs, scopes));
    const byCamera = await repo.byCamera(fromMs, toMs, scopes);
    const hash = createHash('sha256');
    for (let after = 0; ; ) {
      const page = await repo.page(fromMs, toMs, scopes, after, 5000);
      for (const d of page) hash.update(`${d.id}|${d.cameraId}|${d.storage}|${d.path}|${d.startMs}|${d.endMs}|${d.bytes}|${d.sha256}|${d.rule}|${d.at}\n`);
      if (page.length < 5000) break;
      after = page[page.length - 1]!.id;
    }
    const totals = Object.values(byRule).reduce((t, r) => ({ count: t.count + r.count, bytes: t.bytes + r.bytes }), { count: 0, bytes: 0 });
    const cert: DeletionCertificate = { fromMs, toMs, generatedAt: this.clock.now(), ...totals, byRule, byCamera, listSha256: hash.digest('hex') };
    await this.store.transaction((tx) =>
      this.audit.record(tx, ctx, { action: 'retention.certificate', targetType: 'retention', details: { fromMs, toMs, count: cert.count, listSha256: cert.listSha256 } }),
    );
    return cert;
  }

  /** Storages of this node: paused or not, free and used bytes (site.read: no camera data in it). */
  storages(ctx: ActionContext): StorageState[] {
    authorize(ctx, 'site.read');
    return this.gate.states();
  }
}
