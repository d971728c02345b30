import { and, asc, eq, inArray, isNotNull, isNull, ne, sql, type Placeholder, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteSelect } from 'drizzle-orm/sqlite-core';
import { inList } from '../../db/in-list.ts';
import { contacts } from '../../db/schema/contacts.ts';
import {
  conversationPins,
  conversationReads,
  conversations,
  conversationTags,
  type ConversationStatus,
  messages,
  tags,
  waitingOrder,
} from '../../db/schema/conversations.ts';
import { inboxes } from '../../db/schema/inboxes.ts';
import { attachments, mediaLinks } from '../../db/schema/media.ts';
import { numbers } from '../../db/schema/numbers.ts';
import { users } from '../../db/schema/users.ts';
import { isManager, type Actor, type DomainContext } from '../context.ts';
import { bookReadableBy, TEAM_BOOK } from '../contacts/book.ts';
import { DomainError, forbidden, notFound } from '../errors.ts';
import { inboxAudience, inboxVisibleTo } from '../inboxes/access.ts';
import { PREVIEW_READ, toPreview } from '../../formatting/markdown.ts';
import { prepared } from '../prepared.ts';

export const PAGE_SIZE = 50;

export type ListSort = 'newest' | 'oldest' | 'waiting';

/** What a conversation list shows; every field narrows it. The route builds this from the URL. */
export interface ListFilter {
  /**
   * Shared inboxes, the actor's own personal numbers, or a number's history: its conversations left in a
   * personal inbox from before it joined the shared inbox the actor sees (needs `numberId`). `all`: shared and
   * personal together (what search looks through).
   */
  scope: 'shared' | 'personal' | 'history' | 'all';
  /** Any status when left out. */
  status?: ConversationStatus;
  inboxId?: number;
  numberId?: number;
  assignee?: 'me' | 'none' | number;
  tagId?: number;
  unread?: boolean;
  /** Last activity on or after / before these times (ms). */
  from?: number;
  to?: number;
  sort: ListSort;
}

export interface ListRow {
  id: number;
  inboxId: number;
  inboxName: string;
  /** In a personal inbox (its stored name means nothing to people). */
  personal: boolean;
  contactName: string | null;
  phone: string;
  numberE164: string;
  status: ConversationStatus;
  /** When it comes back, while snoozed. */
  snoozedUntil: number | null;
  assigneeName: string | null;
  lastMessageAt: number;
  waitingSince: number | null;
  /** The last message as one plain line (toPreview); null before the first. */
  preview: string | null;
  /** How the last message travelled: with files and no link to them, as an MMS. */
  channel: Channel;
  tags: string[];
  unread: boolean;
  pinned: boolean;
  /** Where the row sits in its list's order, for live inserts. */
  order: number;
}

export type Channel = 'sms' | 'mms';

export interface ListPage {
  pinned: ListRow[];
  rows: ListRow[];
  /** Pass back as `after` for the next page; null on the last page. */
  next: string | null;
}

/** The inbox ids a list may draw from: the visible ones of the scope, or the one asked for (404 if not visible). */
function inboxIdsFor(ctx: DomainContext, actor: Actor, filter: ListFilter): number[] {
  if (filter.scope === 'history') return historyInboxIds(ctx, actor, filter.numberId);
  const ids = (
    prepared(ctx, `inboxes;${filter.scope};${actor.id};${actor.role}`, () =>
      ctx.db
        .select({ id: inboxes.id })
        .from(inboxes)
        .where(
          and(
            inboxVisibleTo(actor),
            filter.scope === 'personal'
              ? eq(inboxes.ownerUserId, actor.id)
              : filter.scope === 'shared'
                ? isNull(inboxes.ownerUserId)
                : sql`1`,
          ),
        )
        .prepare(),
    ).all({}) as { id: number }[]
  ).map((r) => r.id);
  if (filter.inboxId === undefined) return ids;
  if (!ids.includes(filter.inboxId)) throw notFound();
  return [filter.inboxId];
}

