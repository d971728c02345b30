import type { FastifyInstance } from 'fastify';
import { serverKeys, vapidSubject } from '../domain/push/keys.ts';
import { forgetSubscription, pushTargetsOf, usersWithDevices, type PushTarget } from '../domain/push/subscriptions.ts';
import { toastsFor, welcomeToasts, type Toast } from '../domain/users/preferences.ts';
import { usersByIds } from '../domain/users/service.ts';
import { translator } from '../i18n/index.ts';
import { pushMessage } from '../presenters/push-message.ts';
import { sendPush } from './web-push.ts';

/** Pushes in flight at once: a new conversation in a big inbox notifies everyone's devices, one request each. */
const CONCURRENCY = 4;
const TIMEOUT_MS = 10_000;
/** A notification a day old is news no more: a device that was off longer does not get it. */
const TTL_SECONDS = 24 * 3600;

/**
 * Web Push: every notification a person chose to see in the browser (Settings → Notifications) also goes to each
 * device they turned notifications on for, whether a tab is open or not (the service worker shows it only when no
 * tab of theirs is in view). Sent after the write committed, outside any request, a few at a time.
 */
export function registerPushListeners(app: FastifyInstance): void {
  const { domain } = app;
  const queue: { target: PushTarget; payload: string; urgent: boolean }[] = [];
  let running = 0;
  let idle: (() => void) | null = null;

  const settled = (): void => {
    if (running === 0 && queue.length === 0 && !scheduled) idle?.();
  };
  const pump = (): void => {
    while (running < CONCURRENCY && queue.length > 0) {
      const { target, payload, urgent } = queue.shift()!;
      running += 1;
      void send(target, payload, urgent)
        .catch((err: unknown) => app.log.error({ err, userId: target.userId }, 'push: sending failed'))
        .finally(() => {
          running -= 1;
          pump();
          settled();
        });
    }
  };

  const send = async (target: PushTarget, payload: string, urgent: boolean): Promise<void> => {
    const config = app.configStore.current;
    const outcome = await sendPush(target, payload, {
      keys: serverKeys(domain, config),
      subject: vapidSubject(config),
      ttl: TTL_SECONDS,
      urgency: urgent ? 'high' : 'normal',
      timeoutMs: TIMEOUT_MS,
    });
    // The endpoint is a capability: only its host is logged.
    const service = new URL(target.endpoint).host;
    if (outcome === 'gone') {
      forgetSubscription(domain, target.id);
      app.log.info({ userId: target.userId, service }, 'push subscription gone: forgotten');
    } else if (outcome !== 'sent') {
      app.log.warn({ userId: target.userId, service, reason: outcome.failed }, 'push failed');
    }
  };

  /** Each toast to every device of its person, in their language, if they chose browser notifications for it. */
  const enqueue = (toasts: { userId: number; toast: Toast }[], targets: PushTarget[]): void => {
    const chosen = toasts.filter((t) => t.toast.browser);
    if (chosen.length === 0) return;
    const people = usersByIds(domain, [...new Set(chosen.map((t) => t.userId))]);
    const fallback = app.configStore.current.i18n.default_locale;
    for (const { userId, toast } of chosen) {
      const person = people.get(userId);
      if (!person?.active) continue;
      const payload = JSON.stringify(pushMessage(toast, translator(person.locale ?? fallback)));
      for (const target of targets)
        if (target.userId === userId) queue.push({ target, payload, urgent: toast.kind !== 'new_conversation' });
    }
    pump();
  };

  let created: { notificationId: number; userId: number }[] = [];
  let welcomed: { conversationId: number; messageId: number }[] = [];
  let scheduled = false;
  // Events come after commit, often many in one turn (a new conversation notifies a whole inbox): read them once.
  const flush = (): void => {
    scheduled = false;
    const notified = created;
    const news = welcomed;
    created = [];
    welcomed = [];
    const withDevices = new Set(usersWithDevices(domain));
    if (withDevices.size === 0) return;
    const wanted = notified.filter((n) => withDevices.has(n.userId));
    const targets = pushTargetsOf(domain, [...withDevices]);
    const owner = new Map(wanted.map((n) => [n.notificationId, n.userId]));
    enqueue(
      [...toastsFor(domain, wanted)].map(([id, toast]) => ({ userId: owner.get(id)!, toast })),
      targets,
    );
    for (const { conversationId, messageId } of news)
      enqueue(
        [...welcomeToasts(domain, conversationId, messageId, [...withDevices])].map(([userId, toast]) => ({
          userId,
          toast,
        })),
        targets,
      );
  };
  const later = (): void => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      try {
        flush();
      } catch (err) {
        app.log.error({ err }, 'push: reading what to send failed');
      }
      settled();
    });
  };
  domain.events.on('notification.created', (n) => {
    created.push(n);
    later();
  });
  domain.events.on('conversation.welcomed', ({ conversationId, messageId }) => {
    welcomed.push({ conversationId, messageId });
    later();
  });
  // Pushes under way finish (each within its timeout) before the database closes.
  app.addHook('onClose', async () => {
    if (running === 0 && queue.length === 0 && !scheduled) return;
    await new Promise<void>((resolve) => (idle = resolve));
  });
}
