import type { Logger } from 'pino';
import { countedSend, notRunning } from '../send-counts.ts';
import type { Channel, ChannelSink, ChannelState, OutboundText, SendOutcome } from '../types.ts';
import { NO_NUMBER, stoppedState } from '../types.ts';
import { authorised, receiveRequest, type Mm7Answer, type Mm7Inbound } from './receive.ts';
import { faultEnvelope } from './soap.ts';
import { buildSubmitRequest, readSubmitAnswer } from './submit.ts';

export interface Mm7Config {
  /** Connection name, e.g. "carrier-mmsc". */
  name: string;
  /** MMSC endpoint we POST SubmitReq to. */
  url: string;
  vaspId: string;
  vasId: string;
  serviceCode?: string;
  /** HTTP basic auth towards the MMSC (both or neither). */
  username?: string;
  password?: string;
  /** Basic auth the MMSC must present when it POSTs to us. */
  inboundUsername: string;
  inboundPassword: string;
  /** Per SubmitReq HTTP request. */
  timeoutMs: number;
}

export interface Mm7Channel extends Channel {
  /**
   * Handles one POST from the MMSC (DeliverReq or DeliveryReportReq): checks basic auth (401 + WWW-Authenticate
   * otherwise), parses strictly, calls the sink, answers the matching *Rsp (or an MM7 error/SOAP fault with a
   * readable reason for malformed input: never throws).
   */
  receive(request: Mm7Inbound): Promise<Mm7Answer>;
  /** Whether an Authorization header carries the MMSC's credentials: checked before a body is read. */
  authorised(header: string | undefined): boolean;
}

function transportReason(error: unknown, url: string, timeoutMs: number): { code: 'down' | 'timeout'; reason: string } {
  const err = error as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError')
    return { code: 'timeout', reason: `the MMSC at ${url} did not answer within ${timeoutMs} ms` };
  const cause = err.cause?.code ?? err.cause?.message ?? err.message;
  return { code: 'down', reason: `could not reach the MMSC at ${url}: ${cause}` };
}

/**
 * MMS over MM7 (3GPP TS 23.140): one SubmitReq per message, over HTTP to the carrier's MMSC; DeliverReq and
 * DeliveryReportReq come in through receive(), which the HTTP route feeds.
 */
export function createMm7Channel(
  config: Mm7Config,
  log: Logger,
  deps: { onState?: (s: ChannelState) => void; fetch?: typeof fetch } = {},
): Mm7Channel {
  if ((config.username === undefined) !== (config.password === undefined)) {
    throw new Error(`MM7 connection "${config.name}": set both username and password, or neither`);
  }
  const doFetch = deps.fetch ?? fetch;
  const channelLog = log.child({ mm7: config.name });
  let sink: ChannelSink | null = null;
  let state: ChannelState = stoppedState(config.name);
  const counts = {
    get: () => state,
    set: (next: ChannelState) => (state = next),
  };
  const pending = new Set<Promise<SendOutcome>>();
  const authorization =
    config.username === undefined
      ? undefined
      : `Basic ${Buffer.from(`${config.username}:${config.password}`, 'utf8').toString('base64')}`;

  function setStatus(status: ChannelState['status'], error?: string): void {
    if (error !== undefined) state = { ...state, lastError: error };
    if (state.status === status) return;
    const recovered = state.status === 'down' && status === 'bound';
    state = { ...state, status, since: Date.now(), reconnects: state.reconnects + (recovered ? 1 : 0) };
    deps.onState?.({ ...state });
  }

  async function submit(message: OutboundText & { to: string }): Promise<SendOutcome> {
    let request;
    try {
      request = await buildSubmitRequest(config, message);
    } catch (error) {
      return {
        ok: false,
        retry: false,
        code: 'invalid-message',
        reason: `the MMS could not be built: ${(error as Error).message}`,
      };
    }
    let response: Response;
    let body: Buffer;
    try {
      response = await doFetch(config.url, {
        method: 'POST',
        headers: {
          'Content-Type': request.contentType,
          SOAPAction: '""',
          ...(authorization ? { Authorization: authorization } : {}),
        },
        body: request.body,
        signal: AbortSignal.timeout(config.timeoutMs),
      });
      body = Buffer.from(await response.arrayBuffer());
    } catch (error) {
      const { code, reason } = transportReason(error, config.url, config.timeoutMs);
      if (state.status !== 'stopped') setStatus('down', reason);
      return { ok: false, retry: true, code, reason };
    }
    const answer = readSubmitAnswer(response.status, response.headers.get('content-type') ?? undefined, body);
    if (state.status !== 'stopped') {
      if (answer.healthy) setStatus('bound');
      else setStatus('down', answer.outcome.ok ? undefined : answer.outcome.reason);
    }
    channelLog.debug(
      { transactionId: request.transactionId, httpStatus: response.status, ok: answer.outcome.ok },
      'MM7 SubmitReq answered',
    );
    return answer.outcome;
  }

  return {
    name: config.name,
    start(s) {
      sink = s;
      setStatus('bound');
    },
    async send(message) {
      if (!sink || state.status === 'stopped') return notRunning('the MM7 connection', sink !== null);
      const to = message.to;
      if (to === null) return NO_NUMBER;
      const attempt = countedSend(counts, () => submit({ ...message, to }));
      pending.add(attempt);
      const outcome = await attempt;
      pending.delete(attempt);
      if (!outcome.ok)
        channelLog.warn(
          { code: outcome.code, retry: outcome.retry, to: message.to },
          `MM7 SubmitReq failed: ${outcome.reason}`,
        );
      return outcome;
    },
    authorised: (header) => authorised(header, config.inboundUsername, config.inboundPassword),
    async receive(request) {
      try {
        return await receiveRequest(request, {
          sink,
          connection: config.name,
          inboundUsername: config.inboundUsername,
          inboundPassword: config.inboundPassword,
          realm: `MM7 ${config.name}`,
          log: channelLog,
        });
      } catch (error) {
        channelLog.error({ err: error }, 'MM7 request handling failed');
        return {
          status: 500,
          contentType: 'text/xml; charset=utf-8',
          body: faultEnvelope(undefined, 'Server', 'internal error; please retry', {
            code: 3000,
            details: 'internal error; please retry',
          }),
        };
      }
    },
    state: () => ({ ...state }),
    async stop() {
      setStatus('stopped');
      await Promise.allSettled([...pending]);
    },
  };
}
