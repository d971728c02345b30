/** What any channel (SMPP, MM7; WhatsApp later) hands the domain, and what it is asked to send. */

/** A file that came with an inbound MMS, as the carrier sent it; the domain checks its content before keeping it. */
export interface InboundFile {
  /** The type the carrier declared; informative only. */
  contentType: string;
  /** The name the carrier gave (Content-Location or a filename parameter), unchecked; may be empty. */
  filename: string;
  data: Buffer;
}

export interface InboundText {
  /** E.164 of the customer. */
  from: string;
  /** E.164 of our number. */
  to: string;
  text: string;
  /** Only MMS carries files. */
  files?: InboundFile[];
}

export interface DeliveryReport {
  /** The channel's name: carrier ids are unique per connection only. */
  connection: string;
  /** The segment's id as the channel stored it when the carrier acknowledged the send (SendOutcome.carrierIds). */
  carrierId: string;
  state: 'delivered' | 'failed' | 'expired';
  errorCode?: string;
}

/** The narrow way in: a channel stores what arrives through these and nothing else. */
export interface ChannelSink {
  /** Resolves once the message is on disk (a channel acknowledges only then); rejects if it could not be stored. */
  inbound(text: InboundText): Promise<void>;
  /** Resolves once the report is on disk (written with others of the same moment); a channel acknowledges only then. */
  report(report: DeliveryReport): Promise<void>;
}

/** A stored, checked attachment to send: its content type was sniffed from the bytes, not taken from the name. */
export interface OutboundFile {
  /** Absolute path of the content-addressed file under the data directory. */
  path: string;
  contentType: string;
  /** A safe display name (no path, no control characters). */
  filename: string;
  size: number;
}

export interface OutboundText {
  from: string;
  to: string;
  /** Plain text: the agent's Markdown is already converted, links already appended. */
  text: string;
  /** Files for an MMS; empty for SMS. */
  files: OutboundFile[];
}

export type SendOutcome =
  /** One id per segment, keyed the way this channel's reports will name them. */
  { ok: true; carrierIds: string[] } | { ok: false; retry: boolean; code: string; reason: string };

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
  /** Links opened again after one was lost (SMPP), or recoveries after the MMSC failed (MM7), since start. */
  reconnects: number;
  /** While down: when the next attempt to connect starts (epoch ms); null otherwise. */
  nextAttemptAt: number | null;
}

/** A connection before its first start: every channel kind begins here. */
export function stoppedState(name: string): ChannelState {
  return {
    name,
    status: 'stopped',
    since: Date.now(),
    lastError: null,
    inFlight: 0,
    waiting: 0,
    sent: 0,
    failed: 0,
    reconnects: 0,
    nextAttemptAt: null,
  };
}

export interface Channel {
  readonly name: string;
  state(): ChannelState;
  start(sink: ChannelSink): void;
  send(message: OutboundText): Promise<SendOutcome>;
  stop(): Promise<void>;
}
