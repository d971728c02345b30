/**
 * Test worlds built through the domain, one small factory per thing a test needs (like Outline's
 * server/test/factories.ts). Each takes the test's app (`buildTestApp()` or a browser test's server) first, creates
 * what it depends on when it is not given (a conversation makes its number, a number its inbox), picks defaults that
 * are unique per call (names, emails, numbers), and returns the row or ids the test goes on with.
 */
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { numbers } from '../src/db/schema/numbers.ts';
import {
  campaignRecipients,
  campaigns,
  type CampaignState,
  type CampaignTemplate,
} from '../src/db/schema/campaigns.ts';
import { createApiToken, scopesFor, type ApiScope } from '../src/domain/api-tokens/tokens.ts';
import { createTeamChat, openDirect } from '../src/domain/chats/manage.ts';
import { createContact, type Contact } from '../src/domain/contacts/service.ts';
import type { Actor } from '../src/domain/context.ts';
import { createInbox, listSharedInboxes, setMembers, type Inbox } from '../src/domain/inboxes/service.ts';
import { receiveMessage } from '../src/domain/messaging/inbound.ts';
import { keywordTextsOf } from '../src/domain/messaging/texts.ts';
import { addNote } from '../src/domain/notes/service.ts';
import { syncNumbers, type NumberConfig } from '../src/domain/numbers/sync.ts';
import { createUser, type PublicUser } from '../src/domain/users/service.ts';
import { PASSWORD } from './helper.ts';

/** What the factories build in: `buildTestApp()`'s result or a browser test's server. */
export interface World {
  app: FastifyInstance;
}

/** A user as the tests hold one: the row and the actor to call the domain as. */
export type User = PublicUser & { actor: Actor };
/** A shop's number as the tests hold one (its row). */
export type ShopNumber = typeof numbers.$inferSelect;
/** A user, or just an id: who is meant. */
type Someone = { id: number } | number;

/** The test's own setup acts as an admin who is nobody in particular. */
export const SETUP: Actor = { id: 0, role: 'admin' };

let sequence = 0;
/** 1, 2, 3 … across the test file's process: what makes the defaults unique. */
const next = (): number => ++sequence;
const idOf = (who: Someone): number => (typeof who === 'number' ? who : who.id);
const digits = (n: number): string => String(n).padStart(6, '0');

// Numbers in the NANP's fictional area code 555 (src/lib/e164.ts): ten digits after the +1, as every US number.
/** A shop number nobody else in this process was given (+1 555 3xx xxxx). */
export const nextShopNumber = (): string => `+15553${digits(next())}`;
/** A customer's phone nobody else in this process was given (+1 555 8xx xxxx). */
export const nextCustomer = (): string => `+15558${digits(next())}`;

/** An active user with the test password; an agent unless told. */
export async function buildUser(
  w: World,
  opts: { role?: User['role']; name?: string; email?: string; password?: string; locale?: 'en' | 'de' } = {},
): Promise<User> {
  const role = opts.role ?? 'agent';
  const n = next();
  const user = await createUser(w.app.domain, null, {
    role,
    name: opts.name ?? `${role[0]!.toUpperCase()}${role.slice(1)} ${n}`,
    email: opts.email ?? `${role}-${n}@example.test`,
    password: opts.password ?? PASSWORD,
    ...(opts.locale ? { locale: opts.locale } : {}),
  });
  return { ...user, actor: { id: user.id, role: user.role } };
}

/** A shared inbox with these members (users or ids). */
export function buildInbox(w: World, opts: { name?: string; members?: Someone[] } = {}): Inbox {
  const inbox = createInbox(w.app.domain, null, { name: opts.name ?? `Inbox ${next()}` });
  return opts.members?.length ? staffInbox(w, inbox, opts.members) : inbox;
}

/** The shared inbox called `name` (one a [[number]] block made, say). */
export function inboxNamed(w: World, name: string): Inbox {
  const inbox = listSharedInboxes(w.app.domain, SETUP).find((i) => i.name === name);
  assert.ok(inbox, `an inbox called ${name}`);
  return inbox;
}

/** Makes `members` the people of a shared inbox (a row, or its name); returns the inbox. */
export function staffInbox(w: World, inbox: Inbox | string, members: Someone[]): Inbox {
  const row = typeof inbox === 'string' ? inboxNamed(w, inbox) : inbox;
  setMembers(w.app.domain, SETUP, row.id, members.map(idOf));
  return row;
}

