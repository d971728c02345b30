import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { de } from '../src/i18n/de.ts';
import { en } from '../src/i18n/en.ts';
import { pickLocale, translator } from '../src/i18n/index.ts';
import { viewsDir } from '../src/paths.ts';

test('English and German catalogs have exactly the same keys', () => {
  const enKeys = Object.keys(en).sort();
  const deKeys = Object.keys(de).sort();
  assert.deepEqual(
    enKeys.filter((k) => !deKeys.includes(k)),
    [],
    'missing in German',
  );
  assert.deepEqual(
    deKeys.filter((k) => !enKeys.includes(k)),
    [],
    'missing in English',
  );
});

test('both catalogs use the same placeholders for each key', () => {
  const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const key of Object.keys(en) as (keyof typeof en)[]) {
    assert.deepEqual(placeholders(de[key]), placeholders(en[key]), key);
  }
});

function* templates(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* templates(path);
    else if (entry.name.endsWith('.eta')) yield path;
  }
}

test('every literal key a template asks for exists', () => {
  for (const file of templates(viewsDir)) {
    for (const [, key] of readFileSync(file, 'utf8').matchAll(/it\.t\('([a-z_.]+)'\s*[,)]/g)) {
      assert.ok(key! in en, `${file}: ${key}`);
    }
  }
});

test('templates hold no user-facing English outside the catalogs', () => {
  for (const file of templates(viewsDir)) {
    const text = readFileSync(file, 'utf8')
      .replace(/<%[\s\S]*?%>/g, '')
      .replace(/<[^>]*>/g, ' ')
      .replace(/[\w-]+="[^"]*"/g, ' ')
      .replace(/Switchboard|English|Deutsch|·|\(|\)/g, '');
    assert.equal(text.trim(), '', `${file} has text outside t(): ${JSON.stringify(text.trim().slice(0, 80))}`);
  }
});

test('the user setting wins, then Accept-Language, then the default', () => {
  assert.equal(pickLocale('de', 'en-US', 'en'), 'de');
  assert.equal(pickLocale(null, 'fr-FR, de;q=0.8, en;q=0.5', 'en'), 'de');
  assert.equal(pickLocale(null, 'fr-FR', 'de'), 'de');
  assert.equal(pickLocale(null, undefined, 'en'), 'en');
  assert.equal(pickLocale(null, 'en;q=0, de;q=0.1', 'en'), 'de');
});

test('placeholders are filled in', () => {
  assert.equal(translator('de')('user.password_short', { min: 12 }), 'Das Passwort muss mindestens 12 Zeichen haben.');
});
