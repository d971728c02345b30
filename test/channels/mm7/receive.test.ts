import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import pino from 'pino';
import { createMm7Channel } from '../../../src/channels/mm7/channel.ts';
import type { InboundText, MessagingReport } from '../../../src/channels/types.ts';
import { serveChannel } from './endpoint.ts';
import { deliverReq, deliveryReportReq, MM7_NS, post, readAnswer, SOAP_ENV, type HttpAnswer } from './mmsc.ts';

const log = pino({ level: 'silent' });
const LOGIN = { username: 'carrier-mmsc', password: 'inbound-password' };
const JPEG = Buffer.from([
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x00, 0x0d, 0x0a, 0x2d, 0x2d, 0xff, 0xfe,
  0x80, 0xff, 0xd9,
]);

async function rig(t: TestContext, options: { sinkThrows?: boolean } = {}) {
  const inbound: InboundText[] = [];
  const reports: MessagingReport[] = [];
  const channel = createMm7Channel(
    {
      name: 'carrier-mmsc',
      url: 'http://127.0.0.1:1/unused',
      vaspId: 'vasp',
      vasId: 'vas',
      inboundUsername: LOGIN.username,
      inboundPassword: LOGIN.password,
      timeoutMs: 1000,
    },
    log,
  );
  channel.start({
    async inbound(text) {
      if (options.sinkThrows) throw new Error('database is locked');
      inbound.push(text);
    },
    async report(report) {
      reports.push(report);
    },
    async reaction() {},
    async templates() {},
  });
  const endpoint = await serveChannel(channel);
  t.after(async () => {
    await endpoint.close();
    await channel.stop();
  });
  return { url: endpoint.url, inbound, reports };
}

/** A fault with HTTP 500, MM7 status `code` and a faultstring matching `reason`. */
function assertFault(answer: HttpAnswer, code: number, reason: RegExp): void {
  assert.equal(answer.status, 500, answer.body);
  const read = readAnswer(answer.body);
  assert.equal(read.kind, 'Fault');
  assert.equal(read.statusCode, code, answer.body);
  assert.match(read.faultstring ?? '', reason);
}

test('a DeliverReq with UTF-8 quoted-printable and ISO-8859-1 text, a base64 JPEG and SMIL reaches the sink; DeliverRsp 1000 echoes the TransactionID', async (t) => {
  const { url, inbound } = await rig(t);
  const answer = await post(
    url,
    deliverReq({
      transactionId: 'mmsc-tx-0042',
      smil: true,
      parts: [
        {
          contentType: 'text/plain',
          charset: 'utf-8',
          encoding: 'quoted-printable',
          body: `Grüße aus Köln 😀 — ${'a long line '.repeat(10)}`,
          location: 'text1.txt',
        },
        { contentType: 'image/jpeg', encoding: 'base64', body: JPEG, location: 'photo.jpg' },
        {
          contentType: 'text/plain',
          charset: 'iso-8859-1',
          encoding: '8bit',
          body: 'Ça coûte 5 €?'.replace('€', 'EUR'),
          location: 'text2.txt',
        },
      ],
    }),
    LOGIN,
  );
  assert.equal(answer.status, 200, answer.body);
  assert.deepEqual(readAnswer(answer.body), {
    kind: 'DeliverRsp',
    transactionId: 'mmsc-tx-0042',
    statusCode: 1000,
    faultstring: undefined,
  });
  assert.equal(inbound.length, 1);
  const [message] = inbound;
  assert.equal(message?.from, '+4915112345678');
  assert.equal(message?.to, '+4930123456789');
  assert.equal(message?.text, `Grüße aus Köln 😀 — ${'a long line '.repeat(10)}\nÇa coûte 5 EUR?`);
  assert.deepEqual(
    message?.files?.map((f) => [f.contentType, f.filename]),
    [['image/jpeg', 'photo.jpg']],
  );
  assert.ok(message?.files?.[0]?.data.equals(JPEG), 'the JPEG is byte-identical');
});

