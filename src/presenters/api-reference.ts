/**
 * The API reference page, drawn from the OpenAPI document the server serves (so it never says other than the
 * document): each operation with its parameters, body and answers, and the shapes they name.
 */

type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  description?: string;
  format?: string;
};
interface OpenApiOperation {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: JsonSchema }> }>;
}
export interface OpenApiDocument {
  info: { title: string; description?: string };
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

/** A text of the document in parts: the document writes code between backticks, the page shows it as code. */
export type Prose = { text: string; code: boolean }[];

export const proseOf = (text: string): Prose =>
  text
    .split('`')
    .map((part, i) => ({ text: part, code: i % 2 === 1 }))
    .filter((part) => part.text !== '');

export interface ReferenceField {
  name: string;
  type: string;
  required: boolean;
  description: Prose;
}
export interface ReferenceOperation {
  anchor: string;
  method: string;
  path: string;
  summary: string;
  description: Prose[];
  parameters: (ReferenceField & { in: string })[];
  body: ReferenceField[] | null;
  responses: { status: string; description: Prose; type: string | null }[];
}
export interface Reference {
  title: string;
  description: Prose;
  groups: { tag: string; operations: ReferenceOperation[] }[];
  shapes: { name: string; fields: ReferenceField[] }[];
}

const refName = (ref: string): string => ref.slice(ref.lastIndexOf('/') + 1);

/** A schema as a short type: `Conversation`, `string | null`, `"open" | "closed"`, `Message[]`. */
function typeOf(schema: JsonSchema | undefined): string {
  if (!schema) return '';
  if (schema.$ref) return refName(schema.$ref);
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' | ');
  if (schema.type === 'array') return `${typeOf(schema.items)}[]`;
  const types = [schema.type ?? 'any'].flat();
  return types.map((t) => (t === 'string' && schema.format ? `string (${schema.format})` : t)).join(' | ');
}

function fieldsOf(schema: JsonSchema | undefined): ReferenceField[] {
  return Object.entries(schema?.properties ?? {}).map(([name, property]) => ({
    name,
    type: typeOf(property),
    required: schema?.required?.includes(name) ?? false,
    description: proseOf(property.description ?? ''),
  }));
}

const firstSchema = (content: Record<string, { schema?: JsonSchema }> | undefined) =>
  Object.values(content ?? {})[0]?.schema;

export function apiReference(doc: OpenApiDocument): Reference {
  const groups = new Map<string, ReferenceOperation[]>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags?.[0] ?? '';
      const body = firstSchema(op.requestBody?.content);
      const operation: ReferenceOperation = {
        anchor: `${method}-${path}`.replace(/[^a-z0-9]+/gi, '-').replace(/-+$/, ''),
        method: method.toUpperCase(),
        path,
        summary: op.summary ?? '',
        description: (op.description ?? '').split('\n\n').filter(Boolean).map(proseOf),
        parameters: (op.parameters ?? []).map((p) => ({
          name: p.name,
          in: p.in,
          type: typeOf(p.schema),
          required: p.required ?? false,
          description: proseOf(p.description ?? p.schema?.description ?? ''),
        })),
        body: body ? fieldsOf(body.$ref ? doc.components?.schemas?.[refName(body.$ref)] : body) : null,
        responses: Object.entries(op.responses ?? {}).map(([status, r]) => {
          const schema = firstSchema(r.content);
          return { status, description: proseOf(r.description ?? ''), type: schema ? typeOf(schema) : null };
        }),
      };
      groups.set(tag, [...(groups.get(tag) ?? []), operation]);
    }
  }
  const shapes = Object.entries(doc.components?.schemas ?? {})
    // The document also holds each shape as a request would send it ("…Input"); answers are what readers need.
    .filter(([name]) => !name.endsWith('Input'))
    .map(([name, schema]) => ({ name, fields: fieldsOf(schema) }));
  return {
    title: doc.info.title,
    description: proseOf(doc.info.description ?? ''),
    groups: [...groups].map(([tag, operations]) => ({ tag, operations })),
    shapes,
  };
}
