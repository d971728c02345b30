import type { Toast } from '../domain/users/preferences.ts';
import type { Translate } from '../i18n/index.ts';

/** What a push carries to the service worker: what the toast says, no more (the push service sees only ciphertext). */
export interface PushMessage {
  title: string;
  body: string;
  /** Where a click leads: a path on this server. */
  url: string;
  /** The same as the toast's browser notification: one replaces the other rather than both showing. */
  tag: string;
}

/** A notification as a push, in its person's language: the toast's headline as the title, its excerpt as the body. */
export function pushMessage(toast: Toast, t: Translate): PushMessage {
  const actor = toast.actorName ?? t('personal.someone');
  const params = {
    actor,
    conversation: toast.conversationLabel ?? '',
    inbox: toast.inboxName ?? '',
    chat: toast.chatName ?? '',
    excerpt: toast.excerpt,
  };
  const headline =
    toast.kind === 'new_conversation'
      ? t('personal.toast_new_conversation', params)
      : toast.kind === 'assigned'
        ? t(toast.actorName === null ? 'personal.toast_assigned_auto' : 'personal.toast_assigned', params)
        : toast.kind === 'mention'
          ? t(
              toast.conversationLabel !== null
                ? 'personal.toast_mention_note'
                : toast.chatName
                  ? 'personal.toast_mention_chat'
                  : 'personal.toast_mention',
              params,
            )
          : t('personal.toast_direct', params);
  // A direct message's headline is its text: the notification is titled with who wrote, as the toast's is.
  return {
    title: toast.kind === 'direct' ? actor : headline,
    body: toast.excerpt,
    url: toast.href,
    tag: `switchboard-${toast.id}`,
  };
}
