import type { Actor, DomainContext } from '../domain/context.ts';
import { teammateReplySince, type TeammateReply } from '../domain/conversations/collision.ts';
import { toPlainText } from '../formatting/markdown.ts';
import type { Locale } from '../i18n/index.ts';

/** How much of a teammate's reply the question quotes. */
const EXCERPT_CHARS = 80;

const lists = new Map<Locale, Intl.ListFormat>();

/** "Ana", "Ana and Ben", "Ana, Ben and Mia" in the reader's language (one formatter per language: they are costly). */
function joined<K extends string>(locale: Locale, names: string[], one: K, many: K) {
  if (names.length === 0) return null;
  let format = lists.get(locale);
  if (!format) lists.set(locale, (format = new Intl.ListFormat(locale, { type: 'conjunction' })));
  return { key: names.length === 1 ? one : many, names: format.format(names) };
}

/**
 * The line near the composer of conversation `conversationId` (views/partials/collision.eta): the teammates typing
 * a reply in it, then those only viewing it (never the reader: the caller leaves them out).
 */
export function presenceLine(locale: Locale, conversationId: number, typing: string[], viewing: string[]) {
  return {
    conversation: { id: conversationId },
    presence: {
      typing: joined(locale, typing, 'collision.typing_one', 'collision.typing_many'),
      viewing: joined(locale, viewing, 'collision.viewing_one', 'collision.viewing_many'),
    },
  };
}

export type ReplyAsk = ReturnType<typeof askOf>;

/** "Ben replied 20 seconds ago: '…'": the reply quoted as plain text, its age in seconds, minutes, or its time. */
function askOf(reply: TeammateReply, now: number) {
  const plain = toPlainText(reply.body).replace(/\s+/g, ' ').trim();
  const excerpt = plain.length > EXCERPT_CHARS ? `${plain.slice(0, EXCERPT_CHARS - 1).trimEnd()}…` : plain;
  const seconds = Math.max(0, Math.floor((now - reply.createdAt) / 1000));
  const ago =
    seconds < 60
      ? ({ key: 'collision.replied_seconds', n: seconds } as const)
      : seconds < 3600
        ? ({ key: 'collision.replied_minutes', n: Math.floor(seconds / 60) } as const)
        : null;
  return { name: reply.authorName, excerpt, ago, at: reply.createdAt };
}

/**
 * Whether a reply about to be sent should first ask: a teammate replied after the newest reply the sender's
 * composer was drawn with (`seen`, as the form posted it). Null when it may go; also when the form said nothing
 * readable (a form from before this existed): then there is nothing to compare with.
 */
export function replyAsk(domain: DomainContext, actor: Actor, conversationId: number, seen: string): ReplyAsk | null {
  if (!/^(0|[1-9]\d{0,15})$/.test(seen)) return null;
  const reply = teammateReplySince(domain, actor, conversationId, Number(seen));
  return reply ? askOf(reply, domain.now()) : null;
}
