import { createHash, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import type { ChannelSink, DeliveryReport, InboundText } from '../types.ts';
import { addressesIn, recipientOf } from './address.ts';
import { messageContent } from './content.ts';
import { faultEnvelope, readSoapMessage, responseEnvelope, type SoapMessage, type Status } from './soap.ts';
import { childElement, childText, type XmlElement } from './xml.ts';

export interface Mm7Inbound {
  contentType: string | undefined;
  authorization: string | undefined;
  body: Buffer;
}

export interface Mm7Answer {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
}

const XML = 'text/xml; charset=utf-8';
const AUTH_REQUIRED = 'this MM7 endpoint needs HTTP basic auth with the credentials configured for the connection';

/**
 * MMStatus of a DeliveryReportReq (TS 23.140: Expired, Retrieved, Rejected, Deferred, Unrecognised, Indeterminate,
 * Forwarded; Rel-6 adds DeliveryConditionNotMet) to our final states; null means "not final, nothing to report".
 * Indeterminate is not a failure: the MMSC cannot tell, mostly because the handset sends no reports, and calling it
 * failed would have agents resend a message that probably arrived. Unrecognized, Unreachable and NotSupported are
 * spellings and additions aggregators document (Sinch, Skycore).
 */
const REPORT_STATES: Record<string, DeliveryReport['state'] | null> = {
  retrieved: 'delivered',
  expired: 'expired',
  rejected: 'failed',
  unrecognised: 'failed',
  unrecognized: 'failed',
  deliveryconditionnotmet: 'failed',
  unreachable: 'failed',
  notsupported: 'failed',
  deferred: null,
  forwarded: null,
  indeterminate: null,
};

export interface ReceiveContext {
  sink: ChannelSink | null;
  /** The [[mm7]] connection's name: reports are matched to the messages it sent. */
  connection: string;
  inboundUsername: string;
  inboundPassword: string;
  realm: string;
  log: Logger;
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

export function authorised(header: string | undefined, username: string, password: string): boolean {
  const m = /^Basic[ \t]+([A-Za-z0-9+/]+={0,2})[ \t]*$/i.exec(header ?? '');
  if (!m) return false;
  // Comparing digests keeps the comparison constant-time whatever the lengths.
  return timingSafeEqual(digest(Buffer.from(m[1]!, 'base64').toString('utf8')), digest(`${username}:${password}`));
}

/**
 * SOAP 1.1 sends every fault with HTTP 500. Client faults are the MMSC's to fix; Server faults ask it to retry.
 * The reason goes in faultstring as well as in Details, as MMSC logs show the one or the other.
 */
function fault(
  transactionId: string | undefined,
  faultcode: 'Client' | 'Server',
  status: Status & { details: string },
): Mm7Answer {
  return { status: 500, contentType: XML, body: faultEnvelope(transactionId, faultcode, status.details, status) };
}

function answered(transactionId: string, kind: string): Mm7Answer {
  return { status: 200, contentType: XML, body: responseEnvelope(transactionId, kind, { code: 1000 }) };
}

async function deliver(
  transactionId: string,
  message: SoapMessage,
  ctx: ReceiveContext & { sink: ChannelSink },
): Promise<Mm7Answer> {
  const request = message.body;
  let from: string | undefined;
  let to: string | undefined;
  try {
    const sender = childElement(request, 'Sender');
    const recipients = childElement(request, 'Recipients');
    from = sender && addressesIn(sender)[0]?.address;
    to = recipients && recipientOf(recipients);
  } catch (error) {
    return fault(transactionId, 'Client', { code: 2002, details: `DeliverReq: ${(error as Error).message}` });
  }
  if (!from) return fault(transactionId, 'Client', { code: 2002, details: 'DeliverReq has no Sender address' });
  if (!to) return fault(transactionId, 'Client', { code: 2002, details: 'DeliverReq has no Recipients/To address' });

  if (message.attachments.length === 0) {
    return fault(transactionId, 'Client', {
      code: 2007,
      details: 'a DeliverReq must be multipart/related, the message content in the part after the SOAP envelope',
    });
  }
  let text: InboundText;
  try {
    const content = messageContent(message.attachments, childElement(request, 'Content')?.attributes.get('href'));
    text = { from, to, text: content.text, ...(content.files.length > 0 ? { files: content.files } : {}) };
  } catch (error) {
    return fault(transactionId, 'Client', { code: 2007, details: `DeliverReq content: ${(error as Error).message}` });
  }

  try {
    await ctx.sink.inbound(text);
  } catch (error) {
    ctx.log.error(
      { err: error, from, to, transactionId },
      'MM7 DeliverReq could not be stored; the MMSC is asked to retry',
    );
    return fault(transactionId, 'Server', { code: 3000, details: 'the message could not be stored; please retry' });
  }
  return answered(transactionId, 'DeliverRsp');
}

async function deliveryReport(
  transactionId: string,
  request: XmlElement,
  ctx: ReceiveContext & { sink: ChannelSink },
): Promise<Mm7Answer> {
  const messageId = childText(request, 'MessageID');
  const mmStatus = childText(request, 'MMStatus');
  if (!messageId) return fault(transactionId, 'Client', { code: 2007, details: 'DeliveryReportReq has no MessageID' });
  if (!mmStatus) return fault(transactionId, 'Client', { code: 2007, details: 'DeliveryReportReq has no MMStatus' });
  const state = REPORT_STATES[mmStatus.toLowerCase()];
  if (state === undefined)
    ctx.log.warn({ messageId, mmStatus }, 'MM7 delivery report with an unknown MMStatus; ignored');
  if (state) {
    try {
      await ctx.sink.report({
        connection: ctx.connection,
        carrierId: messageId,
        state,
        ...(state === 'delivered' ? {} : { errorCode: mmStatus }),
      });
    } catch (error) {
      ctx.log.error(
        { err: error, messageId, transactionId },
        'MM7 delivery report could not be stored; the MMSC is asked to retry',
      );
      return fault(transactionId, 'Server', { code: 3000, details: 'the report could not be stored; please retry' });
    }
  }
  return answered(transactionId, 'DeliveryReportRsp');
}

/** One POST from the MMSC, answered; never rejects. */
export async function receiveRequest(request: Mm7Inbound, ctx: ReceiveContext): Promise<Mm7Answer> {
  if (!authorised(request.authorization, ctx.inboundUsername, ctx.inboundPassword)) {
    return {
      status: 401,
      contentType: XML,
      body: faultEnvelope(undefined, 'Client', AUTH_REQUIRED, { code: 4001, details: AUTH_REQUIRED }),
      headers: { 'WWW-Authenticate': `Basic realm="${ctx.realm.replace(/["\\]/g, '')}", charset="UTF-8"` },
    };
  }
  let message: SoapMessage;
  try {
    message = readSoapMessage(request.contentType, request.body);
  } catch (error) {
    return fault(undefined, 'Client', { code: 2007, details: (error as Error).message });
  }
  const transactionId = message.transactionId;
  if (!transactionId)
    return fault(undefined, 'Client', { code: 2007, details: 'the SOAP Header has no TransactionID' });
  const sink = ctx.sink;
  if (!sink)
    return fault(transactionId, 'Server', { code: 3000, details: 'this MM7 connection is not running; please retry' });

  const kind = message.body.name;
  if (kind === 'DeliverReq') return deliver(transactionId, message, { ...ctx, sink });
  if (kind === 'DeliveryReportReq') return deliveryReport(transactionId, message.body, { ...ctx, sink });
  return fault(transactionId, 'Client', {
    code: 4003,
    details: `${kind} is not taken here; this endpoint takes DeliverReq and DeliveryReportReq`,
  });
}
