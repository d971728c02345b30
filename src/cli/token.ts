import type { DomainContext } from '../domain/context.ts';
import { createApiToken, listApiTokens, revokeApiToken, tokenOwnerByEmail } from '../domain/api-tokens/tokens.ts';
import { UsageError } from './settings.ts';

const iso = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString());

/**
 * `switchboard token create|list|revoke`, acting as the operator. Returns what goes to stdout: for `create` only
 * the token, so a script can capture it (`TOKEN=$(switchboard token create …)`).
 */
export function tokenCommand(
  ctx: DomainContext,
  sub: string | undefined,
  flags: { user?: string; scopes?: string; name?: string },
  positionals: string[],
): string {
  if (sub === 'create') {
    if (!flags.user || !flags.scopes || positionals.length > 0)
      throw new UsageError('token create needs --user and --scopes (and takes --name)');
    const { token } = createApiToken(ctx, null, {
      userId: tokenOwnerByEmail(ctx, flags.user),
      name: flags.name ?? 'Command line',
      scopes: flags.scopes.split(',').map((s) => s.trim()),
    });
    return `${token}\n`;
  }
  if (sub === 'list') {
    if (!flags.user || positionals.length > 0) throw new UsageError('token list needs --user');
    const rows = listApiTokens(ctx, null, tokenOwnerByEmail(ctx, flags.user));
    return rows
      .map((t) =>
        [
          t.id,
          `sb_${t.prefix}_…`,
          t.name,
          t.scopes.join(','),
          `last used ${iso(t.lastUsedAt)}`,
          t.revokedAt === null ? 'active' : `revoked ${iso(t.revokedAt)}`,
        ].join('\t'),
      )
      .map((line) => `${line}\n`)
      .join('');
  }
  if (sub === 'revoke') {
    const id = Number(positionals[0]);
    if (positionals.length !== 1 || !Number.isInteger(id) || id <= 0) throw new UsageError('token revoke needs an ID');
    const revoked = revokeApiToken(ctx, null, id);
    return `Revoked token ${revoked.id} (${revoked.name})\n`;
  }
  throw new UsageError(`unknown token command: ${sub ?? '(none)'}`);
}
