import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import { contactFavourites, contactPhones, contacts, optOuts } from '../../db/schema/contacts.ts';
import { conversations, type ConversationStatus } from '../../db/schema/conversations.ts';
import { inboxes } from '../../db/schema/inboxes.ts';
import { numbers } from '../../db/schema/numbers.ts';
import { users } from '../../db/schema/users.ts';
import type { Actor, DomainContext } from '../context.ts';
import { conflict, DomainError, invalid, notFound } from '../errors.ts';
import { inboxVisibleTo } from '../inboxes/access.ts';
import { LIMITS } from '../limits.ts';
import { contactVisibleTo } from './access.ts';
import { TEAM_BOOK } from './book.ts';
import { addEvent, stateFor, type Tx } from '../conversations/actions.ts';
import type { Country } from '../../lib/countries.ts';
import { exampleNumber, formatPhone, parsePhone } from '../../lib/e164.ts';
import { canonicalTimeZone } from '../../lib/time-zones.ts';
import { announceOptOut, noteOptOut } from '../campaigns/opt-outs.ts';

/**
 * A contact in one address book (./book.ts): the team's, whose contacts anyone who sees one of their
 * conversations reads and edits, or a personal one, its owner's alone (./access.ts). A contact's history lists
 * only conversations in inboxes the user sees.
 */
export interface Contact {
  id: number;
  book: number;
  name: string | null;
  email: string | null;
  company: string | null;
  notes: string | null;
  /** The person's own IANA zone, when known: campaigns keep to quiet hours in it rather than guessing from the number. */
  timeZone: string | null;
  phones: string[];
}

export interface ContactInput {
  name?: unknown;
  email?: unknown;
  company?: unknown;
  notes?: unknown;
  /** An IANA zone name; empty: not known. */
  timeZone?: unknown;
  /** One number per line (a textarea), national numbers read as the person's country's. */
  phones?: unknown;
}

/** The fields given, cleaned; a field left out (undefined) is left as it is. */
interface CleanContact {
  name?: string | null;
  email?: string | null;
  company?: string | null;
  notes?: string | null;
  timeZone?: string | null;
  phones?: string[];
}

function optionalLine(raw: unknown, max: number, key: Parameters<typeof invalid>[0], field: string): string | null {
  const text = typeof raw === 'string' ? raw.trim().replace(/\s+/g, ' ') : '';
  if (text.length === 0) return null;
  if (text.length > max) throw invalid(key, field, { max });
  return text;
}

