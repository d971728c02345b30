import assert from 'node:assert/strict';
import { test } from 'node:test';
import { syncNumbers } from '../../src/domain/numbers/sync.ts';
import { buildTestApp } from '../helper.ts';

test('a number keeps the name of the block that carries it and what its messages are: smpp → sms, whatsapp → whatsapp', async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  const base = { inbox: 'Support', registration: 'not-required' } as const;
  syncNumbers(h.app.domain, [
    { ...base, e164: '+15551230000', smpp: 'carrier-a' },
    { ...base, e164: '+15551230001', whatsapp: 'wa-main' },
  ]);
  const rows = () => h.sqlite.prepare('SELECT e164, channel, kind, media_route FROM numbers ORDER BY e164').all();
  assert.deepEqual(rows(), [
    { e164: '+15551230000', channel: 'carrier-a', kind: 'sms', media_route: 'link' },
    { e164: '+15551230001', channel: 'wa-main', kind: 'whatsapp', media_route: 'link' },
  ]);
  // Moved from SMS to WhatsApp in the file: the same row, now a WhatsApp number.
  syncNumbers(h.app.domain, [{ ...base, e164: '+15551230000', whatsapp: 'wa-main' }]);
  assert.deepEqual(rows()[0], { e164: '+15551230000', channel: 'wa-main', kind: 'whatsapp', media_route: 'link' });
});
