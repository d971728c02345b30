import type { FastifyInstance } from 'fastify';
import { connectionOfMessage, outboxStats } from '../domain/messaging/counts.ts';
import { createMetrics, type Metrics } from './registry.ts';

/** The app's metrics: read from what the app holds at scrape time, counted from its domain events and its requests. */
export function registerMetrics(app: FastifyInstance): Metrics {
  const { domain } = app;
  const metrics = createMetrics({
    now: () => domain.now(),
    outbox: () => outboxStats(domain),
    channels: () => app.messaging.channels.map((c) => ({ ...c.state(), kind: app.messaging.kinds.get(c.name)! })),
    sockets: () => app.hub.connections(),
    lastBackupAt: () => {
      const newest = app.backups.state().backups[0];
      return newest ? Date.parse(newest.createdAt) : null;
    },
  });

  // The route's pattern (/conversations/:id), never the URL: one series per route, however many ids there are.
  app.addHook('onResponse', async (req, reply) => {
    const labels = {
      method: req.method,
      route: req.routeOptions.url ?? 'unmatched',
      status_class: `${Math.floor(reply.statusCode / 100)}xx`,
    };
    metrics.http.observe(labels, reply.elapsedTime / 1000);
  });

  domain.events.on('message.created', ({ messageId, direction }) => {
    const channel = connectionOfMessage(domain, messageId);
    if (channel) metrics.messages.inc({ channel, status: direction === 'in' ? 'received' : 'queued' });
  });
  domain.events.on('message.status', ({ connection, status, receiptMs }) => {
    metrics.messages.inc({ channel: connection, status });
    if (receiptMs !== undefined) metrics.receipts.observe({ channel: connection }, receiptMs / 1000);
  });
  return metrics;
}
