import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { en } from '../src/i18n/en/index.ts';
import { ageFormatter, isMessageKey, pickLocale, translator, type MessageKey } from '../src/i18n/index.ts';
import { catalogs, locales } from '../src/i18n/languages.ts';
import type { Plural } from '../src/i18n/types.ts';
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

/** A key's text, or each of its plural forms. */
const forms = (message: string | Plural): string[] =>
  typeof message === 'string' ? [message] : Object.values(message);
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const pluralKeys = (Object.keys(en) as MessageKey[]).filter((key) => typeof en[key] !== 'string');

test('every text and every plural form uses the placeholders of English', () => {
  for (const locale of locales) {
    for (const key of Object.keys(en) as MessageKey[]) {
      const wanted = placeholders(forms(en[key]).at(-1)!);
      for (const text of forms(catalogs[locale][key]))
        assert.deepEqual(placeholders(text), wanted, `${locale}: ${key}`);
    }
  }
});

test('a plural key has exactly the forms Intl.PluralRules names for each language, each showing {n}', () => {
  assert.ok(pluralKeys.length > 10);
  for (const locale of locales) {
    const categories = [...new Intl.PluralRules(locale).resolvedOptions().pluralCategories].sort();
    for (const key of Object.keys(en) as MessageKey[]) {
      const message = catalogs[locale][key];
      if (!pluralKeys.includes(key)) {
        assert.equal(typeof message, 'string', `${locale}: ${key} has plural forms, English has none`);
        continue;
      }
      assert.equal(typeof message, 'object', `${locale}: ${key} needs plural forms`);
      assert.deepEqual(Object.keys(message).sort(), categories, `${locale}: ${key}`);
      for (const text of forms(message)) assert.match(text, /\{n\}/, `${locale}: ${key}`);
    }
  }
});

test('a count shown before a word ("{n} messages", "{n} Tage") is a plural key, in every language', () => {
  for (const locale of locales) {
    for (const key of Object.keys(en) as MessageKey[]) {
      const message = catalogs[locale][key];
      if (typeof message === 'string') assert.doesNotMatch(message, /\{(n|count|total)\} \p{L}/u, `${locale}: ${key}`);
    }
  }
});

test('the count picks the plural form of the language', () => {
  const en = translator('en');
  assert.equal(en('nav.chats_unread', { n: 1 }), '1 unread chat message');
  assert.equal(en('nav.chats_unread', { n: 2 }), '2 unread chat messages');
  assert.equal(en('survey.answers', { n: 0 }), '0 answers');
  const de = translator('de');
  assert.equal(de('admin.backups.media_value', { n: 1, size: '2 MB' }), '1 Datei, 2 MB');
  assert.equal(de('admin.backups.media_value', { n: 3, size: '2 MB' }), '3 Dateien, 2 MB');
  assert.equal(translator('de'), de, 'one translator, and one Intl.PluralRules, per language');
});

function* templates(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* templates(path);
    else if (entry.name.endsWith('.eta')) yield path;
  }
}

test('every literal key a template asks for exists, and a plural key gets its count n', () => {
  for (const file of templates(viewsDir)) {
    for (const [, key, params = ''] of readFileSync(file, 'utf8').matchAll(
      /it\.t\('([a-z_.]+)'\s*(?:,\s*(\{[^}]*\}))?\s*\)/g,
    )) {
      assert.ok(isMessageKey(key!), `${file}: ${key}`);
      if (pluralKeys.includes(key)) assert.match(params, /\bn:/, `${file}: ${key} without n`);
    }
  }
});

test('templates hold no user-facing English outside the catalogs', () => {
  for (const file of templates(viewsDir)) {
    const text = readFileSync(file, 'utf8')
      .replace(/<%[\s\S]*?%>/g, '')
      .replace(/<[^>]*>/g, ' ')
      .replace(/[\w-]+="[^"]*"/g, ' ')
      .replace(/Switchboard|·|\(|\)/g, '');
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

test("a row's age: minutes, hours today, Yesterday, the weekday, the day this year, the date; days in the viewer's zone", () => {
  // Sunday 6 December 2026, 10:30 in Berlin (09:30 UTC).
  const now = Date.UTC(2026, 11, 6, 9, 30);
  const age = (locale: 'en' | 'de', ms: number, zone = 'Europe/Berlin') =>
    ageFormatter(translator(locale), () => now, locale, zone)(ms);
  const H = 3_600_000;
  assert.equal(age('en', now - 20_000), 'now');
  assert.equal(age('en', now - 3 * 60_000), '3 min');
  assert.equal(age('de', now - 3 * 60_000), '3 Min.');
  assert.equal(age('en', now - 5 * H), '5 h', '05:30 the same day');
  assert.equal(age('en', now - 11 * H), 'Yesterday', '23:30 the evening before');
  assert.equal(age('de', now - 11 * H), 'Gestern');
  assert.equal(age('en', now - 11 * H, 'Pacific/Kiritimati'), '11 h', 'in UTC+14 it was this morning');
  assert.equal(age('en', now - 3 * 24 * H), 'Thu');
  assert.equal(age('de', now - 3 * 24 * H), 'Do');
  assert.equal(age('en', Date.UTC(2026, 2, 3, 12)), 'Mar 3');
  assert.equal(age('de', Date.UTC(2026, 2, 3, 12)), '3. März');
  assert.equal(age('en', Date.UTC(2025, 11, 24, 12)), '12/24/25');
  assert.equal(age('de', Date.UTC(2025, 11, 24, 12)), '24.12.25');
});
