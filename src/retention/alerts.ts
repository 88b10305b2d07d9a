import type { Logger } from '../core/logger';
import { addEvent } from '../events/outbox';
import type { Store } from '../store/store';
import type { StorageState } from './index';

interface AlertDeps {
  store: Store;
  log: Logger;
  node: string;
  afterCommit?: () => void;
}

/** A storage just paused: the domain event `storage.critical` (outbox) and an error log saying what to do. */
export async function raiseCritical(d: AlertDeps, st: StorageState): Promise<void> {
  const data = { storage: st.storage, node: d.node, reason: st.reason ?? 'storage_full', freeBytes: st.freeBytes, usedBytes: st.usedBytes, heldBytes: st.heldBytes, quotaBytes: st.quotaBytes, minFreeBytes: st.minFreeBytes };
  await d.store.transaction((tx) => addEvent(tx, 'storage.critical', data, st.checkedAt));
  d.afterCommit?.();
  const what = st.reason === 'storage_full_held' ? 'only footage under legal hold is left' : 'nothing deletable is left';
  d.log.error(
    data,
    `CRITICAL: storage '${st.storage}' is short of space and ${what}: recording on it is PAUSED. Add disk space or raise recording.storages[].quotaBytes, or release holds that are no longer needed (smartview holds list --active); recording resumes by itself.`,
  );
}

/** A paused storage has space again: `storage.resumed` and an info log. */
export async function announceResumed(d: AlertDeps, st: StorageState): Promise<void> {
  await d.store.transaction((tx) => addEvent(tx, 'storage.resumed', { storage: st.storage, node: d.node, freeBytes: st.freeBytes, usedBytes: st.usedBytes }, st.checkedAt));
  d.afterCommit?.();
  d.log.info({ storage: st.storage, freeBytes: st.freeBytes, usedBytes: st.usedBytes }, `storage '${st.storage}' has space again: recording on it resumes`);
}
