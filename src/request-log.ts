import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * Every request is a debug line, not two info lines: at `info` a busy inbox buried what an operator needs
 * (carrier connections, backups, failures). A request that failed is still logged at error by the base class,
 * and the error handler's own lines stay as they are.
 */
export class RequestsAtDebug extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    if (!this.isLogDisabled(request)) request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) return super.requestCompleted(error, request, reply);
    if (!this.isLogDisabled(request))
      reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}
