import type { assignment as en } from '../en/assignment.ts';
import type { Translation } from '../types.ts';

export const assignment: Translation<typeof en> = {
  'event.auto_assigned': 'Automatisch {assignee} zugewiesen (reihum)',
  'assignment.round_robin_title': 'Reihum-Zuweisung',
  'assignment.round_robin_on':
    'Reihum-Zuweisung ist an: Neue Unterhaltungen gehen der Reihe nach an Mitglieder, die in der Warteschlange und verfügbar sind.',
  'assignment.round_robin_off': 'Reihum-Zuweisung ist aus: Neue Unterhaltungen bleiben unzugewiesen.',
  'assignment.round_robin_needs_assignment':
    'Solange die Zuweisung ausgeschaltet ist, weist die Reihum-Zuweisung nichts zu.',
  'assignment.enable_field': 'Neue Unterhaltungen der Reihe nach zuweisen (reihum)',
  'assignment.max_open_field': 'Höchstens offene Unterhaltungen je Agent (leer: keine Grenze)',
  'assignment.max_open_invalid':
    'Geben Sie eine ganze Zahl von 1 bis {max} ein oder lassen Sie das Feld leer für keine Grenze.',
  'assignment.save': 'Reihum-Zuweisung speichern',
  'assignment.saved': 'Einstellungen der Reihum-Zuweisung gespeichert.',
};
