import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { getContact } from '../../domain/contacts/service.ts';
import { sendableNumbers, startConversation } from '../../domain/conversations/start.ts';
import { actorOf, requireUser } from '../../plugins/auth.ts';
import { field, formErrorsOf, ID_PATTERN, type FormErrors } from '../forms.ts';

export default async function startConversationRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('preHandler', requireUser);
  const country = () => app.configStore.current.contacts.default_country;

  const form = (
    req: FastifyRequest,
    reply: FastifyReply,
    contactRaw: string,
    values: Record<string, string>,
    errors: FormErrors = {},
  ) =>
    reply.page('pages/conversation-new', {
      numbers: sendableNumbers(app.domain, actorOf(req)),
      contact: ID_PATTERN.test(contactRaw) ? getContact(app.domain, actorOf(req), Number(contactRaw)) : null,
      country: country() ?? null,
      form: values,
      errors,
    });

  app.get('/conversations/new', async (req, reply) => {
    const contact = (req.query as Record<string, unknown>).contact;
    return form(req, reply, typeof contact === 'string' ? contact : '', {});
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
        country(),
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
