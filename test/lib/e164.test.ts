import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countries, countryOfTimeZone, type Country } from '../../src/lib/countries.ts';
import {
  countryOfNumber,
  exampleNumber,
  formatPhone,
  isE164,
  parsePhone,
  parseTextable,
  takesTexts,
} from '../../src/lib/e164.ts';

/** Each input must parse to `expected` (null: refused), read in the given countries. */
function expectAll(cases: [raw: unknown, expected: string | null][], ...countries: (Country | null)[]): void {
  for (const [raw, expected] of cases)
    assert.equal(parsePhone(raw, countries), expected, `${JSON.stringify(raw)} in ${countries.join(', ') || 'none'}`);
}

test("the README's and the messages' example, 555 123 0000, is a US number (area code 555 is fictional)", () => {
  expectAll(
    [
      ['555 123 0000', '+15551230000'],
      ['(555) 123-0000', '+15551230000'],
      ['1 555 123 0000', '+15551230000'],
      ['+1 555 123 0000', '+15551230000'],
    ],
    'US',
  );
  assert.equal(countryOfNumber('+15551230000'), 'US');
  assert.ok(isE164('+15551230000') && isE164('+15550100100'), 'the sandbox and test numbers');
});

test('the numbers the issue found accepted are refused: too short, no such country code', () => {
  expectAll([
    ['+1 555 0100', null],
    ['+999 123 4567', null],
    ['+1234567', null],
  ]);
  // "+49 30 123" exists as far as the numbering plan knows (Germany's landline numbers vary in length), but it is
  // a landline: texts cannot reach it, and starting a conversation refuses it (test/routes/start-numbers.test.ts).
  assert.equal(parsePhone('+49 30 123'), '+4930123');
  assert.equal(takesTexts('+4930123'), false);
});

test('numbers with their country code stand for themselves, whatever the country', () => {
  for (const country of [null, 'US', 'DE'] as const)
    expectAll(
      [
        ['+14155552671', '+14155552671'],
        ['+1 (415) 555-2671', '+14155552671'],
        ['+49 1512 3456789', '+4915123456789'],
        ['+49 (0)1512 3456789', '+4915123456789'],
        ['0049 1512 3456789', '+4915123456789'],
        ['+44 7400 123456', '+447400123456'],
        ['+33 6 12 34 56 78', '+33612345678'],
        ['+81 90-1234-5678', '+819012345678'],
        ['  +14155552671\t', '+14155552671'],
        ['+1\u00a0415\u00a0555\u00a02671', '+14155552671'],
      ],
      country,
    );
});

test('national numbers are read in the first country where they exist', () => {
  expectAll(
    [
      ['(415) 555-2671', '+14155552671'],
      ['415.555.2671', '+14155552671'],
      ['1-415-555-2671', '+14155552671'],
      ['555-2671', null],
    ],
    'US',
  );
  expectAll([['(604) 555-2671', '+16045552671']], 'CA');
  expectAll(
    [
      ['01512 3456789', '+4915123456789'],
      ['030 12345678', '+493012345678'],
    ],
    'DE',
  );
  expectAll([['07400 123456', '+447400123456']], 'GB');
  expectAll([['06 12 34 56 78', '+33612345678']], 'FR');
  expectAll([['347 123 4567', '+393471234567']], 'IT');
  expectAll([['612 345 678', '+34612345678']], 'ES');
  expectAll([['090-1234-5678', '+819012345678']], 'JP');
  expectAll([['0412 345 678', '+61412345678']], 'AU');
  // The sending number's country first, then the person's: a German mobile typed while sending from a US number.
  expectAll([['01512 3456789', '+4915123456789']], 'US', 'DE');
  expectAll([['415 555 2671', '+14155552671']], 'US', 'DE');
});

test('a national number with no country to read it in is refused', () => {
  expectAll([
    ['4155552671', null],
    ['01512 3456789', null],
  ]);
});

