/**
 * A carrier MMSC stand-in for tests: a real HTTP server on loopback that takes MM7 SubmitReq the way a strict MMSC
 * does, and helpers that post DeliverReq / DeliveryReportReq the way an MMSC does (modelled on the TS 23.140
 * examples and Sinch's documented MM7 traffic). It shares no code with src/channels/mm7 on purpose: its own MIME
 * splitting and its own XML reading are there to catch our wire mistakes, not to repeat them.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const SOAP_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
export const MM7_NS = 'http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-6-MM7-1-4';

// ---------------------------------------------------------------- a small, strict XML reader of its own

interface Node {
  ns: string;
  local: string;
  attrs: Array<{ ns: string; local: string; value: string }>;
  children: Node[];
  text: string;
}

const TOKENS =
  /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[([\s\S]*?)\]\]>|<(\/?)([A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>|([^<]+)|([\s\S])/g;

function unescapeXml(raw: string): string {
  return raw.replace(/&([^;]*);|&/g, (all, ref: string | undefined) => {
    if (ref === undefined) throw new Error('a bare & in XML text');
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    if (named[ref]) return named[ref];
    if (/^#x[0-9a-f]+$/i.test(ref)) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (/^#\d+$/.test(ref)) return String.fromCodePoint(Number(ref.slice(1)));
    throw new Error(`unknown entity ${all}`);
  });
}

function resolve(qname: string, scope: Map<string, string>, isAttribute: boolean): { ns: string; local: string } {
  const [prefix, local] = qname.includes(':') ? (qname.split(':') as [string, string]) : ['', qname];
  if (prefix === '') return { ns: isAttribute ? '' : (scope.get('') ?? ''), local };
  const ns = scope.get(prefix);
  if (ns === undefined) throw new Error(`undeclared prefix ${prefix}: in ${qname}`);
  return { ns, local };
}

export function readXml(xml: string): Node {
  const stack: Array<{ node: Node; qname: string; scope: Map<string, string> }> = [];
  let root: Node | null = null;
  for (const m of xml.matchAll(TOKENS)) {
    const top = stack[stack.length - 1];
    if (m[7] !== undefined) throw new Error(`unexpected "${m[7]}" at offset ${m.index}`);
    if (m[6] !== undefined) {
      if (top) top.node.text += unescapeXml(m[6]);
      else if (m[6].trim()) throw new Error('text outside the root element');
      continue;
    }
    if (m[1] !== undefined) {
      if (!top) throw new Error('CDATA outside the root element');
      top.node.text += m[1];
      continue;
    }
    if (m[3] === undefined) continue;
    const qname = m[3];
    if (m[2] === '/') {
      if (!top || top.qname !== qname) throw new Error(`</${qname}> does not match <${top?.qname}>`);
      stack.pop();
      continue;
    }
    if (!top && root) throw new Error('two root elements');
    const raw = [...(m[4] ?? '').matchAll(/([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)].map(
      (a) => [a[1]!, unescapeXml(a[2] ?? a[3] ?? '')] as const,
    );
    const scope = new Map(top?.scope);
    for (const [name, value] of raw) {
      if (name === 'xmlns') scope.set('', value);
      else if (name.startsWith('xmlns:')) scope.set(name.slice(6), value);
    }
    const attrs = raw
      .filter(([name]) => name !== 'xmlns' && !name.startsWith('xmlns:'))
      .map(([name, value]) => ({ ...resolve(name, scope, true), value }));
    const node: Node = { ...resolve(qname, scope, false), attrs, children: [], text: '' };
    if (top) top.node.children.push(node);
    else root = node;
    if (m[5] !== '/') stack.push({ node, qname, scope });
  }
  if (stack.length > 0) throw new Error(`<${stack[stack.length - 1]!.qname}> is not closed`);
  if (!root) throw new Error('no XML element');
  return root;
}

const kid = (node: Node | undefined, local: string): Node | undefined => node?.children.find((c) => c.local === local);
const textOf = (node: Node | undefined): string | undefined => node?.text.trim() || undefined;
const descendant = (node: Node, local: string): Node | undefined =>
  node.local === local ? node : node.children.map((c) => descendant(c, local)).find(Boolean);

function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A payload from test/fixtures/mm7 with its `{{name}}` slots filled (values go in as they are: escape them first). */
function fixture(file: string, values: Record<string, string> = {}): string {
  const text = readFileSync(new URL(`../../fixtures/mm7/${file}`, import.meta.url), 'utf8').trimEnd();
  return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${file} wants {{${name}}}`);
    return value;
  });
}

// ---------------------------------------------------------------- MIME, its own way

function headerParams(value: string): { value: string; params: Record<string, string> } {
  const pieces = value.match(/(?:[^;"]|"(?:[^"\\]|\\.)*")+/g) ?? [];
  const params: Record<string, string> = {};
  for (const piece of pieces.slice(1)) {
    const eq = piece.indexOf('=');
    if (eq < 0) continue;
    params[piece.slice(0, eq).trim().toLowerCase()] = piece
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
  }
  return { value: (pieces[0] ?? '').trim().toLowerCase(), params };
}

interface Part {
  headers: Record<string, string>;
  body: Buffer;
}

/** Strict RFC 2046 with CRLF only: what we send must be exactly right. */
function splitParts(body: Buffer, boundary: string): Part[] {
  const open = Buffer.from(`--${boundary}\r\n`);
  const next = Buffer.from(`\r\n--${boundary}`);
  if (!body.subarray(0, open.length).equals(open)) throw new Error(`the body does not start with --${boundary} CRLF`);
  const parts: Part[] = [];
  let at = open.length;
  for (;;) {
    const end = body.indexOf(next, at);
    if (end < 0) throw new Error(`no closing --${boundary}--`);
    const raw = body.subarray(at, end);
    const split = raw.indexOf('\r\n\r\n');
    if (split < 0) throw new Error('a part without the empty line after its headers');
    const headers: Record<string, string> = {};
    for (const line of raw.subarray(0, split).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon <= 0) throw new Error(`bad header line "${line}"`);
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    parts.push({ headers, body: raw.subarray(split + 4) });
    const after = body.subarray(end + next.length, end + next.length + 2).toString('latin1');
    if (after === '--') return parts;
    if (after !== '\r\n') throw new Error('a boundary line with trailing junk');
    at = end + next.length + 2;
  }
}

const bareId = (id: string | undefined): string | undefined => id?.trim().replace(/^<(.*)>$/, '$1');

// ---------------------------------------------------------------- the MMSC

export interface Address {
  type: string;
  value: string;
}

export interface Submission {
  transactionId: string;
  mm7Version: string;
  vaspId: string;
  vasId: string;
  serviceCode: string | undefined;
  from: Address;
  to: Address[];
  deliveryReport: string | undefined;
  text: string;
  files: Array<{ contentType: string; name: string; data: Buffer }>;
}

export type Behaviour =
  | { kind: 'accept' }
  | { kind: 'status'; code: number; text: string; details?: string }
  | { kind: 'fault'; faultstring: string; code?: number }
  | { kind: 'http'; status: number; contentType?: string; body?: string }
  | { kind: 'hang' };

export interface Mmsc {
  url: string;
  /** Every well-formed SubmitReq that presented the right credentials, in order. */
  submissions: Submission[];
  /** Every rule our requests broke; tests assert it stays empty. */
  violations: string[];
  /** Requests refused for missing or wrong credentials. */
  refusedAuth: number;
  behaviour: Behaviour;
  stop(): Promise<void>;
}

// SubmitReq children we may send, in the order the schema's sequence has them.
const SUBMIT_ORDER = [
  'MM7Version',
  'SenderIdentification',
  'Recipients',
  'ServiceCode',
  'LinkedID',
  'MessageClass',
  'TimeStamp',
  'EarliestDeliveryTime',
  'ExpiryDate',
  'DeliveryReport',
  'Priority',
  'Content',
];

function need(condition: unknown, rule: string): asserts condition {
  if (!condition) throw new Error(rule);
}

function addressOf(element: Node | undefined, where: string): Address {
  need(
    element && ['Number', 'ShortCode', 'RFC2822Address'].includes(element.local) && element.ns === MM7_NS,
    `${where} needs a Number, ShortCode or RFC2822Address in the MM7 namespace`,
  );
  const value = textOf(element);
  need(value, `${where}/${element.local} is empty`);
  return { type: element.local, value };
}

function checkSubmit(contentType: string | undefined, body: Buffer): Submission {
  need(contentType, 'no Content-Type header');
  const ct = headerParams(contentType);
  need(ct.value === 'multipart/related', `Content-Type is ${ct.value}, not multipart/related`);
  need(ct.params.type?.toLowerCase() === 'text/xml', 'multipart/related without type="text/xml"');
  need(ct.params.boundary, 'multipart/related without boundary');
  need(ct.params.start, 'multipart/related without start');
  const parts = splitParts(body, ct.params.boundary);
  need(parts.length >= 2, 'a SubmitReq needs the SOAP part and a content part');
  const soap = parts[0]!;
  need(
    soap.headers['content-id'] === ct.params.start,
    `start="${ct.params.start}" is not the first part's Content-ID (${soap.headers['content-id']})`,
  );
  need(headerParams(soap.headers['content-type'] ?? '').value === 'text/xml', 'the SOAP part is not text/xml');

  const envelope = readXml(soap.body.toString('utf8'));
  need(envelope.local === 'Envelope' && envelope.ns === SOAP_ENV, 'the root is not a SOAP 1.1 Envelope');
  const header = kid(envelope, 'Header');
  need(header?.ns === SOAP_ENV, 'no SOAP Header');
  const tid = kid(header, 'TransactionID');
  need(tid?.ns === MM7_NS, 'no TransactionID in the MM7 namespace in the Header');
  need(
    tid.attrs.some((a) => a.ns === SOAP_ENV && a.local === 'mustUnderstand' && a.value === '1'),
    'TransactionID without env:mustUnderstand="1"',
  );
  const transactionId = textOf(tid);
  need(transactionId, 'empty TransactionID');
  const soapBody = kid(envelope, 'Body');
  need(soapBody?.ns === SOAP_ENV && soapBody.children.length === 1, 'the SOAP Body must hold exactly one element');
  const submit = soapBody.children[0]!;
  need(
    submit.local === 'SubmitReq' && submit.ns === MM7_NS,
    `the Body holds ${submit.local} in ${submit.ns}, not an MM7 SubmitReq`,
  );

  let last = -1;
  for (const child of submit.children) {
    const index = SUBMIT_ORDER.indexOf(child.local);
    need(index >= 0, `unexpected SubmitReq child <${child.local}>`);
    need(child.ns === MM7_NS, `<${child.local}> is not in the MM7 namespace`);
    need(index > last, `<${child.local}> is out of the schema's order`);
    last = index;
  }
  const mm7Version = textOf(kid(submit, 'MM7Version'));
  need(mm7Version && /^\d+\.\d+\.\d+$/.test(mm7Version), 'MM7Version missing or not x.y.z');
  const identification = kid(submit, 'SenderIdentification');
  const vaspId = textOf(kid(identification, 'VASPID'));
  const vasId = textOf(kid(identification, 'VASID'));
  need(vaspId && vasId, 'SenderIdentification needs VASPID and VASID');
  const senderAddress = kid(identification, 'SenderAddress');
  need(senderAddress?.children.length === 1, 'SenderAddress needs exactly one address element');
  const from = addressOf(senderAddress.children[0], 'SenderAddress');
  const to = kid(kid(submit, 'Recipients'), 'To');
  need(to && to.children.length > 0, 'Recipients/To missing or empty');
  const deliveryReport = textOf(kid(submit, 'DeliveryReport'));
  need(
    deliveryReport === undefined || deliveryReport === 'true' || deliveryReport === 'false',
    `DeliveryReport "${deliveryReport}" is not an xs:boolean`,
  );

  const href = kid(submit, 'Content')?.attrs.find((a) => a.local === 'href')?.value;
  need(href !== undefined && href.startsWith('cid:'), 'Content needs href="cid:…"');
  const cid = decodeURIComponent(href.slice(4));
  const content = parts.find((p) => bareId(p.headers['content-id']) === cid);
  need(content, `Content href="${href}" names no part`);
  const mm = headerParams(content.headers['content-type'] ?? '');
  need(
    mm.value === 'multipart/mixed' || mm.value === 'multipart/related',
    `the content part is ${mm.value}, not multipart`,
  );
  need(mm.params.boundary, 'the content multipart has no boundary');

  let text = '';
  const files: Submission['files'] = [];
  for (const part of splitParts(content.body, mm.params.boundary)) {
    const type = part.headers['content-type'];
    need(type, 'a content part without Content-Type');
    need(part.headers['content-id'], 'a content part without Content-ID');
    const encoding = (part.headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
    let data = part.body;
    if (encoding === 'base64') {
      const lines = part.body.toString('latin1').split('\r\n');
      need(
        lines.every((l) => l.length <= 76 && /^[A-Za-z0-9+/]*={0,2}$/.test(l)),
        'invalid base64 (or lines over 76 characters)',
      );
      const joined = lines.join('');
      need(joined.length % 4 === 0, 'base64 length is not a multiple of 4');
      data = Buffer.from(joined, 'base64');
    } else {
      need(
        encoding === '8bit' || encoding === 'binary' || !/[^\x00-\x7f]/.test(part.body.toString('latin1')),
        '8-bit bytes in a 7bit part',
      );
    }
    const parsed = headerParams(type);
    if (parsed.value === 'text/plain') {
      need(parsed.params.charset?.toLowerCase() === 'utf-8', 'text/plain without charset=utf-8');
      text += data.toString('utf8');
    } else {
      files.push({
        contentType: parsed.value,
        name: part.headers['content-location'] ?? parsed.params.name ?? '',
        data,
      });
    }
  }
  return {
    transactionId,
    mm7Version,
    vaspId,
    vasId,
    serviceCode: textOf(kid(submit, 'ServiceCode')),
    from,
    to: to.children.map((c) => addressOf(c, 'To')),
    deliveryReport,
    text,
    files,
  };
}

