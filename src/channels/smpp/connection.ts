import type { Logger } from 'pino';
import type { ChannelState } from '../types.ts';
import { createLengthGuard, HEADER_OCTETS } from './pdu-length.ts';
import type { ReceiptIdMode } from './receipts.ts';
import smpp from 'smpp';
import type { DeliverSm, PDU, Session, SmFields, SubmitSmResp } from 'smpp';

export type { DeliverSm } from 'smpp';

export interface SmppConfig {
  name: string;
  host: string;
  port: number;
  tls: boolean;
  systemId: string;
  password: string;
  bind: 'transceiver' | 'transmitter+receiver';
  /** Most submit_sm awaiting their submit_sm_resp at once. */
  window: number;
  /** submit_sm per second, 0 = unlimited. */
  throughput: number;
  /** Seconds between enquire_link; 0 turns keep-alive off. */
  enquireLinkS: number;
  /** How this SMSC writes ids in receipts against its submit_sm_resp. */
  receiptId: ReceiptIdMode;
}

export interface SmppTimeouts {
  /** Longest a submit waits for a bound link, a window slot and a throughput token before it gives up. */
  queueMs: number;
  /** Longest a sent submit_sm waits for its submit_sm_resp. */
  responseMs: number;
  /** Longest from opening the socket to the last bind_resp. */
  bindMs: number;
  /** Ceiling of the first reconnect delay; it doubles per failed attempt up to 30 s. */
  backoffBaseMs: number;
}

export const DEFAULT_TIMEOUTS: SmppTimeouts = {
  queueMs: 30_000,
  responseMs: 30_000,
  bindMs: 15_000,
  backoffBaseMs: 1_000,
};

export interface SmppDeps {
  log: Logger;
  /** Store the PDU durably; the SMSC gets deliver_sm_resp only once this resolves. */
  onDeliver: (pdu: DeliverSm) => Promise<void> | void;
  onState?: (state: ConnectionState) => void;
  now?: () => number;
  random?: () => number;
  timeouts?: Partial<SmppTimeouts>;
}

export interface SubmitRequest {
  sourceAddr: string;
  destAddr: string;
  dataCoding: number;
  esmClass: number;
  shortMessage: Buffer;
  registeredDelivery?: boolean;
}

/** `status` is the SMPP command_status, or LOCAL_STATUS when no PDU answered (time-out, link lost, stopped, not sendable). */
export type SubmitOutcome =
  { ok: true; messageId: string } | { ok: false; retry: boolean; status: number; reason: string };

/** The SMPP link's state is the generic channel state the admin page shows. */
export type ConnectionState = ChannelState;
export type ConnectionStatus = ChannelState['status'];

export interface SmppConnection {
  start(): void;
  stop(): Promise<void>;
  submit(req: SubmitRequest): Promise<SubmitOutcome>;
  state(): ConnectionState;
}

export const LOCAL_STATUS = -1;

const BACKOFF_CAP_MS = 30_000;
const ENQUIRE_TIMEOUT_CAP_MS = 10_000;
/** How long a closing socket may take to flush (an unbind_resp, say) before it is destroyed. */
const CLOSE_GRACE_MS = 1_000;
const MAX_SHORT_MESSAGE = 254;
const SMPP_3_4 = 0x34;

