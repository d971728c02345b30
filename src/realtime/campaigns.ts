import type { FastifyInstance } from 'fastify';
import { isManager } from '../domain/context.ts';
import { inboxAudience } from '../domain/inboxes/access.ts';
import { campaignProgressOf } from '../presenters/campaigns.ts';
import { drawer, lookOf } from './fragments.ts';
import { pushLater, type Viewers } from './viewers.ts';

/** A sending campaign changes many times a second; its page is redrawn at most this often. */
export const PROGRESS_EVERY_MS = 1000;

/**
 * The campaign page's progress, live: on `campaign.changed` the progress fragment goes to the tabs showing that
 * campaign's page, of users who see its inbox (the presenter checks the campaign again for each), at most once a
 * second per campaign — a burst of changes is drawn once, after the second is up.
 */
export function registerCampaignListeners(app: FastifyInstance, viewers: Viewers): void {
  const { domain, hub } = app;
  const last = new Map<number, number>();
  const waiting = new Map<number, NodeJS.Timeout>();

  const push = (campaignId: number, inboxId: number) => {
    last.set(campaignId, Date.now());
    const path = `/campaigns/${campaignId}`;
    pushLater(
      hub,
      viewers,
      () => inboxAudience(domain, inboxId),
      (user, client) => {
        if (client.view.kind !== 'page' || client.view.pathname !== path) return [];
        return [
          {
            // Everyone with the same language, zone and rights on the page shares one drawing.
            key: `campaign ${campaignId} ${lookOf(app, user, client)} ${isManager(user) ? 'manage' : 'read'}`,
            render: () => {
              const d = drawer(app, user, client);
              return d.partial('partials/campaigns/progress', campaignProgressOf(domain, d.actor, campaignId));
            },
          },
        ];
      },
    );
  };

  domain.events.on('campaign.changed', ({ campaignId, inboxId }) => {
    if (!hub.anyoneConnected() || waiting.has(campaignId)) return;
    const wait = (last.get(campaignId) ?? 0) + PROGRESS_EVERY_MS - Date.now();
    if (wait <= 0) return push(campaignId, inboxId);
    const timer = setTimeout(() => {
      waiting.delete(campaignId);
      push(campaignId, inboxId);
    }, wait);
    timer.unref();
    waiting.set(campaignId, timer);
  });
  app.addHook('onClose', async () => {
    for (const timer of waiting.values()) clearTimeout(timer);
    waiting.clear();
  });
}
