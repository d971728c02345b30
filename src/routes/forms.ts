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

/** The posted form as formbody and src/routes/uploads.ts give it: a string per name, an array for a repeated name. */
function formOf(req: FastifyRequest): Record<string, unknown> {
  const body = req.body;
  return body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
}

function valueOf(req: FastifyRequest, name: string): unknown {
  const form = formOf(req);
  return Object.hasOwn(form, name) ? form[name] : undefined;
}

/** A field in a shape its reader does not take (one sent twice, say) is a malformed form, never read as another value. */
const malformed = (name: string) => new DomainError(400, 'error.form_shape', {}, name);

/** One text field; missing is empty. */
export function field(req: FastifyRequest, name: string): string {
  const value = valueOf(req, name);
  if (value === undefined) return '';
  if (typeof value !== 'string') throw malformed(name);
  return value;
}

/** A field that may come several times, such as ticked boxes (one is a string, several an array); missing is none. */
export function fields(req: FastifyRequest, name: string): string[] {
  const value = valueOf(req, name);
  if (value === undefined) return [];
  const values = Array.isArray(value) ? value : [value];
  if (!values.every((v) => typeof v === 'string')) throw malformed(name);
  return values;
}

/** Every field sent, each read as one text (answers keyed by question, for one). */
export function formFields(req: FastifyRequest): Record<string, string> {
  return Object.fromEntries(Object.keys(formOf(req)).map((name) => [name, field(req, name)]));
}

/** A refused form as typed, to show it again: every field sent once (nothing is decided by a draft, so a list is simply left out). */
export function formDraft(req: FastifyRequest): Record<string, string> {
  return Object.fromEntries(
    Object.entries(formOf(req)).filter((e): e is [string, string] => e[0] !== '_csrf' && typeof e[1] === 'string'),
  );
}

// Routes read ids the way presenters do.
export { ID_PATTERN };

/** `/x/:id` ids: anything but a positive integer is a page that does not exist. */
export function idParam(req: FastifyRequest, name = 'id'): number {
  const raw = (req.params as Record<string, string>)[name] ?? '';
  if (!ID_PATTERN.test(raw)) throw notFound();
  return Number(raw);
}
