import { forbidden } from './errors.ts';
import type { Db } from '../db/client.ts';
import type { Role } from '../db/schema/users.ts';
import type { DomainEvents } from './events.ts';

export interface DomainContext {
  db: Db;
  events: DomainEvents;
  now: () => number;
}

/** A transaction's handle: what domain functions that must run inside the caller's transaction take. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Who is acting: every read and write of the domain layer is checked against this. */
export interface Actor {
  id: number;
  role: Role;
  /** Where they act from (the request's address), for the audit log. */
  address?: string;
}

/** Managers and admins: they keep inbox settings, shared canned replies and surveys, and see Spam (to undo it). */
export const isManager = (actor: Actor): boolean => actor.role !== 'agent';

export function requireAdmin(actor: Actor): void {
  if (actor.role !== 'admin') throw forbidden();
}
