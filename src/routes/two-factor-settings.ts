import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  confirmEnrolment,
  disableTwoFactor,
  enrolment,
  regenerateRecoveryCodes,
  twoFactorOf,
} from '../domain/accounts/two-factor.ts';
import type { ThrottlePolicy } from '../domain/auth/throttle.ts';
import { actorOf, requireUser } from '../plugins/auth.ts';
import { ENROL_PATH } from '../plugins/two-factor-gate.ts';
import { enrolmentView } from '../presenters/two-factor.ts';
import { formErrorsOf, type FormErrors } from './forms.ts';
import { form, text } from './schemas.ts';

interface State {
  /** Recovery codes just made: shown this once. */
  codes?: string[];
  notice?: 'enabled' | 'disabled' | null;
  errors?: FormErrors;
}

/** Settings → Two-factor sign-in: enrol (QR code and key, confirmed by a code), recovery codes, turning it off. */
const codeForm = form({ code: text });
const proofForm = form({ proof: text });

export default async function twoFactorSettingsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.addHook('preHandler', requireUser);

  const policy = (): ThrottlePolicy => {
    const { auth } = app.configStore.current;
    return { attempts: auth.login_attempts, windowMs: auth.login_window_minutes * 60_000 };
  };

  const show = (req: FastifyRequest, reply: FastifyReply, state: State = {}) => {
    const actor = actorOf(req);
    const current = twoFactorOf(app.domain.db, actor.id);
    const pending = current.enabled ? null : enrolment(app.domain, actor);
    return reply.page('pages/two-factor', {
      state: current,
      enrolment: pending && enrolmentView(pending),
      required: app.configStore.current.auth.require_2fa.includes(actor.role),
      codes: state.codes ?? null,
      notice: state.notice ?? null,
      errors: state.errors ?? {},
    });
  };

  /** `form` names the form the message goes under: two forms on the page ask for the same proof. */
  const refusedIn = (req: FastifyRequest, reply: FastifyReply, err: unknown, form: string) => {
    const refused = formErrorsOf(err, req, { place: () => form });
    if (!refused) throw err;
    return show(req, reply.code(refused.status), { errors: refused.errors });
  };

  app.get(ENROL_PATH, async (req, reply) => show(req, reply));

  app.post(`${ENROL_PATH}/confirm`, { schema: { body: codeForm } }, async (req, reply) => {
    try {
      const codes = await confirmEnrolment(app.domain, actorOf(req), req.body.code, policy());
      req.log.info({ userId: req.auth!.user.id }, 'two-factor sign-in turned on');
      return show(req, reply, { codes, notice: 'enabled' });
    } catch (err) {
      return refusedIn(req, reply, err, 'code');
    }
  });

  app.post(`${ENROL_PATH}/recovery-codes`, { schema: { body: proofForm } }, async (req, reply) => {
    try {
      const codes = await regenerateRecoveryCodes(app.domain, actorOf(req), req.body.proof, policy());
      return show(req, reply, { codes });
    } catch (err) {
      return refusedIn(req, reply, err, 'codes_proof');
    }
  });

  app.post(`${ENROL_PATH}/disable`, { schema: { body: proofForm } }, async (req, reply) => {
    try {
      await disableTwoFactor(app.domain, actorOf(req), req.body.proof, policy());
      req.log.info({ userId: req.auth!.user.id }, 'two-factor sign-in turned off');
      return show(req, reply, { notice: 'disabled' });
    } catch (err) {
      return refusedIn(req, reply, err, 'disable_proof');
    }
  });
}
