import type { ChannelTemplate } from '../types.ts';
import type { Graph, GraphResult } from './graph.ts';

interface MetaComponent {
  type?: unknown;
  format?: unknown;
  text?: unknown;
}
interface MetaTemplate {
  name?: unknown;
  language?: unknown;
  status?: unknown;
  category?: unknown;
  components?: unknown;
}
interface TemplatePage {
  data?: unknown;
  paging?: { cursors?: { after?: unknown }; next?: unknown };
}

const PAGE_SIZE = '100';
/** A guard against a paging loop: 100 pages of 100 is far more templates than a business has. */
const MAX_PAGES = 100;

function textOf(components: MetaComponent[], type: string): string | undefined {
  const found = components.find((c) => c.type === type && (type !== 'HEADER' || c.format === 'TEXT'));
  return typeof found?.text === 'string' ? found.text : undefined;
}

/** One of Meta's templates as ours; one without a name or language is skipped. */
export function toChannelTemplate(t: MetaTemplate): ChannelTemplate | null {
  if (typeof t.name !== 'string' || typeof t.language !== 'string') return null;
  const components = (Array.isArray(t.components) ? t.components : []) as MetaComponent[];
  const header = textOf(components, 'HEADER');
  const footer = textOf(components, 'FOOTER');
  return {
    name: t.name,
    language: t.language,
    status: typeof t.status === 'string' ? t.status : 'UNKNOWN',
    category: typeof t.category === 'string' ? t.category : '',
    body: textOf(components, 'BODY') ?? '',
    ...(header !== undefined ? { header } : {}),
    ...(footer !== undefined ? { footer } : {}),
  };
}

/**
 * Every template of the business account, page by page (GET /{waba-id}/message_templates, following the `after`
 * cursor while Meta says there is a next page). Our own URL each time: Meta's `next` links carry the token.
 */
export async function listTemplates(graph: Graph, businessAccountId: string): Promise<GraphResult<ChannelTemplate[]>> {
  const templates: ChannelTemplate[] = [];
  let after: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await graph.json<TemplatePage>(
      'GET',
      `${encodeURIComponent(businessAccountId)}/message_templates`,
      undefined,
      {
        fields: 'name,language,status,category,components',
        limit: PAGE_SIZE,
        ...(after ? { after } : {}),
      },
    );
    if (!answer.ok) return answer;
    for (const t of Array.isArray(answer.value.data) ? (answer.value.data as MetaTemplate[]) : []) {
      const template = toChannelTemplate(t);
      if (template) templates.push(template);
    }
    const cursor = answer.value.paging?.cursors?.after;
    if (!answer.value.paging?.next || typeof cursor !== 'string') break;
    after = cursor;
  }
  return { ok: true, value: templates };
}
