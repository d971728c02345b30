import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../tmp.ts';
import { parse } from 'smol-toml';
import { ConfigError, formatKeyPath, loadConfig, validateConfig } from '../../src/config/load.ts';
import { secretProblems } from '../../src/config/secrets.ts';

const dir = tempDir('switchboard-config-');
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err.problems;
  }
  assert.fail('expected the config to be refused');
}

test('no file means the built-in defaults', () => {
  const config = loadConfig(undefined);
  assert.equal(config.server.port, 3000);
  assert.equal(config.server.host, '127.0.0.1');
  assert.equal(config.server.data_dir, './data');
  assert.equal(config.auth.session_idle_hours, 12);
});

test('a valid file is read and typed', () => {
  const config = loadConfig(
    file(
      'ok.toml',
      '[server]\nport = 8080\npublic_url = "https://inbox.example.com"\n[auth]\nsession_idle_hours = 2\n',
    ),
  );
  assert.equal(config.server.port, 8080);
  assert.equal(config.server.public_url, 'https://inbox.example.com');
  assert.equal(config.auth.session_idle_hours, 2);
});

test('malformed TOML names the file and the line', () => {
  const path = file('broken.toml', '[server]\nport = = 3\n');
  try {
    loadConfig(path);
    assert.fail('should throw');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /broken\.toml/);
    assert.match(err.message, /line 2/);
  }
});

test('a wrong type names the key path and what was expected', () => {
  const problems = problemsOf(() => loadConfig(file('type.toml', '[server]\nport = "eighty"\n')));
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /^server\.port: .*expected number/);
});

test('unknown keys are refused by name, at any depth', () => {
  assert.deepEqual(
    problemsOf(() => validateConfig({ servr: {} }, 'x')),
    ['servr: unknown key'],
  );
  assert.deepEqual(
    problemsOf(() => validateConfig({ server: { prot: 1 } }, 'x')),
    ['server.prot: unknown key'],
  );
});

test('out-of-range values are refused', () => {
  const problems = problemsOf(() => validateConfig({ server: { port: 70000 } }, 'x'));
  assert.match(problems[0]!, /^server\.port: /);
});

test('server.time_zone is an IANA zone, UTC by default', () => {
  assert.equal(validateConfig({}, 'x').server.time_zone, 'UTC');
  assert.equal(validateConfig({ server: { time_zone: 'Europe/Berlin' } }, 'x').server.time_zone, 'Europe/Berlin');
  for (const zone of ['Berlin', '+01:00', 'CEST', '']) {
    assert.deepEqual(
      problemsOf(() => validateConfig({ server: { time_zone: zone } }, 'x')),
      ['server.time_zone: expected an IANA time zone name such as "Europe/Berlin" or "UTC"'],
      zone,
    );
  }
});

test('key paths read like TOML', () => {
  assert.equal(formatKeyPath(['smpp', 0, 'port']), 'smpp[0].port');
  assert.equal(formatKeyPath(['server', 'host']), 'server.host');
});

test('switchboard.example.toml is valid and documents every key of the schema', () => {
  const text = readFileSync(new URL('../../switchboard.example.toml', import.meta.url), 'utf8');
  const raw = parse(text);
  validateConfig(raw, 'switchboard.example.toml');
  const defaults = validateConfig({}, 'defaults') as unknown as Record<string, Record<string, unknown>>;
  for (const [section, keys] of Object.entries(defaults)) {
    for (const key of Object.keys(keys)) {
      assert.match(text, new RegExp(`^#? ?${key} = `, 'm'), `${section}.${key} is not documented`);
    }
  }
  assert.match(text, /public_url = /);
});

test('[[smpp]] and [[number]] blocks are checked against each other, with TOML key paths', () => {
  const ok = loadConfig(
    file(
      'sms.toml',
      `
[[smpp]]
name = "carrier-a"
host = "127.0.0.1"
system_id = "acme"
password_env = "CARRIER_A_PASSWORD"

[[number]]
e164 = "+15551230000"
smpp = "carrier-a"
inbox = "Support"
registration = "registered"
`,
    ),
  );
  assert.equal(ok.smpp[0]?.window, 10);
  assert.equal(ok.number[0]?.inbox, 'Support');
  const problems = problemsOf(() =>
    validateConfig(
      {
        smpp: [
          { name: 'a', host: 'h', system_id: 's', password: 'p', port: 'x' },
          { name: 'a', host: 'h', system_id: 's' },
        ],
        number: [{ e164: '5551230000', smpp: 'nope', inbox: 'S', owner: 'ana@example.test', registration: 'maybe' }],
      },
      'x',
    ),
  );
  for (const expected of [
    /^smpp\[0\]\.port: /,
    /^smpp\[1\]\.password: set exactly one/,
    /^number\[0\]\.e164: expected a phone number in E\.164 form/,
    /^number\[0\]\.registration: /,
  ]) {
    assert.ok(
      problems.some((p) => expected.test(p)),
      `${expected} in ${JSON.stringify(problems)}`,
    );
  }
  // Rules across blocks are checked once each block is well-formed on its own.
  const smpp = [{ name: 'a', host: 'h', system_id: 's', password: 'p' }];
  const number = { e164: '+15551230000', smpp: 'a', inbox: 'S', registration: 'registered' };
  assert.deepEqual(
    problemsOf(() => validateConfig({ smpp, number: [{ ...number, owner: 'ana@example.test' }] }, 'x')),
    ['number[0].inbox: set exactly one of inbox (a shared inbox) and owner (a personal number)'],
  );
  assert.deepEqual(
    problemsOf(() => validateConfig({ smpp: [...smpp, ...smpp], number: [number, { ...number, smpp: 'b' }] }, 'x')),
    [
      'smpp[1].name: a second connection named "a"',
      'number[1].e164: +15551230000 is listed twice',
      'number[1].smpp: no [[smpp]] connection is named "b"',
    ],
  );
});

test('with the sandbox on, "sandbox" is its connection: no [[smpp]] block may take the name, numbers may use it', () => {
  const block = { name: 'sandbox', host: '127.0.0.1', system_id: 'sb', password: 'pw' };
  const problems = problemsOf(() => validateConfig({ sandbox: { enabled: true }, smpp: [block] }, 'sb.toml'));
  assert.match(problems.join('\n'), /smpp\[0\]\.name: "sandbox" is the built-in test SMSC's connection/);
  assert.equal(validateConfig({ sandbox: { enabled: false }, smpp: [block] }, 'sb.toml').smpp[0]!.name, 'sandbox');
  const number = { e164: '+15551230000', smpp: 'sandbox', inbox: 'Support', registration: 'registered' };
  assert.equal(validateConfig({ sandbox: { enabled: true }, number: [number] }, 'sb.toml').number.length, 1);
  assert.match(
    problemsOf(() => validateConfig({ number: [number] }, 'sb.toml')).join('\n'),
    /no \[\[smpp\]\] connection is named "sandbox"/,
  );
});

test('a metrics token from the environment must be set and at least 24 characters', () => {
  const config = validateConfig({ metrics: { token_env: 'SB_METRICS' } }, 'test');
  assert.deepEqual(secretProblems(config, {}), [
    'metrics.token_env names SB_METRICS, which is not set in the environment (or is empty)',
  ]);
  assert.deepEqual(secretProblems(config, { SB_METRICS: 'short' }), [
    'metrics.token_env names SB_METRICS, which must have at least 24 characters',
  ]);
  assert.deepEqual(secretProblems(config, { SB_METRICS: 'x'.repeat(24) }), []);
});
