import { and, desc, eq, isNull } from 'drizzle-orm';
import { createHash, randomBytes } from 'node:crypto';
import { apiScopes, apiTokens, type ApiScope } from '../../db/schema/api.ts';
import { users, type Role } from '../../db/schema/users.ts';
import { recordAudit } from '../audit/record.ts';
import type { Actor, DomainContext } from '../context.ts';
import { forbidden, invalid, notFound } from '../errors.ts';
import { cleanLine } from '../text.ts';
import { publicColumns, type PublicUser } from '../users/service.ts';

export { apiScopes, type ApiScope };

/** What lists show of a token: never its hash. */
export interface ApiTokenInfo {
  id: number;
  userId: number;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

/** A live token: who it acts as, and what it may do. */
export interface ResolvedToken {
  tokenId: number;
  user: PublicUser;
  scopes: ApiScope[];
  /** The role it acts with: its user's, except that an admin's token without the `admin` scope is a manager's. */
  role: Role;
}

// `sb_` + 8 hex digits (the visible prefix) + `_` + 32 random bytes: the prefix never holds the separator.
const TOKEN_SHAPE = /^sb_([0-9a-f]{8})_[A-Za-z0-9_-]{43}$/;
// Writing last use on every request would make every API read a write; a minute is precise enough for a list.
const TOUCH_EVERY_MS = 60_000;

const hashOf = (token: string): string => createHash('sha256').update(token).digest('base64url');

const infoColumns = {
  id: apiTokens.id,
  userId: apiTokens.userId,
  name: apiTokens.name,
  prefix: apiTokens.prefix,
  scopes: apiTokens.scopes,
  createdAt: apiTokens.createdAt,
  lastUsedAt: apiTokens.lastUsedAt,
  revokedAt: apiTokens.revokedAt,
};

/** The user the command line names by email (`switchboard token create --user EMAIL`). */
export function tokenOwnerByEmail(ctx: DomainContext, rawEmail: unknown): number {
  const email = typeof rawEmail === 'string' ? rawEmail.trim().toLowerCase() : '';
  const row = email ? ctx.db.select({ id: users.id }).from(users).where(eq(users.email, email)).get() : undefined;
  if (!row) throw invalid('api_tokens.no_such_user', 'user', { email });
  return row.id;
}

/**
 * The role a token acts with. Admin rights are a scope of their own: an admin's token without `admin` acts as a
 * manager (reads the inboxes the admin is a member of, and every admin-only function refuses it), so a token made
 * for a CRM sync cannot change users or read every inbox just because an admin made it.
 */
export const actingRole = (role: Role, scopes: readonly ApiScope[]): Role =>
  role === 'admin' && !scopes.includes('admin') ? 'manager' : role;

/** The scopes a user may give a token: `admin` only to an admin's. */
export function scopesFor(role: PublicUser['role']): readonly ApiScope[] {
  return role === 'admin' ? apiScopes : apiScopes.filter((s) => s !== 'admin');
}

function checkScopes(raw: readonly unknown[], role: PublicUser['role']): ApiScope[] {
  const allowed: readonly string[] = scopesFor(role);
  const scopes = [...new Set(raw)];
  if (scopes.length === 0 || scopes.some((s) => typeof s !== 'string' || !allowed.includes(s)))
    throw invalid('api_tokens.scopes_invalid', 'scopes', { scopes: allowed.join(', ') });
  return apiScopes.filter((s) => scopes.includes(s));
}

function ownerOf(ctx: DomainContext, userId: number): PublicUser {
  const user = ctx.db.select(publicColumns).from(users).where(eq(users.id, userId)).get();
  if (!user) throw notFound();
  return user;
}

/**
 * A new token for `userId`: by that user (Settings), or by whoever runs the command line (`actor` null). Returns
 * the token itself, which is shown this once; only its hash is kept.
 */
export function createApiToken(
  ctx: DomainContext,
  actor: Actor | null,
  input: { userId: number; name: unknown; scopes: readonly unknown[] },
): { token: string; info: ApiTokenInfo } {
  if (actor && actor.id !== input.userId) throw forbidden();
  const owner = ownerOf(ctx, input.userId);
  if (!owner.active) throw invalid('api_tokens.user_inactive', 'user');
  const name = cleanLine(input.name, 80, 'api_tokens.name_invalid', 'name');
  const scopes = checkScopes(input.scopes, owner.role);
  const prefix = randomBytes(4).toString('hex');
  const token = `sb_${prefix}_${randomBytes(32).toString('base64url')}`;
  const info = ctx.db.transaction((tx) => {
    const row = tx
      .insert(apiTokens)
      .values({ userId: owner.id, name, prefix, hash: hashOf(token), scopes, createdAt: ctx.now() })
      .returning(infoColumns)
      .get();
    recordAudit(ctx, tx, actor ?? 'console', {
      action: 'api_token.created',
      subject: { id: row.id, name: row.name },
      changes: { user: owner.email, prefix: row.prefix, scopes: row.scopes },
    });
    return row;
  });
  return { token, info };
}

/** A user's tokens, newest first, revoked ones included (with when). */
export function listApiTokens(ctx: DomainContext, actor: Actor | null, userId: number): ApiTokenInfo[] {
  if (actor && actor.id !== userId && actor.role !== 'admin') throw forbidden();
  return ctx.db
    .select(infoColumns)
    .from(apiTokens)
    .where(eq(apiTokens.userId, userId))
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id))
    .all();
}

/** Revokes a token at once: by its owner, an admin, or the command line. Revoking twice changes nothing. */
export function revokeApiToken(ctx: DomainContext, actor: Actor | null, tokenId: number): ApiTokenInfo {
  return ctx.db.transaction((tx) => {
    const row = tx.select(infoColumns).from(apiTokens).where(eq(apiTokens.id, tokenId)).get();
    if (!row || (actor && actor.id !== row.userId && actor.role !== 'admin')) throw notFound();
    if (row.revokedAt !== null) return row;
    const revoked = tx
      .update(apiTokens)
      .set({ revokedAt: ctx.now() })
      .where(eq(apiTokens.id, tokenId))
      .returning(infoColumns)
      .get();
    const owner = tx.select({ email: users.email }).from(users).where(eq(users.id, row.userId)).get();
    recordAudit(ctx, tx, actor ?? 'console', {
      action: 'api_token.revoked',
      subject: { id: row.id, name: row.name },
      changes: { user: owner?.email ?? null, prefix: row.prefix },
    });
    return revoked;
  });
}

/** The token's user and scopes; null for a malformed, unknown or revoked token, or one of a deactivated user. */
export function resolveApiToken(ctx: DomainContext, token: string): ResolvedToken | null {
  if (!TOKEN_SHAPE.test(token)) return null;
  const row = ctx.db
    .select({ id: apiTokens.id, scopes: apiTokens.scopes, lastUsedAt: apiTokens.lastUsedAt, user: publicColumns })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.hash, hashOf(token)), isNull(apiTokens.revokedAt)))
    .get();
  if (!row?.user.active) return null;
  const now = ctx.now();
  if (row.lastUsedAt === null || now - row.lastUsedAt > TOUCH_EVERY_MS)
    ctx.db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id)).run();
  return { tokenId: row.id, user: row.user, scopes: row.scopes, role: actingRole(row.user.role, row.scopes) };
}
