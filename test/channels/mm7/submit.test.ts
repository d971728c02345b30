import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import pino from 'pino';
import { createMm7Channel, type Mm7Config } from '../../../src/channels/mm7/channel.ts';
import type { ChannelState, OutboundFile, OutboundText, SendOutcome } from '../../../src/channels/types.ts';
import { tempDir } from '../../tmp.ts';
import { startMmsc, type Mmsc } from './mmsc.ts';

const log = pino({ level: 'silent' });
const MMSC_LOGIN = { username: 'vasp-login', password: 'mmsc-password' };

// Real magic numbers, and every byte value, so any text-mode or charset slip on the way shows.
const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const JPEG = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]),
  everyByte,
  Buffer.from(everyByte).reverse(),
  Buffer.from([0xff, 0xd9]),
]);
const PDF = Buffer.concat([
  Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1'),
  everyByte,
  Buffer.from('\n%%EOF\n'),
]);

function fileOf(dir: string, filename: string, contentType: string, data: Buffer): OutboundFile {
  const path = join(dir, filename);
  writeFileSync(path, data);
  return { path, contentType, filename, size: data.length };
}

async function rig(t: TestContext, config: Partial<Mm7Config> = {}) {
  const mmsc = await startMmsc(MMSC_LOGIN);
  const states: ChannelState[] = [];
  const channel = createMm7Channel(
    {
      name: 'carrier-mmsc',
      url: mmsc.url,
      vaspId: 'vasp-1',
      vasId: 'switchboard',
      serviceCode: 'svc-1',
      ...MMSC_LOGIN,
      inboundUsername: 'mmsc',
      inboundPassword: 'inbound-password',
      timeoutMs: 5_000,
      ...config,
    },
    log,
    { onState: (s) => states.push(s) },
  );
  channel.start({
    inbound: async () => undefined,
    report: async () => undefined,
    reaction: async () => undefined,
    templates: async () => undefined,
  });
  t.after(async () => {
    await channel.stop();
    await mmsc.stop();
  });
  return { mmsc, channel, states };
}

const text = (body: string, files: OutboundFile[] = []): OutboundText => ({
  from: '12345',
  to: '+4915112345678',
  text: body,
  files,
});

function assertClean(mmsc: Mmsc): void {
  assert.deepEqual(mmsc.violations, [], 'the MMSC found nothing wrong on the wire');
}

function assertFailed(
  outcome: SendOutcome,
  retry: boolean,
  code: string,
): asserts outcome is Extract<SendOutcome, { ok: false }> {
  assert.equal(outcome.ok, false, JSON.stringify(outcome));
  if (outcome.ok) return;
  assert.equal(outcome.retry, retry, `retry for ${outcome.code}: ${outcome.reason}`);
  assert.equal(outcome.code, code);
}

test('a text with a JPEG and a PDF is accepted and the files arrive byte for byte', async (t) => {
  const { mmsc, channel } = await rig(t);
  const dir = tempDir();
  const outcome = await channel.send(
    text('Your order is ready 📦', [
      fileOf(dir, 'photo.jpg', 'image/jpeg', JPEG),
      fileOf(dir, 'menu.pdf', 'application/pdf', PDF),
    ]),
  );

  assert.deepEqual(outcome, { ok: true, carrierIds: ['mmsc-1'] });
  assertClean(mmsc);
  const [submission] = mmsc.submissions;
  assert.ok(submission);
  assert.equal(submission.mm7Version, '6.8.0');
  assert.equal(submission.vaspId, 'vasp-1');
  assert.equal(submission.vasId, 'switchboard');
  assert.equal(submission.serviceCode, 'svc-1');
  assert.equal(submission.deliveryReport, 'true');
  assert.deepEqual(submission.from, { type: 'ShortCode', value: '12345' });
  assert.deepEqual(submission.to, [{ type: 'Number', value: '4915112345678' }]);
  assert.equal(submission.text, 'Your order is ready 📦');
  assert.deepEqual(
    submission.files.map((f) => [f.contentType, f.name]),
    [
      ['image/jpeg', 'photo.jpg'],
      ['application/pdf', 'menu.pdf'],
    ],
  );
  assert.ok(submission.files[0]!.data.equals(JPEG), 'JPEG byte-identical');
  assert.ok(submission.files[1]!.data.equals(PDF), 'PDF byte-identical');
  assert.equal(channel.state().sent, 1);
  assert.equal(channel.state().status, 'bound');
});

