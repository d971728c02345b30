import type { search as en } from '../en/search.ts';
import type { Translation } from '../types.ts';

export const search: Translation<typeof en> = {
  'search.label': 'Unterhaltungen durchsuchen',
  'search.placeholder': 'Nachrichten, Notizen, Kontakte, Nummern durchsuchen',
  'search.submit': 'Suchen',
  'search.shortcut': 'Zum Suchfeld springen',
  'search.title': 'Suche',
  'search.title_for': 'Suche: {q}',
  'search.results': 'Ergebnisse',
  'search.prompt':
    'Geben Sie ein Wort, einen Namen oder eine Nummer ein, um Nachrichten, Notizen und Kontakte in Ihren Posteingängen zu durchsuchen.',
  'search.none': 'Nichts gefunden für „{q}“.',
  'search.none_hint': 'Prüfen Sie die Schreibweise, suchen Sie mit weniger Wörtern oder setzen Sie die Filter zurück.',
  'search.matches': { one: '{n} Treffer', other: '{n} Treffer' },
  'search.in_note': 'Notiz:',
  'search.in_contact': 'Kontakt:',
  'search.order': 'Reihenfolge',
  'search.order_newest': 'Neueste zuerst',
  'search.order_best': 'Beste Treffer zuerst',
  'search.more': 'Weitere Ergebnisse anzeigen',
  'search.empty': 'Geben Sie ein Wort oder eine Nummer ein.',
  'search.too_long': 'Suchen Sie nach höchstens {max} Zeichen.',
  'search.too_many_words': 'Suchen Sie nach höchstens {max} Wörtern.',
  'search.bad_limit': 'Fragen Sie nach 1 bis {max} Ergebnissen auf einmal.',
} as const;
