import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dayStart } from '../../src/domain/calendar.ts';
import { canonicalTimeZone, timeZoneNames } from '../../src/lib/time-zones.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const hours = (from: number | null, to: number | null) => (to! - from!) / 3_600_000;

test('a day starts at midnight in the zone, not in UTC', () => {
  assert.equal(iso(dayStart('2026-11-25', 'Europe/Berlin')), '2026-11-24T23:00:00.000Z');
  assert.equal(iso(dayStart('2026-11-25', 'America/Los_Angeles')), '2026-11-25T08:00:00.000Z');
  assert.equal(iso(dayStart('2026-11-25', 'America/Los_Angeles', 1)), '2026-11-26T08:00:00.000Z', 'the day after');
  assert.equal(iso(dayStart('2026-11-25', 'UTC')), '2026-11-25T00:00:00.000Z');
  assert.equal(
    iso(dayStart('2026-12-31', 'Pacific/Kiritimati', 1)),
    '2026-12-31T10:00:00.000Z',
    'a month and a year roll over',
  );
});

test('on the days the clocks change, a day is 23 or 25 hours long', () => {
  // Los Angeles: forward on 8 March 2026 at 2:00, back on 1 November at 2:00.
  const march8 = dayStart('2026-03-08', 'America/Los_Angeles');
  assert.equal(iso(march8), '2026-03-08T08:00:00.000Z');
  assert.equal(hours(march8, dayStart('2026-03-08', 'America/Los_Angeles', 1)), 23);
  const november1 = dayStart('2026-11-01', 'America/Los_Angeles');
  assert.equal(iso(november1), '2026-11-01T07:00:00.000Z');
  assert.equal(hours(november1, dayStart('2026-11-01', 'America/Los_Angeles', 1)), 25);
  // Berlin: forward on 29 March 2026 at 2:00.
  assert.equal(hours(dayStart('2026-03-29', 'Europe/Berlin'), dayStart('2026-03-30', 'Europe/Berlin')), 23);
});

test('where the clocks change at midnight, the day starts at its first instant', () => {
  // Santiago skips midnight on 6 September 2026 (23:59:59 → 01:00): the day starts when the clocks jump.
  assert.equal(iso(dayStart('2026-09-06', 'America/Santiago')), '2026-09-06T04:00:00.000Z');
  // Havana skips midnight on 8 March 2026 …
  assert.equal(iso(dayStart('2026-03-08', 'America/Havana')), '2026-03-08T05:00:00.000Z');
  // … and has it twice on 1 November 2026 (01:00 → 00:00): the first one.
  assert.equal(iso(dayStart('2026-11-01', 'America/Havana')), '2026-11-01T04:00:00.000Z');
  // Beirut turns 25 October 2026's midnight back into 23:00 of the 24th: the day starts at the midnight that is shown.
  assert.equal(iso(dayStart('2026-10-25', 'Asia/Beirut')), '2026-10-24T22:00:00.000Z');
});

test('what is no date of the calendar is refused', () => {
  for (const raw of [
    '2026-02-30',
    '2026-13-01',
    '2026-00-10',
    '26-11-25',
    '2026-11-25T00:00',
    'yesterday',
    '',
    '0099-01-01',
  ]) {
    assert.equal(dayStart(raw, 'UTC'), null, raw);
  }
  assert.notEqual(dayStart('2028-02-29', 'UTC'), null, 'a leap day');
});

test("zones are the runtime's list and UTC; aliases come out as listed, anything else as null", () => {
  assert.ok(
    timeZoneNames.includes('UTC') &&
      timeZoneNames.includes('Europe/Berlin') &&
      timeZoneNames.includes('America/Los_Angeles'),
  );
  assert.equal(new Set(timeZoneNames).size, timeZoneNames.length);
  assert.equal(canonicalTimeZone('Europe/Berlin'), 'Europe/Berlin');
  assert.equal(canonicalTimeZone('US/Pacific'), 'America/Los_Angeles');
  assert.equal(canonicalTimeZone('Etc/UTC'), 'UTC');
  for (const raw of ['Mars/Olympus', '+01:00', 'Europe/Berlin ', '', 42, null, undefined, 'x'.repeat(200)])
    assert.equal(canonicalTimeZone(raw), null, String(raw));
});
