import { eq } from 'drizzle-orm';
import { numbers } from '../../db/schema/numbers.ts';
import type { Tx } from '../context.ts';
import type { MessageKind } from './capabilities.ts';

/** What a number's messages travel as: the one place the domain reads it (null: no such number). */
export function kindOfNumber(tx: Pick<Tx, 'select'>, numberId: number): MessageKind | null {
  return tx.select({ kind: numbers.kind }).from(numbers).where(eq(numbers.id, numberId)).get()?.kind ?? null;
}
