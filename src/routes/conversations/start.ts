import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { getContact, searchContacts } from '../../domain/contacts/service.ts';
import { sendableNumbers, startConversation, startTemplates } from '../../domain/conversations/start.ts';
import { capabilitiesOf } from '../../domain/messaging/capabilities.ts';
import { exampleNumber, formatPhone } from '../../lib/e164.ts';
import { actorOf, requireUser } from '../../plugins/auth.ts';
import { countryOfUser } from '../../presenters/viewer.ts';
import { field, formErrorsOf, ID_PATTERN, type FormErrors } from '../forms.ts';

/** Template variables the form offers fields for; Meta's templates rarely use more than a handful. */
const MAX_VARIABLES = 10;

/** "name|language" as the form's template choice names it; null for none (or anything else). */
function templateChoice(raw: string, params: string[]): { name: string; language: string; params: string[] } | null {
  const at = raw.lastIndexOf('|');
  if (at <= 0 || at === raw.length - 1) return null;
  return { name: raw.slice(0, at), language: raw.slice(at + 1), params };
}

export default async function startConversationRoutes(app: FastifyInstance): Promise<void> {
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

  app.get('/conversations/new', async (req, reply) => {
    const contact = (req.query as Record<string, unknown>).contact;
    return form(req, reply, typeof contact === 'string' ? contact : '', {});
  });

  // The To field's suggestions as the agent types: saved contacts by name, company or number, one option a number.
  app.get('/conversations/new/contacts', async (req, reply) => {
    const query = (req.query as Record<string, unknown>).to;
    const options = searchContacts(app.domain, actorOf(req), query, null, 8)
      .flatMap((c) => c.phones.map((phone) => ({ contactId: c.id, name: c.name, company: c.company, phone })))
      .slice(0, 8)
      // Picked, the field shows it with its country code: read back the same whichever number sends it.
      .map((o) => ({ ...o, international: formatPhone(o.phone, null) }));
    return reply.fragment('partials/start-to-options', { options });
  });

  app.post('/conversations/new', async (req, reply) => {
    const params = Array.from({ length: MAX_VARIABLES }, (_, i) => field(req, `var${i + 1}`));
    const values = {
      from: field(req, 'from'),
      to: field(req, 'to'),
      body: field(req, 'body'),
      contact: field(req, 'contact'),
      template: field(req, 'template'),
      // Drawn back into the variable fields when the form is refused.
      ...Object.fromEntries(params.map((p, i) => [`var${i + 1}`, p])),
    };
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
