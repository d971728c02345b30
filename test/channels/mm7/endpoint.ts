import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Mm7Channel } from '../../../src/channels/mm7/channel.ts';

/** The channel's receive() behind a loopback HTTP server, as the app's /mm7/<name> route will put it. */
export async function serveChannel(channel: Mm7Channel): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const answer = await channel.receive({
      contentType: req.headers['content-type'],
      authorization: req.headers.authorization,
      body: Buffer.concat(chunks),
    });
    res.writeHead(answer.status, { 'Content-Type': answer.contentType, ...answer.headers }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mm7/${channel.name}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