function cleanEmail(raw: unknown): string | null {
  const email = optionalLine(raw, 254, 'contact.email_invalid', 'email');
  if (email !== null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw invalid('contact.email_invalid', 'email');
  return email;
}

function cleanNotes(raw: unknown): string | null {
  const notes = typeof raw === 'string' ? raw.replace(/\r\n/g, '\n').trim() : '';
  if (notes.length > LIMITS.contactNotes) throw invalid('contact.notes_long', 'notes', { max: LIMITS.contactNotes });
  return notes || null;
}

function cleanTimeZone(raw: unknown): string | null {
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (text.length === 0) return null;
  const zone = canonicalTimeZone(text);
  if (zone === null) throw invalid('contact.time_zone_invalid', 'time_zone', { zone: text.slice(0, 64) });
  return zone;
}

function cleanPhones(raw: unknown, country: Country | null): string[] {
  const lines = (typeof raw === 'string' ? raw : '')
    .split(/[\n,;]/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length > 10) throw invalid('contact.phones_many', 'phones', { max: 10 });
  const phones = lines.map((line) => {
    const phone = parsePhone(line, [country]);
    if (phone) return phone;
    const example = country ? exampleNumber(country) : null;
    throw invalid(example ? 'contact.phone_invalid_national' : 'contact.phone_invalid', 'phones', {
      phone: line.slice(0, 40),
      ...example,
    });
  });
  return [...new Set(phones)];
}

function cleanContact(input: ContactInput, country: Country | null): CleanContact {
  const clean: CleanContact = {};
  if (input.name !== undefined) clean.name = optionalLine(input.name, 100, 'contact.name_long', 'name');
  if (input.email !== undefined) clean.email = cleanEmail(input.email);
  if (input.company !== undefined) clean.company = optionalLine(input.company, 100, 'contact.company_long', 'company');
  if (input.notes !== undefined) clean.notes = cleanNotes(input.notes);
  if (input.timeZone !== undefined) clean.timeZone = cleanTimeZone(input.timeZone);
  if (input.phones !== undefined) clean.phones = cleanPhones(input.phones, country);
  return clean;
}

/** The contact, if the actor may see them (404 otherwise: an id you may not see does not exist for you). */
function readContact(tx: Pick<Tx, 'select'>, actor: Actor, contactId: number): Contact {
  const row = tx
    .select()
    .from(contacts)
    .where(and(eq(contacts.id, contactId), contactVisibleTo(actor)))
    .get();
  if (!row) throw notFound();
  const phones = tx
    .select({ phone: contactPhones.phone })
    .from(contactPhones)
    .where(eq(contactPhones.contactId, contactId))
    .orderBy(asc(contactPhones.phone))
    .all();
  return {
    id: row.id,
    book: row.book,
    name: row.name,
    email: row.email,
    company: row.company,
    notes: row.notes,
    timeZone: row.timeZone,
    phones: phones.map((p) => p.phone),
  };
}

export function getContact(ctx: DomainContext, actor: Actor, contactId: number): Contact {
  return readContact(ctx.db, actor, contactId);
}

/** A number belongs to one contact of a book: taking one another contact of the book has is refused, naming who has it. */
function setPhones(tx: Tx, actor: Actor, contact: { id: number; book: number }, phones: string[]): void {
  const contactId = contact.id;
  for (const phone of phones) {
    const owner = tx
      .select({ id: contactPhones.contactId, name: contacts.name })
      .from(contactPhones)
      .innerJoin(contacts, eq(contacts.id, contactPhones.contactId))
      .where(and(eq(contactPhones.book, contact.book), eq(contactPhones.phone, phone)))
      .get();
    if (!owner || owner.id === contactId) continue;
    // Naming a contact the actor may not see would let anyone look numbers up.
    const visible = tx
      .select({ id: contacts.id })
      .from(contacts)
      .where(and(eq(contacts.id, owner.id), contactVisibleTo(actor)))
      .get();
    const shown = formatPhone(phone, null);
    if (!visible) throw conflict('contact.phone_taken_other', 'phones', { phone: shown });
    throw conflict('contact.phone_taken', 'phones', { phone: shown, name: owner.name ?? shown });
  }
  tx.delete(contactPhones).where(eq(contactPhones.contactId, contactId)).run();
  for (const phone of phones) tx.insert(contactPhones).values({ book: contact.book, phone, contactId }).run();
}

export function updateContact(
  ctx: DomainContext,
  actor: Actor,
  contactId: number,
  input: ContactInput,
  /** The person's: national numbers are read as its. */
  country: Country | null = null,
): Contact {
  const clean = cleanContact(input, country);
  const contact = ctx.db.transaction((tx) => {
    const contact = readContact(tx, actor, contactId);
    const { phones, ...fields } = clean;
    if (Object.keys(fields).length > 0) tx.update(contacts).set(fields).where(eq(contacts.id, contactId)).run();
    if (phones) setPhones(tx, actor, contact, phones);
    return readContact(tx, actor, contactId);
  });
  ctx.events.emit('contact.changed', { contactId });
  return contact;
}

export function createContact(
  ctx: DomainContext,
  actor: Actor,
  input: ContactInput,
  country: Country | null = null,
): Contact {
  const clean = cleanContact(input, country);
  if (!clean.name && !clean.phones?.length) throw invalid('contact.empty', 'name');
  return ctx.db.transaction((tx) => {
    const { phones, ...fields } = clean;
    // Added by hand: an entry in the team's address book for the whole team.
    const id = tx
      .insert(contacts)
      .values({ ...fields, book: TEAM_BOOK, handMade: true })
      .returning({ id: contacts.id })
      .get().id;
    setPhones(tx, actor, { id, book: TEAM_BOOK }, phones ?? []);
    return readContact(tx, actor, id);
  });
}

/**
 * Links inside the caller's transaction: version checked, the number moved to the contact, the event written.
 * Only to a contact of the conversation's own book: a personal conversation's customer is never filed under a
 * team contact, nor the other way round.
 */
function linkInTx(
  tx: Tx,
  actor: Actor,
  conversationId: number,
  version: number,
  contact: { id: number; book: number; name: string | null },
  now: number,
) {
  const state = stateFor(tx, actor, conversationId);
  if (state.version !== version) throw conflict('conversation.stale');
  if (contact.book !== state.book) throw notFound();
  const { phone } = tx
    .select({ phone: conversations.phone })
    .from(conversations)
    .where(eq(conversations.id, conversationId))
    .get()!;
  tx.insert(contactPhones)
    .values({ book: state.book, phone, contactId: contact.id })
    .onConflictDoUpdate({ target: [contactPhones.book, contactPhones.phone], set: { contactId: contact.id } })
    .run();
  tx.update(conversations)
    .set({ contactId: contact.id, version: sql`${conversations.version} + 1` })
    .where(eq(conversations.id, conversationId))
    .run();
  return {
    inboxId: state.inboxId,
    eventId: addEvent(tx, conversationId, 'contact_linked', actor.id, now, { contact: contact.name ?? phone }),
  };
}

function emitLinked(ctx: DomainContext, conversationId: number, done: { inboxId: number; eventId: number }): void {
  ctx.events.emit('conversation.changed', { conversationId, inboxId: done.inboxId, contact: true });
  ctx.events.emit('conversation.event', { conversationId, eventId: done.eventId, inboxId: done.inboxId });
}

/**
 * Links the conversation to another contact; the conversation's number goes with it, so the customer's
 * next texts are filed under that contact too. Recorded on the timeline.
 */
export function linkContact(
  ctx: DomainContext,
  actor: Actor,
  conversationId: number,
  version: number,
  contactId: number,
): void {
  const done = ctx.db.transaction((tx) =>
    linkInTx(tx, actor, conversationId, version, readContact(tx, actor, contactId), ctx.now()),
  );
  emitLinked(ctx, conversationId, done);
}

/** Creates a contact for the conversation's number and links it — one transaction, so a refusal leaves nothing behind. */
export function linkNewContact(
  ctx: DomainContext,
  actor: Actor,
  conversationId: number,
  version: number,
  input: ContactInput,
  /** The person's: national numbers are read as its. */
  country: Country | null = null,
): Contact {
  const clean = cleanContact(input, country);
  if (!clean.name) throw invalid('contact.name_needed', 'name');
  const done = ctx.db.transaction((tx) => {
    const { book, inboxId } = stateFor(tx, actor, conversationId);
    const { phone } = tx
      .select({ phone: conversations.phone })
      .from(conversations)
      .where(eq(conversations.id, conversationId))
      .get()!;
    const { phones, ...fields } = clean;
    const id = tx
      .insert(contacts)
      .values({ ...fields, book, originInboxId: inboxId })
      .returning({ id: contacts.id })
      .get().id;
    // The conversation's number moves to the new contact in linkInTx; the others must be free.
    setPhones(
      tx,
      actor,
      { id, book },
      (phones ?? []).filter((p) => p !== phone),
    );
    return { id, ...linkInTx(tx, actor, conversationId, version, { id, book, name: fields.name ?? null }, ctx.now()) };
  });
  emitLinked(ctx, conversationId, done);
  return getContact(ctx, actor, done.id);
}

export interface ContactConversation {
  id: number;
  inboxName: string;
  personal: boolean;
  numberE164: string;
  status: ConversationStatus;
  lastMessageAt: number;
}

/** The contact's conversations across the inboxes the actor sees, newest first. */
export function contactHistory(ctx: DomainContext, actor: Actor, contactId: number, limit = 20): ContactConversation[] {
  return ctx.db
    .select({
      id: conversations.id,
      inboxName: inboxes.name,
      owner: inboxes.ownerUserId,
      numberE164: numbers.e164,
      status: conversations.status,
      lastMessageAt: conversations.lastMessageAt,
    })
    .from(conversations)
    .innerJoin(inboxes, eq(inboxes.id, conversations.inboxId))
    .innerJoin(numbers, eq(numbers.id, conversations.numberId))
    .where(and(eq(conversations.contactId, contactId), inboxVisibleTo(actor)))
    .orderBy(desc(conversations.lastMessageAt))
    .limit(limit)
    .all()
    .map(({ owner, ...c }) => ({ ...c, personal: owner !== null }));
}

/**
 * Contacts whose name, company or number contains the query: for the panel's "link to another contact" (in one
 * book) and New conversation's To.
 */
export function searchContacts(
  ctx: DomainContext,
  actor: Actor,
  query: unknown,
  /** One address book; all the actor sees without it. */
  book: number | null,
  limit = 10,
): Contact[] {
  const q = typeof query === 'string' ? query.trim().slice(0, 60) : '';
  if (q.length < 2) return [];
  const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  // A number as people write it ("(555) 123-00", "0151 23…"): its digits, without the national trunk 0, are part
  // of the stored E.164 form.
  const digits = /^[\d\s().\-/+]+$/.test(q) ? q.replace(/\D/g, '').replace(/^0+/, '') : '';
  const byDigits = digits.length >= 3 ? sql` OR ${contactPhones.phone} LIKE ${`%${digits}%`}` : sql``;
  const ids = ctx.db
    .selectDistinct({ id: contacts.id })
    .from(contacts)
    .leftJoin(contactPhones, eq(contactPhones.contactId, contacts.id))
    .where(
      and(
        book === null ? undefined : eq(contacts.book, book),
        sql`(${contacts.name} LIKE ${like} ESCAPE '\\' OR ${contacts.company} LIKE ${like} ESCAPE '\\' OR ${contactPhones.phone} LIKE ${like} ESCAPE '\\'${byDigits})`,
        contactVisibleTo(actor),
      ),
    )
    .limit(limit)
    .all();
  return ids.map((r) => readContact(ctx.db, actor, r.id));
}

export function isFavourite({ db }: DomainContext, actor: Actor, contactId: number): boolean {
  return (
    db
      .select({ c: contactFavourites.contactId })
      .from(contactFavourites)
      .where(and(eq(contactFavourites.userId, actor.id), eq(contactFavourites.contactId, contactId)))
      .get() !== undefined
  );
}

export function setFavourite(ctx: DomainContext, actor: Actor, contactId: number, favourite: boolean): void {
  ctx.db.transaction((tx) => {
    readContact(tx, actor, contactId);
    if (favourite) tx.insert(contactFavourites).values({ userId: actor.id, contactId }).onConflictDoNothing().run();
    else
      tx.delete(contactFavourites)
        .where(and(eq(contactFavourites.userId, actor.id), eq(contactFavourites.contactId, contactId)))
        .run();
  });
}

export interface FavouriteContact extends Contact {
  /** Their latest conversation the actor may open, if any. */
  latestConversationId: number | null;
}

export function listFavourites(ctx: DomainContext, actor: Actor): FavouriteContact[] {
  const ids = ctx.db
    .select({ id: contactFavourites.contactId })
    .from(contactFavourites)
    .innerJoin(contacts, eq(contacts.id, contactFavourites.contactId))
    .where(and(eq(contactFavourites.userId, actor.id), contactVisibleTo(actor)))
    .orderBy(asc(sql`lower(coalesce(${contacts.name}, ''))`))
    .all();
  return ids.map(({ id }) => ({
    ...readContact(ctx.db, actor, id),
    latestConversationId: contactHistory(ctx, actor, id, 1)[0]?.id ?? null,
  }));
}

/** Unsubscribed by hand: the same opt-out as a STOP text, for this conversation's number, shown as who did it. */
export function unsubscribeByHand(ctx: DomainContext, actor: Actor, conversationId: number): void {
  const now = ctx.now();
  const done = ctx.db.transaction((tx) => {
    const state = stateFor(tx, actor, conversationId);
    const conv = tx
      .select({ phone: conversations.phone, numberId: conversations.numberId })
      .from(conversations)
      .where(eq(conversations.id, conversationId))
      .get()!;
    const added = tx
      .insert(optOuts)
      .values({ phone: conv.phone, numberId: conv.numberId, source: 'manual', byUserId: actor.id, at: now })
      .onConflictDoNothing()
      .run();
    if (added.changes === 0) throw conflict('contact.already_unsubscribed');
    return {
      inboxId: state.inboxId,
      eventId: addEvent(tx, conversationId, 'unsubscribed', actor.id, now),
      campaigns: noteOptOut(tx, conv.numberId, conv.phone, now),
    };
  });
  ctx.events.emit('conversation.changed', { conversationId, inboxId: done.inboxId, contact: true });
  ctx.events.emit('conversation.event', { conversationId, eventId: done.eventId, inboxId: done.inboxId });
  announceOptOut(ctx, done.campaigns);
}

/** One (customer number, our number) pair a contact is opted out on. */
export interface ContactOptOut {
  phone: string;
  /** Our number (E.164) that sends them nothing more. */
  number: string;
}

/**
 * Opts a contact's numbers out of every number the actor may text them from (those of the inboxes they see, still
 * configured) in one go: the same opt-out as a STOP text or unsubscribeByHand, each new one an `unsubscribed`
 * event on the conversation it ends (if there is one). Unsubscribing again changes nothing. Returns every such
 * pair now opted out.
 */
export function unsubscribeContact(ctx: DomainContext, actor: Actor, contactId: number): ContactOptOut[] {
  const now = ctx.now();
  const done = ctx.db.transaction((tx) => {
    const contact = readContact(tx, actor, contactId);
    const ours = tx
      .select({ id: numbers.id, e164: numbers.e164 })
      .from(numbers)
      .innerJoin(inboxes, eq(inboxes.id, numbers.inboxId))
      .where(and(inboxVisibleTo(actor), isNull(numbers.retiredAt)))
      .orderBy(asc(numbers.e164))
      .all();
    const changed: { conversationId: number; inboxId: number; eventId: number }[] = [];
    const campaigns: ReturnType<typeof noteOptOut> = { campaigns: [], messages: [] };
    for (const phone of contact.phones) {
      for (const number of ours) {
        const added = tx
          .insert(optOuts)
          .values({ phone, numberId: number.id, source: 'manual', byUserId: actor.id, at: now })
          .onConflictDoNothing()
          .run();
        if (added.changes === 0) continue;
        const stopped = noteOptOut(tx, number.id, phone, now);
        campaigns.campaigns.push(...stopped.campaigns);
        campaigns.messages.push(...stopped.messages);
        const ended = tx
          .select({ id: conversations.id, inboxId: conversations.inboxId })
          .from(conversations)
          .where(and(eq(conversations.phone, phone), eq(conversations.numberId, number.id)))
          .all();
        for (const c of ended)
          changed.push({
            conversationId: c.id,
            inboxId: c.inboxId,
            eventId: addEvent(tx, c.id, 'unsubscribed', actor.id, now),
          });
      }
    }
    return {
      changed,
      campaigns,
      optOuts: contact.phones.flatMap((phone) => ours.map((number) => ({ phone, number: number.e164 }))),
    };
  });
  for (const { conversationId, inboxId, eventId } of done.changed) {
    ctx.events.emit('conversation.changed', { conversationId, inboxId, contact: true });
    ctx.events.emit('conversation.event', { conversationId, eventId, inboxId });
  }
  announceOptOut(ctx, done.campaigns);
  return done.optOuts;
}

export interface CallLinks {
  callUrl?: string;
  meetingUrl?: string;
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in values ? encodeURIComponent(values[key]!) : whole,
  );
}

