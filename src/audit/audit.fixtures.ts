/** Shared set-up of the audit contract tests (not used by production code). */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openTestStore, type TestStore } from '../../test/support/engines';
import { SiteKeyring } from '../keys/site-keys';
import type { Db, Engine } from '../store/store';
import { AuditLog, type PartitionMode } from './index';
import type { AppendedRecord, AuditEntry, VerifyResult } from './types';

export interface AuditFixture {
  ts: TestStore;
  db: Db;
  keyring: SiteKeyring;
  dir: string;
  clock: { t: number; now(): number };
  log: AuditLog;
  cleanup(): Promise<void>;
}

export const utc = (iso: string): number => Date.parse(iso);

export async function openAuditFixture(engine: Engine, partition: PartitionMode = 'month'): Promise<AuditFixture> {
  const ts = await openTestStore(engine);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sv-audit-'));
  const keyring = new SiteKeyring(path.join(dir, 'keys'));
  const clock = { t: utc('2027-06-01T00:00:00Z'), now(): number { return this.t; } };
  const log = new AuditLog({ node: 'site-1', partition, keyring, clock });
  return {
    ts, db: ts.store.db, keyring, dir, clock, log,
    async cleanup() {
      await ts.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Appends one record in its own transaction, at the given UTC time. */
export function add(f: AuditFixture, at: string | number, extra: Partial<AuditEntry> = {}): Promise<AppendedRecord> {
  const entry: AuditEntry = {
    actor: { id: 'u-1', name: 'alice' },
    action: 'camera.view_live',
    target: { type: 'camera', id: 'cam-1' },
    cameraIds: ['cam-1'],
    ip: '10.0.0.1',
    details: { n: typeof at === 'number' ? at : utc(at) },
    ...extra,
    at: typeof at === 'number' ? at : utc(at),
  };
  return f.ts.store.transaction((tx) => f.log.append(tx, entry));
}

/** `n` records in month 'YYYY-MM', one hour apart from the 2nd, 00:00 UTC. */
export async function addMonth(f: AuditFixture, month: string, n: number): Promise<AppendedRecord[]> {
  const out: AppendedRecord[] = [];
  const start = utc(`${month}-02T00:00:00Z`);
  for (let i = 0; i < n; i++) out.push(await add(f, start + i * 3_600_000));
  return out;
}

/** Problems as 'kind@chain#seq' for compact assertions. */
export function kinds(r: VerifyResult): string[] {
  return r.problems.map((p) => `${p.kind}@${p.chain}${p.chainSeq === undefined ? '' : `#${p.chainSeq}`}`);
}
