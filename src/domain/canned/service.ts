import { and, asc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { cannedReplies } from '../../db/schema/canned.ts';
import { contacts } from '../../db/schema/contacts.ts';
import { conversations } from '../../db/schema/conversations.ts';
import { inboxes } from '../../db/schema/inboxes.ts';
import { users } from '../../db/schema/users.ts';
import { changed, recordAudit, type AuditChanges } from '../audit/record.ts';
import type { AuditAction } from '../audit/actions.ts';
import { isManager, type Actor, type DomainContext, type Tx } from '../context.ts';
import { conflict, forbidden, invalid, notFound } from '../errors.ts';
import { canSeeInbox, inboxVisibleTo } from '../inboxes/access.ts';
import { LIMITS } from '../limits.ts';
import { cleanLine } from '../text.ts';
import { fillPlaceholders, unknownPlaceholders, valuesFor } from './placeholders.ts';

export interface CannedReply {
  id: number;
  inboxId: number | null;
  ownerUserId: number | null;
  title: string;
  keyword: string;
  body: string;
}

export interface CannedInput {
  title: unknown;
  keyword: unknown;
  body: unknown;
}

const columns = {
  id: cannedReplies.id,
  inboxId: cannedReplies.inboxId,
  ownerUserId: cannedReplies.ownerUserId,
  title: cannedReplies.title,
  keyword: cannedReplies.keyword,
  body: cannedReplies.body,
};

function clean(input: CannedInput): { title: string; keyword: string; body: string } {
  const title = cleanLine(input.title, 80, 'canned.title_invalid', 'title');
  const keyword = typeof input.keyword === 'string' ? input.keyword.trim().replace(/^\//, '') : '';
  if (!/^[\p{L}\p{N}_-]{1,30}$/u.test(keyword)) throw invalid('canned.keyword_invalid', 'keyword');
  const body = typeof input.body === 'string' ? input.body.replace(/\r\n/g, '\n').trim() : '';
  if (body.length === 0 || body.length > LIMITS.smsText)
    throw invalid('canned.body_invalid', 'body', { max: LIMITS.smsText });
  const unknown = unknownPlaceholders(body);
  if (unknown.length) throw invalid('canned.placeholder_unknown', 'body', { name: `{{${unknown[0]}}}` });
  return { title, keyword, body };
}

/** Where a new reply goes: an inbox (managers, who see it) or the actor's own quick replies. */
export type CannedScope = { inboxId: number } | 'personal';

function assertMayWrite(
  ctx: DomainContext,
  actor: Actor,
  row: { inboxId: number | null; ownerUserId: number | null },
): void {
  if (row.ownerUserId !== null) {
    if (row.ownerUserId !== actor.id) throw notFound();
    return;
  }
  if (!canSeeInbox(ctx, actor, row.inboxId!)) throw notFound();
  if (!isManager(actor)) throw forbidden();
}

/** Runs the write; the unique index on keywords refusing it becomes the form's message. */
function saving<T>(keyword: string, write: () => T): T {
  try {
    return write();
  } catch (err) {
    if (err instanceof Error && /UNIQUE constraint failed: .*canned_replies/.test(err.message))
      throw conflict('canned.keyword_taken', 'keyword', { keyword });
    throw err;
  }
}

/** A shared reply's change goes into the audit log, with its inbox; personal quick replies are their owner's business. */
function auditShared(
  ctx: DomainContext,
  tx: Tx,
  actor: Actor,
  action: AuditAction,
  reply: CannedReply,
  changes: AuditChanges,
): void {
  if (reply.inboxId === null) return;
  const inbox = tx.select({ name: inboxes.name }).from(inboxes).where(eq(inboxes.id, reply.inboxId)).get();
  recordAudit(ctx, tx, actor, {
    action,
    subject: { id: reply.id, name: reply.title },
    changes: { inbox: inbox?.name ?? null, ...changes },
  });
}

export function createCanned(ctx: DomainContext, actor: Actor, scope: CannedScope, input: CannedInput): CannedReply {
  const owner =
    scope === 'personal' ? { inboxId: null, ownerUserId: actor.id } : { inboxId: scope.inboxId, ownerUserId: null };
  if (owner.inboxId !== null) {
    const shared = ctx.db
      .select({ owner: inboxes.ownerUserId })
      .from(inboxes)
      .where(eq(inboxes.id, owner.inboxId))
      .get();
    if (!shared || shared.owner !== null) throw notFound();
  }
  assertMayWrite(ctx, actor, owner);
  const fields = clean(input);
  const now = ctx.now();
  return ctx.db.transaction((tx) => {
    const reply = saving(fields.keyword, () =>
      tx
        .insert(cannedReplies)
        .values({ ...owner, ...fields, createdAt: now, updatedAt: now })
        .returning(columns)
        .get(),
    );
    auditShared(ctx, tx, actor, 'canned.created', reply, fields);
    return reply;
  });
}

function existing(ctx: DomainContext, actor: Actor, id: number): CannedReply {
  const row = ctx.db.select(columns).from(cannedReplies).where(eq(cannedReplies.id, id)).get();
  if (!row) throw notFound();
  assertMayWrite(ctx, actor, row);
  return row;
}

export function updateCanned(ctx: DomainContext, actor: Actor, id: number, input: CannedInput): CannedReply {
  return ctx.db.transaction((tx) => {
    const before = existing(ctx, actor, id);
    const fields = clean(input);
    const reply = saving(fields.keyword, () =>
      tx
        .update(cannedReplies)
        .set({ ...fields, updatedAt: ctx.now() })
        .where(eq(cannedReplies.id, id))
        .returning(columns)
        .get(),
    );
    const changes = changed(before, fields);
    if (Object.keys(changes).length) auditShared(ctx, tx, actor, 'canned.updated', reply, changes);
    return reply;
  });
}

export function deleteCanned(ctx: DomainContext, actor: Actor, id: number): void {
  ctx.db.transaction((tx) => {
    const reply = existing(ctx, actor, id);
    tx.delete(cannedReplies).where(eq(cannedReplies.id, id)).run();
    auditShared(ctx, tx, actor, 'canned.deleted', reply, {
      title: reply.title,
      keyword: reply.keyword,
      body: reply.body,
    });
  });
}

export interface CannedBook {
  shared: { inboxId: number; inboxName: string; mayManage: boolean; replies: CannedReply[] }[];
  personal: CannedReply[];
}

/** The management page: every shared inbox's replies the actor sees, and their own quick replies. */
export function cannedBook(ctx: DomainContext, actor: Actor): CannedBook {
  const visible = ctx.db
    .select({ id: inboxes.id, name: inboxes.name })
    .from(inboxes)
    .where(and(inboxVisibleTo(actor), isNull(inboxes.ownerUserId)))
    .orderBy(asc(inboxes.name))
    .all();
  const rows = visible.length
    ? ctx.db
        .select(columns)
        .from(cannedReplies)
        .where(
          inArray(
            cannedReplies.inboxId,
            visible.map((i) => i.id),
          ),
        )
        .orderBy(asc(sql`lower(${cannedReplies.title})`))
        .all()
    : [];
  return {
    shared: visible.map((i) => ({
      inboxId: i.id,
      inboxName: i.name,
      mayManage: isManager(actor),
      replies: rows.filter((r) => r.inboxId === i.id),
    })),
    personal: ctx.db
      .select(columns)
      .from(cannedReplies)
      .where(eq(cannedReplies.ownerUserId, actor.id))
      .orderBy(asc(sql`lower(${cannedReplies.title})`))
      .all(),
  };
}

/** The conversation's inbox, for someone who may reply in it (404 otherwise). */
function conversationFor(ctx: DomainContext, actor: Actor, conversationId: number) {
  const row = ctx.db
    .select({
      inboxId: conversations.inboxId,
      inboxName: inboxes.name,
      personal: inboxes.ownerUserId,
      contactName: contacts.name,
      company: contacts.company,
      phone: conversations.phone,
    })
    .from(conversations)
    .innerJoin(inboxes, eq(inboxes.id, conversations.inboxId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(eq(conversations.id, conversationId), inboxVisibleTo(actor)))
    .get();
  if (!row) throw notFound();
  return row;
}

/** The replies usable in a conversation: its inbox's and the actor's own, optionally only those matching `query`. */
export function cannedFor(ctx: DomainContext, actor: Actor, conversationId: number, query = ''): CannedReply[] {
  const conversation = conversationFor(ctx, actor, conversationId);
  const q = query.trim().slice(0, 60).toLowerCase().replace(/^\//, '');
  const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const matches = q
    ? sql`(lower(${cannedReplies.title}) LIKE ${like} ESCAPE '\\' OR lower(${cannedReplies.keyword}) LIKE ${like} ESCAPE '\\' OR lower(${cannedReplies.body}) LIKE ${like} ESCAPE '\\')`
    : undefined;
  return ctx.db
    .select(columns)
    .from(cannedReplies)
    .where(and(or(eq(cannedReplies.inboxId, conversation.inboxId), eq(cannedReplies.ownerUserId, actor.id)), matches))
    .orderBy(sql`${cannedReplies.ownerUserId} IS NULL`, asc(sql`lower(${cannedReplies.title})`))
    .limit(50)
    .all();
}

/** The reply whose keyword is typed (`/thanks`), among those usable in the conversation; personal ones win a tie. */
export function cannedByKeyword(
  ctx: DomainContext,
  actor: Actor,
  conversationId: number,
  keyword: string,
): CannedReply | null {
  const k = keyword.toLowerCase();
  return cannedFor(ctx, actor, conversationId).find((r) => r.keyword.toLowerCase() === k) ?? null;
}

/** A reply's text for this conversation, placeholders filled from its contact, the actor and the inbox. */
export function fillCanned(ctx: DomainContext, actor: Actor, conversationId: number, cannedId: number): string {
  const reply = cannedFor(ctx, actor, conversationId).find((r) => r.id === cannedId);
  if (!reply) throw notFound();
  const conversation = conversationFor(ctx, actor, conversationId);
  const agent = ctx.db.select({ name: users.name }).from(users).where(eq(users.id, actor.id)).get();
  return fillPlaceholders(
    reply.body,
    valuesFor({
      contactName: conversation.contactName,
      company: conversation.company,
      phone: conversation.phone,
      agentName: agent?.name ?? '',
      inboxName: conversation.personal === null ? conversation.inboxName : null,
    }),
  );
}
