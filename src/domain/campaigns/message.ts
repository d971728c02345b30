/**
 * A campaign's text: {{placeholders}} for contact fields and CSV columns, filled per recipient, and the opt-out
 * footer on the first campaign message a phone ever gets from the number.
 */
import { and, asc, eq, isNotNull, sql } from 'drizzle-orm';
import { campaignRecipients, campaigns, type CampaignTemplate } from '../../db/schema/campaigns.ts';
import { numbers } from '../../db/schema/numbers.ts';
import { contacts } from '../../db/schema/contacts.ts';
import type { Actor, DomainContext, Tx } from '../context.ts';
import { analyzeText, type SmsEncoding } from '../messaging/sms-parts.ts';
import { fillTemplate, templateOf } from '../messaging/templates.ts';
import { assertMayRead } from './access.ts';
import { hasTrackedLinks, previewLinks } from './links.ts';

/** The contact fields a body may name, always available (empty when the contact has no such field). */
export const contactPlaceholders = [
  'contact.name',
  'contact.first_name',
  'contact.last_name',
  'contact.company',
  'contact.phone',
] as const;

// {{ name }}: letters, digits, '_' and '.', spaces inside the braces allowed; names compare in lower case.
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.]{1,64})\s*\}\}/g;

/** The distinct placeholder names in the body, lower-cased, in order of first use. */
export function placeholdersIn(body: string): string[] {
  return [...new Set([...body.matchAll(PLACEHOLDER)].map((m) => m[1]!.toLowerCase()))];
}

/** Placeholders that neither a contact field nor one of the CSV's columns fills. */
export function unknownPlaceholders(body: string, variables: readonly string[]): string[] {
  const known = new Set<string>([...contactPlaceholders, ...variables]);
  return placeholdersIn(body).filter((name) => !known.has(name));
}

/** One pass over the body: a value is inserted as text and never scanned for placeholders itself. */
export function fillFor(body: string, values: Readonly<Record<string, string>>): string {
  return body.replace(PLACEHOLDER, (_, name: string) => values[name.toLowerCase()] ?? '');
}

export interface RecipientFields {
  phone: string;
  vars: Readonly<Record<string, string>> | null;
  contact: { name: string | null; company: string | null } | null;
}

/**
 * What fills a recipient's placeholders: the CSV row's columns and the contact's fields. A recipient with no named
 * contact takes contact.name from a CSV column called "name", so a list of new people can still be greeted.
 */
export function valuesOf({ phone, vars, contact }: RecipientFields): Record<string, string> {
  const name = (contact?.name ?? vars?.['name'] ?? '').trim();
  const space = name.indexOf(' ');
  return {
    ...vars,
    'contact.name': name,
    'contact.first_name': space < 0 ? name : name.slice(0, space),
    'contact.last_name': space < 0 ? '' : name.slice(space + 1).trim(),
    'contact.company': contact?.company ?? vars?.['company'] ?? '',
    'contact.phone': phone,
  };
}

/** The text a recipient gets: the filled body, and the footer after a blank line on their first from this number. */
export function composeText(
  campaign: { body: string; footer: string },
  recipient: RecipientFields,
  { firstFromNumber }: { firstFromNumber: boolean },
): string {
  const text = fillFor(campaign.body, valuesOf(recipient));
  return firstFromNumber && campaign.footer.trim() !== '' ? `${text}\n\n${campaign.footer}` : text;
}

/** Whether no campaign message from this number has gone to this phone yet (so the footer belongs on this one). */
export function isFirstFromNumber(tx: Pick<Tx, 'select'>, numberId: number, phone: string): boolean {
  return (
    tx
      .select({ one: sql`1` })
      .from(campaignRecipients)
      .innerJoin(campaigns, eq(campaigns.id, campaignRecipients.campaignId))
      .where(
        and(
          eq(campaignRecipients.phone, phone),
          eq(campaigns.numberId, numberId),
          isNotNull(campaignRecipients.messageId),
        ),
      )
      .limit(1)
      .get() === undefined
  );
}

