import { z } from 'zod';
import type { Actor, DomainContext } from '../domain/context.ts';
import { timelinePage, type TimelineCursor, type TimelineKind } from '../domain/conversations/timeline.ts';

/** `?before=` of "Show earlier": the oldest item shown, as `at-kind-id` (1764950000000-message-42). */
const cursorParam = (c: TimelineCursor): string => `${c.at}-${c.kind}-${c.id}`;

/** `?before=`: absent means the newest page; anything malformed is refused (400) with its name. */
export const timelineCursor = z
  .string()
  .regex(/^(\d{1,15})-(message|event|note)-([1-9]\d{0,15})$/)
  .transform((raw): TimelineCursor => {
    const [at, kind, id] = raw.split('-');
    return { at: Number(at), kind: kind as TimelineKind, id: Number(id) };
  });

/** One page of a conversation's timeline as the page draws it, with the link to the page before it. */
export function timelineData(domain: DomainContext, actor: Actor, conversationId: number, before?: TimelineCursor) {
  const page = timelinePage(domain, actor, conversationId, before);
  return {
    conversationId,
    items: page.items,
    // The same URL serves the page without JavaScript and the earlier items to htmx.
    earlierUrl: page.earlier ? `/conversations/${conversationId}?before=${cursorParam(page.earlier)}` : null,
    /** An earlier page opened as a page of its own (without JavaScript): it links back to the newest. */
    older: before !== undefined,
  };
}

export type TimelineData = ReturnType<typeof timelineData>;
