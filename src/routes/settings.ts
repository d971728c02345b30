import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { twoFactorOf } from '../domain/accounts/two-factor.ts';
import { queuesOf, setQueues } from '../domain/assignment/queue.ts';
import { invalid } from '../domain/errors.ts';
import { setSendKey } from '../domain/users/compose.ts';
import { serverKeys } from '../domain/push/keys.ts';
import { deviceCount } from '../domain/push/subscriptions.ts';
import { setExtension, setStatus } from '../domain/users/presence.ts';
import { notificationKinds, preferencesOf, setPreferences } from '../domain/users/preferences.ts';
import { changeOwnPassword, updateOwnSettings, type PublicUser } from '../domain/users/service.ts';
import { setHideTags } from '../domain/tags/service.ts';
import { setTimeZone } from '../domain/users/time-zone.ts';
import { timeZoneNames } from '../lib/time-zones.ts';
import { actorOf, requireUser } from '../plugins/auth.ts';
import { languageChoices, translator } from '../i18n/index.ts';
import { formDraft, formErrorsOf, ID_PATTERN, type FormErrors } from './forms.ts';
import { checkbox, form, repeated, text } from './schemas.ts';

type Section = 'status' | 'queues' | 'notifications' | 'extension' | 'time_zone' | 'send_key';
interface State {
  saved?: string | null;
  errors?: FormErrors;
  /** The refused form, and what it held: shown again as typed. */
  form?: Section;
  draft?: Record<string, string>;
}

/** Each notification's two switches, `<kind>.browser` and `<kind>.sound`. */
const notificationFields = Object.fromEntries(
  notificationKinds.flatMap((kind) => [
    [`${kind}.browser`, text],
    [`${kind}.sound`, text],
  ]),
) as Record<`${(typeof notificationKinds)[number]}.${'browser' | 'sound'}`, typeof text>;

export default async function settingsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.addHook('preHandler', requireUser);

  const data = (req: FastifyRequest, state: State) => ({
    errors: state.errors ?? {},
    saved: state.saved ?? null,
    form: state.form ?? null,
    draft: state.draft ?? {},
    queues: queuesOf(app.domain, actorOf(req)),
    prefs: preferencesOf(app.domain, actorOf(req)),
    events: notificationKinds,
    languages: languageChoices,
    timeZones: timeZoneNames,
    serverTimeZone: app.configStore.current.server.time_zone,
    twoFactor: twoFactorOf(app.domain.db, actorOf(req).id),
    push: {
      key: serverKeys(app.domain, app.configStore.current).publicKey,
      devices: deviceCount(app.domain, actorOf(req)),
    },
  });
  const show = (req: FastifyRequest, reply: FastifyReply, state: State = {}) =>
    reply.page('pages/settings', data(req, state));

  /** The personal sections post with htmx and swap only themselves; without JavaScript the whole page comes back. */
  const section = (
    req: FastifyRequest,
    reply: FastifyReply,
    [name, template]: [Section, string],
    fields: Record<string, unknown>,
    save: () => PublicUser | void,
  ) => {
    try {
      const user = save();
      if (user) req.auth!.user = user;
      return reply.pageOrFragment('pages/settings', template, data(req, { saved: name }));
    } catch (err) {
      const refused = formErrorsOf(err, req);
      if (!refused) throw err;
      return reply
        .code(refused.status)
        .pageOrFragment(
          'pages/settings',
          template,
          data(req, { errors: refused.errors, form: name, draft: formDraft(fields) }),
        );
    }
  };

  app.get('/settings', async (req, reply) => show(req, reply));

  app.post('/settings', { schema: { body: form({ name: text, locale: text }) } }, async (req, reply) => {
    try {
      const user = updateOwnSettings(app.domain, actorOf(req), { name: req.body.name, locale: req.body.locale });
      req.auth!.user = user;
      // The page is shown again in the language just chosen.
      req.locale = user.locale ?? req.locale;
      req.t = translator(req.locale);
      return show(req, reply, { saved: 'profile' });
    } catch (err) {
      const refused = formErrorsOf(err, req);
      if (!refused) throw err;
      return show(req, reply.code(refused.status), { errors: refused.errors });
    }
  });

  const statusForm = form({ availability: text, status_message: text });
  app.post('/settings/status', { schema: { body: statusForm } }, async (req, reply) =>
    section(req, reply, ['status', 'partials/settings-status'], req.body, () =>
      setStatus(app.domain, actorOf(req), {
        availability: req.body.availability,
        statusMessage: req.body.status_message,
      }),
    ),
  );

  app.post('/settings/queues', { schema: { body: form({ inbox: repeated, queue: repeated }) } }, async (req, reply) =>
    section(req, reply, ['queues', 'partials/settings-queues'], req.body, () => {
      const ids = (values: string[]) => values.map((v) => (ID_PATTERN.test(v) ? Number(v) : NaN));
      const shown = ids(req.body.inbox);
      const ticked = ids(req.body.queue);
      if ([...shown, ...ticked].some(Number.isNaN)) throw invalid('personal.queues_invalid', 'queues');
      // Every inbox the form listed is set to whether its box was ticked (a ticked one it did not list, too).
      setQueues(app.domain, actorOf(req), new Map([...shown, ...ticked].map((id) => [id, ticked.includes(id)])));
    }),
  );

  app.post('/settings/notifications', { schema: { body: form(notificationFields) } }, async (req, reply) =>
    section(req, reply, ['notifications', 'partials/settings-notifications'], req.body, () => {
      const input = Object.fromEntries(
        notificationKinds.map((kind) => [
          kind,
          { browser: req.body[`${kind}.browser`], sound: req.body[`${kind}.sound`] },
        ]),
      );
      setPreferences(app.domain, actorOf(req), input);
    }),
  );

  app.post('/settings/extension', { schema: { body: form({ extension: text }) } }, async (req, reply) =>
    section(req, reply, ['extension', 'partials/settings-call'], req.body, () =>
      setExtension(app.domain, actorOf(req), req.body.extension),
    ),
  );

  app.post('/settings/time-zone', { schema: { body: form({ time_zone: text }) } }, async (req, reply) =>
    section(req, reply, ['time_zone', 'partials/settings-time-zone'], req.body, () =>
      setTimeZone(app.domain, actorOf(req), req.body.time_zone),
    ),
  );

  app.post('/settings/send-key', { schema: { body: form({ send_key: text }) } }, async (req, reply) =>
    section(req, reply, ['send_key', 'partials/settings-send-key'], req.body, () =>
      setSendKey(app.domain, actorOf(req), req.body.send_key),
    ),
  );

  app.post('/settings/tags', { schema: { body: form({ hide: checkbox }) } }, async (req, reply) => {
    setHideTags(app.domain, actorOf(req), req.body.hide);
    req.auth!.user = { ...req.auth!.user, hideTags: req.body.hide };
    return show(req, reply, { saved: 'display' });
  });

  const passwordForm = form({ current: text, next: text });
  app.post('/settings/password', { schema: { body: passwordForm } }, async (req, reply) => {
    try {
      const sessionId = req.auth!.id;
      const { auth } = app.configStore.current;
      await changeOwnPassword(
        app.domain,
        actorOf(req),
        sessionId,
        { current: req.body.current, next: req.body.next },
        { attempts: auth.login_attempts, windowMs: auth.login_window_minutes * 60_000 },
      );
      return show(req, reply, { saved: 'password' });
    } catch (err) {
      const refused = formErrorsOf(err, req);
      if (!refused) throw err;
      return show(req, reply.code(refused.status), { errors: refused.errors });
    }
  });
}
