import type { BusMessage, EventBus, Subscription } from '../bus/bus';
import type { Config } from '../config/schema';
import type { Logger } from '../core/logger';
import { MqttPublisher, type MqttStats } from './mqtt';
import { WebhookSender, type OutboundMessage, type WebhookStats } from './webhook';

export type DeliveryConfig = Config['analytics']['delivery'];

/** Durable consumer names: in a cluster every api node subscribes, and each message goes to one of them. */
export const DURABLES = { webhooks: 'alert-delivery-webhooks', mqttAlerts: 'alert-delivery-mqtt-alerts', mqttEvents: 'alert-delivery-mqtt-events' } as const;

export interface DeliveryStats {
  webhooks: Array<{ url: string } & WebhookStats>;
  mqtt: MqttStats | null;
}

function outbound(msg: BusMessage<Record<string, unknown>>): OutboundMessage {
  const { at, ...data } = msg.data;
  return { id: msg.id, name: msg.subject, at: typeof at === 'number' ? at : msg.publishedAt, data };
}

/**
 * Delivery of alerts (and, over MQTT, events) beyond the web app: signed webhooks and MQTT.
 * Runs on api nodes. The bus handlers only queue (bounded) and return, so a slow receiver or a
 * down broker never holds the bus; durable consumers make one node deliver each message.
 */
export class AlertDelivery {
  private readonly subs: Subscription[] = [];
  private readonly webhooks: WebhookSender[];
  private readonly mqtt?: MqttPublisher;

  constructor(
    private readonly deps: { bus: EventBus; config: DeliveryConfig; log: Logger },
  ) {
    const c = deps.config;
    this.webhooks = c.webhooks.map(
      (w) => new WebhookSender({ url: w.url, secret: w.secret, minSeverity: w.minSeverity }, { timeoutMs: c.webhookTimeoutMs, maxAttempts: c.webhookMaxAttempts, queueSize: c.queueSize }, deps.log),
    );
    if (c.mqtt.url) this.mqtt = new MqttPublisher({ url: c.mqtt.url, queueSize: c.queueSize }, deps.log);
  }

  get enabled(): boolean {
    return this.webhooks.length > 0 || this.mqtt !== undefined;
  }

  async start(): Promise<void> {
    const { bus } = this.deps;
    if (this.webhooks.length) {
      this.subs.push(
        await bus.subscribe<Record<string, unknown>>('alert.*', (msg) => {
          const out = outbound(msg);
          for (const w of this.webhooks) w.offer(out);
        }, { durable: DURABLES.webhooks }),
      );
    }
    const mqtt = this.mqtt;
    if (mqtt) {
      mqtt.start();
      const prefix = this.deps.config.mqtt.topicPrefix;
      const forward = (kind: 'alerts' | 'events') => (msg: BusMessage<Record<string, unknown>>) => {
        const cameraId = msg.data.cameraId;
        if (typeof cameraId !== 'string') return;
        mqtt.publish(`${prefix}/${kind}/${cameraId}`, JSON.stringify(outbound(msg)));
      };
      this.subs.push(await bus.subscribe('alert.*', forward('alerts'), { durable: DURABLES.mqttAlerts }));
      this.subs.push(await bus.subscribe('analytics.event', forward('events'), { durable: DURABLES.mqttEvents }));
    }
    if (this.enabled) this.deps.log.info({ webhooks: this.webhooks.length, mqtt: this.mqtt !== undefined }, 'alert delivery started');
  }

  stats(): DeliveryStats {
    return {
      webhooks: this.deps.config.webhooks.map((w, i) => ({ url: new URL(w.url).origin, ...this.webhooks[i]!.stats })),
      mqtt: this.mqtt ? { ...this.mqtt.stats } : null,
    };
  }

  /** Resolves when every webhook queue is empty (tests). */
  async idle(): Promise<void> {
    await Promise.all(this.webhooks.map((w) => w.idle()));
  }

  async stop(): Promise<void> {
    for (const s of this.subs.splice(0)) await s.unsubscribe();
    for (const w of this.webhooks) w.stop();
    await this.mqtt?.stop();
  }
}
