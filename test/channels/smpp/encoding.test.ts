import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { concatFromSarTlvs, decodeShortMessage, encodeForSubmit } from '../../../src/channels/smpp/encoding.ts';
import { analyzeText } from '../../../src/domain/messaging/sms-parts.ts';

const hex = (buffer: Buffer | undefined): string => buffer?.toString('hex').toUpperCase() ?? 'missing';
const bytes = (spaced: string): Buffer => Buffer.from(spaced.replace(/\s+/g, ''), 'hex');
const udh = (ref: number, total: number, seq: number): string =>
  Buffer.from([5, 0, 3, ref, total, seq]).toString('hex').toUpperCase();

// Every character of the GSM 03.38 default alphabet and extension table, in septet order.
const GSM_DEFAULT =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '\f^{}\\[~]|€';

describe('analyzeText', () => {
  test('empty text is 0 units and 0 segments, with a whole single segment free', () => {
    assert.deepEqual(analyzeText(''), {
      encoding: 'gsm7',
      units: 0,
      segments: 0,
      perSegment: 160,
      remainingInSegment: 160,
    });
  });

  test('plain text is GSM 7-bit, one septet per character', () => {
    assert.deepEqual(analyzeText('Hello'), {
      encoding: 'gsm7',
      units: 5,
      segments: 1,
      perSegment: 160,
      remainingInSegment: 155,
    });
  });

  test('the whole default alphabet stays GSM at one septet each', () => {
    assert.equal(GSM_DEFAULT.length, 127);
    const analysis = analyzeText(GSM_DEFAULT);
    assert.equal(analysis.encoding, 'gsm7');
    assert.equal(analysis.units, 127);
  });

  test('extension-table characters (and form feed) cost two septets each', () => {
    for (const ch of GSM_EXTENSION) {
      assert.deepEqual([ch, analyzeText(ch).encoding, analyzeText(ch).units], [ch, 'gsm7', 2]);
    }
    assert.equal(analyzeText(`a${GSM_EXTENSION}b`).units, 22);
  });

  test('160 septets is one segment, 161 is two of 153', () => {
    assert.deepEqual(analyzeText('a'.repeat(160)), {
      encoding: 'gsm7',
      units: 160,
      segments: 1,
      perSegment: 160,
      remainingInSegment: 0,
    });
    assert.deepEqual(analyzeText('a'.repeat(161)), {
      encoding: 'gsm7',
      units: 161,
      segments: 2,
      perSegment: 153,
      remainingInSegment: 145,
    });
    assert.equal(analyzeText('a'.repeat(306)).segments, 2);
    assert.equal(analyzeText('a'.repeat(306)).remainingInSegment, 0);
    assert.equal(analyzeText('a'.repeat(307)).segments, 3);
  });

  test('an escape pair pushes a text over the single-segment limit', () => {
    assert.equal(analyzeText(`${'a'.repeat(158)}€`).segments, 1);
    assert.equal(analyzeText(`${'a'.repeat(159)}€`).segments, 2);
  });

  test('an escape pair is never split, so a segment may hold 152 septets', () => {
    // 152 + 2 does not fit in 153: the euro starts segment two (plain counting would say 153 + 8).
    assert.deepEqual(analyzeText(`${'a'.repeat(152)}€${'a'.repeat(7)}`), {
      encoding: 'gsm7',
      units: 161,
      segments: 2,
      perSegment: 153,
      remainingInSegment: 144,
    });
    // 306 septets would be 2 full segments, but both boundaries fall inside a euro: 152 + 152 + 2.
    const text = `${'a'.repeat(152)}€${'a'.repeat(150)}€`;
    assert.equal(analyzeText(text).units, 306);
    assert.equal(analyzeText(text).segments, 3);
    assert.equal(analyzeText(text).remainingInSegment, 151);
  });

  test('any character outside GSM 03.38 switches the whole text to UCS-2', () => {
    assert.deepEqual([analyzeText('Grüße').encoding, analyzeText('Grüße').units], ['gsm7', 5]);
    assert.deepEqual(analyzeText('Grüße ж'), {
      encoding: 'ucs2',
      units: 7,
      segments: 1,
      perSegment: 70,
      remainingInSegment: 63,
    });
    // In UCS-2 an extension character is one unit like any other.
    assert.equal(analyzeText('€ж').units, 2);
  });

  test('look-alikes are not substituted: ç is not GSM (only Ç is)', () => {
    assert.equal(analyzeText('Ç').encoding, 'gsm7');
    assert.equal(analyzeText('ç').encoding, 'ucs2');
    assert.deepEqual(analyzeText('français'), {
      encoding: 'ucs2',
      units: 8,
      segments: 1,
      perSegment: 70,
      remainingInSegment: 62,
    });
  });

  test('UCS-2 counts UTF-16 code units: an emoji is 2', () => {
    assert.deepEqual(analyzeText('😀'), {
      encoding: 'ucs2',
      units: 2,
      segments: 1,
      perSegment: 70,
      remainingInSegment: 68,
    });
  });

  test('70 units is one UCS-2 segment, 71 is two of 67', () => {
    assert.equal(analyzeText('ж'.repeat(70)).segments, 1);
    assert.equal(analyzeText('ж'.repeat(70)).remainingInSegment, 0);
    assert.deepEqual(analyzeText('ж'.repeat(71)), {
      encoding: 'ucs2',
      units: 71,
      segments: 2,
      perSegment: 67,
      remainingInSegment: 63,
    });
  });

  test('a surrogate pair is never split, so a segment may hold 66 units', () => {
    assert.deepEqual(analyzeText(`${'ж'.repeat(66)}😀${'ж'.repeat(3)}`), {
      encoding: 'ucs2',
      units: 71,
      segments: 2,
      perSegment: 67,
      remainingInSegment: 62,
    });
    // 36 emoji: 33 fit in 66 units, 3 more in segment two.
    assert.equal(analyzeText('😀'.repeat(36)).segments, 2);
    assert.equal(analyzeText('😀'.repeat(36)).remainingInSegment, 61);
  });
});

