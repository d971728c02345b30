import { decodeText, normaliseContentId, parseContentType, splitMultipart, type MimePart } from './mime.ts';
import { statusText } from './status.ts';
import { childElement, childText, escapeXml, parseXml, type XmlElement } from './xml.ts';

/**
 * The MM7 schema we write: Release 6, schema 1.4, MM7Version 6.8.0 — the newest version carriers and aggregators
 * commonly list (Sinch, Momentum, Vibes accept 5.3.0 and 6.8.0). What we read is matched on local names, so
 * MMSCs on 5.x or other Rel-6 schemas are understood too.
 */
export const MM7_NAMESPACE = 'http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-6-MM7-1-4';
export const MM7_VERSION = '6.8.0';
export const SOAP_ENVELOPE_NAMESPACE = 'http://schemas.xmlsoap.org/soap/envelope/';

/** MM7 elements as data: a name, its text or child elements, and attributes. */
export type Children = Array<[name: string, content: string | Children, attributes?: Record<string, string>]>;

/** Markup in the mm7: namespace; every text and attribute value is escaped. */
export function mm7Xml(children: Children): string {
  return children
    .map(([name, content, attributes = {}]) => {
      const open = `mm7:${name}${Object.entries(attributes)
        .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
        .join('')}`;
      if (content === '' || content.length === 0) return `<${open}/>`;
      return `<${open}>${typeof content === 'string' ? escapeXml(content) : mm7Xml(content)}</mm7:${name}>`;
    })
    .join('');
}

/** A SOAP 1.1 envelope with the TransactionID header MM7 requires; `bodyXml` is markup built by mm7Xml. */
export function envelope(transactionId: string | undefined, bodyXml: string): string {
  const header =
    transactionId === undefined
      ? ''
      : `<env:Header><mm7:TransactionID env:mustUnderstand="1">${escapeXml(transactionId)}</mm7:TransactionID></env:Header>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\r\n<env:Envelope xmlns:env="${SOAP_ENVELOPE_NAMESPACE}" xmlns:mm7="${MM7_NAMESPACE}">${header}<env:Body>${bodyXml}</env:Body></env:Envelope>\r\n`;
}

export interface Status {
  code: number;
  text?: string;
  details?: string;
}

function statusChildren(status: Status): Children {
  const children: Children = [
    ['StatusCode', String(status.code)],
    ['StatusText', status.text ?? statusText(status.code)],
  ];
  if (status.details) children.push(['Details', status.details]);
  return children;
}

/** DeliverRsp, DeliveryReportRsp…: MM7Version and Status, nothing else is required of a VASP's response. */
export function responseEnvelope(transactionId: string, kind: string, status: Status): string {
  return envelope(
    transactionId,
    mm7Xml([
      [
        kind,
        [
          ['MM7Version', MM7_VERSION],
          ['Status', statusChildren(status)],
        ],
      ],
    ]),
  );
}

/** A SOAP 1.1 Fault whose detail is the VASPErrorRsp TS 23.140 defines for a request the VASP cannot process. */
export function faultEnvelope(
  transactionId: string | undefined,
  faultcode: 'Client' | 'Server',
  faultstring: string,
  status: Status,
): string {
  const detail = mm7Xml([
    [
      'VASPErrorRsp',
      [
        ['MM7Version', MM7_VERSION],
        ['Status', statusChildren(status)],
      ],
    ],
  ]);
  return envelope(
    transactionId,
    `<env:Fault><faultcode>env:${faultcode}</faultcode><faultstring>${escapeXml(faultstring)}</faultstring><detail>${detail}</detail></env:Fault>`,
  );
}

export interface SoapMessage {
  transactionId: string | undefined;
  /** The first element inside env:Body: SubmitRsp, DeliverReq, Fault… */
  body: XmlElement;
  /** The MIME parts after the SOAP part; empty for a bare text/xml message. */
  attachments: MimePart[];
}

const XML_TYPES = new Set(['text/xml', 'application/xml']);

/**
 * Reads an MM7 HTTP body: a bare text/xml SOAP message, or multipart/related whose start part (else the first)
 * is the SOAP envelope. Throws with a readable reason when it is neither.
 */
export function readSoapMessage(contentTypeHeader: string | undefined, body: Buffer): SoapMessage {
  const contentType = parseContentType(contentTypeHeader);
  if (!contentType)
    throw new Error(
      contentTypeHeader ? `unreadable Content-Type "${contentTypeHeader.slice(0, 80)}"` : 'no Content-Type',
    );
  let xml: string;
  let attachments: MimePart[] = [];
  if (XML_TYPES.has(contentType.type)) {
    xml = decodeText(body, contentType.params.get('charset'));
  } else if (contentType.type === 'multipart/related') {
    const boundary = contentType.params.get('boundary');
    if (!boundary && body.toString('latin1').trimStart().startsWith('<')) {
      // Aggregators' MM7 guides show delivery reports labelled multipart/related without a boundary, the body bare XML.
      xml = decodeText(body, undefined);
    } else {
      if (!boundary) throw new Error('multipart/related without a boundary parameter');
      const parts = splitMultipart(body, boundary);
      const start = contentType.params.get('start');
      const index =
        start === undefined
          ? 0
          : parts.findIndex((p) => normaliseContentId(p.headers.get('content-id') ?? '') === normaliseContentId(start));
      const root = parts[index];
      if (!root) throw new Error(`no MIME part has the Content-ID named by start="${start}"`);
      const rootType = parseContentType(root.headers.get('content-type') ?? 'text/xml');
      if (!rootType || !XML_TYPES.has(rootType.type))
        throw new Error(`the SOAP part is ${root.headers.get('content-type')}, not text/xml`);
      xml = decodeText(root.body, rootType.params.get('charset'));
      attachments = parts.filter((_, i) => i !== index);
    }
  } else {
    throw new Error(`Content-Type ${contentType.type} is not an MM7 message (expected multipart/related or text/xml)`);
  }

  const root = parseXml(xml);
  if (root.name !== 'Envelope') throw new Error(`the XML root is <${root.name}>, not a SOAP Envelope`);
  if (root.namespace !== SOAP_ENVELOPE_NAMESPACE)
    throw new Error(`the Envelope's namespace is "${root.namespace}", not SOAP 1.1 (${SOAP_ENVELOPE_NAMESPACE})`);
  const header = childElement(root, 'Header');
  const transactionId = header && childText(header, 'TransactionID');
  const soapBody = childElement(root, 'Body');
  if (!soapBody) throw new Error('the Envelope has no Body');
  const first = soapBody.children[0];
  if (!first) throw new Error('the SOAP Body is empty');
  return { transactionId, body: first, attachments };
}
