import type { FastifyRequest } from 'fastify';
import { DomainError } from '../domain/errors.ts';
import { ID_PATTERN } from '../presenters/ids.ts';

export type FormErrors = Record<string, string>;

/**
 * A refused form input, as messages keyed by field (`_form` for the form as a whole); other errors pass
 * through. `statuses` widens which refusals are shown in place; `place` says where a field's message goes.
 * (What a form may hold is its route's schema: src/routes/schemas.ts.)
 */
export function formErrorsOf(
  err: unknown,
  req: FastifyRequest,
  opts: { statuses?: number[]; place?: (field: string | undefined) => string } = {},
): { status: number; errors: FormErrors } | null {
  if (!(err instanceof DomainError) || !(opts.statuses ?? [409, 422]).includes(err.status)) return null;
  const place = opts.place ?? ((field) => field ?? '_form');
  return { status: err.status, errors: { [place(err.field)]: req.t(err.key, err.params) } };
}

/** A refused form as typed, to show it again: its text fields (nothing is decided by a draft, so a list is simply left out). */
export function formDraft(fields: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fields).filter((e): e is [string, string] => e[0] !== '_csrf' && typeof e[1] === 'string'),
  );
}

// Routes read ids the way presenters do.
export { ID_PATTERN };
