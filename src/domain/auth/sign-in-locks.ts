import { count, desc, eq, gte } from 'drizzle-orm';
import { signInFailures } from '../../db/schema/auth.ts';
import { users } from '../../db/schema/users.ts';
import { recordAudit } from '../audit/record.ts';
import { requireAdmin, type Actor, type DomainContext } from '../context.ts';
import { invalid, notFound } from '../errors.ts';
import { emailDelay, freedAt, inWindow, pairOf, type SignInPolicy } from './sign-in-throttle.ts';

/** Addresses shown per account; a spread-out guesser may have used thousands. */
const ADDRESSES_SHOWN = 10;

export interface AccountSignIns {
  userId: number;
  name: string;
  failures: number;
  /** Until when each address that failed for the account waits (the account's delay), if that is still ahead. */
  heldBackUntil: number | null;
  /** Most failures first; `lockedUntil` when the address spent its budget for this account. */
  addresses: { address: string; failures: number; lockedUntil: number | null }[];
  moreAddresses: number;
}

export interface LockedAddress {
  address: string;
  failures: number;
  lockedUntil: number;
}

/** What admins see of failed sign-ins: the accounts with failures in the window, and the addresses locked out for every account. */
export function signInLocks(
  ctx: DomainContext,
  actor: Actor,
  policy: SignInPolicy,
): { accounts: AccountSignIns[]; addresses: LockedAddress[] } {
  requireAdmin(actor);
  const now = ctx.now();
  return ctx.db.transaction((tx) => {
    const pairs = tx
      .select({
        userId: users.id,
        name: users.name,
        email: users.email,
        address: signInFailures.address,
        failures: count(),
      })
      .from(signInFailures)
      .innerJoin(users, eq(users.email, signInFailures.email))
      .where(inWindow(now, policy))
      .groupBy(users.id, signInFailures.address)
      .orderBy(users.name, users.id, desc(count()), signInFailures.address)
      .all();
    const accounts = new Map<number, AccountSignIns>();
    for (const pair of pairs) {
      let account = accounts.get(pair.userId);
      if (!account) {
        const { until } = emailDelay(tx, pair.email, now, policy);
        account = {
          userId: pair.userId,
          name: pair.name,
          failures: 0,
          heldBackUntil: until > now ? until : null,
          addresses: [],
          moreAddresses: 0,
        };
        accounts.set(pair.userId, account);
      }
      account.failures += pair.failures;
      if (account.addresses.length === ADDRESSES_SHOWN) {
        account.moreAddresses++;
        continue;
      }
      const locked = pair.failures >= policy.attempts;
      account.addresses.push({
        address: pair.address,
        failures: pair.failures,
        lockedUntil: locked ? freedAt(tx, pairOf(pair), policy.attempts, now, policy) : null,
      });
    }
    const addresses = tx
      .select({ address: signInFailures.address, failures: count() })
      .from(signInFailures)
      .where(inWindow(now, policy))
      .groupBy(signInFailures.address)
      .having(gte(count(), policy.attemptsPerAddress))
      .orderBy(signInFailures.address)
      .all()
      .map(({ address, failures }) => ({
        address,
        failures,
        lockedUntil: freedAt(tx, eq(signInFailures.address, address), policy.attemptsPerAddress, now, policy),
      }));
    return { accounts: [...accounts.values()], addresses };
  });
}

/** Lets the account be tried again at once from everywhere: every failure on its email goes, in one transaction. */
export function clearAccountSignIns(ctx: DomainContext, actor: Actor, userId: number): { name: string } {
  requireAdmin(actor);
  return ctx.db.transaction((tx) => {
    const user = tx.select({ name: users.name, email: users.email }).from(users).where(eq(users.id, userId)).get();
    if (!user) throw notFound();
    const failures = tx.delete(signInFailures).where(eq(signInFailures.email, user.email)).run().changes;
    if (failures)
      recordAudit(ctx, tx, actor, {
        action: 'user.sign_ins_cleared',
        subject: { id: userId, name: user.name },
        changes: { failures },
      });
    return { name: user.name };
  });
}

/** Lets the address try again at once, for every account: its failures go, whatever the emails. */
export function clearAddressSignIns(ctx: DomainContext, actor: Actor, rawAddress: unknown): { address: string } {
  requireAdmin(actor);
  const address = typeof rawAddress === 'string' ? rawAddress.trim() : '';
  if (!address || address.length > 100) throw invalid('admin.sign_ins.address_invalid');
  ctx.db.transaction((tx) => {
    const failures = tx.delete(signInFailures).where(eq(signInFailures.address, address)).run().changes;
    if (failures)
      recordAudit(ctx, tx, actor, {
        action: 'address.sign_ins_cleared',
        subject: { name: address },
        changes: { failures },
      });
  });
  return { address };
}
