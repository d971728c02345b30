import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createContact,
  linkContact,
  linkNewContact,
  listFavourites,
  logCall,
  searchContacts,
  setFavourite,
  unsubscribeByHand,
  updateContact,
} from '../domain/contacts/service.ts';
import { parseVersion } from '../domain/conversations/actions.ts';
import { getConversation } from '../domain/conversations/queries.ts';
import { DomainError } from '../domain/errors.ts';
import { actorOf, requireUser } from '../plugins/auth.ts';
import { isHtmx } from '../plugins/render.ts';
import { formErrorsOf, ID_PATTERN, type FormErrors } from './forms.ts';
import { checkbox, form, idParams, queryText, text } from './schemas.ts';
import { callConfig, contactPanel, conversationPage, type PageState } from '../presenters/conversation.ts';
import { countryOfUser } from '../presenters/viewer.ts';

/** `?conversation=` on contact forms: the conversation whose panel sent them (to redraw it). */
const panelQuery = z.object({ conversation: queryText });
const conversationOf = (raw: string | undefined): number | null =>
  raw !== undefined && ID_PATTERN.test(raw) ? Number(raw) : null;

const contactFields = { name: text, email: text, company: text, notes: text, phones: text, time_zone: text };
const contactForm = form(contactFields);
type ContactFields = { name: string; email: string; company: string; notes: string; phones: string; timeZone: string };
/** A contact's fields as typed, to show a refused form again (`_csrf` is no field). */
const contactOf = ({
  name,
  email,
  company,
  notes,
  phones,
  time_zone,
}: z.output<typeof contactForm>): ContactFields => ({
  name,
  email,
  company,
  notes,
  phones,
  timeZone: time_zone,
});
const noContact: ContactFields = { name: '', email: '', company: '', notes: '', phones: '', timeZone: '' };

