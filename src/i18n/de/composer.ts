import type { composer as en } from '../en/composer.ts';
import type { Translation } from '../types.ts';

export const composer: Translation<typeof en> = {
  'composer.count': { one: 'Noch {n} Zeichen · {segments} SMS', other: 'Noch {n} Zeichen · {segments} SMS' },
  'composer.count_characters': '{n} / {limit} Zeichen',
  'composer.count_unicode': {
    one: 'Noch {n} Zeichen · {segments} SMS (Emoji oder Sonderzeichen: 70 pro SMS)',
    other: 'Noch {n} Zeichen · {segments} SMS (Emoji oder Sonderzeichen: 70 pro SMS)',
  },
  'composer.hint': 'Strg+Enter sendet. /stichwort tippen für einen Textbaustein.',
  'composer.hint_enter':
    'Eingabetaste sendet, Umschalt+Eingabe beginnt eine neue Zeile. /stichwort tippen für einen Textbaustein.',
  'composer.placeholder': 'Antwort schreiben …',
  'composer.note_placeholder': 'Notiz für das Team schreiben …',
  'composer.tabs': 'Antwort oder Notiz',
  'composer.tab_reply': 'Antwort',
  'composer.tab_note': 'Notiz',
  'note.hint_enter':
    'Nur das Team sieht Notizen, die Kundschaft nie. @Name benachrichtigt jemanden im Team. Die Eingabetaste fügt die Notiz hinzu.',
  'composer.canned': 'Textbausteine',
  'composer.canned_search': 'Textbaustein suchen',
  'composer.canned_none': 'Kein Textbaustein passt.',
  'composer.canned_insert': '„{title}“ einfügen (/{keyword})',
  'format.toolbar': 'Formatierung',
  'format.bold': 'Fett',
  'format.italic': 'Kursiv',
  'format.strike': 'Durchgestrichen',
  'format.bullets': 'Aufzählung',
  'format.numbers': 'Nummerierte Liste',
  'format.link': 'Link',
  'emoji.unknown': 'Das ist kein Emoji, das wir kennen.',
  'emoji.none': 'Kein Emoji gefunden.',
  'emoji.react_with': 'Mit {name} reagieren',
  'emoji.insert': '{name} einfügen',
  'emoji.react_label': 'Auf diese Nachricht reagieren',
  'emoji.react_short': 'Reagieren',
  'emoji.picker': 'Emoji',
  'emoji.search': 'Emoji suchen',
  'emoji.reaction': '{emoji} {count}: {names}',
  'composer.attach': 'Dateien anhängen',
  'composer.attach_hint': {
    one: 'Bis zu {n} Datei mit bis zu {size}: Bilder, PDF, Kontaktkarten, Audio, Video.',
    other: 'Bis zu {n} Dateien mit je bis zu {size}: Bilder, PDF, Kontaktkarten, Audio, Video.',
  },
  'composer.attach_link': {
    one: 'Sie gehen als Link in der SMS; der Link gilt {n} Tag.',
    other: 'Sie gehen als Link in der SMS; der Link gilt {n} Tage.',
  },
};
