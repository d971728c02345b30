import { and, count, desc, eq, gt, lte, max, type SQL } from 'drizzle-orm';
import type { Config } from '../../config/schema.ts';
import { signInFailures } from '../../db/schema/auth.ts';
import type { DomainContext, Tx } from '../context.ts';
import { DomainError } from '../errors.ts';
import { tooManyFailures } from './throttle.ts';

export interface SignInPolicy {
  /** Failures of one email from one address; also the email's failures (from anywhere) where its delay starts. */
  attempts: number;
  /** Failures from one address, whatever the emails. */
  attemptsPerAddress: number;
  windowMs: number;
}

export const signInPolicy = (auth: Config['auth']): SignInPolicy => ({
  attempts: auth.login_attempts,
  attemptsPerAddress: auth.login_attempts_per_address,
  windowMs: auth.login_window_minutes * 60_000,
});

export interface SignInAttempt {
  email: string;
  address: string;
}

/** The database or a transaction: what reads the failures. */
type Reader = Pick<DomainContext['db'], 'select'>;

const FIRST_DELAY_MS = 1_000;
const LONGEST_DELAY_MS = 60_000;

/** How long after an email's last failure an address that failed for it waits: nothing under the budget, then 1 s doubling up to a minute. */
export function delayAfter(emailFailures: number, policy: SignInPolicy): number {
  return emailFailures < policy.attempts
    ? 0
    : Math.min(LONGEST_DELAY_MS, FIRST_DELAY_MS * 2 ** (emailFailures - policy.attempts));
}

/** Failures still counted at `now`: those of the last window. */
export const inWindow = (now: number, policy: SignInPolicy): SQL => gt(signInFailures.at, now - policy.windowMs);

export const pairOf = ({ email, address }: SignInAttempt): SQL =>
  and(eq(signInFailures.email, email), eq(signInFailures.address, address))!;

export function countWhere(db: Reader, where: SQL, now: number, policy: SignInPolicy): number {
  return (
    db
      .select({ n: count() })
      .from(signInFailures)
      .where(and(where, inWindow(now, policy)))
      .get()?.n ?? 0
  );
}

/** When a budget of `budget` failures matching `where` frees a try: as the budget-th newest of them leaves the window. */
export function freedAt(db: Reader, where: SQL, budget: number, now: number, policy: SignInPolicy): number {
  const row = db
    .select({ at: signInFailures.at })
    .from(signInFailures)
    .where(and(where, inWindow(now, policy)))
    .orderBy(desc(signInFailures.at))
    .limit(1)
    .offset(budget - 1)
    .get();
  return (row?.at ?? now) + policy.windowMs;
}

/** The email's failures from anywhere, and until when an address that failed for it waits. */
export function emailDelay(
  db: Reader,
  email: string,
  now: number,
  policy: SignInPolicy,
): { failures: number; until: number } {
  const row = db
    .select({ n: count(), last: max(signInFailures.at) })
    .from(signInFailures)
    .where(and(eq(signInFailures.email, email), inWindow(now, policy)))
    .get();
  const failures = row?.n ?? 0;
  return { failures, until: (row?.last ?? now) + delayAfter(failures, policy) };
}

function heldBack(waitMs: number): DomainError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new DomainError(429, 'login.delayed', { n: seconds });
}

/**
 * Refuses the attempt (429) when one of its budgets is spent:
 * - the pair: `attempts` failures of this email from this address;
 * - the address: `attemptsPerAddress` failures from it, whatever the emails;
 * - the email's delay, once the email has `attempts` failures from anywhere — but only for an address that has
 *   failed for it itself. An address that never failed for the email is never held back by the email's count, so
 *   nobody can lock the owner out by failing on purpose. The price: a guesser spread over many addresses gets one
 *   guess per fresh address before the delay applies to it, each address bounded by its own budget (and IPv6
 *   counted by /64, see `signInAddress`).
 */
function refuseIfHeldBack(tx: Tx, attempt: SignInAttempt, now: number, policy: SignInPolicy): void {
  const pair = pairOf(attempt);
  const pairFailures = countWhere(tx, pair, now, policy);
  if (pairFailures >= policy.attempts) throw tooManyFailures(freedAt(tx, pair, policy.attempts, now, policy) - now);
  const fromAddress = eq(signInFailures.address, attempt.address);
  if (countWhere(tx, fromAddress, now, policy) >= policy.attemptsPerAddress) {
    throw tooManyFailures(freedAt(tx, fromAddress, policy.attemptsPerAddress, now, policy) - now);
  }
  if (pairFailures === 0) return;
  const { until } = emailDelay(tx, attempt.email, now, policy);
  if (until > now) throw heldBack(until - now);
}

/**
 * Runs a password check under the sign-in budgets. The attempt is marked as a failure before the slow check
 * starts, in the transaction that checked the budgets, so requests fired in parallel cannot all slip in under
 * them. A failed check keeps its mark; a successful one takes back the failures of its own pair (the owner's
 * typos), never those other addresses left on the email.
 */
export async function throttledSignIn(
  ctx: DomainContext,
  attempt: SignInAttempt,
  policy: SignInPolicy,
  check: () => Promise<boolean>,
): Promise<boolean> {
  const now = ctx.now();
  ctx.db.transaction((tx) => {
    tx.delete(signInFailures)
      .where(lte(signInFailures.at, now - policy.windowMs))
      .run();
    refuseIfHeldBack(tx, attempt, now, policy);
    tx.insert(signInFailures)
      .values({ ...attempt, at: now })
      .run();
  });
  const ok = await check();
  if (ok) ctx.db.delete(signInFailures).where(pairOf(attempt)).run();
  return ok;
}
