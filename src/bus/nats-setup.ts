import {
  NatsError, StorageType, connect, nanos, type JetStreamManager, type NatsConnection,
} from 'nats';
import { OperationalError, ValidationError, errorMessage } from '../core/errors';
import { redactUrl, type Logger } from '../core/logger';
import { DEDUPE_WINDOW_MS } from './util';

/** Connecting to NATS and preparing the JetStream stream for the `nats` bus engine (`nats.ts`). */

const NAME = /^[A-Za-z0-9_-]+$/;
const STREAM_NOT_FOUND = 10059;

export interface NatsSetupOptions {
  servers: string[];
  stream: string;
  subjectPrefix: string;
  /** Per-server connect timeout in ms (default 5,000). */
  connectTimeoutMs?: number;
  /** Pause between reconnect attempts in ms (default 2,000; the client retries forever). */
  reconnectTimeWaitMs?: number;
  /**
   * Storage of a stream this process creates (an existing stream keeps its own): 'file' (default)
   * survives a nats-server restart; 'memory' is lost with the server (and with it every message a
   * durable consumer has not acked yet). See docs/design/bus-latency.md.
   */
  storage?: 'file' | 'memory';
  /**
   * Limits of the stream (applied when it is created, and updated on an existing one): events older than
   * `maxAgeMs` (default 7 days) or beyond `maxBytes` (default: no byte limit) are removed, oldest first, acked
   * or not. Without them the stream grows until the NATS server's disk is full (10,000 events/s ≈ 860 M a day).
   */
  maxAgeMs?: number;
  maxBytes?: number;
}

export const DEFAULT_STREAM_MAX_AGE_MS = 7 * 86_400_000;

/** JetStream API error code of `err` (e.g. 10059 stream not found), if it is one. */
export function apiErrorCode(err: unknown): number | undefined {
  return err instanceof NatsError ? err.api_error?.err_code : undefined;
}

/**
 * Connect (reconnecting forever afterwards) and make sure the stream exists. Failures become an
 * OperationalError ('bus_unavailable') that says what could not be reached and what to check.
 */
export async function connectJetStream(opts: NatsSetupOptions, logger: Logger): Promise<{ nc: NatsConnection; jsm: JetStreamManager }> {
  if (!NAME.test(opts.stream)) throw new ValidationError(`Invalid JetStream stream name '${opts.stream}'`, { stream: opts.stream });
  if (!NAME.test(opts.subjectPrefix)) throw new ValidationError(`Invalid subject prefix '${opts.subjectPrefix}'`, { subjectPrefix: opts.subjectPrefix });
  if (opts.servers.length === 0) throw new ValidationError('No NATS server configured (bus.natsServers is empty)');
  const where = opts.servers.map(redactUrl).join(', ');
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: opts.servers, name: 'smartview', maxReconnectAttempts: -1, reconnectTimeWait: opts.reconnectTimeWaitMs ?? 2000,
      timeout: opts.connectTimeoutMs ?? 5000,
      // No eager Error (stack capture) per request: at 10,000 publishes/s it cost ~10 % of the CPU.
      // Publish failures are wrapped in OperationalError with subject and id anyway.
      noAsyncTraces: true,
    });
  } catch (err) {
    throw new OperationalError(
      'bus_unavailable',
      `Cannot reach NATS at ${where}: ${errorMessage(err)}. Check that nats-server is running with JetStream enabled ` +
        `(nats-server -js), that bus.natsServers names the right host and port, and that no firewall blocks it.`,
      { cause: err, details: { servers: opts.servers.map(redactUrl) } },
    );
  }
  try {
    const jsm = await nc.jetstreamManager();
    await ensureStream(jsm, opts.stream, opts.subjectPrefix, opts.storage ?? 'file', { maxAgeMs: opts.maxAgeMs ?? DEFAULT_STREAM_MAX_AGE_MS, maxBytes: opts.maxBytes ?? -1 }, logger);
    logger.info({ server: nc.getServer(), stream: opts.stream, prefix: opts.subjectPrefix }, 'connected to NATS JetStream');
    return { nc, jsm };
  } catch (err) {
    await nc.close().catch((closeErr: unknown) => logger.debug({ err: closeErr }, 'closing NATS after a failed start'));
    throw new OperationalError(
      'bus_unavailable',
      `Connected to NATS at ${where} but could not set up JetStream stream '${opts.stream}': ${errorMessage(err)}. ` +
        `Check that JetStream is enabled on the server (nats-server -js) and that no other stream claims '${opts.subjectPrefix}.>'.`,
      { cause: err, details: { stream: opts.stream } },
    );
  }
}

/**
 * Create the stream (subjects `${prefix}.>`, file storage unless told, 2-minute duplicate window, the age and
 * byte limits) or update it to include the subjects and carry the configured window and limits.
 */
async function ensureStream(jsm: JetStreamManager, stream: string, prefix: string, storage: 'file' | 'memory', limits: { maxAgeMs: number; maxBytes: number }, logger: Logger): Promise<void> {
  const subject = `${prefix}.>`;
  const window = nanos(DEDUPE_WINDOW_MS);
  const maxAge = nanos(limits.maxAgeMs);
  try {
    const { config } = await jsm.streams.info(stream);
    const subjects = config.subjects ?? [];
    if (!subjects.includes(subject) || config.duplicate_window !== window || config.max_age !== maxAge || config.max_bytes !== limits.maxBytes) {
      await jsm.streams.update(stream, { ...config, subjects: [...new Set([...subjects, subject])], duplicate_window: window, max_age: maxAge, max_bytes: limits.maxBytes });
      logger.info({ stream, subject, maxAgeMs: limits.maxAgeMs, maxBytes: limits.maxBytes }, 'JetStream stream updated');
    }
  } catch (err) {
    if (apiErrorCode(err) !== STREAM_NOT_FOUND) throw err;
    await jsm.streams.add({
      name: stream, subjects: [subject], storage: storage === 'memory' ? StorageType.Memory : StorageType.File, duplicate_window: window,
      max_age: maxAge, max_bytes: limits.maxBytes,
    });
    logger.info({ stream, subject, storage, maxAgeMs: limits.maxAgeMs, maxBytes: limits.maxBytes }, 'JetStream stream created');
  }
}
