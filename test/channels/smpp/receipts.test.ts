import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseReceipt, receiptIdKey, responseIdKey, type ReceiptIdMode } from '../../../src/channels/smpp/receipts.ts';

const receiptText = (id: string, stat: string, err = '000', text = 'Hello there'): string =>
  `id:${id} sub:001 dlvrd:001 submit date:2401011200 done date:2401011201 stat:${stat} err:${err} text:${text}`;

describe('parseReceipt from the text format', () => {
  test('a delivered receipt', () => {
    assert.deepEqual(parseReceipt({ shortMessageText: receiptText('0123456789', 'DELIVRD') }), {
      smscId: '0123456789',
      state: 'delivered',
    });
  });

  test('every stat word maps to a state', () => {
    const cases: [string, string][] = [
      ['DELIVRD', 'delivered'],
      ['EXPIRED', 'expired'],
      ['DELETED', 'failed'],
      ['UNDELIV', 'failed'],
      ['ACCEPTD', 'accepted'],
      ['UNKNOWN', 'unknown'],
      ['REJECTD', 'rejected'],
      ['ENROUTE', 'enroute'],
      ['DELIVERED', 'delivered'],
      ['UNDELIVERABLE', 'failed'],
      ['REJECTED', 'rejected'],
      ['ACCEPTED', 'accepted'],
      ['SOMETHING', 'unknown'],
    ];
    for (const [stat, state] of cases) {
      assert.deepEqual([stat, parseReceipt({ shortMessageText: receiptText('1', stat) })?.state], [stat, state]);
    }
  });

  test('keys and stat values are case-insensitive', () => {
    const shortMessageText =
      'ID:abc123 SUB:001 DLVRD:000 SUBMIT DATE:2401011200 DONE DATE:2401011201 STAT:undeliv ERR:034 TEXT:x';
    assert.deepEqual(parseReceipt({ shortMessageText }), { smscId: 'abc123', state: 'failed', errorCode: '034' });
  });

  test('a non-zero err is kept as given, an all-zero err is no error', () => {
    assert.equal(parseReceipt({ shortMessageText: receiptText('1', 'UNDELIV', '00B') })?.errorCode, '00B');
    assert.equal(parseReceipt({ shortMessageText: receiptText('1', 'DELIVRD', '000') })?.errorCode, undefined);
  });

  test('what follows text: is the message, not receipt fields', () => {
    const shortMessageText = receiptText('77', 'UNDELIV', '001', 'id:99 stat:DELIVRD err:000');
    assert.deepEqual(parseReceipt({ shortMessageText }), { smscId: '77', state: 'failed', errorCode: '001' });
  });

  test('fields in another order, without text:, still parse', () => {
    assert.deepEqual(parseReceipt({ shortMessageText: 'stat:EXPIRED id:ab-cd-ef err:123' }), {
      smscId: 'ab-cd-ef',
      state: 'expired',
      errorCode: '123',
    });
  });

  test('no id anywhere: null, since it cannot be matched', () => {
    assert.equal(parseReceipt({ shortMessageText: 'stat:DELIVRD err:000' }), null);
    assert.equal(parseReceipt({ shortMessageText: 'id: stat:DELIVRD' }), null);
    assert.equal(parseReceipt({ shortMessageText: '' }), null);
  });

  test('no stat: unknown', () => {
    assert.deepEqual(parseReceipt({ shortMessageText: 'id:5' }), { smscId: '5', state: 'unknown' });
  });
});

