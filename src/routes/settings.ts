import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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
import { field, fields, formDraft, formErrorsOf, ID_PATTERN, type FormErrors } from './forms.ts';

type Section = 'status' | 'queues' | 'notifications' | 'extension' | 'time_zone' | 'send_key';
interface State {
  saved?: string | null;
  errors?: FormErrors;
  /** The refused form, and what it held: shown again as typed. */
  form?: Section;
  draft?: Record<string, string>;
}

export default async function settingsRoutes(app: FastifyInstance): Promise<void> {
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
  const section =
    (name: Section, template: string, save: (req: FastifyRequest) => PublicUser | void) =>
    async (req: FastifyRequest, reply: FastifyReply) => {
      try {
        const user = save(req);
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
            data(req, { errors: refused.errors, form: name, draft: formDraft(req) }),
          );
      }
    };

  app.get('/settings', async (req, reply) => show(req, reply));

  app.post('/settings', async (req, reply) => {
    try {
      const user = updateOwnSettings(app.domain, actorOf(req), {
        name: field(req, 'name'),
        locale: field(req, 'locale'),
      });
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

  app.post(
    '/settings/status',
    section('status', 'partials/settings-status', (req) =>
      setStatus(app.domain, actorOf(req), {
        availability: field(req, 'availability'),
        statusMessage: field(req, 'status_message'),
      }),
    ),
  );

  app.post(
    '/settings/queues',
    section('queues', 'partials/settings-queues', (req) => {
      const ids = (values: string[]) => values.map((v) => (ID_PATTERN.test(v) ? Number(v) : NaN));
      const shown = ids(fields(req, 'inbox'));
      const ticked = ids(fields(req, 'queue'));
      if ([...shown, ...ticked].some(Number.isNaN)) throw invalid('personal.queues_invalid', 'queues');
      // Every inbox the form listed is set to whether its box was ticked (a ticked one it did not list, too).
      setQueues(app.domain, actorOf(req), new Map([...shown, ...ticked].map((id) => [id, ticked.includes(id)])));
    }),
  );

  app.post(
    '/settings/notifications',
    section('notifications', 'partials/settings-notifications', (req) => {
      const input = Object.fromEntries(
        notificationKinds.map((kind) => [
          kind,
          { browser: field(req, `${kind}.browser`), sound: field(req, `${kind}.sound`) },
        ]),
      );
      setPreferences(app.domain, actorOf(req), input);
    }),
  );

  app.post(
    '/settings/extension',
    section('extension', 'partials/settings-call', (req) =>
      setExtension(app.domain, actorOf(req), field(req, 'extension')),
    ),
  );

  app.post(
    '/settings/time-zone',
    section('time_zone', 'partials/settings-time-zone', (req) =>
      setTimeZone(app.domain, actorOf(req), field(req, 'time_zone')),
    ),
  );

  app.post(
    '/settings/send-key',
    section('send_key', 'partials/settings-send-key', (req) =>
      setSendKey(app.domain, actorOf(req), field(req, 'send_key')),
    ),
  );

  app.post('/settings/tags', async (req, reply) => {
    setHideTags(app.domain, actorOf(req), field(req, 'hide') === '1');
    req.auth!.user = { ...req.auth!.user, hideTags: field(req, 'hide') === '1' };
    return show(req, reply, { saved: 'display' });
  });

  app.post('/settings/password', async (req, reply) => {
    try {
      const sessionId = req.auth!.id;
      const { auth } = app.configStore.current;
      await changeOwnPassword(
        app.domain,
        actorOf(req),
        sessionId,
        { current: field(req, 'current'), next: field(req, 'next') },
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
