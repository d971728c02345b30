import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { timelinePage } from '../../domain/conversations/timeline.ts';
import { invalid } from '../../domain/errors.ts';
import { sendTemplate } from '../../domain/messaging/templates.ts';
import { actorOf, requireUser } from '../../plugins/auth.ts';
import { isHtmx } from '../../plugins/render.ts';
import { conversationComposer, conversationPage, type TemplateChoice } from '../../presenters/conversation.ts';
import { formErrorsOf } from '../forms.ts';
import { form, idParams, repeated, text } from '../schemas.ts';

/** WhatsApp's template names are lower-case words; languages are codes such as en, en_US, pt_BR. */
const NAME = /^[a-z0-9_]{1,512}$/;
const LANGUAGE = /^[a-z]{2,3}(?:_[A-Za-z]{2,4})?$/;
const MAX_PARAMS = 20;
const MAX_PARAM = 1024;

/** Refuses (422, in place) a form that cannot name an approved template, before the domain looks. */
function check({ name, language, params }: TemplateChoice): TemplateChoice {
  if (!NAME.test(name) || !LANGUAGE.test(language)) throw invalid('template.unknown', 'template');
  if (params.length > MAX_PARAMS || params.some((p) => p.length > MAX_PARAM))
    throw invalid('template.params_long', 'params', { max: MAX_PARAM });
  return { name, language, params };
}

const templateSchema = { params: idParams, body: form({ template: text, language: text, params: repeated }) };

export default async function conversationTemplateRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.addHook('preHandler', requireUser);

  // Outside WhatsApp's 24-hour window: an approved template with its variables (empty ones take the contact's).
  // Answered like a reply: the composer (still the picker) and the new message upserted into the timeline.
  app.post('/conversations/:id/templates', { schema: templateSchema }, async (req, reply) => {
    const { id } = req.params;
    const actor = actorOf(req);
    const choice: TemplateChoice = { name: req.body.template, language: req.body.language, params: req.body.params };
    try {
      sendTemplate(app.domain, actor, id, check(choice));
      if (!isHtmx(req)) return reply.redirect(`/conversations/${id}`, 303);
      return reply.fragment('partials/reply-sent', {
        ...conversationComposer(app, actor, id),
        recent: timelinePage(app.domain, actor, id, undefined, 3).items,
      });
    } catch (err) {
      const refused = formErrorsOf(err, req, { statuses: [422] });
      if (!refused) throw err;
      reply.code(refused.status);
      const state = { errors: refused.errors, template: choice };
      return isHtmx(req)
        ? reply.fragment('partials/composer', conversationComposer(app, actor, id, state))
        : reply.page('pages/conversation', conversationPage(app, actor, id, state));
    }
  });
}
