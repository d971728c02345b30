import type { FastifyInstance } from 'fastify';
import { scheduledItem } from '../domain/later/scheduled.ts';
import { inboxAudience } from '../domain/inboxes/access.ts';
import { localTimeIn } from '../presenters/later.ts';
import { timeZoneOf } from '../presenters/viewer.ts';
import { drawer, ownPiece } from './fragments.ts';
import { pushLater, type Viewers } from './viewers.ts';

/**
 * A scheduled reply in the open conversation's timeline, live: drawn (its author gets the edit and cancel forms),
 * redrawn when edited or refused, taken out when cancelled or sent (the sent message arrives as any message does).
 */
export function registerLaterListeners(app: FastifyInstance, viewers: Viewers): void {
  const { domain, hub } = app;
  domain.events.on('scheduled.changed', ({ conversationId, scheduledId, inboxId }) => {
    if (!hub.anyoneConnected()) return;
    pushLater(
      hub,
      viewers,
      () => inboxAudience(domain, inboxId),
      (user, client) => {
        const { view } = client;
        if (view.kind !== 'conversation' || view.id !== conversationId) return [];
        return [
          ownPiece(user, client, `scheduled ${scheduledId}`, () => {
            const item = scheduledItem(domain, scheduledId);
            if (!item) return `<hx-partial hx-target="#scheduled-${scheduledId}" hx-swap="delete"></hx-partial>`;
            const html = drawer(app, user, client).partial('partials/scheduled-item', {
              scheduled: item,
              errors: {},
              draft: undefined,
              oob: false,
              localTime: localTimeIn(timeZoneOf(user, app.configStore.current)),
            });
            return `<hx-upsert hx-target="#timeline-${conversationId}" key="data-order" sort>${html}</hx-upsert>`;
          }),
        ];
      },
    );
  });
}
