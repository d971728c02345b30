import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SANDBOX } from '../config/sandbox.ts';
import type { CustomerLinks } from '../domain/messaging/links.ts';

/**
 * What links texted from this request may start with: server.public_url, or for the sandbox's numbers only
 * (their texts reach the pretend phone on /sandbox, never a customer) the address the browser used.
 */
export function customerLinks(app: FastifyInstance, req: FastifyRequest): CustomerLinks {
  return {
    publicUrl: app.configStore.current.server.public_url,
    sandbox: app.messaging.simulator ? { connection: SANDBOX.name, base: `${req.protocol}://${req.host}` } : null,
  };
}
