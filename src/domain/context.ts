import { forbidden } from './errors.ts';
import type { Db } from '../db/client.ts';
import type { Role } from '../db/schema/users.ts';
import type { DomainEvents } from './events.ts';

export interface DomainContext {
  db: Db;
  events: DomainEvents;
  now: () => number;
}

/** Who is acting: every read and write of the domain layer is checked against this. */
export interface Actor {
  id: number;
  role: Role;
}

export function requireAdmin(actor: Actor): void {
  if (actor.role !== 'admin') throw forbidden();
}
