import type { Logger } from '../core/logger';
import type { EventBus } from './bus';
import { MemoryBus } from './memory';
import { createNatsBus } from './nats';
import type { BatchOptions } from './nats-batch';

export type { BusHandler, BusMessage, EventBus, SubscribeOptions, Subscription } from './bus';
export { subjectMatches } from './bus';

export interface BusConfig {
  engine: 'memory' | 'nats';
  natsServers: string[];
  stream: string;
  subjectPrefix: string;
  storage?: 'file' | 'memory';
  /** Stream limits (see nats-setup.ts): events older than this are removed, ms. */
  maxAgeMs?: number;
  /** Stream byte limit (-1 or absent: none). */
  maxBytes?: number;
  /** Producer-side micro-batching of the nats engine (see nats-batch.ts). */
  batch?: Partial<BatchOptions>;
}

/** The configured event bus: in-process (`memory`, default) or NATS JetStream (`nats`). */
export async function createBus(config: BusConfig, logger: Logger): Promise<EventBus> {
  switch (config.engine) {
    case 'memory':
      return new MemoryBus({ logger });
    case 'nats':
      return createNatsBus({ servers: config.natsServers, stream: config.stream, subjectPrefix: config.subjectPrefix, storage: config.storage, maxAgeMs: config.maxAgeMs, maxBytes: config.maxBytes, batch: config.batch, logger });
    default: {
      const engine: never = config.engine;
      throw new Error(`Unknown bus engine '${String(engine)}'`);
    }
  }
}
