import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SANDBOX } from '../config/sandbox.ts';
import { invalid } from '../domain/errors.ts';
import { LIMITS } from '../domain/limits.ts';
import { numbersOnChannel } from '../domain/numbers/sync.ts';
import { isE164, parsePhone } from '../lib/e164.ts';
import { isHtmx } from '../plugins/render.ts';
import { adminOnly } from './admin/guard.ts';
import { field, formErrorsOf, type FormErrors } from './forms.ts';

interface Line {
  direction: 'to-inbox' | 'to-phone';
  other: string;
  text: string;
  at: number;
}

/** The "customer phone" of the sandbox: an admin texts the inbox as a customer would and sees what comes back. */
export default async function sandboxRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('preHandler', adminOnly);
  const sent: (Line & { phone: string })[] = [];

  const transcript = (phone: string): Line[] => {
    const replies: Line[] = (app.messaging.simulator?.receivedTexts() ?? [])
      .filter((m) => `+${m.destAddr}` === phone)
      .map((m) => ({ direction: 'to-phone' as const, other: `+${m.sourceAddr}`, text: m.text, at: m.at }));
    return [...sent.filter((l) => l.phone === phone), ...replies].sort((a, b) => a.at - b.at);
  };

  const show = (
    req: FastifyRequest,
    reply: FastifyReply,
    phone: string,
    state: { errors?: FormErrors; draft?: string } = {},
  ) => {
    const inboxNumbers = numbersOnChannel(app.domain, SANDBOX.name);
    return reply.pageOrFragment('pages/sandbox', 'partials/sandbox-transcript', {
      running: app.messaging.simulator !== null,
      // Not `phone`: that is every template's number formatter.
      customer: phone,
      inboxNumbers,
      lines: transcript(phone),
      errors: state.errors ?? {},
      draft: state.draft ?? '',
    });
  };

  const phoneOf = (raw: unknown): string =>
    typeof raw === 'string' && isE164(raw.trim()) ? raw.trim() : '+15557654321';

  app.get('/sandbox', async (req, reply) => show(req, reply, phoneOf((req.query as Record<string, unknown>).phone)));

  // Polled by the page: only the transcript is replaced, so a half-typed message stays as it is.
  app.get('/sandbox/lines', async (req, reply) => {
    const phone = phoneOf((req.query as Record<string, unknown>).phone);
    return reply.fragment('partials/sandbox-lines', { customer: phone, lines: transcript(phone) });
  });

  app.post('/sandbox/messages', async (req, reply) => {
    // The customer phone's own number, typed with its country code ("+1 555 765 4321").
    const phone = parsePhone(field(req, 'phone')) ?? field(req, 'phone').trim();
    const to = field(req, 'to');
    const text = field(req, 'text');
    try {
      const simulator = app.messaging.simulator;
      if (!simulator) throw invalid('sandbox.not_running');
      if (!isE164(phone)) throw invalid('sandbox.phone_invalid', 'phone');
      if (!isE164(to)) throw invalid('sandbox.to_invalid', 'to');
      if (text.trim() === '' || text.length > LIMITS.smsText)
        throw invalid('sandbox.text_invalid', 'text', { max: LIMITS.smsText });
      await simulator.sendText({ from: phone, to, text });
      sent.push({ phone, direction: 'to-inbox', other: to, text, at: Date.now() });
      if (!isHtmx(req)) return reply.redirect(`/sandbox?phone=${encodeURIComponent(phone)}`, 303);
      return show(req, reply, phone);
    } catch (err) {
      const refused = formErrorsOf(err, req);
      if (!refused) throw err;
      return show(req, reply.code(refused.status), isE164(phone) ? phone : '+15557654321', {
        errors: refused.errors,
        draft: text,
      });
    }
  });
}