/** The personal inboxes holding a number's earlier conversations, for someone who sees the shared inbox it serves now. */
function historyInboxIds(ctx: DomainContext, actor: Actor, numberId: number | undefined): number[] {
  if (numberId === undefined) throw notFound();
  const number = ctx.db
    .select({ inboxId: numbers.inboxId })
    .from(numbers)
    .innerJoin(inboxes, eq(inboxes.id, numbers.inboxId))
    .where(and(eq(numbers.id, numberId), isNull(inboxes.ownerUserId), inboxVisibleTo(actor)))
    .get();
  if (!number) throw notFound();
  return ctx.db
    .selectDistinct({ id: conversations.inboxId })
    .from(conversations)
    .innerJoin(inboxes, eq(inboxes.id, conversations.inboxId))
    .where(and(eq(conversations.numberId, numberId), isNotNull(inboxes.ownerUserId)))
    .all()
    .map((r) => r.id);
}

/** Whether a shared inbox's number has conversations from before it joined (to offer its history view). */
export function numberHasHistory(ctx: DomainContext, actor: Actor, numberId: number): boolean {
  try {
    return historyInboxIds(ctx, actor, numberId).length > 0;
  } catch {
    return false;
  }
}

/** Unread: a customer text after the user's read mark (`readAt`); without a mark, after they joined. */
function unreadBy(readAt: SQL | SQLiteColumn, joinedAt: number | Placeholder | SQLiteColumn): SQL<number> {
  return sql<number>`coalesce(${conversations.lastInboundAt} > coalesce(${readAt}, ${joinedAt}), 0)`;
}

/** Values every prepared list query takes (`prepared`). */
const actorId = sql.placeholder('actor');
const joinedAt = sql.placeholder('joinedAt');

const unreadExpr = (): SQL<number> =>
  unreadBy(
    sql`(SELECT ${conversationReads.readAt} FROM ${conversationReads} WHERE ${conversationReads.userId} = ${actorId} AND ${conversationReads.conversationId} = ${conversations.id})`,
    joinedAt,
  );

const pinnedBy = (): SQL =>
  sql`EXISTS (SELECT 1 FROM ${conversationPins} WHERE ${conversationPins.userId} = ${actorId} AND ${conversationPins.conversationId} = ${conversations.id})`;

/** The list's sort as key columns (the id breaks ties), so paging seeks with a row-value comparison instead of OFFSET. */
function sortKeys(sort: ListSort): { keys: SQL[]; desc: boolean } {
  if (sort === 'waiting') return { keys: [...waitingOrder(conversations), sql`${conversations.id}`], desc: false };
  return { keys: [sql`${conversations.lastMessageAt}`, sql`${conversations.id}`], desc: sort === 'newest' };
}

/** `after` as written by `cursorOf`; anything else is no cursor (the first page). */
function parseCursor(after: string | undefined, width: number): number[] | null {
  if (!after || !/^-?\d{1,16}(\.-?\d{1,16}){1,3}$/.test(after)) return null;
  const parts = after.split('.').map(Number);
  return parts.length === width ? parts : null;
}

/**
 * A list's filter as SQL with placeholders (`where`), the placeholders' values, and `shape`: a key that names
 * the SQL (with the sort and the tag column, which shape the rows), so a query is prepared once per shape.
 */
export interface Conditions {
  where: () => SQL[];
  values: Record<string, unknown>;
  shape: string;
}