test('a long number sends as a Number without +, files alone need no text part, odd names become header-safe', async (t) => {
  const { mmsc, channel } = await rig(t, { serviceCode: undefined });
  const outcome = await channel.send({
    from: '+15551230000',
    to: '+4915112345678',
    text: '',
    files: [fileOf(tempDir(), 'Spéisekarte "neu".jpg', 'image/jpeg', JPEG)],
  });
  assert.equal(outcome.ok, true);
  assertClean(mmsc);
  const [submission] = mmsc.submissions;
  assert.deepEqual(submission?.from, { type: 'Number', value: '15551230000' });
  assert.equal(submission?.serviceCode, undefined);
  assert.equal(submission?.text, '');
  assert.equal(submission?.files.length, 1);
  assert.match(submission?.files[0]?.name ?? '', /^[A-Za-z0-9._-]+\.jpg$/);
});

test('hostile text and hostile configuration values survive the XML and MIME untouched', async (t) => {
  const hostile = `</mm7:Text><x> & ]]> <![CDATA[ "q" 'a' &amp; --=_mm7. \r\n.\r\n ünï 😀`;
  const { mmsc, channel } = await rig(t, { serviceCode: `svc</mm7:ServiceCode><x>&"'`, vasId: 'vas & <co>' });
  const outcome = await channel.send(text(hostile));
  assert.equal(outcome.ok, true, JSON.stringify(outcome));
  assertClean(mmsc);
  assert.equal(mmsc.submissions[0]?.text, hostile);
  assert.equal(mmsc.submissions[0]?.serviceCode, `svc</mm7:ServiceCode><x>&"'`);
  assert.equal(mmsc.submissions[0]?.vasId, 'vas & <co>');
});

for (const [code, statusText, details] of [
  [2004, 'Multimedia content refused', 'content too large'],
  [4004, 'Validation error', 'element Foo not allowed'],
  [2002, 'Address Error', undefined],
] as const) {
  test(`status ${code} is a permanent failure with a reason`, async (t) => {
    const { mmsc, channel } = await rig(t);
    mmsc.behaviour = { kind: 'status', code, text: statusText, ...(details ? { details } : {}) };
    const outcome = await channel.send(text('Hi'));
    assertFailed(outcome, false, String(code));
    assert.match(outcome.reason, new RegExp(statusText));
    assert.match(outcome.reason, new RegExp(`MM7 ${code}`));
    if (details) assert.match(outcome.reason, new RegExp(details));
    assertClean(mmsc);
    assert.equal(channel.state().failed, 1);
    assert.equal(channel.state().status, 'bound', 'an MM7 refusal is no link failure');
  });
}

test('status 1100 (partial success) counts as sent', async (t) => {
  const { mmsc, channel } = await rig(t);
  mmsc.behaviour = { kind: 'status', code: 1100, text: 'Partial success' };
  assert.deepEqual(await channel.send(text('Hi')), { ok: true, carrierIds: ['mmsc-1'] });
});

for (const code of [3000, 4006] as const) {
  test(`status ${code} is retried`, async (t) => {
    const { mmsc, channel } = await rig(t);
    mmsc.behaviour = { kind: 'status', code, text: code === 3000 ? 'Server Error' : 'Service unavailable' };
    assertFailed(await channel.send(text('Hi')), true, String(code));
  });
}

test('a SOAP fault carrying 4006 is retried; one without an MM7 status is permanent with its faultstring', async (t) => {
  const { mmsc, channel } = await rig(t);
  mmsc.behaviour = { kind: 'fault', faultstring: 'Service unavailable', code: 4006 };
  assertFailed(await channel.send(text('Hi')), true, '4006');
  mmsc.behaviour = { kind: 'fault', faultstring: 'Quota exhausted for VASP' };
  const outcome = await channel.send(text('Hi'));
  assertFailed(outcome, false, 'soap-fault');
  assert.match(outcome.reason, /Quota exhausted for VASP/);
});

