import { EventEmitter } from 'node:events';
import type { Mm7Channel } from './mm7/channel.ts';
import type { Simulator } from './smpp/simulator.ts';
import type { Channel, ChannelState } from './types.ts';

/** What the web side may know of the running channels: their states, and a signal when one changes. */
export interface MessagingState {
  /** The built-in SMSC, when it runs: every page then says texts go nowhere real. */
  simulator: Simulator | null;
  channels: Channel[];
  /** MM7 connections by name: the carrier's MMSC posts inbound MMS and delivery reports to /mm7/<name>. */
  mm7: Map<string, Pick<Mm7Channel, 'receive' | 'authorised'>>;
  /** Emits 'state' with a ChannelState whenever a connection's status changes. */
  changed: EventEmitter<{ state: [ChannelState] }>;
}

export function createMessagingState(): MessagingState {
  return { simulator: null, channels: [], mm7: new Map(), changed: new EventEmitter() };
}
