import type { ConfigStore } from '../config/store.ts';
import type { DomainContext } from '../domain/context.ts';
import { applyReceipt } from '../domain/messaging/delivery.ts';
import { receiveSms } from '../domain/messaging/inbound.ts';
import { keywordTextsOf } from '../domain/messaging/texts.ts';
import type { ChannelSink } from './types.ts';

/** The one door from the channels into the domain. */
export function createSink(domain: DomainContext, configStore: ConfigStore, log: { warn: (o: object, m: string) => void }): ChannelSink {
  return {
    inbound(text) {
      const numberConfig = (e164: string) => configStore.current.number.find((n) => n.e164 === e164);
      const result = receiveSms(domain, text, (e164) => keywordTextsOf(numberConfig(e164)));
      if (!result.stored) log.warn({ to: text.to }, 'text for a number that is not configured; dropped');
    },
    report(report) {
      applyReceipt(domain, report.idCandidates, report.state, report.errorCode);
    },
  };
}