function soapAnswer(transactionId: string | undefined, inner: string): string {
  const header =
    transactionId === undefined
      ? ''
      : `<soap-env:Header><TransactionID xmlns="${MM7_NS}" soap-env:mustUnderstand="1">${escapeXml(transactionId)}</TransactionID></soap-env:Header>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<soap-env:Envelope xmlns:soap-env="${SOAP_ENV}">${header}<soap-env:Body>${inner}</soap-env:Body></soap-env:Envelope>`;
}

function statusXml(code: number, text: string, details?: string): string {
  return `<Status><StatusCode>${code}</StatusCode><StatusText>${escapeXml(text)}</StatusText>${details ? `<Details>${escapeXml(details)}</Details>` : ''}</Status>`;
}

function faultXml(faultcode: string, faultstring: string, code?: number): string {
  const detail =
    code === undefined
      ? ''
      : `<detail><RSErrorRsp xmlns="${MM7_NS}"><MM7Version>6.8.0</MM7Version>${statusXml(code, faultstring)}</RSErrorRsp></detail>`;
  return `<soap-env:Fault><faultcode>soap-env:${faultcode}</faultcode><faultstring>${escapeXml(faultstring)}</faultstring>${detail}</soap-env:Fault>`;
}

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startMmsc(credentials: { username: string; password: string }): Promise<Mmsc> {
  const expected = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  let count = 0;
  const hanging = new Set<ServerResponse>();
  const send = (res: ServerResponse, status: number, xml: string) =>
    res.writeHead(status, { 'Content-Type': 'text/xml; charset=utf-8' }).end(xml);

  const server = createServer(async (req, res) => {
    const body = await bodyOf(req);
    if (req.method !== 'POST') {
      mmsc.violations.push(`${req.method} instead of POST`);
      return res.writeHead(405).end();
    }
    if (req.headers.authorization !== expected) {
      mmsc.refusedAuth++;
      return res
        .writeHead(401, { 'WWW-Authenticate': 'Basic realm="MMSC"', 'Content-Type': 'text/plain' })
        .end('Unauthorized');
    }
    let submission: Submission;
    try {
      if (req.headers.soapaction === undefined) throw new Error('no SOAPAction header');
      submission = checkSubmit(req.headers['content-type'], body);
    } catch (error) {
      const rule = (error as Error).message;
      mmsc.violations.push(rule);
      return send(res, 500, soapAnswer(undefined, faultXml('Client', rule, 4004)));
    }
    mmsc.submissions.push(submission);
    const b = mmsc.behaviour;
    const tid = submission.transactionId;
    if (b.kind === 'hang') {
      hanging.add(res);
      return;
    }
    if (b.kind === 'http')
      return res
        .writeHead(b.status, { 'Content-Type': b.contentType ?? 'text/html' })
        .end(b.body ?? '<html><body>Service Unavailable</body></html>');
    if (b.kind === 'fault') return send(res, 500, soapAnswer(tid, faultXml('Server', b.faultstring, b.code)));
    const status = b.kind === 'status' ? statusXml(b.code, b.text, b.details) : statusXml(1000, 'Success');
    const messageId = b.kind === 'accept' || b.code === 1100 ? `<MessageID>mmsc-${++count}</MessageID>` : '';
    return send(
      res,
      200,
      soapAnswer(tid, `<SubmitRsp xmlns="${MM7_NS}"><MM7Version>6.8.0</MM7Version>${status}${messageId}</SubmitRsp>`),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const mmsc: Mmsc = {
    url: `http://127.0.0.1:${port}/mm7`,
    submissions: [],
    violations: [],
    refusedAuth: 0,
    behaviour: { kind: 'accept' },
    async stop() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return mmsc;
}

// ---------------------------------------------------------------- the MMSC posting to a VASP

export interface DeliverPart {
  contentType: string;
  /** A string is written in `charset` (UTF-8 unless iso-8859-1 / us-ascii). */
  body: Buffer | string;
  charset?: string;
  encoding?: 'base64' | 'quoted-printable' | '7bit' | '8bit' | 'binary';
  location?: string;
}

export interface DeliverOptions {
  /** null leaves the TransactionID out. */
  transactionId?: string | null;
  /** Written as given, e.g. "4915112345678/TYPE=PLMN". */
  sender?: string;
  senderElement?: 'Number' | 'ShortCode' | 'RFC2822Address';
  recipient?: string;
  parts: DeliverPart[];
  /** Adds the SMIL presentation part a handset sends, as the multipart/related start. */
  smil?: boolean;
  /** Replaces the SOAP envelope, for malformed-XML cases. */
  xml?: string;
}

export interface PostedRequest {
  contentType: string;
  body: Buffer;
}

function quotedPrintable(bytes: Buffer): string {
  let out = '';
  let line = 0;
  for (const [i, byte] of bytes.entries()) {
    // A space before a line end must be encoded: readers drop trailing whitespace as transport padding.
    const trailing = byte === 32 && (i === bytes.length - 1 || bytes[i + 1] === 0x0a || bytes[i + 1] === 0x0d);
    const literal = (byte >= 33 && byte <= 126 && byte !== 61) || (byte === 32 && !trailing);
    const piece =
      byte === 0x0a
        ? '\r\n'
        : byte === 0x0d
          ? ''
          : literal
            ? String.fromCharCode(byte)
            : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    if (piece === '\r\n') line = 0;
    else if (line + piece.length > 75) {
      out += '=\r\n';
      line = 0;
    }
    out += piece;
    line += piece.length;
  }
  return out;
}

function encodedPart(part: DeliverPart, index: number): Buffer {
  const latin = part.charset && /^(iso-8859-1|us-ascii)$/i.test(part.charset);
  const bytes = typeof part.body === 'string' ? Buffer.from(part.body, latin ? 'latin1' : 'utf8') : part.body;
  const encoding = part.encoding ?? 'binary';
  const encoded =
    encoding === 'base64'
      ? Buffer.from((bytes.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n'))
      : encoding === 'quoted-printable'
        ? Buffer.from(quotedPrintable(bytes), 'latin1')
        : bytes;
  const type = part.charset ? `${part.contentType}; charset=${part.charset}` : part.contentType;
  const location = part.location ?? `part${index}`;
  return Buffer.concat([
    Buffer.from(
      `Content-Type: ${type}\r\nContent-ID: <${location}>\r\nContent-Location: ${location}\r\nContent-Transfer-Encoding: ${encoding}\r\n\r\n`,
    ),
    encoded,
  ]);
}

function multipart(parts: Buffer[], boundary: string): Buffer {
  return Buffer.concat([
    ...parts.flatMap((p) => [Buffer.from(`--${boundary}\r\n`), p, Buffer.from('\r\n')]),
    Buffer.from(`--${boundary}--\r\n`),
  ]);
}

/** An MM7_deliver.REQ as an MMSC sends one: SOAP envelope, then the MM as multipart/related (SMIL first) or mixed. */
export function deliverReq(options: DeliverOptions): PostedRequest {
  const tid = options.transactionId === undefined ? `mmsc-${randomBytes(4).toString('hex')}` : options.transactionId;
  const element = options.senderElement ?? 'Number';
  const xml =
    options.xml ??
    fixture('deliver-req.xml', {
      transactionHeader:
        tid === null
          ? ''
          : `<TransactionID xmlns="${MM7_NS}" soap-env:mustUnderstand="1">${escapeXml(tid)}</TransactionID>`,
      linkedId: randomBytes(6).toString('hex'),
      senderElement: element,
      sender: escapeXml(options.sender ?? '4915112345678'),
      recipient: escapeXml(options.recipient ?? '4930123456789'),
    });
  const inner = `----=_Part_inner_${randomBytes(4).toString('hex')}`;
  const outer = `----=_Part_outer_${randomBytes(4).toString('hex')}`;
  const slides = options.parts.map(encodedPart);
  const smil = Buffer.from(
    `Content-Type: application/smil; charset=utf-8\r\nContent-ID: <smil>\r\nContent-Location: smil.xml\r\n\r\n${fixture('slide.smil')}`,
  );
  const contentType = options.smil
    ? `multipart/related; type="application/smil"; start="<smil>"; boundary="${inner}"`
    : `multipart/mixed; boundary="${inner}"`;
  const content = Buffer.concat([
    Buffer.from(`Content-Type: ${contentType}\r\nContent-ID: <mm-content@mmsc.example.net>\r\n\r\n`),
    multipart(options.smil ? [smil, ...slides] : slides, inner),
  ]);
  const soap = Buffer.concat([
    Buffer.from('Content-Type: text/xml; charset="utf-8"\r\nContent-ID: <mm7-deliver@mmsc.example.net>\r\n\r\n'),
    Buffer.from(xml, 'utf8'),
  ]);
  return {
    contentType: `multipart/related; type="text/xml"; start="<mm7-deliver@mmsc.example.net>"; boundary="${outer}"`,
    body: multipart([soap, content], outer),
  };
}

export interface ReportOptions {
  transactionId?: string;
  messageId: string;
  mmStatus: string;
  /** Sent as multipart/related with the envelope as its only part instead of bare text/xml. */
  multipart?: boolean;
}

/** An MM7_delivery_report.REQ: no content, so a bare text/xml SOAP message unless asked otherwise. */
export function deliveryReportReq(options: ReportOptions): PostedRequest {
  const xml = fixture('delivery-report-req.xml', {
    transactionId: escapeXml(options.transactionId ?? `dr-${randomBytes(4).toString('hex')}`),
    messageId: escapeXml(options.messageId),
    mmStatus: escapeXml(options.mmStatus),
  });
  if (!options.multipart) return { contentType: 'text/xml; charset=utf-8', body: Buffer.from(xml) };
  const boundary = `dr_${randomBytes(4).toString('hex')}`;
  return {
    contentType: `multipart/related; type="text/xml"; start="<dr@mmsc>"; boundary="${boundary}"`,
    body: multipart(
      [Buffer.from(`Content-Type: text/xml; charset=utf-8\r\nContent-ID: <dr@mmsc>\r\n\r\n${xml}`)],
      boundary,
    ),
  };
}

export interface HttpAnswer {
  status: number;
  contentType: string | null;
  wwwAuthenticate: string | null;
  body: string;
}

/** POSTs to a VASP; `auth` is the credentials, a raw Authorization value, or nothing. */
export async function post(
  url: string,
  request: { contentType?: string; body: Buffer | string },
  auth?: { username: string; password: string } | string,
): Promise<HttpAnswer> {
  const authorization =
    typeof auth === 'string'
      ? auth
      : auth && `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      SOAPAction: '""',
      ...(request.contentType ? { 'Content-Type': request.contentType } : {}),
      ...(authorization ? { Authorization: authorization } : {}),
    },
    body: typeof request.body === 'string' ? request.body : new Uint8Array(request.body),
  });
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    wwwAuthenticate: res.headers.get('www-authenticate'),
    body: await res.text(),
  };
}

/** The VASP's answer as an MMSC reads it. */
export function readAnswer(body: string): {
  kind: string;
  transactionId: string | undefined;
  statusCode: number | undefined;
  faultstring: string | undefined;
} {
  const envelope = readXml(body);
  if (envelope.local !== 'Envelope' || envelope.ns !== SOAP_ENV)
    throw new Error('the answer is not a SOAP 1.1 envelope');
  const header = kid(envelope, 'Header');
  const tid = kid(header, 'TransactionID');
  const first = kid(envelope, 'Body')?.children[0];
  if (!first) throw new Error('the answer has an empty Body');
  const code = descendant(first, 'StatusCode');
  return {
    kind: first.local,
    transactionId: tid?.ns === MM7_NS ? textOf(tid) : undefined,
    statusCode: code ? Number(textOf(code)) : undefined,
    faultstring: textOf(kid(first, 'faultstring')),
  };
}
