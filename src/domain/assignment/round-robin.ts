import { and, asc, eq, sql } from 'drizzle-orm';
import { conversations } from '../../db/schema/conversations.ts';
import { inboxes, inboxMembers } from '../../db/schema/inboxes.ts';
import { users } from '../../db/schema/users.ts';
import type { Tx } from '../context.ts';
import { addEvent } from '../conversations/actions.ts';

/** A member of the inbox as the rotation sees them at the moment a new conversation arrives. */
export interface Candidate {
  userId: number;
  /** The inbox's rotation turn at their last automatic assignment; 0 = never. */
  lastTurn: number;
  /** Open conversations of this inbox assigned to them. */
  open: number;
}

/**
 * The rotation's rule, without the database: among the candidates under the cap (`null` = no cap), the one
 * whose last automatic assignment is the longest ago (ties: the lowest user id); `null` when nobody qualifies.
 *
 * A member who joins the inbox later (or rejoins it: membership is a fresh row) starts with turn 0 and so
 * gets the very next conversation — fair, as they had none — and then takes their place at the back of
 * the line like everyone else. Likewise someone back from being away is first in line again, because
 * their last turn is the oldest: the rotation evens out who got the latest conversations, not totals.
 */
export function chooseAssignee(candidates: readonly Candidate[], cap: number | null): number | null {
  let best: Candidate | null = null;
  for (const c of candidates) {
    if (cap !== null && c.open >= cap) continue;
    if (!best || c.lastTurn < best.lastTurn || (c.lastTurn === best.lastTurn && c.userId < best.userId)) best = c;
  }
  return best?.userId ?? null;
}

export interface AutoAssigned {
  assigneeId: number;
  /** The timeline entry ("Assigned to Ana automatically"), to be announced after the commit. */
  eventId: number;
}

/**
 * Inside the transaction that created conversation `conversationId` in `inboxId`: when the inbox hands out
 * new conversations in turn (round-robin on and assignment mode on, a shared inbox), assigns it to the next
 * eligible member and moves the stored rotation on, so a restart continues where it stopped. Eligible:
 * an active user, logged into the inbox's queue, available, and under the inbox's cap of open
 * conversations. Nobody eligible → it stays unassigned (`null`), and the rotation does not move.
 */
export function autoAssign(tx: Tx, inboxId: number, conversationId: number, now: number): AutoAssigned | null {
  const inbox = tx
    .select({
      autoAssign: inboxes.autoAssign,
      assignmentEnabled: inboxes.assignmentEnabled,
      owner: inboxes.ownerUserId,
      cap: inboxes.maxOpenPerAgent,
    })
    .from(inboxes)
    .where(eq(inboxes.id, inboxId))
    .get();
  if (!inbox || !inbox.autoAssign || !inbox.assignmentEnabled || inbox.owner !== null) return null;
  const candidates = tx
    .select({
      userId: inboxMembers.userId,
      lastTurn: inboxMembers.lastTurn,
      name: users.name,
      open: sql<number>`(SELECT count(*) FROM ${conversations} WHERE ${conversations.assigneeId} = ${inboxMembers.userId} AND ${conversations.status} = 'open' AND ${conversations.inboxId} = ${inboxId})`,
    })
    .from(inboxMembers)
    .innerJoin(users, eq(users.id, inboxMembers.userId))
    .where(
      and(
        eq(inboxMembers.inboxId, inboxId),
        eq(inboxMembers.inQueue, true),
        eq(users.active, true),
        eq(users.availability, 'available'),
      ),
    )
    .orderBy(asc(inboxMembers.userId))
    .all();
  const assigneeId = chooseAssignee(candidates, inbox.cap);
  if (assigneeId === null) return null;
  const turn = tx
    .update(inboxes)
    .set({ rotationTurn: sql`${inboxes.rotationTurn} + 1` })
    .where(eq(inboxes.id, inboxId))
    .returning({ turn: inboxes.rotationTurn })
    .get().turn;
  tx.update(inboxMembers)
    .set({ lastTurn: turn })
    .where(and(eq(inboxMembers.inboxId, inboxId), eq(inboxMembers.userId, assigneeId)))
    .run();
  tx.update(conversations)
    .set({ assigneeId, version: sql`${conversations.version} + 1` })
    .where(eq(conversations.id, conversationId))
    .run();
  const name = candidates.find((c) => c.userId === assigneeId)!.name;
  // Actor null: nobody did it, the rotation did; the timeline says so in its own words.
  const eventId = addEvent(tx, conversationId, 'auto_assigned', null, now, { assignee: name });
  return { assigneeId, eventId };
}
