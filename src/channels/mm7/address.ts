import { childElements, type XmlElement } from './xml.ts';

export type AddressElement = 'Number' | 'ShortCode' | 'RFC2822Address';

/**
 * An MM7 address as we store it: E.164 with '+' for phone numbers, digits for short codes, the address itself for
 * e-mail. MMSCs write "+4915…", "4915…" or "4915…/TYPE=PLMN" (the MM1 form, in older MMSCs and in e-mail style
 * addresses); fewer than 8 digits is a short code even inside <Number>, as carriers put short codes there too.
 */
export function storedAddress(raw: string, kind: AddressElement): string {
  const value = raw.replace(/\s+/g, '').replace(/\/TYPE=PLMN$/i, '');
  if (kind === 'RFC2822Address' || value.includes('@')) {
    const at = value.lastIndexOf('@');
    const local = value.slice(0, at).replace(/\/TYPE=PLMN$/i, '');
    if (at > 0 && /^\+?\d{8,15}$/.test(local)) return local.startsWith('+') ? local : `+${local}`;
    if (at > 0 && at < value.length - 1) return value;
    throw new Error(`"${raw}" is not an e-mail address`);
  }
  if (/^\+\d{3,15}$/.test(value)) return value;
  if (kind === 'Number' && /^\d{8,15}$/.test(value)) return `+${value}`;
  if (/^\d{3,15}$/.test(value)) return value;
  throw new Error(`"${raw}" is not a phone number or short code`);
}

const KINDS: AddressElement[] = ['Number', 'ShortCode', 'RFC2822Address'];

export interface FoundAddress {
  address: string;
  displayOnly: boolean;
}

/**
 * The addresses inside <Sender>, <To>, <Recipient>…: typed children in MM7 5.3 and later, bare text in the
 * oldest schema (which some MMSCs still send).
 */
export function addressesIn(holder: XmlElement): FoundAddress[] {
  const typed = holder.children.filter((c): c is XmlElement & { name: AddressElement } =>
    (KINDS as string[]).includes(c.name),
  );
  if (typed.length === 0 && holder.children.length === 0 && holder.text.trim())
    return [{ address: storedAddress(holder.text.trim(), 'Number'), displayOnly: false }];
  return typed.map((c) => ({
    address: storedAddress(c.text.trim(), c.name),
    displayOnly: c.attributes.get('displayOnly')?.toLowerCase() === 'true',
  }));
}

/** Our own number among the recipients: the first To that is not display-only (group MMS lists the others too). */
export function recipientOf(recipients: XmlElement): string | undefined {
  const found = ['To', 'Cc', 'Bcc'].flatMap((kind) => childElements(recipients, kind).flatMap(addressesIn));
  return (found.find((a) => !a.displayOnly) ?? found[0])?.address;
}

/**
 * How we write an address in a SubmitReq. MSISDNs go as international digits without '+': the TS 23.140 examples
 * and the carriers' MM7 guides (Sinch, Skycore, Vibes) all write them so, and some MMSCs refuse the '+'.
 * A sender without '+' is a short code.
 */
export function addressForSubmit(
  address: string,
  role: 'sender' | 'recipient',
): { element: AddressElement; value: string } {
  if (/^\+\d{3,15}$/.test(address)) return { element: 'Number', value: address.slice(1) };
  if (/^\d{3,15}$/.test(address)) return { element: role === 'sender' ? 'ShortCode' : 'Number', value: address };
  if (role === 'recipient' && /^[^@\s]+@[^@\s]+$/.test(address)) return { element: 'RFC2822Address', value: address };
  throw new Error(`"${address}" is not an address MM7 can ${role === 'sender' ? 'send from' : 'send to'}`);
}
