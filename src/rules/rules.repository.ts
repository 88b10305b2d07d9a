import type { Scope } from '../auth/permissions';
import { scopeCondition } from '../cameras/camera.repository';
import type { Database } from '../store/schema';
import type { Db } from '../store/store';
import { analyticsSettingsSchema, ruleDefinitionSchema, type AnalyticsSettings, type Rule, type RuleDefinition } from './model';

type RuleRow = Database['analytics_rules'];

/** Rows were validated when written; parsing again fills defaults added to the schema since. */
function toRule(r: RuleRow): Rule {
  const def = ruleDefinitionSchema.parse({ ...(JSON.parse(r.definition) as object), enabled: r.enabled === 1 });
  return { ...def, id: r.id, cameraId: r.camera_id, createdAt: r.created_at, updatedAt: r.updated_at };
}

/** The definition as stored: everything but `enabled`, which has its own column. */
export function definitionJson(def: RuleDefinition): string {
  const { enabled: _e, ...rest } = def;
  return JSON.stringify(rest);
}

/** Per-camera analytics settings (`camera_analytics`) and rules (`analytics_rules`). */
export class RulesRepository {
  constructor(private readonly db: Db) {}

  async settings(cameraId: string): Promise<{ settings: AnalyticsSettings; updatedAt: number } | undefined> {
    const r = await this.db.selectFrom('camera_analytics').select(['settings', 'updated_at']).where('camera_id', '=', cameraId).executeTakeFirst();
    return r ? { settings: analyticsSettingsSchema.parse(JSON.parse(r.settings)), updatedAt: r.updated_at } : undefined;
  }

  async putSettings(cameraId: string, settings: AnalyticsSettings, at: number): Promise<void> {
    const row = { camera_id: cameraId, enabled: settings.enabled ? 1 : 0, settings: JSON.stringify(settings), updated_at: at };
    await this.db
      .insertInto('camera_analytics')
      .values(row)
      .onConflict((oc) => oc.column('camera_id').doUpdateSet((eb) => ({ enabled: eb.ref('excluded.enabled'), settings: eb.ref('excluded.settings'), updated_at: eb.ref('excluded.updated_at') })))
      .execute();
  }

  /** Cameras (still in the inventory) whose analytics are switched on, by id. */
  async enabledCameras(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('camera_analytics')
      .innerJoin('cameras', 'cameras.id', 'camera_analytics.camera_id')
      .select('camera_analytics.camera_id')
      .where('camera_analytics.enabled', '=', 1)
      .orderBy('camera_analytics.camera_id')
      .execute();
    return rows.map((r) => r.camera_id);
  }

  /** A camera's rules, oldest first. */
  async list(cameraId: string): Promise<Rule[]> {
    const rows = await this.db.selectFrom('analytics_rules').selectAll().where('camera_id', '=', cameraId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toRule);
  }

  async count(cameraId: string): Promise<number> {
    const r = await this.db.selectFrom('analytics_rules').select((eb) => eb.fn.countAll<number>().as('n')).where('camera_id', '=', cameraId).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** One rule with its camera's owner and district, only if the camera is inside `scopes` (out of scope = absent). */
  async get(id: string, scopes: Scope[]): Promise<(Rule & { owner: string; district: string }) | undefined> {
    const r = await this.db
      .selectFrom('analytics_rules')
      .innerJoin('cameras', 'cameras.id', 'analytics_rules.camera_id')
      .selectAll('analytics_rules')
      .select(['cameras.owner', 'cameras.district'])
      .where('analytics_rules.id', '=', id)
      .where((eb) => scopeCondition(eb as never, scopes))
      .executeTakeFirst();
    return r ? { ...toRule(r), owner: r.owner, district: r.district } : undefined;
  }

  async insert(rule: { id: string; cameraId: string; definition: RuleDefinition; at: number }): Promise<void> {
    await this.db
      .insertInto('analytics_rules')
      .values({ id: rule.id, camera_id: rule.cameraId, definition: definitionJson(rule.definition), enabled: rule.definition.enabled ? 1 : 0, created_at: rule.at, updated_at: rule.at })
      .execute();
  }

  async update(id: string, definition: RuleDefinition, at: number): Promise<void> {
    await this.db.updateTable('analytics_rules').set({ definition: definitionJson(definition), enabled: definition.enabled ? 1 : 0, updated_at: at }).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('analytics_rules').where('id', '=', id).execute();
  }
}
