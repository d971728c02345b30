/** The campaign.* keys starting, pausing, resuming and cancelling refuse with (texts: src/i18n/{en,de}/campaigns.ts). */
import type { MessageKey } from '../../i18n/index.ts';
import { conflict, invalid } from '../errors.ts';

export type CampaignSendErrorKey =
  | 'campaign.not_draft'
  | 'campaign.stale'
  | 'campaign.no_recipients'
  | 'campaign.body_empty'
  | 'campaign.unknown_placeholder'
  | 'campaign.number_unregistered'
  | 'campaign.public_url_missing'
  | 'campaign.rate_invalid'
  | 'campaign.send_at_past'
  | 'campaign.not_started'
  | 'campaign.finished'
  | 'campaign.template_missing'
  | 'campaign.template_unapproved'
  | 'campaign.template_param_empty';

const key = (k: CampaignSendErrorKey): MessageKey => k;

type Params = Record<string, string | number>;

export const sendInvalid = (k: CampaignSendErrorKey, field?: string, params: Params = {}) =>
  invalid(key(k), field, params);
export const sendConflict = (k: CampaignSendErrorKey, field?: string, params: Params = {}) =>
  conflict(key(k), field, params);