describe('encodeForSubmit', () => {
  const single = (text: string): { dataCoding: number; esmClass: number; hex: string[] } => {
    const encoded = encodeForSubmit(text, 7);
    return { dataCoding: encoded.dataCoding, esmClass: encoded.esmClass, hex: encoded.parts.map(hex) };
  };

  test('"Hello" is unpacked GSM, one octet per septet', () => {
    assert.deepEqual(single('Hello'), { dataCoding: 0, esmClass: 0, hex: ['48656C6C6F'] });
  });

  test('GSM code points that differ from ASCII', () => {
    const cases: [string, string][] = [
      ['@', '00'],
      ['£', '01'],
      ['$', '02'],
      ['è', '04'],
      ['Ç', '09'],
      ['\n', '0A'],
      ['\r', '0D'],
      ['Δ', '10'],
      ['_', '11'],
      ['É', '1F'],
      ['¤', '24'],
      ['¡', '40'],
      ['Ä', '5B'],
      ['§', '5F'],
      ['¿', '60'],
      ['ü', '7E'],
      ['à', '7F'],
    ];
    for (const [text, expected] of cases) assert.deepEqual([text, single(text).hex], [text, [expected]]);
  });

  test('extension characters are ESC 0x1B plus their code', () => {
    const cases: [string, string][] = [
      ['€', '1B65'],
      ['{}', '1B281B29'],
      ['\f', '1B0A'],
      ['^', '1B14'],
      ['\\', '1B2F'],
      ['[', '1B3C'],
      ['~', '1B3D'],
      [']', '1B3E'],
      ['|', '1B40'],
    ];
    for (const [text, expected] of cases) {
      assert.deepEqual([text, single(text)], [text, { dataCoding: 0, esmClass: 0, hex: [expected] }]);
    }
  });

  test('UCS-2 is UTF-16 big-endian with data_coding 8', () => {
    assert.deepEqual(single('😀'), { dataCoding: 8, esmClass: 0, hex: ['D83DDE00'] });
    assert.deepEqual(single('Привет'), { dataCoding: 8, esmClass: 0, hex: ['041F04400438043204350442'] });
    // A GSM-able character inside a UCS-2 text is UTF-16 too, not GSM.
    assert.deepEqual(single('@ж'), { dataCoding: 8, esmClass: 0, hex: ['00400436'] });
  });

  test('161 GSM characters: 2 parts of 153 + 8 septets behind an 8-bit concatenation UDH', () => {
    const encoded = encodeForSubmit('a'.repeat(161), 0xa5);
    assert.equal(encoded.dataCoding, 0);
    assert.equal(encoded.esmClass, 0x40);
    assert.deepEqual(encoded.parts.map(hex), [`050003A50201${'61'.repeat(153)}`, `050003A50202${'61'.repeat(8)}`]);
  });

  test('a 71-unit UCS-2 text: 2 parts of 67 + 4 units', () => {
    const encoded = encodeForSubmit('ж'.repeat(71), 0);
    assert.equal(encoded.dataCoding, 8);
    assert.equal(encoded.esmClass, 0x40);
    assert.deepEqual(encoded.parts.map(hex), [`050003000201${'0436'.repeat(67)}`, `050003000202${'0436'.repeat(4)}`]);
  });

  test('the split moves before a euro that would straddle it', () => {
    const encoded = encodeForSubmit(`${'a'.repeat(152)}€${'b'.repeat(7)}`, 1);
    assert.deepEqual(encoded.parts.map(hex), [
      `${udh(1, 2, 1)}${'61'.repeat(152)}`,
      `${udh(1, 2, 2)}1B65${'62'.repeat(7)}`,
    ]);
  });

  test('the split moves before a surrogate pair that would straddle it', () => {
    const encoded = encodeForSubmit(`${'ж'.repeat(66)}😀xyz`, 2);
    assert.deepEqual(encoded.parts.map(hex), [
      `${udh(2, 2, 1)}${'0436'.repeat(66)}`,
      `${udh(2, 2, 2)}D83DDE0000780079007A`,
    ]);
  });

  test('parts stay within the SMPP short_message limit of 254 octets', () => {
    for (const text of ['a'.repeat(1000), '€'.repeat(500), 'ж'.repeat(500), '😀'.repeat(300)]) {
      for (const part of encodeForSubmit(text, 0).parts) assert.ok(part.length <= 254, `${part.length} octets`);
    }
  });

  test('the part count is as many as analyzeText promised', () => {
    const texts = ['a'.repeat(161), `${'a'.repeat(152)}€${'a'.repeat(150)}€`, '😀'.repeat(36), 'ж'.repeat(400)];
    for (const text of texts) {
      assert.equal(encodeForSubmit(text, 0).parts.length, analyzeText(text).segments);
    }
  });

  test('rejects empty text, a ref outside 0-255, and text needing more than 255 parts', () => {
    assert.throws(() => encodeForSubmit('', 0), RangeError);
    assert.throws(() => encodeForSubmit('hi', -1), RangeError);
    assert.throws(() => encodeForSubmit('hi', 256), RangeError);
    assert.throws(() => encodeForSubmit('hi', 1.5), RangeError);
    assert.equal(encodeForSubmit('a'.repeat(153 * 255), 255).parts.length, 255);
    assert.throws(() => encodeForSubmit('a'.repeat(153 * 255 + 1), 0), RangeError);
  });
});

