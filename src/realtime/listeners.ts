import type { FastifyInstance } from 'fastify';
import { inboxAudience } from '../domain/inboxes/access.ts';
import { listInboxesFor } from '../domain/inboxes/service.ts';
import { findUserById } from '../domain/users/service.ts';
import { translator } from '../i18n/index.ts';
import type { LiveClient } from './hub.ts';

/** The user's inbox list as an out-of-band fragment, in their language, with the tab's current page marked. */
export function navFragment(app: FastifyInstance, client: LiveClient): string {
  const user = findUserById(app.domain, client.userId);
  if (!user) return '';
  return app.views.render('partials/nav-inboxes', {
    t: translator(client.locale),
    navInboxes: listInboxesFor(app.domain, { id: user.id, role: user.role }),
    path: client.path ?? null,
    oob: true,
  });
}

/** Turns domain events into pushed fragments, each rendered for, and sent only to, the users allowed to see it. */
export function registerRealtimeListeners(app: FastifyInstance): void {
  const { domain, hub } = app;
  const navInboxes = (client: LiveClient): string => navFragment(app, client);

  const refreshNavOf = (inboxId: number, extra: number[] = []): void => {
    hub.push([...inboxAudience(domain, inboxId), ...extra], navInboxes);
  };

  domain.events.on('inbox.created', ({ inboxId }) => refreshNavOf(inboxId));
  domain.events.on('inbox.renamed', ({ inboxId }) => refreshNavOf(inboxId));
  domain.events.on('inbox.members.changed', ({ inboxId, removed }) => refreshNavOf(inboxId, removed));
  domain.events.on('user.deactivated', ({ userId }) => hub.signOut((c) => c.userId === userId));
}
