import type { canned as en } from '../en/canned.ts';
import type { Translation } from '../types.ts';

export const canned: Translation<typeof en> = {
  'canned.title_invalid': 'Geben Sie der Antwort einen Titel mit 1 bis 80 Zeichen.',
  'canned.keyword_invalid':
    'Ein Stichwort ist ein Wort aus bis zu 30 Buchstaben, Ziffern, - oder _ (getippt als /stichwort).',
  'canned.body_invalid': 'Der Text muss 1 bis {max} Zeichen haben.',
  'canned.placeholder_unknown':
    '{name} ist kein Platzhalter, den wir füllen können. Verwenden Sie einen der aufgeführten.',
  'canned.keyword_taken': '/{keyword} wird hier schon verwendet.',
  'canned.title': 'Textbausteine',
  'canned.saved': 'Gespeichert.',
  'canned.help':
    'Im Antwortfeld über die Auswahl oder mit /stichwort verwenden. Platzhalter, gefüllt aus der Unterhaltung:',
  'canned.new': 'Neuer Textbaustein',
  'canned.personal': 'Meine Schnellantworten (nur ich sehe sie)',
  'canned.none': 'Noch keine. Legen Sie oben eine an; in einer Antwort fügen Sie sie mit / und ihrem Stichwort ein.',
  'canned.of_inbox': 'Geteilt in {inbox}',
  'canned.edit': '{title} bearbeiten',
  'canned.delete': '{title} löschen',
  'canned.scope': 'Für',
  'canned.scope_personal': 'Nur mich (Schnellantwort)',
  'canned.scope_inbox': 'Alle in {inbox}',
  'canned.field_title': 'Titel',
  'canned.field_keyword': 'Stichwort (getippt als /stichwort)',
  'canned.field_body': 'Text',
  'canned.save': 'Speichern',
  'canned.create': 'Anlegen',
  'canned.keyword_shown': '/{keyword}',
};