describe('decodeShortMessage', () => {
  const decode = (shortMessage: Buffer, dataCoding: number, esmClass = 0) =>
    decodeShortMessage({ shortMessage, dataCoding, esmClass });

  test('GSM default alphabet, unpacked', () => {
    assert.deepEqual(decode(bytes('48 65 6C 6C 6F'), 0), { text: 'Hello' });
    assert.deepEqual(decode(bytes('00 1B65 7E 1B28 1B29'), 0), { text: '@€ü{}' });
  });

  test('every GSM character round-trips through encode and decode', () => {
    const text = GSM_DEFAULT + GSM_EXTENSION;
    const { dataCoding, esmClass, parts } = encodeForSubmit(text, 0);
    assert.deepEqual([dataCoding, esmClass, parts.length, parts[0]?.length], [0, 0, 1, 127 + 20]);
    assert.ok(
      parts[0]?.every((octet) => octet < 0x80),
      'septets never set the top bit',
    );
    assert.deepEqual(decode(parts[0] ?? Buffer.alloc(0), 0), { text });
  });

  test('odd GSM input is shown the way 23.038 says, never thrown on', () => {
    assert.equal(decode(bytes('1B 41'), 0).text, 'A', 'ESC + undefined code shows the default character');
    assert.equal(decode(bytes('61 1B1B 62'), 0).text, 'a b', 'ESC ESC shows a space');
    assert.equal(decode(bytes('61 1B'), 0).text, 'a', 'a dangling ESC is dropped');
    assert.equal(decode(bytes('61 80 FF'), 0).text, 'a\uFFFD\uFFFD', 'octets above 0x7F are not septets');
  });

  test('IA5, Latin-1 and 8-bit binary data codings', () => {
    assert.equal(decode(Buffer.from('Hi @ all_', 'latin1'), 1).text, 'Hi @ all_');
    assert.equal(decode(bytes('63 61 66 E9'), 3).text, 'café');
    assert.equal(decode(bytes('63 61 66 E9'), 2).text, 'café');
    assert.equal(decode(bytes('63 61 66 E9'), 4).text, 'café');
  });

  test('UCS-2 big-endian, surrogate pairs included', () => {
    assert.equal(decode(bytes('D83D DE00 0041'), 8).text, '😀A');
    assert.equal(decode(bytes('0041 00'), 8).text, 'A\uFFFD', 'an odd trailing byte');
  });

  test('a surrogate pair split across parts by a careless sender is rejoined by concatenation', () => {
    const first = decode(bytes('0041 D83D'), 8).text;
    const second = decode(bytes('DE00'), 8).text;
    assert.equal(first + second, 'A😀');
  });

  test('Cyrillic, Hebrew and Korean SMPP data codings', () => {
    assert.equal(decode(bytes('BF E0 D8 D2 D5 E2'), 6).text, 'Привет');
    assert.equal(decode(bytes('F9 EC E5 ED'), 7).text, 'שלום');
    assert.equal(decode(bytes('B0 A1'), 0x0e).text, '가');
  });

  test('GSM 03.38 coding groups above 0x0F decode by their alphabet bits', () => {
    const gsmHi = bytes('48 69 00');
    const ucsHi = bytes('0048 0069');
    const latin = bytes('E9');
    assert.equal(decode(gsmHi, 0x10).text, 'Hi@', 'general group, GSM, class 0 (flash)');
    assert.equal(decode(ucsHi, 0x18).text, 'Hi', 'general group, UCS-2, class 0');
    assert.equal(decode(latin, 0x14).text, 'é', 'general group, 8-bit');
    assert.equal(decode(ucsHi, 0x48).text, 'Hi', 'automatic-deletion group, UCS-2');
    assert.equal(decode(latin, 0x24).text, 'é', 'compressed: no decoder, Latin-1');
    assert.equal(decode(gsmHi, 0xc0).text, 'Hi@', 'MWI discard, GSM');
    assert.equal(decode(gsmHi, 0xd1).text, 'Hi@', 'MWI store, GSM');
    assert.equal(decode(ucsHi, 0xe0).text, 'Hi', 'MWI store, UCS-2');
    assert.equal(decode(gsmHi, 0xf0).text, 'Hi@', 'message class group, GSM');
    assert.equal(decode(gsmHi, 0xf1).text, 'Hi@');
    assert.equal(decode(latin, 0xf4).text, 'é', 'message class group, 8-bit');
    assert.equal(decode(latin, 0x90).text, 'é', 'reserved: Latin-1');
  });

  test('an 8-bit concatenation UDH is parsed and stripped', () => {
    assert.deepEqual(decode(bytes('050003 2A 03 02 616263'), 0, 0x40), {
      text: 'abc',
      concat: { ref: 42, total: 3, seq: 2 },
    });
    // Other esm_class bits (message mode, type) do not hide the indicator.
    assert.deepEqual(decode(bytes('050003 2A 03 02 0061'), 8, 0x43), {
      text: 'a',
      concat: { ref: 42, total: 3, seq: 2 },
    });
  });

  test('a 16-bit concatenation UDH', () => {
    assert.deepEqual(decode(bytes('060804 1234 02 01 48 69'), 0, 0x40), {
      text: 'Hi',
      concat: { ref: 0x1234, total: 2, seq: 1 },
    });
  });

  test('unknown information elements are skipped', () => {
    // Application port addressing (IE 0x05, 4 octets), then concatenation.
    assert.deepEqual(decode(bytes('0B 05040B8423F0 000307 02 01 6869'), 3, 0x40), {
      text: 'hi',
      concat: { ref: 7, total: 2, seq: 1 },
    });
    assert.deepEqual(decode(bytes('03 240101 6869'), 0, 0x40), { text: 'hi' }, 'a UDH without concatenation');
  });

  test('an invalid concatenation element is ignored, as 23.040 says', () => {
    assert.deepEqual(decode(bytes('050003 01 00 01 61'), 0, 0x40), { text: 'a' }, 'total 0');
    assert.deepEqual(decode(bytes('050003 01 02 00 61'), 0, 0x40), { text: 'a' }, 'seq 0');
    assert.deepEqual(decode(bytes('050003 01 02 03 61'), 0, 0x40), { text: 'a' }, 'seq > total');
    assert.deepEqual(decode(bytes('040002 01 02 61'), 0, 0x40), { text: 'a' }, 'wrong length');
  });

  test('a malformed information element is cut short instead of throwing', () => {
    assert.deepEqual(decode(bytes('04 00 05 01 02 61'), 0, 0x40), { text: 'a' }, 'IE runs past the UDH');
    assert.deepEqual(decode(Buffer.alloc(0), 0, 0x40), { text: '' }, 'empty with UDHI');
    assert.deepEqual(
      decode(bytes('05 000301 02 01'), 0, 0x40),
      { text: '', concat: { ref: 1, total: 2, seq: 1 } },
      'a UDH filling the whole message',
    );
  });

  test('a UDH length octet beyond the payload means there is no header: all of it is text, per data_coding', () => {
    // The indicator set on a plain text ('H' = 72 is no header length for 11 octets).
    assert.deepEqual(decode(Buffer.from('Hello there'), 0, 0x40), { text: 'Hello there' });
    // A concatenation element inside such a "header" does not make a part that waits for siblings forever.
    assert.deepEqual(decode(bytes('20 000301 02 01 4869'), 0, 0x40), { text: ' @¥£$£Hi' }, 'GSM 7-bit');
    assert.deepEqual(
      decode(bytes('20 000301 02 01 4869'), 3, 0x40),
      { text: ' \u0000\u0003\u0001\u0002\u0001Hi' },
      'Latin-1',
    );
    assert.deepEqual(decode(bytes('D83D DE00 0021'), 8, 0x40), { text: '😀!' }, 'UCS-2');
  });

  test('without the UDH indicator, leading header-like bytes are text', () => {
    assert.deepEqual(decode(bytes('050003 2A 03 02 616263'), 3), { text: '\u0005\u0000\u0003*\u0003\u0002abc' });
  });

  test('a message_payload TLV buffer decodes the same way, beyond short_message size', () => {
    const payload = encodeForSubmit('ж'.repeat(200), 0).parts.map((p) => p.subarray(6));
    assert.equal(decode(Buffer.concat(payload), 8).text, 'ж'.repeat(200));
  });

  test('every encoded part decodes back to its share of the text, in order', () => {
    const texts = [
      'a'.repeat(161),
      `${GSM_DEFAULT}${GSM_EXTENSION}`.repeat(3),
      `${'a'.repeat(152)}€${'a'.repeat(150)}€`,
      `Hello 😀 ${'ж'.repeat(100)} 👍🏽 done`,
      `${'ж'.repeat(66)}😀xyz`,
    ];
    for (const text of texts) {
      const { dataCoding, esmClass, parts } = encodeForSubmit(text, 9);
      const decoded = parts.map((shortMessage) => decodeShortMessage({ shortMessage, dataCoding, esmClass }));
      assert.equal(decoded.map((d) => d.text).join(''), text);
      if (parts.length > 1) {
        assert.deepEqual(
          decoded.map((d) => d.concat),
          parts.map((_, i) => ({ ref: 9, total: parts.length, seq: i + 1 })),
        );
      }
    }
  });
});

