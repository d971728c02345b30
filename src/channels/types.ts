/** What any channel (SMPP, MM7, WhatsApp) hands the domain, and what it is asked to send. */

import type { Template } from '../domain/messaging/templates.ts';

/** A file that came with an inbound MMS, as the carrier sent it; the domain checks its content before keeping it. */
export interface InboundFile {
  /** The type the carrier declared; informative only. */
  contentType: string;
  /** The name the carrier gave (Content-Location or a filename parameter), unchecked; may be empty. */
  filename: string;
  data: Buffer;
}

/** A place a WhatsApp user shared; shown with a map link. */
export interface SharedLocation {
  latitude: number;
  longitude: number;
  name?: string;
  address?: string;
}

/** A contact card a WhatsApp user shared (the first name and numbers of each card are enough to show it). */
export interface SharedContact {
  name: string;
  phones: string[];
}

export interface InboundText {
  /** E.164 of the customer; null for a WhatsApp user known only by `senderId` (an SMS without one is refused). */
  from: string | null;
  /** E.164 of our number. */
  to: string;
  text: string;
  /** MMS and WhatsApp carry files. */
  files?: InboundFile[];
  /** The channel's own id of the message (WhatsApp's wamid): the same id twice is stored once. */
  channelMessageId?: string;
  /** WhatsApp's business-scoped user id of the sender, when it gave one. */
  senderId?: string;
  /** The name the sender shows on WhatsApp (profile name); a hint for a new contact only. */
  profileName?: string;
  /** The channel id of the message this one answers (WhatsApp replies and button replies quote one). */
  replyTo?: string;
  location?: SharedLocation;
  contacts?: SharedContact[];
  /** The file is a voice note (recorded in the app), not a sent audio file. */
  voice?: boolean;
}

/** A customer's emoji reaction to one of our messages (or theirs), by the channel's message id; '' takes it back. */
export interface InboundReaction {
  from: string | null;
  senderId?: string;
  to: string;
  /** The channel id of the message reacted to. */
  channelMessageId: string;
  emoji: string;
}

/** A message template as the channel's provider approved (or not) it: WhatsApp's outside the 24-hour window. */
export type ChannelTemplate = Template;

/** What a carrier says became of one sent part (SMS receipts: delivered, failed or expired). */
export interface MessagingReport {
  /** The channel's name: carrier ids are unique per channel only. */
  connection: string;
  /** The segment's id as the channel stored it when the carrier acknowledged the send (SendOutcome.carrierIds). */
  carrierId: string;
  /** SMS knows delivered/failed/expired; WhatsApp also sent, read and (voice notes) played. A state never goes back. */
  state: 'sent' | 'delivered' | 'read' | 'played' | 'failed' | 'expired';
  errorCode?: string;
  /** The provider's words for a failure (WhatsApp's error title and details). */
  errorDetails?: string;
}

/** An SMS or MMS receipt: the states a carrier reports. */
export interface DeliveryReport extends Omit<MessagingReport, 'state'> {
  state: 'delivered' | 'failed' | 'expired';
}

/** The one way in: a channel stores what arrives through these and nothing else. */
export interface ChannelSink {
  /** Resolves once the message is on disk (a channel acknowledges only then); rejects if it could not be stored. */
  inbound(text: InboundText): Promise<void>;
  /** Resolves once the report is on disk (written with others of the same moment); a channel acknowledges only then. */
  report(report: MessagingReport): Promise<void>;
  /** A customer's reaction; resolves once stored (or found to be about no message of ours). */
  reaction(reaction: InboundReaction): Promise<void>;
  /** The channel's templates as its provider lists them now: they replace what was stored for it. */
  templates(channel: string, templates: ChannelTemplate[]): Promise<void>;
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
  /** E.164 of the customer; null for a WhatsApp user known only by `toId` (SMS and MMS refuse such a send). */
  to: string | null;
  /** WhatsApp's business-scoped user id of the customer, when known. */
  toId?: string;
  /**
   * SMS/MMS: plain text, the agent's Markdown already converted and links appended. WhatsApp: the agent's
   * Markdown as written (the channel turns it into WhatsApp's own markup), links appended.
   */
  text: string;
  /** Files for an MMS or a WhatsApp message; empty for SMS. */
  files: OutboundFile[];
  /** The files are one voice note recorded in the app (audio/ogg; codecs=opus). */
  voice?: boolean;
  /** The channel id of the customer message this one quotes (WhatsApp context.message_id). */
  replyTo?: string;
  /** Instead of text: an approved template with its variables filled in, in order. */
  template?: { name: string; language: string; params: string[] };
  /** Instead of text: an emoji reaction to the message with this channel id ('' removes ours). */
  reaction?: { channelMessageId: string; emoji: string };
}

export type SendOutcome =
  /** One id per segment, keyed the way this channel's reports will name them. */
  { ok: true; carrierIds: string[] } | { ok: false; retry: boolean; code: string; reason: string };

/** An SMS or MMS cannot go to a customer known by their WhatsApp id only: not worth a retry. */
export const NO_NUMBER: SendOutcome = {
  ok: false,
  retry: false,
  code: 'no-number',
  reason: 'the customer has no phone number to text',
};

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
