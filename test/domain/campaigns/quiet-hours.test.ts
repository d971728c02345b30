import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configSchema } from '../../../src/config/schema.ts';
import { nextSendTime, windowFor } from '../../../src/domain/campaigns/quiet-hours.ts';
import { campaignSettingsOf } from '../../../src/domain/campaigns/settings.ts';
import { recipientZones, zonesOfPhone } from '../../../src/domain/campaigns/zones.ts';

const settings = campaignSettingsOf(configSchema.parse({}));
const at = (iso: string): number => Date.parse(iso);

/** When the recipient may be texted, as an ISO instant (null: never). */
function next(e164: string, nowIso: string, contactZone: string | null = null): string | null {
  const t = nextSendTime(recipientZones(contactZone, e164), windowFor(settings, e164), at(nowIso));
  return t === null ? null : new Date(t).toISOString();
}

const NEW_YORK = '+12125550123';
const LOS_ANGELES = '+13105550123';
const MIAMI = '+13055550123';
const TOLL_FREE = '+18005550123';
const BERLIN = '+4930123456';

test('numbers have their prefix zones; a toll-free +1 number has all of the NANP, a +7 800 number Moscow and Kazakhstan', () => {
  assert.deepEqual(zonesOfPhone(NEW_YORK), ['America/New_York']);
  assert.deepEqual(zonesOfPhone(LOS_ANGELES), ['America/Los_Angeles']);
  const nanp = zonesOfPhone(TOLL_FREE);
  assert.ok(nanp.includes('America/New_York') && nanp.includes('Pacific/Honolulu') && nanp.length > 10, nanp.join());
  assert.deepEqual([...zonesOfPhone('+78001234567')].sort(), ['Asia/Almaty', 'Asia/Aqtobe', 'Europe/Moscow']);
  assert.deepEqual(recipientZones('Europe/Berlin', NEW_YORK), ['Europe/Berlin']);
  assert.deepEqual(recipientZones('Mars/Olympus', NEW_YORK), ['America/New_York'], 'an unknown zone is ignored');
});

test('inside the window it goes now; a 07:30 recipient in New York waits until 08:00', () => {
  // 12:00 in New York (EST, UTC−5).
  assert.equal(next(NEW_YORK, '2026-01-15T17:00:00Z'), '2026-01-15T17:00:00.000Z');
  // 07:30 in New York.
  assert.equal(next(NEW_YORK, '2026-01-15T12:30:00Z'), '2026-01-15T13:00:00.000Z');
  // 21:00 in New York: the window has closed, the next one opens at 08:00 tomorrow.
  assert.equal(next(NEW_YORK, '2026-01-16T02:00:00Z'), '2026-01-16T13:00:00.000Z');
  // 20:59: still inside.
  assert.equal(next(NEW_YORK, '2026-01-16T01:59:00Z'), '2026-01-16T01:59:00.000Z');
});

test('a Florida area code ends at 20:00, not 21:00', () => {
  assert.deepEqual(windowFor(settings, MIAMI), { from: 8 * 60, until: 20 * 60 });
  assert.deepEqual(windowFor(settings, NEW_YORK), { from: 8 * 60, until: 21 * 60 });
  // 20:30 in Miami (EST): wait until 08:00; New York at the same moment is still inside.
  assert.equal(next(MIAMI, '2026-01-16T01:30:00Z'), '2026-01-16T13:00:00.000Z');
  assert.equal(next(NEW_YORK, '2026-01-16T01:30:00Z'), '2026-01-16T01:30:00.000Z');
  // 19:59 in Miami: inside.
  assert.equal(next(MIAMI, '2026-01-16T00:59:00Z'), '2026-01-16T00:59:00.000Z');
});

