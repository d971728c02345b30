import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { getContact, searchContacts } from '../../domain/contacts/service.ts';
import { sendableNumbers, startConversation } from '../../domain/conversations/start.ts';
import { exampleNumber, formatPhone } from '../../lib/e164.ts';
import { actorOf, requireUser } from '../../plugins/auth.ts';
import { countryOfUser } from '../../presenters/viewer.ts';
import { field, formErrorsOf, ID_PATTERN, type FormErrors } from '../forms.ts';

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
    const home = country(req);
    return reply.page('pages/conversation-new', {
      numbers,
      // A number that can send comes first to hand.
      from: values.from || String((numbers.find((n) => !n.unregistered) ?? numbers[0])?.id ?? ''),
      contact: ID_PATTERN.test(contactRaw) ? getContact(app.domain, actorOf(req), Number(contactRaw)) : null,
      example: home ? exampleNumber(home) : null,
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
    const values = {
      from: field(req, 'from'),
      to: field(req, 'to'),
      body: field(req, 'body'),
      contact: field(req, 'contact'),
    };
    try {
      const { conversationId } = startConversation(
        app.domain,
        actorOf(req),
        {
          numberId: ID_PATTERN.test(values.from) ? Number(values.from) : -1,
          ...(ID_PATTERN.test(values.contact) ? { contactId: Number(values.contact) } : {}),
          to: values.to,
          body: values.body,
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
