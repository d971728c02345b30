import { EventEmitter } from 'node:events';
import pino, { type Logger } from 'pino';
import smpp from 'smpp';
import type { BindPdu, PDU, Session, SmFields, SubmitSm } from 'smpp';
import { addressOf, useRawMessageBytes } from './connection.ts';
import { decodeShortMessage, encodeForSubmit } from './encoding.ts';

/**
 * An SMSC on loopback for tests, `switchboard sandbox` and benchmarks. It accepts binds, answers
 * submit_sm with message ids (or with chosen errors), issues delivery receipts, and sends
 * mobile-originated messages on demand.
 */

export interface SimulatorOptions {
  /** 0 (the default) picks a free port; `port` tells which after start(), and a restart keeps it. */
  port?: number;
  host?: string;
  systemId?: string;
  password?: string;
  /** How delivery receipts are encoded; 'text' by default, as most carriers do. */
  receipts?: 'tlv' | 'text' | 'none';
  receiptDelayMs?: number;
  /** How submit_sm_resp writes message ids. */
  idFormat?: 'decimal' | 'hex';
  /** How receipts write them; like idFormat unless set (SMSCs that differ need the [[smpp]] receipt_id setting). */
  receiptIdFormat?: 'decimal' | 'hex';
  /** Ids count 1, 2, 3 … instead of from a large offset, so that hex and decimal readings of one id name others. */
  smallIds?: boolean;
  /** Holds every submit_sm_resp this long, to keep submits in flight. */
  submitDelayMs?: number;
  log?: Logger;
}

export interface SubmittedMessage {
  systemId: string;
  sourceAddr: string;
  sourceTon: number;
  sourceNpi: number;
  destAddr: string;
  destTon: number;
  destNpi: number;
  dataCoding: number;
  esmClass: number;
  registeredDelivery: number;
  shortMessage: Buffer;
  /** null when the submit was answered with an error. */
  messageId: string | null;
  status: number;
  /** Date.now() when the submit_sm arrived. */
  at: number;
}

export interface MobileOriginated {
  from: string;
  to: string;
  shortMessage: Buffer;
  dataCoding: number;
  esmClass?: number;
  /** Extra deliver_sm fields or TLVs by their smpp name, e.g. sar_msg_ref_num. */
  tlvs?: Record<string, unknown>;
}

export interface BindAttempt {
  systemId: string;
  mode: BindMode;
  status: number;
}

export interface Simulator {
  readonly port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly received: SubmittedMessage[];
  /** Sends a deliver_sm to a bound receiver and resolves with the deliver_sm_resp command_status. */
  sendMo(msg: MobileOriginated): Promise<number>;
  /** Texts as a phone would: encoded and split into deliver_sm parts, one after the other (the sandbox's phone). */
  sendText(msg: { from: string; to: string; text: string }): Promise<void>;
  /** Each accepted submit_sm's text (one per part), in the order they came. */
  receivedTexts(): { sourceAddr: string; destAddr: string; text: string; at: number }[];
  /** Answers the next n submit_sm with this command_status. */
  failNext(n: number, status: number): void;
  /** Answers the next n submit_sm with a generic_nack carrying this status. */
  nackNext(n: number, status: number): void;
  setCredentials(credentials: { systemId?: string; password?: string }): void;
  /** Cuts every client socket without unbinding, as a crash or network fault would. */
  dropConnections(): void;
  boundSessions(): number;
  /** The most submit_sm that were waiting for their response at one time. */
  peakUnanswered(): number;
  on(event: 'submit', listener: (msg: SubmittedMessage) => void): Simulator;
  on(event: 'bind', listener: (attempt: BindAttempt) => void): Simulator;
  /** A client unbound (cleanly, not a dropped socket); with the system_id it had bound as. */
  on(event: 'unbind', listener: (systemId: string) => void): Simulator;
}

type BindMode = 'transceiver' | 'transmitter' | 'receiver';

const MO_RESPONSE_TIMEOUT_MS = 10_000;
const MESSAGE_STATE_DELIVERED = 2;

