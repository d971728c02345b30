/**
 * The campaign.* keys starting, pausing, resuming and cancelling refuse with. Their texts live with the campaign
 * pages' catalogs (src/i18n/{en,de}/campaigns.ts, the ui branch's); until those are merged the keys are named here.
 */
import type { MessageKey } from '../../i18n/index.ts';
import { conflict, invalid } from '../errors.ts';

export type CampaignSendErrorKey =
  | 'campaign.not_draft'
  | 'campaign.stale'
  | 'campaign.no_recipients'
  | 'campaign.body_empty'
  | 'campaign.unknown_placeholder'
  | 'campaign.number_unregistered'
  | 'campaign.rate_invalid'
  | 'campaign.send_at_past'
  | 'campaign.not_started'
  | 'campaign.finished';

const key = (k: CampaignSendErrorKey): MessageKey => k as MessageKey;

type Params = Record<string, string | number>;

export const sendInvalid = (k: CampaignSendErrorKey, field?: string, params: Params = {}) =>
  invalid(key(k), field, params);
export const sendConflict = (k: CampaignSendErrorKey, field?: string, params: Params = {}) =>
  conflict(key(k), field, params);