const STATUS_TEXT: Record<number, readonly [string, string]> = {
  0x00: ['ESME_ROK', 'No error'],
  0x01: ['ESME_RINVMSGLEN', 'Message length is invalid'],
  0x02: ['ESME_RINVCMDLEN', 'Command length is invalid'],
  0x03: ['ESME_RINVCMDID', 'Invalid command ID'],
  0x04: ['ESME_RINVBNDSTS', 'Incorrect bind status for this command'],
  0x05: ['ESME_RALYBND', 'Already bound'],
  0x06: ['ESME_RINVPRTFLG', 'Invalid priority flag'],
  0x07: ['ESME_RINVREGDLVFLG', 'Invalid registered delivery flag'],
  0x08: ['ESME_RSYSERR', 'System error at the SMSC'],
  0x0a: ['ESME_RINVSRCADR', 'Invalid source address'],
  0x0b: ['ESME_RINVDSTADR', 'Invalid destination address'],
  0x0c: ['ESME_RINVMSGID', 'Message ID is invalid'],
  0x0d: ['ESME_RBINDFAIL', 'Bind failed'],
  0x0e: ['ESME_RINVPASWD', 'Invalid password'],
  0x0f: ['ESME_RINVSYSID', 'Invalid system ID'],
  0x11: ['ESME_RCANCELFAIL', 'Cancelling the message failed'],
  0x13: ['ESME_RREPLACEFAIL', 'Replacing the message failed'],
  0x14: ['ESME_RMSGQFUL', 'Message queue full'],
  0x15: ['ESME_RINVSERTYP', 'Invalid service type'],
  0x33: ['ESME_RINVNUMDESTS', 'Invalid number of destinations'],
  0x34: ['ESME_RINVDLNAME', 'Invalid distribution list name'],
  0x40: ['ESME_RINVDESTFLAG', 'Invalid destination flag'],
  0x42: ['ESME_RINVSUBREP', 'Invalid submit-with-replace request'],
  0x43: ['ESME_RINVESMCLASS', 'Invalid esm_class field data'],
  0x44: ['ESME_RCNTSUBDL', 'Cannot submit to distribution list'],
  0x45: ['ESME_RSUBMITFAIL', 'Submit failed'],
  0x48: ['ESME_RINVSRCTON', 'Invalid source address TON'],
  0x49: ['ESME_RINVSRCNPI', 'Invalid source address NPI'],
  0x50: ['ESME_RINVDSTTON', 'Invalid destination address TON'],
  0x51: ['ESME_RINVDSTNPI', 'Invalid destination address NPI'],
  0x53: ['ESME_RINVSYSTYP', 'Invalid system type'],
  0x54: ['ESME_RINVREPFLAG', 'Invalid replace_if_present flag'],
  0x55: ['ESME_RINVNUMMSGS', 'Invalid number of messages'],
  0x58: ['ESME_RTHROTTLED', 'Throttling error: too many messages per second'],
  0x61: ['ESME_RINVSCHED', 'Invalid scheduled delivery time'],
  0x62: ['ESME_RINVEXPIRY', 'Invalid validity period'],
  0x63: ['ESME_RINVDFTMSGID', 'Predefined message not found'],
  0x64: ['ESME_RX_T_APPN', 'Temporary application error at the receiver'],
  0x65: ['ESME_RX_P_APPN', 'Permanent application error at the receiver'],
  0x66: ['ESME_RX_R_APPN', 'Message rejected by the receiver'],
  0x67: ['ESME_RQUERYFAIL', 'Query failed'],
  0xc0: ['ESME_RINVTLVSTREAM', 'Error in the optional part of the PDU'],
  0xc1: ['ESME_RTLVNOTALLWD', 'Optional parameter not allowed'],
  0xc2: ['ESME_RINVTLVLEN', 'Invalid optional parameter length'],
  0xc3: ['ESME_RMISSINGTLV', 'Expected optional parameter missing'],
  0xc4: ['ESME_RINVTLVVAL', 'Invalid optional parameter value'],
  0xfe: ['ESME_RDELIVERYFAILURE', 'Delivery failure'],
  0xff: ['ESME_RUNKNOWNERR', 'Unknown error'],
};

/** A bind_resp with one of these says our credentials are wrong: retrying will not help until someone fixes them. */
const REFUSED_BIND = new Set<number>([smpp.ESME_RBINDFAIL, smpp.ESME_RINVPASWD, smpp.ESME_RINVSYSID]);

/** Statuses that say "not now" rather than "never": the same PDU may succeed later. */
const TRANSIENT = new Set<number>([
  smpp.ESME_RINVBNDSTS,
  smpp.ESME_RSYSERR,
  smpp.ESME_RMSGQFUL,
  smpp.ESME_RTHROTTLED,
  smpp.ESME_RX_T_APPN,
]);

/** "Invalid destination address (ESME_RINVDSTADR, 0x0000000b)". */
export function describeStatus(status: number): string {
  if (status === LOCAL_STATUS) return 'No response from the SMSC';
  const hex = `0x${status.toString(16).padStart(8, '0')}`;
  const known = STATUS_TEXT[status];
  if (known) return `${known[1]} (${known[0]}, ${hex})`;
  if (status >= 0x400 && status <= 0x4ff) return `SMSC vendor-specific error (${hex})`;
  return `Unknown SMPP error (${hex})`;
}

