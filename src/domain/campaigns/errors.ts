/**
 * The campaign.* keys the planning side refuses with. Their texts live with the campaign pages' catalogs
 * (src/i18n/{en,de}/campaigns.ts); until those are merged the keys are named here, in one place.
 */
import type { MessageKey } from '../../i18n/index.ts';
import { conflict, invalid } from '../errors.ts';

export type CampaignErrorKey =
  | 'campaign.name_invalid'
  | 'campaign.number_invalid'
  | 'campaign.not_draft'
  | 'campaign.stale'
  | 'campaign.body_too_long'
  | 'campaign.unknown_placeholder'
  | 'campaign.footer_too_long'
  | 'campaign.rate_invalid'
  | 'campaign.csv_too_large'
  | 'campaign.csv_too_many_rows'
  | 'campaign.csv_cell_too_long'
  | 'campaign.csv_unclosed_quote'
  | 'campaign.csv_empty'
  | 'campaign.csv_no_phone_column'
  | 'campaign.pasted_empty'
  | 'campaign.too_many_numbers'
  | 'campaign.tag_unknown';

/** Why an audience line was not used (campaign_rejects.reason). */
export type CampaignRejectKey = 'campaign.reject.invalid' | 'campaign.reject.landline' | 'campaign.reject.empty';

const key = (k: CampaignErrorKey): MessageKey => k as MessageKey;

type Params = Record<string, string | number>;

export const campaignInvalid = (k: CampaignErrorKey, field?: string, params: Params = {}) =>
  invalid(key(k), field, params);
export const campaignConflict = (k: CampaignErrorKey, field?: string, params: Params = {}) =>
  conflict(key(k), field, params);
