import type { ConfigStore } from '../config/store.ts';
import type { DomainContext } from '../domain/context.ts';
import type { GroupCommit } from '../domain/group-commit.ts';
import { acceptInbound } from '../domain/media/attachments.ts';
import type { MediaStore } from '../domain/media/store.ts';
import { receiveSms } from '../domain/messaging/inbound.ts';
import { keywordTextsOf } from '../domain/messaging/texts.ts';
import type { ChannelSink, DeliveryReport } from './types.ts';

const INBOUND_TEXT = 10_000;

export interface SinkDeps {
  domain: DomainContext;
  configStore: ConfigStore;
  media: MediaStore;
  log: { warn: (o: object, m: string) => void };
  /** Texts that arrive in one moment are stored in one transaction. */
  groupCommit: GroupCommit;
  /** The outbox loop: it writes receipts together with the submit outcomes of the same moment. */
  receipts: (report: DeliveryReport) => Promise<void>;
}

/** The one door from the channels into the domain. */
export function createSink({ domain, configStore, media, log, groupCommit, receipts }: SinkDeps): ChannelSink {
  return {
    async inbound(text) {
      const numberConfig = (e164: string) => configStore.current.number.find((n) => n.e164 === e164);
      const { kept, dropped } = acceptInbound(media, text.files ?? []);
      if (dropped.length) log.warn({ to: text.to, dropped }, 'MMS files of a type we do not keep were dropped');
      try {
        // SMS is at most a few thousand characters; an MMS's text part is cut there too.
        const sms = { from: text.from, to: text.to, text: text.text.slice(0, INBOUND_TEXT) };
        const files = kept.length ? { store: media, files: kept } : undefined;
        const result = await groupCommit.run(() =>
          receiveSms(domain, sms, (e164) => keywordTextsOf(numberConfig(e164)), files),
        );
        if (!result.stored) log.warn({ to: text.to }, 'text for a number that is not configured; dropped');
      } finally {
        for (const file of kept) media.removeTmp(file.upload.tmpPath);
      }
    },
    report: receipts,
  };
}
