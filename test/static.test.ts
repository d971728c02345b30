import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { test } from 'node:test';
import { buildTestApp } from './helper.ts';

/**
 * The browser modules we write (static/vendor holds htmx's own), as paths under static/. The service worker
 * (static/worker/) is no page module: /sw.js serves it (test/routes/push.test.ts).
 */
const modules = readdirSync('static', { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.js') && !file.startsWith('vendor') && !file.startsWith('worker'))
  .map((file) => file.split('\\').join('/'))
  .sort();

/** The modules app.js loads, itself included, following the relative imports. */
function loadedFromEntry(): string[] {
  const loaded = new Set<string>();
  const visit = (file: string) => {
    if (loaded.has(file)) return;
    loaded.add(file);
    for (const [, path] of readFileSync(join('static', file), 'utf8').matchAll(
      /^import .* from '(\.{1,2}\/[^']+)';$/gm,
    ))
      visit(
        normalize(join(dirname(file), path!))
          .split('\\')
          .join('/'),
      );
  };
  visit('app.js');
  return [...loaded].sort();
}

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

test('every browser module is loaded from app.js and served as JavaScript', async (t) => {
  assert.ok(modules.length > 5, `one module per behaviour: ${modules.join(', ')}`);
  assert.deepEqual(loadedFromEntry(), modules, 'a module on disk that app.js does not load is dead code');
  const h = await buildTestApp();
  t.after(() => h.close());
  for (const file of modules) {
    const res = await h.app.inject(`/static/${file}`);
    assert.equal(res.statusCode, 200, file);
    assert.match(String(res.headers['content-type']), /^(text|application)\/javascript/, file);
    assert.match(res.body, /^\/\/ @ts-check$/m, `${file} is type-checked`);
  }
});
