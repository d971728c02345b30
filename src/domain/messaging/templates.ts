import { and, asc, eq } from 'drizzle-orm';
import { contacts } from '../../db/schema/contacts.ts';
import { conversations } from '../../db/schema/conversations.ts';
import { numbers } from '../../db/schema/numbers.ts';
import { messageTemplates } from '../../db/schema/templates.ts';
import { valuesFor } from '../canned/placeholders.ts';
import type { Actor, DomainContext, Tx } from '../context.ts';
import { invalid, notFound } from '../errors.ts';
import { assertCanSeeInbox } from '../inboxes/access.ts';
import type { MessageKind } from './capabilities.ts';
import { assertMayText, insertOutbound } from './outbox.ts';

/** A template as its provider lists it: what a channel hands over (src/channels/types.ts names it ChannelTemplate). */
export interface Template {
  name: string;
  language: string;
  /** APPROVED, PENDING, REJECTED, PAUSED, DISABLED … as Meta names it; only APPROVED ones may be sent. */
  status: string;
  category: string;
  /** The body text with its numbered variables, as `Hello {{1}}, your order {{2}} …`. */
  body: string;
  /** Optional header and footer texts as shown to the customer. */
  header?: string;
  footer?: string;
}

export const APPROVED = 'APPROVED';
const VARIABLE = /\{\{\s*(\d+)\s*\}\}/g;

/** The channel's templates as its provider lists them now replace what was stored for it, in one transaction. */
export function storeTemplates(ctx: DomainContext, channel: string, templates: Template[]): void {
  const now = ctx.now();
  ctx.db.transaction((tx) => {
    tx.delete(messageTemplates).where(eq(messageTemplates.channel, channel)).run();
    for (const t of templates)
      tx.insert(messageTemplates)
        .values({
          channel,
          name: t.name,
          language: t.language,
          status: t.status,
          category: t.category,
          body: t.body,
          header: t.header ?? null,
          footer: t.footer ?? null,
          syncedAt: now,
        })
        // A provider listing one name and language twice: the first listing counts.
        .onConflictDoNothing()
        .run();
  });
}

/** The template as the provider lists it now, approved or not (undefined: it is gone). */
export function templateOf(
  tx: Pick<Tx, 'select'>,
  channel: string,
  choice: { name: string; language: string },
): { body: string; status: string } | undefined {
  return tx
    .select({ body: messageTemplates.body, status: messageTemplates.status })
    .from(messageTemplates)
    .where(
      and(
        eq(messageTemplates.channel, channel),
        eq(messageTemplates.name, choice.name),
        eq(messageTemplates.language, choice.language),
      ),
    )
    .get();
}

/** How many variables a template's body has: the highest {{n}}. */
export const variableCount = (body: string): number =>
  Math.max(0, ...[...body.matchAll(VARIABLE)].map((m) => Number(m[1])));

/** The body with {{1}}, {{2}} … replaced by the values in order. */
export const fillTemplate = (body: string, params: string[]): string =>
  body.replace(VARIABLE, (m, n: string) => params[Number(n) - 1] ?? m);

interface Target {
  inboxId: number;
  numberId: number;
  phone: string;
  channel: string;
  kind: MessageKind;
  contactName: string | null;
  company: string | null;
}

function targetOf(ctx: DomainContext, tx: Pick<Tx, 'select'>, actor: Actor, conversationId: number): Target {
  const row = tx
    .select({
      inboxId: conversations.inboxId,
      numberId: conversations.numberId,
      phone: conversations.phone,
      channel: numbers.channel,
      kind: numbers.kind,
      contactName: contacts.name,
      company: contacts.company,
    })
    .from(conversations)
    .innerJoin(numbers, eq(numbers.id, conversations.numberId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(eq(conversations.id, conversationId))
    .get();
  if (!row) throw notFound();
  assertCanSeeInbox(ctx, actor, row.inboxId);
  return row;
}

/** The approved templates of the conversation's number, with the values their variables start with (from the contact). */
export function approvedTemplatesFor(
  ctx: DomainContext,
  actor: Actor,
  conversationId: number,
): (Template & { params: string[] })[] {
  const target = targetOf(ctx, ctx.db, actor, conversationId);
  if (target.kind !== 'whatsapp') return [];
  return ctx.db
    .select()
    .from(messageTemplates)
    .where(and(eq(messageTemplates.channel, target.channel), eq(messageTemplates.status, APPROVED)))
    .orderBy(asc(messageTemplates.name), asc(messageTemplates.language))
    .all()
    .map((t) => ({
      name: t.name,
      language: t.language,
      status: t.status,
      category: t.category,
      body: t.body,
      ...(t.header === null ? {} : { header: t.header }),
      ...(t.footer === null ? {} : { footer: t.footer }),
      params: defaultParams(target, variableCount(t.body)),
    }));
}

/** Who a template is filled for: the contact's name and company, their number. */
export interface TemplateFor {
  contactName: string | null;
  company: string | null;
  phone: string;
}

/** {{1}} is the contact's first name, as canned replies would fill it; the agent writes the others. */
function defaultParams(target: TemplateFor, count: number): string[] {
  const first =
    valuesFor({
      contactName: target.contactName,
      company: target.company,
      phone: target.phone,
      agentName: '',
      inboxName: null,
    })['contact.first_name'] ?? '';
  return Array.from({ length: count }, (_, i) => (i === 0 ? first : ''));
}

/**
 * The message an approved template of `channel` makes: its text filled (the agent's values, else the contact's) and
 * what the outbox sends. Refuses an unknown or unapproved template and a variable left without a value.
 */
export function templateMessage(
  tx: Pick<Tx, 'select'>,
  channel: string,
  choice: { name: string; language: string; params?: string[] },
  target: TemplateFor,
): { body: string; content: { template: { name: string; language: string; params: string[] } } } {
  const template = templateOf(tx, channel, choice);
  if (template?.status !== APPROVED) throw invalid('template.unknown', 'template');
  // A value left empty takes the contact's.
  const params = defaultParams(target, variableCount(template.body)).map((d, i) => {
    const given = choice.params?.[i]?.trim() ?? '';
    return given === '' ? d : given;
  });
  const missing = params.findIndex((p) => p === '');
  if (missing >= 0) throw invalid('template.params_missing', 'params', { missing: `{{${missing + 1}}}` });
  return {
    body: fillTemplate(template.body, params),
    content: { template: { name: choice.name, language: choice.language, params } },
  };
}

/**
 * Queues an approved template with its variables filled (the agent's values, else the contact's): it passes the
 * reply window, not the rest of the gate. The timeline shows the filled text; the outbox sends the template.
 */
export function sendTemplate(
  ctx: DomainContext,
  actor: Actor,
  conversationId: number,
  choice: { name: string; language: string; params?: string[] },
): { messageId: number } {
  const now = ctx.now();
  const done = ctx.db.transaction((tx) => {
    const target = targetOf(ctx, tx, actor, conversationId);
    if (target.kind !== 'whatsapp') throw invalid('template.not_whatsapp', 'template');
    assertMayText(tx, target.numberId, target.phone, { conversationId, now, template: true });
    const { body, content } = templateMessage(tx, target.channel, choice, target);
    const messageId = insertOutbound(tx, conversationId, body, actor.id, now, { content });
    return { messageId, inboxId: target.inboxId };
  });
  ctx.events.emit('message.created', {
    conversationId,
    messageId: done.messageId,
    inboxId: done.inboxId,
    direction: 'out',
  });
  return { messageId: done.messageId };
}
