/** Shared set-up of the cases and search tests (not used by production code). */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openTestStore } from '../../test/support/engines';
import { createAuditService, type AuditService } from '../app/audit-service';
import type { Grant, Principal } from '../auth/permissions';
import { UserRepository } from '../auth/user.repository';
import { CameraRepository, searchText } from '../cameras/camera.repository';
import { CaseService } from '../cases/cases.service';
import type { ActionContext } from '../core/context';
import { silentLogger } from '../core/logger';
import type { RgbImage } from '../detect/types';
import { SiteKeyring } from '../keys/site-keys';
import { DEFAULT_TOOLS } from '../media/ffmpeg';
import { descriptorEmbedder } from '../reid/descriptor';
import type { Engine, Store } from '../store/store';
import type { Track } from '../track/types';
import { TrackIndexer } from './indexer';
import { JourneyService } from './journey.service';
import { SearchService } from './search.service';

export const T0 = Date.UTC(2026, 10, 20, 2, 0, 0);

/** Cameras along a street, 200 m apart (p-1 → p-2 → p-3), and one across the harbour (far, 5 km); h-1 is housing's. */
export const CAMERAS = [
  { id: 'p-1', owner: 'police', district: 'Wan Chai', lat: 22.2800, lon: 114.1700 },
  { id: 'p-2', owner: 'police', district: 'Wan Chai', lat: 22.2818, lon: 114.1700 },
  { id: 'p-3', owner: 'police', district: 'Wan Chai', lat: 22.2836, lon: 114.1700 },
  { id: 'p-far', owner: 'police', district: 'Sham Shui Po', lat: 22.3250, lon: 114.1700 },
  { id: 'h-1', owner: 'housing', district: 'Sha Tin', lat: 22.3800, lon: 114.1900 },
] as const;

export function principal(username: string, grants: Grant[]): Principal {
  return { userId: `id-${username}`, username, displayName: username, grants, via: 'session' };
}
export const as = (p: Principal, caseRef?: string): ActionContext => ({ principal: p, ip: '10.0.0.7', requestId: 'req-search', caseRef });

export const investigator = principal('ivy', [{ role: 'investigator', organisations: null, districts: null }]);
export const colleague = principal('carl', [{ role: 'investigator', organisations: null, districts: null }]);
export const outsider = principal('otto', [{ role: 'investigator', organisations: null, districts: null }]);
export const housingInvestigator = principal('hana', [{ role: 'investigator', organisations: ['housing'], districts: null }]);
export const viewer = principal('vic', [{ role: 'viewer', organisations: null, districts: null }]);

/** A person crop: `top` over the upper half, `bottom` over the lower, with a little noise. */
export function personCrop(top: [number, number, number], bottom: [number, number, number], seed = 1, w = 40, h = 100): RgbImage {
  const data = new Uint8Array(w * h * 3);
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff - 0.5) * 16;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const c = y < h / 2 ? top : bottom;
      for (let k = 0; k < 3; k++) data[(y * w + x) * 3 + k] = Math.max(0, Math.min(255, Math.round(c[k]! + rnd())));
    }
  }
  return { width: w, height: h, data };
}

/** A finished track moving right across the picture from `firstMs` to `lastMs`. */
export function track(id: number, label: string, firstMs: number, lastMs: number): Track {
  return {
    id, label, state: 'lost', box: [100, 50, 40, 100], score: 0.9, firstMs, lastMs, hits: 10,
    trail: [{ tMs: firstMs, x: 20, y: 100 }, { tMs: lastMs, x: 300, y: 110 }],
  };
}

export interface SearchSite {
  store: Store;
  audit: AuditService;
  clock: { now(): number; set(ms: number): void };
  cases: CaseService;
  indexer: TrackIndexer;
  search: SearchService;
  journeys: JourneyService;
  cleanup(): Promise<void>;
}

export async function openSearchSite(engine: Engine): Promise<SearchSite> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sv-search-'));
  const ts = await openTestStore(engine);
  const store = ts.store;
  let nowMs = T0;
  const clock = { now: () => nowMs, set: (ms: number) => void (nowMs = ms) };
  const audit = createAuditService({ store, keyring: new SiteKeyring(path.join(dataDir, 'keys')), node: 'test', partition: 'month', clock });
  await store.db.insertInto('organisations')
    .values(['police', 'housing'].map((id) => ({ id, name: id, kind: 'department', live_allowed: 1, playback_allowed: 1, retention_days_cap: null, created_at: T0, updated_at: T0 })))
    .execute();
  await new CameraRepository(store.db).insertMany(CAMERAS.map((c) => ({
    id: c.id, name: c.id, lat: c.lat, lon: c.lon, district: c.district, address: '', owner: c.owner, source_url: 'rtsp://10.0.0.1/s', sub_url: null, transport: 'tcp',
    bearing_deg: null, fov_deg: null, tags: '[]', live_allowed: 1, playback_allowed: 1, retention_days: null, status: 'unknown', status_changed_at: null,
    search_text: searchText({ id: c.id, name: c.id, address: '', district: c.district, tags: [] }), created_at: T0, updated_at: T0,
  })));
  const users = new UserRepository(store.db);
  for (const p of [investigator, colleague, outsider, housingInvestigator, viewer]) {
    await users.insert({ id: p.userId, username: p.username, displayName: p.username, passwordHash: 'x', passwordExpiresAt: null, disabled: false, createdAt: T0, updatedAt: T0, lastLoginAt: null });
  }
  const log = silentLogger();
  const cases = new CaseService(store, audit, clock, log);
  const embedder = async () => descriptorEmbedder;
  const indexer = new TrackIndexer({ store, tools: DEFAULT_TOOLS, log, embedder, cropRoot: path.join(dataDir, 'crops'), minHits: 3 });
  const search = new SearchService({ store, audit, cases, tools: DEFAULT_TOOLS, embedder, readCrop: (rel, id) => indexer.readCrop(rel, id) });
  const journeys = new JourneyService({ store, audit, cases, clock, walkingSpeedMs: 2.5, drivingSpeedMs: 25 });
  return {
    store, audit, clock, cases, indexer, search, journeys,
    async cleanup() {
      await indexer.idle();
      await ts.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const RED: [number, number, number] = [200, 30, 30];
export const BLUE: [number, number, number] = [30, 40, 190];
export const BLACK: [number, number, number] = [15, 15, 15];
export const WHITE: [number, number, number] = [235, 235, 235];
export const GREEN: [number, number, number] = [40, 170, 50];