/** Whether the footer still tells how to opt out (the editor warns when it does not). */
export const footerWarns = (footer: string): boolean => !/\bSTOP\b/i.test(footer);

export interface CampaignPreview {
  /** 0-based position in the audience (clamped), and the audience's size. */
  index: number;
  total: number;
  phone: string;
  name: string | null;
  /** A WhatsApp template's text: no footer, and SMS segments do not apply. */
  whatsapp: boolean;
  /** WhatsApp: a template variable comes out empty for this recipient, so they will be skipped. */
  missingValue: boolean;
  /**
   * "Track links" and links in the text: `short` when they are shown as long as their short links, `no_address`
   * when there is no server.public_url to build them from (the start is refused).
   */
  tracked: 'short' | 'no_address' | null;
  text: string;
  segments: number;
  encoding: SmsEncoding;
  characters: number;
}

/**
 * The template's text as this recipient would read it (its variables filled for them); empty while none is chosen.
 * Each variable's text is filled first, then put into the template, each value as text.
 */
function templateText(
  db: Pick<Tx, 'select'>,
  channel: string,
  template: CampaignTemplate | null,
  recipient: RecipientFields,
): string {
  if (!template) return '';
  const row = templateOf(db, channel, template);
  if (!row) return '';
  return fillTemplate(row.body, templateParamsFor(template, recipient));
}

/** One recipient's values for a template's variables (a placeholder value is text, never scanned again). */
export const templateParamsFor = (template: CampaignTemplate, recipient: RecipientFields): string[] => {
  const values = valuesOf(recipient);
  return template.params.map((param) => fillFor(param, values).trim());
};

/**
 * The text one recipient (by position, in the order they were added) would get, with its SMS cost; null while the
 * audience is empty. `linkBase` (server.public_url): with "Track links", the links as long as their short links.
 */
export function previewOf(
  ctx: DomainContext,
  actor: Actor,
  id: number,
  index: number,
  linkBase?: string,
): CampaignPreview | null {
  const { campaign } = assertMayRead(ctx, actor, id);
  const total =
    ctx.db
      .select({ n: sql<number>`count(*)` })
      .from(campaignRecipients)
      .where(eq(campaignRecipients.campaignId, id))
      .get()?.n ?? 0;
  if (total === 0) return null;
  const at = Math.min(Math.max(0, Math.trunc(index) || 0), total - 1);
  const row = ctx.db
    .select({
      phone: campaignRecipients.phone,
      vars: campaignRecipients.vars,
      name: contacts.name,
      company: contacts.company,
      contactId: contacts.id,
    })
    .from(campaignRecipients)
    .leftJoin(contacts, eq(contacts.id, campaignRecipients.contactId))
    .where(eq(campaignRecipients.campaignId, id))
    .orderBy(asc(campaignRecipients.id))
    .limit(1)
    .offset(at)
    .get();
  if (!row) return null;
  const recipient: RecipientFields = {
    phone: row.phone,
    vars: row.vars,
    contact: row.contactId === null ? null : { name: row.name, company: row.company },
  };
  const number = ctx.db
    .select({ kind: numbers.kind, channel: numbers.channel })
    .from(numbers)
    .where(eq(numbers.id, campaign.numberId))
    .get()!;
  const whatsapp = number.kind === 'whatsapp';
  const composed = whatsapp
    ? templateText(ctx.db, number.channel, campaign.template, recipient)
    : composeText(campaign, recipient, { firstFromNumber: isFirstFromNumber(ctx.db, campaign.numberId, row.phone) });
  const tracked = !whatsapp && campaign.trackLinks && hasTrackedLinks(composed);
  const text = tracked && linkBase !== undefined ? previewLinks(composed, linkBase) : composed;
  const analysis = analyzeText(text);
  return {
    index: at,
    total,
    phone: row.phone,
    name: row.name,
    whatsapp,
    missingValue:
      whatsapp && campaign.template !== null && templateParamsFor(campaign.template, recipient).includes(''),
    tracked: tracked ? (linkBase === undefined ? 'no_address' : 'short') : null,
    text,
    segments: analysis.segments,
    encoding: analysis.encoding,
    characters: [...text].length,
  };
}
