import { isManager, type Actor, type DomainContext } from '../context.ts';
import { forbidden, invalid } from '../errors.ts';
import { assertCanSeeInbox } from '../inboxes/access.ts';
import { changeInboxSettings } from '../inboxes/service.ts';

export const MAX_OPEN_LIMIT = 500;

/** The cap field: empty = no cap; otherwise a whole number from 1 to 500. */
export function parseMaxOpen(raw: unknown): number | null {
  // Anything but one text (a repeated field, say) is a malformed form, not "no cap".
  if (raw !== undefined && typeof raw !== 'string')
    throw invalid('assignment.max_open_invalid', 'max_open', { max: MAX_OPEN_LIMIT });
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (text === '') return null;
  const value = /^\d{1,4}$/.test(text) ? Number(text) : NaN;
  if (!(value >= 1 && value <= MAX_OPEN_LIMIT))
    throw invalid('assignment.max_open_invalid', 'max_open', { max: MAX_OPEN_LIMIT });
  return value;
}

/**
 * A manager (or admin) of a shared inbox they see switches round-robin on or off and sets the cap of open
 * conversations per agent.
 */
export function setAutoAssign(
  ctx: DomainContext,
  actor: Actor,
  inboxId: number,
  input: { enabled: boolean; maxOpen: unknown },
): void {
  if (!isManager(actor)) throw forbidden();
  assertCanSeeInbox(ctx, actor, inboxId);
  changeInboxSettings(ctx, actor, inboxId, { autoAssign: input.enabled, maxOpenPerAgent: parseMaxOpen(input.maxOpen) });
}
