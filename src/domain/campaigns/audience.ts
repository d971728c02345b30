/**
 * Who a draft campaign texts: phones from tagged or filtered conversations, pasted lists and CSV files, each
 * normalised to E.164 (the campaign number's country for national numbers), merged (a phone once: the first keeps
 * its values, later CSV rows fill its gaps), and matched to the team's contacts (their fields fill placeholders,
 * their time zone sets quiet hours). Lines that are no textable number are kept with a reason for the error list.
 */
import { and, asc, eq, ne, sql } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import { campaignRecipients, campaignRejects } from '../../db/schema/campaigns.ts';
import { conversations, tags } from '../../db/schema/conversations.ts';
import { numbers } from '../../db/schema/numbers.ts';
import { countryOfNumber, parsePhone, parseTextable } from '../../lib/e164.ts';
import type { MessageKey } from '../../i18n/index.ts';
import type { Actor, DomainContext } from '../context.ts';
import { invalid } from '../errors.ts';
import { TEAM_BOOK } from '../contacts/book.ts';
import { listConditions, type ListFilter } from '../conversations/list.ts';
import { prepared } from '../prepared.ts';
import { assertMayManage, assertMayRead } from './access.ts';
import { readCsv, variableName, type CsvFile } from './csv-read.ts';
import { draftForChange, touch } from './service.ts';
import type { CampaignSettings } from './settings.ts';
import { joinZones, recipientZones } from './zones.ts';

export type AudienceSource =
  | { kind: 'tag'; tagId: number }
  | { kind: 'filter'; filter: Omit<ListFilter, 'scope' | 'sort'> }
  | { kind: 'pasted'; text: string }
  | { kind: 'csv'; filename: string; content: Buffer };

interface Candidate {
  phone: string;
  vars: Record<string, string> | null;
}

/** Why an audience line was not used (campaign_rejects.reason). */
type RejectKey = Extract<MessageKey, 'campaign.reject.invalid' | 'campaign.reject.landline' | 'campaign.reject.empty'>;

interface Reject {
  source: string;
  line: number;
  raw: string;
  reason: RejectKey;
}

interface Gathered {
  candidates: Candidate[];
  rejects: Reject[];
  /** CSV columns that became variables, in file order. */
  variables: string[];
}

const RAW_MAX = 200;
/** E.164 as the app stores it. */
const STORED = /^\+[1-9]\d{5,14}$/;
/** Phones looked up in the address book per query. */
const LOOKUP_CHUNK = 5_000;

/** A line as typed, or why it is no number a campaign can text. */
function normalise(
  raw: string,
  country: ReturnType<typeof countryOfNumber>,
): { phone: string } | { reason: RejectKey } {
  if (raw.trim() === '') return { reason: 'campaign.reject.empty' };
  const checked = parseTextable(raw, [country]);
  if ('phone' in checked) return checked;
  return { reason: checked.refused === 'invalid' ? 'campaign.reject.invalid' : 'campaign.reject.landline' };
}

/** Column names people give phone numbers, in several languages, as variable names. */
const PHONE_COLUMNS = new Set([
  'phone',
  'mobile',
  'number',
  'nummer',
  'telefon',
  'handy',
  'tel',
  'cell',
  'mobil',
  'msisdn',
  'telephone',
  'phone_number',
  'mobile_number',
  'mobile_phone',
  'cell_phone',
  'telefonnummer',
  'handynummer',
  'mobilnummer',
  'rufnummer',
  'telefonnr',
  'tel_nr',
  'handynr',
  'e164',
]);
const PHONE_WORDS = /phone|mobil|handy|telefon|cell/;

/** The phone column: by its name, else the first whose first values are mostly numbers. */
function phoneColumn(csv: CsvFile, names: string[], country: ReturnType<typeof countryOfNumber>): number {
  const byName = names.findIndex((name) => PHONE_COLUMNS.has(name));
  if (byName >= 0) return byName;
  const byWord = names.findIndex((name) => PHONE_WORDS.test(name));
  if (byWord >= 0) return byWord;
  const sample = csv.rows.slice(0, 20);
  return names.findIndex((_, column) => {
    const values = sample.map((row) => row.cells[column]?.trim() ?? '').filter((v) => v !== '');
    const phones = values.filter((v) => parsePhone(v, [country]) !== null).length;
    return values.length > 0 && phones * 2 > values.length;
  });
}

