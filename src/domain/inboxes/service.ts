import { and, asc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import { inboxes, inboxMembers } from '../../db/schema/inboxes.ts';
import { users } from '../../db/schema/users.ts';
import { changed, recordAudit } from '../audit/record.ts';
import { isManager, requireAdmin, type Actor, type DomainContext, type Tx } from '../context.ts';
import { conflict, forbidden, invalid, notFound } from '../errors.ts';
import { cleanLine } from '../text.ts';
import { publicColumns, type PublicUser } from '../users/service.ts';
import { assertCanSeeInbox, inboxVisibleTo } from './access.ts';

export type Inbox = typeof inboxes.$inferSelect;

const cleanInboxName = (raw: unknown): string => cleanLine(raw, 80, 'inbox.name_invalid', 'name');

function memberIdsOf(db: Pick<DomainContext['db'], 'select'>, inboxId: number): number[] {
  return db
    .select({ id: inboxMembers.userId })
    .from(inboxMembers)
    .where(eq(inboxMembers.inboxId, inboxId))
    .all()
    .map((r) => r.id);
}

function assertNameFree(db: Pick<DomainContext['db'], 'select'>, name: string, exceptId?: number): void {
  const clash = db
    .select({ id: inboxes.id })
    .from(inboxes)
    .where(
      and(sql`lower(${inboxes.name}) = lower(${name})`, exceptId === undefined ? undefined : ne(inboxes.id, exceptId)),
    )
    .get();
  if (clash) throw conflict('inbox.name_taken', 'name');
}

/** The inboxes the actor works in: shared ones first by name, then their own private inbox. */
export function listInboxesFor({ db }: DomainContext, actor: Actor): Inbox[] {
  return db
    .select()
    .from(inboxes)
    .where(inboxVisibleTo(actor))
    .orderBy(sql`${inboxes.ownerUserId} IS NOT NULL`, asc(inboxes.name))
    .all();
}

/** Shared inboxes only: private ones are not created, renamed or staffed by hand. */
export function listSharedInboxes(ctx: DomainContext, actor: Actor): Inbox[] {
  requireAdmin(actor);
  return ctx.db.select().from(inboxes).where(isNull(inboxes.ownerUserId)).orderBy(asc(inboxes.name)).all();
}

/** A shared inbox as it is before a change (404 for a private one or none). */
function sharedInbox(db: Pick<DomainContext['db'], 'select'>, inboxId: number): Inbox {
  const row = db.select().from(inboxes).where(eq(inboxes.id, inboxId)).get();
  if (!row || row.ownerUserId !== null) throw notFound();
  return row;
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
    const created = tx.insert(inboxes).values({ name }).returning().get();
    recordAudit(ctx, tx, actor ?? 'console', {
      action: 'inbox.created',
      subject: { id: created.id, name },
      changes: { name },
    });
    return created;
  });
  ctx.events.emit('inbox.created', { inboxId: inbox.id });
  return inbox;
}

export function renameInbox(ctx: DomainContext, actor: Actor, inboxId: number, input: { name: unknown }): Inbox {
  requireAdmin(actor);
  const name = cleanInboxName(input.name);
  const inbox = ctx.db.transaction((tx) => {
    const before = sharedInbox(tx, inboxId);
    assertNameFree(tx, name, inboxId);
    const changes = changed({ name: before.name }, { name });
    if (Object.keys(changes).length)
      recordAudit(ctx, tx, actor, { action: 'inbox.renamed', subject: { id: inboxId, name }, changes });
    return tx.update(inboxes).set({ name }).where(eq(inboxes.id, inboxId)).returning().get();
  });
  ctx.events.emit('inbox.renamed', { inboxId });
  return inbox;
}

/** Who works an inbox, for the admin page that staffs it: every user, each marked member or not. */
export function getInboxStaffing(
  ctx: DomainContext,
  actor: Actor,
  inboxId: number,
): { inbox: Inbox; people: (PublicUser & { member: boolean })[] } {
  requireAdmin(actor);
  const inbox = ctx.db
    .select()
    .from(inboxes)
    .where(and(eq(inboxes.id, inboxId), isNull(inboxes.ownerUserId)))
    .get();
  if (!inbox) throw notFound();
  const members = new Set(memberIdsOf(ctx.db, inboxId));
  const people = ctx.db.select(publicColumns).from(users).orderBy(asc(users.name), asc(users.id)).all();
  return { inbox, people: people.map((p) => ({ ...p, member: members.has(p.id) })) };
}

