import { and, eq, lt } from 'drizzle-orm';
import { apiIdempotency } from '../../db/schema/api.ts';
import type { DomainContext } from '../context.ts';
import { conflict } from '../errors.ts';

/** How long an `Idempotency-Key` is remembered. */
export const IDEMPOTENCY_MS = 24 * 3_600_000;

/**
 * The body of the message first sent for this token and key (JSON), or null when the key is new (or older than a day). The
 * same key on another request (`method path`) is refused: it would replay an answer to something else.
 * Expired keys are swept on the way (one indexed delete).
 */
export function recallAnswer(ctx: DomainContext, tokenId: number, key: string, request: string): string | null {
  ctx.db
    .delete(apiIdempotency)
    .where(lt(apiIdempotency.createdAt, ctx.now() - IDEMPOTENCY_MS))
    .run();
  const row = ctx.db
    .select()
    .from(apiIdempotency)
    .where(and(eq(apiIdempotency.tokenId, tokenId), eq(apiIdempotency.key, key)))
    .get();
  if (!row) return null;
  if (row.request !== request) throw conflict('api_tokens.idempotency_reused');
  return row.body;
}

export function rememberAnswer(ctx: DomainContext, tokenId: number, key: string, request: string, body: string): void {
  ctx.db.insert(apiIdempotency).values({ tokenId, key, request, body, createdAt: ctx.now() }).run();
}
