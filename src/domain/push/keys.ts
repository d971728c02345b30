import { createECDH } from 'node:crypto';
import type { Config } from '../../config/schema.ts';
import { secretOf } from '../../config/secrets.ts';
import { pushKeys } from '../../db/schema/push.ts';
import type { DomainContext } from '../context.ts';

/** A VAPID key pair (RFC 8292), base64url: the public key uncompressed (65 bytes), the private scalar (32 bytes). */
export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

/**
 * The server's key pair: the one the config gives, else the one kept in the database, made at the first call.
 * Browsers subscribe with the public key, so it must outlive restarts; the private key never leaves this process.
 */
export function vapidKeys(ctx: DomainContext, given?: VapidKeys): VapidKeys {
  if (given) return given;
  const kept = ctx.db.select().from(pushKeys).get();
  if (kept) return { publicKey: kept.publicKey, privateKey: kept.privateKey };
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const made = {
    publicKey: ecdh.getPublicKey('base64url', 'uncompressed'),
    privateKey: ecdh.getPrivateKey('base64url').padStart(43, 'A'),
  };
  // Two first calls at once (two processes on one file) keep whichever pair was written first.
  return ctx.db.transaction((tx) => {
    tx.insert(pushKeys)
      .values({ id: 1, ...made, createdAt: ctx.now() })
      .onConflictDoNothing()
      .run();
    const row = tx.select().from(pushKeys).get()!;
    return { publicKey: row.publicKey, privateKey: row.privateKey };
  });
}

/** The key pair `[push]` gives (public_key and the variable private_key_env names), or the one kept. */
export function serverKeys(ctx: DomainContext, config: Config): VapidKeys {
  const { public_key, private_key_env } = config.push;
  const privateKey = public_key ? secretOf(undefined, private_key_env) : undefined;
  return vapidKeys(ctx, public_key && privateKey ? { publicKey: public_key, privateKey } : undefined);
}

/** Whom push services may contact: `[push] subject`, else the public https address, else a placeholder. */
export function vapidSubject(config: Config): string {
  const url = config.server.public_url;
  return config.push.subject ?? (url?.startsWith('https:') ? new URL(url).origin : 'mailto:admin@switchboard.invalid');
}
