import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { users } from './users.ts';

/** What an API token may do; a route names the one it needs. */
export const apiScopes = [
  'conversations:read',
  'conversations:write',
  'messages:send',
  'contacts:read',
  'contacts:write',
  'admin',
] as const;
export type ApiScope = (typeof apiScopes)[number];

/**
 * Personal API tokens. Only the SHA-256 of the secret is kept (a stolen database file holds no live token); the
 * prefix is the token's visible part, shown in lists so its owner can tell tokens apart.
 */
export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    prefix: text('prefix').notNull().unique(),
    hash: text('hash').notNull().unique(),
    scopes: text('scopes', { mode: 'json' }).$type<ApiScope[]>().notNull(),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at'),
    revokedAt: integer('revoked_at'),
  },
  (t) => [index('api_tokens_user_idx').on(t.userId)],
);

/**
 * The answer (201) to a request sent with an `Idempotency-Key`, per token, replayed for the same key for 24 h
 * (then swept): a client retrying a send after a lost answer does not text the customer twice.
 */
export const apiIdempotency = sqliteTable(
  'api_idempotency',
  {
    tokenId: integer('token_id')
      .notNull()
      .references(() => apiTokens.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    /** Method and path the key was first used with: the same key on another request is a conflict. */
    request: text('request').notNull(),
    body: text('body').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tokenId, t.key] }), index('api_idempotency_created_idx').on(t.createdAt)],
);
