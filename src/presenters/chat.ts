import { chatDetails, teammates } from '../domain/chats/list.ts';
import { isManager, type Actor, type DomainContext } from '../domain/context.ts';

/** A chat's header: its title and members as the actor sees them, and whether they may manage or leave it. */
export function chatHeader(domain: DomainContext, actor: Actor, chatId: number) {
  const chat = chatDetails(domain, actor, chatId);
  // Team chats of their own; an inbox's chat follows the inbox's members.
  const manageable = chat.kind === 'team' && chat.inboxId === null;
  const mayManage = manageable && isManager(actor);
  return { chat, mayManage, mayLeave: manageable, people: mayManage ? teammates(domain, actor) : [] };
}
