import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { createResetLink } from '../../domain/accounts/password-reset.ts';
import { resetTwoFactor, twoFactorUserIds } from '../../domain/accounts/two-factor.ts';
import { clearAccountSignIns, clearAddressSignIns, signInLocks } from '../../domain/auth/sign-in-locks.ts';
import { signInPolicy } from '../../domain/auth/sign-in-throttle.ts';
import { invalid } from '../../domain/errors.ts';
import { changeRole, createUser, findUserById, listUsers, setActive } from '../../domain/users/service.ts';
import { roles } from '../../domain/users/validate.ts';
import { isHtmx } from '../../plugins/render.ts';
import { actorOf } from '../../plugins/auth.ts';
import { formErrorsOf, type FormErrors } from '../forms.ts';
import { form, idParams, text } from '../schemas.ts';
import { adminOnly } from './guard.ts';

/** Only an explicit choice counts: a missing or garbled field must not deactivate anyone. */
function activeField(value: string): boolean {
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

const rowSchema = { params: idParams, body: form({ role: text, active: text }) };
const emptyRow = { params: idParams, body: form({}) };

export default async function adminUserRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
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

  const userForm = form({ email: text, name: text, role: text, password: text });
  app.post('/', { schema: { body: userForm } }, async (req, reply) => {
    const { email, name, role, password } = req.body;
    const values = { email, name, role };
    try {
      const user = await createUser(app.domain, actorOf(req), { ...values, password });
      return show(req, reply, { notice: req.t('admin.users.created', { name: user.name }) });
    } catch (err) {
      const refused = formErrorsOf(err, req);
      if (!refused) throw err;
      return show(req, reply.code(refused.status), { values, errors: refused.errors });
    }
  });

  const rowAction = (req: FastifyRequest, reply: FastifyReply, id: number, apply: () => unknown) => {
    try {
      apply();
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

  app.post('/:id/role', { schema: rowSchema }, async (req, reply) =>
    rowAction(req, reply, req.params.id, () => changeRole(app.domain, actorOf(req), req.params.id, req.body.role)),
  );
  app.post('/:id/active', { schema: rowSchema }, async (req, reply) =>
    rowAction(req, reply, req.params.id, () =>
      setActive(app.domain, actorOf(req), req.params.id, activeField(req.body.active)),
    ),
  );

  app.post('/:id/reset-link', { schema: emptyRow }, async (req, reply) => {
    const userId = req.params.id;
    const { token, name } = createResetLink(app.domain, actorOf(req), userId);
    // Shown to the admin who asked, in their own browser: the address they use for Switchboard is the one to hand over.
    const base = app.configStore.current.server.public_url ?? `${req.protocol}://${req.host}`;
    req.log.info({ userId }, 'password-reset link created');
    return show(req, reply, { resetLink: { name, url: new URL(`/reset/${token}`, base).href } });
  });

  app.post('/:id/two-factor/reset', { schema: emptyRow }, async (req, reply) => {
    const userId = req.params.id;
    const { name } = resetTwoFactor(app.domain, actorOf(req), userId);
    req.log.info({ userId }, 'two-factor sign-in reset by an admin');
    return show(req, reply, { notice: req.t('admin.users.two_factor_was_reset', { name }) });
  });

  app.post('/:id/sign-ins/clear', { schema: emptyRow }, async (req, reply) => {
    const userId = req.params.id;
    const { name } = clearAccountSignIns(app.domain, actorOf(req), userId);
    req.log.info({ userId }, 'failed sign-ins of an account cleared');
    return show(
      req,
      reply,
      { signInsNotice: req.t('admin.sign_ins.cleared_account', { name }) },
      'partials/admin-sign-ins',
    );
  });

  app.post('/address-sign-ins/clear', { schema: { body: form({ address: text }) } }, async (req, reply) => {
    const { address } = clearAddressSignIns(app.domain, actorOf(req), req.body.address);
    req.log.info({ address }, 'failed sign-ins of an address cleared');
    return show(
      req,
      reply,
      { signInsNotice: req.t('admin.sign_ins.cleared_address', { address }) },
      'partials/admin-sign-ins',
    );
  });
}