export function createSimulator(options: SimulatorOptions = {}): Simulator {
  useRawMessageBytes();
  const log = options.log ?? pino({ level: 'silent' });
  const host = options.host ?? '127.0.0.1';
  const receipts = options.receipts ?? 'text';
  const events = new EventEmitter();
  const bound = new Map<Session, { mode: BindMode; systemId: string }>();
  const timers = new Set<NodeJS.Timeout>();
  const failures: Array<{ status: number; nack: boolean }> = [];
  const received: SubmittedMessage[] = [];
  let credentials = { systemId: options.systemId ?? 'switchboard', password: options.password ?? 'secret' };
  let port = options.port ?? 0;
  let nextId = 1;
  let unanswered = 0;
  let peak = 0;

  const server = smpp.createServer({}, (session) => {
    session.on('error', (err) => log.debug({ err }, 'simulator session error'));
    session.on('close', () => bound.delete(session));
    session.on('pdu', (pdu) => onPdu(session, pdu));
  });

  function later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  }

  function onPdu(session: Session, pdu: PDU): void {
    switch (pdu.command) {
      case 'bind_transceiver':
      case 'bind_transmitter':
      case 'bind_receiver':
        return onBind(session, pdu as BindPdu);
      case 'submit_sm':
        return onSubmit(session, pdu as SubmitSm);
      case 'enquire_link':
        session.send(pdu.response());
        return;
      case 'unbind':
        events.emit('unbind', bound.get(session)?.systemId ?? '');
        bound.delete(session);
        session.send(pdu.response());
        session.close();
        return;
    }
    if (pdu.isResponse() && pdu.command !== 'unknown') return;
    session.send(
      new smpp.PDU('generic_nack', { sequence_number: pdu.sequence_number, command_status: smpp.ESME_RINVCMDID }),
    );
  }

  function onBind(session: Session, pdu: BindPdu): void {
    const mode = pdu.command.slice('bind_'.length) as BindMode;
    const status = bound.has(session)
      ? smpp.ESME_RALYBND
      : pdu.system_id === credentials.systemId && pdu.password === credentials.password
        ? smpp.ESME_ROK
        : smpp.ESME_RBINDFAIL;
    session.send(pdu.response({ command_status: status, system_id: 'simulator' }));
    events.emit('bind', { systemId: pdu.system_id, mode, status } satisfies BindAttempt);
    if (status === smpp.ESME_ROK) bound.set(session, { mode, systemId: pdu.system_id });
    else if (status === smpp.ESME_RBINDFAIL) session.close();
  }

  function onSubmit(session: Session, pdu: SubmitSm): void {
    const binding = bound.get(session);
    if (!binding || binding.mode === 'receiver') {
      session.send(pdu.response({ command_status: smpp.ESME_RINVBNDSTS }));
      return;
    }
    const failure = failures.shift();
    const status = failure?.status ?? smpp.ESME_ROK;
    const messageId = failure ? null : newMessageId();
    const msg = record(pdu, binding.systemId, messageId, status);
    unanswered += 1;
    peak = Math.max(peak, unanswered);
    const respond = (): void => {
      unanswered -= 1;
      if (failure?.nack) {
        session.send(new smpp.PDU('generic_nack', { sequence_number: pdu.sequence_number, command_status: status }));
      } else {
        session.send(pdu.response(messageId ? { message_id: messageId } : { command_status: status }));
      }
      if (messageId && receipts !== 'none' && (pdu.registered_delivery & 0x03) === 0x01) {
        later(options.receiptDelayMs ?? 0, () => sendReceipt(msg));
      }
    };
    if (options.submitDelayMs) later(options.submitDelayMs, respond);
    else respond();
  }

  function record(pdu: SubmitSm, systemId: string, messageId: string | null, status: number): SubmittedMessage {
    const msg: SubmittedMessage = {
      systemId,
      sourceAddr: pdu.source_addr,
      sourceTon: pdu.source_addr_ton,
      sourceNpi: pdu.source_addr_npi,
      destAddr: pdu.destination_addr,
      destTon: pdu.dest_addr_ton,
      destNpi: pdu.dest_addr_npi,
      dataCoding: pdu.data_coding,
      esmClass: pdu.esm_class,
      registeredDelivery: pdu.registered_delivery,
      shortMessage: pdu.short_message,
      messageId,
      status,
      at: Date.now(),
    };
    received.push(msg);
    events.emit('submit', msg);
    return msg;
  }

  const responseFormat = options.idFormat ?? 'decimal';
  const receiptFormat = options.receiptIdFormat ?? responseFormat;
  const idOffset = (format: 'decimal' | 'hex') => (options.smallIds ? 0 : format === 'hex' ? 0x10000000 : 100_000_000);
  const writeId = (n: number, format: 'decimal' | 'hex') => (idOffset(format) + n).toString(format === 'hex' ? 16 : 10);

  function newMessageId(): string {
    return writeId(nextId++, responseFormat);
  }

  /** The id a receipt names: the response's, rewritten in the receipt's format when that differs. */
  function receiptId(messageId: string): string {
    if (receiptFormat === responseFormat) return messageId;
    const n = Number.parseInt(messageId, responseFormat === 'hex' ? 16 : 10) - idOffset(responseFormat);
    return writeId(n, receiptFormat);
  }

  function receiverFor(systemId?: string): Session | undefined {
    for (const [session, binding] of bound) {
      if (binding.mode !== 'transmitter' && (systemId === undefined || binding.systemId === systemId)) return session;
    }
    return undefined;
  }

  /** The receipt goes back from the recipient to the sender, so the addresses swap. */
  function sendReceipt(msg: SubmittedMessage): void {
    const session = receiverFor(msg.systemId);
    if (!session) return log.info({ messageId: msg.messageId }, 'simulator: no receiver bound, receipt dropped');
    const fields: SmFields = {
      source_addr_ton: msg.destTon,
      source_addr_npi: msg.destNpi,
      source_addr: msg.destAddr,
      dest_addr_ton: msg.sourceTon,
      dest_addr_npi: msg.sourceNpi,
      destination_addr: msg.sourceAddr,
      esm_class: 0x04,
      data_coding: 0,
      ...(receipts === 'tlv'
        ? { receipted_message_id: receiptId(msg.messageId ?? ''), message_state: MESSAGE_STATE_DELIVERED }
        : { short_message: Buffer.from(receiptText(msg, receiptId(msg.messageId ?? '')), 'ascii') }),
    };
    deliver(session, fields).then(
      (status) => log.debug({ messageId: msg.messageId, status }, 'simulator: receipt answered'),
      (err: Error) => log.info({ messageId: msg.messageId, err }, 'simulator: receipt not answered'),
    );
  }

  function deliver(session: Session, fields: SmFields): Promise<number> {
    return new Promise((resolve, reject) => {
      const settle = (outcome: number | Error): void => {
        clearTimeout(timer);
        session.socket.off('close', onClose);
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      const onClose = () => settle(new Error('receiver closed before deliver_sm_resp'));
      const timer = setTimeout(
        () => settle(new Error(`no deliver_sm_resp within ${MO_RESPONSE_TIMEOUT_MS} ms`)),
        MO_RESPONSE_TIMEOUT_MS,
      );
      // One close listener per unanswered deliver_sm: a busy receiver legitimately has many at once.
      session.socket.setMaxListeners(0);
      session.socket.once('close', onClose);
      if (!session.deliver_sm(fields, (resp) => settle(resp.command_status)))
        settle(new Error('receiver socket not writable'));
    });
  }

  function sendMo(msg: MobileOriginated): Promise<number> {
    const session = receiverFor();
    if (!session) return Promise.reject(new Error('no receiver or transceiver is bound'));
    const from = addressOf(msg.from);
    const to = addressOf(msg.to);
    return deliver(session, {
      source_addr_ton: from.ton,
      source_addr_npi: from.npi,
      source_addr: from.addr,
      dest_addr_ton: to.ton,
      dest_addr_npi: to.npi,
      destination_addr: to.addr,
      esm_class: msg.esmClass ?? 0,
      data_coding: msg.dataCoding,
      short_message: msg.shortMessage,
      ...msg.tlvs,
    });
  }

  // Distinct for each multi-part text in flight; a phone's SMSC counts the same way.
  let ref = 0;
  async function sendText(msg: { from: string; to: string; text: string }): Promise<void> {
    ref = (ref + 1) % 256;
    const encoded = encodeForSubmit(msg.text, ref);
    for (const shortMessage of encoded.parts) {
      await sendMo({
        from: msg.from,
        to: msg.to,
        shortMessage,
        dataCoding: encoded.dataCoding,
        esmClass: encoded.esmClass,
      });
    }
  }

  function dropConnections(): void {
    for (const session of server.sessions) session.destroy();
    bound.clear();
  }

  function start(): Promise<void> {
    if (server.listening) return Promise.resolve();
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        const address = server.address();
        if (address && typeof address === 'object') port = address.port;
        resolve();
      });
    });
  }

  function stop(): Promise<void> {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    dropConnections();
    if (!server.listening) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  const simulator: Simulator = {
    get port() {
      return port;
    },
    start,
    stop,
    received,
    sendMo,
    sendText,
    receivedTexts: () =>
      received
        .filter((m) => m.messageId !== null)
        .map((m) => ({ sourceAddr: m.sourceAddr, destAddr: m.destAddr, text: decodeShortMessage(m).text, at: m.at })),
    failNext: (n, status) => failures.push(...Array.from({ length: n }, () => ({ status, nack: false }))),
    nackNext: (n, status) => failures.push(...Array.from({ length: n }, () => ({ status, nack: true }))),
    setCredentials(next) {
      credentials = { ...credentials, ...next };
    },
    dropConnections,
    boundSessions: () => bound.size,
    peakUnanswered: () => peak,
    on(event: 'submit' | 'bind' | 'unbind', listener: (value: SubmittedMessage & BindAttempt & string) => void) {
      events.on(event, listener);
      return simulator;
    },
  };
  return simulator;
}

/** The de-facto format from SMPP 3.4 Appendix B; dates are YYMMDDhhmm. */
function receiptText(msg: SubmittedMessage, id: string): string {
  const date = smppDate(new Date(msg.at));
  const done = smppDate(new Date());
  const text = msg.shortMessage
    .subarray(0, 20)
    .toString('latin1')
    .replace(/[^\x20-\x7e]/g, '.');
  return `id:${id} sub:001 dlvrd:001 submit date:${date} done date:${done} stat:DELIVRD err:000 text:${text}`;
}

function smppDate(d: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCFullYear() % 100)}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}`;
}
