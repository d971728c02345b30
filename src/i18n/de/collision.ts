import type { collision as en } from '../en/collision.ts';
import type { Translation } from '../types.ts';

export const collision: Translation<typeof en> = {
  'collision.typing_one': '{names} schreibt eine Antwort',
  'collision.typing_many': '{names} schreiben eine Antwort',
  'collision.viewing_one': '{names} sieht sich die Unterhaltung an',
  'collision.viewing_many': '{names} sehen sich die Unterhaltung an',
  'collision.replied_seconds': {
    one: '{name} hat vor {n} Sekunde geantwortet: „{text}“',
    other: '{name} hat vor {n} Sekunden geantwortet: „{text}“',
  },
  'collision.replied_minutes': {
    one: '{name} hat vor {n} Minute geantwortet: „{text}“',
    other: '{name} hat vor {n} Minuten geantwortet: „{text}“',
  },
  'collision.replied_at': '{name} hat am {time} geantwortet: „{text}“',
  'collision.send_anyway_question': 'Trotzdem senden?',
  'collision.send_anyway': 'Trotzdem senden',
  'collision.cancel': 'Abbrechen',
};
