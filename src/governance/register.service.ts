import { authorize } from '../auth/guard';
import type { Camera } from '../cameras/camera.model';
import { CameraRepository } from '../cameras/camera.repository';
import type { ActionContext, AuditAppender } from '../core/context';
import { NotFoundError } from '../core/errors';
import type { Clock } from '../core/time';
import { OrganisationRepository } from '../organisations/organisation.repository';
import { PrivacyRepository } from '../privacy/privacy.repository';
import type { Store } from '../store/store';
import { csvLine } from './csv';
import type { RegisterEntry, RegisterInput } from './register.model';
import { analyticsEnabled, RegisterRepository } from './register.repository';

const PAGE = 1000;

/**
 * The camera register for the Privacy Impact Assessment: per camera (in the caller's 'register.read' scope)
 * purpose, legal basis, signage, residential-facing, owner, retention, privacy masks and analytics. Editing
 * the assessment fields needs 'camera.write' and is audited. "Residential-facing" feeds the access policy
 * (playback of such cameras needs a case, src/access/policy.ts).
 */
export class RegisterService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditAppender,
    private readonly clock: Clock,
  ) {}

  async list(ctx: ActionContext): Promise<RegisterEntry[]> {
    const scopes = authorize(ctx, 'register.read');
    const repo = new CameraRepository(this.store.db);
    const cameras: Camera[] = [];
    for (let after: string | undefined; ; ) {
      const page = await repo.list({}, scopes, PAGE, after);
      cameras.push(...page);
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.id;
    }
    const ids = cameras.map((c) => c.id);
    const reg = new RegisterRepository(this.store.db);
    const rows = await reg.byCameras(ids);
    const masks = await new PrivacyRepository(this.store.db).maskCounts(); // the privacy room's masks (src/privacy)
    const analytics = await analyticsEnabled(this.store.db, ids);
    const orgs = new Map((await new OrganisationRepository(this.store.db).list()).map((o) => [o.id, o.name]));
    return cameras.map((c) => {
      const r = rows.get(c.id);
      return {
        cameraId: c.id, name: c.name, owner: c.owner, ownerName: orgs.get(c.owner) ?? null, district: c.location.district,
        purpose: r?.purpose ?? null, legalBasis: r?.legalBasis ?? null, signage: r ? r.signage : null, residentialFacing: r ? r.residentialFacing : null,
        notes: r?.notes ?? null, retentionDays: c.sharing.retentionDays, masks: masks.get(c.id) ?? 0, analyticsEnabled: analytics.has(c.id),
        updatedBy: r?.updatedBy ?? null, updatedAt: r?.updatedAt ?? null,
      };
    });
  }

  async update(ctx: ActionContext, cameraId: string, input: RegisterInput): Promise<RegisterEntry> {
    const scopes = authorize(ctx, 'camera.write');
    const camera = await new CameraRepository(this.store.db).get(cameraId, scopes);
    if (!camera) throw new NotFoundError('camera', cameraId);
    const by = ctx.principal?.username ?? ctx.systemActor ?? 'system';
    await this.store.transaction(async (tx) => {
      await new RegisterRepository(tx).upsert({ ...input, cameraId: camera.id, updatedBy: by, updatedAt: this.clock.now() });
      await this.audit.record(tx, ctx, { action: 'register.update', targetType: 'camera', targetId: camera.id, cameraIds: [camera.id], details: { ...input } });
    });
    const entry = (await this.list(ctx)).find((e) => e.cameraId === camera.id);
    if (!entry) throw new NotFoundError('camera register entry', camera.id); // register.read scope narrower than camera.write
    return entry;
  }

  async csv(ctx: ActionContext): Promise<string> {
    const items = await this.list(ctx);
    let out = csvLine(['camera_id', 'name', 'owner', 'owner_name', 'district', 'purpose', 'legal_basis', 'signage', 'residential_facing', 'retention_days', 'masks', 'analytics_enabled', 'notes', 'updated_by', 'updated_at']);
    const yn = (b: boolean | null) => (b === null ? '' : b ? 'yes' : 'no');
    for (const e of items) {
      out += csvLine([e.cameraId, e.name, e.owner, e.ownerName, e.district, e.purpose, e.legalBasis, yn(e.signage), yn(e.residentialFacing), e.retentionDays, e.masks, yn(e.analyticsEnabled), e.notes, e.updatedBy, e.updatedAt === null ? '' : new Date(e.updatedAt).toISOString()]);
    }
    return out;
  }
}
