import type { MessageKey } from '../i18n/index.ts';

type Params = Record<string, string | number>;

/** A rule said no. Carries a translation key so every layer can show it in the user's language. */
export class DomainError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 410 | 422 | 429,
    readonly key: MessageKey,
    readonly params: Params = {},
    /** The form field the message belongs to, when there is one. */
    readonly field?: string,
  ) {
    super(key);
    this.name = 'DomainError';
  }
}

export const notFound = (): DomainError => new DomainError(404, 'error.not_found');
export const forbidden = (): DomainError => new DomainError(403, 'error.forbidden');
export const invalid = (key: MessageKey, field?: string, params: Params = {}): DomainError =>
  new DomainError(422, key, params, field);
export const conflict = (key: MessageKey, field?: string, params: Params = {}): DomainError =>
  new DomainError(409, key, params, field);