/** Replaces the member list with `userIds`; unknown user ids are refused, nothing half-applied. */
export function setMembers(
  ctx: DomainContext,
  actor: Actor,
  inboxId: number,
  userIds: number[],
): { added: number[]; removed: number[] } {
  requireAdmin(actor);
  const wanted = [...new Set(userIds)];
  const change = ctx.db.transaction((tx) => {
    const inbox = sharedInbox(tx, inboxId);
    const known = wanted.length
      ? tx
          .select({ id: users.id })
          .from(users)
          .where(inArray(users.id, wanted))
          .all()
          .map((r) => r.id)
      : [];
    if (known.length !== wanted.length) throw invalid('inbox.member_unknown', 'members');
    const before = memberIdsOf(tx, inboxId);
    const added = wanted.filter((id) => !before.includes(id));
    const removed = before.filter((id) => !wanted.includes(id));
    if (added.length)
      tx.insert(inboxMembers)
        .values(added.map((userId) => ({ inboxId, userId })))
        .run();
    if (removed.length) {
      tx.delete(inboxMembers)
        .where(and(eq(inboxMembers.inboxId, inboxId), inArray(inboxMembers.userId, removed)))
        .run();
    }
    if (added.length || removed.length) {
      recordAudit(ctx, tx, actor, {
        action: 'inbox.members_changed',
        subject: { id: inboxId, name: inbox.name },
        changes: {
          ...(added.length ? { added: namesOf(tx, added) } : {}),
          ...(removed.length ? { removed: namesOf(tx, removed) } : {}),
        },
      });
    }
    return { added, removed };
  });
  if (change.added.length || change.removed.length) ctx.events.emit('inbox.members.changed', { inboxId, ...change });
  return change;
}

function namesOf(tx: Tx, userIds: number[]): string[] {
  return tx
    .select({ name: users.name })
    .from(users)
    .where(inArray(users.id, userIds))
    .orderBy(asc(users.name))
    .all()
    .map((u) => u.name);
}

/**
 * Sets switches of a shared inbox and records those that changed, in one transaction. The form carries the
 * wanted state, so a page that is out of date cannot flip a setting the wrong way: the last one sent wins.
 * Who may change which switch is checked by the callers (setAssignmentMode, setMovingEnabled, setAutoAssign).
 */
export function changeInboxSettings(
  ctx: DomainContext,
  actor: Actor,
  inboxId: number,
  wanted: Partial<Pick<Inbox, 'assignmentEnabled' | 'movingEnabled' | 'autoAssign' | 'maxOpenPerAgent'>>,
): void {
  ctx.db.transaction((tx) => {
    const before = sharedInbox(tx, inboxId);
    const changes = changed(before, wanted);
    if (Object.keys(changes).length === 0) return;
    tx.update(inboxes).set(wanted).where(eq(inboxes.id, inboxId)).run();
    recordAudit(ctx, tx, actor, {
      action: 'inbox.settings_changed',
      subject: { id: inboxId, name: before.name },
      changes,
    });
  });
  ctx.events.emit('inbox.settings.changed', { inboxId });
}

/** The people the actor works with: active members of the shared inboxes they see (for filters and pickers). */
export function teammatesOf({ db }: DomainContext, actor: Actor): { id: number; name: string }[] {
  return db
    .selectDistinct({ id: users.id, name: users.name })
    .from(users)
    .innerJoin(inboxMembers, eq(inboxMembers.userId, users.id))
    .innerJoin(inboxes, eq(inboxes.id, inboxMembers.inboxId))
    .where(and(eq(users.active, true), inboxVisibleTo(actor)))
    .orderBy(asc(users.name))
    .all();
}

/** A manager (or admin) of a shared inbox they see switches its assignment mode. */
export function setAssignmentMode(ctx: DomainContext, actor: Actor, inboxId: number, enabled: boolean): void {
  if (!isManager(actor)) throw forbidden();
  assertCanSeeInbox(ctx, actor, inboxId);
  changeInboxSettings(ctx, actor, inboxId, { assignmentEnabled: enabled });
}

/** Only an admin decides whether conversations may leave an inbox. */
export function setMovingEnabled(ctx: DomainContext, actor: Actor, inboxId: number, enabled: boolean): void {
  requireAdmin(actor);
  changeInboxSettings(ctx, actor, inboxId, { movingEnabled: enabled });
}
