import type { api as en } from '../en/api.ts';
import type { Translation } from '../types.ts';

/** API-Tokens: Einstellungen → API-Tokens, und was die Domäne dazu sagt. */
export const api: Translation<typeof en> = {
  'api_tokens.name_invalid': 'Gib dem Token einen Namen mit 1 bis 80 Zeichen.',
  'api_tokens.scopes_invalid': 'Wähle mindestens einen Bereich aus: {scopes}.',
  'api_tokens.user_inactive': 'Diese Person ist deaktiviert: Ihre Tokens würden nicht funktionieren.',
};