function conditions(
  ctx: DomainContext,
  actor: Actor,
  filter: ListFilter,
  viewer: Viewer,
  unread?: readonly number[],
): Conditions {
  if (filter.status === 'spam' && !isManager(actor)) throw forbidden();
  const inboxIds = inboxIdsFor(ctx, actor, filter);
  // The actor's unread conversations as read for the navigation (`unreadIds`), when that is all of them and the
  // list shows open ones: the few ids instead of every open conversation's read mark again (someone who has read
  // nearly everything of 10 000 open ones: 6 ms).
  // A number's history is in other people's inboxes, which `unreadIds` does not look at.
  const unreadKnown =
    filter.unread === true &&
    filter.status === 'open' &&
    filter.scope !== 'history' &&
    unread !== undefined &&
    unread.length < UNREAD_CAP;
  const values: Record<string, unknown> = { actor: actor.id, joinedAt: viewer.joinedAt };
  // Each condition with its part of the shape, which must change whenever its SQL does; built only when needed.
  const parts: { key: string; sql: () => SQL }[] = [];
  const placeholder = (name: string, value: unknown): Placeholder => ((values[name] = value), sql.placeholder(name));

  // The inbox index gives a list's order only for one inbox and one status; otherwise SQLite would sort every
  // conversation of the inboxes, so `+inbox_id` keeps it off that index (to an index in the list's order, or
  // to a tag's few conversations).
  const byInbox = inboxIds.length === 1 && filter.status !== undefined && filter.tagId === undefined && !unreadKnown;
  const inboxes = inboxIds.length ? inboxIds.map((id, i) => placeholder(`inbox${i}`, id)) : [-1];
  parts.push({
    key: `inboxes ${inboxIds.length}${byInbox ? '' : '+'}`,
    sql: () => inArray(byInbox ? sql`${conversations.inboxId}` : sql`+${conversations.inboxId}`, inboxes),
  });
  if (filter.status) {
    const status = placeholder('status', filter.status);
    parts.push({ key: 'status', sql: () => eq(conversations.status, status) });
  } else if (!isManager(actor)) {
    parts.push({ key: 'not spam', sql: () => ne(conversations.status, 'spam') });
  }
  if (filter.numberId !== undefined) {
    const number = placeholder('number', filter.numberId);
    parts.push({ key: 'number', sql: () => eq(conversations.numberId, number) });
  }
  if (filter.assignee === 'me') parts.push({ key: 'mine', sql: () => eq(conversations.assigneeId, actorId) });
  else if (filter.assignee === 'none') parts.push({ key: 'unassigned', sql: () => isNull(conversations.assigneeId) });
  else if (filter.assignee !== undefined) {
    const assignee = placeholder('assignee', filter.assignee);
    parts.push({ key: 'assignee', sql: () => eq(conversations.assigneeId, assignee) });
  }
  if (filter.tagId !== undefined) {
    const tag = placeholder('tag', filter.tagId);
    parts.push({
      key: 'tag',
      sql: () =>
        sql`${conversations.id} IN (SELECT ${conversationTags.conversationId} FROM ${conversationTags} WHERE ${conversationTags.tagId} = ${tag})`,
    });
  }
  if (unreadKnown) {
    const ids = placeholder('unread', JSON.stringify(unread));
    parts.push({ key: 'unread known', sql: () => inList(conversations.id, ids) });
  } else if (filter.unread) parts.push({ key: 'unread', sql: () => sql`${unreadExpr()} = 1` });
  if (filter.from !== undefined) {
    const from = placeholder('from', filter.from);
    parts.push({ key: 'from', sql: () => sql`${conversations.lastMessageAt} >= ${from}` });
  }
  if (filter.to !== undefined) {
    const to = placeholder('to', filter.to);
    parts.push({ key: 'to', sql: () => sql`${conversations.lastMessageAt} < ${to}` });
  }
  const shape = [...parts.map((p) => p.key), `sort ${filter.sort}`, viewer.hideTags ? 'tags hidden' : 'tags'].join(';');
  return { where: () => parts.map((p) => p.sql()), values, shape };
}

interface RawRow extends Omit<ListRow, 'tags' | 'unread' | 'pinned' | 'order' | 'personal' | 'channel'> {
  mms: number;
  owner: number | null;
  contactBook: number;
  tags: string | null;
  unread: number;
  pinned: number;
  k0: number;
  k1: number;
  k2?: number;
}

