/** What any channel (SMPP today; MM7 and WhatsApp later) hands the domain, and what it is asked to send. */

export interface InboundText {
  /** E.164 of the customer. */
  from: string;
  /** E.164 of our number. */
  to: string;
  text: string;
}

export interface DeliveryReport {
  /** The id the carrier gave the segment, in every form it may be written (decimal/hex). */
  idCandidates: string[];
  state: 'delivered' | 'failed' | 'expired';
  errorCode?: string;
}

/** The narrow way in: a channel stores what arrives through these and nothing else. */
export interface ChannelSink {
  inbound(text: InboundText): void;
  report(report: DeliveryReport): void;
}

export interface OutboundText {
  from: string;
  to: string;
  body: string;
}

export type SendOutcome =
  | { ok: true; carrierIds: string[] }
  | { ok: false; retry: boolean; code: string; reason: string };

/** How a connection to a carrier is doing, for the admin page. */
export interface ChannelState {
  name: string;
  status: 'connecting' | 'bound' | 'down' | 'stopped';
  since: number;
  /** The most recent reason the link failed; kept after a later successful connect, for diagnosis. */
  lastError: string | null;
  /** Sent and not yet answered, and waiting for room in the window or a throughput token. */
  inFlight: number;
  waiting: number;
  sent: number;
  failed: number;
}

export interface Channel {
  readonly name: string;
  state(): ChannelState;
  start(sink: ChannelSink): void;
  send(message: OutboundText): Promise<SendOutcome>;
  stop(): Promise<void>;
}
