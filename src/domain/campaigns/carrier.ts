import type { CampaignPauseReason } from '../../db/schema/campaigns.ts';
import type { CampaignSettings } from './settings.ts';

/** A carrier's refusal that pauses a campaign instead of failing its recipient, and until when. */
export interface CarrierPause {
  reason: Exclude<CampaignPauseReason, 'manual'>;
  resumeAt: number;
}

/**
 * What a refused campaign message means for its campaign: a code in `daily_cap_codes` pauses it for
 * `daily_cap_pause_hours`, one in `throttle_codes` for `throttle_pause_minutes` (a code in both is a daily cap: the
 * longer wait is the safe one); any other code is the message's own failure (null).
 */
export function carrierPauseOf(settings: CampaignSettings, code: string, now: number): CarrierPause | null {
  const norm = code.toLowerCase();
  const has = (codes: string[]) => codes.some((c) => c.toLowerCase() === norm);
  if (has(settings.dailyCapCodes)) return { reason: 'carrier_daily_cap', resumeAt: now + settings.dailyCapPauseMs };
  if (has(settings.throttleCodes)) return { reason: 'carrier_throttle', resumeAt: now + settings.throttlePauseMs };
  return null;
}