describe('parseReceipt from TLVs', () => {
  test('TLVs alone are enough', () => {
    assert.deepEqual(parseReceipt({ shortMessageText: '', receipted_message_id: 'A1B2', message_state: 2 }), {
      smscId: 'A1B2',
      state: 'delivered',
    });
  });

  test('every message_state maps to a state', () => {
    const cases: [number, string][] = [
      [1, 'enroute'],
      [2, 'delivered'],
      [3, 'expired'],
      [4, 'failed'],
      [5, 'failed'],
      [6, 'accepted'],
      [7, 'unknown'],
      [8, 'rejected'],
    ];
    for (const [messageState, state] of cases) {
      const receipt = parseReceipt({ shortMessageText: '', receipted_message_id: 'x', message_state: messageState });
      assert.deepEqual([messageState, receipt?.state], [messageState, state]);
    }
  });

  test('TLVs win over the text', () => {
    const receipt = parseReceipt({
      shortMessageText: receiptText('999', 'UNDELIV', '001'),
      receipted_message_id: '3e7',
      message_state: 2,
      network_error_code: Buffer.from([3, 0x00, 0x22]),
    });
    assert.deepEqual(receipt, { smscId: '3e7', state: 'delivered', errorCode: 'GSM:34' });
  });

  test('each missing or unusable TLV falls back to the text on its own', () => {
    assert.deepEqual(
      parseReceipt({
        shortMessageText: receiptText('999', 'EXPIRED', '045'),
        receipted_message_id: '  ',
        message_state: 0,
      }),
      { smscId: '999', state: 'expired', errorCode: '045' },
      'blank id, SMPP 5.0 SCHEDULED state',
    );
    assert.deepEqual(
      parseReceipt({
        shortMessageText: receiptText('999', 'UNDELIV', '045'),
        message_state: 5,
        network_error_code: Buffer.from([3, 0, 0]),
      }),
      { smscId: '999', state: 'failed', errorCode: '045' },
      'an all-zero network error code is no error',
    );
    assert.deepEqual(
      parseReceipt({ shortMessageText: receiptText('999', 'UNDELIV', '045'), network_error_code: Buffer.from([3, 1]) }),
      { smscId: '999', state: 'failed', errorCode: '045' },
      'a network error code of the wrong length',
    );
  });

  test('network types are named where SMPP names them', () => {
    const error = (type: number): string | undefined =>
      parseReceipt({ shortMessageText: 'id:1', network_error_code: Buffer.from([type, 0x01, 0x00]) })?.errorCode;
    assert.deepEqual([1, 2, 3, 4, 9].map(error), [
      'ANSI-136:256',
      'IS-95:256',
      'GSM:256',
      'ANSI-41:256',
      'network-9:256',
    ]);
  });
});

describe('carrier id keys (receipt_id)', () => {
  const matches = (response: string, receipt: string, mode: ReceiptIdMode): boolean =>
    responseIdKey(response, mode) === receiptIdKey(receipt, mode);

  test('"same": equal ids match, whatever leading zeros (Appendix B pads to ten digits) or case of hex digits', () => {
    assert.ok(matches('12345', '0000012345', 'same'));
    assert.ok(matches('00FF', 'ff', 'same'));
    assert.ok(matches('0', '000', 'same'));
    assert.ok(!matches('10', 'a', 'same'), 'never another reading: "10" is not "a"');
    assert.ok(!matches('255', 'ff', 'same'));
  });

  test('"hex": a hex receipt names the decimal id of the response', () => {
    assert.ok(matches('6699', '1a2b', 'hex'));
    assert.ok(matches('6699', '00001A2B', 'hex'));
    assert.ok(matches('16', '10', 'hex'));
    assert.ok(!matches('10', '10', 'hex'));
  });

  test('"decimal": a decimal receipt names the hex id of the response', () => {
    assert.ok(matches('1A2B', '6699', 'decimal'));
    assert.ok(matches('a', '10', 'decimal'));
    assert.ok(!matches('10', '10', 'decimal'));
  });

  test('ids beyond 2^53 convert exactly', () => {
    assert.ok(matches('18446744073709551615', 'ffffffffffffffff', 'hex'));
    assert.ok(matches('ffffffffffffffff', '18446744073709551615', 'decimal'));
  });

  test('ids that are no number in the base are compared as given', () => {
    const uuid = '6f1e2d3c-aaaa-bbbb-cccc-0123456789ab';
    for (const mode of ['same', 'hex', 'decimal'] as const) assert.ok(matches(uuid, uuid, mode));
    assert.ok(matches(' msg-12ab ', 'msg-12ab', 'same'));
    assert.ok(!matches('Msg-12ab', 'msg-12ab', 'same'), 'case matters in ids that are not hex numbers');
  });
});