function rowColumns(hideTags: boolean, sort: ListSort) {
  const { keys } = sortKeys(sort);
  const tagList = hideTags
    ? sql<string | null>`NULL`
    : sql<
        string | null
      >`(SELECT group_concat(${tags.name}, char(31)) FROM ${conversationTags} JOIN ${tags} ON ${tags.id} = ${conversationTags.tagId} WHERE ${conversationTags.conversationId} = ${conversations.id})`;
  return {
    id: conversations.id,
    inboxId: conversations.inboxId,
    inboxName: inboxes.name,
    owner: inboxes.ownerUserId,
    contactName: contacts.name,
    contactBook: contacts.book,
    phone: conversations.phone,
    numberE164: numbers.e164,
    status: conversations.status,
    snoozedUntil: conversations.snoozedUntil,
    assigneeName: users.name,
    lastMessageAt: conversations.lastMessageAt,
    waitingSince: conversations.waitingSince,
    // Only the head a preview reads: a long message's rest never leaves SQLite.
    preview: sql<
      string | null
    >`(SELECT substr(${messages.body}, 1, ${sql.raw(String(PREVIEW_READ + 1))}) FROM ${messages} WHERE ${messages.conversationId} = ${conversations.id} ORDER BY ${messages.id} DESC LIMIT 1)`,
    mms: sql<number>`EXISTS (SELECT 1 FROM ${attachments} WHERE ${attachments.messageId} = (SELECT ${messages.id} FROM ${messages} WHERE ${messages.conversationId} = ${conversations.id} ORDER BY ${messages.id} DESC LIMIT 1) AND NOT EXISTS (SELECT 1 FROM ${mediaLinks} WHERE ${mediaLinks.messageId} = ${attachments.messageId}))`,
    tags: tagList,
    unread: unreadExpr(),
    pinned: sql<number>`${pinnedBy()}`,
    k0: sql<number>`${keys[0]}`,
    k1: sql<number>`${keys[1]}`,
    ...(keys[2] ? { k2: sql<number>`${keys[2]}` } : {}),
  };
}

