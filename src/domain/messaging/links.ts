import { DomainError } from '../errors.ts';

/** What a link texted to a customer (a survey, files sent as a link) may start with. */
export interface CustomerLinks {
  /** server.public_url: the one address a link to a real customer is built from. */
  publicUrl: string | undefined;
  /** While the sandbox runs: its connection, whose texts stay on this machine, and the address its links use. */
  sandbox: { connection: string; base: string } | null;
}

/**
 * The start of a link texted over `connection`, without a trailing slash. Without server.public_url only the
 * sandbox's texts get one: any other address would come from the request's Host header, which whoever sends
 * the request chooses, so a forged one would point customers at someone else's site.
 */
export function customerLinkBase(links: CustomerLinks, connection: string, field: string): string {
  const base = links.publicUrl ?? (links.sandbox?.connection === connection ? links.sandbox.base : undefined);
  if (base === undefined) throw new DomainError(422, 'links.public_url_missing', {}, field);
  return base.replace(/\/$/, '');
}
