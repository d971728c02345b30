import type { ChannelState } from '../channels/types.ts';

export interface ConnectionRow extends ChannelState {
  /** Whole seconds until the next attempt to connect, while one is scheduled. */
  retryInS: number | null;
}

/** The Carrier connections table: each connection's state, with how long until it tries again. */
export function connectionRows(states: ChannelState[], now: number): ConnectionRow[] {
  return states.map((s) => ({
    ...s,
    retryInS: s.nextAttemptAt === null ? null : Math.max(0, Math.ceil((s.nextAttemptAt - now) / 1000)),
  }));
}
