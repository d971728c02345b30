import type { Config } from '../../config/schema.ts';

/**
 * The [campaigns] section as the domain takes it (times of day in minutes after midnight): the app passes the
 * current configuration's, tests build their own.
 */
export interface CampaignSettings {
  businessName: string | null;
  /** The footer new campaigns start with, {business} already replaced. */
  footer: string;
  window: SendWindow;
  /** Stricter windows by E.164 prefix; the longest matching prefix wins. */
  areaRules: { name: string; prefixes: string[]; window: SendWindow }[];
  maxPerContactPerDay: number;
  maxShare: number;
  throttleCodes: string[];
  throttlePauseMs: number;
  dailyCapCodes: string[];
  dailyCapPauseMs: number;
  maxCsvRows: number;
}

/** Local time of day, minutes after midnight: from ≤ t < until. */
export interface SendWindow {
  from: number;
  until: number;
}

const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function campaignSettingsOf(config: Pick<Config, 'campaigns'>): CampaignSettings {
  const c = config.campaigns;
  return {
    businessName: c.business_name ?? null,
    // Without a business name the footer starts at its opt-out words ("{business}: Reply STOP…" → "Reply STOP…").
    footer: c.footer
      .replaceAll('{business}', c.business_name ?? '')
      .replace(/^[\s:,;–—-]+/, '')
      .trim(),
    window: { from: minutes(c.send_from), until: minutes(c.send_until) },
    areaRules: c.area_rules.map((r) => ({
      name: r.name,
      prefixes: r.prefixes,
      window: { from: minutes(r.send_from), until: minutes(r.send_until) },
    })),
    maxPerContactPerDay: c.max_per_contact_per_day,
    maxShare: c.max_share,
    throttleCodes: c.throttle_codes,
    throttlePauseMs: c.throttle_pause_minutes * 60_000,
    dailyCapCodes: c.daily_cap_codes,
    dailyCapPauseMs: c.daily_cap_pause_hours * 3_600_000,
    maxCsvRows: c.max_csv_rows,
  };
}
