import { and, count, eq, isNotNull, lt } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import { recoveryCodes, totpSecrets } from '../../db/schema/accounts.ts';
import { users } from '../../db/schema/users.ts';
import { requireAdmin, type Actor, type DomainContext, type Tx } from '../context.ts';
import { recordAudit } from '../audit/record.ts';
import { invalid, notFound } from '../errors.ts';
import { throttled, type ThrottlePolicy } from '../auth/throttle.ts';
import { verifyPassword } from '../users/password.ts';
import { hashRecoveryCode, newRecoveryCode, RECOVERY_CODES } from './recovery-codes.ts';

const PERIOD_S = 30;
const ISSUER = 'Switchboard';

type Db = DomainContext['db'] | Tx;

export interface TwoFactorState {
  enabled: boolean;
  recoveryCodesLeft: number;
}

export function twoFactorOf(db: Db, userId: number): TwoFactorState {
  const row = db
    .select({ confirmedAt: totpSecrets.confirmedAt })
    .from(totpSecrets)
    .where(eq(totpSecrets.userId, userId))
    .get();
  const left = db.select({ n: count() }).from(recoveryCodes).where(eq(recoveryCodes.userId, userId)).get()?.n ?? 0;
  return { enabled: row?.confirmedAt != null, recoveryCodesLeft: left };
}

/** Whether the user signs in with a second factor (enrolled and confirmed). */
export function hasTwoFactor(db: Db, userId: number): boolean {
  return (
    db
      .select({ id: totpSecrets.userId })
      .from(totpSecrets)
      .where(and(eq(totpSecrets.userId, userId), isNotNull(totpSecrets.confirmedAt)))
      .get() !== undefined
  );
}

/** Who has two-factor sign-in on, for the admins' list of users. */
export function twoFactorUserIds(db: Db): Set<number> {
  return new Set(
    db
      .select({ id: totpSecrets.userId })
      .from(totpSecrets)
      .where(isNotNull(totpSecrets.confirmedAt))
      .all()
      .map((r) => r.id),
  );
}

export interface Enrolment {
  secret: string;
  /** The `otpauth://` URI an authenticator app reads from the QR code. */
  uri: string;
}

/**
 * The secret being enrolled: the one already waiting for confirmation, or a new one. Two-factor sign-in that is
 * already on is not touched (disable it first).
 */
export function enrolment(ctx: DomainContext, actor: Actor): Enrolment | null {
  return ctx.db.transaction((tx) => {
    const user = tx.select({ email: users.email }).from(users).where(eq(users.id, actor.id)).get();
    if (!user) throw notFound();
    let row = tx.select().from(totpSecrets).where(eq(totpSecrets.userId, actor.id)).get();
    if (row?.confirmedAt != null) return null;
    if (!row)
      row = tx
        .insert(totpSecrets)
        .values({ userId: actor.id, secret: new Secret({ size: 20 }).base32 })
        .returning()
        .get();
    const uri = new TOTP({
      issuer: ISSUER,
      label: user.email,
      secret: Secret.fromBase32(row.secret),
      period: PERIOD_S,
    }).toString();
    return { secret: row.secret, uri };
  });
}

/** The time step of a valid code (this one or a neighbour, for clocks a little off), or null. */
function stepOf(secret: string, code: string, now: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = TOTP.validate({
    token: code,
    secret: Secret.fromBase32(secret),
    period: PERIOD_S,
    timestamp: now,
    window: 1,
  });
  return delta === null ? null : TOTP.counter({ period: PERIOD_S, timestamp: now }) + delta;
}

/**
 * Accepts a code once: its time step must be newer than the last accepted one, and is recorded in the same
 * statement, so a code seen over someone's shoulder (or sent twice at once) does not work a second time.
 */
function acceptCode(tx: Db, userId: number, code: string, now: number, confirmed: boolean): boolean {
  const row = tx.select().from(totpSecrets).where(eq(totpSecrets.userId, userId)).get();
  if (!row || (row.confirmedAt != null) !== confirmed) return false;
  // Apps show the code as "123 456"; people type it so.
  const step = stepOf(row.secret, code.replace(/\s/g, ''), now);
  if (step === null) return false;
  return (
    tx
      .update(totpSecrets)
      .set({ lastCounter: step, ...(confirmed ? {} : { confirmedAt: now }) })
      .where(and(eq(totpSecrets.userId, userId), lt(totpSecrets.lastCounter, step)))
      .run().changes === 1
  );
}

/** Uses up a recovery code: true once, false ever after. */
function useRecoveryCode(tx: Db, userId: number, typed: string): boolean {
  if (typed.length > 64) return false;
  return (
    tx
      .delete(recoveryCodes)
      .where(and(eq(recoveryCodes.userId, userId), eq(recoveryCodes.codeHash, hashRecoveryCode(typed))))
      .run().changes > 0
  );
}

