import { z } from 'zod';

/** Times in the API: ISO 8601 in UTC. */
export const iso = (ms: number): string => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));
export const timestamp = z.iso.datetime();

/** What a request that carries nothing may send: nothing, null or {}. */
export const noBody = z.object({}).strict().nullish();

const status = z.enum(['open', 'snoozed', 'closed', 'spam']);

export const conversationSummarySchema = z
  .object({
    id: z.number().int(),
    inboxId: z.number().int(),
    inboxName: z.string(),
    personal: z.boolean(),
    status,
    snoozedUntil: timestamp.nullable(),
    contactName: z.string().nullable(),
    phone: z.string(),
    number: z.string().describe('The inbox number it runs on (E.164).'),
    assigneeName: z.string().nullable(),
    lastMessageAt: timestamp,
    waitingSince: timestamp.nullable(),
    preview: z.string().nullable(),
    tags: z.array(z.string()),
    unread: z.boolean(),
  })
  .meta({ id: 'ConversationSummary' });

export const conversationSchema = z
  .object({
    id: z.number().int(),
    version: z.number().int().describe('Send it back with a change to refuse it (409) if someone changed it since.'),
    inboxId: z.number().int(),
    inboxName: z.string(),
    personal: z.boolean(),
    status,
    snoozedUntil: timestamp.nullable(),
    contactId: z.number().int(),
    contactName: z.string().nullable(),
    phone: z.string(),
    number: z.string(),
    optedOut: z.boolean(),
    assigneeId: z.number().int().nullable(),
    assigneeName: z.string().nullable(),
    tags: z.array(z.object({ id: z.number().int(), name: z.string() })),
  })
  .meta({ id: 'Conversation' });

export const messageSchema = z
  .object({
    id: z.number().int(),
    direction: z.enum(['in', 'out']),
    text: z.string(),
    status: z.string(),
    authorId: z.number().int().nullable().describe('The teammate who sent it (outbound).'),
    errorCode: z.string().nullable(),
    errorReason: z.string().nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Message' });

export const contactSchema = z
  .object({
    id: z.number().int(),
    personal: z.boolean().describe('In the user’s personal address book rather than the team’s.'),
    name: z.string().nullable(),
    email: z.string().nullable(),
    company: z.string().nullable(),
    notes: z.string().nullable(),
    phones: z.array(z.string()),
  })
  .meta({ id: 'Contact' });

export const tagSchema = z.object({ id: z.number().int(), name: z.string() }).meta({ id: 'Tag' });
