import type { api as en } from '../en/api.ts';
import type { Translation } from '../types.ts';

/** API-Tokens: Einstellungen → API-Tokens, und was die Domäne dazu sagt. */
export const api: Translation<typeof en> = {
  'api_tokens.title': 'API-Tokens',
  'api_tokens.intro':
    'Mit einem Token kann ein Skript oder ein anderer Dienst Switchboard über die REST-API in deinem Namen nutzen – im Rahmen der Bereiche, die du ihm gibst.',
  'api_tokens.reference': 'API-Referenz',
  'api_tokens.settings_intro': 'Tokens für Skripte und andere Dienste, die die REST-API in deinem Namen nutzen.',
  'api_tokens.manage': 'API-Tokens verwalten',
  'api_tokens.new': 'Neues Token',
  'api_tokens.name': 'Name',
  'api_tokens.scopes': 'Bereiche',
  'api_tokens.scope.conversations:read': 'Unterhaltungen, ihre Nachrichten und Posteingänge lesen',
  'api_tokens.scope.conversations:write':
    'Unterhaltungen zuweisen, schließen, wieder öffnen, verschieben und verschlagworten',
  'api_tokens.scope.messages:send': 'Antworten senden',
  'api_tokens.scope.contacts:read': 'Kontakte lesen',
  'api_tokens.scope.contacts:write': 'Kontakte anlegen, ändern und abmelden',
  'api_tokens.scope.admin': 'als Admin handeln',
  'api_tokens.create': 'Token erstellen',
  'api_tokens.created_title': 'Dein neues Token',
  'api_tokens.created_intro':
    'Kopiere es jetzt: Es wird nur dieses eine Mal angezeigt. Sende es als „Authorization: Bearer <Token>“.',
  'api_tokens.token': 'Token',
  'api_tokens.yours': 'Deine Tokens',
  'api_tokens.none': 'Du hast keine API-Tokens.',
  'api_tokens.prefix': 'Beginnt mit',
  'api_tokens.created_at': 'Erstellt',
  'api_tokens.last_used': 'Zuletzt genutzt',
  'api_tokens.never_used': 'Nie',
  'api_tokens.actions': 'Aktionen',
  'api_tokens.revoke': 'Widerrufen',
  'api_tokens.revoke_named': 'Das Token {name} widerrufen',
  'api_tokens.revoked_at': 'Widerrufen am {time}',
  'api_tokens.revoked_notice': 'Das Token {name} wurde widerrufen: Es funktioniert nicht mehr.',
  'api_tokens.no_such_user': 'Niemand hat die E-Mail-Adresse {email}.',
  'api_tokens.idempotency_reused': 'Dieser Idempotency-Key wurde schon für eine andere Anfrage verwendet.',
  'api_tokens.name_invalid': 'Gib dem Token einen Namen mit 1 bis 80 Zeichen.',
  'api_tokens.scopes_invalid': 'Wähle mindestens einen Bereich aus: {scopes}.',
  'api_tokens.user_inactive': 'Diese Person ist deaktiviert: Ihre Tokens würden nicht funktionieren.',
};
