import { createHmac, randomBytes } from 'node:crypto';

/** Where the stand-in's webhooks come from: our number as Meta names it. */
export interface Business {
  businessAccountId: string;
  phoneNumberId: string;
  /** E.164 of our number. */
  displayPhoneNumber: string;
}

export const digitsOf = (e164: string): string => e164.replace(/\D/g, '');

/** Meta's message ids look like this; ours only need to be unique. */
export const newWamid = (): string => `wamid.${randomBytes(18).toString('base64url')}`;

/** Meta writes non-ASCII characters as \u escapes: the signature is over those bytes, not the characters. */
export function metaJson(payload: unknown): string {
  return JSON.stringify(payload).replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export const signatureOf = (raw: string | Buffer, appSecret: string): string =>
  `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`;

/** One `messages` change inside a whatsapp_business_account payload. */
export function messagesChange(business: Business, value: Record<string, unknown>) {
  return {
    field: 'messages',
    value: {
      messaging_product: 'whatsapp',
      metadata: {
        display_phone_number: digitsOf(business.displayPhoneNumber),
        phone_number_id: business.phoneNumberId,
      },
      ...value,
    },
  };
}

export function envelope(business: Business, changes: unknown[]) {
  return { object: 'whatsapp_business_account', entry: [{ id: business.businessAccountId, changes }] };
}

export const timestamp = (): string => String(Math.floor(Date.now() / 1000));
