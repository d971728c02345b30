import { z } from 'zod';
import { countries, type Country } from '../lib/countries.ts';
import { isE164 } from '../lib/e164.ts';
import { canonicalTimeZone } from '../lib/time-zones.ts';
import { locales } from '../i18n/languages.ts';

const urlTemplate = z
  .string()
  .regex(/^(https?|tel|sip|callto):/, 'expected a URL starting with https:, http:, tel:, sip: or callto:')
  .max(500);

const e164 = z.string().refine(isE164, 'expected a phone number in E.164 form, such as "+15551230000"');

const envName = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]*$/, 'expected an environment variable name such as "WHATSAPP_TOKEN"');

const channelName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'expected lower-case letters, digits, - or _');

const secretPair = <T extends { password?: string; password_env?: string }>(c: T) =>
  (c.password === undefined) !== (c.password_env === undefined);

const smppConnection = z
  .strictObject({
    name: channelName,
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(2775),
    tls: z.boolean().default(false),
    system_id: z.string().min(1).max(15),
    password: z.string().max(8).optional(),
    /** Read from the environment, so the file can be shared without the secret. */
    password_env: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/)
      .optional(),
    bind: z.enum(['transceiver', 'transmitter+receiver']).default('transceiver'),
    window: z.number().int().min(1).max(1000).default(10),
    throughput: z.number().min(0).max(10000).default(20),
    enquire_link_s: z.number().int().min(5).max(600).default(30),
    /**
     * How the SMSC writes message ids in delivery receipts, against its submit_sm_resp: the same way, or in hex
     * (or decimal) where the response is decimal (or hex). Kannel calls this msg-id-type.
     */
    receipt_id: z.enum(['same', 'hex', 'decimal']).default('same'),
  })
  .refine(secretPair, {
    message: 'set exactly one of password and password_env',
    path: ['password'],
  });

const mm7Connection = z
  .strictObject({
    name: channelName,
    /** The carrier's MMSC endpoint that takes our SubmitReq. */
    url: z
      .url()
      .refine((u) => !/^[a-z]+:\/\/[^/]*@/i.test(u), 'put the credentials in username and password, not in the URL'),
    vasp_id: z.string().min(1).max(64),
    vas_id: z.string().min(1).max(64),
    service_code: z.string().min(1).max(64).optional(),
    username: z.string().min(1).max(128).optional(),
    password: z.string().max(256).optional(),
    password_env: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/)
      .optional(),
    /** What the MMSC must present (HTTP basic auth) when it posts DeliverReq / DeliveryReportReq to /mm7/<name>. */
    inbound_username: z.string().min(1).max(128),
    inbound_password: z.string().min(12, 'expected at least 12 characters').max(256).optional(),
    inbound_password_env: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/)
      .optional(),
    timeout_s: z.number().int().min(1).max(300).default(30),
  })
  .refine((c) => c.username === undefined || secretPair(c), {
    message: 'with username, set exactly one of password and password_env',
    path: ['password'],
  })
  .refine((c) => (c.inbound_password === undefined) !== (c.inbound_password_env === undefined), {
    message: 'set exactly one of inbound_password and inbound_password_env',
    path: ['inbound_password'],
  });

/** The Graph API version a [[whatsapp]] block names unless it sets graph_version (the sandbox's stand-in speaks it too). */
export const GRAPH_VERSION = 'v26.0';

const metaId = z.string().regex(/^[0-9]{1,32}$/, 'expected the digits Meta shows for it');

/** A WhatsApp Business number on Meta's Cloud API. Meta posts its webhooks to <public_url>/webhooks/whatsapp/<name>. */
const whatsappChannel = z
  .strictObject({
    name: channelName,
    /** The id Meta gives the phone number (WhatsApp Manager → API setup), not the number itself. */
    phone_number_id: metaId,
    /** The WhatsApp Business Account: the message templates are read from it. */
    business_account_id: metaId,
    access_token: z.string().min(1).max(1024).optional(),
    access_token_env: envName.optional(),
    /** The Meta app's secret: every webhook post is checked against its X-Hub-Signature-256 with it. */
    app_secret: z.string().min(1).max(256).optional(),
    app_secret_env: envName.optional(),
    /** What Meta must present in the webhook handshake (as configured in the app's webhook settings). */
    verify_token: z.string().min(16, 'expected at least 16 characters').max(256),
    /** Where the Graph API is; tests and the sandbox point it at a local stand-in. */
    graph_url: z
      .url({ protocol: /^https?$/, error: 'expected an https:// (or http://) URL' })
      .refine((u) => !/^[a-z]+:\/\/[^/]*@/i.test(u), 'put no credentials in the URL')
      .default('https://graph.facebook.com'),
    /** The one Graph API version every request names. */
    graph_version: z
      .string()
      .regex(/^v[0-9]{1,3}\.[0-9]{1,2}$/, `expected a Graph API version such as "${GRAPH_VERSION}"`)
      .default(GRAPH_VERSION),
    /** Messages per second from this number (Meta allows 80 by default, up to 1000 when raised). */
    throughput: z.number().min(1).max(1000).default(80),
    /** Tell the customer's phone their message was read (blue ticks) when an agent opens the conversation. */
    send_read_receipts: z.boolean().default(false),
  })
  .refine((c) => (c.access_token === undefined) !== (c.access_token_env === undefined), {
    message: 'set exactly one of access_token and access_token_env',
    path: ['access_token'],
  })
  .refine((c) => (c.app_secret === undefined) !== (c.app_secret_env === undefined), {
    message: 'set exactly one of app_secret and app_secret_env',
    path: ['app_secret'],
  });