/** Where *Call* and *Start a meeting* take this agent: `tel:` or the admin's click-to-call URL, the meeting URL or none. */
export function callLinks(
  ctx: DomainContext,
  actor: Actor,
  conversationId: number,
  links: CallLinks,
): { call: string; meeting: string | null } {
  stateFor(ctx.db, actor, conversationId);
  const conv = ctx.db
    .select({ phone: conversations.phone, name: contacts.name, from: numbers.e164 })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(numbers, eq(numbers.id, conversations.numberId))
    .where(eq(conversations.id, conversationId))
    .get()!;
  // {extension}: the calling agent's own desk phone (Settings → Click-to-call), for PBXs that ring it first.
  const extension =
    ctx.db.select({ extension: users.extension }).from(users).where(eq(users.id, actor.id)).get()?.extension ?? '';
  const values = {
    number: conv.phone,
    name: conv.name ?? conv.phone,
    from: conv.from,
    conversation: String(conversationId),
    extension,
  };
  return {
    call: links.callUrl ? fill(links.callUrl, values) : `tel:${conv.phone}`,
    meeting: links.meetingUrl ? fill(links.meetingUrl, values) : null,
  };
}

/**
 * Records on the timeline that the agent followed *Call* or *Start a meeting*: the page reports the click on the
 * link the browser itself opens, so the timeline never shows a call that nobody started.
 */
export function logCall(
  ctx: DomainContext,
  actor: Actor,
  conversationId: number,
  kind: 'call' | 'meeting',
  links: CallLinks,
): void {
  if (kind === 'meeting' && !links.meetingUrl) throw new DomainError(422, 'contact.no_meeting_url');
  const now = ctx.now();
  const done = ctx.db.transaction((tx) => {
    const state = stateFor(tx, actor, conversationId);
    const { phone } = tx
      .select({ phone: conversations.phone })
      .from(conversations)
      .where(eq(conversations.id, conversationId))
      .get()!;
    const kindOfEvent = kind === 'call' ? 'call_started' : 'meeting_started';
    return {
      inboxId: state.inboxId,
      eventId: addEvent(tx, conversationId, kindOfEvent, actor.id, now, { number: phone }),
    };
  });
  ctx.events.emit('conversation.event', { conversationId, eventId: done.eventId, inboxId: done.inboxId });
}
