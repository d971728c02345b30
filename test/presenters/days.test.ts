import assert from 'node:assert/strict';
import { test } from 'node:test';
import { translator } from '../../src/i18n/index.ts';
import { dayFormatter } from '../../src/presenters/days.ts';

const NOW = Date.parse('2026-03-08T15:00:00Z'); // a Sunday: New York moved its clocks that night

test('days are the viewer’s: Today, Yesterday, then the date in their language; the order sorts before the day', () => {
  const berlin = dayFormatter('de', 'Europe/Berlin', translator('de'), () => NOW);
  assert.deepEqual(berlin(NOW), {
    key: '2026-03-08',
    label: 'Heute',
    order: `${Date.parse('2026-03-07T23:00:00Z') - 1}.5`,
  });
  assert.equal(berlin(Date.parse('2026-03-07T23:30:00Z')).label, 'Heute', 'half past midnight in Berlin');
  assert.equal(berlin(Date.parse('2026-03-07T22:30:00Z')).label, 'Gestern');
  assert.equal(berlin(Date.parse('2026-03-05T12:00:00Z')).label, 'Donnerstag, 5. März');
  assert.equal(berlin(Date.parse('2025-12-24T12:00:00Z')).label, 'Mittwoch, 24. Dezember 2025');

  // New York's day began at 05:00 UTC (EST); the next one at 04:00 UTC (EDT).
  const newYork = dayFormatter('en', 'America/New_York', translator('en'), () => NOW);
  assert.equal(newYork(NOW).order, `${Date.parse('2026-03-08T05:00:00Z') - 1}.5`);
  assert.equal(newYork(Date.parse('2026-03-09T04:00:00Z')).order, `${Date.parse('2026-03-09T04:00:00Z') - 1}.5`);
  assert.equal(newYork(Date.parse('2026-03-08T04:59:00Z')).label, 'Yesterday');
  assert.equal(newYork(Date.parse('2026-03-06T12:00:00Z')).label, 'Friday, March 6');
});
