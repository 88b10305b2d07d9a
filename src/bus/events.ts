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
}

export type DomainEventName = keyof DomainEventMap;

export interface DomainEvent<K extends DomainEventName = DomainEventName> {
  id: string;
  name: K;
  data: DomainEventMap[K];
  at: EpochMs;
}
