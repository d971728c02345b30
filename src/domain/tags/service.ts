import { and, asc, eq, sql } from 'drizzle-orm';
import { conversationTags, tags } from '../../db/schema/conversations.ts';
import { users } from '../../db/schema/users.ts';
import type { Actor, DomainContext } from '../context.ts';
import { conflict } from '../errors.ts';
import { cleanLine } from '../text.ts';
import { addEvent, stateFor } from '../conversations/actions.ts';

export interface Tag {
  id: number;
  name: string;
}

/** Every tag, for pickers and the list filter; tags are shared by the whole team. */
export function listTags({ db }: DomainContext): Tag[] {
  return db
    .select({ id: tags.id, name: tags.name })
    .from(tags)
    .orderBy(asc(sql`lower(${tags.name})`))
    .all();
}

export function tagsOf({ db }: DomainContext, conversationId: number): Tag[] {
  return db
    .select({ id: tags.id, name: tags.name })
    .from(conversationTags)
    .innerJoin(tags, eq(tags.id, conversationTags.tagId))
    .where(eq(conversationTags.conversationId, conversationId))
    .orderBy(asc(sql`lower(${tags.name})`))
    .all();
}

function emitChanged(ctx: DomainContext, conversationId: number, inboxId: number, eventId: number): void {
  ctx.events.emit('conversation.changed', { conversationId, inboxId });
  ctx.events.emit('conversation.event', { conversationId, eventId, inboxId });
}

/** Adds an existing tag (matched regardless of case) or a new one; a tag the conversation already has is refused. */
export function addTag(ctx: DomainContext, actor: Actor, conversationId: number, rawName: unknown): Tag {
  const name = cleanLine(rawName, 40, 'tag.name_invalid', 'tag');
  const now = ctx.now();
  const done = ctx.db.transaction((tx) => {
    const state = stateFor(tx, actor, conversationId);
    const tag =
      tx
        .select({ id: tags.id, name: tags.name })
        .from(tags)
        .where(sql`lower(${tags.name}) = lower(${name})`)
        .get() ?? tx.insert(tags).values({ name, createdAt: now }).returning({ id: tags.id, name: tags.name }).get();
    const added = tx.insert(conversationTags).values({ conversationId, tagId: tag.id }).onConflictDoNothing().run();
    if (added.changes === 0) throw conflict('tag.already', 'tag', { tag: tag.name });
    return {
      tag,
      inboxId: state.inboxId,
      eventId: addEvent(tx, conversationId, 'tag_added', actor.id, now, { tag: tag.name }),
    };
  });
  emitChanged(ctx, conversationId, done.inboxId, done.eventId);
  return done.tag;
}

/** Removing a tag the conversation no longer has (someone was quicker) changes nothing and says so. */
export function removeTag(ctx: DomainContext, actor: Actor, conversationId: number, tagId: number): void {
  const now = ctx.now();
  const done = ctx.db.transaction((tx) => {
    const state = stateFor(tx, actor, conversationId);
    const tag = tx.select({ name: tags.name }).from(tags).where(eq(tags.id, tagId)).get();
    const removed = tx
      .delete(conversationTags)
      .where(and(eq(conversationTags.conversationId, conversationId), eq(conversationTags.tagId, tagId)))
      .run();
    if (!tag || removed.changes === 0) throw conflict('conversation.stale');
    return {
      inboxId: state.inboxId,
      eventId: addEvent(tx, conversationId, 'tag_removed', actor.id, now, { tag: tag.name }),
    };
  });
  emitChanged(ctx, conversationId, done.inboxId, done.eventId);
}

/** A display preference: tags left out of the actor's conversation lists. */
export function setHideTags(ctx: DomainContext, actor: Actor, hide: boolean): void {
  ctx.db.update(users).set({ hideTags: hide }).where(eq(users.id, actor.id)).run();
  ctx.events.emit('user.changed', { userId: actor.id });
}
