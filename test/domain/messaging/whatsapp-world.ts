import { receiveMessage, type InboundMessage } from '../../../src/domain/messaging/inbound.ts';
import { defaultKeywordTexts } from '../../../src/domain/messaging/texts.ts';
import { buildNumber, buildUser, type ShopNumber } from '../../factories.ts';
import { buildTestApp, type TestApp } from '../../helper.ts';

export const CHANNEL = 'wa-main';

/** A WhatsApp number in Support on the [[whatsapp]] block `wa-main`, and an SMS number beside it. */
export async function whatsAppWorld() {
  const h = await buildTestApp();
  const admin = await buildUser(h, { role: 'admin' });
  const shop = buildNumber(h, { e164: '+15551230000', whatsapp: CHANNEL, inbox: 'Support' });
  const sms = buildNumber(h, { e164: '+15551239999', smpp: 'sandbox', inbox: 'Support' });
  const receive = (message: Partial<InboundMessage> & { text?: string }, to: ShopNumber = shop) =>
    receiveMessage(h.app.domain, { from: null, text: '', to: to.e164, ...message }, () => defaultKeywordTexts);
  const rows = (sql: string, ...params: unknown[]) => h.sqlite.prepare(sql).all(...params) as Record<string, unknown>[];
  const events: { name: string; payload: unknown }[] = [];
  for (const name of ['message.created', 'message.updated', 'conversation.event'] as const)
    h.app.domain.events.on(name, (payload) => events.push({ name, payload }));
  return { h, admin, shop, sms, receive, rows, events };
}

export type WhatsAppWorld = Awaited<ReturnType<typeof whatsAppWorld>>;
export type { TestApp };
