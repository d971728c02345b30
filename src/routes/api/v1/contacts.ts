import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TEAM_BOOK } from '../../../domain/contacts/book.ts';
import { contactsAfter } from '../../../domain/contacts/list.ts';
import {
  createContact,
  getContact,
  searchContacts,
  unsubscribeByHand,
  unsubscribeContact,
  updateContact,
  type Contact,
} from '../../../domain/contacts/service.ts';
import { getConversation } from '../../../domain/conversations/queries.ts';
import { callerOf } from './bearer.ts';
import { afterId, pageFrom, pageOf, pageQuery } from './cursor.ts';
import { conversationOf } from './conversations.ts';
import { idParams, problems } from './openapi.ts';
import { contactSchema, conversationSchema, noBody } from './shapes.ts';

const contactOf = (c: Contact): z.infer<typeof contactSchema> => ({
  id: c.id,
  personal: c.book !== TEAM_BOOK,
  name: c.name,
  email: c.email,
  company: c.company,
  notes: c.notes,
  phones: c.phones,
});

/** What a contact is written with; a field left out stays as it is. Phones in E.164 or as the country writes them. */
const contactInput = z.object({
  name: z.string().optional(),
  email: z.string().optional(),
  company: z.string().optional(),
  notes: z.string().optional(),
  phones: z.array(z.string()).max(20).optional(),
});

const inputOf = (body: z.infer<typeof contactInput>) => ({
  ...body,
  ...(body.phones === undefined ? {} : { phones: body.phones.join('\n') }),
});

const contactOptOutsSchema = z
  .object({
    contactId: z.number().int(),
    optOuts: z
      .array(
        z.object({ phone: z.string(), number: z.string().describe('Our number (E.164) that texts them no more.') }),
      )
      .describe('Every pair of the contact’s numbers and the user’s numbers now opted out.'),
  })
  .meta({ id: 'ContactOptOuts' });

/** The address book: the contacts the user may see, searching, adding, changing, and unsubscribing a customer. */
const contactRoutes: FastifyPluginAsyncZod = async (app) => {
  const country = () => app.configStore.current.contacts.default_country;

  app.get(
    '/contacts',
    {
      config: { scope: 'contacts:read' },
      schema: {
        summary: 'List contacts',
        tags: ['contacts'],
        querystring: pageQuery,
        response: { 200: pageOf(contactSchema), ...problems(403, 422) },
      },
    },
    async (req) => {
      const { limit, cursor } = req.query;
      const rows = contactsAfter(app.domain, callerOf(req).actor, afterId(cursor), limit);
      return pageFrom(rows, limit, (c) => [c.id], contactOf);
    },
  );

  app.get(
    '/contacts/search',
    {
      config: { scope: 'contacts:read' },
      schema: {
        summary: 'Search contacts',
        description: 'By name, company or number (2 characters at least); one page of the best matches.',
        tags: ['contacts'],
        querystring: z.object({
          q: z.string().min(2).max(60),
          limit: z.coerce.number().int().min(1).max(100).default(20),
        }),
        response: { 200: pageOf(contactSchema), ...problems(403, 422) },
      },
    },
    async (req) => ({
      data: searchContacts(app.domain, callerOf(req).actor, req.query.q, null, req.query.limit).map(contactOf),
      next: null,
    }),
  );

  app.get(
    '/contacts/:id',
    {
      config: { scope: 'contacts:read' },
      schema: {
        summary: 'Get a contact',
        tags: ['contacts'],
        params: idParams,
        response: { 200: contactSchema, ...problems(403, 404) },
      },
    },
    async (req) => contactOf(getContact(app.domain, callerOf(req).actor, req.params.id)),
  );

  app.post(
    '/contacts',
    {
      config: { scope: 'contacts:write' },
      schema: {
        summary: 'Add a contact to the team’s address book',
        tags: ['contacts'],
        body: contactInput,
        response: { 201: contactSchema, ...problems(403, 409, 422) },
      },
    },
    async (req, reply) => {
      const contact = createContact(app.domain, callerOf(req).actor, inputOf(req.body), country());
      return reply.code(201).send(contactOf(contact));
    },
  );

  app.patch(
    '/contacts/:id',
    {
      config: { scope: 'contacts:write' },
      schema: {
        summary: 'Change a contact',
        description: 'Only the fields given change; `phones` replaces the list.',
        tags: ['contacts'],
        params: idParams,
        body: contactInput,
        response: { 200: contactSchema, ...problems(403, 404, 409, 422) },
      },
    },
    async (req) =>
      contactOf(updateContact(app.domain, callerOf(req).actor, req.params.id, inputOf(req.body), country())),
  );

  app.post(
    '/contacts/:id/unsubscribe',
    {
      config: { scope: 'contacts:write' },
      schema: {
        summary: 'Unsubscribe a contact from all your numbers',
        description:
          'The same opt-out as a STOP text, for each of the contact’s phone numbers on every number the user may ' +
          'text them from. Unsubscribing again changes nothing.',
        tags: ['contacts'],
        params: idParams,
        body: noBody,
        response: { 200: contactOptOutsSchema, ...problems(403, 404) },
      },
    },
    async (req) => ({
      contactId: req.params.id,
      optOuts: unsubscribeContact(app.domain, callerOf(req).actor, req.params.id),
    }),
  );

  app.post(
    '/conversations/:id/unsubscribe',
    {
      config: { scope: 'contacts:write' },
      schema: {
        summary: 'Unsubscribe the customer of a conversation',
        description:
          'The same opt-out as a STOP text: nothing more is sent to this customer from this conversation’s number ' +
          '(opt-outs are per number, as in the app’s contact panel).',
        tags: ['contacts'],
        params: idParams,
        body: noBody,
        response: { 200: conversationSchema, ...problems(403, 404, 409) },
      },
    },
    async (req) => {
      const { actor } = callerOf(req);
      unsubscribeByHand(app.domain, actor, req.params.id);
      return conversationOf(getConversation(app.domain, actor, req.params.id));
    },
  );
};
export default contactRoutes;
