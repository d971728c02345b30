import pino from 'pino';
import { createOutboxLoop, type OutboxLoopOptions } from '../../src/channels/outbox-loop.ts';
import { createSink } from '../../src/channels/sink.ts';
import type { Channel } from '../../src/channels/types.ts';
import { createGroupCommit } from '../../src/domain/group-commit.ts';
import type { TestApp } from '../helper.ts';

const log = pino({ level: 'silent' });

/** A channel wired as startMessaging wires it: sink and outbox loop sharing one group commit. Starts the channel, not the loop. */
export function wireChannel(
  h: TestApp,
  channel: Channel,
  options: Partial<OutboxLoopOptions> & { numberRate?: (e164: string) => number } = {},
) {
  const groupCommit = createGroupCommit(h.app.domain);
  const loop = createOutboxLoop(h.app.domain, new Map([[channel.name, channel]]), log, { groupCommit, ...options });
  channel.start(
    createSink({
      domain: h.app.domain,
      configStore: h.configStore,
      media: h.app.media,
      log,
      groupCommit,
      receipts: loop.receipt,
    }),
  );
  return loop;
}
