import type { DomainContext } from '../domain/context.ts';
import { UNREAD_CAP, unreadAmong, unreadIds } from '../domain/conversations/list.ts';
import type { PublicUser } from '../domain/users/service.ts';
import { unreadLabel } from '../presenters/viewer.ts';

type Viewer = Pick<PublicUser, 'id' | 'role' | 'createdAt'>;

interface Known {
  /** Unread conversations, at most UNREAD_CAP of them. */
  ids: Set<number>;
  /** There may be more than `ids` holds: the cap was reached. */
  capped: boolean;
}

/**
 * The navigation's unread count of each user with an open tab, kept up to date conversation by conversation: a
 * customer's text asks who among the tabs' users has that one conversation unread now (one read for all of
 * them) instead of counting everyone's unread conversations again. Counted afresh from the database when a
 * user's first tab needs it, and whenever a change cannot be applied exactly (the cap, a change of rights).
 */
export function createUnreadCounts(domain: DomainContext) {
  const known = new Map<number, Known>();

  function load(user: Pick<Viewer, 'id' | 'role'>): Known {
    const ids = unreadIds(domain, { id: user.id, role: user.role });
    const entry = { ids: new Set(ids), capped: ids.length >= UNREAD_CAP };
    known.set(user.id, entry);
    return entry;
  }

  /** Applies whether the conversation is unread now for each of `userIds`; returns those whose count moved. */
  function apply(conversationId: number, userIds: number[], unreadNow: Set<number>): number[] {
    const changed: number[] = [];
    for (const userId of userIds) {
      const entry = known.get(userId);
      const now = unreadNow.has(userId);
      if (!entry || entry.ids.has(conversationId) === now) continue;
      if (now && entry.ids.size >= UNREAD_CAP) {
        // Beyond the cap the badge already says "99+": only remember that there is more.
        entry.capped = true;
        continue;
      }
      if (now) entry.ids.add(conversationId);
      else entry.ids.delete(conversationId);
      // Below the cap again with more than we hold: the exact count must be read afresh.
      if (!now && entry.capped) known.delete(userId);
      changed.push(userId);
    }
    return changed;
  }

  function labelOf(user: Pick<Viewer, 'id' | 'role'>): string {
    const entry = known.get(user.id) ?? load(user);
    return unreadLabel(entry.capped ? UNREAD_CAP : entry.ids.size);
  }

  return {
    /** What the badge shows for this user ('' for nothing unread, "99+" at the cap). */
    labelOf,

    /**
     * One conversation may have become read or unread for `users` (those allowed to see it now, with tabs open):
     * brings their counts, and those of anyone who had it unread but may no longer see it, up to date. Returns
     * the users whose badge changed.
     */
    conversationChanged(conversationId: number, users: Viewer[]): number[] {
      // Whose count is not known yet is counted now, as it is after the change.
      const fresh = users.filter((u) => !known.has(u.id));
      const unreadNow = unreadAmong(
        domain,
        conversationId,
        users.filter((u) => known.has(u.id)),
      );
      const changed = apply(conversationId, [...known.keys()], unreadNow);
      for (const user of fresh) load(user);
      return [...changed, ...fresh.map((u) => u.id)];
    },

    /** One user read it or marked it unread: their count alone. */
    readChanged(conversationId: number, user: Viewer): number[] {
      if (!known.has(user.id)) return (load(user), [user.id]);
      return apply(conversationId, [user.id], unreadAmong(domain, conversationId, [user]));
    },

    /** Counts that must be read afresh (rights changed: an inbox joined or left, a role). */
    forget(userIds: Iterable<number>): void {
      for (const id of userIds) known.delete(id);
    },
  };
}

export type UnreadCounts = ReturnType<typeof createUnreadCounts>;
