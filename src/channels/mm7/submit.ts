import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { OutboundText, SendOutcome } from '../types.ts';
import { addressForSubmit } from './address.ts';
import { base64Lines, buildMultipart, type PartToWrite } from './mime.ts';
import { envelope, MM7_VERSION, mm7Xml, readSoapMessage, type Children } from './soap.ts';
import { describeStatus, isRetryable, isSuccess } from './status.ts';
import { childElement, childText, findElement, type XmlElement } from './xml.ts';

export interface SubmitSettings {
  vaspId: string;
  vasId: string;
  serviceCode?: string;
}

export interface SubmitRequest {
  transactionId: string;
  contentType: string;
  /** Over an ArrayBuffer, as fetch takes it. */
  body: Buffer<ArrayBuffer>;
}

/** Content-Location and name= are header values: ASCII only, no quotes; the stored display name may hold anything. */
function asciiName(filename: string, index: number): string {
  const cleaned = filename.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '');
  return cleaned || `file${index + 1}`;
}

/**
 * The HTTP body of one MM7_submit.REQ: multipart/related with the SOAP envelope first and the message content
 * second, the content a multipart/mixed of the text and the files. Every content part goes base64 in 76-character
 * lines: it is the encoding TS 23.140's own SubmitReq example uses and that every MIME parser reads, and it keeps the
 * body 7-bit clean through whatever proxies sit in front of the MMSC. Throws when a file cannot be read or an address
 * cannot be written.
 */
export async function buildSubmitRequest(
  settings: SubmitSettings,
  message: OutboundText & { to: string },
): Promise<SubmitRequest> {
  const transactionId = randomUUID();
  const token = randomBytes(12).toString('hex');
  const soapId = `soap.${token}@switchboard`;
  const contentId = `content.${token}@switchboard`;
  // '=_' never occurs in base64 and the random part never in the envelope, so the boundaries cannot clash with content.
  const outer = `=_mm7.${token}`;
  const inner = `=_mm7c.${token}`;

  const sender = addressForSubmit(message.from, 'sender');
  const recipient = addressForSubmit(message.to, 'recipient');

  const parts: PartToWrite[] = [];
  if (message.text !== '') {
    parts.push({
      headers: [
        ['Content-Type', 'text/plain; charset=utf-8'],
        ['Content-ID', `<text.${token}@switchboard>`],
        ['Content-Location', 'text.txt'],
        ['Content-Transfer-Encoding', 'base64'],
      ],
      body: base64Lines(Buffer.from(message.text, 'utf8')),
    });
  }
  const used = new Set<string>(['text.txt']);
  for (const [i, file] of message.files.entries()) {
    let name = asciiName(file.filename, i);
    if (used.has(name)) name = `${i + 1}_${name}`;
    used.add(name);
    parts.push({
      headers: [
        ['Content-Type', `${file.contentType}; name="${name}"`],
        ['Content-ID', `<part${i + 1}.${token}@switchboard>`],
        ['Content-Location', name],
        ['Content-Transfer-Encoding', 'base64'],
      ],
      body: base64Lines(await readFile(file.path)),
    });
  }
  if (parts.length === 0) throw new Error('nothing to send: the message has no text and no files');

  const body: Children = [
    ['MM7Version', MM7_VERSION],
    [
      'SenderIdentification',
      [
        ['VASPID', settings.vaspId],
        ['VASID', settings.vasId],
        ['SenderAddress', [[sender.element, sender.value]]],
      ],
    ],
    ['Recipients', [['To', [[recipient.element, recipient.value]]]]],
  ];
  if (settings.serviceCode) body.push(['ServiceCode', settings.serviceCode]);
  body.push(['DeliveryReport', 'true'], ['Content', [], { href: `cid:${contentId}` }]);

  const content = buildMultipart(parts, inner);
  return {
    transactionId,
    contentType: `multipart/related; type="text/xml"; start="<${soapId}>"; boundary="${outer}"`,
    body: buildMultipart(
      [
        {
          headers: [
            ['Content-Type', 'text/xml; charset=utf-8'],
            ['Content-ID', `<${soapId}>`],
          ],
          body: Buffer.from(envelope(transactionId, mm7Xml([['SubmitReq', body]])), 'utf8'),
        },
        {
          headers: [
            ['Content-Type', `multipart/mixed; boundary="${inner}"`],
            ['Content-ID', `<${contentId}>`],
          ],
          body: content,
        },
      ],
      outer,
    ),
  };
}

