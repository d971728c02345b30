import { EventEmitter } from 'node:events';
import type { Receiver, Refresh } from './registry.ts';
import type { Simulator } from './smpp/simulator.ts';
import type { Channel, ChannelState } from './types.ts';
import type { WhatsAppPhone } from './whatsapp/sandbox.ts';

/** What the web side may know of the running channels: their states, and a signal when one changes. */
export interface MessagingState {
  /** The built-in SMSC, when it runs: every page then says texts go nowhere real. */
  simulator: Simulator | null;
  /** The sandbox's WhatsApp user, when the stand-in runs beside the SMSC: the customer phone page sends as them. */
  whatsappPhone: WhatsAppPhone | null;
  channels: Channel[];
  /** The kind (./registry.ts) of each running channel, by its name. */
  kinds: Map<string, string>;
  /**
   * The receivers of the running channels that take HTTP requests, by kind and then name: providers post to
   * /webhooks/<kind>/<name> (an MMSC also to /mm7/<name>, as carriers were configured before).
   */
  receivers: Map<string, Map<string, Receiver>>;
  /** What an admin may ask of a running channel (WhatsApp: sync templates), by its name. */
  refresh: Map<string, Refresh>;
  /** Emits 'state' with a ChannelState whenever a connection's status changes. */
  changed: EventEmitter<{ state: [ChannelState] }>;
}

export function createMessagingState(): MessagingState {
  return {
    simulator: null,
    whatsappPhone: null,
    channels: [],
    kinds: new Map(),
    receivers: new Map(),
    refresh: new Map(),
    changed: new EventEmitter(),
  };
}
