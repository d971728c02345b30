import type { MessagingState } from '../channels/state.ts';
import type { ChannelState } from '../channels/types.ts';

export interface ConnectionRow extends ChannelState {
  /** The channel's kind (src/channels/registry.ts): smpp, mm7, whatsapp. */
  kind: string;
  /** Whole seconds until the next attempt to connect, while one is scheduled. */
  retryInS: number | null;
  /** The i18n key of what an admin may ask of it (WhatsApp: sync templates), or null. */
  refresh: string | null;
}

/** The channels table: each running channel of every kind, its state, with how long until it tries again. */
export function connectionRows(
  messaging: Pick<MessagingState, 'channels' | 'kinds' | 'refresh'>,
  now: number,
): ConnectionRow[] {
  return messaging.channels.map((channel) => {
    const s = channel.state();
    return {
      ...s,
      kind: messaging.kinds.get(channel.name) ?? '',
      retryInS: s.nextAttemptAt === null ? null : Math.max(0, Math.ceil((s.nextAttemptAt - now) / 1000)),
      refresh: messaging.refresh.get(channel.name)?.label ?? null,
    };
  });
}
