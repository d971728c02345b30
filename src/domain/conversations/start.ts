import { and, asc, desc, eq, inArray, isNull } from 'drizzle-orm';
import { contactPhones, contacts } from '../../db/schema/contacts.ts';
import { conversations } from '../../db/schema/conversations.ts';
import { inboxes, inboxMembers } from '../../db/schema/inboxes.ts';
import { numbers } from '../../db/schema/numbers.ts';
import type { Actor, DomainContext } from '../context.ts';
import { invalid, notFound } from '../errors.ts';
import { inboxVisibleTo } from '../inboxes/access.ts';
import { contactVisibleTo } from '../contacts/access.ts';
import { bookOf, contactFor, TEAM_BOOK } from '../contacts/book.ts';
import { assertFits, assertMayText, cleanBody, insertOutbound } from '../messaging/outbox.ts';
import { capabilitiesOf, type MessageKind } from '../messaging/capabilities.ts';
import { APPROVED, templateMessage, variableCount } from '../messaging/templates.ts';
import { messageTemplates } from '../../db/schema/templates.ts';
import { addEvent } from './actions.ts';
import { continuedBy } from './continued.ts';
import type { Country } from '../../lib/countries.ts';
import { countryOfNumber, exampleNumber, formatPhone, parsePhone, takesTexts } from '../../lib/e164.ts';

export interface SendableNumber {
  id: number;
  e164: string;
  inboxName: string;
  personal: boolean;
  /** Its carrier registration (10DLC) is not done: carriers block texts from it, so sending is refused. */
  unregistered: boolean;
  kind: MessageKind;
}

/** The numbers the actor may start a conversation from: those of the inboxes they see, still configured. */
export function sendableNumbers({ db }: DomainContext, actor: Actor): SendableNumber[] {
  return db
    .select({
      id: numbers.id,
      e164: numbers.e164,
      inboxName: inboxes.name,
      owner: inboxes.ownerUserId,
      registration: numbers.registration,
      kind: numbers.kind,
    })
    .from(numbers)
    .innerJoin(inboxes, eq(inboxes.id, numbers.inboxId))
    .where(and(inboxVisibleTo(actor), isNull(numbers.retiredAt)))
    .orderBy(asc(inboxes.ownerUserId), asc(inboxes.name), asc(numbers.e164))
    .all()
    .map(({ owner, registration, ...n }) => ({
      ...n,
      personal: owner !== null,
      unregistered: registration === 'pending' || registration === 'unregistered',
    }));
}

/** An approved template a conversation may start with, on one of the actor's WhatsApp numbers. */
export interface StartTemplate {
  numberE164: string;
  name: string;
  language: string;
  body: string;
  variables: number;
}

/** The approved templates of the WhatsApp numbers the actor may start from (synced from the business account). */
export function startTemplates({ db }: DomainContext, actor: Actor): StartTemplate[] {
  return db
    .select({
      numberE164: numbers.e164,
      name: messageTemplates.name,
      language: messageTemplates.language,
      body: messageTemplates.body,
    })
    .from(numbers)
    .innerJoin(inboxes, eq(inboxes.id, numbers.inboxId))
    .innerJoin(messageTemplates, eq(messageTemplates.channel, numbers.channel))
    .where(
      and(
        inboxVisibleTo(actor),
        isNull(numbers.retiredAt),
        eq(numbers.kind, 'whatsapp'),
        eq(messageTemplates.status, APPROVED),
      ),
    )
    .orderBy(asc(numbers.e164), asc(messageTemplates.name), asc(messageTemplates.language))
    .all()
    .map((t) => ({ ...t, variables: variableCount(t.body) }));
}

/** The example a refused number's message gives: the first of the countries national numbers are read in. */
function exampleFor(countries: readonly (Country | null)[]) {
  const country = countries.find((c) => c !== null);
  return country ? exampleNumber(country) : null;
}

export interface StartInput {
  numberId: number;
  /** A saved contact (their first number unless `to` names one of theirs) … */
  contactId?: number;
  /** … or a number as typed. */
  to?: unknown;
  body: unknown;
  /** Instead of the body, on a WhatsApp number: an approved template (the agent's values; empty ones the contact's). */
  template?: { name: string; language: string; params: string[] };
}

/**
 * Texts a customer first. An open conversation with them on that number is continued rather than doubled;
 * otherwise a new one starts, assigned to the sender where the inbox assigns. Rights, registration and
 * opt-out are checked before anything is written.
 */
