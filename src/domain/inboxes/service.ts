import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import { inboxes, inboxMembers } from '../../db/schema/inboxes.ts';
import { users } from '../../db/schema/users.ts';
import type { Actor, DomainContext } from '../context.ts';
import { conflict, forbidden, invalid, notFound } from '../errors.ts';
import { assertCanSeeInbox } from './access.ts';

export type Inbox = typeof inboxes.$inferSelect;

function requireAdmin(actor: Actor): void {
  if (actor.role !== 'admin') throw forbidden();
}

function cleanInboxName(raw: unknown): string {
  const name = typeof raw === 'string' ? raw.trim().replace(/\s+/g, ' ') : '';
  if (name.length < 1 || name.length > 80) throw invalid('inbox.name_invalid', 'name');
  return name;
}

function assertNameFree(db: Pick<DomainContext['db'], 'select'>, name: string, exceptId?: number): void {
  const clash = db
    .select({ id: inboxes.id })
    .from(inboxes)
    .where(and(sql`lower(${inboxes.name}) = lower(${name})`, exceptId === undefined ? undefined : ne(inboxes.id, exceptId)))
    .get();
  if (clash) throw conflict('inbox.name_taken', 'name');
}

export function listInboxesFor({ db }: DomainContext, actor: Actor): Inbox[] {
  if (actor.role === 'admin') return db.select().from(inboxes).orderBy(asc(inboxes.name)).all();
  return db
    .select({ id: inboxes.id, name: inboxes.name, createdAt: inboxes.createdAt })
    .from(inboxes)
    .innerJoin(inboxMembers, and(eq(inboxMembers.inboxId, inboxes.id), eq(inboxMembers.userId, actor.id)))
    .orderBy(asc(inboxes.name))
    .all();
}

export function getInboxFor(ctx: DomainContext, actor: Actor, inboxId: number): Inbox {
  assertCanSeeInbox(ctx, actor, inboxId);
  const inbox = ctx.db.select().from(inboxes).where(eq(inboxes.id, inboxId)).get();
  if (!inbox) throw notFound();
  return inbox;
}

export function createInbox(ctx: DomainContext, actor: Actor | null, input: { name: unknown }): Inbox {
  if (actor) requireAdmin(actor);
  const name = cleanInboxName(input.name);
  const inbox = ctx.db.transaction((tx) => {
    assertNameFree(tx, name);
    return tx.insert(inboxes).values({ name }).returning().get();
  });
  ctx.events.emit('inbox.created', { inboxId: inbox.id });
  return inbox;
}

export function renameInbox(ctx: DomainContext, actor: Actor, inboxId: number, input: { name: unknown }): Inbox {
  requireAdmin(actor);
  const name = cleanInboxName(input.name);
  const inbox = ctx.db.transaction((tx) => {
    assertNameFree(tx, name, inboxId);
    const row = tx.update(inboxes).set({ name }).where(eq(inboxes.id, inboxId)).returning().get();
    if (!row) throw notFound();
    return row;
  });
  ctx.events.emit('inbox.renamed', { inboxId });
  return inbox;
}

export function memberIds({ db }: DomainContext, inboxId: number): number[] {
  return db
    .select({ id: inboxMembers.userId })
    .from(inboxMembers)
    .where(eq(inboxMembers.inboxId, inboxId))
    .all()
    .map((r) => r.id);
}

/** Replaces the member list with `userIds`; unknown user ids are refused, nothing half-applied. */
export function setMembers(ctx: DomainContext, actor: Actor, inboxId: number, userIds: number[]): { added: number[]; removed: number[] } {
  requireAdmin(actor);
  const wanted = [...new Set(userIds)];
  const change = ctx.db.transaction((tx) => {
    if (!tx.select({ id: inboxes.id }).from(inboxes).where(eq(inboxes.id, inboxId)).get()) throw notFound();
    const known = wanted.length
      ? tx.select({ id: users.id }).from(users).where(inArray(users.id, wanted)).all().map((r) => r.id)
      : [];
    if (known.length !== wanted.length) throw invalid('inbox.member_unknown', 'members');
    const before = tx
      .select({ id: inboxMembers.userId })
      .from(inboxMembers)
      .where(eq(inboxMembers.inboxId, inboxId))
      .all()
      .map((r) => r.id);
    const added = wanted.filter((id) => !before.includes(id));
    const removed = before.filter((id) => !wanted.includes(id));
    if (added.length) tx.insert(inboxMembers).values(added.map((userId) => ({ inboxId, userId }))).run();
    if (removed.length) {
      tx.delete(inboxMembers).where(and(eq(inboxMembers.inboxId, inboxId), inArray(inboxMembers.userId, removed))).run();
    }
    return { added, removed };
  });
  if (change.added.length || change.removed.length) ctx.events.emit('inbox.members.changed', { inboxId, ...change });
  return change;
}
