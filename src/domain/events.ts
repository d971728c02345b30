import { EventEmitter } from 'node:events';

/** What happened, by id only: listeners load what they need after the transaction committed. */
export interface DomainEventMap {
  'inbox.created': { inboxId: number };
  'inbox.renamed': { inboxId: number };
  /** Assignment mode or moving switched: open conversation headers show other choices. */
  'inbox.settings.changed': { inboxId: number };
  'inbox.members.changed': { inboxId: number; added: number[]; removed: number[] };
  'user.changed': { userId: number };
  'message.created': { conversationId: number; messageId: number; inboxId: number; direction: 'in' | 'out' };
  'message.updated': { conversationId: number; messageId: number; inboxId: number };
  /**
   * A message a channel carries moved on: acknowledged by the carrier (`sent`), failed, or settled by the receipts
   * (`receiptMs`: from `sent` to the receipt that settled it). For counting; pushes follow `message.updated`.
   */
  'message.status': {
    connection: string;
    status: 'sent' | 'delivered' | 'read' | 'played' | 'failed' | 'expired';
    receiptMs?: number;
  };
  /** Its state changed (assignee, status, inbox, tags…): list rows and headers are redrawn; `contact` when its contact or opt-out changed. */
  'conversation.changed': { conversationId: number; inboxId: number; fromInboxId?: number; contact?: boolean };
  /** One user read it (`read`) or marked it unread: only their own tabs change. */
  'conversation.read': { conversationId: number; userId: number; read: boolean };
  'pins.changed': { userId: number; conversationId: number };
  'contact.changed': { contactId: number };
  /** A timeline entry that is not a message: opted out, reopened… */
  'conversation.event': { conversationId: number; eventId: number; inboxId: number };
  /** Chat messages: written, edited or deleted (members' open tabs redraw it), reacted to. */
  'chat.message': { chatId: number; messageId: number; created: boolean };
  /** Members, name or the chat itself changed: the chat lists of `userIds` (old and new members) are redrawn. */
  'chat.changed': { chatId: number; userIds: number[] };
  /** One member read up to here: only their own tabs' unread counts change. */
  'chat.read': { chatId: number; userId: number };
  /** A private note on a conversation: written, edited or deleted. */
  'note.changed': { conversationId: number; noteId: number; inboxId: number };
  /** Someone should hear about something: a toast in their tabs, a browser notification if they want one. */
  'notification.created': { notificationId: number; userId: number };
  /** A customer started a conversation (`messageId`, their first text): everyone who sees its inbox hears of it. */
  'conversation.welcomed': { conversationId: number; inboxId: number; messageId: number };
  /** A snooze or a scheduled reply was set, moved or ended: the timer that wakes for the next one re-arms. */
  'later.changed': { conversationId: number };
  /** A scheduled reply was written, edited, cancelled, refused at due time, or sent (then it is gone). */
  'scheduled.changed': { conversationId: number; scheduledId: number; inboxId: number };
  /** Status message, availability or queue membership changed: teammates' team lists show it. */
  'presence.changed': { userId: number };
  /**
   * A campaign moved on: its state, its audience or text (drafts), recipients queued, its messages' statuses, replies,
   * opt-outs. Campaign pages redraw their progress (at most once a second per campaign).
   */
  'campaign.changed': { campaignId: number; inboxId: number };
  /** The user's sessions ended (deactivated, password changed), all but `except`. */
  'user.sessions.ended': { userId: number; except?: string };
}

export type DomainEventName = keyof DomainEventMap;

export interface DomainEvents {
  emit<K extends DomainEventName>(name: K, payload: DomainEventMap[K]): void;
  on<K extends DomainEventName>(name: K, listener: (payload: DomainEventMap[K]) => void): void;
  /**
   * Runs `work` with its events held back: announced when it returns (or, nested, when the outer `collect`
   * returns), dropped when it throws. For writes that commit only after their own function returned: several
   * of them in one transaction (group commit) must not announce anything before that transaction commits.
   */
  collect<T>(work: () => T): T;
}

export function createEventBus(onListenerError: (err: unknown, name: string) => void): DomainEvents {
  const emitter = new EventEmitter();
  let held: [DomainEventName, unknown][] | null = null;
  const announce = (name: DomainEventName, payload: unknown): void => {
    for (const listener of emitter.listeners(name)) {
      // A failing listener (a push that could not render) must not undo or fail the write that already committed.
      try {
        const result = (listener as (p: unknown) => unknown)(payload);
        if (result instanceof Promise) result.catch((err) => onListenerError(err, name));
      } catch (err) {
        onListenerError(err, name);
      }
    }
  };
  return {
    emit(name, payload) {
      if (held) held.push([name, payload]);
      else announce(name, payload);
    },
    on(name, listener) {
      emitter.on(name, listener);
    },
    collect(work) {
      const outer = held;
      held = [];
      let result: ReturnType<typeof work>;
      let mine: [DomainEventName, unknown][];
      try {
        result = work();
      } finally {
        mine = held;
        held = outer;
      }
      if (outer) outer.push(...mine);
      else for (const [name, payload] of mine) announce(name, payload);
      return result;
    },
  };
}