test('a number that may be in several zones waits until it is inside the window in all of them', () => {
  // 11:00 in New York is 08:00 in Los Angeles but only 06:00 in Honolulu: a toll-free number waits for Hawaii
  // (and every other NANP zone). Honolulu is UTC−10, so 08:00 there is 18:00 UTC.
  const t = next(TOLL_FREE, '2026-01-15T16:00:00Z');
  assert.ok(t !== null);
  assert.ok(Date.parse(t) >= at('2026-01-15T18:00:00Z'), t);
  // Whatever moment it picks, every zone is inside 08:00–21:00 then.
  for (const zone of zonesOfPhone(TOLL_FREE)) {
    const hour = Number(
      new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', hourCycle: 'h23' }).format(Date.parse(t)),
    );
    assert.ok(hour >= 8 && hour < 21, `${zone} at ${hour}h`);
  }
  // An Idaho prefix that libphonenumber places in both Denver and Los Angeles time: 08:00 in Denver (07:00 in
  // Los Angeles) waits an hour for Los Angeles.
  const idaho = '+12082001234';
  assert.deepEqual([...zonesOfPhone(idaho)].sort(), ['America/Boise', 'America/Los_Angeles']);
  assert.equal(next(idaho, '2026-01-15T15:00:00Z'), '2026-01-15T16:00:00.000Z');
});

test('zones that share no moment inside the window get null (skipped as no_window)', () => {
  // 08:00–21:00 is longer than half a day, so any two zones share some of it; a 4-hour window 10 hours apart does not.
  const morning = { from: 8 * 60, until: 12 * 60 };
  assert.equal(nextSendTime(['Europe/London', 'Pacific/Honolulu'], morning, at('2026-01-15T12:00:00Z')), null);
  assert.equal(
    nextSendTime(['Europe/London', 'Europe/Berlin'], morning, at('2026-01-15T12:00:00Z')),
    at('2026-01-16T08:00:00Z'),
  );
  // Kazakhstan (UTC+5) and Moscow (UTC+3): 09:00 in Moscow is 11:00 in Almaty: inside for both.
  assert.equal(next('+78001234567', '2026-01-15T06:00:00Z'), '2026-01-15T06:00:00.000Z');
  // 07:00 in Moscow, 09:00 in Almaty: waits for Moscow's 08:00.
  assert.equal(next('+78001234567', '2026-01-15T04:00:00Z'), '2026-01-15T05:00:00.000Z');
  // 20:30 in Almaty, 18:30 in Moscow: inside; 21:00 in Almaty closes it until Moscow's 08:00 tomorrow (05:00 UTC).
  assert.equal(next('+78001234567', '2026-01-15T15:30:00Z'), '2026-01-15T15:30:00.000Z');
  assert.equal(next('+78001234567', '2026-01-15T16:00:00Z'), '2026-01-16T05:00:00.000Z');
});

test('daylight saving time moves the window with the clock', () => {
  // 8 March 2026: New York springs forward at 02:00. 07:30 EDT is 11:30 UTC; 08:00 EDT is 12:00 UTC.
  assert.equal(next(NEW_YORK, '2026-03-08T11:30:00Z'), '2026-03-08T12:00:00.000Z');
  // The evening before (EST): 21:30 EST waits for 08:00 EDT, across the change.
  assert.equal(next(NEW_YORK, '2026-03-08T02:30:00Z'), '2026-03-08T12:00:00.000Z');
  // 29 March 2026 in Berlin (CET→CEST): 08:00 CEST is 06:00 UTC.
  assert.equal(next(BERLIN, '2026-03-29T05:00:00Z'), '2026-03-29T06:00:00.000Z');
});

test("a contact's own zone overrides the number's", () => {
  // A New York number whose contact lives in Berlin: 14:00 UTC is 09:00 in New York but 15:00 in Berlin (inside);
  // 21:00 UTC is 16:00 in New York but 22:00 in Berlin (outside: wait for 08:00 Berlin = 07:00 UTC).
  assert.equal(next(NEW_YORK, '2026-01-15T14:00:00Z', 'Europe/Berlin'), '2026-01-15T14:00:00.000Z');
  assert.equal(next(NEW_YORK, '2026-01-15T21:00:00Z', 'Europe/Berlin'), '2026-01-16T07:00:00.000Z');
  assert.equal(next(NEW_YORK, '2026-01-15T21:00:00Z'), '2026-01-15T21:00:00.000Z');
});
