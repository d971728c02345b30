import type { Logger } from 'pino';
import { createPacer } from '../pacer.ts';
import { countedSend, notRunning } from '../send-counts.ts';
import type { Channel, ChannelState, InboundFile, ChannelSink, OutboundText, SendOutcome } from '../types.ts';
import { stoppedState } from '../types.ts';
import { createBackoff } from './backoff.ts';
import type { WhatsAppConfig } from './config.ts';
import { explain, PAIR_RATE_LIMITED, RATE_LIMITED } from './errors.ts';
import { createGraph, type GraphError } from './graph.ts';
import { downloadMedia, uploadMedia } from './media.ts';
import { messageBodies, readReceiptBody, refusedFile, type UploadedFile } from './send.ts';
import { listTemplates } from './templates.ts';
import { handshake, parseWebhook, verifySignature, type ParsedWebhook, type WebhookAnswer } from './webhook.ts';

/** One request to /webhooks/whatsapp/<name>, as the route read it: the body raw, for the signature. */
export interface WhatsAppRequest {
  method: string;
  query: Record<string, string | string[] | undefined>;
  /** The X-Hub-Signature-256 header. */
  signature: string | undefined;
  body: Buffer;
}

export type ReadReceipt = { ok: true } | { ok: false; code: string; reason: string };

export interface WhatsAppChannel extends Channel {
  /**
   * The webhook: GET is Meta's handshake; POST is checked against X-Hub-Signature-256 (401 otherwise, nothing
   * read), answered 200 at once, and its messages, reactions and statuses handed to the sink afterwards.
   */
  receive(request: WhatsAppRequest): Promise<WebhookAnswer>;
  /** Marks a customer's message read on their phone. */
  markRead(wamid: string): Promise<ReadReceipt>;
  /** Lists the account's templates and hands them to the sink; false when Meta could not be asked. */
  syncTemplates(): Promise<boolean>;
  /** Resolves when the webhook work accepted so far is done. */
  settled(): Promise<void>;
}

const PLAIN = 'text/plain; charset=utf-8';

/** A Graph failure as the outbox reads it: Meta's code (the UI words it), our explanation, and Meta's own words. */
export function outcomeOf(error: GraphError): Extract<SendOutcome, { ok: false }> {
  const code = error.code !== null ? String(error.code) : error.title === 'timeout' ? 'timeout' : 'down';
  const meta = [error.title, error.details].filter(Boolean).join(': ');
  return { ok: false, retry: error.retry, code, reason: `${explain(error.code)} (${meta})` };
}

/** Whether a failure says Meta cannot be used at all now (no answer, a 5xx, a bad token), rather than this message. */
const linkDown = (error: GraphError) => error.status === 0 || error.status >= 500 || error.code === 190;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * WhatsApp through Meta's Cloud API. The channel is 'connecting' until Meta first answers (the template sync on
 * start, or a send), then 'bound'; it is 'down' while Meta is unreachable, answers 5xx or refuses the token, and
 * comes back with the next answer. Sends are paced at `throughput` per second and paused after rate limits.
 */
