/** Shared set-up of the alerts tests (not used by production code). */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openTestStore } from '../../test/support/engines';
import { createAuditService, type AuditService } from '../app/audit-service';
import type { Grant, Principal } from '../auth/permissions';
import { CameraRepository, searchText } from '../cameras/camera.repository';
import type { ActionContext } from '../core/context';
import { silentLogger } from '../core/logger';
import type { RgbImage } from '../detect/types';
import { SiteKeyring } from '../keys/site-keys';
import { DEFAULT_TOOLS, type MediaTools } from '../media/ffmpeg';
import type { Engine, Store } from '../store/store';
import type { Track, TrackEvent } from '../track/types';
import { AlertService } from './alerts.service';
import { EventSink, type EventSinkOptions } from './event-sink';
import { AnalyticsEventService } from './events.service';
import { SnapshotStore } from './snapshot-store';
import type { RuleHit } from './types';

export const T0 = Date.UTC(2026, 10, 20, 2, 0, 0);

export interface AlertsSite {
  store: Store;
  audit: AuditService;
  dataDir: string;
  snapshots: SnapshotStore;
  clock: { now(): number; set(ms: number): void };
  sink: EventSink;
  alerts: AlertService;
  events: AnalyticsEventService;
  makeSink(opts: EventSinkOptions, tools?: MediaTools): EventSink;
  cleanup(): Promise<void>;
}

export function principal(username: string, grants: Grant[]): Principal {
  return { userId: `id-${username}`, username, displayName: username, grants, via: 'session' };
}

export const ctx = (p: Principal): ActionContext => ({ principal: p, ip: '10.0.0.7', requestId: 'req-alerts' });

/** Cameras: p-1, p-2 (police, Wan Chai), h-1 (housing, Sha Tin). */
export async function openAlertsSite(engine: Engine): Promise<AlertsSite> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sv-alerts-'));
  const ts = await openTestStore(engine);
  const store = ts.store;
  let nowMs = T0;
  const clock = { now: () => nowMs, set: (ms: number) => void (nowMs = ms) };
  const audit = createAuditService({ store, keyring: new SiteKeyring(path.join(dataDir, 'keys')), node: 'test', partition: 'month', clock });
  const cams = [['p-1', 'police', 'Wan Chai'], ['p-2', 'police', 'Wan Chai'], ['h-1', 'housing', 'Sha Tin']] as const;
  await store.db
    .insertInto('organisations')
    .values(['police', 'housing'].map((id) => ({ id, name: id, kind: 'department', live_allowed: 1, playback_allowed: 1, retention_days_cap: null, created_at: T0, updated_at: T0 })))
    .execute();
  await new CameraRepository(store.db).insertMany(
    cams.map(([id, owner, district]) => ({
      id, name: id, lat: 22.3, lon: 114.2, district, address: '', owner, source_url: 'rtsp://10.0.0.1/s', sub_url: null, transport: 'tcp', bearing_deg: null, fov_deg: null,
      tags: '[]', live_allowed: 1, playback_allowed: 1, retention_days: null, status: 'unknown', status_changed_at: null,
      search_text: searchText({ id, name: id, address: '', district, tags: [] }), created_at: T0, updated_at: T0,
    })),
  );
  const snapshots = new SnapshotStore(path.join(dataDir, 'snapshots'), silentLogger());
  const makeSink = (opts: EventSinkOptions, tools: MediaTools = DEFAULT_TOOLS) => new EventSink({ store, clock, log: silentLogger(), tools, snapshots }, opts);
  return {
    store, audit, dataDir, snapshots, clock, makeSink,
    sink: makeSink({}),
    alerts: new AlertService(store, audit, clock),
    events: new AnalyticsEventService(store, snapshots),
    async cleanup() {
      await ts.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A small test picture: a bright square on a dark background. */
export function testImage(width = 160, height = 120): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const on = x > width / 4 && x < (3 * width) / 4 && y > height / 4 && y < (3 * height) / 4;
      const i = (y * width + x) * 3;
      data[i] = on ? 240 : 20;
      data[i + 1] = on ? 200 : 30;
      data[i + 2] = on ? 40 : 60;
    }
  }
  return { width, height, data };
}

export function track(id: number, firstMs: number, lastMs = firstMs, label = 'person'): Track {
  return { id, label, state: 'confirmed', box: [10, 20, 30, 60], score: 0.87, firstMs, lastMs, hits: 5, trail: [] };
}

export const trackEvent = (type: TrackEvent['type'], t: Track): TrackEvent => ({ type, track: t });

export function hit(o: Partial<RuleHit> & { tMs: number }): RuleHit {
  return {
    ruleId: 'r-gate', ruleName: 'Gate zone', kind: 'zone', trackId: 1, label: 'person', severity: 'high', alert: true,
    detail: { kind: 'zone', event: 'enter', count: 1 }, ...o,
  } as RuleHit;
}
