import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addressForSubmit, storedAddress } from '../../../src/channels/mm7/address.ts';
import {
  decodeText,
  decodeTransfer,
  normaliseContentId,
  parseContentType,
  splitMultipart,
} from '../../../src/channels/mm7/mime.ts';

describe('parseContentType', () => {
  test('reads quoted, unquoted and RFC 2231 parameters as MMSCs write them', () => {
    const ct = parseContentType(
      'Multipart/Related;boundary="NextPart_000";type=text/xml;\tstart="</tnn-200102/mm7-submit>"',
    );
    assert.equal(ct?.type, 'multipart/related');
    assert.deepEqual(Object.fromEntries(ct.params), {
      boundary: 'NextPart_000',
      type: 'text/xml',
      start: '</tnn-200102/mm7-submit>',
    });
    assert.equal(
      parseContentType(`image/jpeg; name="a \\"b\\".jpg"; name*=utf-8''K%C3%B6ln.jpg`)?.params.get('name'),
      'Köln.jpg',
    );
  });

  test('returns null for what is not a content type', () => {
    assert.equal(parseContentType('json'), null);
    assert.equal(parseContentType('text/xml; charset'), null);
    assert.equal(parseContentType(undefined), null);
  });
});

describe('splitMultipart', () => {
  test('splits CRLF and bare-LF bodies, drops preamble and epilogue', () => {
    for (const eol of ['\r\n', '\n']) {
      const body = Buffer.from(
        [
          'preamble',
          '--b',
          'Content-Type: text/plain',
          '',
          'one',
          '--b',
          'Content-ID: <2>',
          '',
          'two',
          'lines',
          '--b--',
          'epilogue',
        ].join(eol),
      );
      const parts = splitMultipart(body, 'b');
      assert.deepEqual(
        parts.map((p) => p.body.toString()),
        ['one', `two${eol}lines`],
      );
      assert.equal(parts[1]?.headers.get('content-id'), '<2>');
    }
  });

  test('a boundary that only prefixes a line is content, not a delimiter', () => {
    const parts = splitMultipart(Buffer.from('--b\r\n\r\n--bb is text\r\n--b--'), 'b');
    assert.equal(parts[0]?.body.toString(), '--bb is text');
  });

  test('refuses an unclosed body and a missing delimiter', () => {
    assert.throws(() => splitMultipart(Buffer.from('--b\r\n\r\nx\r\n'), 'b'), /not closed/);
    assert.throws(() => splitMultipart(Buffer.from('nothing'), 'b'), /no "--b" delimiter/);
  });
});

describe('transfer encodings and charsets', () => {
  test('quoted-printable: soft breaks, hex octets, transport padding', () => {
    assert.equal(
      decodeTransfer(Buffer.from('Gr=C3=BC=C3=9Fe =\r\naus K=c3=b6ln=20  \r\nx'), 'quoted-printable').toString('utf8'),
      'Grüße aus Köln \r\nx',
    );
  });

  test('base64 is strict', () => {
    assert.equal(decodeTransfer(Buffer.from('aGVs\r\nbG8='), 'BASE64').toString(), 'hello');
    assert.throws(() => decodeTransfer(Buffer.from('aGVs!G8='), 'base64'), /invalid base64/);
    assert.throws(() => decodeTransfer(Buffer.from('aGVsbG8'), 'base64'), /invalid base64/);
  });

  test('identity encodings and unknown ones', () => {
    assert.equal(decodeTransfer(Buffer.from('x'), undefined).toString(), 'x');
    assert.throws(() => decodeTransfer(Buffer.from('x'), 'x-uuencode'), /unknown Content-Transfer-Encoding/);
  });

  test('charsets', () => {
    assert.equal(decodeText(Buffer.from([0x43, 0xe7, 0x61]), 'ISO-8859-1'), 'Cça');
    assert.equal(decodeText(Buffer.from('ü', 'utf8'), undefined), 'ü');
    assert.throws(() => decodeText(Buffer.from('x'), 'x-klingon'), /unsupported charset/);
  });

  test('Content-IDs compare without brackets and cid: encoding', () => {
    assert.equal(normaliseContentId('cid:a%40b'), normaliseContentId('<a@b>'));
  });
});

describe('addresses', () => {
  test('inbound numbers become E.164, short codes stay digits, e-mail stays as it is', () => {
    assert.equal(storedAddress('+4915112345678', 'Number'), '+4915112345678');
    assert.equal(storedAddress(' 4915112345678/TYPE=PLMN ', 'Number'), '+4915112345678');
    assert.equal(storedAddress('12345', 'Number'), '12345');
    assert.equal(storedAddress('12345', 'ShortCode'), '12345');
    assert.equal(storedAddress('4915112345678/TYPE=PLMN@mms.example', 'RFC2822Address'), '+4915112345678');
    assert.equal(storedAddress('anna@example.com', 'RFC2822Address'), 'anna@example.com');
    assert.throws(() => storedAddress('call me', 'Number'), /not a phone number/);
  });

  test('outbound: Number without +, a sender without + is a short code', () => {
    assert.deepEqual(addressForSubmit('+4915112345678', 'recipient'), { element: 'Number', value: '4915112345678' });
    assert.deepEqual(addressForSubmit('12345', 'sender'), { element: 'ShortCode', value: '12345' });
    assert.deepEqual(addressForSubmit('+15551230000', 'sender'), { element: 'Number', value: '15551230000' });
    assert.throws(() => addressForSubmit('SHOP', 'sender'), /not an address MM7 can send from/);
  });
});
