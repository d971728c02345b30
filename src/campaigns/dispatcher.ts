import type { Config } from '../config/schema.ts';
import type { DomainContext } from '../domain/context.ts';
import { campaignBacklog, dispatchDue, type SendingCampaign } from '../domain/campaigns/dispatch.ts';
import type { CampaignSettings } from '../domain/campaigns/settings.ts';
import type { CustomerLinks } from '../domain/messaging/links.ts';

/** How often it looks while a campaign sends: small steps keep the pace even, not in bursts. */
const TICK_MS = 250;
/** How often it looks otherwise (a scheduled start, a carrier pause running out, a Send click). */
const IDLE_MS = 1_000;
/** What a bucket may save up: a campaign never has more than this much of its pace waiting in the outbox. */
const BURST_S = 2;
/**
 * Texts of one campaign queued but not yet acknowledged by the carrier, in seconds of its pace: enough to keep the
 * connection busy between turns, and little in flight should the process be killed (those fail as interrupted).
 */
const BACKLOG_S = 2;
const MIN_BACKLOG = 5;

export interface CampaignDispatcher {
  /** One turn now (the timer calls it; tests call it). */
  run(): void;
  stop(): Promise<void>;
}

export interface CampaignDispatcherOptions {
  config: () => Config;
  settings: () => CampaignSettings;
  /** For campaign files behind a link (route link). */
  fileLinks?: () => { links: CustomerLinks; linkDays: number };
  onError: (err: unknown) => void;
}

/** Tokens that come at `perSecond` and are saved up to BURST_S of them; a new one starts with one (no opening burst). */
interface Bucket {
  tokens: number;
  at: number;
  perSecond: number;
}

function fill(bucket: Bucket, perSecond: number, now: number): Bucket {
  const capacity = Math.max(1, perSecond * BURST_S);
  const tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
  return { tokens, at: now, perSecond };
}

/**
 * Queues campaign texts at each campaign's rate, and within max_share of its number's and its connection's
 * throughput (token buckets here), so replies to customers always find room in the outbox. The buckets are only
 * pace: what was queued, skipped or held is in the database, so a restart carries on without texting anyone twice.
 */
export function startCampaignDispatcher(ctx: DomainContext, opts: CampaignDispatcherOptions): CampaignDispatcher {
  const buckets = new Map<string, Bucket>();
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;

  const bucket = (key: string, perSecond: number, now: number): Bucket => {
    const b = fill(buckets.get(key) ?? { tokens: 1, at: now, perSecond }, perSecond, now);
    buckets.set(key, b);
    return b;
  };

  /** The limits a campaign's texts go through, per second: its own rate, then its number's and connection's share. */
  function limitsOf(c: SendingCampaign, config: Config, share: number): [string, number][] {
    const limits: [string, number][] = [[`campaign:${c.id}`, c.ratePerMinute / 60]];
    const number = config.number.find((n) => n.e164 === c.e164)?.throughput ?? 0;
    if (number > 0) limits.push([`number:${c.e164}`, number * share]);
    // An SMPP connection's or a WhatsApp block's messages per second (Meta's 80 by default).
    const connection = [...config.smpp, ...config.whatsapp].find((s) => s.name === c.channel)?.throughput ?? 0;
    if (connection > 0) limits.push([`connection:${c.channel}`, connection * share]);
    return limits;
  }

  function run(): void {
    if (stopped) return;
    let wakeAt: number | null = null;
    let sending = false;
    try {
      const now = ctx.now();
      const config = opts.config();
      const settings = opts.settings();
      const granted = new Map<number, [string, number][]>();
      const result = dispatchDue(
        ctx,
        settings,
        now,
        (c) => {
          sending = true;
          const limits = limitsOf(c, config, settings.maxShare);
          const backlog = Math.max(MIN_BACKLOG, (c.ratePerMinute / 60) * BACKLOG_S) - campaignBacklog(ctx, c.id);
          const budget = Math.floor(Math.min(backlog, ...limits.map(([key, rate]) => bucket(key, rate, now).tokens)));
          granted.set(c.id, limits);
          return Math.max(0, budget);
        },
        opts.fileLinks ? { fileLinks: opts.fileLinks() } : {},
      );
      for (const [campaignId, limits] of granted) {
        const used = result.byCampaign.get(campaignId) ?? 0;
        for (const [key] of limits) buckets.get(key)!.tokens -= used;
      }
      wakeAt = result.wakeAt;
    } catch (err) {
      opts.onError(err);
    }
    const wait = sending ? TICK_MS : Math.max(0, Math.min(IDLE_MS, wakeAt === null ? IDLE_MS : wakeAt - ctx.now()));
    timer = setTimeout(run, wait);
    timer.unref();
  }

  timer = setTimeout(run, 0);
  timer.unref();
  return {
    run,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
