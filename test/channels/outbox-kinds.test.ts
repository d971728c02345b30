import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stoppedState, type Channel, type ChannelSink, type OutboundText } from '../../src/channels/types.ts';
import { toggleReaction } from '../../src/domain/emoji/reactions.ts';
import { knownEmoji } from '../../src/domain/emoji/catalog.ts';
import { queueReply } from '../../src/domain/messaging/outbox.ts';
import { sendTemplate } from '../../src/domain/messaging/templates.ts';
import { until } from '../helper.ts';
import { CHANNEL, whatsAppWorld } from '../domain/messaging/whatsapp-world.ts';
import { wireChannel } from './wiring.ts';

const ANA = '+15557654321';

/** Stands in for issue 16's WhatsApp channel (helper B's): takes what the outbox hands it and answers with wamids. */
function recordingChannel() {
  const sent: OutboundText[] = [];
  let sink: ChannelSink | null = null;
  const channel: Channel = {
    name: CHANNEL,
    state: () => stoppedState(CHANNEL),
    start: (s) => void (sink = s),
    send: async (message) => {
      sent.push(message);
      return { ok: true, carrierIds: [`wamid.out${sent.length}`] };
    },
    stop: async () => undefined,
  };
  return { channel, sent, sink: () => sink! };
}

test('through the sink and the outbox: WhatsApp gets Markdown, quote, template and reaction; reports end at read', async (t) => {
  const w = await whatsAppWorld();
  t.after(() => w.h.close());
  const { channel, sent, sink } = recordingChannel();
  const loop = wireChannel(w.h, channel);
  loop.start();
  t.after(() => loop.stop());

  await sink().inbound({
    from: ANA,
    to: w.shop.e164,
    text: 'Where is order 5?',
    channelMessageId: 'wamid.in1',
    senderId: 'US.1',
    profileName: 'Ana Lima',
  });
  const [inbound] = w.rows(`SELECT id, conversation_id AS conversationId FROM messages`) as {
    id: number;
    conversationId: number;
  }[];
  await sink().templates(CHANNEL, [
    { name: 'hello', language: 'en', status: 'APPROVED', category: 'UTILITY', body: 'Hello {{1}}!' },
  ]);
  const domain = w.h.app.domain;
  queueReply(domain, w.admin.actor, inbound!.conversationId, '**Shipped** today', undefined, {
    replyToMessageId: inbound!.id,
  });
  await until(() => sent.length === 1, 'the reply sent');
  toggleReaction(domain, w.admin.actor, inbound!.id, '👍');
  await until(() => sent.length === 2, 'the reaction sent (found by the poll)');
  sendTemplate(domain, w.admin.actor, inbound!.conversationId, { name: 'hello', language: 'en' });
  loop.wake();
  await until(() => sent.length === 3, 'the template sent');
  const shape = ({ files: _files, ...m }: OutboundText) => m;
  assert.deepEqual(sent.map(shape), [
    { from: w.shop.e164, to: ANA, toId: 'US.1', text: '**Shipped** today', replyTo: 'wamid.in1' },
    {
      from: w.shop.e164,
      to: ANA,
      toId: 'US.1',
      text: knownEmoji('👍'),
      reaction: { channelMessageId: 'wamid.in1', emoji: knownEmoji('👍') },
    },
    {
      from: w.shop.e164,
      to: ANA,
      toId: 'US.1',
      text: 'Hello Ana!',
      template: { name: 'hello', language: 'en', params: ['Ana'] },
    },
  ]);

  await sink().report({ connection: CHANNEL, carrierId: 'wamid.out1', state: 'read' });
  await sink().report({ connection: CHANNEL, carrierId: 'wamid.out1', state: 'delivered' });
  const status = () => w.rows(`SELECT body, status FROM messages WHERE direction = 'out' ORDER BY id`)[0];
  assert.deepEqual(status(), { body: '**Shipped** today', status: 'read' });

  await sink().reaction({ from: ANA, to: w.shop.e164, channelMessageId: 'wamid.out1', emoji: '🙏' });
  assert.deepEqual(w.rows(`SELECT emoji FROM customer_reactions`), [{ emoji: '🙏' }]);

  // An SMS without a number is dropped with a warning: the carrier's delivery is not failed for it.
  await sink().inbound({ from: null, to: w.sms.e164, text: 'no number' });
  assert.deepEqual(w.rows(`SELECT id FROM messages WHERE body = 'no number'`), []);
});
