import { randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { campaignLinks, campaignLinkTokens, campaigns } from '../../db/schema/campaigns.ts';
import { numbers } from '../../db/schema/numbers.ts';
import { bareLinks } from '../../formatting/bare-links.ts';
import type { Actor, DomainContext, Tx } from '../context.ts';
import { assertMayRead } from './access.ts';

/**
 * Tracked links: a campaign's message goes out with each http(s) link replaced by the app's own short link, one
 * per recipient and link, which redirects to the link and counts its clicks (never a public shortener).
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const TOKEN_LENGTH = 22;
/** What a token can look like (longer ones allowed: the column takes any); anything else is not looked up. */
const TOKEN = /^[A-Za-z0-9_-]{22,64}$/;

/**
 * 22 letters and digits (131 random bits, base64url's alphabet without `-` and `_`): an `_` in a link could be
 * read as an italic marker by the Markdown the text goes through on its way out (toPlainText).
 */
function newToken(): string {
  let token = '';
  while (token.length < TOKEN_LENGTH) {
    // 248 = 4 × 62: bytes at or above it are dropped, so every letter is equally likely.
    for (const byte of randomBytes(32)) if (byte < 248 && token.length < TOKEN_LENGTH) token += ALPHABET[byte % 62];
  }
  return token;
}

function linkIdOf(tx: Tx, campaignId: number, url: string): number {
  tx.insert(campaignLinks).values({ campaignId, url }).onConflictDoNothing().run();
  return tx
    .select({ id: campaignLinks.id })
    .from(campaignLinks)
    .where(and(eq(campaignLinks.campaignId, campaignId), eq(campaignLinks.url, url)))
    .get()!.id;
}

/** The recipient's token for a link: the one it already has (the same text shortened again), else a new one. */
function tokenFor(tx: Tx, linkId: number, recipientId: number): string {
  const known = tx
    .select({ token: campaignLinkTokens.token })
    .from(campaignLinkTokens)
    .where(and(eq(campaignLinkTokens.recipientId, recipientId), eq(campaignLinkTokens.linkId, linkId)))
    .get();
  if (known) return known.token;
  const token = newToken();
  tx.insert(campaignLinkTokens).values({ token, linkId, recipientId }).run();
  return token;
}

/**
 * `text` with every bare http(s) link (src/formatting/bare-links.ts: the rule the Markdown reader links by) as
 * `${base}/l/<token>`, the token `tokenOf` gives for the link. What no browser could open ("https://[") goes as
 * written: a short link to it would lead nowhere either.
 */
function replaceLinks(text: string, base: string, tokenOf: (url: string) => string): string {
  const found = bareLinks(text);
  if (found.length === 0) return text;
  const start = base.replace(/\/$/, '');
  let out = '';
  let from = 0;
  for (const link of found) {
    const url = text.slice(link.start, link.end);
    if (!URL.canParse(url)) continue;
    out += `${text.slice(from, link.start)}${start}/l/${tokenOf(url)}`;
    from = link.end;
  }
  return out + text.slice(from);
}

/** Whether "Track links" has anything to shorten in `text`. */
export const hasTrackedLinks = (text: string): boolean =>
  bareLinks(text).some(({ start, end }) => URL.canParse(text.slice(start, end)));

/**
 * `text` with each link as the recipient's own short link: the same link twice is one token, each recipient has
 * their own. Runs inside the caller's transaction (the one that queues the recipient's message). `base`:
 * customerLinkBase(links, connection, 'body').
 */
export function shortenLinks(
  tx: Tx,
  input: { campaignId: number; recipientId: number; text: string; base: string },
): string {
  const { campaignId, recipientId } = input;
  const tokens = new Map<string, string>();
  return replaceLinks(input.text, input.base, (url) => {
    let token = tokens.get(url);
    if (token === undefined) {
      token = tokenFor(tx, linkIdOf(tx, campaignId, url), recipientId);
      tokens.set(url, token);
    }
    return token;
  });
}

/** A short link's code in a preview: as long as a real one, in letters a text message carries as GSM-7. */
export const SAMPLE_TOKEN = 'x'.repeat(TOKEN_LENGTH);

/** `text` as a preview shows it with "Track links": each link as long as its short link will be. */
export const previewLinks = (text: string, base: string): string => replaceLinks(text, base, () => SAMPLE_TOKEN);

function targetOf(db: Pick<DomainContext['db'], 'select'>, token: string) {
  if (!TOKEN.test(token)) return undefined;
  return db
    .select({ url: campaignLinks.url, campaignId: campaignLinks.campaignId, inboxId: numbers.inboxId })
    .from(campaignLinkTokens)
    .innerJoin(campaignLinks, eq(campaignLinks.id, campaignLinkTokens.linkId))
    .innerJoin(campaigns, eq(campaigns.id, campaignLinks.campaignId))
    .innerJoin(numbers, eq(numbers.id, campaigns.numberId))
    .where(eq(campaignLinkTokens.token, token))
    .get();
}

/**
 * The link as a redirect sends it: percent-encoded, the host in punycode (a Location header takes ASCII only; the
 * link is kept as written, for the report).
 */
const redirectOf = (url: string): string => new URL(url).href;

/** Where a short link leads, without counting (a link preview's HEAD); null for a token that does not exist. */
export function linkTarget(ctx: DomainContext, token: string): string | null {
  const target = targetOf(ctx.db, token);
  return target ? redirectOf(target.url) : null;
}

/** A click: where the short link leads (only http(s) links are ever stored), counted; null for an unknown token. */
export function followLink(ctx: DomainContext, token: string, now: number): string | null {
  const target = ctx.db.transaction((tx) => {
    const found = targetOf(tx, token);
    if (!found) return undefined;
    tx.update(campaignLinkTokens)
      .set({
        clicks: sql`${campaignLinkTokens.clicks} + 1`,
        firstClickAt: sql`coalesce(${campaignLinkTokens.firstClickAt}, ${now})`,
        lastClickAt: now,
      })
      .where(eq(campaignLinkTokens.token, token))
      .run();
    return found;
  });
  if (!target) return null;
  ctx.events.emit('campaign.changed', { campaignId: target.campaignId, inboxId: target.inboxId });
  return redirectOf(target.url);
}

/**
 * Each of the campaign's links (in the order they were first sent): its clicks, and how many recipients clicked it
 * (each has one token per link). For whoever may read the campaign.
 */
export function linkStats(
  ctx: DomainContext,
  actor: Actor,
  campaignId: number,
): { url: string; clicks: number; uniqueClicks: number }[] {
  assertMayRead(ctx, actor, campaignId);
  return ctx.db
    .select({
      url: campaignLinks.url,
      clicks: sql<number>`coalesce(sum(${campaignLinkTokens.clicks}), 0)`,
      uniqueClicks: sql<number>`count(case when ${campaignLinkTokens.clicks} > 0 then 1 end)`,
    })
    .from(campaignLinks)
    .leftJoin(campaignLinkTokens, eq(campaignLinkTokens.linkId, campaignLinks.id))
    .where(eq(campaignLinks.campaignId, campaignId))
    .groupBy(campaignLinks.id)
    .orderBy(campaignLinks.id)
    .all();
}