export function startConversation(
  ctx: DomainContext,
  actor: Actor,
  input: StartInput,
  /** The actor's: a national number is read as the sending number's country's first, then as this one's. */
  country: Country | null = null,
): { conversationId: number } {
  const { template } = input;
  const body = template ? '' : cleanBody(input.body);
  const now = ctx.now();
  const done = ctx.db.transaction((tx) => {
    const number = tx
      .select({
        id: numbers.id,
        e164: numbers.e164,
        inboxId: numbers.inboxId,
        assignmentEnabled: inboxes.assignmentEnabled,
        owner: inboxes.ownerUserId,
        kind: numbers.kind,
        channel: numbers.channel,
      })
      .from(numbers)
      .innerJoin(inboxes, eq(inboxes.id, numbers.inboxId))
      .where(and(eq(numbers.id, input.numberId), inboxVisibleTo(actor), isNull(numbers.retiredAt)))
      .get();
    if (!number) throw invalid('start.number_invalid', 'from');
    if (template && number.kind !== 'whatsapp') throw invalid('template.not_whatsapp', 'template');
    if (!template) assertFits(body, capabilitiesOf(number.kind).textLimit);
    const inbox = { id: number.inboxId, owner: number.owner };
    const countries = [countryOfNumber(number.e164), country];
    let phone: string | null;
    let contactId: number;
    if (input.contactId !== undefined) {
      const picked = tx
        .select({ id: contacts.id, book: contacts.book, name: contacts.name })
        .from(contacts)
        .where(and(eq(contacts.id, input.contactId), contactVisibleTo(actor)))
        .get();
      if (!picked) throw notFound();
      const phones = tx
        .select({ phone: contactPhones.phone })
        .from(contactPhones)
        .where(eq(contactPhones.contactId, picked.id))
        .orderBy(asc(contactPhones.phone))
        .all()
        .map((p) => p.phone);
      const wanted = parsePhone(input.to, countries);
      phone = wanted && phones.includes(wanted) ? wanted : (phones[0] ?? null);
      if (!phone) throw invalid('start.contact_no_phone', 'to');
      // A contact from another book is not carried across: the number's contact in this inbox's book is used, or
      // made. A team contact's name may go along into a personal book (its owner sees it anyway); nothing of a
      // personal book goes into the team's.
      contactId =
        picked.book === bookOf(number.owner)
          ? picked.id
          : contactFor(tx, inbox, phone, picked.book === TEAM_BOOK ? picked.name : null);
    } else {
      phone = parsePhone(input.to, countries);
      if (!phone) {
        const example = exampleFor(countries);
        throw invalid(example ? 'start.phone_invalid' : 'start.phone_invalid_intl', 'to', example ?? {});
      }
      contactId = contactFor(tx, inbox, phone);
    }
    if (!takesTexts(phone)) throw invalid('start.phone_untextable', 'to', { phone: formatPhone(phone, null) });
    // The same conversations inbound texts continue; a snoozed one stays snoozed (a reply of ours is no reason to look).
    const open = tx
      .select({ id: conversations.id, inboxId: conversations.inboxId })
      .from(conversations)
      .innerJoin(inboxes, eq(inboxes.id, conversations.inboxId))
      .where(and(continuedBy(number, phone), inArray(conversations.status, ['open', 'snoozed'])))
      .orderBy(desc(conversations.id))
      .get();
    assertMayText(tx, number.id, phone, { conversationId: open?.id ?? null, now, template: template !== undefined });
    // A template is filled for the contact as their book has them (a new one has no name: {{1}} then needs a value).
    const message = template
      ? templateMessage(tx, number.channel, template, {
          ...tx
            .select({ contactName: contacts.name, company: contacts.company })
            .from(contacts)
            .where(eq(contacts.id, contactId))
            .get()!,
          phone,
        })
      : { body, content: undefined };
    const member = tx
      .select({ u: inboxMembers.userId })
      .from(inboxMembers)
      .where(and(eq(inboxMembers.inboxId, number.inboxId), eq(inboxMembers.userId, actor.id)))
      .get();
    const assign = number.owner === null && number.assignmentEnabled && member !== undefined;
    const conversationId =
      open?.id ??
      tx
        .insert(conversations)
        .values({
          inboxId: number.inboxId,
          numberId: number.id,
          contactId,
          phone,
          status: 'open',
          assigneeId: assign ? actor.id : null,
          lastMessageAt: now,
          createdAt: now,
        })
        .returning({ id: conversations.id })
        .get().id;
    const eventId = open ? null : addEvent(tx, conversationId, 'started', actor.id, now);
    const messageId = insertOutbound(
      tx,
      conversationId,
      message.body,
      actor.id,
      now,
      message.content ? { content: message.content } : {},
    );
    return { conversationId, messageId, eventId, inboxId: open?.inboxId ?? number.inboxId };
  });
  const { conversationId, inboxId } = done;
  if (done.eventId !== null) ctx.events.emit('conversation.event', { conversationId, eventId: done.eventId, inboxId });
  ctx.events.emit('message.created', { conversationId, messageId: done.messageId, inboxId, direction: 'out' });
  return { conversationId };
}