/**
 * What a number may be configured to send with one message: how many files and how large each (KB). Carriers
 * commonly take MMS files of up to 2 MB; sandbox numbers use the defaults too. Uploads are cut off at the ceilings.
 */
export const ATTACHMENTS = { files: { default: 5, max: 10 }, kb: { default: 2048, max: 10_240 } } as const;

export const numberSchema = z
  .strictObject({
    e164,
    /** The [[smpp]] connection that carries its texts: an SMS number. */
    smpp: z.string().min(1).optional(),
    /** The [[whatsapp]] block that carries its messages: a WhatsApp number. */
    whatsapp: z.string().min(1).optional(),
    inbox: z.string().min(1).max(80).optional(),
    owner: z.email().optional(),
    registration: z.enum(['registered', 'pending', 'unregistered', 'not-required']),
    help_text: z.string().min(1).max(320).optional(),
    stop_text: z.string().min(1).max(320).optional(),
    start_text: z.string().min(1).max(320).optional(),
    /** Messages per second from this number (carriers cap 10DLC numbers); 0 = only the connection's limit. */
    throughput: z.number().min(0).max(1000).default(0),
    /** SMS numbers: how attachments reach the customer, an SMS with an expiring link (the default) or an MMS through an [[mm7]] connection. */
    mms: z.enum(['link', 'mm7']).optional(),
    /** The [[mm7]] connection, when mms = "mm7". */
    mm7: z.string().min(1).optional(),
    /** Files per message (0: no attachments from this number). */
    max_attachments: z.number().int().min(0).max(ATTACHMENTS.files.max).default(ATTACHMENTS.files.default),
    max_attachment_kb: z.number().int().min(1).max(ATTACHMENTS.kb.max).default(ATTACHMENTS.kb.default),
  })
  .refine((n) => (n.inbox === undefined) !== (n.owner === undefined), {
    message: 'set exactly one of inbox (a shared inbox) and owner (a personal number)',
    path: ['inbox'],
  })
  .refine((n) => (n.smpp === undefined) !== (n.whatsapp === undefined), {
    message: 'set exactly one of smpp (an SMS number) and whatsapp (a WhatsApp number)',
    path: ['smpp'],
  })
  .refine((n) => n.whatsapp === undefined || (n.mms === undefined && n.mm7 === undefined), {
    message: 'mms and mm7 are for SMS numbers: WhatsApp carries files itself',
    path: ['mms'],
  })
  .refine((n) => (n.mms === 'mm7') === (n.mm7 !== undefined), {
    message: 'mm7 names the [[mm7]] connection; set it exactly when mms = "mm7"',
    path: ['mm7'],
  });

const clockTime = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'expected a time of day such as "08:00"');

/** A prefix of E.164 numbers: "+1850" (an area code), "+49" (a country). */
const phonePrefix = z.string().regex(/^\+[0-9]{1,15}$/, 'expected "+" and digits, such as "+1850"');

const sendWindow = { send_from: clockTime, send_until: clockTime };
const windowInOrder = (w: { send_from: string; send_until: string }) => w.send_from < w.send_until;
const windowMessage = { message: 'send_from must be before send_until', path: ['send_until'] };

/** Florida's and Oklahoma's telemarketing laws end the day at 20:00: their area codes, as of 2026. */
const STRICTER_AREAS = [
  {
    name: 'Florida',
    prefixes: [
      239, 305, 321, 324, 352, 386, 407, 448, 561, 645, 656, 689, 727, 728, 754, 772, 786, 813, 850, 863, 904, 941, 954,
    ].map((area) => `+1${area}`),
    send_from: '08:00',
    send_until: '20:00',
  },
  {
    name: 'Oklahoma',
    prefixes: [405, 539, 572, 580, 918].map((area) => `+1${area}`),
    send_from: '08:00',
    send_until: '20:00',
  },
];

