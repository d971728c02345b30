import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { buildTestApp } from '../helper.ts';

function logInto(lines: { level: number; msg: string }[], level: string) {
  return pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) });
}

test('requests are logged at debug, not info; a failing request is still an error', async (t) => {
  const atInfo: { level: number; msg: string }[] = [];
  const h = await buildTestApp({}, { logger: logInto(atInfo, 'info') });
  let closed = false;
  t.after(async () => {
    if (!closed) await h.close();
  });
  assert.equal((await h.app.inject('/login')).statusCode, 200);
  assert.equal((await h.app.inject('/no-such-page')).statusCode, 404);
  assert.deepEqual(
    atInfo.filter((l) => /request/.test(l.msg)),
    [],
    'no request lines at info',
  );

  h.sqlite.close();
  assert.equal((await h.app.inject({ url: '/', headers: { cookie: 'sb_session=anything' } })).statusCode, 500);
  assert.ok(
    atInfo.some((l) => l.level === 50 && l.msg === 'request failed'),
    'a 500 is logged as an error',
  );
  await h.app.close();
  closed = true;

  const atDebug: { level: number; msg: string }[] = [];
  const d = await buildTestApp({}, { logger: logInto(atDebug, 'debug') });
  t.after(() => d.close());
  await d.app.inject('/login');
  assert.deepEqual(
    atDebug.filter((l) => /request/.test(l.msg)).map((l) => [l.level, l.msg]),
    [
      [20, 'incoming request'],
      [20, 'request completed'],
    ],
  );
});