/** What a row shows besides the conversation: its inbox, contact, number and assignee. */
function withRowTables<T extends SQLiteSelect>(query: T) {
  return query
    .innerJoin(inboxes, eq(inboxes.id, conversations.inboxId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(numbers, eq(numbers.id, conversations.numberId))
    .leftJoin(users, eq(users.id, conversations.assigneeId));
}

function select(ctx: DomainContext, hideTags: boolean, sort: ListSort) {
  return withRowTables(ctx.db.select(rowColumns(hideTags, sort)).from(conversations).$dynamic());
}

/**
 * One page of rows in two steps: first the ids, by the filter and the sort alone (an index and little else),
 * then the columns of those rows only. In one step, a list SQLite has to sort (a tag's, the waiting order)
 * works out the preview, tags and read mark of every match before it keeps a page of them.
 */
function selectPage(ctx: DomainContext, hideTags: boolean, sort: ListSort, where: SQL[], order: SQL[]) {
  const page = ctx.db
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(...where))
    .orderBy(...order)
    .limit(sql.placeholder('limit'))
    .as('page');
  // CROSS JOIN: SQLite keeps the page first; else it may walk all conversations in the order's index instead.
  return withRowTables(ctx.db.select(rowColumns(hideTags, sort)).from(page).crossJoin(conversations).$dynamic())
    .where(eq(conversations.id, page.id))
    .orderBy(...order);
}

/**
 * The actor's pinned rows: a CROSS JOIN makes SQLite start from their few pins (it never reorders one)
 * instead of scanning the whole list to find them.
 */
function selectPinned(ctx: DomainContext, hideTags: boolean, sort: ListSort) {
  return withRowTables(
    ctx.db.select(rowColumns(hideTags, sort)).from(conversationPins).crossJoin(conversations).$dynamic(),
  );
}

/**
 * The row as `viewerId` sees it: a personal book's names only for its owner (a number's history shows the number).
 * Spelled out field by field: object rest and spread cost V8 (Node 20) some 16 µs a row, more than the query itself.
 */
function toRow(raw: RawRow, sort: ListSort, viewerId: number): ListRow {
  return {
    id: raw.id,
    inboxId: raw.inboxId,
    inboxName: raw.inboxName,
    personal: raw.owner !== null,
    contactName: bookReadableBy(raw.contactBook, viewerId) ? raw.contactName : null,
    phone: raw.phone,
    numberE164: raw.numberE164,
    status: raw.status,
    snoozedUntil: raw.snoozedUntil,
    assigneeName: raw.assigneeName,
    lastMessageAt: raw.lastMessageAt,
    waitingSince: raw.waitingSince,
    preview: raw.preview === null ? null : toPreview(raw.preview),
    channel: raw.mms === 1 ? 'mms' : 'sms',
    tags: raw.tags ? raw.tags.split('\u001f').sort() : [],
    unread: raw.unread === 1,
    pinned: raw.pinned === 1,
    // The waiting sort puts waiting ones (k0 = 0) first: fold both keys into one ascending number.
    order: sort === 'waiting' ? raw.k0 * 1e15 + raw.k1 : raw.k0,
  };
}

function cursorOf(raw: RawRow): string {
  return [raw.k0, raw.k1, raw.k2].filter((k) => k !== undefined).join('.');
}

interface Viewer {
  joinedAt: number;
  hideTags: boolean;
}

/**
 * The list's filter as conditions on `conversations` (its inbox rule, status, assignee, tag, unread and dates), for
 * queries that narrow other rows by it (search); 404 for an inbox the actor does not see, 403 for spam to an agent.
 */
export function listConditions(ctx: DomainContext, actor: Actor, filter: ListFilter): Conditions {
  return conditions(ctx, actor, filter, viewerOf(ctx, actor));
}

function viewerOf(ctx: DomainContext, actor: Actor): Viewer {
  const user = prepared(ctx, 'viewer', () =>
    ctx.db
      .select({ createdAt: users.createdAt, hideTags: users.hideTags })
      .from(users)
      .where(eq(users.id, actorId))
      .prepare(),
  ).get({ actor: actor.id });
  if (!user) throw notFound();
  return { joinedAt: user.createdAt, hideTags: user.hideTags };
}

/** How a list pages: `size` rows a page; with `pins`, the first page carries the pins apart (the UI's lists). */
export interface ListPaging {
  size: number;
  pins: boolean;
}
const UI_PAGING: ListPaging = { size: PAGE_SIZE, pins: true };

/**
 * One page of a conversation list. The first page also carries the actor's pins that match the filter, in
 * their order; pinned conversations are left out of the paged rows so they appear once. `unread`: the actor's
 * `unreadIds`, when the caller has read them anyway (a page's navigation counts them).
 */
export function listConversations(
  ctx: DomainContext,
  actor: Actor,
  filter: ListFilter,
  after?: string,
  unread?: readonly number[],
  paging: ListPaging = UI_PAGING,
): ListPage {
  const viewer = viewerOf(ctx, actor);
  const { where, values, shape } = conditions(ctx, actor, filter, viewer, unread);
  const { keys, desc } = sortKeys(filter.sort);
  const cursor = parseCursor(after, keys.length);
  cursor?.forEach((c, i) => (values[`after${i}`] = c));
  values.limit = paging.size + 1;
  const pins = paging.pins ? 'pins' : 'all';
  const raw = prepared(ctx, `page;${shape};${cursor ? 'after' : 'first'};${pins}`, () => {
    const seek = cursor
      ? [
          sql`(${sql.join(keys, sql`, `)}) ${desc ? sql`<` : sql`>`} (${sql.join(
            cursor.map((_, i) => sql`${sql.placeholder(`after${i}`)}`),
            sql`, `,
          )})`,
        ]
      : [];
    const order = keys.map((k) => (desc ? sql`${k} DESC` : sql`${k} ASC`));
    return selectPage(
      ctx,
      viewer.hideTags,
      filter.sort,
      [...where(), ...seek, ...(paging.pins ? [sql`NOT ${pinnedBy()}`] : [])],
      order,
    ).prepare();
  }).all(values) as RawRow[];
  const more = raw.length > paging.size;
  const page = raw.slice(0, paging.size);
  const pinned =
    cursor || !paging.pins
      ? []
      : (prepared(ctx, `pinned;${shape}`, () =>
          selectPinned(ctx, viewer.hideTags, filter.sort)
            .where(
              and(
                eq(conversationPins.userId, actorId),
                eq(conversationPins.conversationId, conversations.id),
                ...where(),
              ),
            )
            .orderBy(asc(conversationPins.position))
            .prepare(),
        ).all(values) as RawRow[]);
  return {
    pinned: pinned.map((r) => toRow(r, filter.sort, actor.id)),
    rows: page.map((r) => toRow(r, filter.sort, actor.id)),
    next: more ? cursorOf(page[page.length - 1]!) : null,
  };
}

/** The conversation as a row of this list, or null when it does not belong in it (for live updates). */
export function rowInList(
  ctx: DomainContext,
  actor: Actor,
  filter: ListFilter,
  conversationId: number,
): ListRow | null {
  const viewer = viewerOf(ctx, actor);
  const { where, values, shape } = conditions(ctx, actor, filter, viewer);
  const raw = prepared(ctx, `row;${shape}`, () =>
    select(ctx, viewer.hideTags, filter.sort)
      .where(and(...where(), eq(conversations.id, sql.placeholder('conversation'))))
      .prepare(),
  ).get({ ...values, conversation: conversationId });
  return raw ? toRow(raw, filter.sort, actor.id) : null;
}

/** The navigation shows "99+" beyond this: counting stops there, so the count costs the same with 100 000 conversations. */
export const UNREAD_CAP = 100;

/** Open conversations with a customer message the actor has not read, in the inboxes they see, up to UNREAD_CAP. */
export function unreadCount(ctx: DomainContext, actor: Actor): number {
  return unreadIds(ctx, actor).length;
}

/** The conversations unreadCount counts, up to UNREAD_CAP of them: what a live count starts from. */
export function unreadIds(ctx: DomainContext, actor: Actor): number[] {
  const viewer = viewerOf(ctx, actor);
  // Every whole page counts: prepared once per user (the rule of who sees an inbox is written for one actor).
  const ids = prepared(ctx, `unread ids;${actor.id};${actor.role}`, () => {
    const visible = ctx.db.select({ id: inboxes.id }).from(inboxes).where(inboxVisibleTo(actor));
    // A join, not the rows' subquery: for someone who has read nearly everything, every open conversation is
    // looked at, and the join does that in 60 % of the time.
    return ctx.db
      .select({ id: conversations.id })
      .from(conversations)
      .leftJoin(
        conversationReads,
        and(eq(conversationReads.userId, actorId), eq(conversationReads.conversationId, conversations.id)),
      )
      .where(
        and(
          eq(conversations.status, 'open'),
          inArray(conversations.inboxId, visible),
          sql`${unreadBy(conversationReads.readAt, joinedAt)} = 1`,
        ),
      )
      .limit(UNREAD_CAP)
      .prepare();
  });
  return (ids.all({ actor: actor.id, joinedAt: viewer.joinedAt }) as { id: number }[]).map((r) => r.id);
}

/** Who a live update is drawn for: what of a user decides their view of a list. */
export type ListViewer = Actor & { createdAt: number; hideTags: boolean };

/**
 * Which of `users` have this conversation among their unread ones (open, a customer text after their read mark),
 * in one read for all of them; whether they may see it is the caller's to know (they are its inbox's audience).
 */
export function unreadAmong(
  ctx: DomainContext,
  conversationId: number,
  viewers: Pick<ListViewer, 'id'>[],
): Set<number> {
  if (viewers.length === 0) return new Set();
  const query = prepared(ctx, 'unread among', () =>
    ctx.db
      .select({ id: users.id })
      .from(users)
      .innerJoin(conversations, eq(conversations.id, sql.placeholder('conversation')))
      .leftJoin(
        conversationReads,
        and(eq(conversationReads.userId, users.id), eq(conversationReads.conversationId, conversations.id)),
      )
      .where(
        and(
          inList(users.id, sql.placeholder('users')),
          eq(conversations.status, 'open'),
          sql`${unreadBy(conversationReads.readAt, users.createdAt)} = 1`,
        ),
      )
      .prepare(),
  );
  const rows = query.all({ conversation: conversationId, users: JSON.stringify(viewers.map((u) => u.id)) }) as {
    id: number;
  }[];
  return new Set(rows.map((r) => r.id));
}

/**
 * The conversation's row as each of `viewers` would see it in this list, or null where it does not belong: the
 * same answer as rowInList for each, in a few reads for all of them (a customer's text is pushed to everyone
 * watching the inbox). The filter is checked here against the conversation's own values, condition by
 * condition as `conditions` writes it in SQL (a test holds the two to each other); a number's history, rare
 * and read-only, asks rowInList.
 */
export function rowsForViewers(
  ctx: DomainContext,
  conversationId: number,
  filter: ListFilter,
  viewers: ListViewer[],
  /** An inbox's audience (inboxAudience), where the caller has read it already. */
  audienceOf?: (inboxId: number) => Set<number> | undefined,
): (ListRow | null)[] {
  if (filter.scope === 'history') return viewers.map((v) => orNull(() => rowInList(ctx, v, filter, conversationId)));
  const raw = prepared(ctx, `live row;${filter.sort}`, () =>
    select(ctx, false, filter.sort)
      .where(eq(conversations.id, sql.placeholder('conversation')))
      .prepare(),
  ).get({ actor: 0, joinedAt: 0, conversation: conversationId });
  if (!raw || viewers.length === 0) return viewers.map(() => null);
  const facts = prepared(ctx, 'live facts', () =>
    ctx.db
      .select({
        numberId: conversations.numberId,
        assigneeId: conversations.assigneeId,
        lastInboundAt: conversations.lastInboundAt,
        tagIds: sql<
          string | null
        >`(SELECT group_concat(${conversationTags.tagId}) FROM ${conversationTags} WHERE ${conversationTags.conversationId} = ${conversations.id})`,
      })
      .from(conversations)
      .where(eq(conversations.id, sql.placeholder('conversation')))
      .prepare(),
  ).get({ conversation: conversationId }) as {
    numberId: number;
    assigneeId: number | null;
    lastInboundAt: number | null;
    tagIds: string | null;
  };
  const ids = JSON.stringify([...new Set(viewers.map((v) => v.id))]);
  const readAt = new Map(
    (
      prepared(ctx, 'live reads', () =>
        ctx.db
          .select({ userId: conversationReads.userId, readAt: conversationReads.readAt })
          .from(conversationReads)
          .where(
            and(
              eq(conversationReads.conversationId, sql.placeholder('conversation')),
              inList(conversationReads.userId, sql.placeholder('users')),
            ),
          )
          .prepare(),
      ).all({ conversation: conversationId, users: ids }) as { userId: number; readAt: number }[]
    ).map((r) => [r.userId, r.readAt]),
  );
  const pinnedBy = new Set(
    (
      prepared(ctx, 'live pins', () =>
        ctx.db
          .select({ userId: conversationPins.userId })
          .from(conversationPins)
          .where(
            and(
              eq(conversationPins.conversationId, sql.placeholder('conversation')),
              inList(conversationPins.userId, sql.placeholder('users')),
            ),
          )
          .prepare(),
      ).all({ conversation: conversationId, users: ids }) as { userId: number }[]
    ).map((r) => r.userId),
  );
  const audience =
    raw.owner !== null ? new Set([raw.owner]) : (audienceOf?.(raw.inboxId) ?? new Set(inboxAudience(ctx, raw.inboxId)));
  const c: Facts = {
    inboxId: raw.inboxId,
    owner: raw.owner,
    status: raw.status,
    numberId: facts.numberId,
    assigneeId: facts.assigneeId,
    lastMessageAt: raw.lastMessageAt,
    tagIds: facts.tagIds ? facts.tagIds.split(',').map(Number) : [],
  };
  // As its audience sees it: the owner of a personal inbox (whose book its contact is in), or the team.
  const base = toRow({ ...raw, unread: 0, pinned: 0 }, filter.sort, raw.owner ?? TEAM_BOOK);
  // Rows differ between viewers only here: at most eight of them, shared.
  const variants = new Map<string, ListRow>();
  return viewers.map((v) => {
    const unread = facts.lastInboundAt !== null && facts.lastInboundAt > (readAt.get(v.id) ?? v.createdAt);
    if (!belongsIn(filter, v, c, unread, audience)) return null;
    const pinned = pinnedBy.has(v.id);
    const key = `${unread} ${pinned} ${v.hideTags}`;
    let row = variants.get(key);
    if (!row) variants.set(key, (row = { ...base, unread, pinned, tags: v.hideTags ? [] : base.tags }));
    return row;
  });
}

/** What `belongsIn` knows of the conversation. */
interface Facts {
  inboxId: number;
  owner: number | null;
  status: ListRow['status'];
  numberId: number;
  assigneeId: number | null;
  lastMessageAt: number;
  tagIds: number[];
}

/**
 * `conditions`, for one conversation's own values and one viewer, for whom it is `unread` or not, and who is in
 * `audience` if they see its (shared) inbox.
 */
function belongsIn(filter: ListFilter, viewer: Actor, c: Facts, unread: boolean, audience: Set<number>): boolean {
  // Where the SQL refuses the list (spam for an agent) or its inbox (not one the viewer sees), nothing belongs.
  if (filter.status === 'spam' && !isManager(viewer)) return false;
  const shared = c.owner === null && audience.has(viewer.id);
  const visible =
    filter.scope === 'personal'
      ? c.owner === viewer.id
      : filter.scope === 'shared'
        ? shared
        : shared || c.owner === viewer.id;
  if (!visible || (filter.inboxId !== undefined && filter.inboxId !== c.inboxId)) return false;
  if (filter.status ? c.status !== filter.status : !isManager(viewer) && c.status === 'spam') return false;
  if (filter.numberId !== undefined && c.numberId !== filter.numberId) return false;
  if (filter.assignee === 'me' && c.assigneeId !== viewer.id) return false;
  if (filter.assignee === 'none' && c.assigneeId !== null) return false;
  if (typeof filter.assignee === 'number' && c.assigneeId !== filter.assignee) return false;
  if (filter.tagId !== undefined && !c.tagIds.includes(filter.tagId)) return false;
  if (filter.unread && !unread) return false;
  if (filter.from !== undefined && c.lastMessageAt < filter.from) return false;
  return filter.to === undefined || c.lastMessageAt < filter.to;
}

/** What a rule hides from the viewer (404, 403) is no row of theirs. */
function orNull(row: () => ListRow | null): ListRow | null {
  try {
    return row();
  } catch (err) {
    if (err instanceof DomainError) return null;
    throw err;
  }
}
