import type { Config } from './schema.ts';

/** A secret the file leaves to the environment: where the file names it, and the variable. */
interface SecretRef {
  key: string;
  variable: string;
  /** The file's own rule for the secret, which holds for one from the environment too. */
  minLength: number;
}

function secretRefs(config: Config): SecretRef[] {
  const refs: SecretRef[] = [];
  config.smpp.forEach((c, i) => {
    if (c.password_env) refs.push({ key: `smpp[${i}].password_env`, variable: c.password_env, minLength: 1 });
  });
  config.mm7.forEach((c, i) => {
    if (c.username && c.password_env)
      refs.push({ key: `mm7[${i}].password_env`, variable: c.password_env, minLength: 1 });
    // An empty or short inbound password would let anyone post to /mm7/<name>.
    if (c.inbound_password_env)
      refs.push({ key: `mm7[${i}].inbound_password_env`, variable: c.inbound_password_env, minLength: 12 });
  });
  config.whatsapp.forEach((c, i) => {
    if (c.access_token_env)
      refs.push({ key: `whatsapp[${i}].access_token_env`, variable: c.access_token_env, minLength: 1 });
    if (c.app_secret_env) refs.push({ key: `whatsapp[${i}].app_secret_env`, variable: c.app_secret_env, minLength: 1 });
  });
  // A short token would let anyone on the network guess their way into the metrics.
  if (config.metrics.token_env)
    refs.push({ key: 'metrics.token_env', variable: config.metrics.token_env, minLength: 24 });
  // A VAPID private key is a P-256 scalar: 32 bytes, 43 base64url characters.
  if (config.push.private_key_env)
    refs.push({ key: 'push.private_key_env', variable: config.push.private_key_env, minLength: 43 });
  return refs;
}

/** Every `*_env` key whose variable is unset, empty or too short, as one sentence each naming key and variable. */
export function secretProblems(config: Config, env: NodeJS.ProcessEnv = process.env): string[] {
  return secretRefs(config).flatMap(({ key, variable, minLength }) => {
    const value = env[variable];
    if (!value) return [`${key} names ${variable}, which is not set in the environment (or is empty)`];
    if (value.length < minLength) return [`${key} names ${variable}, which must have at least ${minLength} characters`];
    return [];
  });
}

/** A secret from the file, or from the variable the file names; `secretProblems` has vouched for it before start-up. */
export function secretOf(
  value: string | undefined,
  variable: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (value !== undefined || variable === undefined) return value;
  const found = env[variable];
  if (!found) throw new Error(`the environment variable ${variable} is not set`);
  return found;
}