describe('concatFromSarTlvs', () => {
  test('all three TLVs give the same concat shape, 16-bit refs included', () => {
    assert.deepEqual(concatFromSarTlvs({ sar_msg_ref_num: 0xbeef, sar_total_segments: 3, sar_segment_seqnum: 2 }), {
      ref: 0xbeef,
      total: 3,
      seq: 2,
    });
    assert.deepEqual(concatFromSarTlvs({ sar_msg_ref_num: 0, sar_total_segments: 1, sar_segment_seqnum: 1 }), {
      ref: 0,
      total: 1,
      seq: 1,
    });
  });

  test('missing or out-of-range TLVs give undefined', () => {
    assert.equal(concatFromSarTlvs({}), undefined);
    assert.equal(concatFromSarTlvs({ sar_msg_ref_num: 1, sar_total_segments: 2 }), undefined);
    assert.equal(concatFromSarTlvs({ sar_total_segments: 2, sar_segment_seqnum: 1 }), undefined);
    assert.equal(concatFromSarTlvs({ sar_msg_ref_num: 1, sar_total_segments: 0, sar_segment_seqnum: 0 }), undefined);
    assert.equal(concatFromSarTlvs({ sar_msg_ref_num: 1, sar_total_segments: 2, sar_segment_seqnum: 3 }), undefined);
    assert.equal(concatFromSarTlvs({ sar_msg_ref_num: 1, sar_total_segments: 2, sar_segment_seqnum: 0 }), undefined);
    const bigRef = { sar_msg_ref_num: 0x10000, sar_total_segments: 2, sar_segment_seqnum: 1 };
    assert.equal(concatFromSarTlvs(bigRef), undefined);
    assert.equal(concatFromSarTlvs({ sar_msg_ref_num: 1, sar_total_segments: 256, sar_segment_seqnum: 1 }), undefined);
  });
});