export function isTransientStatus(status: number): boolean {
  return TRANSIENT.has(status);
}

/**
 * Makes the `smpp` package hand message bodies over as raw Buffers, in both directions, process-wide.
 * Out of the box it decodes short_message/message_payload into strings with its own charset tables
 * (lossy, and it guesses at UDHs) and leaks a global `skipUdh` while doing so; encoding.ts and
 * reassembly.ts need the octets as the SMSC sent them. Idempotent.
 */
export function useRawMessageBytes(): void {
  for (const name of ['submit_sm', 'deliver_sm']) {
    const def = smpp.commands[name];
    const field = def?.params?.short_message;
    if (!def?.params || !field?.filter) continue;
    smpp.addCommand(name, { ...def, params: { ...def.params, short_message: { type: field.type } } });
  }
  const payload = smpp.tlvs.message_payload;
  if (payload?.filter) smpp.addTLV('message_payload', { id: payload.id, type: payload.type });
}

/** E.164 with '+' → international/ISDN; other digits (short codes, national) → unknown/ISDN; anything else is alphanumeric. */
export function addressOf(address: string): { addr: string; ton: number; npi: number } {
  if (/^\+\d+$/.test(address)) return { addr: address.slice(1), ton: 1, npi: 1 };
  if (/^\d+$/.test(address)) return { addr: address, ton: 0, npi: 1 };
  return { addr: address, ton: 5, npi: 0 };
}

/**
 * Holds at most max(1, ceil(perSecond / 10)) tokens — a tenth of a second of traffic — so a carrier that
 * counts per second never sees more than ~10% above the rate, while a burst after idling is still instant.
 */
function createTokenBucket(perSecond: number, now: () => number) {
  const capacity = Math.max(1, Math.ceil(perSecond / 10));
  let tokens = capacity;
  let last = now();
  return {
    /** Takes a token and returns 0, or returns the milliseconds until one is available. */
    take(): number {
      if (perSecond <= 0) return 0;
      const t = now();
      tokens = Math.min(capacity, tokens + ((t - last) * perSecond) / 1000);
      last = t;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return Math.ceil(((1 - tokens) * 1000) / perSecond);
    },
  };
}

const retryLater = (reason: string): SubmitOutcome => ({ ok: false, retry: true, status: LOCAL_STATUS, reason });

function outcomeOf(resp: PDU): SubmitOutcome {
  const status = resp.command_status;
  if (resp.command === 'generic_nack') {
    return { ok: false, retry: isTransientStatus(status), status, reason: `generic_nack: ${describeStatus(status)}` };
  }
  if (status === smpp.ESME_ROK) return { ok: true, messageId: String((resp as SubmitSmResp).message_id ?? '') };
  return { ok: false, retry: isTransientStatus(status), status, reason: describeStatus(status) };
}

/**
 * Holds a session's writes until the current burst of work is done, then sends them in one system call: the
 * submits of one pump and the deliver_sm_resp of one batch of receipts otherwise cost a write each.
 */
function coalesceWrites(session: Session): void {
  const socket = session.socket;
  if (socket.writableCorked > 0) return;
  socket.cork();
  process.nextTick(() => socket.uncork());
}

function submitFields(req: SubmitRequest): SmFields {
  const source = addressOf(req.sourceAddr);
  const dest = addressOf(req.destAddr);
  return {
    source_addr_ton: source.ton,
    source_addr_npi: source.npi,
    source_addr: source.addr,
    dest_addr_ton: dest.ton,
    dest_addr_npi: dest.npi,
    destination_addr: dest.addr,
    esm_class: req.esmClass,
    registered_delivery: req.registeredDelivery ? 1 : 0,
    data_coding: req.dataCoding,
    short_message: req.shortMessage,
  };
}

type BindCommand = 'bind_transceiver' | 'bind_transmitter' | 'bind_receiver';
type Settle = (outcome: SubmitOutcome) => void;