/** Column names as unique variable names ("Order No." → order_no; a nameless one → column_3). */
function variableNames(header: string[]): string[] {
  const seen = new Set<string>();
  return header.map((h, i) => {
    const base = variableName(h) || `column_${i + 1}`;
    let name = base;
    for (let n = 2; seen.has(name); n++) name = `${base}_${n}`;
    seen.add(name);
    return name;
  });
}

function fromCsv(settings: CampaignSettings, content: Buffer, country: ReturnType<typeof countryOfNumber>): Gathered {
  const csv = readCsv(content, settings.maxCsvRows);
  const names = variableNames(csv.header);
  const phoneAt = phoneColumn(csv, names, country);
  if (phoneAt < 0) throw invalid('campaign.csv_no_phone_column', 'file');
  const columns = names.map((name, i) => ({ name, i })).filter((c) => c.i !== phoneAt);
  const candidates: Candidate[] = [];
  const rejects: Reject[] = [];
  for (const row of csv.rows) {
    const raw = row.cells[phoneAt] ?? '';
    const checked = normalise(raw, country);
    if ('reason' in checked) {
      rejects.push({
        source: 'csv',
        line: row.line,
        raw: row.cells.join(', ').slice(0, RAW_MAX),
        reason: checked.reason,
      });
      continue;
    }
    let vars: Record<string, string> | null = null;
    for (const { name, i } of columns) {
      const value = row.cells[i]?.trim() ?? '';
      if (value !== '') (vars ??= {})[name] = value;
    }
    candidates.push({ phone: checked.phone, vars });
  }
  return { candidates, rejects, variables: columns.map((c) => c.name) };
}

function fromPasted(settings: CampaignSettings, text: string, country: ReturnType<typeof countryOfNumber>): Gathered {
  const candidates: Candidate[] = [];
  const rejects: Reject[] = [];
  text.split(/\r\n|\r|\n/).forEach((lineText, index) => {
    for (const token of lineText.split(/[,;]/)) {
      if (token.trim() === '') continue;
      if (candidates.length + rejects.length >= settings.maxCsvRows) {
        throw invalid('campaign.too_many_numbers', 'text', { max: settings.maxCsvRows });
      }
      const checked = normalise(token, country);
      if ('phone' in checked) candidates.push({ phone: checked.phone, vars: null });
      else
        rejects.push({
          source: 'pasted',
          line: index + 1,
          raw: token.trim().slice(0, RAW_MAX),
          reason: checked.reason,
        });
    }
  });
  if (candidates.length + rejects.length === 0) throw invalid('campaign.pasted_empty', 'text');
  return { candidates, rejects, variables: [] };
}

/** Phones of the shared inboxes' conversations the filter (or tag) selects, as the actor's list would show them; no spam. */
function fromConversations(
  ctx: DomainContext,
  actor: Actor,
  source: 'tag' | 'filter',
  filter: Omit<ListFilter, 'scope' | 'sort'>,
): Gathered {
  const conditions = listConditions(ctx, actor, { ...filter, scope: 'shared', sort: 'newest' });
  const phones = ctx.db
    .selectDistinct({ phone: conversations.phone })
    .from(conversations)
    .where(and(...conditions.where(), ne(conversations.status, 'spam'), ne(conversations.phone, '')))
    .orderBy(asc(conversations.phone))
    .prepare()
    .all(conditions.values)
    .map((r) => r.phone);
  const candidates: Candidate[] = [];
  const rejects: Reject[] = [];
  phones.forEach((raw, index) => {
    // Conversation phones were stored as E.164 when the text came or went, so they are taken as they are; a
    // sender's name (an alphanumeric sender) cannot be texted.
    if (STORED.test(raw)) candidates.push({ phone: raw, vars: null });
    else rejects.push({ source, line: index + 1, raw: raw.slice(0, RAW_MAX), reason: 'campaign.reject.invalid' });
  });
  return { candidates, rejects, variables: [] };
}

function gather(
  ctx: DomainContext,
  actor: Actor,
  settings: CampaignSettings,
  source: AudienceSource,
  country: ReturnType<typeof countryOfNumber>,
): Gathered {
  switch (source.kind) {
    case 'csv':
      return fromCsv(settings, source.content, country);
    case 'pasted':
      return fromPasted(settings, source.text, country);
    case 'tag': {
      const tag = ctx.db.select({ id: tags.id }).from(tags).where(eq(tags.id, source.tagId)).get();
      if (!tag) throw invalid('campaign.tag_unknown', 'tagId');
      return fromConversations(ctx, actor, 'tag', { tagId: tag.id });
    }
    case 'filter':
      return fromConversations(ctx, actor, 'filter', source.filter);
  }
}

