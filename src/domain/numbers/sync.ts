import { and, eq, isNull, not, sql } from 'drizzle-orm';
import { inList } from '../../db/in-list.ts';
import type { z } from 'zod';
import { numberSchema } from '../../config/schema.ts';
import { inboxes } from '../../db/schema/inboxes.ts';
import { numbers } from '../../db/schema/numbers.ts';
import { users } from '../../db/schema/users.ts';
import type { DomainContext } from '../context.ts';
import type { MessageKind } from '../messaging/capabilities.ts';

/** A [[number]] block as written: what is left out takes the documented default. */
export type NumberConfig = z.input<typeof numberSchema>;

/** The stored name of a user's private inbox; the UI shows "Personal numbers" instead. */
export const personalInboxName = (userId: number): string => `personal-${userId}`;

type Tx = Pick<DomainContext['db'], 'select' | 'insert' | 'update'>;

function sharedInboxId(tx: Tx, name: string): number {
  const found = tx
    .select({ id: inboxes.id })
    .from(inboxes)
    .where(sql`lower(${inboxes.name}) = lower(${name})`)
    .get();
  return found?.id ?? tx.insert(inboxes).values({ name }).returning({ id: inboxes.id }).get().id;
}

function personalInboxId(tx: Tx, userId: number): number {
  const found = tx.select({ id: inboxes.id }).from(inboxes).where(eq(inboxes.ownerUserId, userId)).get();
  return (
    found?.id ??
    tx
      .insert(inboxes)
      .values({ name: personalInboxName(userId), ownerUserId: userId })
      .returning({ id: inboxes.id })
      .get().id
  );
}

/**
 * The block that carries a number's messages, and so what they are: `smpp = "…"` texts SMS (and MMS),
 * `whatsapp = "…"` WhatsApp. The schema lets exactly one be set.
 */
function channelOf(n: { smpp?: string; whatsapp?: string }): { channel: string; kind: MessageKind } {
  return n.whatsapp !== undefined ? { channel: n.whatsapp, kind: 'whatsapp' } : { channel: n.smpp!, kind: 'sms' };
}

/** The numbers carried by one channel (the sandbox's, for its customer phone). */
export function numbersOnChannel({ db }: DomainContext, channel: string): string[] {
  return db
    .select({ e164: numbers.e164 })
    .from(numbers)
    .where(eq(numbers.channel, channel))
    .all()
    .map((n) => n.e164);
}

/**
 * Makes the numbers table match the [[number]] blocks: shared inboxes are created when missing, personal
 * numbers go to their owner's private inbox. A number whose owner does not exist (yet) is skipped and
 * reported. With `retireUnlisted` (the whole configuration, as the server passes it), numbers no longer
 * configured are retired: they keep their rows, so their history stays readable, but take no texts.
 */
export function syncNumbers(
  ctx: DomainContext,
  configured: NumberConfig[],
  opts: { retireUnlisted?: boolean } = {},
): { synced: string[]; skipped: { e164: string; reason: string }[] } {
  const synced: string[] = [];
  const skipped: { e164: string; reason: string }[] = [];
  ctx.db.transaction((tx) => {
    for (const written of configured) {
      const n = numberSchema.parse(written);
      let inboxId: number;
      if (n.owner !== undefined) {
        const owner = tx.select({ id: users.id }).from(users).where(eq(users.email, n.owner.toLowerCase())).get();
        if (!owner) {
          skipped.push({ e164: n.e164, reason: `owner ${n.owner} is not a user` });
          continue;
        }
        inboxId = personalInboxId(tx, owner.id);
      } else {
        inboxId = sharedInboxId(tx, n.inbox!);
      }
      const fields = {
        inboxId,
        ...channelOf(n),
        registration: n.registration,
        mediaRoute: n.mms ?? 'link',
        mm7Connection: n.mm7 ?? null,
        maxAttachments: n.max_attachments,
        maxAttachmentBytes: n.max_attachment_kb * 1024,
        retiredAt: null,
      };
      tx.insert(numbers)
        .values({ e164: n.e164, ...fields })
        .onConflictDoUpdate({ target: numbers.e164, set: fields })
        .run();
      synced.push(n.e164);
    }
    if (opts.retireUnlisted) {
      const listed = configured.map((n) => n.e164);
      tx.update(numbers)
        .set({ retiredAt: ctx.now() })
        .where(and(isNull(numbers.retiredAt), not(inList(numbers.e164, listed))))
        .run();
    }
  });
  return { synced, skipped };
}
