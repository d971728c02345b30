import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { en } from '../src/i18n/en/index.ts';
import { pickLocale, translator } from '../src/i18n/index.ts';
import { catalogs, locales } from '../src/i18n/languages.ts';
import { viewsDir } from '../src/paths.ts';

const i18nDir = join(import.meta.dirname, '../src/i18n');
const others = locales.filter((locale) => locale !== 'en');
const featureFiles = (locale: string) =>
  readdirSync(join(i18nDir, locale))
    .filter((name) => name !== 'index.ts')
    .sort();

test('every language is a folder with the same feature files as English, and every folder is a language', () => {
  const folders = readdirSync(i18nDir, { withFileTypes: true }).filter((entry) => entry.isDirectory());
  assert.deepEqual(folders.map((entry) => entry.name).sort(), [...locales].sort());
  for (const locale of others) assert.deepEqual(featureFiles(locale), featureFiles('en'), locale);
});

test('no key is in two feature files of one language', async () => {
  for (const locale of locales) {
    const seen = new Map<string, string>();
    for (const file of featureFiles(locale)) {
      const module = (await import(join(i18nDir, locale, file))) as Record<string, Record<string, unknown>>;
      for (const key of Object.keys(Object.values(module)[0]!)) {
        assert.ok(!seen.has(key), `${locale}: ${key} is in ${seen.get(key)} and ${file}`);
        seen.set(key, file);
      }
    }
  }
});

test('every language has exactly the keys of English', () => {
  const enKeys = Object.keys(en).sort();
  for (const locale of others) {
    const keys = Object.keys(catalogs[locale]).sort();
    assert.deepEqual(
      enKeys.filter((k) => !keys.includes(k)),
      [],
      `missing in ${locale}`,
    );
    assert.deepEqual(
      keys.filter((k) => !enKeys.includes(k)),
      [],
      `only in ${locale}`,
    );
  }
});

test('every language uses the placeholders of English for each key', () => {
  const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const locale of others) {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      assert.deepEqual(placeholders(catalogs[locale][key]), placeholders(en[key]), `${locale}: ${key}`);
    }
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
