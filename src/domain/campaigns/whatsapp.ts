/**
 * WhatsApp campaigns: Meta takes a business-initiated message only as an approved template, so a campaign on a
 * WhatsApp number names one instead of a free body. Each of its variables ({{1}}, {{2}} …) is a text that may hold
 * the campaign's own placeholders ({{contact.first_name}}, CSV columns), filled per recipient. No footer: Meta's
 * marketing templates carry their own opt-out.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { CampaignTemplate } from '../../db/schema/campaigns.ts';
import { messageTemplates } from '../../db/schema/templates.ts';
import type { Tx } from '../context.ts';
import { invalid } from '../errors.ts';
import { APPROVED, templateOf, variableCount } from '../messaging/templates.ts';
import { unknownPlaceholders } from './message.ts';

/** Meta refuses a parameter longer than this. */
const PARAM_MAX = 1024;
/** What {{1}} starts as, as *New conversation* fills it: the recipient's first name. */
export const FIRST_VARIABLE = '{{contact.first_name}}';

export interface ApprovedTemplate {
  name: string;
  language: string;
  body: string;
  variables: number;
}

/** The approved templates of a WhatsApp connection, by name and language. */
export function approvedTemplatesOf(tx: Pick<Tx, 'select'>, channel: string): ApprovedTemplate[] {
  return tx
    .select({ name: messageTemplates.name, language: messageTemplates.language, body: messageTemplates.body })
    .from(messageTemplates)
    .where(and(eq(messageTemplates.channel, channel), eq(messageTemplates.status, APPROVED)))
    .orderBy(asc(messageTemplates.name), asc(messageTemplates.language))
    .all()
    .map((t) => ({ ...t, variables: variableCount(t.body) }));
}

/**
 * The draft's choice checked: an approved template of the number's connection, one text per variable (extra ones
 * dropped), each with placeholders the campaign can fill. A variable may still be empty in a draft; starting refuses it.
 */
export function checkTemplateChoice(
  tx: Pick<Tx, 'select'>,
  channel: string,
  variables: readonly string[],
  choice: { name: string; language: string; params: readonly unknown[] },
): CampaignTemplate {
  const template = templateOf(tx, channel, choice);
  if (!template || template.status !== APPROVED) throw invalid('campaign.template_unknown', 'template');
  const params = Array.from({ length: variableCount(template.body) }, (_, i) => {
    const raw = choice.params[i];
    return typeof raw === 'string' ? raw.replace(/\s+/g, ' ').trim() : '';
  });
  params.forEach((param, i) => {
    const field = `var${i + 1}`;
    if (param.length > PARAM_MAX) throw invalid('campaign.template_param_long', field, { max: PARAM_MAX });
    const unknown = unknownPlaceholders(param, variables);
    if (unknown.length > 0)
      throw invalid('campaign.unknown_placeholder', field, { names: unknown.map((n) => `{{${n}}}`).join(', ') });
  });
  return { name: choice.name, language: choice.language, params };
}
