import type { EpochMs } from '../core/time';

/**
 * Domain events published on the bus. Written to the outbox in the same transaction as the change
 * and relayed after commit (`src/store/outbox-relay.ts`), so a crash cannot lose them.
 * Every event names the cameras it concerns so subscribers can filter by the viewer's scope.
 */
export interface DomainEventMap {
  'camera.created': { cameraId: string; owner: string; district: string };
  'camera.updated': { cameraId: string; owner: string; district: string; fields: string[] };
  'camera.deleted': { cameraId: string; owner: string; district: string };
  'camera.imported': { count: number; owners: string[]; districts: string[] };
  'camera.status_changed': { cameraId: string; owner: string; district: string; status: string; previous: string; at: EpochMs; reason?: string };
  /** Tamper flags of a camera rose or cleared (src/health): `flags` = all raised now; reason 'reference_reset' = an operator reset the reference view. */
  'camera.tamper_changed': { cameraId: string; owner: string; district: string; flags: string[]; raised: string[]; cleared: string[]; at: EpochMs; reason: 'sample' | 'reference_reset' };
  /**
   * Legal holds (src/retention). Deliberately without owner/district, so they never reach browsers
   * (a hold is visible with 'hold.read' only), and without the case reference (audit trail only).
   */
  'hold.placed': { holdId: number; cameraId: string; startMs: EpochMs; endMs: EpochMs };
  'hold.released': { holdId: number; cameraId: string };
  /** A storage is short of space and only held (or no) footage is left: recording on it pauses. Not scoped: for operators and health. */
  'storage.critical': { storage: string; node: string; reason: string; freeBytes: number | null; usedBytes: number; heldBytes: number; quotaBytes: number | null; minFreeBytes: number };
  'storage.resumed': { storage: string; node: string; freeBytes: number | null; usedBytes: number };
}

export type DomainEventName = keyof DomainEventMap;

export interface DomainEvent<K extends DomainEventName = DomainEventName> {
  id: string;
  name: K;
  data: DomainEventMap[K];
  at: EpochMs;
}