const campaignsSection = z
  .strictObject({
    /** Named in the opt-out footer of the first campaign message a phone gets ({business}). */
    business_name: z.string().min(1).max(60).optional(),
    /** The footer every new campaign starts with; {business} is replaced by business_name. */
    footer: z.string().min(1).max(160).default('{business}: Reply STOP to opt out'),
    /** Campaign messages go only while it is between these times wherever the recipient may be. */
    send_from: clockTime.default('08:00'),
    send_until: clockTime.default('21:00'),
    /** Stricter windows by number prefix; the longest matching prefix wins. Default: Florida and Oklahoma, 08:00–20:00. */
    area_rules: z
      .array(
        z
          .strictObject({ name: z.string().min(1).max(60), prefixes: z.array(phonePrefix).min(1), ...sendWindow })
          .refine(windowInOrder, windowMessage),
      )
      .default(STRICTER_AREAS),
    /** Campaign messages one phone may get in 24 hours, across all campaigns. */
    max_per_contact_per_day: z.number().int().min(1).max(100).default(3),
    /** The share of a number's (and its connection's) messages per second campaigns may take: the rest stays for replies. */
    max_share: z.number().min(0.1).max(1).default(0.8),
    /** Carrier answers meaning "too fast": SMPP command_status as "0x58", WhatsApp error codes as "130429". */
    throttle_codes: z.array(z.string().min(1).max(16)).default(['0x58', '0x14', '130429', '131056']),
    /** How long a campaign the carrier throttled pauses before it resumes by itself. */
    throttle_pause_minutes: z.number().int().min(1).max(1440).default(5),
    /** Carrier answers meaning "the number's daily cap is reached" (carriers differ: ask yours). */
    daily_cap_codes: z.array(z.string().min(1).max(16)).default([]),
    /** How long a campaign that hit a daily cap pauses before it resumes by itself. */
    daily_cap_pause_hours: z.number().int().min(1).max(72).default(24),
    /** Rows one CSV upload may hold. */
    max_csv_rows: z.number().int().min(1).max(1_000_000).default(200_000),
  })
  .refine((c) => c.send_from < c.send_until, windowMessage);

