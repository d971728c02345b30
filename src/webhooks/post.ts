import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { checkWebhookTarget } from '../domain/webhooks/address-guard.ts';
import { DomainError } from '../domain/errors.ts';
import { EXCERPT_CHARS, type AttemptOutcome, type ClaimedDelivery } from '../domain/webhooks/queue.ts';
import { signedHeaders } from '../domain/webhooks/signing.ts';

/** A receiver that has not answered (headers and body) by then has failed this attempt. */
export const TIMEOUT_MS = 10_000;

/**
 * Posts one delivery, signed, to the address just checked (the URL's host is resolved and checked again now: DNS may
 * have changed since the endpoint was saved; the connection goes to that address, never through a second lookup).
 * Redirects are not followed; only a 2xx counts. Never throws: every failure is an outcome for the log.
 */
export async function postDelivery(
  delivery: ClaimedDelivery,
  opts: { allowPrivate: boolean; now: () => number },
): Promise<AttemptOutcome> {
  const started = performance.now();
  const took = () => performance.now() - started;
  let target;
  try {
    target = await checkWebhookTarget(delivery.url, opts.allowPrivate);
  } catch (err) {
    const reason =
      err instanceof DomainError ? `refused: ${err.key} (${Object.values(err.params).join(', ')})` : String(err);
    return { status: null, excerpt: reason, durationMs: took() };
  }
  const { url, address, family } = target;
  const pinned: LookupFunction = (_host, options, callback) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'Switchboard-Webhooks/1',
    ...signedHeaders(delivery.secrets, delivery.webhookId, Math.floor(opts.now() / 1000), delivery.body),
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<AttemptOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: Omit<AttemptOutcome, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve({ ...outcome, durationMs: took() });
    };
    const req = send(url, { method: 'POST', headers, lookup: pinned, agent: false }, (res: IncomingMessage) => {
      const status = res.statusCode ?? null;
      let excerpt = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        excerpt += chunk;
        if (excerpt.length >= EXCERPT_CHARS) finish({ status, excerpt: excerpt.slice(0, EXCERPT_CHARS) });
      });
      res.on('end', () => finish({ status, excerpt }));
      res.on('error', () => finish({ status, excerpt }));
    });
    const timer = setTimeout(
      () => finish({ status: null, excerpt: `no answer within ${TIMEOUT_MS / 1000} s` }),
      TIMEOUT_MS,
    );
    req.on('error', (err: NodeJS.ErrnoException) => finish({ status: null, excerpt: err.code ?? err.message }));
    req.end(delivery.body);
  });
}
