import { readFileSync } from 'node:fs';
import { parse as parseToml, TomlError } from 'smol-toml';
import type { z } from 'zod';
import { configSchema, type Config } from './schema.ts';

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: invalid configuration\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** `smpp[0].port` — the way a person reads a TOML key path. */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out ? `${out}.${String(key)}` : String(key);
  }, '');
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const where = formatKeyPath(issue.path);
    return issue.keys.map((k) => `${where ? `${where}.` : ''}${k}: unknown key`).join('; ');
  }
  const where = formatKeyPath(issue.path) || '(top level)';
  return `${where}: ${issue.message}`;
}

export function validateConfig(raw: unknown, file: string): Config {
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(file, result.error.issues.map(describeIssue));
  return result.data;
}

/** Reads and validates a config file; with no file, the built-in defaults. */
export function loadConfig(file: string | undefined): Config {
  if (!file) return validateConfig({}, '(defaults)');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [`cannot read the file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`]);
  }
  let raw: unknown;
  try {
    raw = parseToml(text);
  } catch (err) {
    const detail =
      err instanceof TomlError ? `line ${err.line}, column ${err.column}: ${err.message.split('\n')[0]}` : String(err);
    throw new ConfigError(file, [`not valid TOML: ${detail}`]);
  }
  return validateConfig(raw, file);
}
