import type { Actor, DomainContext } from '../domain/context.ts';
import {
  getEndpoint,
  listEndpoints,
  webhookEventTypes,
  type WebhookEndpoint,
  type WebhookEventType,
} from '../domain/webhooks/endpoints.ts';
import { deliveryLog, type DeliveryLogEntry } from '../domain/webhooks/queue.ts';
import type { MessageKey, Translate } from '../i18n/index.ts';

const EVENT_KEYS: Record<WebhookEventType, MessageKey> = {
  'conversation.created': 'admin.webhooks.event.conversation.created',
  'conversation.updated': 'admin.webhooks.event.conversation.updated',
  'message.created': 'admin.webhooks.event.message.created',
  'message.updated': 'admin.webhooks.event.message.updated',
  'contact.created': 'admin.webhooks.event.contact.created',
  'contact.updated': 'admin.webhooks.event.contact.updated',
  'contact.opted_out': 'admin.webhooks.event.contact.opted_out',
  'contact.opted_in': 'admin.webhooks.event.contact.opted_in',
};

const STATUS_KEYS: Record<DeliveryLogEntry['status'], MessageKey> = {
  pending: 'admin.webhooks.status.pending',
  sending: 'admin.webhooks.status.sending',
  succeeded: 'admin.webhooks.status.succeeded',
  failed: 'admin.webhooks.status.failed',
};

/** The notices a redirect after an action may name (`?done=`): nothing else is shown. */
export const WEBHOOK_NOTICES = {
  created: 'admin.webhooks.notice.created',
  saved: 'admin.webhooks.notice.saved',
  rotated: 'admin.webhooks.notice.rotated',
  rotation_ended: 'admin.webhooks.notice.rotation_ended',
  enabled: 'admin.webhooks.notice.enabled',
  disabled: 'admin.webhooks.notice.disabled',
  test_sent: 'admin.webhooks.notice.test_sent',
  sent_again: 'admin.webhooks.notice.sent_again',
} as const satisfies Record<string, MessageKey>;
export type WebhookNotice = keyof typeof WEBHOOK_NOTICES;

export const noticeOf = (t: Translate, done: string | undefined): string | null =>
  done !== undefined && Object.hasOwn(WEBHOOK_NOTICES, done) ? t(WEBHOOK_NOTICES[done as WebhookNotice]) : null;

const stateOf = (t: Translate, e: WebhookEndpoint): string =>
  e.enabled
    ? t('admin.webhooks.enabled')
    : t(e.disabledReason === 'gone' ? 'admin.webhooks.disabled_gone' : 'admin.webhooks.disabled_admin');

/** The event checkboxes of the add/edit form, ticked as `chosen` says. */
export const eventChoices = (t: Translate, chosen: readonly string[]) =>
  webhookEventTypes.map((type) => ({ type, hint: t(EVENT_KEYS[type]), checked: chosen.includes(type) }));

export function webhookListPage(ctx: DomainContext, actor: Actor, t: Translate) {
  return {
    endpoints: listEndpoints(ctx, actor).map((e) => ({
      id: e.id,
      url: e.url,
      description: e.description,
      events: t('admin.webhooks.events_count', { n: e.events.length }),
      state: stateOf(t, e),
    })),
  };
}

export function webhookEndpointPage(ctx: DomainContext, actor: Actor, id: number, t: Translate) {
  const e = getEndpoint(ctx, actor, id);
  return {
    endpoint: {
      id: e.id,
      url: e.url,
      description: e.description,
      events: e.events,
      secret: e.secret,
      previousSecret: e.previousSecret,
      rotatedAt: e.rotatedAt,
      enabled: e.enabled,
      state: stateOf(t, e),
    },
    deliveries: deliveryLog(ctx, actor, id).map((d) => ({
      ...d,
      statusLabel: t(STATUS_KEYS[d.status]),
    })),
  };
}
