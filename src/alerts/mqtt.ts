import { connect, type MqttClient } from 'mqtt';
import { Fifo } from '../bus/util';
import { errorMessage } from '../core/errors';
import { redactUrl, type Logger } from '../core/logger';

export interface MqttOptions {
  url: string;
  /** Messages held while the broker is away (or too many are unacknowledged); beyond it the oldest is dropped. */
  queueSize: number;
  /** QoS 1 publishes awaiting PUBACK at once. */
  maxInflight?: number;
  reconnectMs?: number;
  clientId?: string;
}

export interface MqttStats {
  published: number;
  failed: number;
  dropped: number;
  buffered: number;
  connected: boolean;
}

/**
 * Publishes JSON at QoS 1 to one broker. Connecting and reconnecting happen in the background:
 * a broker that is down never blocks a caller. Messages wait in a bounded buffer (the oldest is
 * dropped and counted when it is full) and are only handed to the client while it is connected,
 * so the client's own (unbounded) offline queue is never used.
 */
export class MqttPublisher {
  readonly stats: MqttStats = { published: 0, failed: 0, dropped: 0, buffered: 0, connected: false };
  private client?: MqttClient;
  private readonly buffer = new Fifo<{ topic: string; payload: string }>();
  private inflight = 0;
  private stopped = false;
  private errorsLogged = 0;
  private readonly where: string;

  constructor(
    private readonly o: MqttOptions,
    private readonly log: Logger,
  ) {
    this.where = redactUrl(o.url);
  }

  start(): void {
    const client = connect(this.o.url, {
      reconnectPeriod: this.o.reconnectMs ?? 2000,
      connectTimeout: 5000,
      clientId: this.o.clientId,
      clean: true,
      queueQoSZero: false,
    });
    this.client = client;
    client.on('connect', () => {
      this.stats.connected = true;
      this.errorsLogged = 0;
      this.log.info({ broker: this.where }, 'MQTT connected');
      this.flush();
    });
    client.on('close', () => {
      if (this.stats.connected) this.log.warn({ broker: this.where, buffered: this.buffer.length }, 'MQTT connection lost; reconnecting');
      this.stats.connected = false;
    });
    client.on('error', (err) => {
      // Reconnects repeat every few seconds while the broker is down: log the first few only.
      if (this.errorsLogged++ < 3) this.log.warn({ broker: this.where, err: errorMessage(err) }, 'MQTT error');
    });
  }

  /** Never waits: hands the message to the broker now, or buffers it (bounded). */
  publish(topic: string, payload: string): void {
    if (this.stopped) return;
    if (this.buffer.length >= this.o.queueSize) {
      this.buffer.shift();
      this.stats.dropped++;
      if (this.stats.dropped === 1 || this.stats.dropped % 1000 === 0) {
        this.log.warn({ broker: this.where, dropped: this.stats.dropped, queueSize: this.o.queueSize }, 'MQTT buffer full: dropped the oldest message');
      }
    }
    this.buffer.push({ topic, payload });
    this.flush();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const c = this.client;
    if (!c) return;
    // Give unacknowledged messages a moment, then close regardless (a down broker must not hold shutdown).
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => c.end(true, {}, () => resolve()), this.inflight && c.connected ? 1000 : 0);
      t.unref();
    });
  }

  private flush(): void {
    const c = this.client;
    const max = this.o.maxInflight ?? 100;
    while (c?.connected && this.inflight < max) {
      const m = this.buffer.shift();
      if (!m) break;
      this.inflight++;
      c.publish(m.topic, m.payload, { qos: 1 }, (err) => {
        this.inflight--;
        if (err) {
          this.stats.failed++;
          this.log.debug({ broker: this.where, topic: m.topic, err: errorMessage(err) }, 'MQTT publish failed');
        } else this.stats.published++;
        this.flush();
      });
    }
    this.stats.buffered = this.buffer.length;
  }
}