test('garbage, letters, extensions, other digits and non-strings are refused', () => {
  expectAll(
    [
      ['', null],
      ['   ', null],
      ['+', null],
      ['00', null],
      ['abc', null],
      ['+1 415 CALL NOW', null],
      ['1-800-FLOWERS', null],
      ['415-555-2671 ext. 12', null],
      ['++14155552671', null],
      ['+1+4155552671', null],
      ['４１５５５５２６７１', null],
      ['4'.repeat(41), null],
      [4155552671, null],
      [null, null],
      [undefined, null],
      [{}, null],
      [['+14155552671'], null],
    ],
    'US',
  );
});

test("every country's example in the messages is read back as itself", () => {
  for (const country of countries) {
    const example = exampleNumber(country);
    if (!example) continue;
    const e164 = parsePhone(example.international);
    assert.ok(e164, `${country} ${example.international}`);
    assert.equal(parsePhone(example.national, [country]), e164, `${country} ${example.national}`);
  }
  assert.deepEqual(exampleNumber('DE'), { national: '01512 3456789', international: '+49 1512 3456789' });
  assert.ok(countries.length > 200, 'every country, not a table of 15');
});

test("a number is shown national in the viewer's country, international elsewhere", () => {
  assert.equal(formatPhone('+15551230000', 'US'), '(555) 123-0000');
  assert.equal(formatPhone('+15551230000', 'DE'), '+1 555 123 0000');
  assert.equal(formatPhone('+15551230000', null), '+1 555 123 0000');
  assert.equal(formatPhone('+4915123456789', 'DE'), '01512 3456789');
  assert.equal(formatPhone('+4915123456789', 'US'), '+49 1512 3456789');
  assert.equal(formatPhone('+447400123456', 'GB'), '07400 123456');
  assert.equal(formatPhone('+33612345678', 'FR'), '06 12 34 56 78');
  // Canada shares the US code, not its country.
  assert.equal(formatPhone('+16045552671', 'US'), '+1 604 555 2671');
  // What is no number is shown as it is: a sender's name, a contact's name.
  assert.equal(formatPhone('ACME', 'US'), 'ACME');
  assert.equal(formatPhone('Ana Lima', 'US'), 'Ana Lima');
});

test('mobile and ambiguous numbers take texts; landlines, premium-rate and shared-cost numbers do not', () => {
  for (const e164 of ['+15551230000', '+14155552671', '+4915123456789', '+447400123456', '+18005550199'])
    assert.ok(takesTexts(e164), e164);
  for (const e164 of ['+493012345678', '+442079460958', '+449001234567', '+491805123456'])
    assert.equal(takesTexts(e164), false, e164);
});

test('parseTextable answers parsePhone and takesTexts in one parse', () => {
  const typed = [
    '+1 555 123 0000',
    '(415) 555-2671',
    '0151 23456789',
    '+44 7400 123456',
    '030 12345678',
    '+1 800 555 0199',
    '12-34',
    '',
    'ACME',
    '+44 7700 900123',
    '+49 1805 123456',
    '0049 151 23456789',
  ];
  for (const raw of typed) {
    const phone = parsePhone(raw, ['US', 'DE']);
    const expected =
      phone === null ? { refused: 'invalid' } : takesTexts(phone) ? { phone } : { refused: 'untextable' };
    assert.deepEqual(parseTextable(raw, ['US', 'DE']), expected, raw);
  }
  assert.deepEqual(parseTextable('030 12345678', ['DE']), { refused: 'untextable' });
});

test('the country of a time zone stands in for a person without one configured', () => {
  assert.equal(countryOfTimeZone('Europe/Berlin'), 'DE');
  assert.equal(countryOfTimeZone('America/Chicago'), 'US');
  assert.equal(countryOfTimeZone('America/Toronto'), 'CA');
  assert.equal(countryOfTimeZone('UTC'), null);
  assert.equal(countryOfTimeZone('Nowhere/Else'), null);
});
