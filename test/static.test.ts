import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { buildTestApp } from './helper.ts';

const vendored = [
  ['static/vendor/htmx.min.js', 'node_modules/htmx.org/dist/htmx.min.js'],
  ['static/vendor/hx-ws.min.js', 'node_modules/htmx.org/dist/ext/hx-ws.min.js'],
  ['static/vendor/hx-upsert.min.js', 'node_modules/htmx.org/dist/ext/hx-upsert.min.js'],
] as const;

test('the htmx files served from static/ are the installed htmx.org version (copy them after an upgrade)', () => {
  for (const [copy, source] of vendored)
    assert.ok(readFileSync(copy).equals(readFileSync(source)), `${copy} differs from ${source}`);
});

test('htmx, its ws extension and the stylesheet are served locally, with a CSP that allows only this origin', async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  for (const url of [
    '/static/vendor/htmx.min.js',
    '/static/vendor/hx-ws.min.js',
    '/static/vendor/hx-upsert.min.js',
    '/static/app.css',
  ]) {
    assert.equal((await h.app.inject(url)).statusCode, 200, url);
  }
  const csp = String((await h.app.inject('/login')).headers['content-security-policy']);
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'/);
});