/** One attempt at being bound: its sockets, its timers and the submits sent over it. */
interface Link {
  transmitter: Session;
  sessions: Session[];
  /** Settlers of sent submits, by sequence number. */
  pending: Map<number, Settle>;
  delivering: number;
  timers: Set<NodeJS.Timeout>;
  bound: boolean;
  down: boolean;
  awaitingDrain: boolean;
  onIdle: (() => void) | null;
}

interface Waiter {
  req: SubmitRequest;
  resolve: Settle;
  timer: NodeJS.Timeout;
}

export function createSmppConnection(config: SmppConfig, deps: SmppDeps): SmppConnection {
  useRawMessageBytes();
  const log = deps.log.child({ smsc: config.name });
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const timeouts = { ...DEFAULT_TIMEOUTS, ...deps.timeouts };
  const window = Math.max(1, config.window);
  const enquireEveryMs = config.enquireLinkS * 1000;
  const enquireTimeoutMs = Math.min(enquireEveryMs, ENQUIRE_TIMEOUT_CAP_MS);
  const bucket = createTokenBucket(config.throughput, now);
  const waiting = new Set<Waiter>();

  let status: ConnectionStatus = 'stopped';
  let since = now();
  let lastError: string | null = null;
  let inFlight = 0;
  let sent = 0;
  let failed = 0;
  let link: Link | null = null;
  let attempt = 0;
  let reconnects = 0;
  let nextAttemptAt: number | null = null;
  /** The SMSC's refusal of our bind while it lasts: said once as an error, not at every retry. */
  let refusal: string | null = null;
  let reconnectTimer: NodeJS.Timeout | null = null;
  let lastReconnectAtOnce = -Infinity;
  let pumpTimer: NodeJS.Timeout | null = null;
  let stopping: Promise<void> = Promise.resolve();

  function state(): ConnectionState {
    return {
      name: config.name,
      status,
      since,
      lastError,
      inFlight,
      waiting: waiting.size,
      sent,
      failed,
      reconnects,
      nextAttemptAt,
    };
  }

  function setStatus(next: ConnectionStatus): void {
    if (status === next) return;
    status = next;
    since = now();
    log[refusal ? 'debug' : 'info']({ status, lastError }, `SMPP connection ${config.name} ${status}`);
    try {
      deps.onState?.(state());
    } catch (err) {
      log.error({ err }, 'onState listener threw');
    }
  }

  function later(l: Link, ms: number, fn: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      l.timers.delete(timer);
      fn();
    }, ms);
    l.timers.add(timer);
    return timer;
  }

  function cancel(l: Link, timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    l.timers.delete(timer);
  }

  // --- link life cycle -------------------------------------------------------------------------

  function openLink(): void {
    setStatus('connecting');
    // Small PDUs answered one by one: Nagle's algorithm would only add latency.
    const connect = () => smpp.connect({ host: config.host, port: config.port, tls: config.tls, noDelay: true });
    const transmitter = connect();
    const binds: Array<[Session, BindCommand]> =
      config.bind === 'transceiver'
        ? [[transmitter, 'bind_transceiver']]
        : [
            [transmitter, 'bind_transmitter'],
            [connect(), 'bind_receiver'],
          ];
    const sessions = binds.map(([session]) => session);
    const l: Link = {
      transmitter,
      sessions,
      pending: new Map(),
      delivering: 0,
      timers: new Set(),
      bound: false,
      down: false,
      awaitingDrain: false,
      onIdle: null,
    };
    link = l;
    for (const session of sessions) watch(l, session);
    const bindTimer = later(l, timeouts.bindMs, () => linkDown(l, `not bound within ${timeouts.bindMs} ms`));
    Promise.all(binds.map(([session, command]) => bind(session, command))).then(
      () => {
        cancel(l, bindTimer);
        onBound(l);
      },
      (err: Error & { refused?: boolean }) => linkDown(l, err.message, 'backoff', err.refused === true),
    );
  }

  function bind(session: Session, command: BindCommand): Promise<void> {
    return new Promise((resolve, reject) => {
      session.once(config.tls ? 'secureConnect' : 'connect', () => {
        const options = { system_id: config.systemId, password: config.password, interface_version: SMPP_3_4 };
        session[command](options, (resp) => {
          if (resp.command_status === smpp.ESME_ROK && resp.command !== 'generic_nack') resolve();
          else
            reject(
              Object.assign(new Error(`${command} refused: ${describeStatus(resp.command_status)}`), {
                refused: REFUSED_BIND.has(resp.command_status),
              }),
            );
        });
      });
    });
  }

  function watch(l: Link, session: Session): void {
    session.on('error', (err) => linkDown(l, err.message));
    session.on('close', () => linkDown(l, 'connection closed'));
    session.on('pdu', (pdu) => onPdu(l, session, pdu));
    // With the package's 'readable' listener in charge, 'data' reports each read it makes, as it makes it: the
    // guard sees every octet in order, before the package acts on a length (see pdu-length.ts for why it must).
    const guard = createLengthGuard(smpp.PDU.maxLength, (commandLength) => refuseLength(l, session, commandLength));
    session.socket.on('data', guard);
  }

  /** The stream cannot be read in step after a length no PDU can have: answer it, then start on a fresh link. */
  function refuseLength(l: Link, session: Session, commandLength: number): void {
    if (l.down) return;
    const sequence = sequenceAfterLength(session, commandLength);
    log.warn(
      { commandLength, sequence },
      `SMPP connection ${config.name}: the SMSC sent a PDU with command_length ${commandLength}; answered generic_nack, reconnecting`,
    );
    session.send(new smpp.PDU('generic_nack', { sequence_number: sequence, command_status: smpp.ESME_RINVCMDLEN }));
    linkDown(l, `the SMSC sent a PDU with command_length ${commandLength}`, 'at once');
  }

  function onBound(l: Link): void {
    if (l.down) return;
    l.bound = true;
    attempt = 0;
    refusal = null;
    setStatus('bound');
    if (enquireEveryMs > 0) for (const session of l.sessions) keepAlive(l, session);
    pump();
  }

  /** One enquire_link at a time per session; an answer that does not come in time takes the link down. */
  function keepAlive(l: Link, session: Session): void {
    later(l, enquireEveryMs, () => {
      const deadline = later(l, enquireTimeoutMs, () =>
        linkDown(l, `no enquire_link_resp within ${enquireTimeoutMs} ms`),
      );
      session.enquire_link({}, () => {
        cancel(l, deadline);
        if (!l.down) keepAlive(l, session);
      });
    });
  }

  function linkDown(l: Link, reason: string, reconnect: 'backoff' | 'at once' = 'backoff', refusedBind = false): void {
    if (l.down) return;
    l.down = true;
    const current = link === l;
    if (current) link = null;
    for (const timer of l.timers) clearTimeout(timer);
    l.timers.clear();
    for (const settle of l.pending.values()) settle(retryLater(`connection lost before submit_sm_resp: ${reason}`));
    for (const session of l.sessions) closeSession(session);
    if (!current || status === 'stopped') return;
    lastError = reason;
    const refusedBefore = refusal;
    refusal = refusedBind ? reason : null;
    if (refusal && refusal !== refusedBefore) {
      log.error(
        { lastError: reason },
        `SMPP connection ${config.name}: the SMSC refused the bind; check system_id and password. Retrying with backoff`,
      );
    }
    // Scheduled first, so that the state announced as down already says when the next attempt starts.
    scheduleReconnect(reconnect === 'at once' && mayReconnectAtOnce());
    setStatus('down');
  }

  /**
   * After a malformed PDU the SMSC is up and talking, so waiting would only hold traffic back. Once per
   * BACKOFF_CAP_MS, though: an SMSC that sends one after every bind is retried with backoff, not in a loop.
   */
  function mayReconnectAtOnce(): boolean {
    if (now() - lastReconnectAtOnce < BACKOFF_CAP_MS) return false;
    lastReconnectAtOnce = now();
    return true;
  }

  function closeSession(session: Session): void {
    if (session.socket.destroyed) return;
    session.close();
    const force = setTimeout(() => session.destroy(), CLOSE_GRACE_MS);
    force.unref();
    session.socket.once('close', () => clearTimeout(force));
  }

  /** Full jitter: a uniformly random delay below a ceiling that doubles per attempt. */
  function scheduleReconnect(atOnce: boolean): void {
    const ceiling = Math.min(BACKOFF_CAP_MS, timeouts.backoffBaseMs * 2 ** Math.min(attempt, 30));
    attempt += 1;
    const delayMs = atOnce ? 0 : Math.round(random() * ceiling);
    log[refusal ? 'debug' : 'info']({ delayMs, ceilingMs: ceiling, attempt }, 'SMPP reconnect scheduled');
    nextAttemptAt = now() + delayMs;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      nextAttemptAt = null;
      reconnects += 1;
      openLink();
    }, delayMs);
  }

  // --- incoming PDUs ---------------------------------------------------------------------------

  function onPdu(l: Link, session: Session, pdu: PDU): void {
    // Whatever still arrives on a closing link goes unanswered, and the SMSC sends it again.
    if (l.down) return;
    switch (pdu.command) {
      case 'deliver_sm':
        void deliver(l, session, pdu as DeliverSm);
        return;
      case 'enquire_link':
        session.send(pdu.response());
        return;
      case 'unbind':
        session.send(pdu.response());
        linkDown(l, 'the SMSC unbound');
        return;
      case 'generic_nack':
        log.warn(
          { sequence: pdu.sequence_number, status: describeStatus(pdu.command_status) },
          'generic_nack from the SMSC',
        );
        return;
      case 'alert_notification':
        return;
    }
    // Responses reach their request's callback; a request we do not implement must still be answered.
    if (pdu.isResponse() && pdu.command !== 'unknown') return;
    log.warn({ command: pdu.command, commandId: pdu.command_id }, 'unsupported PDU from the SMSC');
    session.send(
      new smpp.PDU('generic_nack', { sequence_number: pdu.sequence_number, command_status: smpp.ESME_RINVCMDID }),
    );
  }

  /** deliver_sm_resp only after onDeliver resolved, so anything we failed to store is delivered again. */
  async function deliver(l: Link, session: Session, pdu: DeliverSm): Promise<void> {
    l.delivering += 1;
    let commandStatus: number = smpp.ESME_ROK;
    try {
      await deps.onDeliver(pdu);
    } catch (err) {
      commandStatus = smpp.ESME_RX_T_APPN;
      log.error({ err, sequence: pdu.sequence_number }, 'deliver_sm not stored; the SMSC will retry');
    }
    coalesceWrites(session);
    session.send(pdu.response({ command_status: commandStatus }));
    l.delivering -= 1;
    checkIdle(l);
  }

  // --- submitting ------------------------------------------------------------------------------

  function submit(req: SubmitRequest): Promise<SubmitOutcome> {
    if (status === 'stopped') return Promise.resolve(counted(retryLater('the SMPP connection is stopped')));
    if (req.shortMessage.length > MAX_SHORT_MESSAGE) {
      const reason = `short_message is ${req.shortMessage.length} octets; SMPP allows ${MAX_SHORT_MESSAGE}`;
      return Promise.resolve(counted({ ok: false, retry: false, status: LOCAL_STATUS, reason }));
    }
    return new Promise((resolve) => {
      const waiter: Waiter = {
        req,
        resolve: (outcome) => resolve(counted(outcome)),
        timer: setTimeout(() => {
          waiting.delete(waiter);
          waiter.resolve(retryLater(`not sent within ${timeouts.queueMs} ms (connection ${status})`));
        }, timeouts.queueMs),
      };
      waiting.add(waiter);
      pump();
    });
  }

  function counted(outcome: SubmitOutcome): SubmitOutcome {
    if (outcome.ok) sent += 1;
    else failed += 1;
    return outcome;
  }

  /** Sends waiting submits in order while the link, the window, the socket and the rate allow. */
  function pump(): void {
    for (const waiter of waiting) {
      const l = link;
      if (!l || status !== 'bound' || l.pending.size >= window || !l.transmitter.socket.writable) return;
      if (l.transmitter.socket.writableNeedDrain) return awaitDrain(l);
      const waitMs = bucket.take();
      if (waitMs > 0) return pumpLater(waitMs);
      waiting.delete(waiter);
      clearTimeout(waiter.timer);
      transmit(l, waiter);
    }
  }

  function awaitDrain(l: Link): void {
    if (l.awaitingDrain) return;
    l.awaitingDrain = true;
    l.transmitter.socket.once('drain', () => {
      l.awaitingDrain = false;
      pump();
    });
  }

  function pumpLater(ms: number): void {
    if (pumpTimer) return;
    pumpTimer = setTimeout(() => {
      pumpTimer = null;
      pump();
    }, ms);
  }

  function transmit(l: Link, waiter: Waiter): void {
    const pdu = new smpp.PDU('submit_sm', submitFields(waiter.req));
    let timer: NodeJS.Timeout | null = null;
    const settle: Settle = (outcome) => {
      if (!l.pending.delete(pdu.sequence_number)) return;
      if (timer) cancel(l, timer);
      inFlight -= 1;
      waiter.resolve(outcome);
      checkIdle(l);
      pump();
    };
    let written: boolean;
    try {
      coalesceWrites(l.transmitter);
      written = l.transmitter.send(pdu, (resp) => settle(outcomeOf(resp)));
    } catch (err) {
      waiter.resolve({
        ok: false,
        retry: false,
        status: LOCAL_STATUS,
        reason: `submit_sm not encodable: ${(err as Error).message}`,
      });
      return;
    }
    if (!written) return waiter.resolve(retryLater('the SMPP socket is not writable'));
    inFlight += 1;
    l.pending.set(pdu.sequence_number, settle);
    timer = later(l, timeouts.responseMs, () =>
      settle(retryLater(`no submit_sm_resp within ${timeouts.responseMs} ms`)),
    );
  }

  // --- start and stop --------------------------------------------------------------------------

  function start(): void {
    if (status !== 'stopped') return;
    attempt = 0;
    openLink();
  }

  function stop(): Promise<void> {
    if (status === 'stopped') return stopping;
    refusal = null;
    setStatus('stopped');
    if (reconnectTimer) clearTimeout(reconnectTimer);
    if (pumpTimer) clearTimeout(pumpTimer);
    reconnectTimer = pumpTimer = null;
    nextAttemptAt = null;
    for (const waiter of waiting) {
      clearTimeout(waiter.timer);
      waiter.resolve(retryLater('the SMPP connection was stopped before sending'));
    }
    waiting.clear();
    const l = link;
    link = null;
    stopping = l ? closeGracefully(l) : Promise.resolve();
    return stopping;
  }

  /** Lets sent submits and running deliveries finish, unbinds, then closes. Every step is bounded. */
  async function closeGracefully(l: Link): Promise<void> {
    if (l.bound && !l.down) {
      await withinMs(whenIdle(l), timeouts.responseMs);
      await withinMs(Promise.all(l.sessions.map(unbind)), Math.min(timeouts.responseMs, 5_000));
    }
    linkDown(l, 'stopped');
    await Promise.all(l.sessions.map(closed));
    log.info('SMPP connection stopped cleanly');
  }

  function checkIdle(l: Link): void {
    if (l.pending.size === 0 && l.delivering === 0) l.onIdle?.();
  }

  function whenIdle(l: Link): Promise<void> {
    if (l.pending.size === 0 && l.delivering === 0) return Promise.resolve();
    return new Promise((resolve) => {
      l.onIdle = resolve;
    });
  }

  return { start, stop, submit, state };
}

/**
 * The sequence number of a PDU refused for its length, or 0 (NULL, as SMPP 3.4 says for a PDU that cannot be
 * decoded). Only a PDU long enough for a whole header has one. The package reads a length's four octets on their
 * own, so the header's other twelve are still on the socket, unless they have not all arrived yet.
 */
function sequenceAfterLength(session: Session, commandLength: number): number {
  if (commandLength < HEADER_OCTETS) return 0;
  const rest = session.socket.read(HEADER_OCTETS - 4) as Buffer | null;
  return rest ? rest.readUInt32BE(8) : 0;
}

/** Settles on unbind_resp, or when the socket closes first (the library then never calls back). */
function unbind(session: Session): Promise<void> {
  const answered = new Promise<void>((resolve) => {
    if (!session.unbind({}, () => resolve())) resolve();
  });
  return Promise.race([answered, closed(session)]);
}

function closed(session: Session): Promise<void> {
  if (session.socket.closed) return Promise.resolve();
  return new Promise((resolve) => session.socket.once('close', () => resolve()));
}

function withinMs<T>(promise: Promise<T>, ms: number): Promise<T | void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}
