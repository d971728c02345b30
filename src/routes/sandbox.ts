import { readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { PhoneContent, PhoneLine } from '../channels/whatsapp/sandbox.ts';
import { SANDBOX, SANDBOX_WHATSAPP } from '../config/sandbox.ts';
import { invalid } from '../domain/errors.ts';
import { capabilitiesOf } from '../domain/messaging/capabilities.ts';
import { LIMITS } from '../domain/limits.ts';
import { sniff } from '../domain/media/sniff.ts';
import { numbersOnChannel } from '../domain/numbers/sync.ts';
import { isE164, parsePhone } from '../lib/e164.ts';
import { isHtmx } from '../plugins/render.ts';
import { adminOnly } from './admin/guard.ts';
import { formErrorsOf, type FormErrors } from './forms.ts';
import { form, queryText, text } from './schemas.ts';
import { acceptUploads } from './uploads.ts';

/** One message on the customer phone: an SMS (only text) or a WhatsApp message as the stand-in saw it. */
type Line = PhoneLine & { kind: 'sms' | 'whatsapp' };

interface InboxNumber {
  e164: string;
  kind: 'sms' | 'whatsapp';
}

const DEFAULT_PHONE = '+15557654321';
/** The photos WhatsApp shows as photos; the largest file the phone sends (a voice note: WhatsApp's audio limit). */
const PHOTO_TYPES = ['image/jpeg', 'image/png'];
const MAX_FILE_BYTES = 16 * 1024 * 1024;
const WAMID = /^wamid\.[A-Za-z0-9_-]{1,200}$/;
const MEDIA_ID = /^(\d{1,32}|wamid\.[A-Za-z0-9_-]{1,200})$/;
/** What the phone's reaction buttons offer (WhatsApp's quick reactions). */
const REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'];

const smsLine = (l: { direction: Line['direction']; other: string; text: string; at: number }): Line => ({
  ...l,
  kind: 'sms',
  id: '',
  media: null,
  template: null,
  quote: null,
  status: null,
  reaction: null,
});

/** The phone's page: whose phone, and (when the "To" select re-asks) the form's fields, drawn back as typed. */
const phoneQuery = z.object({ phone: queryText, to: queryText, quote: queryText, text: queryText });
const messageForm = form({ phone: text, to: text, text: text, replyTo: text });
const reactionForm = form({ phone: text, message: text, emoji: text });

/** The "customer phone" of the sandbox: an admin texts the inbox (or writes on WhatsApp) as a customer would and sees what comes back. */
export default async function sandboxRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.addHook('preHandler', adminOnly);
  const sent: (Line & { phone: string })[] = [];

  const transcript = (phone: string): Line[] => {
    const replies = (app.messaging.simulator?.receivedTexts() ?? [])
      .filter((m) => `+${m.destAddr}` === phone)
      .map((m) => smsLine({ direction: 'to-phone', other: `+${m.sourceAddr}`, text: m.text, at: m.at }));
    const whatsapp = (app.messaging.whatsappPhone?.lines(phone) ?? []).map((l): Line => ({ ...l, kind: 'whatsapp' }));
    return [...sent.filter((l) => l.phone === phone), ...replies, ...whatsapp].sort((a, b) => a.at - b.at);
  };

  const inboxNumbers = (): InboxNumber[] => [
    ...numbersOnChannel(app.domain, SANDBOX.name).map((e164) => ({ e164, kind: 'sms' as const })),
    ...(app.messaging.whatsappPhone
      ? numbersOnChannel(app.domain, SANDBOX_WHATSAPP.name).map((e164) => ({ e164, kind: 'whatsapp' as const }))
      : []),
  ];

  const show = (
    req: FastifyRequest,
    reply: FastifyReply,
    phone: string,
    state: { errors?: FormErrors; draft?: string; to?: string; quote?: string } = {},
  ) => {
    const numbers = inboxNumbers();
    const to = numbers.find((n) => n.e164 === state.to) ?? numbers[0];
    const lines = transcript(phone);
    const quoted =
      to?.kind === 'whatsapp' ? lines.find((l) => l.kind === 'whatsapp' && l.id === state.quote) : undefined;
    return reply.pageOrFragment('pages/sandbox', 'partials/sandbox-transcript', {
      running: app.messaging.simulator !== null,
      // Not `phone`: that is every template's number formatter.
      customer: phone,
      inboxNumbers: numbers,
      to: to ?? null,
      quoted: quoted ?? null,
      reactions: REACTIONS,
      lines,
      errors: state.errors ?? {},
      draft: state.draft ?? '',
    });
  };

  const phoneOf = (raw: string | undefined): string =>
    raw !== undefined && isE164(raw.trim()) ? raw.trim() : DEFAULT_PHONE;

  // The "To" select re-asks with the form's fields: what is typed comes back as the draft.
  app.get('/sandbox', { schema: { querystring: phoneQuery } }, async (req, reply) =>
    show(req, reply, phoneOf(req.query.phone), {
      to: req.query.to ?? '',
      quote: req.query.quote ?? '',
      draft: req.query.text ?? '',
    }),
  );

  // Polled by the page: only the transcript is replaced, so a half-typed message stays as it is.
  app.get('/sandbox/lines', { schema: { querystring: phoneQuery } }, async (req, reply) => {
    const phone = phoneOf(req.query.phone);
    return reply.fragment('partials/sandbox-lines', {
      customer: phone,
      lines: transcript(phone),
      reactions: REACTIONS,
    });
  });

  /** A photo or voice note the phone shows: the customer's own, or one the inbox sent through the stand-in. */
  app.get('/sandbox/media/:id', { schema: { params: z.object({ id: z.string() }) } }, async (req, reply) => {
    const { id } = req.params;
    const file = MEDIA_ID.test(id) ? app.messaging.whatsappPhone?.media(id) : undefined;
    if (!file) return reply.code(404).type('text/plain').send('no such file on the customer phone');
    return reply.type(file.contentType).header('Cache-Control', 'private, max-age=3600').send(file.data);
  });

  /**
   * What the WhatsApp user sends from the form, in order: a voice note, or a photo (the text its caption); the text
   * on its own otherwise, or after the voice note.
   */
  async function whatsappContents(req: FastifyRequest, text: string, replyTo: string): Promise<PhoneContent[]> {
    const quote = replyTo ? { replyTo } : {};
    const { textLimit, media } = capabilitiesOf('whatsapp');
    if (text.length > textLimit) throw invalid('sandbox.text_invalid', 'text', { max: textLimit });
    const voice = req.upload.files.find((f) => f.voice);
    const photo = req.upload.files.find((f) => !f.voice);
    if (voice) {
      if (voice.size === 0 || voice.tooLarge) throw invalid('sandbox.voice_invalid');
      const note: PhoneContent = { voice: await readFile(voice.tmpPath), ...quote };
      return text.trim() ? [note, { text }] : [note];
    }
    if (photo) {
      const type = sniff(photo.head)?.contentType;
      const rule = media.find((r) => r.contentType === type);
      if (!type || !rule || !PHOTO_TYPES.includes(type)) throw invalid('sandbox.photo_type', 'photo');
      if (photo.tooLarge || photo.size > rule.maxBytes)
        throw invalid('sandbox.photo_too_large', 'photo', { mb: Math.floor(rule.maxBytes / 1024 / 1024) });
      const image = {
        data: await readFile(photo.tmpPath),
        contentType: type,
        ...(text.trim() ? { caption: text } : {}),
      };
      return [{ image, ...quote }];
    }
    if (text.trim() === '') throw invalid('sandbox.text_invalid', 'text', { max: textLimit });
    return [{ text, ...quote }];
  }

  app.post(
    '/sandbox/messages',
    { ...acceptUploads(app, () => MAX_FILE_BYTES), schema: { body: messageForm } },
    async (req, reply) => {
      // The customer phone's own number, typed with its country code ("+1 555 765 4321").
      const phone = parsePhone(req.body.phone) ?? req.body.phone.trim();
      const { to, text, replyTo } = req.body;
      try {
        const simulator = app.messaging.simulator;
        if (!simulator) throw invalid('sandbox.not_running');
        if (req.upload.refused) throw req.upload.refused;
        if (!isE164(phone)) throw invalid('sandbox.phone_invalid', 'phone');
        const number = inboxNumbers().find((n) => n.e164 === to);
        if (!number) throw invalid('sandbox.to_invalid', 'to');
        if (number.kind === 'whatsapp') {
          if (replyTo && !WAMID.test(replyTo)) throw invalid('sandbox.quote_invalid');
          const contents = await whatsappContents(req, text, replyTo);
          try {
            for (const content of contents) await app.messaging.whatsappPhone!.send(phone, content);
          } catch (err) {
            req.log.warn({ err }, 'the sandbox WhatsApp user could not send');
            throw invalid('sandbox.whatsapp_failed');
          }
        } else {
          if (req.upload.files.length) throw invalid('sandbox.files_whatsapp_only');
          if (text.trim() === '' || text.length > LIMITS.smsText)
            throw invalid('sandbox.text_invalid', 'text', { max: LIMITS.smsText });
          await simulator.sendText({ from: phone, to, text });
          sent.push({ ...smsLine({ direction: 'to-inbox', other: to, text, at: Date.now() }), phone });
        }
        if (!isHtmx(req))
          return reply.redirect(`/sandbox?phone=${encodeURIComponent(phone)}&to=${encodeURIComponent(to)}`, 303);
        return show(req, reply, phone, { to });
      } catch (err) {
        // A recording the server could not make Ogg/Opus is refused on the upload's `files`: said above the form.
        const refused = formErrorsOf(err, req, {
          statuses: [400, 409, 413, 422],
          place: (name) => (name === undefined || name === 'files' ? '_form' : name),
        });
        if (!refused) throw err;
        return show(req, reply.code(refused.status), isE164(phone) ? phone : DEFAULT_PHONE, {
          errors: refused.errors,
          draft: text,
          to,
          quote: replyTo,
        });
      }
    },
  );

  // The WhatsApp user reacts to a message (an empty emoji takes the reaction back, as on the phone).
  app.post('/sandbox/reactions', { schema: { body: reactionForm } }, async (req, reply) => {
    const phone = phoneOf(req.body.phone);
    const { message: messageId, emoji } = req.body;
    const whatsappPhone = app.messaging.whatsappPhone;
    if (!whatsappPhone) throw invalid('sandbox.not_running');
    if (!WAMID.test(messageId) || (emoji !== '' && !REACTIONS.includes(emoji)))
      throw invalid('sandbox.reaction_invalid');
    try {
      await whatsappPhone.send(phone, { reaction: { messageId, emoji } });
    } catch (err) {
      req.log.warn({ err }, 'the sandbox WhatsApp user could not react');
      throw invalid('sandbox.whatsapp_failed');
    }
    if (!isHtmx(req))
      return reply.redirect(
        `/sandbox?phone=${encodeURIComponent(phone)}&to=${encodeURIComponent(whatsappPhone.number)}`,
        303,
      );
    return reply.fragment('partials/sandbox-lines', {
      customer: phone,
      lines: transcript(phone),
      reactions: REACTIONS,
    });
  });
}