/** Later values fill the gaps of earlier ones; an earlier value is never replaced. */
function fillGaps(
  first: Record<string, string> | null,
  later: Record<string, string> | null,
): Record<string, string> | null {
  if (!later) return first;
  if (!first) return later;
  return { ...later, ...first };
}

const sameVars = (a: Record<string, string> | null, b: Record<string, string> | null): boolean =>
  JSON.stringify(a) === JSON.stringify(b);

interface Statements {
  existing: Database.Statement<[number], string>;
  varsOf: Database.Statement<[number, string], string | null>;
  contacts: Database.Statement<[number, string], { phone: string; contactId: number; timeZone: string | null }>;
  insert: Database.Statement<[number, string, number | null, string | null, string]>;
  updateVars: Database.Statement<[string | null, number, string]>;
  reject: Database.Statement<[number, string, number, string, string]>;
}

function statements(db: Database.Database): Statements {
  return {
    existing: db.prepare<[number], string>('SELECT phone FROM campaign_recipients WHERE campaign_id = ?').pluck(),
    varsOf: db
      .prepare<[number, string], string | null>(
        'SELECT vars FROM campaign_recipients WHERE campaign_id = ? AND phone = ?',
      )
      .pluck(),
    contacts: db.prepare(
      `SELECT cp.phone AS phone, cp.contact_id AS contactId, c.time_zone AS timeZone
       FROM contact_phones cp JOIN contacts c ON c.id = cp.contact_id
       WHERE cp.book = ? AND cp.phone IN (SELECT value FROM json_each(?))`,
    ),
    insert: db.prepare(
      'INSERT INTO campaign_recipients (campaign_id, phone, contact_id, vars, zones) VALUES (?, ?, ?, ?, ?)',
    ),
    updateVars: db.prepare('UPDATE campaign_recipients SET vars = ? WHERE campaign_id = ? AND phone = ?'),
    reject: db.prepare('INSERT INTO campaign_rejects (campaign_id, source, line, raw, reason) VALUES (?, ?, ?, ?, ?)'),
  };
}

export interface AudienceAdded {
  /** New recipients. */
  added: number;
  /** Phones already in the audience, or more than once in this source: merged into one recipient. */
  merged: number;
  /** Lines that are no textable number (kept in the error list). */
  rejected: number;
}

/** Adds a source's phones to a draft's audience, in one transaction; 422 in place for a source that cannot be read. */
export function addAudience(
  ctx: DomainContext,
  actor: Actor,
  settings: CampaignSettings,
  id: number,
  source: AudienceSource,
): AudienceAdded {
  const { campaign } = assertMayManage(ctx, actor, id);
  const e164 = ctx.db.select({ e164: numbers.e164 }).from(numbers).where(eq(numbers.id, campaign.numberId)).get()!.e164;
  const gathered = gather(ctx, actor, settings, source, countryOfNumber(e164));

  // Within the source: a phone once, the first row's values first.
  const unique = new Map<string, Candidate>();
  let merged = 0;
  for (const c of gathered.candidates) {
    const seen = unique.get(c.phone);
    if (seen) {
      seen.vars = fillGaps(seen.vars, c.vars);
      merged++;
    } else unique.set(c.phone, { ...c });
  }

  const now = ctx.now();
  const s = prepared(ctx, 'campaign audience writes', () => statements(ctx.db.$client));
  const done = ctx.db.transaction((tx) => {
    const { campaign: draft, inboxId } = draftForChange(tx, actor, id, null);
    const existing = new Set(s.existing.all(id));
    const fresh: Candidate[] = [];
    for (const c of unique.values()) {
      if (!existing.has(c.phone)) {
        fresh.push(c);
        continue;
      }
      merged++;
      if (c.vars === null) continue;
      const stored = s.varsOf.get(id, c.phone) ?? null;
      const before = stored === null ? null : (JSON.parse(stored) as Record<string, string>);
      const after = fillGaps(before, c.vars);
      if (!sameVars(before, after)) s.updateVars.run(JSON.stringify(after), id, c.phone);
    }
    const known = new Map<string, { contactId: number; timeZone: string | null }>();
    for (let at = 0; at < fresh.length; at += LOOKUP_CHUNK) {
      const phones = JSON.stringify(fresh.slice(at, at + LOOKUP_CHUNK).map((c) => c.phone));
      for (const row of s.contacts.all(TEAM_BOOK, phones)) known.set(row.phone, row);
    }
    for (const c of fresh) {
      const contact = known.get(c.phone);
      s.insert.run(
        id,
        c.phone,
        contact?.contactId ?? null,
        c.vars === null ? null : JSON.stringify(c.vars),
        joinZones(recipientZones(contact?.timeZone, c.phone)),
      );
    }
    for (const r of gathered.rejects) s.reject.run(id, r.source, r.line, r.raw, r.reason);
    const variables = [...new Set([...draft.variables, ...gathered.variables])];
    touch(tx, id, now, variables.length === draft.variables.length ? {} : { variables });
    return { inboxId, added: fresh.length };
  });
  ctx.events.emit('campaign.changed', { campaignId: id, inboxId: done.inboxId });
  return { added: done.added, merged, rejected: gathered.rejects.length };
}

