import { randomUUID } from 'node:crypto';
import { authorize } from '../auth/guard';
import type { Scope } from '../auth/permissions';
import type { Camera } from '../cameras/camera.model';
import { CameraRepository } from '../cameras/camera.repository';
import type { ActionContext, AuditAppender } from '../core/context';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors';
import type { Clock } from '../core/time';
import { addEvent } from '../events/outbox';
import type { Db, Store } from '../store/store';
import { GroundCalibration, type CalibrationReport } from './calibration';
import type { EngineRule } from './engine';
import { DEFAULT_SETTINGS, parseOrThrow, ruleDefinitionSchema, type AnalyticsSettings, type Rule, type RuleDefinition, type RulePatch } from './model';
import { RulesRepository } from './rules.repository';

/** A camera's analytics settings as the API shows them, with the calibration's error report. */
export interface AnalyticsView {
  cameraId: string;
  settings: AnalyticsSettings;
  calibration: CalibrationReport | null;
  /** null = never saved (the defaults are shown). */
  updatedAt: number | null;
}

export const MAX_RULES_PER_CAMERA = 100;

/**
 * Per-camera analytics settings and rules. Reads need 'analytics.read', changes 'rules.manage', always on a
 * camera inside the caller's scope (outside looks absent: 404). Each change commits with its audit record
 * and an `analytics.rules_changed` event, on which analytics nodes rebuild the camera's pipeline.
 * Also the analytics role's source of settings and rules (enabledCameras, settings, rules: system reads).
 */
