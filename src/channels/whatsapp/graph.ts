import { CLOUD_API_ERRORS } from './errors.ts';

/** A Graph API failure, from Meta's error object or from the transport; the access token never appears in it. */
export interface GraphError {
  /** HTTP status; 0 when no answer came. */
  status: number;
  /** Meta's error code (131047, 130429 …); null when no answer came or it had no error object. */
  code: number | null;
  title: string;
  details: string;
  /** Worth trying again later: the transport, a 5xx, or a code Meta calls temporary. */
  retry: boolean;
}

export type GraphResult<T> = { ok: true; value: T } | { ok: false; error: GraphError };

export interface GraphOptions {
  graphUrl: string;
  graphVersion: string;
  accessToken: string;
  /** Per API request; file transfers get `transferTimeoutMs`. */
  timeoutMs?: number;
  transferTimeoutMs?: number;
  fetch?: typeof fetch;
}

export interface Graph {
  /** `path` below the version, as "123/messages"; `query` values are URL-encoded. */
  json<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    query?: Record<string, string>,
  ): Promise<GraphResult<T>>;
  form<T>(path: string, form: FormData): Promise<GraphResult<T>>;
  /** An absolute URL Meta handed out (a media URL), read with the bearer token, at most `maxBytes`. */
  bytes(url: string, maxBytes: number): Promise<GraphResult<{ data: Buffer; contentType: string }>>;
}

const API_TIMEOUT_MS = 10_000;
/** A 100 MB document over a slow link takes longer than an API answer. */
const TRANSFER_TIMEOUT_MS = 120_000;

interface MetaErrorBody {
  error?: {
    message?: unknown;
    title?: unknown;
    error_user_title?: unknown;
    error_user_msg?: unknown;
    code?: unknown;
    error_data?: { details?: unknown };
  };
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Meta's error object (code, message, error_data.details) as a GraphError; a body without one keeps the status. */
export function readGraphError(status: number, body: unknown): GraphError {
  const error = (body as MetaErrorBody | null)?.error;
  const code = typeof error?.code === 'number' ? error.code : null;
  // Meta puts the title in `message` after the code: "(#131047) Re-engagement message".
  const message = text(error?.message)?.replace(/^\(#\d+\)\s*/, '');
  const title = text(error?.title) ?? text(error?.error_user_title) ?? message ?? `HTTP ${status}`;
  const details = text(error?.error_data?.details) ?? text(error?.error_user_msg) ?? '';
  const retry = status >= 500 || status === 429 || (code !== null && (CLOUD_API_ERRORS[code]?.retry ?? false));
  return { status, code, title, details, retry };
}

function transportError(error: unknown, what: string): GraphError {
  const err = error as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return { status: 0, code: null, title: 'timeout', details: `${what}`, retry: true };
  const cause = err.cause?.code ?? err.cause?.message ?? err.message;
  return { status: 0, code: null, title: 'unreachable', details: `${what}: ${cause}`, retry: true };
}

async function readJson(response: Response): Promise<unknown> {
  const raw = await response.text();
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return null;
  }
}

/** A Graph API client on fetch: bearer token, one base URL and version, a timeout per request. */
export function createGraph(options: GraphOptions): Graph {
  const doFetch = options.fetch ?? fetch;
  const base = `${options.graphUrl.replace(/\/+$/, '')}/${options.graphVersion}/`;
  const authorization = `Bearer ${options.accessToken}`;
  const timeoutMs = options.timeoutMs ?? API_TIMEOUT_MS;

  async function call<T>(method: string, url: string, body: BodyInit | undefined, json: boolean) {
    const what = `${method} ${url.split('?')[0]}`;
    let response: Response;
    let parsed: unknown;
    try {
      response = await doFetch(url, {
        method,
        headers: { Authorization: authorization, ...(json ? { 'Content-Type': 'application/json' } : {}) },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      parsed = await readJson(response);
    } catch (error) {
      return { ok: false, error: transportError(error, what) } as const;
    }
    if (!response.ok || parsed === null) return { ok: false, error: readGraphError(response.status, parsed) } as const;
    return { ok: true, value: parsed as T } as const;
  }

  return {
    json(method, path, body, query) {
      const search = query ? `?${new URLSearchParams(query).toString()}` : '';
      const json = body === undefined ? undefined : JSON.stringify(body);
      return call(method, `${base}${path}${search}`, json, json !== undefined);
    },
    form(path, form) {
      return call('POST', `${base}${path}`, form, false);
    },
    async bytes(url, maxBytes) {
      const what = `GET ${url.split('?')[0]}`;
      try {
        const response = await doFetch(url, {
          headers: { Authorization: authorization },
          signal: AbortSignal.timeout(options.transferTimeoutMs ?? TRANSFER_TIMEOUT_MS),
        });
        if (!response.ok) return { ok: false, error: readGraphError(response.status, await readJson(response)) };
        const chunks: Buffer[] = [];
        let size = 0;
        const reader = response.body?.getReader();
        // Counted while it streams: a file over the cap is abandoned at the cap, not read whole first.
        for (let part = await reader?.read(); part && !part.done; part = await reader?.read()) {
          size += part.value.byteLength;
          if (size > maxBytes) {
            await reader?.cancel();
            return {
              ok: false,
              error: { status: 200, code: null, title: 'too large', details: `over ${maxBytes} bytes`, retry: false },
            };
          }
          chunks.push(Buffer.from(part.value));
        }
        const contentType = response.headers.get('content-type') ?? 'application/octet-stream';
        return { ok: true, value: { data: Buffer.concat(chunks), contentType } };
      } catch (error) {
        return { ok: false, error: transportError(error, what) };
      }
    },
  };
}
