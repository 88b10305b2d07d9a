import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ENGINES, openTestStore, type TestStore } from '../../test/support/engines';
import { CameraRepository, type CameraRow } from '../cameras/camera.repository';
import { OrganisationRepository } from '../organisations/organisation.repository';
import { ruleDefinitionSchema } from './model';
import { RulesRepository } from './rules.repository';
import { box } from './rules.testing';

const NOW = Date.UTC(2026, 10, 24);
const everything = [{ organisations: null, districts: null }];

for (const engine of ENGINES) {
  describe(`rules repository on ${engine}`, () => {
    let ts: TestStore;
    let repo: RulesRepository;

    before(async () => {
      ts = await openTestStore(engine);
      repo = new RulesRepository(ts.store.db);
      for (const org of ['city', 'shop']) {
        await new OrganisationRepository(ts.store.db).upsert({ id: org, name: org, kind: 'department', policy: { liveAllowed: true, playbackAllowed: true, retentionDaysCap: null }, createdAt: NOW, updatedAt: NOW });
      }
      const cam = (id: string, owner: string, district: string): CameraRow => ({
        id, name: id, lat: 22.3, lon: 114.1, district, address: '', owner, source_url: 'rtsp://10.0.0.1/main', sub_url: null, transport: 'tcp', bearing_deg: null, fov_deg: null,
        tags: '[]', live_allowed: 1, playback_allowed: 1, retention_days: null, status: 'online', status_changed_at: null, search_text: id, created_at: NOW, updated_at: NOW,
      });
      await new CameraRepository(ts.store.db).insertMany([cam('c1', 'city', 'Central'), cam('c2', 'city', 'Sha Tin'), cam('s1', 'shop', 'Central')]);
    });
    after(() => ts.cleanup());

    test('settings: upsert replaces, enabled cameras are listed (only those still in the inventory)', async () => {
      assert.equal(await repo.settings('c1'), undefined);
      await repo.putSettings('c1', { enabled: true, masks: [], anpr: false }, NOW);
      await repo.putSettings('c1', { enabled: true, fps: 3, masks: [box(0, 0, 0.2, 0.2)], anpr: false }, NOW + 1);
      assert.deepEqual(await repo.settings('c1'), { settings: { enabled: true, fps: 3, masks: [box(0, 0, 0.2, 0.2)], anpr: false }, updatedAt: NOW + 1 });
      await repo.putSettings('c2', { enabled: false, masks: [], anpr: false }, NOW);
      await repo.putSettings('s1', { enabled: true, masks: [], anpr: false }, NOW);
      await repo.putSettings('gone', { enabled: true, masks: [], anpr: false }, NOW);
      assert.deepEqual(await repo.enabledCameras(), ['c1', 's1']);
    });

    test('rules: list in creation order, count, scoped get with the camera\'s owner and district, update, delete', async () => {
      const zone = ruleDefinitionSchema.parse({ kind: 'zone', name: 'z', polygon: box(0.1, 0.1, 0.5, 0.5) });
      const line = ruleDefinitionSchema.parse({ kind: 'line', name: 'l', line: [[0.5, 0], [0.5, 1]], inSide: 'right', enabled: false });
      await repo.insert({ id: 'r2', cameraId: 'c1', definition: line, at: NOW + 2 });
      await repo.insert({ id: 'r1', cameraId: 'c1', definition: zone, at: NOW + 1 });
      await repo.insert({ id: 'r3', cameraId: 's1', definition: zone, at: NOW });
      assert.deepEqual((await repo.list('c1')).map((r) => [r.id, r.kind, r.enabled]), [['r1', 'zone', true], ['r2', 'line', false]]);
      assert.equal(await repo.count('c1'), 2);
      assert.deepEqual(await repo.get('r1', everything), { ...zone, id: 'r1', cameraId: 'c1', createdAt: NOW + 1, updatedAt: NOW + 1, owner: 'city', district: 'Central' });
      assert.ok(await repo.get('r1', [{ organisations: ['city'], districts: null }]));
      assert.ok(await repo.get('r1', [{ organisations: null, districts: ['Central'] }]));
      assert.equal(await repo.get('r1', [{ organisations: ['shop'], districts: null }]), undefined);
      assert.equal(await repo.get('r1', [{ organisations: ['city'], districts: ['Sha Tin'] }]), undefined);
      assert.equal(await repo.get('r1', []), undefined);
      await repo.update('r1', { ...zone, name: 'renamed', enabled: false }, NOW + 5);
      const r1 = (await repo.get('r1', everything))!;
      assert.deepEqual([r1.name, r1.enabled, r1.createdAt, r1.updatedAt], ['renamed', false, NOW + 1, NOW + 5]);
      await repo.delete('r1');
      assert.equal(await repo.get('r1', everything), undefined);
      assert.equal(await repo.count('c1'), 1);
    });

    test('a stored definition without a field added later reads with its default', async () => {
      await ts.store.db.insertInto('analytics_rules').values({ id: 'old', camera_id: 'c2', definition: JSON.stringify({ kind: 'loitering', name: 'old', polygon: box(0, 0, 1, 1), dwellSec: 20 }), enabled: 1, created_at: NOW, updated_at: NOW }).execute();
      const [old] = await repo.list('c2');
      assert.deepEqual([old!.cooldownSec, old!.severity, old!.schedule], [30, 'medium', []]);
    });
  });
}
