import { and, desc, eq, sql } from 'drizzle-orm';
import { conversationEvents, conversations, messages, type ConversationStatus } from '../../db/schema/conversations.ts';
import { inboxes, inboxMembers } from '../../db/schema/inboxes.ts';
import { users } from '../../db/schema/users.ts';
import { isManager, type Actor, type DomainContext, type Tx } from '../context.ts';
import { conflict, DomainError, forbidden, invalid, notFound } from '../errors.ts';
import { bookOf } from '../contacts/book.ts';
import { inboxVisibleTo } from '../inboxes/access.ts';
import { addNotifications, announce, type NewNotification } from '../notifications/notify.ts';

export type { Tx };

export interface ConversationState {
  id: number;
  inboxId: number;
  status: ConversationStatus;
  assigneeId: number | null;
  version: number;
  assignmentEnabled: boolean;
  movingEnabled: boolean;
  personal: boolean;
  /** The address book its contact is in (./contacts/book.ts). */
  book: number;
}

/** The conversation as the actor may see it, inside the transaction that changes it; 404 for anyone else. */
export function stateFor(tx: Pick<Tx, 'select'>, actor: Actor, conversationId: number): ConversationState {
  const row = tx
    .select({
      id: conversations.id,
      inboxId: conversations.inboxId,
      status: conversations.status,
      assigneeId: conversations.assigneeId,
      version: conversations.version,
      assignmentEnabled: inboxes.assignmentEnabled,
      movingEnabled: inboxes.movingEnabled,
      owner: inboxes.ownerUserId,
    })
    .from(conversations)
    .innerJoin(inboxes, eq(inboxes.id, conversations.inboxId))
    .where(and(eq(conversations.id, conversationId), inboxVisibleTo(actor)))
    .get();
  if (!row) throw notFound();
  const { owner, ...rest } = row;
  return { ...rest, personal: owner !== null, book: bookOf(owner) };
}

export function addEvent(
  tx: Pick<Tx, 'insert'>,
  conversationId: number,
  kind: string,
  actorId: number | null,
  at: number,
  data?: Record<string, string>,
): number {
  return tx
    .insert(conversationEvents)
    .values({ conversationId, kind, actorUserId: actorId, at, data: data ?? null })
    .returning({ id: conversationEvents.id })
    .get().id;
}

/** A form's `version` field: a missing or malformed one is as stale as an old one. */
export function parseVersion(raw: unknown): number {
  return typeof raw === 'string' && /^\d{1,12}$/.test(raw) ? Number(raw) : -1;
}

interface Change {
  set: Partial<typeof conversations.$inferInsert>;
  event: { kind: string; data?: Record<string, string> };
  /** The inbox the conversation leaves, when it moves. */
  fromInboxId?: number;
  /** Who hears of it (never the actor: `addNotifications`). */
  notify?: NewNotification[];
}

/**
 * The one way an agent's action changes a conversation: rights and rules checked on what this transaction
 * reads, refused when the page the action came from is out of date (someone else acted first), the
 * change and its timeline entry written together, and the news sent after the commit.
 */
export function change(
  ctx: DomainContext,
  actor: Actor,
  conversationId: number,
  version: number,
  decide: (tx: Tx, state: ConversationState) => Change,
  staleKey: 'conversation.stale' | 'conversation.undo_stale' = 'conversation.stale',
): number {
  const now = ctx.now();
  const done = ctx.db.transaction((tx) => {
    const state = stateFor(tx, actor, conversationId);
    if (state.version !== version) throw conflict(staleKey);
    const { set, event, fromInboxId, notify } = decide(tx, state);
    const updated = tx
      .update(conversations)
      .set({ ...set, version: sql`${conversations.version} + 1` })
      .where(and(eq(conversations.id, conversationId), eq(conversations.version, version)))
      .run();
    if (updated.changes !== 1) throw conflict(staleKey);
    const eventId = addEvent(tx, conversationId, event.kind, actor.id, now, event.data);
    const notified = addNotifications(ctx, now, notify ?? []);
    return { inboxId: set.inboxId ?? state.inboxId, eventId, fromInboxId, notified };
  });
  ctx.events.emit('conversation.changed', { conversationId, inboxId: done.inboxId, fromInboxId: done.fromInboxId });
  ctx.events.emit('conversation.event', { conversationId, eventId: done.eventId, inboxId: done.inboxId });
  announce(ctx, done.notified);
  return done.eventId;
}

/** The customer's latest text: what an assignee's toast quotes, as the rotation's quotes their first. */
function latestText(tx: Pick<Tx, 'select'>, conversationId: number): string {
  const row = tx
    .select({ body: messages.body })
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.direction, 'in')))
    .orderBy(desc(messages.id))
    .limit(1)
    .get();
  return row?.body ?? '';
}

function assertAssignable(state: ConversationState): void {
  if (state.personal || !state.assignmentEnabled) throw new DomainError(422, 'conversation.assignment_off');
}

function memberName(tx: Pick<Tx, 'select'>, inboxId: number, userId: number): string {
  const member = tx
    .select({ name: users.name })
    .from(inboxMembers)
    .innerJoin(users, eq(users.id, inboxMembers.userId))
    .where(and(eq(inboxMembers.inboxId, inboxId), eq(inboxMembers.userId, userId), eq(users.active, true)))
    .get();
  if (!member) throw invalid('conversation.assignee_not_member', 'assignee');
  return member.name;
}

/** Why an assignment named nobody: the inbox has no active member to offer, or none was chosen. */
function nobodyToPick(tx: Pick<Tx, 'select'>, inboxId: number) {
  const member = tx
    .select({ id: inboxMembers.userId })
    .from(inboxMembers)
    .innerJoin(users, eq(users.id, inboxMembers.userId))
    .where(and(eq(inboxMembers.inboxId, inboxId), eq(users.active, true)))
    .get();
  return member ? 'conversation.assignee_missing' : 'conversation.nobody_to_assign';
}

