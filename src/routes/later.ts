import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { parseVersion } from '../domain/conversations/actions.ts';
import { cancelScheduled, editScheduled, scheduledItem, scheduleReply } from '../domain/later/scheduled.ts';
import { snoozeConversation, unsnoozeConversation } from '../domain/later/snooze.ts';
import { whenOf } from '../domain/later/when.ts';
import { notFound } from '../domain/errors.ts';
import { actorOf, requireUser } from '../plugins/auth.ts';
import { isHtmx } from '../plugins/render.ts';
import { conversationComposer, conversationHeader, conversationPage } from '../presenters/conversation.ts';
import { localTimeIn } from '../presenters/later.ts';
import { timeZoneOf } from '../presenters/viewer.ts';
import { timeFormatter } from '../i18n/index.ts';
import { formErrorsOf } from './forms.ts';
import { form, idParams, text } from './schemas.ts';

/** Snooze and send later: the header's Snooze menu, the composer's Send later, a scheduled reply's edit and cancel. */
/** A time as the forms give it: a choice (`tomorrow`, `at` …) and, for `at`, the picked time. */
const snoozeForm = { params: idParams, body: form({ version: text, when: text, at: text }) };
const scheduleForm = { params: idParams, body: form({ body: text, when: text, at: text }) };

export default async function laterRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.addHook('preHandler', requireUser);

  const zoneOf = (req: FastifyRequest): string => timeZoneOf(req.auth!.user, app.configStore.current);
  /** When the form means, in the user's own time zone. */
  const whenFrom = (req: FastifyRequest, time: { when: string; at: string }): number =>
    whenOf(time.when, time.at, zoneOf(req), app.domain.now());

  // As the header's other actions: the header as it is now, a refusal in it (a bad time next to the time field).
  const header = (req: FastifyRequest, reply: FastifyReply, id: number, run: () => void) => {
    let errors: Record<string, string> = {};
    try {
      run();
    } catch (err) {
      const refused = formErrorsOf(err, req, {
        statuses: [403, 409, 422],
        place: (f) => (f === 'at' ? 'snooze_at' : '_header'),
      });
      if (!refused) throw err;
      reply.code(refused.status);
      errors = refused.errors;
    }
    if (isHtmx(req))
      return reply.fragment('partials/conversation-header', conversationHeader(app.domain, actorOf(req), id, errors));
    if (Object.keys(errors).length === 0) return reply.redirect(`/conversations/${id}`, 303);
    return reply.page('pages/conversation', conversationPage(app, actorOf(req), id, { errors }));
  };

  app.post('/conversations/:id/snooze', { schema: snoozeForm }, async (req, reply) => {
    const { id } = req.params;
    return header(req, reply, id, () =>
      snoozeConversation(app.domain, actorOf(req), id, parseVersion(req.body.version), whenFrom(req, req.body)),
    );
  });
  app.post('/conversations/:id/unsnooze', { schema: snoozeForm }, async (req, reply) => {
    const { id } = req.params;
    return header(req, reply, id, () =>
      unsnoozeConversation(app.domain, actorOf(req), id, parseVersion(req.body.version)),
    );
  });

  // Send later from the composer: the composer comes back empty with a notice, and the reply waits in the timeline.
  app.post('/conversations/:id/scheduled', { schema: scheduleForm }, async (req, reply) => {
    const { id } = req.params;
    const actor = actorOf(req);
    const { body } = req.body;
    try {
      const dueAt = whenFrom(req, req.body);
      const scheduledId = scheduleReply(app.domain, actor, id, body, dueAt);
      if (!isHtmx(req)) return reply.redirect(`/conversations/${id}`, 303);
      const time = timeFormatter(req.locale, zoneOf(req))(dueAt);
      return reply.fragment('partials/scheduled-sent', {
        ...conversationComposer(app, actor, id),
        scheduledNotice: req.t('later.scheduled_notice', { time }),
        scheduled: scheduledItem(app.domain, scheduledId),
        localTime: localTimeIn(zoneOf(req)),
      });
    } catch (err) {
      const refused = formErrorsOf(err, req, {
        statuses: [400, 403, 409, 422],
        place: (f) => (f === 'at' ? 'send_at' : (f ?? 'body')),
      });
      if (!refused) throw err;
      reply.code(refused.status);
      const state = { draft: body, errors: refused.errors };
      return isHtmx(req)
        ? reply.fragment('partials/composer', conversationComposer(app, actor, id, state))
        : reply.page('pages/conversation', conversationPage(app, actor, id, state));
    }
  });

  // Edit: new text and a picked time; the item comes back redrawn, or with what is wrong.
  app.post('/scheduled/:id/edit', { schema: scheduleForm }, async (req, reply) => {
    const { id } = req.params;
    const actor = actorOf(req);
    const { body } = req.body;
    let errors: Record<string, string> = {};
    try {
      editScheduled(app.domain, actor, id, body, whenOf('at', req.body.at, zoneOf(req), app.domain.now()));
    } catch (err) {
      const refused = formErrorsOf(err, req, { statuses: [403, 422], place: (f) => (f === 'at' ? 'at' : 'body') });
      if (!refused) throw err;
      reply.code(refused.status);
      errors = refused.errors;
    }
    const item = scheduledItem(app.domain, id);
    if (!item) throw notFound();
    if (!isHtmx(req)) {
      if (Object.keys(errors).length === 0) return reply.redirect(`/conversations/${item.conversationId}`, 303);
      return reply.page('pages/conversation', conversationPage(app, actor, item.conversationId, { errors }));
    }
    return reply.fragment('partials/scheduled-item', {
      scheduled: item,
      errors,
      draft: Object.keys(errors).length ? body : undefined,
      localTime: localTimeIn(zoneOf(req)),
    });
  });

  app.post('/scheduled/:id/cancel', { schema: { params: idParams, body: form({}) } }, async (req, reply) => {
    const { id } = req.params;
    const conversationId = scheduledItem(app.domain, id)?.conversationId;
    cancelScheduled(app.domain, actorOf(req), id);
    if (isHtmx(req)) return reply.code(200).send('');
    return reply.redirect(`/conversations/${conversationId}`, 303);
  });
}
