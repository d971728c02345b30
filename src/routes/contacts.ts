import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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
import { field, formErrorsOf, ID_PATTERN, idParam, type FormErrors } from './forms.ts';
import { callConfig, contactPanel, conversationPage, type PageState } from '../presenters/conversation.ts';
import { countryOfUser } from '../presenters/viewer.ts';

/** `?conversation=` on contact forms: the conversation whose panel sent them (to redraw it). */
function conversationQuery(req: FastifyRequest): number | null {
  const raw = (req.query as Record<string, unknown>).conversation;
  return typeof raw === 'string' && ID_PATTERN.test(raw) ? Number(raw) : null;
}

const contactFields = (req: FastifyRequest) => ({
  name: field(req, 'name'),
  email: field(req, 'email'),
  company: field(req, 'company'),
  notes: field(req, 'notes'),
  phones: field(req, 'phones'),
});

export default async function contactRoutes(app: FastifyInstance): Promise<void> {
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
    fieldPrefix = '',
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
      return panel(req, reply, conversationId, { panelErrors: refused.errors, panelDraft: contactFields(req) });
    }
  };

  app.post('/contacts/:id', async (req, reply) => {
    const conversationId = conversationQuery(req);
    const contactId = idParam(req);
    if (conversationId === null) {
      updateContact(app.domain, actorOf(req), contactId, contactFields(req), country(req));
      return reply.redirect('/favourites', 303);
    }
    // The panel must belong to a conversation the user may open.
    getConversation(app.domain, actorOf(req), conversationId);
    return panelForm(req, reply, conversationId, () => {
      updateContact(app.domain, actorOf(req), contactId, contactFields(req), country(req));
      return req.t('contact.saved');
    });
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
  app.post('/contacts', async (req, reply) => {
    try {
      const contact = createContact(app.domain, actorOf(req), contactFields(req), country(req));
      setFavourite(app.domain, actorOf(req), contact.id, true);
      return reply.redirect('/favourites', 303);
    } catch (err) {
      const refused = formErrorsOf(err, req);
      if (!refused) throw err;
      reply.code(refused.status);
      return favouritesPage(req, reply, { errors: refused.errors, draft: contactFields(req) });
    }
  });

  app.post('/contacts/:id/favourite', async (req, reply) => {
    const contactId = idParam(req);
    const favourite = field(req, 'favourite') === '1';
    const conversationId = conversationQuery(req);
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

  app.get('/contacts/search', async (req, reply) => {
    const conversationId = conversationQuery(req);
    if (conversationId === null) return reply.code(400).sendError('error.bad_request');
    const conversation = getConversation(app.domain, actorOf(req), conversationId);
    const query =
      typeof (req.query as Record<string, unknown>).q === 'string'
        ? String((req.query as Record<string, unknown>).q).trim()
        : '';
    const results = searchContacts(app.domain, actorOf(req), query, conversation.book).filter(
      (c) => c.id !== conversation.contactId,
    );
    return reply.fragment('partials/contact-search-results', { conversation, results, query });
  });

  app.post('/conversations/:id/contact', async (req, reply) => {
    const id = idParam(req);
    const raw = field(req, 'contact');
    return panelForm(req, reply, id, () => {
      if (!ID_PATTERN.test(raw)) throw new DomainError(422, 'contact.pick');
      linkContact(app.domain, actorOf(req), id, parseVersion(field(req, 'version')), Number(raw));
      return req.t('contact.linked');
    });
  });

  app.post('/conversations/:id/contact/new', async (req, reply) => {
    const id = idParam(req);
    return panelForm(
      req,
      reply,
      id,
      () => {
        linkNewContact(
          app.domain,
          actorOf(req),
          id,
          parseVersion(field(req, 'version')),
          { name: field(req, 'name'), email: field(req, 'email'), company: field(req, 'company') },
          country(req),
        );
        return req.t('contact.linked');
      },
      'new_',
    );
  });

  app.post('/conversations/:id/unsubscribe', async (req, reply) => {
    const id = idParam(req);
    return panelForm(req, reply, id, () => {
      unsubscribeByHand(app.domain, actorOf(req), id);
      return req.t('contact.unsubscribed');
    });
  });

  // The page reports that the agent followed Call or Start a meeting (the link itself is the browser's to open).
  app.post('/conversations/:id/call', async (req, reply) => {
    const kind = field(req, 'kind') === 'meeting' ? 'meeting' : 'call';
    logCall(app.domain, actorOf(req), idParam(req), kind, callConfig(app));
    return reply.code(204).send();
  });

  app.get('/favourites', async (req, reply) => favouritesPage(req, reply));
}
