import type { ConfigStore } from '../config/store.ts';
import type { DomainContext } from '../domain/context.ts';
import { acceptInbound } from '../domain/media/attachments.ts';
import type { MediaStore } from '../domain/media/store.ts';
import { receiveSms } from '../domain/messaging/inbound.ts';
import { keywordTextsOf } from '../domain/messaging/texts.ts';
import type { ChannelSink, DeliveryReport } from './types.ts';

const INBOUND_TEXT = 10_000;

/**
 * The one door from the channels into the domain. Receipts go to `receipts` (the outbox loop), which writes them
 * together with the submit outcomes of the same moment.
 */
export function createSink(
  domain: DomainContext,
  configStore: ConfigStore,
  store: MediaStore,
  log: { warn: (o: object, m: string) => void },
  receipts: (report: DeliveryReport) => Promise<void>,
): ChannelSink {
  return {
    inbound(text) {
      const numberConfig = (e164: string) => configStore.current.number.find((n) => n.e164 === e164);
      const { kept, dropped } = acceptInbound(store, text.files ?? []);
      if (dropped.length) log.warn({ to: text.to, dropped }, 'MMS files of a type we do not keep were dropped');
      try {
        // SMS is at most a few thousand characters; an MMS's text part is cut there too.
        const result = receiveSms(domain, { from: text.from, to: text.to, text: text.text.slice(0, INBOUND_TEXT) }, (e164) => keywordTextsOf(numberConfig(e164)), kept.length ? { store, files: kept } : undefined);
        if (!result.stored) log.warn({ to: text.to }, 'text for a number that is not configured; dropped');
      } finally {
        for (const file of kept) store.removeTmp(file.upload.tmpPath);
      }
    },
    report: receipts,
  };
}
