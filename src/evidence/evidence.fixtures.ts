/** Shared set-up of the evidence tests and benchmark (not used by production code). */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openTestStore } from '../../test/support/engines';
import { makeTestClip } from '../../test/support/media';
import { openSmartView, type SmartView } from '../app/app';
import type { Grant, Principal } from '../auth/permissions';
import { MemoryBus } from '../bus/memory';
import { parseConfig } from '../config/load';
import { silentLogger } from '../core/logger';
import { segmentRelPath } from '../record/layout';
import { SegmentRepository, type NewSegment, type Segment } from '../record/segment.repository';
import type { Db, Engine } from '../store/store';
import { sha256File } from './bundle';

export interface FootageOptions {
  /** Segments to lay out, back to back. */
  count: number;
  seconds?: number;
  width?: number;
  height?: number;
  fps?: number;
  storage?: string;
  /** Reuse one generated clip for every segment (fast; the benchmark's 60 segments). */
  template?: string;
  /** Leave out these segment indexes (a recording gap). */
  skip?: number[];
}

/**
 * Real MPEG-TS segments (H.264, keyframe every second) laid out like the recorder does
 * (<root>/<camera>/<YYYY>/<MM>/<DD>/<HH>/<startMs>.ts) and indexed with SegmentRepository.
 */
export async function seedFootage(db: Db, storageRoot: string, cameraId: string, startMs: number, o: FootageOptions): Promise<Segment[]> {
  const seconds = o.seconds ?? 10;
  const rows: NewSegment[] = [];
  for (let i = 0; i < o.count; i++) {
    if (o.skip?.includes(i)) continue;
    const s = startMs + i * seconds * 1000;
    const rel = segmentRelPath(cameraId, s);
    const file = path.join(storageRoot, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    if (o.template) copyFileSync(o.template, file);
    else makeTestClip(file, { seconds, width: o.width ?? 320, height: o.height ?? 180, fps: o.fps ?? 25, gopSeconds: 1, format: 'ts' });
    rows.push({
      cameraId, node: 'test', storage: o.storage ?? 'local', path: rel, startMs: s, endMs: s + seconds * 1000, bytes: statSync(file).size,
      codec: 'h264', width: o.width ?? 320, height: o.height ?? 180, keyframes: Array.from({ length: seconds }, (_, k) => k * 1000),
      sha256: (await sha256File(file)).sha256, status: 'ok', createdAt: s + seconds * 1000,
    });
  }
  const repo = new SegmentRepository(db);
  await repo.insertMany(rows);
  return repo.inRange(cameraId, startMs, startMs + o.count * seconds * 1000);
}

/** 2026-03-02 09:00:00 HKT: a fixed, whole-minute start for recorded test footage. */
export const T0 = Date.UTC(2026, 2, 2, 1, 0, 0);

/** A whole site (openSmartView) on a fresh store and data dir, with cameras of two owners. */
export interface EvidenceSite {
  sv: SmartView;
  dataDir: string;
  storageRoot: string;
  cleanup(): Promise<void>;
}

export function principal(username: string, grants: Grant[]): Principal {
  return { userId: `id-${username}`, username, displayName: username.toUpperCase(), grants, via: 'session' };
}

export async function openEvidenceSite(engine: Engine): Promise<EvidenceSite> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sv-evidence-'));
  const pg = engine === 'postgres' ? await openTestStore('postgres') : undefined;
  if (pg) await pg.store.close();
  const config = parseConfig({ dataDir, store: pg ? { engine: 'postgres', postgresUrl: pg.url } : { engine: 'sqlite' }, log: { level: 'silent' } });
  const sv = await openSmartView(config, silentLogger(), { busOverride: new MemoryBus() });
  const sys = { principal: null, ip: null };
  await sv.orgs.ensureDefault();
  await sv.orgs.upsert(sys, { id: 'housing', name: 'Housing', kind: 'department', policy: { liveAllowed: true, playbackAllowed: false, retentionDaysCap: null } });
  const cam = (id: string, owner: string, district: string) =>
    sv.cameras.create(sys, { id, name: `Camera ${id}`, owner, location: { lat: 22.28, lon: 114.17, district, address: '' }, source: { url: `rtsp://10.0.0.1/${id}`, transport: 'auto' }, tags: [] });
  await cam('cam-1', 'police', 'Central');
  await cam('cam-2', 'police', 'Wan Chai');
  await cam('cam-h', 'housing', 'Central');
  return {
    sv,
    dataDir,
    storageRoot: path.join(dataDir, 'recordings'),
    async cleanup() {
      await sv.close();
      await pg?.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
