/** The MIME that MM7 rides on (RFC 2045/2046/2387): header parameters, multipart bodies, transfer encodings, charsets. */

export interface ContentType {
  /** Lower-case type/subtype, e.g. "multipart/related". */
  type: string;
  /** Lower-case names; RFC 2231 `name*=charset''value` parameters arrive decoded under their plain name. */
  params: Map<string, string>;
}

export interface MimePart {
  /** Lower-case names; a repeated header keeps its first value. */
  headers: Map<string, string>;
  /** Still in its transfer encoding. */
  body: Buffer;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z/-]+$/;

function decodeRfc2231(value: string): string | undefined {
  const m = /^([^']*)'[^']*'(.*)$/.exec(value);
  if (!m) return undefined;
  const bytes = Buffer.from(
    m[2]!.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'latin1',
  );
  try {
    return decodeText(bytes, m[1] || 'us-ascii');
  } catch {
    return undefined;
  }
}

/** The `; name=value; name="quoted value"` list after a Content-Type or Content-Disposition value; null when malformed. */
export function parseParams(list: string): Map<string, string> | null {
  const params = new Map<string, string>();
  let rest = list;
  for (;;) {
    rest = rest.replace(/^[\s;]+/, '');
    if (rest === '') return params;
    const m = /^([^=\s;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))\s*(?:;|$)/.exec(rest);
    if (!m) return null;
    const name = m[1]!.toLowerCase();
    const value = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!;
    // Real MMSCs write start=</tnn/mm7-submit> and type=text/xml unquoted; accepting what a token cannot hold costs nothing.
    if (m[2] === undefined && !TOKEN.test(value) && !/^<[^>]*>$/.test(value)) return null;
    if (name.endsWith('*')) {
      const decoded = decodeRfc2231(value);
      if (decoded !== undefined) params.set(name.slice(0, -1), decoded);
    } else if (!params.has(name)) params.set(name, value);
    rest = rest.slice(m[0].length);
  }
}

/** Parses "type/subtype; name=value…"; returns null when the header is not of that form. */
export function parseContentType(header: string | undefined): ContentType | null {
  if (!header) return null;
  const semicolon = header.indexOf(';');
  const type = (semicolon < 0 ? header : header.slice(0, semicolon)).trim().toLowerCase();
  if (!/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type)) return null;
  const params = parseParams(semicolon < 0 ? '' : header.slice(semicolon + 1));
  return params && { type, params };
}

/** "<abc@host>" and "abc@host" name the same Content-ID; a cid: URL is %-encoded (RFC 2392). */
export function normaliseContentId(value: string): string {
  let id = value.trim();
  if (/^cid:/i.test(id)) {
    id = id.slice(4);
    try {
      id = decodeURIComponent(id);
    } catch {
      // A stray '%' is taken literally.
    }
  }
  return id.replace(/^<(.*)>$/, '$1').trim();
}

function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  const lines: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && lines.length > 0) lines[lines.length - 1] += ` ${line.trim()}`;
    else if (line !== '') lines.push(line);
  }
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0 || !/^[!-9;-~]+$/.test(line.slice(0, colon).trimEnd()))
      throw new Error(`malformed MIME header line "${line.slice(0, 60)}"`);
    const name = line.slice(0, colon).trimEnd().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return headers;
}

function parsePart(raw: Buffer): MimePart {
  // A part that starts with an empty line has no headers at all (RFC 2046: then it is text/plain; charset=us-ascii).
  const startsBlank = raw[0] === 0x0a || (raw[0] === 0x0d && raw[1] === 0x0a);
  if (startsBlank) return { headers: new Map(), body: raw.subarray(raw[0] === 0x0a ? 1 : 2) };
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const useLf = lf >= 0 && (crlf < 0 || lf < crlf);
  const end = useLf ? lf : crlf;
  if (end < 0) throw new Error('a MIME part has no empty line after its headers');
  return { headers: parseHeaders(raw.subarray(0, end).toString('utf8')), body: raw.subarray(end + (useLf ? 2 : 4)) };
}

