/**
 * SMSC delivery receipts: a deliver_sm whose esm_class has the receipt bit (esm_class & 0x3C === 0x04). SMPP 3.4
 * TLVs are authoritative when present; otherwise the de-facto text format of SMPP 3.4 Appendix B is parsed.
 */

export type ReceiptState = 'delivered' | 'failed' | 'expired' | 'rejected' | 'unknown' | 'accepted' | 'enroute';

export interface ReceiptFields {
  /** The short_message, already decoded to text. */
  shortMessageText: string;
  receipted_message_id?: string;
  message_state?: number;
  network_error_code?: Buffer;
}

export interface Receipt {
  smscId: string;
  state: ReceiptState;
  /** Absent when the receipt reports no error (including an all-zero code). */
  errorCode?: string;
}

const MESSAGE_STATES: ReadonlyMap<number, ReceiptState> = new Map([
  [1, 'enroute'],
  [2, 'delivered'],
  [3, 'expired'],
  [4, 'failed'], // DELETED
  [5, 'failed'], // UNDELIVERABLE
  [6, 'accepted'],
  [7, 'unknown'],
  [8, 'rejected'],
]);

// The 7-letter forms are Appendix B's; the spelled-out ones and ENROUTE turn up from real SMSCs too.
const STAT_WORDS: ReadonlyMap<string, ReceiptState> = new Map([
  ['DELIVRD', 'delivered'],
  ['DELIVERED', 'delivered'],
  ['EXPIRED', 'expired'],
  ['DELETED', 'failed'],
  ['UNDELIV', 'failed'],
  ['UNDELIVERABLE', 'failed'],
  ['ACCEPTD', 'accepted'],
  ['ACCEPTED', 'accepted'],
  ['UNKNOWN', 'unknown'],
  ['REJECTD', 'rejected'],
  ['REJECTED', 'rejected'],
  ['ENROUTE', 'enroute'],
]);

const NETWORK_TYPES: ReadonlyMap<number, string> = new Map([
  [1, 'ANSI-136'],
  [2, 'IS-95'],
  [3, 'GSM'],
  [4, 'ANSI-41'],
]);

/** Null when the receipt names no message id: it cannot be matched to anything we sent. */
export function parseReceipt(fields: ReceiptFields): Receipt | null {
  const text = receiptTextFields(fields.shortMessageText);
  const smscId = (fields.receipted_message_id ?? '').trim() || text.id;
  if (!smscId) return null;
  const state = stateFromTlv(fields.message_state) ?? STAT_WORDS.get(text.stat.toUpperCase()) ?? 'unknown';
  const errorCode = errorFromTlv(fields.network_error_code) ?? errorFromText(text.err);
  return errorCode ? { smscId, state, errorCode } : { smscId, state };
}

/**
 * The id, stat and err values of an Appendix B text. Everything from "text:" on is the start of the original
 * message, which may itself contain "stat:" or "id:", so it is cut off first.
 */
function receiptTextFields(shortMessageText: string): { id: string; stat: string; err: string } {
  const head = shortMessageText.split(/(?:^|\s)text:/i)[0] ?? '';
  const value = (key: string): string => new RegExp(`(?:^|\\s)${key}:(\\S*)`, 'i').exec(head)?.[1] ?? '';
  return { id: value('id'), stat: value('stat'), err: value('err') };
}

function stateFromTlv(state: number | undefined): ReceiptState | undefined {
  return state === undefined ? undefined : MESSAGE_STATES.get(state);
}

/** network_error_code is 3 octets: network type, then a 16-bit big-endian error code. */
function errorFromTlv(code: Buffer | undefined): string | undefined {
  if (code?.length !== 3) return undefined;
  const type = code.readUInt8(0);
  const error = code.readUInt16BE(1);
  if (error === 0) return undefined;
  return `${NETWORK_TYPES.get(type) ?? `network-${type}`}:${error}`;
}

function errorFromText(err: string): string | undefined {
  return /^0*$/.test(err) ? undefined : err;
}

/** How an SMSC writes ids in receipts against its submit_sm_resp (the [[smpp]] block's receipt_id). */
export type ReceiptIdMode = 'same' | 'hex' | 'decimal';

const DIGITS = /^[0-9]+$/;
const HEX_DIGITS = /^[0-9a-f]+$/i;

/** A number written in `base`, without leading zeros or case; anything else (a UUID, say) as given. */
function canonical(id: string, base: 10 | 16 | 'either'): string {
  const given = id.trim();
  if (base === 10) return DIGITS.test(given) ? BigInt(given).toString(10) : given;
  if (base === 16) return HEX_DIGITS.test(given) ? BigInt(`0x${given}`).toString(16) : given;
  // Same base on both sides, unknown which: leading zeros (Appendix B pads to ten digits) and case are all that may differ.
  return HEX_DIGITS.test(given) ? given.replace(/^0+(?=.)/, '').toLowerCase() : given;
}

/** The key a submit_sm_resp's id is stored under, so that receipts find it by equality. */
export function responseIdKey(id: string, mode: ReceiptIdMode): string {
  return canonical(id, mode === 'same' ? 'either' : mode === 'hex' ? 10 : 16);
}

/**
 * The key of the message a receipt reports on: its id converted to the base the submit_sm_resp used, never guessed.
 * "hex": the receipt says hex where the response said decimal; "decimal": the other way round.
 */
export function receiptIdKey(id: string, mode: ReceiptIdMode): string {
  const given = id.trim();
  if (mode === 'hex') return HEX_DIGITS.test(given) ? BigInt(`0x${given}`).toString(10) : given;
  if (mode === 'decimal') return DIGITS.test(given) ? BigInt(given).toString(16) : given;
  return canonical(given, 'either');
}
