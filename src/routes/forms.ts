import type { FastifyRequest } from 'fastify';
import { DomainError, notFound } from '../domain/errors.ts';
import { ID_PATTERN } from '../presenters/ids.ts';

export type FormErrors = Record<string, string>;

/**
 * A refused form input, as messages keyed by field (`_form` for the form as a whole); other errors pass
 * through. `statuses` widens which refusals are shown in place; `place` says where a field's message goes.
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

/** Form fields as strings (formbody gives arrays for repeated names). */
export function formBody(req: FastifyRequest): Record<string, string | string[] | undefined> {
  const body = req.body;
  return body && typeof body === 'object' ? (body as Record<string, string | string[]>) : {};
}

export function field(req: FastifyRequest, name: string): string {
  const value = formBody(req)[name];
  return typeof value === 'string' ? value : '';
}

// Routes read ids the way presenters do.
export { ID_PATTERN };

/** `/x/:id` ids: anything but a positive integer is a page that does not exist. */
export function idParam(req: FastifyRequest, name = 'id'): number {
  const raw = (req.params as Record<string, string>)[name] ?? '';
  if (!ID_PATTERN.test(raw)) throw notFound();
  return Number(raw);
}