/** The one description of `switchboard.toml`: validation and the TypeScript type come from here. */
export const configSchema = z
  .strictObject({
    server: z
      .strictObject({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(3000),
        data_dir: z.string().min(1).default('./data'),
        public_url: z.url().optional(),
        // false, true (trust every hop: only behind a proxy that overwrites X-Forwarded-For), a hop count, or addresses/CIDRs.
        trust_proxy: z.union([z.boolean(), z.number().int().min(1).max(10), z.string().min(1)]).default(false),
        body_limit_kb: z.number().int().min(16).max(65536).default(1024),
        /** For people who have none of their own, and for pages seen without signing in. */
        time_zone: z
          .string()
          .refine(
            (zone) => canonicalTimeZone(zone) !== null,
            'expected an IANA time zone name such as "Europe/Berlin" or "UTC"',
          )
          .default('UTC'),
      })
      .prefault({}),
    auth: z
      .strictObject({
        session_idle_hours: z
          .number()
          .positive()
          .max(24 * 365)
          .default(12),
        session_absolute_days: z.number().positive().max(365).default(30),
        login_attempts: z.number().int().min(1).max(100).default(5),
        login_attempts_per_address: z.number().int().min(1).max(10_000).default(30),
        login_window_minutes: z.number().int().min(1).max(1440).default(15),
        // Roles whose members must sign in with a second factor; they are sent to enrol before anything else.
        require_2fa: z.array(z.enum(['admin', 'manager', 'agent'])).default([]),
      })
      .prefault({}),
    log: z
      .strictObject({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .prefault({}),
    i18n: z
      .strictObject({
        default_locale: z.enum(locales).default('en'),
      })
      .prefault({}),
    api: z
      .strictObject({
        /** Requests a minute one API token may make; each token has its own budget (429 with Retry-After beyond). */
        requests_per_minute: z.number().int().min(1).max(1_000_000).default(600),
      })
      .prefault({}),
    contacts: z
      .strictObject({
        /**
         * ISO 3166 alpha-2 code: national numbers typed without a country code are read as this country's, and its
         * numbers are shown in national form. Unset: each person's country is that of their time zone (their own,
         * else server.time_zone); none for UTC, and then numbers are typed and shown with their country code.
         */
        default_country: z.enum(countries as [Country, ...Country[]]).optional(),
        /** Click-to-call: {number} (the customer), {from} (our number), {name}; default a tel: link. */
        call_url: urlTemplate.optional(),
        /** Meeting link with the same placeholders; no meeting button without it. */
        meeting_url: urlTemplate.optional(),
      })
      .prefault({}),
    backup: z
      .strictObject({
        /** Where backups go; default backups/ in the data directory. Another disk is better. */
        dir: z.string().min(1).optional(),
        /** Hours between the server's own backups; 0 = only `switchboard backup`. */
        every_hours: z
          .number()
          .min(0)
          .max(24 * 31)
          .default(24),
        /** How many of the newest backups in dir are kept. */
        keep: z.number().int().min(1).max(1000).default(7),
      })
      .prefault({}),
    campaigns: campaignsSection.prefault({}),
    webhooks: z
      .strictObject({
        /**
         * Lets endpoints point at loopback, private (RFC 1918, fc00::/7), link-local (cloud metadata), CGNAT or
         * unspecified addresses. Off: such URLs are refused when saved and again when sent (DNS may change).
         */
        allow_private: z.boolean().default(false),
      })
      .prefault({}),
    media: z
      .strictObject({
        /** Days the link in an SMS (mms = "link") opens the files for the recipient. */
        link_days: z.number().int().min(1).max(365).default(30),
      })
      .prefault({}),
    metrics: z
      .strictObject({
        /** Lets a scraper that is not on this machine read /metrics with `Authorization: Bearer <token>`. */
        token: z.string().min(24, 'expected at least 24 characters').max(256).optional(),
        token_env: z
          .string()
          .regex(/^[A-Z_][A-Z0-9_]*$/)
          .optional(),
      })
      .refine((m) => m.token === undefined || m.token_env === undefined, {
        message: 'set at most one of token and token_env',
        path: ['token'],
      })
      .prefault({}),
    push: z
      .strictObject({
        /** Who push services may contact about this server (RFC 8292): a mailto: or https: URL. Default: public_url, else a placeholder. */
        subject: z
          .string()
          .regex(/^(mailto:[^\s@]+@[^\s@]+|https:\/\/\S+)$/, 'expected a mailto: address or an https:// URL')
          .optional(),
        /** A VAPID key pair of one's own (base64url, as `npx web-push generate-vapid-keys` prints); default: made once and kept in the database. */
        public_key: z
          .string()
          .regex(/^[A-Za-z0-9_-]{87}$/, 'expected an uncompressed P-256 public key, base64url (87 characters)')
          .optional(),
        private_key_env: z
          .string()
          .regex(/^[A-Z_][A-Z0-9_]*$/)
          .optional(),
      })
      .refine((p) => (p.public_key === undefined) === (p.private_key_env === undefined), {
        message: 'set both public_key and private_key_env, or neither',
        path: ['public_key'],
      })
      .prefault({}),
    smpp: z.array(smppConnection).default([]),
    mm7: z.array(mm7Connection).default([]),
    whatsapp: z.array(whatsappChannel).default([]),
    number: z.array(numberSchema).default([]),
    sandbox: z
      .strictObject({
        /** Default: on when there is no config file, off when there is one. */
        enabled: z.boolean().optional(),
        /** 0: any free port (the server connects to it itself); set one to point another instance at it. */
        port: z.number().int().min(0).max(65535).default(0),
      })
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    // One namespace for every kind's blocks: numbers, URLs (/webhooks/<kind>/<name>) and the admin page name them.
    const kindOf = new Map<string, string>();
    for (const kind of ['smpp', 'mm7', 'whatsapp'] as const) {
      config[kind].forEach((c, i) => {
        const path = [kind, i, 'name'];
        const earlier = kindOf.get(c.name);
        if (earlier !== undefined)
          ctx.addIssue({
            code: 'custom',
            path,
            message: `a second connection named "${c.name}"`,
          });
        // The built-in SMSC's connection is called "sandbox" (src/channels/start.ts) and would replace this one unseen.
        else if (c.name === 'sandbox' && config.sandbox.enabled === true)
          ctx.addIssue({
            code: 'custom',
            path,
            message:
              '"sandbox" is the built-in test SMSC\'s connection while sandbox.enabled = true; rename this connection or switch the sandbox off',
          });
        if (earlier === undefined) kindOf.set(c.name, kind);
      });
    }
    // Numbers may be put on the running sandbox by its name.
    if (config.sandbox.enabled === true && !kindOf.has('sandbox')) kindOf.set('sandbox', 'smpp');
    const seen = new Set<string>();
    config.number.forEach((n, i) => {
      if (seen.has(n.e164))
        ctx.addIssue({ code: 'custom', path: ['number', i, 'e164'], message: `${n.e164} is listed twice` });
      seen.add(n.e164);
      for (const kind of ['smpp', 'mm7', 'whatsapp'] as const) {
        const name = n[kind];
        if (name !== undefined && kindOf.get(name) !== kind)
          ctx.addIssue({
            code: 'custom',
            path: ['number', i, kind],
            message: `no [[${kind}]] connection is named "${name}"`,
          });
      }
    });
  })
  .prefault({});

export type Config = z.infer<typeof configSchema>;
