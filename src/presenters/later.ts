import { wallAt } from '../domain/calendar.ts';
import type { Actor, DomainContext } from '../domain/context.ts';
import { scheduledFor } from '../domain/later/scheduled.ts';
import { findUserById } from '../domain/users/service.ts';
import type { ConfigStore } from '../config/store.ts';
import { timeZoneOf } from './viewer.ts';

/** A moment as a datetime-local field shows it in `zone` (`2026-12-07T09:30`), to edit a scheduled reply's time. */
export function localTimeIn(zone: string): (ms: number) => string {
  return (ms) => wallAt(ms, zone).toISOString().slice(0, 16);
}

/** The scheduled replies under a conversation's newest timeline page, with what their edit forms need. */
export function scheduledData(
  domain: DomainContext,
  actor: Actor,
  conversationId: number,
  zone: string,
  newest = true,
) {
  return { scheduled: newest ? scheduledFor(domain, actor, conversationId) : [], localTime: localTimeIn(zone) };
}

/** The actor's own time zone, for a presenter that is given only the actor. */
export function zoneOfActor(src: { domain: DomainContext; configStore: ConfigStore }, actor: Actor): string {
  return timeZoneOf(findUserById(src.domain, actor.id) ?? null, src.configStore.current);
}
