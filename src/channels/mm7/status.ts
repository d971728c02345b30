/**
 * MM7 request status codes (3GPP TS 23.140, "Status code and status text"): the spec's status text, and what
 * it means for us in words an admin can act on.
 */
const STATUS: Record<number, readonly [text: string, meaning: string]> = {
  1000: ['Success', 'the MMSC accepted the request'],
  1100: ['Partial success', 'the MMSC accepted the request for some recipients only'],
  2000: ['Client error', 'the MMSC found an error in our request'],
  2001: [
    'Operation restricted',
    'this account may not do this: check the VASP ID, VAS ID and service code with the carrier',
  ],
  2002: ['Address Error', 'the MMSC does not accept the sender or recipient address'],
  2003: ['Address Not Found', 'the MMSC does not know the recipient address'],
  2004: ['Multimedia content refused', 'the MMSC refused the content: a file type or the total size is not accepted'],
  2005: ['Message ID Not found', 'the MMSC does not know the message ID'],
  2006: ['LinkedID not found', 'the MMSC does not know the linked message'],
  2007: ['Message format corrupt', 'the MMSC could not read our request'],
  2008: ['Application ID not found', 'the MMSC does not know the application ID'],
  2009: ['Reply Application ID not found', 'the MMSC does not know the reply application ID'],
  3000: ['Server Error', 'the MMSC failed while handling the request; it may work later'],
  3001: ['Not Possible', 'the MMSC cannot do this now'],
  3002: ['Message rejected', 'the MMSC rejected the message'],
  3003: ['Multiple addresses not supported', 'the MMSC takes one recipient per request'],
  3004: ['Application Addressing not supported', 'the MMSC does not support application addressing'],
  4000: ['General service error', 'the MMSC refused the request'],
  4001: ['Improper identification', 'the MMSC did not recognise our VASP ID or VAS ID'],
  4002: ['Unsupported version', 'the MMSC does not support our MM7 version'],
  4003: ['Unsupported operation', 'the MMSC does not support this request'],
  4004: ['Validation error', 'our request did not pass the MMSC’s schema validation'],
  4005: ['Service error', 'the MMSC refused the request'],
  4006: ['Service unavailable', 'the MMSC is temporarily unavailable'],
  4007: ['Service denied', 'the MMSC denied the service to this account'],
  4008: ['Application denied', 'the MMSC denied the application'],
};

/** "Not now" rather than "never": the same SubmitReq may succeed later. */
const RETRYABLE = new Set([3000, 3001, 4006]);

export function isSuccess(code: number): boolean {
  return code === 1000 || code === 1100;
}

export function isRetryable(code: number): boolean {
  return RETRYABLE.has(code);
}

export function statusText(code: number): string {
  return STATUS[code]?.[0] ?? 'Unknown status';
}

/** "Multimedia content refused (MM7 2004): too large — the MMSC refused the content: …". */
export function describeStatus(code: number, text: string | undefined, details: string | undefined): string {
  const known = STATUS[code];
  const said = [text ?? known?.[0] ?? 'Unknown status', details].filter(Boolean).join(': ');
  const meaning =
    known?.[1] ??
    (code >= 4000
      ? 'the MMSC refused the request (service error)'
      : code >= 3000
        ? 'the MMSC failed to handle the request'
        : 'the MMSC refused our request');
  return `${said} (MM7 ${code}) — ${meaning}`;
}
