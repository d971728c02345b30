import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizePhone } from '../../src/domain/contacts/phone.ts';
import { supportedCountries } from '../../src/lib/calling-codes.ts';

/** Each input must normalise to `expected` (null: refused) with the given default country. */
function expectAll(cases: [raw: unknown, expected: string | null][], country?: string): void {
  for (const [raw, expected] of cases) {
    assert.equal(
      normalizePhone(raw, country),
      expected,
      `${JSON.stringify(raw)} with ${country ?? 'no default country'}`,
    );
  }
}

test('E.164 numbers pass through unchanged, with or without a default country', () => {
  for (const country of [undefined, 'US', 'DE']) {
    expectAll(
      [
        ['+14155552671', '+14155552671'],
        ['+491511234567', '+491511234567'],
        ['+447700900123', '+447700900123'],
        ['  +14155552671\t', '+14155552671'],
      ],
      country,
    );
  }
});

test('spaces, dashes, parentheses, dots and slashes are stripped', () => {
  expectAll([
    ['+1 415 555 2671', '+14155552671'],
    ['+1-415-555-2671', '+14155552671'],
    ['+1 (415) 555-2671', '+14155552671'],
    ['+1.415.555.2671', '+14155552671'],
    ['+49 151/1234567', '+491511234567'],
    ['+1\u00a0415\u00a0555\u00a02671', '+14155552671'],
  ]);
});

test('a 00 prefix is the international one', () => {
  expectAll([
    ['0049 151 1234567', '+491511234567'],
    ['001 415 555 2671', '+14155552671'],
    ['00 44 7700 900123', '+447700900123'],
    ['000 44 7700 900123', null],
  ]);
  // The default country does not change what a 00 number means.
  expectAll([['0049 151 1234567', '+491511234567']], 'US');
  expectAll([['001 415 555 2671', '+14155552671']], 'DE');
});

test('US national numbers: 10 digits, or 11 with a leading 1', () => {
  expectAll(
    [
      ['4155552671', '+14155552671'],
      ['(415) 555-2671', '+14155552671'],
      ['415.555.2671', '+14155552671'],
      ['14155552671', '+14155552671'],
      ['1 (415) 555-2671', '+14155552671'],
      ['1-415-555-2671', '+14155552671'],
      ['555-2671', null],
      ['415555267', null],
      ['24155552671', null],
      ['114155552671', null],
    ],
    'US',
  );
  expectAll([['(604) 555-2671', '+16045552671']], 'CA');
});

test('NANP area codes and exchanges never start with 0 or 1', () => {
  expectAll(
    [
      ['0155552671', null],
      ['1155552671', null],
      ['10155552671', null],
      ['11155552671', null],
      ['4150552671', null],
      ['4151552671', null],
      ['2002002000', '+12002002000'],
      ['9999999999', '+19999999999'],
    ],
    'US',
  );
});

test('German national numbers drop the trunk 0', () => {
  expectAll(
    [
      ['0151 1234567', '+491511234567'],
      ['0151-123 45 67', '+491511234567'],
      ['(030) 1234567', '+49301234567'],
      ['030/1234567', '+49301234567'],
      // Without the trunk 0 it is not a national number as Germans write them.
      ['151 1234567', null],
    ],
    'DE',
  );
  expectAll([['07700 900123', '+447700900123']], 'GB');
  expectAll([['0412 345 678', '+61412345678']], 'AU');
});

test('a national number without a (supported) default country is refused', () => {
  for (const country of [undefined, '', 'XX', 'JP']) {
    expectAll(
      [
        ['4155552671', null],
        ['0151 1234567', null],
      ],
      country,
    );
  }
  assert.ok(supportedCountries.includes('US') && supportedCountries.includes('DE'));
});

test('garbage, empty and non-string input is refused', () => {
  expectAll(
    [
      ['', null],
      ['   ', null],
      ['+', null],
      ['00', null],
      ['abc', null],
      ['call me', null],
      ['+1 415 CALL NOW', null],
      ['415-555-2671 ext. 12', null],
      ['++14155552671', null],
      ['+1+4155552671', null],
      ['+04155552671', null],
      ['1-800-FLOWERS', null],
      ['４１５５５５２６７１', null],
      [4155552671, null],
      [14155552671, null],
      [null, null],
      [undefined, null],
      [{}, null],
      [['+14155552671'], null],
    ],
    'US',
  );
});

test('too short or too long for E.164 (7 to 15 digits after the +)', () => {
  expectAll([
    ['+123456', null],
    ['+1234567', '+1234567'],
    ['+123456789012345', '+123456789012345'],
    ['+1234567890123456', null],
    ['00123456', null],
    ['001234567890123456', null],
  ]);
  expectAll(
    [
      ['0123', null],
      ['012345', '+4912345'],
      ['0' + '1'.repeat(13), '+49' + '1'.repeat(13)],
      ['0' + '1'.repeat(14), null],
    ],
    'DE',
  );
  expectAll(
    [
      ['41555526711', null],
      ['141555526711', null],
    ],
    'US',
  );
});

test('Italian numbers keep their leading 0, mobiles start with 3', () => {
  expectAll(
    [
      ['06 1234 5678', '+390612345678'],
      ['347 123 4567', '+393471234567'],
    ],
    'IT',
  );
});

test('Spanish national numbers have no trunk 0', () => {
  expectAll(
    [
      ['612 345 678', '+34612345678'],
      ['91 123 45 67', '+34911234567'],
    ],
    'ES',
  );
});

test('an international number with the trunk 0 in parentheses drops it', () => {
  expectAll([
    ['+49 (0)151 1234567', '+491511234567'],
    ['+44 (0)7700 900123', '+447700900123'],
  ]);
});
