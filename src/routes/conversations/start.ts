import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { getContact, searchContacts } from '../../domain/contacts/service.ts';
import { sendableNumbers, startConversation, startTemplates } from '../../domain/conversations/start.ts';
import { capabilitiesOf } from '../../domain/messaging/capabilities.ts';
import { exampleNumber, formatPhone } from '../../lib/e164.ts';
import { actorOf, requireUser } from '../../plugins/auth.ts';
import { countryOfUser } from '../../presenters/viewer.ts';
import { formErrorsOf, ID_PATTERN, type FormErrors } from '../forms.ts';
import { form as formSchema, queryText, text } from '../schemas.ts';

/** Template variables the form offers fields for; Meta's templates rarely use more than a handful. */
const variables = ['var1', 'var2', 'var3', 'var4', 'var5', 'var6', 'var7', 'var8', 'var9', 'var10'] as const;
const MAX_VARIABLES = variables.length;

/** "name|language" as the form's template choice names it; null for none (or anything else). */
function templateChoice(raw: string, params: string[]): { name: string; language: string; params: string[] } | null {
  const at = raw.lastIndexOf('|');
  if (at <= 0 || at === raw.length - 1) return null;
  return { name: raw.slice(0, at), language: raw.slice(at + 1), params };
}

/** The form: the number, who to, the text or a template with its variables. */
const startForm = formSchema({
  from: text,
  to: text,
  body: text,
  contact: text,
  template: text,
  ...(Object.fromEntries(variables.map((name) => [name, text])) as Record<(typeof variables)[number], typeof text>),
});

export default async function startConversationRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.addHook('preHandler', requireUser);
  const country = (req: FastifyRequest) => countryOfUser(req.auth!.user, app.configStore.current);

  const form = (
    req: FastifyRequest,
    reply: FastifyReply,
    contactRaw: string,
    values: Record<string, string>,
    errors: FormErrors = {},
  ) => {
    const numbers = sendableNumbers(app.domain, actorOf(req));
    const templates = startTemplates(app.domain, actorOf(req));
    const home = country(req);
    return reply.page('pages/conversation-new', {
      numbers,
      // A number that can send comes first to hand.
      from: values.from || String((numbers.find((n) => !n.unregistered) ?? numbers[0])?.id ?? ''),
      contact: ID_PATTERN.test(contactRaw) ? getContact(app.domain, actorOf(req), Number(contactRaw)) : null,
      example: home ? exampleNumber(home) : null,
      // WhatsApp numbers start a conversation with an approved template: one choice, its variables as fields.
      templates: templates.map((t) => ({ ...t, value: `${t.name}|${t.language}` })),
      templateVariables: Math.min(MAX_VARIABLES, Math.max(0, ...templates.map((t) => t.variables))),
      // The longest text any of the numbers carries; the chosen number's own limit is checked on sending.
      bodyLimit: Math.max(...numbers.map((n) => capabilitiesOf(n.kind).textLimit)),
      form: values,
      errors,
    });
  };

  app.get('/conversations/new', { schema: { querystring: z.object({ contact: queryText }) } }, async (req, reply) =>
    form(req, reply, req.query.contact ?? '', {}),
  );

  // The To field's suggestions as the agent types: saved contacts by name, company or number, one option a number.
  const toQuery = z.object({ to: queryText });
  app.get('/conversations/new/contacts', { schema: { querystring: toQuery } }, async (req, reply) => {
    const options = searchContacts(app.domain, actorOf(req), req.query.to, null, 8)
      .flatMap((c) => c.phones.map((phone) => ({ contactId: c.id, name: c.name, company: c.company, phone })))
      .slice(0, 8)
      // Picked, the field shows it with its country code: read back the same whichever number sends it.
      .map((o) => ({ ...o, international: formatPhone(o.phone, null) }));
    return reply.fragment('partials/start-to-options', { options });
  });

  app.post('/conversations/new', { schema: { body: startForm } }, async (req, reply) => {
    // Every field is drawn back into the form when it is refused (the variables too).
    const { _csrf: _, ...values } = req.body;
    const params = variables.map((name) => values[name]);
    const template = templateChoice(values.template, params);
    try {
      const { conversationId } = startConversation(
        app.domain,
        actorOf(req),
        {
          numberId: ID_PATTERN.test(values.from) ? Number(values.from) : -1,
          ...(ID_PATTERN.test(values.contact) ? { contactId: Number(values.contact) } : {}),
          to: values.to,
          body: values.body,
          ...(template ? { template } : {}),
        },
        country(req),
      );
      return reply.redirect(`/conversations/${conversationId}`, 303);
    } catch (err) {
      const refused = formErrorsOf(err, req);
      if (!refused) throw err;
      reply.code(refused.status);
      return form(req, reply, values.contact, values, refused.errors);
    }
  });
}
