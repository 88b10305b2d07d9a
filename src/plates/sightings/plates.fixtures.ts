/** Shared set-up of the sightings, search and hotlist tests (not used by production code). */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openTestStore } from '../../../test/support/engines';
import { prng } from '../../../test/support/prng';
import { EventSink } from '../../alerts/event-sink';
import { AlertService } from '../../alerts/alerts.service';
import { SnapshotStore } from '../../alerts/snapshot-store';
import { createAuditService, type AuditService } from '../../app/audit-service';
import type { Grant, Principal } from '../../auth/permissions';
import { MemoryBus } from '../../bus/memory';
import { CameraRepository, searchText } from '../../cameras/camera.repository';
import type { ActionContext } from '../../core/context';
import { silentLogger } from '../../core/logger';
import { SiteKeyring } from '../../keys/site-keys';
import { DEFAULT_TOOLS } from '../../media/ffmpeg';
import type { Engine, Store } from '../../store/store';
import { createPlates, type PlatesRuntime } from './wiring';

export const T0 = Date.UTC(2026, 10, 20, 2, 0, 0);

/** id, owner, district, lat, lon */
export const CAMERAS = [
  ['k-1', 'police', 'Kowloon City', 22.33, 114.19],
  ['k-2', 'police', 'Wan Chai', 22.28, 114.17],
  ['h-1', 'housing', 'Sha Tin', 22.38, 114.19],
] as const;

export interface PlatesSite {
  store: Store;
  audit: AuditService;
  bus: MemoryBus;
  clock: { now(): number; set(ms: number): void };
  plates: PlatesRuntime;
  sink: EventSink;
  alerts: AlertService;
  dataDir: string;
  cleanup(): Promise<void>;
}

export function principal(username: string, grants: Grant[]): Principal {
  return { userId: `id-${username}`, username, displayName: username, grants, via: 'session' };
}

export const ctx = (p: Principal, extra: Partial<ActionContext> = {}): ActionContext => ({ principal: p, ip: '10.0.0.9', requestId: 'req-plates', ...extra });

export async function openPlatesSite(engine: Engine): Promise<PlatesSite> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sv-plates-'));
  const ts = await openTestStore(engine);
  const store = ts.store;
  let nowMs = T0;
  const clock = { now: () => nowMs, set: (ms: number) => void (nowMs = ms) };
  const audit = createAuditService({ store, keyring: new SiteKeyring(path.join(dataDir, 'keys')), node: 'test', partition: 'month', clock });
  await store.db
    .insertInto('organisations')
    .values(['police', 'housing'].map((id) => ({ id, name: id, kind: 'department', live_allowed: 1, playback_allowed: 1, retention_days_cap: null, created_at: T0, updated_at: T0 })))
    .execute();
  await new CameraRepository(store.db).insertMany(
    CAMERAS.map(([id, owner, district, lat, lon]) => ({
      id, name: id, lat, lon, district, address: '', owner, source_url: 'rtsp://10.0.0.1/s', sub_url: null, transport: 'tcp', bearing_deg: null, fov_deg: null,
      tags: '[]', live_allowed: 1, playback_allowed: 1, retention_days: null, status: 'unknown', status_changed_at: null,
      search_text: searchText({ id, name: id, address: '', district, tags: [] }), created_at: T0, updated_at: T0,
    })),
  );
  const bus = new MemoryBus();
  const sink = new EventSink({ store, clock, log: silentLogger(), tools: DEFAULT_TOOLS, snapshots: new SnapshotStore(path.join(dataDir, 'snapshots'), silentLogger()) });
  const plates = createPlates({ dataDir, store, bus, audit, clock, log: silentLogger(), eventSink: sink, afterCommit: () => undefined });
  await plates.start();
  return {
    store, audit, bus, clock, plates, sink, dataDir,
    alerts: new AlertService(store, audit, clock),
    async cleanup() {
      await plates.stop();
      await bus.close();
      await ts.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Random plates over a small alphabet heavy in confusables (so fuzzy neighbours are common):
 * 1–2 letters and 1–4 digits, some personalised-like all-letter strings.
 */
export function randomPlates(n: number, seed: number): string[] {
  const r = prng(seed);
  const L = 'ABDEHKSZ';
  const D = '0125789';
  const pick = (s: string) => s[Math.floor(r() * s.length)]!;
  return Array.from({ length: n }, () => {
    if (r() < 0.1) return Array.from({ length: 3 + Math.floor(r() * 3) }, () => pick(L)).join('');
    const letters = Array.from({ length: 1 + Math.floor(r() * 2) }, () => pick(L)).join('');
    return letters + pick('125789') + Array.from({ length: Math.floor(r() * 3) }, () => pick(D)).join('');
  });
}
