import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readCsv, variableName } from '../../../src/domain/campaigns/csv-read.ts';
import { refusal } from '../../helper.ts';

const read = (text: string | Buffer, max = 100) => readCsv(Buffer.isBuffer(text) ? text : Buffer.from(text), max);

test('quotes, doubled quotes, CRLF and LF, a byte-order mark, blank lines; lines where records start', () => {
  const csv = read(
    '\uFEFFPhone,Name,Note\r\n+15558000001,"King, Ada","said ""hi""\nthen left"\r\n\r\n+15558000002,Bob,\n',
  );
  assert.deepEqual(csv.header, ['Phone', 'Name', 'Note']);
  assert.deepEqual(csv.rows, [
    { line: 2, cells: ['+15558000001', 'King, Ada', 'said "hi"\nthen left'] },
    { line: 5, cells: ['+15558000002', 'Bob', ''] },
  ]);
});

test('the separator is sniffed from the header: semicolon, tab; a comma inside quotes does not count', () => {
  assert.deepEqual(read('"Name, full";Telefon\nAda;0151 1234567\n').rows[0]!.cells, ['Ada', '0151 1234567']);
  assert.deepEqual(read('a\tb\n1\t2,3\n').rows[0]!.cells, ['1', '2,3']);
});

test('Windows-1252 (an old spreadsheet) is read as such', () => {
  const latin = Buffer.from([
    ...Buffer.from('Name;Telefon\n'),
    0x4d,
    0xfc,
    0x6c,
    0x6c,
    0x65,
    0x72,
    ...Buffer.from(';1\n'),
  ]);
  assert.equal(read(latin).rows[0]!.cells[0], 'Müller');
});

test('bounded: rows, cell length, unclosed quotes and empty files are refused with their keys', () => {
  assert.equal(
    refusal(() => read('p\n1\n2\n3\n', 2)),
    '422 campaign.csv_too_many_rows',
  );
  assert.equal(read('p\n1\n2\n', 2).rows.length, 2);
  assert.equal(
    refusal(() => read(`p\n${'x'.repeat(1001)}\n`)),
    '422 campaign.csv_cell_too_long',
  );
  assert.equal(
    refusal(() => read(`p\n"${'x'.repeat(1001)}"\n`)),
    '422 campaign.csv_cell_too_long',
  );
  assert.equal(
    refusal(() => read('p,q\n1,"open\n2,3\n')),
    '422 campaign.csv_unclosed_quote',
  );
  assert.equal(
    refusal(() => read('p\n\n\n')),
    '422 campaign.csv_empty',
  );
  assert.equal(
    refusal(() => read('')),
    '422 campaign.csv_empty',
  );
  assert.equal(
    refusal(() => readCsv(Buffer.alloc(20 * 1024 * 1024 + 1, 0x61), 10)),
    '422 campaign.csv_too_large',
  );
});

test('column names become placeholder names', () => {
  assert.equal(variableName('Order No.'), 'order_no');
  assert.equal(variableName(' Größe (EU) '), 'grosse_eu');
  assert.equal(variableName('first-name'), 'first_name');
});
