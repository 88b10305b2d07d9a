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
  /**
   * Progress of a recorded-footage analysis job (src/analytics), about once a second while it runs and once when it ends.
   * Published directly (not through the outbox: a lost progress message is harmless). File jobs carry no owner/district.
   */
  'analysis.job_progress': { jobId: string; cameraId: string | null; owner?: string; district?: string; state: string; progress: number; frames: number; events: number; tracks: number; error?: string | null };
  'storage.resumed': { storage: string; node: string; freeBytes: number | null; usedBytes: number };
  /** An analytics event was stored (src/alerts): a track appeared or was lost, or a rule hit. Live cameras only (not analysis jobs). */
  'analytics.event': {
    eventId: string; cameraId: string; owner: string; district: string; kind: 'track' | 'rule'; type: string; label: string;
    trackId: number | null; ruleId: string | null; ruleName: string | null; severity: string; startedAt: EpochMs; endedAt: EpochMs | null; hasSnapshot: boolean;
  };
  /** A camera's analytics settings or rules changed (src/rules): analytics nodes rebuild that camera's pipeline. */
  'analytics.rules_changed': { cameraId: string; owner: string; district: string };
  /** A camera's crowd settings changed (src/crowd): analytics nodes restart that camera's crowd stage. */
  'crowd.settings_changed': { cameraId: string; owner: string; district: string };
  /** A rule hit raised an alert (src/alerts). */
  'alert.raised': { alertId: string; eventId: string; cameraId: string; owner: string; district: string; severity: string; title: string; ruleId: string | null; label: string; createdAt: EpochMs };
  /** A plate was read and stored as a sighting (src/plates/sightings); live cameras only. Browsers need 'sightings.read' in scope. */
  'plate.sighted': {
    sightingId: string; plate: string; grammar: string; cameraId: string; owner: string; district: string; lat: number; lon: number;
    seenAt: EpochMs; confidence: number; vehicleClass: string | null; hotlistHits: number;
  };
  /** A hotlist or its entries changed (src/plates/hotlists): every node reloads its in-memory matcher. No owner/district: never sent to browsers. */
  'hotlist.changed': { hotlistId: string; change: string };
  /** An operator acknowledged, annotated or closed an alert (the note text stays in the API). */
  'alert.updated': { alertId: string; eventId: string; cameraId: string; owner: string; district: string; severity: string; title: string; state: string; change: 'acknowledged' | 'note' | 'closed'; by: string };
}

export type DomainEventName = keyof DomainEventMap;

export interface DomainEvent<K extends DomainEventName = DomainEventName> {
  id: string;
  name: K;
  data: DomainEventMap[K];
  at: EpochMs;
}
