/**
 * The GSM 03.38 (3GPP TS 23.038) 7-bit default alphabet and its extension table, as septet values.
 * How septets are laid out in octets on the wire is not this module's business: see src/channels/smpp/encoding.ts.
 */

/** Septet that switches the next septet to the extension table. */
export const GSM7_ESCAPE = 0x1b;

// Index = septet value. 0x1B is the escape, not a character; it is kept as a placeholder so indexes line up.
const DEFAULT_ALPHABET: readonly string[] = [
  ...'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ',
  ...' !"#¤%&\'()*+,-./0123456789:;<=>?',
  ...'¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§',
  ...'¿abcdefghijklmnopqrstuvwxyzäöñüà',
];

const EXTENSION_TABLE: ReadonlyMap<number, string> = new Map([
  [0x0a, '\f'],
  [0x14, '^'],
  [0x28, '{'],
  [0x29, '}'],
  [0x2f, '\\'],
  [0x3c, '['],
  [0x3d, '~'],
  [0x3e, ']'],
  [0x40, '|'],
  [0x65, '€'],
]);

const ENCODE: ReadonlyMap<string, readonly number[]> = new Map<string, readonly number[]>([
  ...DEFAULT_ALPHABET.flatMap((ch, septet): [string, number[]][] => (septet === GSM7_ESCAPE ? [] : [[ch, [septet]]])),
  ...[...EXTENSION_TABLE].map(([septet, ch]): [string, number[]] => [ch, [GSM7_ESCAPE, septet]]),
]);

/**
 * The septets for one character (one for the default alphabet, ESC + one for the extension table), or
 * undefined when the character has no GSM 7-bit form. Deliberately strict: look-alikes such as 'ç' for 'Ç'
 * are not substituted, so what the recipient sees is exactly what was typed (the text goes UCS-2 instead).
 */
export function gsm7Septets(ch: string): readonly number[] | undefined {
  return ENCODE.get(ch);
}

/**
 * Septet values to text. Per 23.038: ESC followed by a code the extension table does not define shows the
 * default-alphabet character, and ESC ESC (reserved for a further table) shows a space. A dangling ESC at the
 * end carries no character and is dropped. Values above 0x7F cannot be septets and become U+FFFD.
 */
export function decodeGsm7(septets: Uint8Array): string {
  let text = '';
  for (let i = 0; i < septets.length; i++) {
    const septet = septets[i] as number;
    if (septet !== GSM7_ESCAPE) {
      text += defaultChar(septet);
      continue;
    }
    const next = septets[i + 1];
    if (next === undefined) break;
    i++;
    text += next === GSM7_ESCAPE ? ' ' : (EXTENSION_TABLE.get(next) ?? defaultChar(next));
  }
  return text;
}

function defaultChar(septet: number): string {
  return DEFAULT_ALPHABET[septet] ?? '\uFFFD';
}
