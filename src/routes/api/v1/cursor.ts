import { z } from 'zod';
import { ApiProblem } from './problem.ts';

/** `?limit=&cursor=`: every list takes them. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50).describe('How many items, 1 to 100.'),
  cursor: z.string().max(500).optional().describe('The `next` of the previous page.'),
});

/** A list's answer: one page, and the cursor of the next one (null on the last). */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), next: z.string().nullable().describe('Pass as `cursor` for the next page.') });

/** A position in a list: the row's sort key, then its id (ties broken by id, so no row is skipped or repeated). */
export type Position = [...(string | number | null)[], number];

const positionSchema = z.array(z.union([z.string(), z.number(), z.null()])).min(1);

/** Opaque to clients: base64url of the last row's sort key and id. */
export const encodeCursor = (position: Position): string => Buffer.from(JSON.stringify(position)).toString('base64url');

/** The position a cursor names; a cursor of another shape (or another list) is a 422 on `cursor`. */
export function decodeCursor(cursor: string | undefined, length: number): Position | null {
  if (cursor === undefined) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  const position = positionSchema.safeParse(parsed);
  if (!position.success || position.data.length !== length || typeof position.data.at(-1) !== 'number')
    throw new ApiProblem(422, 'invalid-cursor', 'The cursor is not one this list gave out.', {
      field: 'cursor',
    });
  return position.data as Position;
}

/**
 * One page from rows sorted by `keyOf` (ascending or as the list sorts), fetched one past the limit so we know
 * whether there is a next page. `rows` must already start after the cursor.
 */
export function pageFrom<R, T>(
  rows: R[],
  limit: number,
  keyOf: (row: R) => Position,
  present: (row: R) => T,
): { data: T[]; next: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { data: page.map(present), next: rows.length > limit && last ? encodeCursor(keyOf(last)) : null };
}

/** For lists ordered by id alone: the id to continue after (0 from the start). */
export function afterId(cursor: string | undefined): number {
  return (decodeCursor(cursor, 1)?.at(-1) as number | undefined) ?? 0;
}
