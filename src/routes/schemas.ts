import { z } from 'zod';
import { ID_PATTERN } from '../presenters/ids.ts';

/*
 * The building blocks of route schemas (params, query, bodies): shapes only. The domain keeps the rules and their
 * messages, shown in place; a value of the wrong shape is answered by the app's error handler (src/app.ts): a path
 * parameter with 404, a query value with 400 naming it, a form field with 400 ("sent twice or in a shape …").
 */

/** A database id in a path or a field: a positive integer, read as a number. */
export const anId = z.string().regex(ID_PATTERN).transform(Number);

/** `/x/:id`: anything but a positive integer is a page that does not exist. */
export const idParams = z.object({ id: anId });

/** One text field; missing is empty. */
export const text = z.string().default('');

/** A field that may come several times, such as ticked boxes (one is a string, several an array); missing is none. */
export const repeated = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value): string[] => (value === undefined ? [] : [value].flat()));

/** A checkbox or switch that sends `1` when on; anything else (or nothing) is off. */
export const checkbox = text.transform((value) => value === '1');

/** A query value a page reads if it is one text, and otherwise ignores (a link typed by hand is no form). */
export const queryText = z.string().optional().catch(undefined);

/** The form's CSRF token (src/plugins/csrf.ts reads it after the body is checked, or the X-CSRF-Token header). */
const csrf = z.string().optional();

/**
 * A posted form (urlencoded, or multipart read by src/routes/uploads.ts): these fields and the CSRF token; fields it
 * does not name are dropped. A post without a body is an empty form.
 */
export function form<S extends z.ZodRawShape>(shape: S) {
  return z.preprocess((body) => body ?? {}, z.object({ ...shape, _csrf: csrf }));
}

/** A form whose field names are not known in advance (a survey's answers, keyed by question): each sent once. */
export const anyForm = z.preprocess((body) => body ?? {}, z.record(z.string(), z.string()));
