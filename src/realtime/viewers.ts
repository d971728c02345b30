import type { DomainContext } from '../domain/context.ts';
import type { DomainEvents } from '../domain/events.ts';
import { usersByIds, type PublicUser } from '../domain/users/service.ts';
import type { Hub, LiveClient, Piece } from './hub.ts';

/**
 * The user rows pushes are drawn for (language, role, hidden tags…), kept while the user has tabs open: a customer's
 * text is drawn for everyone watching the inbox, and reading 300 rows for each text cost more than drawing it. A
 * row is read again after any change to the user (every such write announces it) and when their last tab closes.
 */
export function createViewers(domain: DomainContext, events: DomainEvents) {
  const rows = new Map<number, PublicUser>();
  const forget = ({ userId }: { userId: number }) => rows.delete(userId);
  events.on('user.changed', forget);
  events.on('presence.changed', forget);
  events.on('user.sessions.ended', forget);
  return {
    /** These users' rows (a user who is gone is absent). */
    of(ids: Iterable<number>): Map<number, PublicUser> {
      const found = new Map<number, PublicUser>();
      const missing: number[] = [];
      for (const id of new Set(ids)) {
        const row = rows.get(id);
        if (row) found.set(id, row);
        else missing.push(id);
      }
      for (const [id, row] of usersByIds(domain, missing)) {
        rows.set(id, row);
        found.set(id, row);
      }
      return found;
    },
    forget: (userId: number) => rows.delete(userId),
  };
}

export type Viewers = ReturnType<typeof createViewers>;

/**
 * Pushes what `pieces` draws for each tab of `userIds`, after this turn: the users' rows are read once for all
 * their tabs, and a user who is gone gets nothing.
 */
export function pushLater(
  hub: Hub,
  viewers: Viewers,
  userIds: () => Iterable<number>,
  pieces: (user: PublicUser, client: LiveClient) => Piece[],
): void {
  hub.later(() => {
    if (!hub.anyoneConnected()) return;
    const users = viewers.of(hub.clientsOf(userIds()).map((c) => c.userId));
    hub.push(users.keys(), (client) => {
      const user = users.get(client.userId);
      return user ? pieces(user, client) : [];
    });
  });
}