export class RulesService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditAppender,
    private readonly clock: Clock,
    private readonly afterCommit: () => void = () => undefined,
  ) {}

  async getSettings(ctx: ActionContext, cameraId: string): Promise<AnalyticsView> {
    const scopes = authorize(ctx, 'analytics.read');
    await this.camera(this.store.db, cameraId, scopes);
    return this.view(cameraId, await new RulesRepository(this.store.db).settings(cameraId));
  }

  async putSettings(ctx: ActionContext, cameraId: string, settings: AnalyticsSettings): Promise<AnalyticsView> {
    const scopes = authorize(ctx, 'rules.manage');
    const now = this.clock.now();
    await this.store.transaction(async (tx) => {
      const cam = await this.camera(tx, cameraId, scopes);
      const repo = new RulesRepository(tx);
      if (!settings.calibration) {
        const metric = (await repo.list(cameraId)).filter((r) => r.kind === 'running' && r.unit === 'm/s');
        if (metric.length) {
          throw new ValidationError(
            `calibration: rules ${metric.map((r) => `'${r.name}' (${r.id})`).join(', ')} measure speed in m/s and need the camera's calibration; keep it, or change those rules to unit 'image/s' first`,
            { field: 'calibration', rules: metric.map((r) => r.id) },
          );
        }
      }
      await repo.putSettings(cameraId, settings, now);
      await this.audit.record(tx, ctx, {
        action: 'analytics.settings_update', targetType: 'camera', targetId: cameraId, cameraIds: [cameraId],
        details: { enabled: settings.enabled, fps: settings.fps ?? null, classes: settings.classes ?? null, masks: settings.masks.length, calibrationPoints: settings.calibration?.points.length ?? 0 },
      });
      await this.changed(tx, cam, now);
    });
    this.afterCommit();
    return this.view(cameraId, { settings, updatedAt: now });
  }

  async listRules(ctx: ActionContext, cameraId: string): Promise<Rule[]> {
    const scopes = authorize(ctx, 'analytics.read');
    await this.camera(this.store.db, cameraId, scopes);
    return new RulesRepository(this.store.db).list(cameraId);
  }

  async getRule(ctx: ActionContext, ruleId: string): Promise<Rule> {
    const scopes = authorize(ctx, 'analytics.read');
    const found = await new RulesRepository(this.store.db).get(ruleId, scopes);
    if (!found) throw new NotFoundError('rule', ruleId);
    const { owner: _o, district: _d, ...rule } = found;
    return rule;
  }

  async createRule(ctx: ActionContext, cameraId: string, definition: RuleDefinition): Promise<Rule> {
    const scopes = authorize(ctx, 'rules.manage');
    const now = this.clock.now();
    const id = randomUUID();
    await this.store.transaction(async (tx) => {
      const cam = await this.camera(tx, cameraId, scopes);
      const repo = new RulesRepository(tx);
      if ((await repo.count(cameraId)) >= MAX_RULES_PER_CAMERA) {
        throw new ConflictError('too_many_rules', `Camera '${cameraId}' already has ${MAX_RULES_PER_CAMERA} rules, the most one camera may have; delete or combine some first`);
      }
      await this.checkUnits(repo, cameraId, definition);
      await repo.insert({ id, cameraId, definition, at: now });
      await this.audit.record(tx, ctx, { action: 'rule.create', targetType: 'analytics_rule', targetId: id, cameraIds: [cameraId], details: { kind: definition.kind, name: definition.name } });
      await this.changed(tx, cam, now);
    });
    this.afterCommit();
    return { ...definition, id, cameraId, createdAt: now, updatedAt: now };
  }

  /** Merges the patch into the rule and validates the result as a whole (so a patch cannot leave a half rule). */
  async updateRule(ctx: ActionContext, ruleId: string, patch: RulePatch): Promise<Rule> {
    const scopes = authorize(ctx, 'rules.manage');
    const now = this.clock.now();
    const updated = await this.store.transaction(async (tx) => {
      const repo = new RulesRepository(tx);
      const cur = await repo.get(ruleId, scopes);
      if (!cur) throw new NotFoundError('rule', ruleId);
      const { id: _i, cameraId, createdAt, updatedAt: _u, owner, district, ...definition } = cur;
      const merged: Record<string, unknown> = { ...definition };
      for (const [k, v] of Object.entries(patch)) {
        if (v === null) delete merged[k]; // null clears an optional field (e.g. a zone's threshold)
        else if (v !== undefined) merged[k] = v;
      }
      const next = parseOrThrow(ruleDefinitionSchema, merged);
      await this.checkUnits(repo, cameraId, next);
      await repo.update(ruleId, next, now);
      const fields = Object.keys(patch);
      await this.audit.record(tx, ctx, { action: 'rule.update', targetType: 'analytics_rule', targetId: ruleId, cameraIds: [cameraId], details: { kind: next.kind, name: next.name, fields } });
      await addEvent(tx, 'analytics.rules_changed', { cameraId, owner, district }, now);
      return { ...next, id: ruleId, cameraId, createdAt, updatedAt: now };
    });
    this.afterCommit();
    return updated;
  }

  async deleteRule(ctx: ActionContext, ruleId: string): Promise<void> {
    const scopes = authorize(ctx, 'rules.manage');
    const now = this.clock.now();
    await this.store.transaction(async (tx) => {
      const repo = new RulesRepository(tx);
      const cur = await repo.get(ruleId, scopes);
      if (!cur) throw new NotFoundError('rule', ruleId);
      await repo.delete(ruleId);
      await this.audit.record(tx, ctx, { action: 'rule.delete', targetType: 'analytics_rule', targetId: ruleId, cameraIds: [cur.cameraId], details: { kind: cur.kind, name: cur.name } });
      await addEvent(tx, 'analytics.rules_changed', { cameraId: cur.cameraId, owner: cur.owner, district: cur.district }, now);
    });
    this.afterCommit();
  }

  // The analytics role's reads (RulesPort of src/analytics/wiring.ts): the system itself, no caller scope.

  /** Cameras whose analytics are switched on. */
  async enabledCameras(): Promise<string[]> {
    return new RulesRepository(this.store.db).enabledCameras();
  }

  /** A camera's settings, or null when never saved. */
  async settings(cameraId: string): Promise<AnalyticsSettings | null> {
    return (await new RulesRepository(this.store.db).settings(cameraId))?.settings ?? null;
  }

  /** A camera's rules (disabled ones included; the engine skips them). */
  async rules(cameraId: string): Promise<EngineRule[]> {
    return new RulesRepository(this.store.db).list(cameraId);
  }

  private async camera(db: Db, cameraId: string, scopes: Scope[]): Promise<Camera> {
    const cam = await new CameraRepository(db).get(cameraId, scopes);
    if (!cam) throw new NotFoundError('camera', cameraId); // out of scope looks exactly like absent
    return cam;
  }

  private async changed(tx: Db, cam: Camera, now: number): Promise<void> {
    await addEvent(tx, 'analytics.rules_changed', { cameraId: cam.id, owner: cam.owner, district: cam.location.district }, now);
  }

  /** A speed in m/s needs the camera's ground calibration. */
  private async checkUnits(repo: RulesRepository, cameraId: string, def: RuleDefinition): Promise<void> {
    if (def.kind !== 'running' || def.unit !== 'm/s') return;
    if ((await repo.settings(cameraId))?.settings.calibration) return;
    throw new ValidationError(`unit: 'm/s' needs the camera's ground calibration; add one (PUT /api/cameras/${cameraId}/analytics, calibration) or use 'image/s'`, { field: 'unit' });
  }

  private view(cameraId: string, saved: { settings: AnalyticsSettings; updatedAt: number } | undefined): AnalyticsView {
    const settings = saved?.settings ?? DEFAULT_SETTINGS;
    return { cameraId, settings, calibration: settings.calibration ? GroundCalibration.fit(settings.calibration.points).report : null, updatedAt: saved?.updatedAt ?? null };
  }
}