export interface SubmitAnswer {
  outcome: SendOutcome;
  /** False when the MMSC did not answer as an MMSC (HTTP 5xx without an MM7 body): the link counts as down. */
  healthy: boolean;
}

function fromStatus(status: XmlElement | undefined, messageId: string | undefined, prefix = ''): SendOutcome | null {
  const raw = status && childText(status, 'StatusCode');
  if (raw === undefined || !/^\d+$/.test(raw)) return null;
  const code = Number(raw);
  if (isSuccess(code)) return { ok: true, carrierIds: messageId ? [messageId] : [] };
  const reason = describeStatus(code, childText(status!, 'StatusText'), childText(status!, 'Details'));
  return { ok: false, retry: isRetryable(code), code: raw, reason: `${prefix}${reason}` };
}

/** What an MMSC's HTTP answer to our SubmitReq means for the message. */
export function readSubmitAnswer(httpStatus: number, contentType: string | undefined, body: Buffer): SubmitAnswer {
  if (httpStatus === 401 || httpStatus === 403) {
    return {
      outcome: {
        ok: false,
        retry: false,
        code: `http-${httpStatus}`,
        reason: `the MMSC refused our credentials (HTTP ${httpStatus}): check username and password of this MM7 connection`,
      },
      healthy: true,
    };
  }
  let rsp: XmlElement;
  try {
    rsp = readSoapMessage(contentType, body).body;
  } catch (error) {
    const why = (error as Error).message;
    if (httpStatus >= 500)
      return {
        outcome: {
          ok: false,
          retry: true,
          code: `http-${httpStatus}`,
          reason: `the MMSC answered HTTP ${httpStatus} without an MM7 answer (${why})`,
        },
        healthy: false,
      };
    if (httpStatus >= 200 && httpStatus < 300) {
      return {
        outcome: {
          ok: false,
          retry: false,
          code: 'invalid-answer',
          reason: `the MMSC's answer could not be read (${why}); it may or may not have accepted the message`,
        },
        healthy: true,
      };
    }
    return {
      outcome: {
        ok: false,
        retry: false,
        code: `http-${httpStatus}`,
        reason: `the MMSC answered HTTP ${httpStatus} (${why}): check the MMSC URL`,
      },
      healthy: true,
    };
  }

  if (rsp.name === 'Fault') {
    const faultstring = childText(rsp, 'faultstring') ?? 'no faultstring';
    const detail = childElement(rsp, 'detail');
    const status = detail && findElement(detail, 'Status');
    const outcome = fromStatus(status, undefined, `SOAP fault "${faultstring}": `);
    if (outcome && !outcome.ok) return { outcome, healthy: true };
    return {
      outcome: {
        ok: false,
        retry: false,
        code: 'soap-fault',
        reason: `the MMSC answered with a SOAP fault (${childText(rsp, 'faultcode') ?? 'no faultcode'}): ${faultstring}`,
      },
      healthy: true,
    };
  }
  if (rsp.name === 'SubmitRsp' || rsp.name === 'RSErrorRsp') {
    const outcome = fromStatus(childElement(rsp, 'Status'), childText(rsp, 'MessageID'));
    if (outcome) return { outcome, healthy: true };
    return {
      outcome: {
        ok: false,
        retry: false,
        code: 'invalid-answer',
        reason: `the MMSC's ${rsp.name} has no numeric Status/StatusCode`,
      },
      healthy: true,
    };
  }
  return {
    outcome: {
      ok: false,
      retry: false,
      code: 'invalid-answer',
      reason: `the MMSC answered <${rsp.name}>, not SubmitRsp`,
    },
    healthy: true,
  };
}