/**
 * A number as a [[number]] block puts it in (registered, on the sandbox connection, no pacing, unless told): in
 * `inbox` (a row, or a name as the config writes it: made when missing), or `owner`'s personal inbox, or a new inbox.
 */
export function buildNumber(
  w: World,
  opts: Partial<Omit<NumberConfig, 'inbox' | 'owner'>> & { inbox?: Pick<Inbox, 'name'> | string; owner?: User } = {},
): ShopNumber {
  const { inbox, owner, ...config } = opts;
  const e164 = config.e164 ?? nextShopNumber();
  const where = owner
    ? { owner: owner.email }
    : { inbox: typeof inbox === 'string' ? inbox : (inbox ?? buildInbox(w)).name };
  const synced = syncNumbers(w.app.domain, [
    {
      ...(config.whatsapp ? {} : { smpp: 'sandbox' }),
      registration: 'registered',
      throughput: 0,
      ...config,
      e164,
      ...where,
    },
  ]);
  assert.deepEqual(synced.skipped, [], `number ${e164} is configured`);
  return findNumber(w, e164);
}

/** The row of a configured number (also the sandbox's own, which `serve` adds); fails the test when missing. */
export function findNumber(w: World, e164: string): ShopNumber {
  const row = w.app.domain.db.select().from(numbers).where(eq(numbers.e164, e164)).get();
  assert.ok(row, `${e164} is a configured number`);
  return row;
}

/**
 * A customer's text to `to`, stored as the channel sink stores it (the number's own keyword answers from the
 * config, else the defaults); fails the test if the number takes no texts.
 */
export function receiveText(
  w: World,
  sms: { to: Pick<ShopNumber, 'e164'> | string; text: string; from?: string },
): { conversationId: number; messageId: number; autoReplyId: number | null } {
  const to = typeof sms.to === 'string' ? sms.to : sms.to.e164;
  const configured = (e164: string) => w.app.configStore.current.number.find((n) => n.e164 === e164);
  const result = receiveMessage(w.app.domain, { from: sms.from ?? nextCustomer(), to, text: sms.text }, (e164) =>
    keywordTextsOf(configured(e164)),
  );
  assert.ok(result.stored, `${to} takes texts`);
  const { stored: _, ...ids } = result;
  return ids;
}

/**
 * A conversation a customer (`from`, else a new one) started by texting `texts` (one "Hello" unless told) to
 * `number` (else a new number of `inbox`, else of a new inbox).
 */
export function buildConversation(
  w: World,
  opts: {
    number?: Pick<ShopNumber, 'e164'> | string;
    inbox?: Pick<Inbox, 'name'> | string;
    from?: string;
    texts?: string[];
  } = {},
): { id: number; inboxId: number; numberId: number; phone: string; to: string; messageIds: number[] } {
  const given = typeof opts.number === 'string' ? opts.number : opts.number?.e164;
  const number = given ? findNumber(w, given) : buildNumber(w, opts.inbox === undefined ? {} : { inbox: opts.inbox });
  const from = opts.from ?? nextCustomer();
  const received = (opts.texts ?? ['Hello']).map((text) => receiveText(w, { to: number, text, from }));
  return {
    id: received[0]!.conversationId,
    inboxId: number.inboxId,
    numberId: number.id,
    phone: from,
    to: number.e164,
    messageIds: received.map((r) => r.messageId),
  };
}

/** A contact in the team's address book, with a name and a phone unless told. */
export function buildContact(
  w: World,
  opts: { name?: string; phones?: string[]; email?: string; company?: string; by?: User } = {},
): Contact {
  const input = {
    name: opts.name ?? `Customer ${next()}`,
    phones: (opts.phones ?? [nextCustomer()]).join('\n'),
    email: opts.email,
    company: opts.company,
  };
  return createContact(
    w.app.domain,
    opts.by?.actor ?? SETUP,
    input,
    w.app.configStore.current.contacts.default_country,
  );
}

/** A private note by `author` on a conversation; returns its id. */
export function buildNote(w: World, opts: { conversation: Someone; author: User; body?: string }): number {
  return addNote(w.app.domain, opts.author.actor, idOf(opts.conversation), opts.body ?? `Note ${next()}`);
}

