import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createResetLink } from '../../domain/accounts/password-reset.ts';
import { resetTwoFactor, twoFactorUserIds } from '../../domain/accounts/two-factor.ts';
import { clearAccountSignIns, clearAddressSignIns, signInLocks } from '../../domain/auth/sign-in-locks.ts';
import { signInPolicy } from '../../domain/auth/sign-in-throttle.ts';
import { invalid } from '../../domain/errors.ts';
import { changeRole, createUser, findUserById, listUsers, setActive } from '../../domain/users/service.ts';
import { roles } from '../../domain/users/validate.ts';
import { isHtmx } from '../../plugins/render.ts';
import { actorOf } from '../../plugins/auth.ts';
import { field, formErrorsOf, idParam, type FormErrors } from '../forms.ts';
import { adminOnly } from './guard.ts';

/** Only an explicit choice counts: a missing or garbled field must not deactivate anyone. */
function activeField(req: FastifyRequest): boolean {
  const value = field(req, 'active');
  if (value !== 'true' && value !== 'false') throw invalid('error.bad_request');
  return value === 'true';
}

interface ViewState {
  values?: Record<string, string>;
  errors?: FormErrors;
  rowErrors?: Record<number, string>;
  notice?: string | null;
  /** A reset link just made: shown once, to copy and hand over. */
  resetLink?: { name: string; url: string } | null;
  signInsNotice?: string | null;
}

export default async function adminUserRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('preHandler', adminOnly);

  /** The Users page, or for htmx the section that changed: the users (`partials/admin-users`) or the failed sign-ins. */
  const show = (req: FastifyRequest, reply: FastifyReply, state: ViewState = {}, fragment = 'partials/admin-users') => {
    const { auth } = app.configStore.current;
    return reply.pageOrFragment('pages/admin-users', fragment, {
      users: listUsers(app.domain, actorOf(req)),
      roles,
      values: state.values ?? { role: 'agent' },
      errors: state.errors ?? {},
      rowErrors: state.rowErrors ?? {},
      notice: state.notice ?? null,
      resetLink: state.resetLink ?? null,
      twoFactor: twoFactorUserIds(app.domain.db),
      signIns: signInLocks(app.domain, actorOf(req), signInPolicy(auth)),
      signInsWindowMinutes: auth.login_window_minutes,
      signInsNotice: state.signInsNotice ?? null,
    });
  };

  app.get('/', async (req, reply) => show(req, reply));

  app.post('/', async (req, reply) => {
    const values = { email: field(req, 'email'), name: field(req, 'name'), role: field(req, 'role') };
    try {
      const user = await createUser(app.domain, actorOf(req), { ...values, password: field(req, 'password') });
      return show(req, reply, { notice: req.t('admin.users.created', { name: user.name }) });
    } catch (err) {
      const refused = formErrorsOf(err, req);
      if (!refused) throw err;
      return show(req, reply.code(refused.status), { values, errors: refused.errors });
    }
  });

  const rowAction =
    (apply: (req: FastifyRequest, id: number) => unknown) => async (req: FastifyRequest, reply: FastifyReply) => {
      const id = idParam(req);
      try {
        apply(req, id);
        // An admin who just made themself manager or agent may not see this page any more.
        if (id === req.auth!.user.id && findUserById(app.domain, id)?.role !== 'admin') {
          return isHtmx(req) ? reply.header('HX-Redirect', '/').code(204).send() : reply.redirect('/', 303);
        }
        return show(req, reply);
      } catch (err) {
        const refused = formErrorsOf(err, req);
        if (!refused) throw err;
        return show(req, reply.code(refused.status), { rowErrors: { [id]: Object.values(refused.errors)[0]! } });
      }
    };

  app.post(
    '/:id/role',
    rowAction((req, id) => changeRole(app.domain, actorOf(req), id, field(req, 'role'))),
  );
  app.post(
    '/:id/active',
    rowAction((req, id) => setActive(app.domain, actorOf(req), id, activeField(req))),
  );

  app.post('/:id/reset-link', async (req, reply) => {
    const userId = idParam(req);
    const { token, name } = createResetLink(app.domain, actorOf(req), userId);
    // Shown to the admin who asked, in their own browser: the address they use for Switchboard is the one to hand over.
    const base = app.configStore.current.server.public_url ?? `${req.protocol}://${req.host}`;
    req.log.info({ userId }, 'password-reset link created');
    return show(req, reply, { resetLink: { name, url: new URL(`/reset/${token}`, base).href } });
  });

  app.post('/:id/two-factor/reset', async (req, reply) => {
    const userId = idParam(req);
    const { name } = resetTwoFactor(app.domain, actorOf(req), userId);
    req.log.info({ userId }, 'two-factor sign-in reset by an admin');
    return show(req, reply, { notice: req.t('admin.users.two_factor_was_reset', { name }) });
  });

  app.post('/:id/sign-ins/clear', async (req, reply) => {
    const userId = idParam(req);
    const { name } = clearAccountSignIns(app.domain, actorOf(req), userId);
    req.log.info({ userId }, 'failed sign-ins of an account cleared');
    return show(
      req,
      reply,
      { signInsNotice: req.t('admin.sign_ins.cleared_account', { name }) },
      'partials/admin-sign-ins',
    );
  });

  app.post('/address-sign-ins/clear', async (req, reply) => {
    const { address } = clearAddressSignIns(app.domain, actorOf(req), field(req, 'address'));
    req.log.info({ address }, 'failed sign-ins of an address cleared');
    return show(
      req,
      reply,
      { signInsNotice: req.t('admin.sign_ins.cleared_address', { address }) },
      'partials/admin-sign-ins',
    );
  });
}
