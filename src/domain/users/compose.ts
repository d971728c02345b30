import { eq } from 'drizzle-orm';
import { users } from '../../db/schema/users.ts';
import type { Actor, DomainContext } from '../context.ts';
import { invalid, notFound } from '../errors.ts';
import { publicColumns, type PublicUser } from './service.ts';

/** The two ways the composer sends, as the settings form names them. */
export const sendKeys = ['enter', 'ctrl_enter'] as const;
export type SendKey = (typeof sendKeys)[number];

/** Settings: which key sends a reply or a note — Enter, or Ctrl/Cmd+Enter (Enter then starts a new line). */
export function setSendKey(ctx: DomainContext, actor: Actor, raw: unknown): PublicUser {
  if (raw !== 'enter' && raw !== 'ctrl_enter') throw invalid('settings.send_key_invalid', 'send_key');
  const user = ctx.db
    .update(users)
    .set({ enterSends: raw === 'enter' })
    .where(eq(users.id, actor.id))
    .returning(publicColumns)
    .get();
  if (!user) throw notFound();
  ctx.events.emit('user.changed', { userId: actor.id });
  return user;
}
