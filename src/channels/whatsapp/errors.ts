/**
 * The Cloud API error codes agents meet most, in a few English words each: SendOutcome.reason and failed statuses
 * carry them (with Meta's own title and details); the UI maps the code to the agent's language.
 * developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes
 */
export const CLOUD_API_ERRORS: Readonly<Record<number, { explanation: string; retry: boolean }>> = {
  100: { explanation: 'Meta refused a parameter of the request (invalid or missing)', retry: false },
  190: { explanation: 'the access token is invalid or expired; renew it in the config', retry: false },
  368: { explanation: 'the WhatsApp account is temporarily blocked for policy violations', retry: false },
  130429: { explanation: "Meta's rate limit for this number was reached; sending resumes after a pause", retry: true },
  131000: { explanation: 'Meta failed for an unknown reason; it is tried again', retry: true },
  131026: {
    explanation: 'the message could not be delivered (not a WhatsApp user, old app, or not accepted the terms)',
    retry: false,
  },
  131047: {
    explanation: 'more than 24 hours passed since the customer last wrote: only an approved template may be sent',
    retry: false,
  },
  131051: { explanation: 'WhatsApp does not support this message type', retry: false },
  131052: { explanation: "the customer's file could not be downloaded from WhatsApp", retry: false },
  131053: { explanation: 'the file could not be uploaded to WhatsApp (type or size not accepted)', retry: false },
  131056: {
    explanation: 'too many messages to this customer in a short time; sending resumes after a pause',
    retry: true,
  },
  131062: { explanation: 'this message cannot be sent to a customer known only by a WhatsApp user id', retry: false },
  132000: { explanation: "the template's variables do not match the approved template", retry: false },
  132001: { explanation: 'the template does not exist in that language, or is not approved yet', retry: false },
};

/** Rate limits: the channel pauses (130429 the number, 131056 the one customer) and the outbox retries later. */
export const RATE_LIMITED = 130429;
export const PAIR_RATE_LIMITED = 131056;

export function explain(code: number | null): string {
  if (code === null) return 'WhatsApp could not be reached';
  return CLOUD_API_ERRORS[code]?.explanation ?? `WhatsApp refused the request (error ${code})`;
}
