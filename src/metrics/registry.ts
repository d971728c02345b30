import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ChannelState } from '../channels/types.ts';
import type { OutboxStats } from '../domain/messaging/counts.ts';

/** What is read at scrape time: the state as it is now, not as counted since start. */
export interface MetricSources {
  now(): number;
  outbox(): OutboxStats;
  /** Each channel with its kind's name (src/channels/registry.ts). */
  channels(): (ChannelState & { kind: string })[];
  sockets(): number;
  /** When the newest finished backup was made; null when there is none. */
  lastBackupAt(): number | null;
}

const STATES: ChannelState['status'][] = ['connecting', 'bound', 'down', 'stopped'];

/**
 * The app's own registry (never prom-client's global one: tests build several apps in one process). Counters
 * (messages, receipts, HTTP) count what this process saw and start at 0 with it, which Prometheus' rate() and
 * increase() read as a counter reset; gauges (outbox, connections, sockets, backup) are read when scraped.
 */
export function createMetrics(sources: MetricSources) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const messages = new Counter({
    name: 'switchboard_messages_total',
    help: 'Messages by connection and the status they reached: received, queued, sent, delivered, failed, expired',
    labelNames: ['channel', 'status'] as const,
    registers: [registry],
  });
  const receipts = new Histogram({
    name: 'switchboard_delivery_receipt_seconds',
    help: 'From sent (the carrier acknowledged every segment) to the delivery receipt that settled the message',
    labelNames: ['channel'] as const,
    buckets: [0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600, 14_400, 86_400],
    registers: [registry],
  });
  const http = new Histogram({
    name: 'switchboard_http_request_duration_seconds',
    help: 'HTTP requests by route pattern (not the URL), method and status class',
    labelNames: ['method', 'route', 'status_class'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });

  new Gauge({
    name: 'switchboard_outbox_messages',
    help: 'Messages queued to send (waiting, in flight or waiting for a retry)',
    registers: [registry],
    collect() {
      const { queued, oldestCreatedAt } = sources.outbox();
      this.set(queued);
      oldest.set(oldestCreatedAt === null ? 0 : Math.max(0, (sources.now() - oldestCreatedAt) / 1000));
    },
  });
  // Set by the outbox gauge's collect, which runs first: one read of the outbox per scrape.
  const oldest = new Gauge({
    name: 'switchboard_outbox_oldest_age_seconds',
    help: 'Age of the oldest queued message; 0 when none waits',
    registers: [registry],
  });

  new Gauge({
    name: 'switchboard_channel_state',
    help: 'Each carrier connection: 1 for the state it is in, 0 for the others',
    labelNames: ['channel', 'kind', 'state'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const c of sources.channels())
        for (const state of STATES) this.set({ channel: c.name, kind: c.kind, state }, c.status === state ? 1 : 0);
    },
  });
  new Counter({
    name: 'switchboard_channel_reconnects_total',
    help: 'SMPP: links opened again after one was lost or refused; MM7: recoveries after the MMSC failed',
    labelNames: ['channel', 'kind'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const c of sources.channels()) this.inc({ channel: c.name, kind: c.kind }, c.reconnects);
    },
  });
  new Gauge({
    name: 'switchboard_websocket_connections',
    help: 'Open live WebSockets (one per browser tab)',
    registers: [registry],
    collect() {
      this.set(sources.sockets());
    },
  });
  new Gauge({
    name: 'switchboard_backup_age_seconds',
    help: 'Age of the newest backup; +Inf when there is none, so that an alert on its age fires for that too',
    registers: [registry],
    collect() {
      const at = sources.lastBackupAt();
      this.set(at === null ? Infinity : Math.max(0, (sources.now() - at) / 1000));
    },
  });

  return { registry, messages, receipts, http };
}

export type Metrics = ReturnType<typeof createMetrics>;
