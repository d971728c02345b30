import type { FastifyInstance } from 'fastify';
import { isManager, type DomainContext } from '../domain/context.ts';
import { inboxAudience } from '../domain/inboxes/access.ts';
import { campaignListRow, campaignProgressOf } from '../presenters/campaigns.ts';
import { drawer, lookOf, type Drawer } from './fragments.ts';
import { pushLater, type Viewers } from './viewers.ts';

/** A sending campaign changes many times a second; its page is redrawn at most this often. */
export const PROGRESS_EVERY_MS = 1000;

/** The campaign list's page (src/routes/campaigns/pages.ts). */
const LIST_PATH = '/campaigns';

/** The campaign page's progress section, which replaces the one shown by its id. */
const progressOf = (d: Drawer, domain: DomainContext, campaignId: number): string =>
  d.partial('partials/campaigns/progress', () => campaignProgressOf(domain, d.actor, campaignId));

/**
 * The campaign's row of the list, in place of the one shown or (a new draft) where the list's order puts it; the
 * "no campaigns yet" line goes once there is one.
 */
function listRowOf(d: Drawer, domain: DomainContext, campaignId: number): string {
  const row = d.partial('partials/campaigns/list-row', () => campaignListRow(domain, d.actor, campaignId));
  if (row === '') return '';
  return (
    `<hx-upsert hx-target="#campaign-rows" key="data-order" sort="desc">${row}</hx-upsert>` +
    '<hx-partial hx-target="#campaign-none" hx-swap="delete"></hx-partial>'
  );
}

/**
 * Campaigns, live: on `campaign.changed` the progress goes to the tabs showing that campaign's page, and its row to
 * the tabs showing the list, of users who see its inbox (the presenter checks the campaign again for each), at most
 * once a second per campaign — a burst of changes is drawn once, after the second is up.
 */
export function registerCampaignListeners(app: FastifyInstance, viewers: Viewers): void {
  const { domain, hub } = app;
  const last = new Map<number, number>();
  const waiting = new Map<number, NodeJS.Timeout>();

  const push = (campaignId: number, inboxId: number) => {
    last.set(campaignId, Date.now());
    const page = `/campaigns/${campaignId}`;
    pushLater(
      hub,
      viewers,
      () => inboxAudience(domain, inboxId),
      (user, client) => {
        if (client.view.kind !== 'page') return [];
        const { pathname } = client.view;
        if (pathname !== page && pathname !== LIST_PATH) return [];
        // Everyone with the same language, zone and rights on the page shares one drawing.
        const look = `${campaignId} ${lookOf(app, user, client)} ${isManager(user) ? 'manage' : 'read'}`;
        const piece = (what: string, draw: typeof progressOf) => [
          { key: `${what} ${look}`, render: () => draw(drawer(app, user, client), domain, campaignId) },
        ];
        return pathname === page ? piece('campaign', progressOf) : piece('campaign row', listRowOf);
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