export function createWhatsAppChannel(
  config: WhatsAppConfig,
  log: Logger,
  deps: { onState?: (s: ChannelState) => void; fetch?: typeof fetch; now?: () => number } = {},
): WhatsAppChannel {
  const now = deps.now ?? Date.now;
  const channelLog = log.child({ whatsapp: config.name });
  const graph = createGraph({ ...config, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
  const pacer = createPacer(() => config.throughput, now);
  const backoff = createBackoff(now);
  let sink: ChannelSink | null = null;
  let state: ChannelState = stoppedState(config.name);
  const counts = {
    get: () => state,
    set: (next: ChannelState) => (state = next),
  };
  const pending = new Set<Promise<unknown>>();
  let queue: Promise<void> = Promise.resolve();

  function setStatus(status: ChannelState['status'], error?: string): void {
    if (error !== undefined) state = { ...state, lastError: error };
    if (state.status === status) return;
    const recovered = state.status === 'down' && status === 'bound';
    state = { ...state, status, since: now(), reconnects: state.reconnects + (recovered ? 1 : 0) };
    deps.onState?.({ ...state });
  }

  /** Every Graph answer says how Meta is doing: any answer but a link failure means reachable. */
  function observed(error: GraphError | null): void {
    if (state.status === 'stopped') return;
    if (error && linkDown(error)) setStatus('down', outcomeOf(error).reason);
    else setStatus('bound');
  }

  function track<T>(work: Promise<T>): Promise<T> {
    pending.add(work);
    void work.finally(() => pending.delete(work));
    return work;
  }

  async function syncTemplates(): Promise<boolean> {
    const listed = await listTemplates(graph, config.businessAccountId);
    observed(listed.ok ? null : listed.error);
    if (!listed.ok) {
      channelLog.warn(
        { code: listed.error.code },
        `WhatsApp templates could not be listed: ${outcomeOf(listed.error).reason}`,
      );
      return false;
    }
    if (!sink) return false;
    await sink.templates(config.name, listed.value);
    return true;
  }

  /** The customer's pause key: their number, or their business-scoped id. */
  const pairKey = (message: OutboundText) => `to:${message.to || message.toId || ''}`;

  function paused(message: OutboundText): SendOutcome | null {
    const number = backoff.remaining('number');
    const pair = backoff.remaining(pairKey(message));
    if (number === 0 && pair === 0) return null;
    const code = number > 0 ? RATE_LIMITED : PAIR_RATE_LIMITED;
    return {
      ok: false,
      retry: true,
      code: String(code),
      reason: `${explain(code)} (paused for ${Math.ceil(Math.max(number, pair) / 1000)} s)`,
    };
  }

  function rateLimited(message: OutboundText, error: GraphError): void {
    if (error.code === RATE_LIMITED) backoff.limited('number');
    if (error.code === PAIR_RATE_LIMITED) backoff.limited(pairKey(message));
  }

  async function paced(): Promise<void> {
    const wait = pacer.reserve(config.name);
    if (wait <= 0) return;
    state = { ...state, waiting: state.waiting + 1 };
    await sleep(wait);
    state = { ...state, waiting: state.waiting - 1 };
  }

  async function submit(message: OutboundText): Promise<SendOutcome> {
    const refused = refusedFile(message.files) ?? paused(message);
    if (refused) return refused;
    const uploaded: UploadedFile[] = [];
    for (const file of message.files) {
      const answer = await uploadMedia(graph, config.phoneNumberId, file);
      observed(answer.ok ? null : answer.error);
      if (!answer.ok) return outcomeOf(answer.error);
      uploaded.push({ file, mediaId: answer.value });
    }
    let bodies: object[];
    try {
      bodies = messageBodies(message, uploaded);
    } catch (error) {
      return { ok: false, retry: false, code: 'invalid-message', reason: (error as Error).message };
    }
    const carrierIds: string[] = [];
    for (const body of bodies) {
      await paced();
      const answer = await graph.json<{ messages?: { id?: unknown }[] }>(
        'POST',
        `${config.phoneNumberId}/messages`,
        body,
      );
      observed(answer.ok ? null : answer.error);
      if (!answer.ok) {
        rateLimited(message, answer.error);
        const outcome = outcomeOf(answer.error);
        // Part of it went out: trying again would send that part twice, so the rest is given up, in words.
        if (carrierIds.length > 0)
          return {
            ...outcome,
            retry: false,
            reason: `${outcome.reason}; ${carrierIds.length} of ${bodies.length} parts were sent`,
          };
        return outcome;
      }
      const id = answer.value.messages?.[0]?.id;
      if (typeof id === 'string') carrierIds.push(id);
    }
    backoff.succeeded('number');
    backoff.succeeded(pairKey(message));
    return { ok: true, carrierIds };
  }

  async function fetchFiles(mediaId: string, contentType: string, filename: string): Promise<InboundFile[]> {
    const got = await downloadMedia(graph, mediaId);
    if (got.ok) return [{ contentType: got.value.contentType || contentType, filename, data: got.value.data }];
    channelLog.warn(
      { mediaId, code: got.error.code },
      `WhatsApp media could not be fetched: ${outcomeOf(got.error).reason}`,
    );
    return [];
  }

  /** Hands one webhook's contents to the sink, each on its own: one that fails is logged, the rest still go. */
  async function process(parsed: ParsedWebhook, target: ChannelSink): Promise<void> {
    if (parsed.skipped.length) channelLog.info({ skipped: parsed.skipped }, 'WhatsApp webhook items skipped');
    const ours = (item: { phoneNumberId: string }) => {
      if (item.phoneNumberId === config.phoneNumberId) return true;
      channelLog.warn({ phoneNumberId: item.phoneNumberId }, 'WhatsApp webhook item for another number; skipped');
      return false;
    };
    const attempt = async (what: string, work: () => Promise<void>) => {
      try {
        await work();
      } catch (error) {
        channelLog.error({ err: error }, `WhatsApp ${what} could not be stored`);
      }
    };
    for (const { phoneNumberId, text, media } of parsed.messages) {
      if (!ours({ phoneNumberId })) continue;
      await attempt('message', async () => {
        const files = media ? await fetchFiles(media.id, media.contentType, media.filename) : [];
        await target.inbound(files.length ? { ...text, files } : text);
      });
    }
    for (const { phoneNumberId, ...reaction } of parsed.reactions)
      if (ours({ phoneNumberId })) await attempt('reaction', () => target.reaction(reaction));
    for (const { phoneNumberId, ...report } of parsed.statuses)
      if (ours({ phoneNumberId })) await attempt('status', () => target.report(report));
    if (parsed.templateUpdates.length) await attempt('template list', async () => void (await syncTemplates()));
  }

  return {
    name: config.name,
    start(s) {
      sink = s;
      setStatus('connecting');
      void track(syncTemplates());
    },
    async send(message) {
      if (!sink || state.status === 'stopped') return notRunning('the WhatsApp channel', sink !== null);
      const outcome = await countedSend(counts, () => track(submit(message)));
      if (!outcome.ok)
        channelLog.warn({ code: outcome.code, retry: outcome.retry }, `WhatsApp send failed: ${outcome.reason}`);
      return outcome;
    },
    async receive(request) {
      if (request.method === 'GET') return handshake(request.query, config.verifyToken);
      if (request.method !== 'POST') return { status: 405, contentType: PLAIN, body: 'GET or POST' };
      if (!verifySignature(request.body, request.signature, config.appSecret))
        return { status: 401, contentType: PLAIN, body: 'missing or wrong X-Hub-Signature-256' };
      // Not started yet: Meta retries a webhook that was not answered 200, so nothing is lost by waiting.
      if (!sink || state.status === 'stopped') return { status: 503, contentType: PLAIN, body: 'not started' };
      let payload: unknown;
      try {
        payload = JSON.parse(request.body.toString('utf8'));
      } catch {
        return { status: 400, contentType: PLAIN, body: 'the body is not JSON' };
      }
      const parsed = parseWebhook(payload, config.name);
      const target = sink;
      // One webhook after the other, in the order they came: a text and the photo after it stay in that order.
      queue = queue
        .then(() => process(parsed, target))
        .catch((error: unknown) => channelLog.error({ err: error }, 'WhatsApp webhook processing failed'));
      void track(queue);
      return { status: 200, contentType: PLAIN, body: 'ok' };
    },
    async markRead(wamid) {
      const answer = await graph.json('POST', `${config.phoneNumberId}/messages`, readReceiptBody(wamid));
      observed(answer.ok ? null : answer.error);
      if (answer.ok) return { ok: true };
      const { code, reason } = outcomeOf(answer.error);
      return { ok: false, code, reason };
    },
    syncTemplates: () => track(syncTemplates()),
    async settled() {
      while (pending.size) await Promise.allSettled([...pending]);
    },
    state: () => ({ ...state }),
    async stop() {
      setStatus('stopped');
      while (pending.size) await Promise.allSettled([...pending]);
    },
  };
}