/** Assign to a member of the conversation's inbox (the actor included), or to nobody with `null`. */
export function assignConversation(
  ctx: DomainContext,
  actor: Actor,
  conversationId: number,
  version: number,
  assigneeId: number | null,
): void {
  change(ctx, actor, conversationId, version, (tx, state) => {
    assertAssignable(state);
    if (assigneeId === null) {
      // The page was current (the version matched), so nobody was picked: say why, not "someone changed it".
      if (state.assigneeId === null) throw invalid(nobodyToPick(tx, state.inboxId), 'assignee');
      return { set: { assigneeId: null }, event: { kind: 'unassigned' } };
    }
    const name = memberName(tx, state.inboxId, assigneeId);
    const self = assigneeId === actor.id;
    // The assignee hears that it is theirs, as from the rotation; nobody is told of their own action.
    const excerpt = self ? '' : latestText(tx, conversationId);
    return {
      set: { assigneeId },
      event: { kind: self ? 'self_assigned' : 'assigned', data: { assignee: name } },
      notify: self ? [] : [{ userId: assigneeId, kind: 'assigned', actorId: actor.id, conversationId, excerpt }],
    };
  });
}

/**
 * Close, reopen, mark as spam, or undo spam (managers and admins: they are the ones who see the Spam list).
 * Returns the timeline entry's id: closing and marking as spam can be undone by it for a while (undoStatusChange).
 */
export function setConversationStatus(
  ctx: DomainContext,
  actor: Actor,
  conversationId: number,
  version: number,
  status: 'open' | 'closed' | 'spam',
): number {
  return change(ctx, actor, conversationId, version, (_tx, state) => {
    if (state.status === status) throw conflict('conversation.stale');
    if (state.status === 'spam' && !isManager(actor)) throw forbidden();
    const kind =
      status === 'spam'
        ? 'marked_spam'
        : status === 'closed'
          ? 'closed'
          : state.status === 'spam'
            ? 'unspammed'
            : 'reopened_by';
    // What it was before, for the undo: only closing and marking as spam can be undone. Whatever status it gets,
    // a snooze it was in is over.
    return {
      set: { status, snoozedUntil: null },
      event: { kind, data: status === 'open' ? undefined : { was: state.status } },
    };
  });
}

/** How long after closing or marking as spam its author may take it back with Undo. */
export const UNDO_MS = 30_000;

const UNDOABLE: Record<string, string> = { closed: 'undid_close', marked_spam: 'undid_spam' };

/**
 * Takes back the actor's own close or spam, a few seconds after, as if it had not happened: the status it had
 * before comes back (the assignee never changed with it). Refused once anyone changed the conversation since
 * (`version` is the one the action left), once the time is up, and for anyone but who did it.
 */
export function undoStatusChange(
  ctx: DomainContext,
  actor: Actor,
  conversationId: number,
  version: number,
  eventId: number,
): number {
  return change(
    ctx,
    actor,
    conversationId,
    version,
    (tx, state) => {
      const event = tx
        .select()
        .from(conversationEvents)
        .where(and(eq(conversationEvents.id, eventId), eq(conversationEvents.conversationId, conversationId)))
        .get();
      const undone = event ? UNDOABLE[event.kind] : undefined;
      const was = event?.data?.was;
      if (!event || !undone || (was !== 'open' && was !== 'closed')) throw invalid('conversation.undo_unknown');
      if (event.actorUserId !== actor.id) throw forbidden();
      if (ctx.now() - event.at > UNDO_MS) throw conflict('conversation.undo_too_late');
      if (state.status !== (event.kind === 'closed' ? 'closed' : 'spam')) throw conflict('conversation.undo_stale');
      return { set: { status: was }, event: { kind: undone } };
    },
    'conversation.undo_stale',
  );
}

/**
 * Move to another shared inbox the actor works in, where an admin allowed moving out of the current one.
 * The assignee stays only if they are a member of the new inbox.
 */
export function moveConversation(
  ctx: DomainContext,
  actor: Actor,
  conversationId: number,
  version: number,
  targetInboxId: number,
): void {
  change(ctx, actor, conversationId, version, (tx, state) => {
    if (!state.movingEnabled) throw new DomainError(422, 'conversation.moving_off', {}, 'inbox');
    const target = tx
      .select({ id: inboxes.id, name: inboxes.name, owner: inboxes.ownerUserId })
      .from(inboxes)
      .where(eq(inboxes.id, targetInboxId))
      .get();
    // A shared inbox the actor works in: admins work in all of them.
    if (!target || target.owner !== null || (actor.role !== 'admin' && !isMember(tx, target.id, actor.id))) {
      throw invalid('conversation.move_target', 'inbox');
    }
    if (target.id === state.inboxId) throw invalid('conversation.move_same', 'inbox');
    const from = tx.select({ name: inboxes.name }).from(inboxes).where(eq(inboxes.id, state.inboxId)).get()!;
    const keepsAssignee = state.assigneeId !== null && isMember(tx, target.id, state.assigneeId);
    return {
      set: { inboxId: target.id, ...(keepsAssignee ? {} : { assigneeId: null }) },
      event: { kind: 'moved', data: { from: from.name, to: target.name } },
      fromInboxId: state.inboxId,
    };
  });
}

function isMember(tx: Pick<Tx, 'select'>, inboxId: number, userId: number): boolean {
  return (
    tx
      .select({ u: inboxMembers.userId })
      .from(inboxMembers)
      .where(and(eq(inboxMembers.inboxId, inboxId), eq(inboxMembers.userId, userId)))
      .get() !== undefined
  );
}