export default async function contactRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.addHook('preHandler', requireUser);
  const country = (req: FastifyRequest) => countryOfUser(req.auth!.user, app.configStore.current);

  /** Redraws the panel (htmx) or the whole conversation page, with what went wrong in place. */
  const panel = (req: FastifyRequest, reply: FastifyReply, conversationId: number, state: PageState = {}) => {
    const actor = actorOf(req);
    if (!isHtmx(req)) {
      if (!state.panelErrors || Object.keys(state.panelErrors).length === 0)
        return reply.redirect(`/conversations/${conversationId}`, 303);
      return reply.page('pages/conversation', conversationPage(app, actor, conversationId, state));
    }
    // The header (a new link changes its version) follows over the live socket, like in every other tab.
    const conversation = getConversation(app.domain, actor, conversationId);
    return reply.fragment('partials/contact-panel', { conversation, ...contactPanel(app, actor, conversation, state) });
  };

  /** Runs a panel form; refused input is shown in the panel with the status (409/422), other errors pass on. */
  const panelForm = async (
    req: FastifyRequest,
    reply: FastifyReply,
    conversationId: number,
    run: () => string | undefined,
    { fieldPrefix = '', draft = noContact }: { fieldPrefix?: string; draft?: ContactFields } = {},
  ) => {
    try {
      const notice = run();
      return panel(req, reply, conversationId, notice ? { panelNotice: notice } : {});
    } catch (err) {
      const refused = formErrorsOf(err, req, {
        statuses: [403, 409, 422],
        place: (field) => (field ? `${fieldPrefix}${field}` : '_form'),
      });
      if (!refused) throw err;
      reply.code(refused.status);
      return panel(req, reply, conversationId, { panelErrors: refused.errors, panelDraft: draft });
    }
  };

  const editSchema = { params: idParams, querystring: panelQuery, body: contactForm };
  app.post('/contacts/:id', { schema: editSchema }, async (req, reply) => {
    const conversationId = conversationOf(req.query.conversation);
    const contactId = req.params.id;
    const fields = contactOf(req.body);
    if (conversationId === null) {
      updateContact(app.domain, actorOf(req), contactId, fields, country(req));
      return reply.redirect('/favourites', 303);
    }
    // The panel must belong to a conversation the user may open.
    getConversation(app.domain, actorOf(req), conversationId);
    return panelForm(
      req,
      reply,
      conversationId,
      () => {
        updateContact(app.domain, actorOf(req), contactId, fields, country(req));
        return req.t('contact.saved');
      },
      { draft: fields },
    );
  });

  const favouritesPage = (
    req: FastifyRequest,
    reply: FastifyReply,
    state: { errors?: FormErrors; draft?: Record<string, string> } = {},
  ) =>
    reply.page('pages/favourites', {
      favourites: listFavourites(app.domain, actorOf(req)),
      errors: state.errors ?? {},
      draft: state.draft ?? {},
    });

  // A contact added by hand from the favourites page goes straight into my favourites.
  app.post('/contacts', { schema: { body: contactForm } }, async (req, reply) => {
    const fields = contactOf(req.body);
    try {
      const contact = createContact(app.domain, actorOf(req), fields, country(req));
      setFavourite(app.domain, actorOf(req), contact.id, true);
      return reply.redirect('/favourites', 303);
    } catch (err) {
      const refused = formErrorsOf(err, req);
      if (!refused) throw err;
      reply.code(refused.status);
      return favouritesPage(req, reply, { errors: refused.errors, draft: fields });
    }
  });

  const favouriteSchema = { params: idParams, querystring: panelQuery, body: form({ favourite: checkbox }) };
  app.post('/contacts/:id/favourite', { schema: favouriteSchema }, async (req, reply) => {
    const contactId = req.params.id;
    const { favourite } = req.body;
    const conversationId = conversationOf(req.query.conversation);
    if (conversationId === null) {
      setFavourite(app.domain, actorOf(req), contactId, favourite);
      return reply.redirect('/favourites', 303);
    }
    getConversation(app.domain, actorOf(req), conversationId);
    return panelForm(req, reply, conversationId, () => {
      setFavourite(app.domain, actorOf(req), contactId, favourite);
      return undefined;
    });
  });

  const searchQuery = panelQuery.extend({ q: queryText });
  app.get('/contacts/search', { schema: { querystring: searchQuery } }, async (req, reply) => {
    const conversationId = conversationOf(req.query.conversation);
    if (conversationId === null) return reply.code(400).sendError('error.bad_request');
    const conversation = getConversation(app.domain, actorOf(req), conversationId);
    const query = req.query.q?.trim() ?? '';
    const results = searchContacts(app.domain, actorOf(req), query, conversation.book).filter(
      (c) => c.id !== conversation.contactId,
    );
    return reply.fragment('partials/contact-search-results', { conversation, results, query });
  });

  const linkSchema = { params: idParams, body: form({ contact: text, version: text }) };
  app.post('/conversations/:id/contact', { schema: linkSchema }, async (req, reply) => {
    const { id } = req.params;
    const { contact: raw, version } = req.body;
    return panelForm(req, reply, id, () => {
      if (!ID_PATTERN.test(raw)) throw new DomainError(422, 'contact.pick');
      linkContact(app.domain, actorOf(req), id, parseVersion(version), Number(raw));
      return req.t('contact.linked');
    });
  });

  const newContact = { params: idParams, body: form({ version: text, name: text, email: text, company: text }) };
  app.post('/conversations/:id/contact/new', { schema: newContact }, async (req, reply) => {
    const { id } = req.params;
    const { version, name, email, company } = req.body;
    return panelForm(
      req,
      reply,
      id,
      () => {
        linkNewContact(app.domain, actorOf(req), id, parseVersion(version), { name, email, company }, country(req));
        return req.t('contact.linked');
      },
      { fieldPrefix: 'new_', draft: { ...noContact, name, email, company } },
    );
  });

  app.post('/conversations/:id/unsubscribe', { schema: { params: idParams, body: form({}) } }, async (req, reply) => {
    const { id } = req.params;
    return panelForm(req, reply, id, () => {
      unsubscribeByHand(app.domain, actorOf(req), id);
      return req.t('contact.unsubscribed');
    });
  });

  // The page reports that the agent followed Call or Start a meeting (the link itself is the browser's to open).
  app.post(
    '/conversations/:id/call',
    { schema: { params: idParams, body: form({ kind: text }) } },
    async (req, reply) => {
      const kind = req.body.kind === 'meeting' ? 'meeting' : 'call';
      logCall(app.domain, actorOf(req), req.params.id, kind, callConfig(app));
      return reply.code(204).send();
    },
  );

  app.get('/favourites', async (req, reply) => favouritesPage(req, reply));
}
