/** Shared set-up of the retention tests (not used by production code). */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { openTestStore, type TestStore } from '../../test/support/engines';
import { makeTestClip } from '../../test/support/media';
import { createAuditService, type AuditService } from '../app/audit-service';
import type { Principal } from '../auth/permissions';
import { CameraRepository, type CameraRow } from '../cameras/camera.repository';
import type { Logger } from '../core/logger';
import { SiteKeyring } from '../keys/site-keys';
import { OrganisationRepository } from '../organisations/organisation.repository';
import { segmentRelPath } from '../record/layout';
import { SegmentRepository } from '../record/segment.repository';
import type { Engine, Store } from '../store/store';
import { StorageGateStore } from './gate';
import { HoldService } from './hold.service';
import { RetentionSweeper, type SweeperOptions } from './sweeper';

export const DAY = 86_400_000;
export const NOW = Date.parse('2026-03-31T12:00:00Z');
export const NODE = 'site-1';

let clip: { file: string; bytes: number; sha256: string } | undefined;

/** One real ~1 s MPEG-TS segment (160×90), generated once per test process and copied for every segment. */
export function testSegment(): { file: string; bytes: number; sha256: string } {
  if (!clip) {
    const file = makeTestClip(path.join(mkdtempSync(path.join(os.tmpdir(), 'sv-ret-clip-')), 'seg.ts'), { seconds: 1, width: 160, height: 90, fps: 10, format: 'ts' });
    clip = { file, bytes: statSync(file).size, sha256: createHash('sha256').update(readFileSync(file)).digest('hex') };
  }
  return clip;
}

export interface LogLine {
  level: number;
  msg: string;
  [k: string]: unknown;
}

export interface RetentionFixture {
  ts: TestStore;
  store: Store;
  dir: string;
  /** Root of storage 'local'. */
  root: string;
  clock: { t: number; now(): number };
  /** Injected free-space reading of every storage (bytes); null = plenty. */
  free: { bytes: number | null };
  gate: StorageGateStore;
  audit: AuditService;
  logs: LogLine[];
  log: Logger;
  sweeper(over?: Partial<SweeperOptions>): RetentionSweeper;
  holds(afterRelease?: () => void): HoldService;
  addOrg(id: string, cap: number | null): Promise<void>;
  addCamera(id: string, owner: string, retentionDays: number | null, district?: string): Promise<void>;
  /** Copies the test segment to <root>/<segmentRelPath> for each start and indexes it; returns the relative paths. */
  addSegments(cameraId: string, starts: number[], o?: { storage?: string; root?: string; node?: string }): Promise<string[]>;
  /** Paths still indexed, oldest first. */
  indexed(cameraId?: string): Promise<string[]>;
  onDisk(rel: string, root?: string): boolean;
  cleanup(): Promise<void>;
}

const TABLES = ['segments', 'legal_holds', 'retention_deletions', 'outbox', 'camera_credentials', 'cameras', 'organisations'] as const;

/**
 * A fresh fixture: its own directories, and either its own store or `shared` (a store opened once
 * per suite, emptied of retention's tables here: creating a PostgreSQL database per test is slow).
 */
export async function openRetentionFixture(engine: Engine, shared?: TestStore): Promise<RetentionFixture> {
  const ts = shared ?? (await openTestStore(engine));
  if (shared) for (const t of TABLES) await ts.store.db.deleteFrom(t).execute();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-ret-'));
  const root = path.join(dir, 'recordings');
  mkdirSync(root, { recursive: true });
  const clock = { t: NOW, now(): number { return this.t; } };
  const free = { bytes: null as number | null };
  const logs: LogLine[] = [];
  const log = pino({ level: 'debug' }, new Writable({ write(chunk, _enc, cb) { logs.push(JSON.parse(String(chunk)) as LogLine); cb(); } }));
  const gate = new StorageGateStore(StorageGateStore.fileIn(dir), log);
  const audit = createAuditService({ store: ts.store, keyring: new SiteKeyring(path.join(dir, 'keys')), node: NODE, partition: 'month', clock });
  const seg = testSegment();
  const f: RetentionFixture = {
    ts, store: ts.store, dir, root, clock, free, gate, audit, logs, log,
    sweeper: (over = {}) =>
      new RetentionSweeper({
        store: ts.store, log, clock, gate, node: NODE, storages: [{ id: 'local', root, quotaBytes: null }], defaultDays: 10, emergencyMinFreeBytes: 1_000_000,
        freeSpace: async () => free.bytes ?? 1e12, ...over,
      }),
    holds: (afterRelease) => new HoldService(ts.store, audit, clock, undefined, afterRelease),
    async addOrg(id, cap) {
      await new OrganisationRepository(ts.store.db).upsert({ id, name: id, kind: 'department', policy: { liveAllowed: true, playbackAllowed: true, retentionDaysCap: cap }, createdAt: NOW, updatedAt: NOW });
    },
    async addCamera(id, owner, retentionDays, district = 'Central') {
      if (!(await new OrganisationRepository(ts.store.db).get(owner))) await f.addOrg(owner, null);
      const row: CameraRow = {
        id, name: id, lat: 22.3, lon: 114.1, district, address: '', owner, source_url: 'rtsp://10.0.0.1/main', sub_url: null, transport: 'tcp', bearing_deg: null, fov_deg: null,
        tags: '[]', live_allowed: 1, playback_allowed: 1, retention_days: retentionDays, status: 'online', status_changed_at: null, search_text: id, created_at: NOW, updated_at: NOW,
      };
      await new CameraRepository(ts.store.db).insertMany([row]);
    },
    async addSegments(cameraId, starts, o = {}) {
      const base = o.root ?? root;
      const rels = starts.map((s) => segmentRelPath(cameraId, s));
      for (const rel of rels) {
        mkdirSync(path.dirname(path.join(base, rel)), { recursive: true });
        copyFileSync(seg.file, path.join(base, rel));
      }
      await new SegmentRepository(ts.store.db).insertMany(
        starts.map((s, i) => ({
          cameraId, node: o.node ?? NODE, storage: o.storage ?? 'local', path: rels[i]!, startMs: s, endMs: s + 1000, bytes: seg.bytes, codec: 'h264', width: 160, height: 90,
          keyframes: [0], sha256: seg.sha256, status: 'ok', createdAt: s + 1000,
        })),
      );
      return rels;
    },
    async indexed(cameraId) {
      let q = ts.store.db.selectFrom('segments').select('path').orderBy('start_ms').orderBy('id');
      if (cameraId) q = q.where('camera_id', '=', cameraId);
      return (await q.execute()).map((r) => r.path);
    },
    onDisk: (rel, r = root) => existsSync(path.join(r, rel)),
    async cleanup() {
      if (!shared) await ts.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return f;
}

/** A user holding `role` limited to `organisations` (null = all). */
export function principal(role: Principal['grants'][number]['role'], organisations: string[] | null = null): Principal {
  return { userId: `u-${role}`, username: `${role}-user`, displayName: role, grants: [{ role, organisations, districts: null }], via: 'token' };
}

/** `n` starts `stepMs` apart, the first `ageMs` before NOW. */
export function startsAgo(ageMs: number, n: number, stepMs = 10_000): number[] {
  return Array.from({ length: n }, (_, i) => NOW - ageMs + i * stepMs);
}
