import type { ConfigStore } from '../config/store.ts';
import type { DomainContext } from '../domain/context.ts';
import type { GroupCommit } from '../domain/group-commit.ts';
import { acceptInbound } from '../domain/media/attachments.ts';
import type { MediaStore } from '../domain/media/store.ts';
import { receiveReaction } from '../domain/messaging/customer-reactions.ts';
import { receiveMessage } from '../domain/messaging/inbound.ts';
import { storeTemplates } from '../domain/messaging/templates.ts';
import { keywordTextsOf } from '../domain/messaging/texts.ts';
import type { ChannelSink, InboundText, MessagingReport } from './types.ts';

const INBOUND_TEXT = 10_000;

export interface SinkDeps {
  domain: DomainContext;
  configStore: ConfigStore;
  media: MediaStore;
  log: { warn: (o: object, m: string) => void };
  /** Texts that arrive in one moment are stored in one transaction. */
  groupCommit: GroupCommit;
  /** The outbox loop: it writes receipts together with the submit outcomes of the same moment. */
  receipts: (report: MessagingReport) => Promise<void>;
}

/** The domain's words for what a channel handed over (the files go separately, checked). */
function messageOf(text: InboundText) {
  return {
    from: text.from,
    to: text.to,
    // SMS is at most a few thousand characters; an MMS's text part is cut there too.
    text: text.text.slice(0, INBOUND_TEXT),
    ...(text.channelMessageId === undefined ? {} : { channelMessageId: text.channelMessageId }),
    ...(text.senderId === undefined ? {} : { senderId: text.senderId }),
    ...(text.profileName === undefined ? {} : { profileName: text.profileName }),
    ...(text.replyTo === undefined ? {} : { replyTo: text.replyTo }),
    ...(text.location === undefined ? {} : { location: text.location }),
    ...(text.contacts === undefined ? {} : { contacts: text.contacts }),
  };
}

/** The one door from the channels into the domain. */
export function createSink({ domain, configStore, media, log, groupCommit, receipts }: SinkDeps): ChannelSink {
  return {
    async inbound(text) {
      const numberConfig = (e164: string) => configStore.current.number.find((n) => n.e164 === e164);
      // WhatsApp marks a recorded voice note: it is drawn as one (if it is Ogg/Opus).
      const voice = text.voice === true;
      const { kept, dropped } = acceptInbound(
        media,
        (text.files ?? []).map((f) => ({ ...f, voice })),
      );
      if (dropped.length) log.warn({ to: text.to, dropped }, 'files of a type we do not keep were dropped');
      try {
        const files = kept.length ? { store: media, files: kept } : undefined;
        const result = await groupCommit.run(() =>
          receiveMessage(domain, messageOf(text), (e164) => keywordTextsOf(numberConfig(e164)), files),
        );
        if (!result.stored && result.reason === 'unknown-number')
          log.warn({ to: text.to }, 'text for a number that is not configured; dropped');
        if (!result.stored && result.reason === 'no-sender')
          log.warn({ to: text.to }, 'a message without a sender to answer (an SMS needs a number); dropped');
      } finally {
        for (const file of kept) media.removeTmp(file.upload.tmpPath);
      }
    },
    report: receipts,
    async reaction(reaction) {
      const found = await groupCommit.run(() => receiveReaction(domain, reaction));
      if (!found) log.warn({ to: reaction.to }, 'a reaction to a message that is not ours; dropped');
    },
    async templates(channel, templates) {
      await groupCommit.run(() => storeTemplates(domain, channel, templates));
    },
  };
}
