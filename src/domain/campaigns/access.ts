/**
 * Who may do what with a campaign: its number's inbox decides. Everyone who sees that (shared) inbox may read the
 * campaign and its report; admins and the inbox's managers may change and send it.
 */
import { and, eq, isNull } from 'drizzle-orm';
import { campaigns } from '../../db/schema/campaigns.ts';
import { inboxes } from '../../db/schema/inboxes.ts';
import { numbers } from '../../db/schema/numbers.ts';
import { inboxVisibleTo } from '../inboxes/access.ts';
import { isManager, type Actor, type DomainContext } from '../context.ts';
import { forbidden, notFound } from '../errors.ts';

type Reader = Pick<DomainContext['db'], 'select'>;

/** The campaign as its reader may see it: 404 when its inbox is not one they see (or it does not exist). */
function visibleCampaign(db: Reader, actor: Actor, campaignId: number) {
  const row = db
    .select({ campaign: campaigns, inboxId: numbers.inboxId, inboxName: inboxes.name, e164: numbers.e164 })
    .from(campaigns)
    .innerJoin(numbers, eq(numbers.id, campaigns.numberId))
    .innerJoin(inboxes, eq(inboxes.id, numbers.inboxId))
    .where(and(eq(campaigns.id, campaignId), isNull(inboxes.ownerUserId), inboxVisibleTo(actor)))
    .get();
  if (!row) throw notFound();
  return row;
}

export type VisibleCampaign = ReturnType<typeof visibleCampaign>;

/** Agents and managers of the inbox, and admins: read the campaign, its progress and report. */
export function assertMayRead(ctx: { db: Reader }, actor: Actor, campaignId: number): VisibleCampaign {
  return visibleCampaign(ctx.db, actor, campaignId);
}

/** Admins and managers who see the inbox: change, send, pause, cancel (404 unseen, 403 seen but an agent). */
export function assertMayManage(ctx: { db: Reader }, actor: Actor, campaignId: number): VisibleCampaign {
  const row = visibleCampaign(ctx.db, actor, campaignId);
  if (!isManager(actor)) throw forbidden();
  return row;
}

/** Admins and managers create campaigns, from numbers of the shared inboxes they see; agents never do. */
export function mayCreateCampaigns(actor: Actor): boolean {
  return isManager(actor);
}

/** *New campaign* is refused (403) to someone who may create none at all. */
export function assertMayCreate(actor: Actor): void {
  if (!mayCreateCampaigns(actor)) throw forbidden();
}