test('HTTP 503 without an MM7 body is retried and marks the link down until the next success', async (t) => {
  const { mmsc, channel, states } = await rig(t);
  mmsc.behaviour = { kind: 'http', status: 503 };
  const outcome = await channel.send(text('Hi'));
  assertFailed(outcome, true, 'http-503');
  assert.equal(channel.state().status, 'down');
  assert.match(channel.state().lastError ?? '', /HTTP 503/);

  mmsc.behaviour = { kind: 'accept' };
  assert.equal((await channel.send(text('Hi again'))).ok, true);
  assert.equal(channel.state().status, 'bound');
  assert.match(channel.state().lastError ?? '', /HTTP 503/, 'the last error is kept for diagnosis');
  assert.deepEqual(
    states.map((s) => s.status),
    ['bound', 'down', 'bound'],
  );
  assert.deepEqual([channel.state().sent, channel.state().failed], [1, 1]);
});

test('an MMSC that does not answer in time is retried as a timeout', async (t) => {
  const { mmsc, channel } = await rig(t, { timeoutMs: 300 });
  mmsc.behaviour = { kind: 'hang' };
  const outcome = await channel.send(text('Hi'));
  assertFailed(outcome, true, 'timeout');
  assert.match(outcome.reason, /300 ms/);
  assert.equal(channel.state().status, 'down');
});

test('a refused connection is retried and marks the link down', async (t) => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const { port } = closed.address() as AddressInfo;
  await new Promise<void>((resolve) => closed.close(() => resolve()));

  const { channel } = await rig(t, { url: `http://127.0.0.1:${port}/mm7` });
  const outcome = await channel.send(text('Hi'));
  assertFailed(outcome, true, 'down');
  assert.match(outcome.reason, /ECONNREFUSED/);
  assert.equal(channel.state().status, 'down');
  assert.match(channel.state().lastError ?? '', /ECONNREFUSED/);
});

test('wrong credentials are a permanent failure that says so', async (t) => {
  const { mmsc, channel } = await rig(t, { password: 'not-the-password' });
  const outcome = await channel.send(text('Hi'));
  assertFailed(outcome, false, 'http-401');
  assert.match(outcome.reason, /refused our credentials/);
  assert.equal(mmsc.refusedAuth, 1);
  assert.equal(mmsc.submissions.length, 0);
});

test('a file that cannot be read fails permanently without a request', async (t) => {
  const { mmsc, channel } = await rig(t);
  const outcome = await channel.send(
    text('Hi', [{ path: join(tempDir(), 'gone.jpg'), contentType: 'image/jpeg', filename: 'gone.jpg', size: 1 }]),
  );
  assertFailed(outcome, false, 'invalid-message');
  assert.equal(mmsc.submissions.length + mmsc.violations.length, 0);
});

test('stop() resolves only after the sends in flight have settled', async (t) => {
  const { mmsc, channel } = await rig(t, { timeoutMs: 400 });
  mmsc.behaviour = { kind: 'hang' };
  let settled = false;
  const sending = channel.send(text('Hi')).then((outcome) => {
    settled = true;
    return outcome;
  });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(channel.state().inFlight, 1);
  await channel.stop();
  assert.ok(settled, 'the send settled before stop() resolved');
  assert.equal((await sending).ok, false);
  assert.equal(channel.state().status, 'stopped');
  assert.equal(channel.state().inFlight, 0);
  assertFailed(await channel.send(text('after stop')), true, 'down');
});

test('username without password is refused at creation', () => {
  assert.throws(
    () =>
      createMm7Channel(
        {
          name: 'x',
          url: 'http://127.0.0.1:1/',
          vaspId: 'a',
          vasId: 'b',
          username: 'u',
          inboundUsername: 'i',
          inboundPassword: 'p',
          timeoutMs: 1000,
        },
        log,
      ),
    /both username and password/,
  );
});
