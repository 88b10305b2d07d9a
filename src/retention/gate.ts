import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { StorageGate, StorageState } from './index';

/**
 * The StorageGate of this node, kept by the retention sweep. The paused flags persist in
 * `<dataDir>/retention/storage-gate.json` (written atomically), so a restart does not forget a
 * critical storage and the health API of any process on this node can read them.
 */
export class StorageGateStore implements StorageGate {
  private readonly byId = new Map<string, StorageState>();
  private readonly listeners = new Set<(s: StorageState) => void>();
  private persistedAt = 0;

  constructor(
    private readonly file: string | null,
    private readonly log: Logger,
  ) {
    if (file) this.load(file);
  }

  static fileIn(dataDir: string): string {
    return path.join(dataDir, 'retention', 'storage-gate.json');
  }

  paused(storageId: string): boolean {
    return this.byId.get(storageId)?.paused === true;
  }

  onChange(cb: (state: StorageState) => void): () => void {
    this.listeners.add(cb);
    return () => void this.listeners.delete(cb);
  }

  states(): StorageState[] {
    return [...this.byId.values()].sort((a, b) => a.storage.localeCompare(b.storage));
  }

  get(storageId: string): StorageState | undefined {
    return this.byId.get(storageId);
  }

  /** Records the latest state; persists it (at once on a change of the paused flag, else at most every 5 s); notifies on a change. */
  update(state: StorageState): boolean {
    const prev = this.byId.get(state.storage);
    this.byId.set(state.storage, state);
    const changed = (prev?.paused ?? false) !== state.paused;
    if (changed || !prev || Date.now() - this.persistedAt >= 5000) this.persist();
    if (!changed) return false;
    for (const cb of this.listeners) {
      try {
        cb(state);
      } catch (err) {
        this.log.error({ storage: state.storage, err: errorMessage(err) }, 'a storage gate listener failed; fix the listener (the gate state itself is kept)');
      }
    }
    return true;
  }

  private load(file: string): void {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    try {
      for (const s of JSON.parse(text) as StorageState[]) this.byId.set(s.storage, s);
    } catch (err) {
      this.log.error({ file, err: errorMessage(err) }, 'storage gate file is unreadable; starting with every storage unpaused (the next sweep decides again)');
    }
  }

  private persist(): void {
    if (!this.file) return;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(this.states(), null, 1));
      renameSync(tmp, this.file);
      this.persistedAt = Date.now();
    } catch (err) {
      this.log.error({ file: this.file, err: errorMessage(err) }, 'cannot persist the storage gate; the in-memory state still applies. Check the data directory is writable.');
    }
  }
}
