import { and, eq, inArray, isNull } from 'drizzle-orm';
import { chatMembers, chats } from '../../db/schema/chats.ts';
import { inboxes } from '../../db/schema/inboxes.ts';
import { users } from '../../db/schema/users.ts';
import { isManager, type Actor, type DomainContext, type Tx } from '../context.ts';
import { conflict, forbidden, invalid, notFound } from '../errors.ts';
import { canSeeInbox } from '../inboxes/access.ts';
import { chatAudience, chatFor } from './access.ts';

const NAME_MAX = 60;

function cleanName(raw: unknown): string {
  const name = typeof raw === 'string' ? raw.replace(/\s+/g, ' ').trim() : '';
  if (name.length === 0 || name.length > NAME_MAX) throw invalid('chat.name_invalid', 'name', { max: NAME_MAX });
  return name;
}

/** Active users among these ids; an unknown or deactivated one is a mistake in the form, not something to skip. */
function activeUsers(tx: Pick<Tx, 'select'>, ids: number[]): number[] {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const found = tx
    .select({ id: users.id })
    .from(users)
    .where(and(inArray(users.id, unique), eq(users.active, true)))
    .all();
  if (found.length !== unique.length) throw invalid('chat.member_unknown', 'members');
  return unique;
}

function changed(ctx: DomainContext, chatId: number, userIds: number[]): void {
  ctx.events.emit('chat.changed', { chatId, userIds: [...new Set(userIds)] });
}

/** The one direct chat between the actor and another active user: found, or started now. */
export function openDirect(ctx: DomainContext, actor: Actor, otherId: number): number {
  if (otherId === actor.id) throw invalid('chat.self', 'user');
  const key = `${Math.min(actor.id, otherId)}:${Math.max(actor.id, otherId)}`;
  const now = ctx.now();
  const result = ctx.db.transaction((tx) => {
    const existing = tx.select({ id: chats.id }).from(chats).where(eq(chats.directKey, key)).get();
    if (existing) return { id: existing.id, created: false };
    const other = tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.id, otherId), eq(users.active, true)))
      .get();
    if (!other) throw notFound();
    const id = tx
      .insert(chats)
      .values({ kind: 'direct', directKey: key, createdBy: actor.id, createdAt: now })
      .returning({ id: chats.id })
      .get().id;
    tx.insert(chatMembers)
      .values([actor.id, otherId].map((userId) => ({ chatId: id, userId, joinedAt: now })))
      .run();
    return { id, created: true };
  });
  if (result.created) changed(ctx, result.id, [actor.id, otherId]);
  return result.id;
}

/**
 * A named team chat, made by a manager or admin: with the people chosen (and its maker), or — given an
 * inbox — the chat of that inbox, whose members are the inbox's (one per inbox).
 */
export function createTeamChat(
  ctx: DomainContext,
  actor: Actor,
  input: { name: unknown; memberIds: number[]; inboxId?: number },
): number {
  if (!isManager(actor)) throw forbidden();
  const name = cleanName(input.name);
  const now = ctx.now();
  const id = ctx.db.transaction((tx) => {
    if (input.inboxId !== undefined) {
      const shared = tx
        .select({ id: inboxes.id })
        .from(inboxes)
        .where(and(eq(inboxes.id, input.inboxId), isNull(inboxes.ownerUserId)))
        .get();
      if (!shared || !canSeeInbox(ctx, actor, input.inboxId)) throw notFound();
      if (tx.select({ id: chats.id }).from(chats).where(eq(chats.inboxId, input.inboxId)).get())
        throw conflict('chat.inbox_taken', 'inbox');
      return tx
        .insert(chats)
        .values({ kind: 'team', name, inboxId: input.inboxId, createdBy: actor.id, createdAt: now })
        .returning({ id: chats.id })
        .get().id;
    }
    const members = activeUsers(tx, [actor.id, ...input.memberIds]);
    const chatId = tx
      .insert(chats)
      .values({ kind: 'team', name, createdBy: actor.id, createdAt: now })
      .returning({ id: chats.id })
      .get().id;
    tx.insert(chatMembers)
      .values(members.map((userId) => ({ chatId, userId, joinedAt: now })))
      .run();
    return chatId;
  });
  changed(ctx, id, chatAudience(ctx.db, { id, inboxId: input.inboxId ?? null }));
  return id;
}

/** Renames a team chat and sets who is in it (managers and admins in it). An inbox's chat follows its inbox. */
export function updateTeamChat(
  ctx: DomainContext,
  actor: Actor,
  chatId: number,
  input: { name: unknown; memberIds: number[] },
): void {
  const now = ctx.now();
  const affected = ctx.db.transaction((tx) => {
    const chat = chatFor(tx, actor, chatId);
    if (chat.kind !== 'team' || !isManager(actor)) throw forbidden();
    const name = cleanName(input.name);
    tx.update(chats).set({ name }).where(eq(chats.id, chatId)).run();
    if (chat.inboxId !== null) return chatAudience(tx, chat);
    const before = chatAudience(tx, chat);
    // Whoever manages it stays in it: removing yourself is what "Leave" is for.
    const after = activeUsers(tx, [actor.id, ...input.memberIds]);
    const gone = before.filter((id) => !after.includes(id));
    if (gone.length)
      tx.delete(chatMembers)
        .where(and(eq(chatMembers.chatId, chatId), inArray(chatMembers.userId, gone)))
        .run();
    const added = after.filter((id) => !before.includes(id));
    if (added.length)
      tx.insert(chatMembers)
        .values(added.map((userId) => ({ chatId, userId, joinedAt: now })))
        .run();
    return [...before, ...added];
  });
  changed(ctx, chatId, affected);
}

/** A member leaves a team chat. Direct chats and an inbox's chat cannot be left (leave the inbox instead). */
export function leaveChat(ctx: DomainContext, actor: Actor, chatId: number): void {
  const others = ctx.db.transaction((tx) => {
    const chat = chatFor(tx, actor, chatId);
    if (chat.kind !== 'team' || chat.inboxId !== null) throw invalid('chat.cannot_leave');
    tx.delete(chatMembers)
      .where(and(eq(chatMembers.chatId, chatId), eq(chatMembers.userId, actor.id)))
      .run();
    return chatAudience(tx, chat);
  });
  changed(ctx, chatId, [actor.id, ...others]);
}