test('7bit, binary and base64 text parts and an unlabelled charset decode; a lone image has no text', async (t) => {
  const { url, inbound } = await rig(t);
  const parts = [
    { contentType: 'text/plain', encoding: '7bit' as const, body: 'plain ascii' },
    { contentType: 'text/plain', charset: 'UTF-8', encoding: 'binary' as const, body: 'binär ✓' },
    { contentType: 'text/plain', charset: 'utf-8', encoding: 'base64' as const, body: 'base64 ✓' },
  ];
  assert.equal((await post(url, deliverReq({ parts }), LOGIN)).status, 200);
  assert.equal(inbound[0]?.text, 'plain ascii\nbinär ✓\nbase64 ✓');
  assert.equal(inbound[0]?.files, undefined);

  assert.equal(
    (
      await post(
        url,
        deliverReq({
          parts: [
            {
              contentType: 'image/gif',
              encoding: 'binary',
              body: Buffer.from('GIF89a\x00\x01', 'latin1'),
              location: 'a.gif',
            },
          ],
        }),
        LOGIN,
      )
    ).status,
    200,
  );
  assert.equal(inbound[1]?.text, '');
  assert.equal(inbound[1]?.files?.[0]?.filename, 'a.gif');
});

for (const [sender, element, expected] of [
  ['+4915112345678', 'Number', '+4915112345678'],
  ['4915112345678', 'Number', '+4915112345678'],
  ['4915112345678/TYPE=PLMN', 'Number', '+4915112345678'],
  ['4915112345678/TYPE=PLMN@mms.example.net', 'RFC2822Address', '+4915112345678'],
  ['12345', 'ShortCode', '12345'],
] as const) {
  test(`sender ${element} "${sender}" is stored as ${expected}`, async (t) => {
    const { url, inbound } = await rig(t);
    const answer = await post(
      url,
      deliverReq({
        sender,
        senderElement: element,
        recipient: '12345',
        parts: [{ contentType: 'text/plain', body: 'hi' }],
      }),
      LOGIN,
    );
    assert.equal(answer.status, 200, answer.body);
    assert.equal(inbound[0]?.from, expected);
    assert.equal(inbound[0]?.to, '12345', 'a short code in <Number> stays a short code');
  });
}

test('a DeliverReq the sink cannot store is answered 3000 so the MMSC retries', async (t) => {
  const { url } = await rig(t, { sinkThrows: true });
  const answer = await post(
    url,
    deliverReq({ transactionId: 'tx-retry', parts: [{ contentType: 'text/plain', body: 'hi' }] }),
    LOGIN,
  );
  assertFault(answer, 3000, /retry/);
  assert.equal(readAnswer(answer.body).transactionId, 'tx-retry');
  assert.doesNotMatch(answer.body, /database is locked/, 'internal errors stay in our log');
});

test('delivery reports: Retrieved, Expired, Rejected and Unrecognised are reported; Deferred, Forwarded and Indeterminate are not', async (t) => {
  const { url, reports } = await rig(t);
  const cases = [
    ['Retrieved', 'm-1', false],
    ['Expired', 'm-2', true],
    ['Rejected', 'm-3', false],
    ['Unrecognised', 'm-4', true],
    ['Deferred', 'm-5', false],
    ['Forwarded', 'm-6', false],
    ['Indeterminate', 'm-7', false],
  ] as const;
  for (const [mmStatus, messageId, multipart] of cases) {
    const answer = await post(
      url,
      deliveryReportReq({ transactionId: `dr-${messageId}`, messageId, mmStatus, multipart }),
      LOGIN,
    );
    assert.equal(answer.status, 200, answer.body);
    assert.deepEqual(readAnswer(answer.body), {
      kind: 'DeliveryReportRsp',
      transactionId: `dr-${messageId}`,
      statusCode: 1000,
      faultstring: undefined,
    });
  }
  assert.deepEqual(reports, [
    { connection: 'carrier-mmsc', carrierId: 'm-1', state: 'delivered' },
    { connection: 'carrier-mmsc', carrierId: 'm-2', state: 'expired', errorCode: 'Expired' },
    { connection: 'carrier-mmsc', carrierId: 'm-3', state: 'failed', errorCode: 'Rejected' },
    { connection: 'carrier-mmsc', carrierId: 'm-4', state: 'failed', errorCode: 'Unrecognised' },
  ]);
});

test('missing or wrong credentials get 401 with WWW-Authenticate and reach no sink', async (t) => {
  const { url, inbound } = await rig(t);
  const request = deliverReq({ parts: [{ contentType: 'text/plain', body: 'hi' }] });
  for (const auth of [undefined, { username: LOGIN.username, password: 'wrong-password' }, 'Bearer abc', 'Basic !!!']) {
    const answer = await post(url, request, auth);
    assert.equal(answer.status, 401, `auth ${JSON.stringify(auth)}`);
    assert.match(answer.wwwAuthenticate ?? '', /^Basic realm="MM7 carrier-mmsc"/);
  }
  assert.equal(inbound.length, 0);
});