/** Where the next line-initial "--boundary" that really is a delimiter starts, or -1. */
function findDelimiter(body: Buffer, delimiter: Buffer, from: number): number {
  for (let at = body.indexOf(delimiter, from); at >= 0; at = body.indexOf(delimiter, at + 1)) {
    if (at !== 0 && body[at - 1] !== 0x0a) continue;
    let after = at + delimiter.length;
    if (body[after] === 0x2d && body[after + 1] === 0x2d) return at;
    while (body[after] === 0x20 || body[after] === 0x09) after++;
    if (after >= body.length || body[after] === 0x0a || (body[after] === 0x0d && body[after + 1] === 0x0a)) return at;
  }
  return -1;
}

/** The body parts between the delimiters; preamble and epilogue are dropped. Bare LF line ends are tolerated. */
export function splitMultipart(body: Buffer, boundary: string): MimePart[] {
  if (!boundary || boundary.length > 70)
    throw new Error('the multipart boundary is missing or longer than 70 characters');
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  let at = findDelimiter(body, delimiter, 0);
  if (at < 0) throw new Error(`the body has no "--${boundary}" delimiter`);
  const parts: MimePart[] = [];
  for (;;) {
    const after = at + delimiter.length;
    if (body[after] === 0x2d && body[after + 1] === 0x2d) break;
    const start = body.indexOf(0x0a, after) + 1;
    const next = start === 0 ? -1 : findDelimiter(body, delimiter, start);
    if (next < 0) throw new Error(`the multipart body is not closed with "--${boundary}--"`);
    let end = next;
    if (end > start && body[end - 1] === 0x0a) end--;
    if (end > start && body[end - 1] === 0x0d) end--;
    parts.push(parsePart(body.subarray(start, end)));
    at = next;
  }
  if (parts.length === 0) throw new Error('the multipart body has no parts');
  return parts;
}

export interface PartToWrite {
  headers: Array<[name: string, value: string]>;
  body: Buffer;
}

export function buildMultipart(parts: PartToWrite[], boundary: string): Buffer<ArrayBuffer> {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const head = part.headers.map(([name, value]) => `${name}: ${value}\r\n`).join('');
    chunks.push(Buffer.from(`--${boundary}\r\n${head}\r\n`, 'latin1'), part.body, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
  return Buffer.concat(chunks);
}

/** Base64 in lines of 76 characters, as RFC 2045 requires of a MIME body. */
export function base64Lines(data: Buffer): Buffer {
  return Buffer.from((data.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n'), 'latin1');
}

function decodeBase64(body: Buffer): Buffer {
  const text = body.toString('latin1').replace(/[ \t\r\n]+/g, '');
  // Buffer.from(…, 'base64') skips whatever it does not understand; a damaged file must not pass as a good one.
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new Error('invalid base64 content');
  return Buffer.from(text, 'base64');
}

function decodeQuotedPrintable(body: Buffer): Buffer {
  const text = body
    .toString('latin1')
    .replace(/[ \t]+(?=\r?\n|$)/g, '')
    .replace(/=\r?\n/g, '');
  return Buffer.from(
    text.replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'latin1',
  );
}

export function decodeTransfer(body: Buffer, encoding: string | undefined): Buffer {
  const name = (encoding ?? '7bit').trim().toLowerCase();
  if (name === 'base64') return decodeBase64(body);
  if (name === 'quoted-printable') return decodeQuotedPrintable(body);
  if (name === '7bit' || name === '8bit' || name === 'binary') return body;
  throw new Error(`unknown Content-Transfer-Encoding "${encoding}"`);
}

/**
 * Bytes to text in the part's charset. No charset, or us-ascii, reads as UTF-8: RFC 2046's default is US-ASCII,
 * of which UTF-8 is a superset, and handsets that leave out or mislabel the charset send UTF-8. Labels are the
 * WHATWG ones, so iso-8859-1 reads as windows-1252, which is what senders using that label mean.
 */
export function decodeText(bytes: Buffer, charset: string | undefined): string {
  const label = (charset ?? 'utf-8').trim().toLowerCase();
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label === 'us-ascii' || label === 'ascii' ? 'utf-8' : label);
  } catch {
    throw new Error(`unsupported charset "${charset}"`);
  }
  return decoder.decode(bytes);
}
