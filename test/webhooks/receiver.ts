import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed: `{ type, timestamp, data }`. */
  event: { type: string; timestamp: string; data: Record<string, unknown> };
}

/**
 * A real HTTP receiver on loopback that records every request and answers what `answer` says (200 unless told):
 * a status code per request, in the order they come.
 */
export async function startReceiver(t: { after(fn: () => Promise<void>): void }) {
  const received: Received[] = [];
  let answer: (r: Received) => number = () => 200;
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const r = { headers: req.headers, body, event: JSON.parse(body) as Received['event'] };
      received.push(r);
      res.writeHead(answer(r), { 'content-type': 'text/plain' }).end(`seen ${r.event.type}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    /** What the receiver answers from now on. */
    answer(fn: (r: Received) => number) {
      answer = fn;
    },
    ofType: (type: string) => received.filter((r) => r.event.type === type),
  };
}