const envelopeWith = (header: string, body: string) =>
  `<?xml version="1.0"?><env:Envelope xmlns:env="${SOAP_ENV}" xmlns:mm7="${MM7_NS}"><env:Header>${header}</env:Header><env:Body>${body}</env:Body></env:Envelope>`;
const tid = '<mm7:TransactionID env:mustUnderstand="1">tx-bad</mm7:TransactionID>';
const text = [{ contentType: 'text/plain', body: 'hi' }];

for (const [name, request, code, reason] of [
  [
    'malformed XML',
    deliverReq({ parts: text, xml: envelopeWith(tid, '<mm7:DeliverReq><mm7:Sender></mm7:DeliverReq>') }),
    2007,
    /does not close/,
  ],
  [
    'a DOCTYPE with an ENTITY',
    deliverReq({
      parts: text,
      xml: `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${envelopeWith(tid, '<mm7:DeliverReq>&xxe;</mm7:DeliverReq>')}`,
    }),
    2007,
    /DOCTYPE/,
  ],
  [
    'an unknown entity',
    deliverReq({ parts: text, xml: envelopeWith(tid, '<mm7:DeliverReq>&xxe;</mm7:DeliverReq>') }),
    2007,
    /unknown entity &xxe;/,
  ],
  ['no TransactionID', deliverReq({ parts: text, transactionId: null }), 2007, /no TransactionID/],
  [
    'a DeliverReq that is not multipart',
    {
      contentType: 'text/xml; charset=utf-8',
      body: deliverReq({ parts: text }).body.toString('latin1').split('\r\n\r\n')[1]!.split('\r\n--')[0]!,
    },
    2007,
    /must be multipart\/related/,
  ],
  [
    'a request we do not take',
    {
      contentType: 'text/xml',
      body: envelopeWith(tid, '<mm7:SubmitReq><mm7:MM7Version>6.8.0</mm7:MM7Version></mm7:SubmitReq>'),
    },
    4003,
    /SubmitReq is not taken here/,
  ],
  [
    'a JSON body',
    { contentType: 'application/json', body: '{"TransactionID":"x"}' },
    2007,
    /application\/json is not an MM7 message/,
  ],
  ['no Content-Type', { body: Buffer.from('hello') }, 2007, /no Content-Type/],
  [
    'SOAP 1.2',
    {
      contentType: 'text/xml',
      body: `<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body/></env:Envelope>`,
    },
    2007,
    /not SOAP 1\.1/,
  ],
  [
    'a Content href to no part',
    deliverReq({
      parts: text,
      xml: envelopeWith(
        tid,
        '<mm7:DeliverReq><mm7:Sender><mm7:Number>4915112345678</mm7:Number></mm7:Sender><mm7:Recipients><mm7:To><mm7:Number>12345</mm7:Number></mm7:To></mm7:Recipients><mm7:Content href="cid:nowhere"/></mm7:DeliverReq>',
      ),
    }),
    2007,
    /names no MIME part/,
  ],
  [
    'broken base64 in an image',
    deliverReq({ parts: [{ contentType: 'image/jpeg', encoding: 'base64', body: JPEG, location: 'x.jpg' }] }),
    2007,
    /invalid base64/,
  ],
  ['a sender that is no address', deliverReq({ parts: text, sender: 'not a number' }), 2002, /not a phone number/],
  [
    'a delivery report without MessageID',
    {
      contentType: 'text/xml',
      body: envelopeWith(tid, '<mm7:DeliveryReportReq><mm7:MMStatus>Retrieved</mm7:MMStatus></mm7:DeliveryReportReq>'),
    },
    2007,
    /no MessageID/,
  ],
] as const) {
  test(`${name} gets a clear MM7 fault and reaches no sink`, async (t) => {
    const { url, inbound, reports } = await rig(t);
    let body = request.body;
    if (name === 'broken base64 in an image')
      body = Buffer.from(
        body.toString('latin1').replace(/(Content-Transfer-Encoding: base64\r\n\r\n)(\S{4})/, '$1!!!!'),
        'latin1',
      );
    const answer = await post(url, { ...request, body }, LOGIN);
    assertFault(answer, code, reason);
    assert.equal(inbound.length + reports.length, 0);
  });
}
