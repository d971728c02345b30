/**
 * What the stand-in accepts on POST /{phone-number-id}/messages, checked as strictly as Meta documents it: the
 * envelope, one object per message type with only its documented keys. A builder that drifts fails here.
 */

type Json = Record<string, unknown>;

/** A refusal in Meta's terms: the error code and the details Meta would give. */
export interface Refusal {
  code: number;
  title: string;
  details: string;
}

const refuse = (details: string, code = 100, title = 'Invalid parameter'): Refusal => ({ code, title, details });

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v !== '';

function onlyKeys(where: string, value: Json, allowed: string[], required: string[] = []): Refusal | null {
  for (const key of Object.keys(value)) if (!allowed.includes(key)) return refuse(`${where}: unknown key "${key}"`);
  for (const key of required) if (!(key in value)) return refuse(`${where}: "${key}" is required`);
  return null;
}

const MEDIA_KEYS: Record<string, string[]> = {
  image: ['id', 'link', 'caption'],
  video: ['id', 'link', 'caption'],
  audio: ['id', 'link', 'voice'],
  document: ['id', 'link', 'caption', 'filename'],
  sticker: ['id', 'link'],
};

export interface CheckContext {
  /** Media ids the stand-in handed out on upload. */
  knownMedia: (id: string) => boolean;
  /** An approved template by name and language: its body's variable count, or null when there is none. */
  templateVariables: (name: string, language: string) => number | null;
}

function checkMedia(type: string, media: Json, ctx: CheckContext): Refusal | null {
  const keys = onlyKeys(type, media, MEDIA_KEYS[type]!);
  if (keys) return keys;
  if (!isText(media.id) && !isText(media.link)) return refuse(`${type}: "id" or "link" is required`);
  if (isText(media.id) && !ctx.knownMedia(media.id)) return refuse(`${type}: media id ${media.id} is unknown`);
  if ('caption' in media && !isText(media.caption)) return refuse(`${type}.caption must be a non-empty string`);
  if ('filename' in media && !isText(media.filename)) return refuse(`${type}.filename must be a non-empty string`);
  if ('voice' in media && typeof media.voice !== 'boolean') return refuse(`${type}.voice must be a boolean`);
  return null;
}

function checkTemplate(template: Json, ctx: CheckContext): Refusal | null {
  const keys = onlyKeys('template', template, ['name', 'language', 'components'], ['name', 'language']);
  if (keys) return keys;
  const language = template.language;
  if (!isObject(language) || !isText(language.code)) return refuse('template.language.code is required');
  const languageKeys = onlyKeys('template.language', language, ['code', 'policy']);
  if (languageKeys) return languageKeys;
  if (!isText(template.name)) return refuse('template.name must be a non-empty string');
  const variables = ctx.templateVariables(template.name, language.code);
  if (variables === null)
    return refuse(
      `template ${template.name} (${language.code}) does not exist or is not approved`,
      132001,
      'Template name does not exist in the translation',
    );
  let given = 0;
  if ('components' in template) {
    if (!Array.isArray(template.components)) return refuse('template.components must be an array');
    for (const component of template.components as unknown[]) {
      if (!isObject(component)) return refuse('template.components[] must be objects');
      const componentKeys = onlyKeys('template component', component, ['type', 'parameters'], ['type', 'parameters']);
      if (componentKeys) return componentKeys;
      if (component.type !== 'body')
        return refuse(`template component type ${String(component.type)} is not supported here`);
      if (!Array.isArray(component.parameters)) return refuse('template component parameters must be an array');
      for (const parameter of component.parameters as unknown[]) {
        if (!isObject(parameter)) return refuse('template parameters must be objects');
        const parameterKeys = onlyKeys('template parameter', parameter, ['type', 'text'], ['type', 'text']);
        if (parameterKeys) return parameterKeys;
        if (parameter.type !== 'text' || !isText(parameter.text))
          return refuse('template parameter must be {type:"text", text}');
        given++;
      }
    }
  }
  if (given !== variables)
    return refuse(
      `the template body has ${variables} variables; ${given} were given`,
      132000,
      'Number of parameters does not match the expected number of params',
    );
  return null;
}

const TO = /^\d{6,15}$/;
const BSUID = /^[A-Z]{2}\.[A-Za-z0-9.]{1,140}$/;
const ENVELOPE = [
  'messaging_product',
  'recipient_type',
  'to',
  'recipient',
  'type',
  'context',
  'biz_opaque_callback_data',
];

/** null when Meta would accept the body; the refusal otherwise. */
export function checkMessage(body: unknown, ctx: CheckContext): Refusal | null {
  if (!isObject(body)) return refuse('the body must be a JSON object');
  if (body.messaging_product !== 'whatsapp') return refuse('messaging_product must be "whatsapp"');
  if ('status' in body) {
    const keys = onlyKeys(
      'read receipt',
      body,
      ['messaging_product', 'status', 'message_id', 'typing_indicator'],
      ['message_id'],
    );
    if (keys) return keys;
    if (body.status !== 'read' || !isText(body.message_id))
      return refuse('a read receipt is {status: "read", message_id}');
    return null;
  }
  const type = typeof body.type === 'string' ? body.type : '';
  const keys = onlyKeys('message', body, [...ENVELOPE, type], ['type', type]);
  if (keys) return keys;
  if ('recipient_type' in body && body.recipient_type !== 'individual')
    return refuse('recipient_type must be "individual"');
  if (!('to' in body) && !('recipient' in body)) return refuse('"to" or "recipient" is required');
  if ('to' in body && (typeof body.to !== 'string' || !TO.test(body.to)))
    return refuse(`"to" must be the number's digits without "+": ${JSON.stringify(body.to)}`);
  if ('recipient' in body && (typeof body.recipient !== 'string' || !BSUID.test(body.recipient)))
    return refuse(`"recipient" must be a business-scoped user id: ${JSON.stringify(body.recipient)}`);
  if ('context' in body) {
    const context = body.context;
    if (!isObject(context) || !isText(context.message_id)) return refuse('context.message_id is required');
    const contextKeys = onlyKeys('context', context, ['message_id']);
    if (contextKeys) return contextKeys;
  }
  const content = body[type];
  if (!isObject(content)) return refuse(`"${type}" must be an object`);
  if (type === 'text') {
    const textKeys = onlyKeys('text', content, ['body', 'preview_url'], ['body']);
    if (textKeys) return textKeys;
    if (!isText(content.body) || content.body.length > 4096) return refuse('text.body must be 1 to 4096 characters');
    if ('preview_url' in content && typeof content.preview_url !== 'boolean')
      return refuse('text.preview_url must be a boolean');
    return null;
  }
  if (type in MEDIA_KEYS) return checkMedia(type, content, ctx);
  if (type === 'reaction') {
    const reactionKeys = onlyKeys('reaction', content, ['message_id', 'emoji'], ['message_id', 'emoji']);
    if (reactionKeys) return reactionKeys;
    if (!isText(content.message_id) || typeof content.emoji !== 'string')
      return refuse('reaction needs message_id and emoji');
    if ('context' in body) return refuse('a reaction takes no context');
    return null;
  }
  if (type === 'template') return checkTemplate(content, ctx);
  return refuse(`message type "${type}" is not supported`, 131051, 'Unsupported message type');
}

/** The number of distinct {{n}} variables of a template body. */
export function variablesIn(body: string): number {
  return new Set(body.match(/\{\{\d+\}\}/g) ?? []).size;
}
