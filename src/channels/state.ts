import { EventEmitter } from 'node:events';
import type { Simulator } from './smpp/simulator.ts';
import type { Channel, ChannelState } from './types.ts';

/** What the web side may know of the running channels: their states, and a signal when one changes. */
export interface MessagingState {
  /** The built-in SMSC, when it runs: every page then says texts go nowhere real. */
  simulator: Simulator | null;
  channels: Channel[];
  /** Emits 'state' with a ChannelState whenever a connection's status changes. */
  changed: EventEmitter<{ state: [ChannelState] }>;
}

export function createMessagingState(): MessagingState {
  return { simulator: null, channels: [], changed: new EventEmitter() };
}
