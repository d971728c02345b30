import type { ChannelState, SendOutcome } from './types.ts';

/** A channel that is not running takes no sends: the outbox keeps the message and tries again later. */
export const notRunning = (what: string, started: boolean): SendOutcome => ({
  ok: false,
  retry: true,
  code: 'down',
  reason: started ? `${what} is stopped` : `${what} has not started`,
});

/**
 * Counts one send on the admin page while it is under way, then as sent or failed. The state is read again after
 * the await: other sends and status changes went on meanwhile.
 */
export async function countedSend(
  state: { get(): ChannelState; set(next: ChannelState): void },
  submit: () => Promise<SendOutcome>,
): Promise<SendOutcome> {
  state.set({ ...state.get(), inFlight: state.get().inFlight + 1 });
  const outcome = await submit();
  const now = state.get();
  state.set({
    ...now,
    inFlight: now.inFlight - 1,
    sent: now.sent + (outcome.ok ? 1 : 0),
    failed: now.failed + (outcome.ok ? 0 : 1),
  });
  return outcome;
}