function replaceRecoveryCodes(tx: Db, userId: number): string[] {
  const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
  tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId)).run();
  tx.insert(recoveryCodes)
    .values(codes.map((code) => ({ userId, codeHash: hashRecoveryCode(code) })))
    .run();
  return codes;
}

/** The second step of a sign-in: a current code from the app, or one of the recovery codes. */
export function checkSecondFactor(
  ctx: DomainContext,
  userId: number,
  input: { code: string; recovery: string },
): boolean {
  return ctx.db.transaction((tx) =>
    input.recovery.trim()
      ? useRecoveryCode(tx, userId, input.recovery.trim())
      : acceptCode(tx, userId, input.code, ctx.now(), true),
  );
}

/** Turns two-factor sign-in on when the code from the app matches the enrolled secret; returns the recovery codes, shown once. */
export async function confirmEnrolment(
  ctx: DomainContext,
  actor: Actor,
  rawCode: unknown,
  policy: ThrottlePolicy,
): Promise<string[]> {
  const code = typeof rawCode === 'string' ? rawCode : '';
  let codes: string[] = [];
  const ok = await throttled(ctx, [`user:${actor.id}`], policy, async () =>
    ctx.db.transaction((tx) => {
      if (!acceptCode(tx, actor.id, code, ctx.now(), false)) return false;
      codes = replaceRecoveryCodes(tx, actor.id);
      recordAudit(ctx, tx, actor, {
        action: 'user.two_factor_enabled',
        subject: { id: actor.id, name: nameOf(tx, actor.id) },
      });
      return true;
    }),
  );
  if (!ok) throw invalid('two_factor.code_wrong', 'code');
  ctx.events.emit('user.changed', { userId: actor.id });
  return codes;
}

/** Proof that the person at the keyboard is the account's owner: a current code (six digits) or the password. */
async function requireProof(
  ctx: DomainContext,
  actor: Actor,
  rawProof: unknown,
  policy: ThrottlePolicy,
): Promise<void> {
  const proof = typeof rawProof === 'string' ? rawProof.slice(0, 256) : '';
  const ok = await throttled(ctx, [`user:${actor.id}`], policy, async () => {
    if (/^\d{6}$/.test(proof.replace(/\s/g, '')))
      return ctx.db.transaction((tx) => acceptCode(tx, actor.id, proof, ctx.now(), true));
    const row = ctx.db.select({ hash: users.passwordHash }).from(users).where(eq(users.id, actor.id)).get();
    return row !== undefined && (await verifyPassword(proof, row.hash));
  });
  if (!ok) throw invalid('two_factor.proof_wrong', 'proof');
}

export async function regenerateRecoveryCodes(
  ctx: DomainContext,
  actor: Actor,
  proof: unknown,
  policy: ThrottlePolicy,
): Promise<string[]> {
  if (!hasTwoFactor(ctx.db, actor.id)) throw notFound();
  await requireProof(ctx, actor, proof, policy);
  return ctx.db.transaction((tx) => replaceRecoveryCodes(tx, actor.id));
}

export async function disableTwoFactor(
  ctx: DomainContext,
  actor: Actor,
  proof: unknown,
  policy: ThrottlePolicy,
): Promise<void> {
  if (!hasTwoFactor(ctx.db, actor.id)) throw notFound();
  await requireProof(ctx, actor, proof, policy);
  removeTwoFactor(ctx, actor, actor.id, 'user.two_factor_disabled');
}

/** An admin's reset, for someone who lost their phone and their codes: they enrol again. */
export function resetTwoFactor(ctx: DomainContext, actor: Actor, userId: number): { name: string } {
  requireAdmin(actor);
  const user = ctx.db.select({ name: users.name }).from(users).where(eq(users.id, userId)).get();
  if (!user) throw notFound();
  removeTwoFactor(ctx, actor, userId, 'user.two_factor_reset');
  return user;
}

const nameOf = (tx: Tx, userId: number): string =>
  tx.select({ name: users.name }).from(users).where(eq(users.id, userId)).get()?.name ?? '';

function removeTwoFactor(
  ctx: DomainContext,
  actor: Actor,
  userId: number,
  action: 'user.two_factor_disabled' | 'user.two_factor_reset',
): void {
  ctx.db.transaction((tx) => {
    const removed = tx.delete(totpSecrets).where(eq(totpSecrets.userId, userId)).run().changes;
    tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId)).run();
    // Resetting someone who has no second factor changes nothing, and the log records only changes.
    if (removed) recordAudit(ctx, tx, actor, { action, subject: { id: userId, name: nameOf(tx, userId) } });
  });
  ctx.events.emit('user.changed', { userId });
}