/**
 * A chat made by `by`: a team chat when it has a name or an inbox (`by` must be a manager or admin; the members
 * join them), else the direct chat between `by` and the one member. Returns its id.
 */
export function buildChat(w: World, opts: { by: User; members?: Someone[]; name?: string; inbox?: Someone }): number {
  const members = (opts.members ?? []).map(idOf);
  if (opts.name === undefined && opts.inbox === undefined) {
    assert.equal(members.length, 1, 'a direct chat has one other member');
    return openDirect(w.app.domain, opts.by.actor, members[0]!);
  }
  return createTeamChat(w.app.domain, opts.by.actor, {
    name: opts.name ?? `Chat ${next()}`,
    memberIds: members,
    ...(opts.inbox === undefined ? {} : { inboxId: idOf(opts.inbox) }),
  });
}

/** Runs `build` with the domain's clock at `ms` (what it writes is dated then), and gives back what it returns. */
export function atTime<T>(w: World, ms: number, build: () => T): T {
  const now = w.app.domain.now;
  w.app.domain.now = () => ms;
  try {
    return build();
  } finally {
    w.app.domain.now = now;
  }
}

/** An API token of `user` (every scope their role may have, unless told); returns the token to send as Bearer. */
export function buildToken(w: World, opts: { user: User; scopes?: readonly ApiScope[]; name?: string }): string {
  return createApiToken(w.app.domain, null, {
    userId: opts.user.id,
    name: opts.name ?? `Token ${next()}`,
    scopes: opts.scopes ?? scopesFor(opts.user.role),
  }).token;
}

/**
 * A campaign from `number` (else a new one) to `phones` (two new customers unless told), written as planning leaves
 * it (recipients pending) in `state` (sending unless told). Recipients are in `zones` (else the one zone where it is
 * 14:00 or so now, by the domain's clock: inside any send window), so quiet hours do not hold them unless a test
 * says so. Returns its id and recipients' ids in `phones` order.
 */
export function buildCampaign(
  w: World,
  opts: {
    number?: Pick<ShopNumber, 'e164'> | string;
    phones?: string[];
    name?: string;
    body?: string;
    footer?: string;
    state?: CampaignState;
    ratePerMinute?: number;
    zones?: string;
    vars?: Record<string, string>[];
    /** A WhatsApp number's template (name, language, its variables' texts). */
    template?: CampaignTemplate;
  } = {},
): { id: number; numberId: number; inboxId: number; phones: string[]; recipientIds: number[] } {
  const given = typeof opts.number === 'string' ? opts.number : opts.number?.e164;
  const number = given ? findNumber(w, given) : buildNumber(w);
  const phones = opts.phones ?? [nextCustomer(), nextCustomer()];
  const now = w.app.domain.now();
  const offset = Math.round(14 - new Date(now).getUTCHours());
  const wrapped = ((offset + 36) % 24) - 12;
  // Etc/GMT signs are POSIX's: Etc/GMT-2 is two hours ahead of UTC.
  const zones = opts.zones ?? (wrapped === 0 ? 'UTC' : `Etc/GMT${wrapped > 0 ? '-' : '+'}${Math.abs(wrapped)}`);
  const state = opts.state ?? 'sending';
  const db = w.app.domain.db;
  const { id } = db
    .insert(campaigns)
    .values({
      name: opts.name ?? `Campaign ${next()}`,
      numberId: number.id,
      state,
      body: opts.body ?? 'Hello {{contact.first_name}}',
      footer: opts.footer ?? 'Reply STOP to opt out',
      ratePerMinute: opts.ratePerMinute ?? 600,
      template: opts.template ?? null,
      ...(state === 'draft' ? {} : { sendAt: now, startedAt: now }),
      createdAt: now,
      updatedAt: now,
    })
    .returning({ id: campaigns.id })
    .get();
  const recipientIds = phones.map(
    (phone, i) =>
      db
        .insert(campaignRecipients)
        .values({ campaignId: id, phone, zones, vars: opts.vars?.[i] ?? null })
        .returning({ id: campaignRecipients.id })
        .get().id,
  );
  return { id, numberId: number.id, inboxId: number.inboxId, phones, recipientIds };
}