/** Empties a draft's audience: recipients, the error list and the CSV's variables. */
export function clearAudience(ctx: DomainContext, actor: Actor, id: number): void {
  const now = ctx.now();
  const inboxId = ctx.db.transaction((tx) => {
    const { inboxId } = draftForChange(tx, actor, id, null);
    tx.delete(campaignRecipients).where(eq(campaignRecipients.campaignId, id)).run();
    tx.delete(campaignRejects).where(eq(campaignRejects.campaignId, id)).run();
    touch(tx, id, now, { variables: [] });
    return inboxId;
  });
  ctx.events.emit('campaign.changed', { campaignId: id, inboxId });
}

export interface AudienceCounts {
  /** Recipients in the audience (one per phone). */
  total: number;
  /** Those still to be texted, neither opted out nor texted by a campaign in the last 24 hours. */
  willReceive: number;
  optedOut: number;
  /** Lines that were no textable number. */
  invalid: number;
  /** Texted by a campaign (any) in the last 24 hours: skipped at start. */
  recent: number;
}

const RECENT_MS = 86_400_000;

/** What the audience comes to before sending: one aggregate over the recipients. */
export function audienceCounts(ctx: DomainContext, actor: Actor, id: number): AudienceCounts {
  const { campaign } = assertMayRead(ctx, actor, id);
  const row = prepared(ctx, 'campaign audience counts', () =>
    ctx.db.$client.prepare<
      [number, number, number],
      { total: number; pending: number; optedOut: number; recent: number }
    >(
      `SELECT count(*) AS total,
         coalesce(sum(r.state = 'pending'), 0) AS pending,
         coalesce(sum(r.state = 'pending' AND o.phone IS NOT NULL), 0) AS optedOut,
         coalesce(sum(r.state = 'pending' AND o.phone IS NULL AND EXISTS (
           SELECT 1 FROM campaign_recipients p WHERE p.phone = r.phone AND p.queued_at >= ? AND p.campaign_id <> r.campaign_id
         )), 0) AS recent
       FROM campaign_recipients r
       LEFT JOIN opt_outs o ON o.phone = r.phone AND o.number_id = ?
       WHERE r.campaign_id = ?`,
    ),
  ).get(ctx.now() - RECENT_MS, campaign.numberId, id)!;
  const invalid =
    ctx.db
      .select({ n: sql<number>`count(*)` })
      .from(campaignRejects)
      .where(eq(campaignRejects.campaignId, id))
      .get()?.n ?? 0;
  return {
    total: row.total,
    willReceive: row.pending - row.optedOut - row.recent,
    optedOut: row.optedOut,
    invalid,
    recent: row.recent,
  };
}

/** The error list: lines that were no textable number, in the order they came. */
export function rejectsOf(
  ctx: DomainContext,
  actor: Actor,
  id: number,
  page: { limit: number; offset: number },
): { rows: { source: string; line: number; raw: string; reason: string }[]; total: number } {
  assertMayRead(ctx, actor, id);
  const rows = ctx.db
    .select({
      source: campaignRejects.source,
      line: campaignRejects.line,
      raw: campaignRejects.raw,
      reason: campaignRejects.reason,
    })
    .from(campaignRejects)
    .where(eq(campaignRejects.campaignId, id))
    .orderBy(sql`rowid`)
    .limit(Math.max(1, Math.min(500, Math.trunc(page.limit) || 50)))
    .offset(Math.max(0, Math.trunc(page.offset) || 0))
    .all();
  const total =
    ctx.db
      .select({ n: sql<number>`count(*)` })
      .from(campaignRejects)
      .where(eq(campaignRejects.campaignId, id))
      .get()?.n ?? 0;
  return { rows, total };
}
