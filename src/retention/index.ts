/**
 * Retention and legal hold of recordings (docs/design/recording.md, "Retention").
 *
 * The contract with the recorder is `StorageGate`: before opening a new segment on a storage the
 * recorder asks `paused(storageId)`; while it is true the recorder writes nothing there and keeps a
 * gap open with reason `state.reason` ('storage_full_held' or 'storage_full'). `onChange` tells it
 * when to stop and when to start again (the sweep resumes a storage by itself once space was added
 * or holds were released).
 */
export type PauseReason = 'storage_full_held' | 'storage_full';

/** What the last sweep found on one storage of this node. */
export interface StorageState {
  storage: string;
  paused: boolean;
  /** Why recording is paused (null while recording may continue). */
  reason: PauseReason | null;
  /** When the pause began (UTC ms), null when not paused. */
  since: number | null;
  /** Free bytes reported by the file system, null if it could not be read. */
  freeBytes: number | null;
  /** Bytes of recordings indexed on this storage (this node). */
  usedBytes: number;
  /** Of which under an active legal hold (computed while paused). */
  heldBytes: number;
  quotaBytes: number | null;
  minFreeBytes: number;
  checkedAt: number;
}

export interface StorageGate {
  /** True while recording on `storageId` must pause. Cheap: an in-memory lookup. */
  paused(storageId: string): boolean;
  /** Called after every change of a storage's paused flag; returns the unsubscribe function. */
  onChange(cb: (state: StorageState) => void): () => void;
  /** The state of every storage seen so far (for the health API). */
  states(): StorageState[];
}

export { StorageGateStore } from './gate';
export { HoldService } from './hold.service';
export { holdInputSchema, holdSchema, type Hold, type HoldInput } from './hold.model';
export { RetentionSweeper, type SweepSummary } from './sweeper';
export { RetentionService, type DeletionCertificate } from './retention.service';
export { storageRoots, statfsFreeSpace, type FreeSpace, type StorageRoot } from './storages';
export { createRetention, type Retention } from './wiring';
