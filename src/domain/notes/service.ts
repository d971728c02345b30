import { and, eq, inArray } from 'drizzle-orm';
import { conversations } from '../../db/schema/conversations.ts';
import { conversationNotes } from '../../db/schema/notes.ts';
import { users } from '../../db/schema/users.ts';
import { toPlainText } from '../../formatting/markdown.ts';
import type { Actor, DomainContext, Tx } from '../context.ts';
import { invalid, notFound } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import { assertCanSeeInbox, inboxAudience } from '../inboxes/access.ts';
import { mentionedIn } from '../mentions.ts';
import { addNotifications, announce } from '../notifications/notify.ts';

function cleanNote(raw: unknown): string {
  const body = typeof raw === 'string' ? raw.replace(/\r\n/g, '\n').trim() : '';
  if (body.length === 0) throw invalid('note.empty', 'note');
  if (body.length > LIMITS.noteText) throw invalid('chat.body_long', 'note', { max: LIMITS.noteText });
  return body;
}

/** The conversation's inbox, for someone who works in it (a number's read-only history takes no notes). */
function inboxOf(ctx: DomainContext, tx: Pick<Tx, 'select'>, actor: Actor, conversationId: number): number {
  const row = tx
    .select({ inboxId: conversations.inboxId })
    .from(conversations)
    .where(eq(conversations.id, conversationId))
    .get();
  if (!row) throw notFound();
  assertCanSeeInbox(ctx, actor, row.inboxId);
  return row.inboxId;
}

/**
 * A private note on the timeline: the team sees it, the customer never does (it is not a message and
 * never reaches the outbox). `@Name` notifies that teammate if they can see the conversation.
 */
export function addNote(ctx: DomainContext, actor: Actor, conversationId: number, raw: unknown): number {
  const body = cleanNote(raw);
  const now = ctx.now();
  const done = ctx.db.transaction((tx) => {
    const inboxId = inboxOf(ctx, tx, actor, conversationId);
    const noteId = tx
      .insert(conversationNotes)
      .values({ conversationId, authorId: actor.id, body, createdAt: now })
      .returning({ id: conversationNotes.id })
      .get().id;
    const audience = inboxAudience(ctx, inboxId);
    const people = audience.length
      ? tx.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, audience)).all()
      : [];
    const mentioned = mentionedIn(body, people).map((userId) => ({
      userId,
      kind: 'mention' as const,
      actorId: actor.id,
      conversationId,
      excerpt: toPlainText(body),
    }));
    return { inboxId, noteId, notified: addNotifications(ctx, now, mentioned) };
  });
  ctx.events.emit('note.changed', { conversationId, noteId: done.noteId, inboxId: done.inboxId });
  announce(ctx, done.notified);
  return done.noteId;
}

function ownNote(ctx: DomainContext, tx: Pick<Tx, 'select'>, actor: Actor, noteId: number) {
  const note = tx
    .select({
      conversationId: conversationNotes.conversationId,
      authorId: conversationNotes.authorId,
      deletedAt: conversationNotes.deletedAt,
    })
    .from(conversationNotes)
    .where(eq(conversationNotes.id, noteId))
    .get();
  if (!note) throw notFound();
  const inboxId = inboxOf(ctx, tx, actor, note.conversationId);
  if (note.authorId !== actor.id || note.deletedAt !== null) throw notFound();
  return { conversationId: note.conversationId, inboxId };
}

export function editNote(ctx: DomainContext, actor: Actor, noteId: number, raw: unknown): number {
  const body = cleanNote(raw);
  const note = ctx.db.transaction((tx) => {
    const found = ownNote(ctx, tx, actor, noteId);
    tx.update(conversationNotes).set({ body, editedAt: ctx.now() }).where(eq(conversationNotes.id, noteId)).run();
    return found;
  });
  ctx.events.emit('note.changed', { ...note, noteId });
  return note.conversationId;
}

export function deleteNote(ctx: DomainContext, actor: Actor, noteId: number): number {
  const note = ctx.db.transaction((tx) => {
    const found = ownNote(ctx, tx, actor, noteId);
    tx.update(conversationNotes)
      .set({ body: '', deletedAt: ctx.now() })
      .where(and(eq(conversationNotes.id, noteId)))
      .run();
    return found;
  });
  ctx.events.emit('note.changed', { ...note, noteId });
  return note.conversationId;
}
