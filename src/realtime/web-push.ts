import webpush from 'web-push';
import type { VapidKeys } from '../domain/push/keys.ts';
import type { PushTarget } from '../domain/push/subscriptions.ts';

/** How a push went: delivered to the push service, gone for good (404, 410: forget the subscription), or failed. */
export type PushOutcome = 'sent' | 'gone' | { failed: string };

export interface PushOptions {
  keys: VapidKeys;
  /** The VAPID subject: a mailto: or https: URL a push service may contact. */
  subject: string;
  /** Seconds the push service keeps it for a device that is off. */
  ttl: number;
  urgency: 'normal' | 'high';
  timeoutMs: number;
}

/**
 * Encrypts `payload` for one browser (RFC 8291, aes128gcm), signs the request for the push service's origin
 * (RFC 8292, VAPID) and posts it (RFC 8030). web-push builds the request; fetch sends it, with a timeout.
 */
export async function sendPush(target: PushTarget, payload: string, opts: PushOptions): Promise<PushOutcome> {
  const request = webpush.generateRequestDetails(
    { endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } },
    payload,
    {
      vapidDetails: { subject: opts.subject, publicKey: opts.keys.publicKey, privateKey: opts.keys.privateKey },
      TTL: opts.ttl,
      urgency: opts.urgency,
      contentEncoding: 'aes128gcm',
    },
  );
  try {
    const response = await fetch(target.endpoint, {
      method: 'POST',
      headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)])),
      body: new Uint8Array(request.body),
      redirect: 'error',
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    await response.body?.cancel();
    if (response.status === 404 || response.status === 410) return 'gone';
    return response.ok ? 'sent' : { failed: `HTTP ${response.status}` };
  } catch (err) {
    return { failed: err instanceof Error ? (err.name === 'TimeoutError' ? 'timed out' : err.message) : String(err) };
  }
}
