import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { ConfigError, loadConfig, validateConfig } from '../../src/config/load.ts';
import { secretProblems } from '../../src/config/secrets.ts';
import { tempDir } from '../tmp.ts';

const dir = tempDir('switchboard-whatsapp-config-');

function problemsOf(raw: unknown): string[] {
  try {
    validateConfig(raw, 'switchboard.toml');
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err.problems;
  }
  assert.fail('expected the config to be refused');
}

const wa = (over: Record<string, unknown> = {}) => ({
  name: 'wa-main',
  phone_number_id: '123456789012345',
  business_account_id: '987654321098765',
  access_token_env: 'WHATSAPP_TOKEN',
  app_secret_env: 'WHATSAPP_APP_SECRET',
  verify_token: 'a-long-random-string',
  ...over,
});

const smpp = { name: 'carrier-a', host: '127.0.0.1', system_id: 'acme', password: 'pw' };
const number = (over: Record<string, unknown>) => ({
  e164: '+15551230000',
  inbox: 'Support',
  registration: 'not-required',
  ...over,
});

test("the issue's [[whatsapp]] block and a WhatsApp number, from TOML, with the defaults filled in", () => {
  const path = join(dir, 'wa.toml');
  writeFileSync(
    path,
    `
[[whatsapp]]
name = "wa-main"
phone_number_id = "123456789012345"
business_account_id = "987654321098765"
access_token_env = "WHATSAPP_TOKEN"
app_secret_env = "WHATSAPP_APP_SECRET"
verify_token = "a-long-random-string"

[[number]]
e164 = "+15551230000"
whatsapp = "wa-main"
inbox = "Support"
registration = "not-required"
`,
  );
  const config = loadConfig(path);
  const [block] = config.whatsapp;
  assert.equal(block!.graph_url, 'https://graph.facebook.com');
  assert.match(block!.graph_version, /^v\d+\.\d+$/);
  assert.equal(block!.throughput, 80);
  assert.equal(config.number[0]!.whatsapp, 'wa-main');
  assert.equal(config.number[0]!.smpp, undefined);

  assert.deepEqual(secretProblems(config, { WHATSAPP_TOKEN: 'EAAG-token' }), [
    'whatsapp[0].app_secret_env names WHATSAPP_APP_SECRET, which is not set in the environment (or is empty)',
  ]);
  assert.deepEqual(secretProblems(config, { WHATSAPP_TOKEN: 't', WHATSAPP_APP_SECRET: 's' }), []);
});

test('[[whatsapp]]: secrets exactly once each, a verify token of 16 characters, ids in digits, a version that looks like one', () => {
  assert.deepEqual(
    problemsOf({
      whatsapp: [
        wa({
          verify_token: 'short',
          phone_number_id: '+1555',
          graph_version: '26',
          graph_url: 'ftp://graph.example',
        }),
      ],
    }),
    [
      'whatsapp[0].phone_number_id: expected the digits Meta shows for it',
      'whatsapp[0].verify_token: expected at least 16 characters',
      'whatsapp[0].graph_url: expected an https:// (or http://) URL',
      'whatsapp[0].graph_version: expected a Graph API version such as "v26.0"',
    ],
  );
  assert.deepEqual(problemsOf({ whatsapp: [wa({ access_token: 'EAAG', app_secret_env: undefined })] }), [
    'whatsapp[0].access_token: set exactly one of access_token and access_token_env',
    'whatsapp[0].app_secret: set exactly one of app_secret and app_secret_env',
  ]);
  assert.deepEqual(problemsOf({ whatsapp: [wa({ graph_url: 'https://token@graph.example' })] }), [
    'whatsapp[0].graph_url: put no credentials in the URL',
  ]);
  assert.deepEqual(problemsOf({ whatsapp: [wa({ webhook: 'x' })] }), ['whatsapp[0].webhook: unknown key']);
});

test('names are one namespace across every kind, and "sandbox" stays the sandbox\'s while it runs', () => {
  assert.deepEqual(
    problemsOf({
      smpp: [smpp],
      whatsapp: [wa({ name: 'carrier-a' }), wa({ name: 'sandbox' })],
      sandbox: { enabled: true },
    }),
    [
      'whatsapp[0].name: a second connection named "carrier-a"',
      'whatsapp[1].name: "sandbox" is the built-in test SMSC\'s connection while sandbox.enabled = true; rename this connection or switch the sandbox off',
    ],
  );
});

test('[[number]] takes exactly one of smpp and whatsapp, each naming a block of that kind; mms and mm7 only with smpp', () => {
  const blocks = { smpp: [smpp], whatsapp: [wa()] };
  assert.deepEqual(problemsOf({ ...blocks, number: [number({})] }), [
    'number[0].smpp: set exactly one of smpp (an SMS number) and whatsapp (a WhatsApp number)',
  ]);
  assert.deepEqual(problemsOf({ ...blocks, number: [number({ smpp: 'carrier-a', whatsapp: 'wa-main' })] }), [
    'number[0].smpp: set exactly one of smpp (an SMS number) and whatsapp (a WhatsApp number)',
  ]);
  assert.deepEqual(
    problemsOf({
      ...blocks,
      number: [number({ smpp: 'wa-main' }), number({ e164: '+15551230001', whatsapp: 'carrier-a' })],
    }),
    [
      'number[0].smpp: no [[smpp]] connection is named "wa-main"',
      'number[1].whatsapp: no [[whatsapp]] connection is named "carrier-a"',
    ],
  );
  assert.deepEqual(problemsOf({ ...blocks, number: [number({ whatsapp: 'wa-main', mms: 'link' })] }), [
    'number[0].mms: mms and mm7 are for SMS numbers: WhatsApp carries files itself',
  ]);
  const ok = validateConfig({ ...blocks, number: [number({ whatsapp: 'wa-main' })] }, 'switchboard.toml');
  assert.equal(ok.number[0]!.mms, undefined);
});
