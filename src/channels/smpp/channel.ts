import type { Logger } from 'pino';
import type { Channel, ChannelSink, ChannelState, OutboundText, SendOutcome } from '../types.ts';
import { NO_NUMBER, stoppedState } from '../types.ts';
import {
  createSmppConnection,
  type DeliverSm,
  type SmppConfig,
  type SmppConnection,
  type SmppDeps,
} from './connection.ts';
import { concatFromSarTlvs, decodeShortMessage, encodeForSubmit } from './encoding.ts';
import { createReassembler } from './reassembly.ts';
import { parseReceipt, receiptIdKey, responseIdKey } from './receipts.ts';

const RECEIPT_BITS = 0x3c;
const IS_RECEIPT = 0x04;
// Parts of a long text arrive within seconds; a group still incomplete after this is dropped.
const REASSEMBLY_TTL_MS = 10 * 60_000;

/** SMSCs write MSISDNs with or without the international flag; we store E.164 either way. */
export function e164Of(addr: string, ton: number): string {
  if (addr.startsWith('+')) return addr;
  if (ton === 1 || /^\d{8,15}$/.test(addr)) return `+${addr}`;
  return addr;
}

const FINAL_STATES = { delivered: 'delivered', failed: 'failed', rejected: 'failed', expired: 'expired' } as const;

/**
 * SMS over one SMPP connection: encodes and splits outgoing texts, joins and decodes incoming ones,
 * turns receipts into delivery reports. Every submit_sm sets data_coding itself.
 */
export function createSmppChannel(
  config: SmppConfig,
  log: Logger,
  deps: Partial<Pick<SmppDeps, 'onState' | 'timeouts'>> = {},
): Channel {
  const notStarted: ChannelState = stoppedState(config.name);
  const reassembler = createReassembler({ ttlMs: REASSEMBLY_TTL_MS });
  let sink: ChannelSink | null = null;
  let connection: SmppConnection | null = null;
  let ref = Math.floor(Math.random() * 256);
  const sweeper = setInterval(() => reassembler.sweep(), 60_000);
  sweeper.unref();

  /** Answered (deliver_sm_resp) once the returned promise resolves: the receipt or the text is on disk. */
  function onDeliver(pdu: DeliverSm): Promise<void> | void {
    if (!sink) throw new Error('channel not started');
    const payload = pdu.message_payload ?? pdu.short_message;
    if ((pdu.esm_class & RECEIPT_BITS) === IS_RECEIPT) {
      // Receipt texts are ASCII; reading them as GSM would turn '_' and '@' into other characters.
      const receipt = parseReceipt({ ...pdu, shortMessageText: payload.toString('latin1') });
      const state = receipt && FINAL_STATES[receipt.state as keyof typeof FINAL_STATES];
      if (!receipt || !state) return;
      const carrierId = receiptIdKey(receipt.smscId, config.receiptId);
      return sink.report({
        connection: config.name,
        carrierId,
        state,
        ...(receipt.errorCode ? { errorCode: receipt.errorCode } : {}),
      });
    }
    const decoded = decodeShortMessage({ shortMessage: payload, dataCoding: pdu.data_coding, esmClass: pdu.esm_class });
    const from = e164Of(pdu.source_addr, pdu.source_addr_ton);
    const to = e164Of(pdu.destination_addr, pdu.dest_addr_ton);
    const concat = decoded.concat ?? concatFromSarTlvs(pdu);
    if (!concat || concat.total === 1) return sink.inbound({ from, to, text: decoded.text });
    const joined = reassembler.add({ from, to, concat, text: decoded.text });
    if (joined.complete) return sink.inbound({ from, to, text: joined.text });
  }

  async function send(message: OutboundText): Promise<SendOutcome> {
    if (!connection) return { ok: false, retry: true, code: 'down', reason: 'the connection has not started' };
    if (message.to === null) return NO_NUMBER;
    ref = (ref + 1) % 256;
    const to = message.to;
    const encoded = encodeForSubmit(message.text, ref);
    const ids: string[] = [];
    for (const shortMessage of encoded.parts) {
      const outcome = await connection.submit({
        sourceAddr: message.from,
        destAddr: to,
        dataCoding: encoded.dataCoding,
        esmClass: encoded.esmClass,
        shortMessage,
        registeredDelivery: true,
      });
      if (!outcome.ok)
        return {
          ok: false,
          retry: outcome.retry,
          code: `0x${outcome.status.toString(16).padStart(2, '0')}`,
          reason: outcome.reason,
        };
      ids.push(responseIdKey(outcome.messageId, config.receiptId));
    }
    return { ok: true, carrierIds: ids };
  }

  return {
    name: config.name,
    start(s) {
      sink = s;
      connection = createSmppConnection(config, { log: log.child({ smpp: config.name }), onDeliver, ...deps });
      connection.start();
    },
    send,
    state: () => connection?.state() ?? notStarted,
    async stop() {
      clearInterval(sweeper);
      await connection?.stop();
    },
  };
}
