import { ATTACHMENTS } from '../config/schema.ts';

/**
 * The length and count limits the rules enforce, named once: the domain checks them, templates get them as
 * `it.limits` (a field's maxlength) and messages as `{max}`. What a number may send (files per message, their size)
 * is configured per number within `ATTACHMENTS` (config/schema.ts).
 */
export const LIMITS = {
  /** Characters in a text to a customer (and in a canned reply): ten concatenated parts of 160 GSM-7 characters. */
  smsText: 1600,
  /** Characters in a team-chat message. */
  chatText: 4000,
  /** Characters in an internal note on a conversation. */
  noteText: 4000,
  /** Characters in a contact's notes. */
  contactNotes: 4000,
  /** Files on one team-chat message: as many as a customer message takes by default. */
  chatFiles: ATTACHMENTS.files.default,
} as const;

export type Limits = typeof LIMITS;
