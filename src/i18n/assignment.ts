/** Texts of one feature in both languages; en.ts and de.ts take them in. */
export const en = {
  'event.auto_assigned': 'Assigned to {assignee} automatically (round-robin)',
  'assignment.round_robin_title': 'Round-robin',
  'assignment.round_robin_on':
    'Round-robin is on: new conversations go in turn to members who are in the queue and available.',
  'assignment.round_robin_off': 'Round-robin is off: new conversations wait unassigned.',
  'assignment.round_robin_needs_assignment': 'Round-robin assigns nothing while assignment is switched off.',
  'assignment.enable_field': 'Assign new conversations in turn (round-robin)',
  'assignment.max_open_field': 'Most open conversations per agent (empty: no limit)',
  'assignment.max_open_invalid': 'Enter a whole number from 1 to {max}, or leave it empty for no limit.',
  'assignment.save': 'Save round-robin',
  'assignment.saved': 'Round-robin settings saved.',
} as const;

export const de: Record<keyof typeof en, string> = {
  'event.auto_assigned': 'Automatisch {assignee} zugewiesen (reihum)',
  'assignment.round_robin_title': 'Reihum-Zuweisung',
  'assignment.round_robin_on':
    'Reihum-Zuweisung ist an: Neue Unterhaltungen gehen der Reihe nach an Mitglieder, die in der Warteschlange und verfügbar sind.',
  'assignment.round_robin_off': 'Reihum-Zuweisung ist aus: Neue Unterhaltungen bleiben unzugewiesen.',
  'assignment.round_robin_needs_assignment':
    'Solange die Zuweisung ausgeschaltet ist, weist die Reihum-Zuweisung nichts zu.',
  'assignment.enable_field': 'Neue Unterhaltungen der Reihe nach zuweisen (reihum)',
  'assignment.max_open_field': 'Höchstens offene Unterhaltungen je Agent (leer: keine Grenze)',
  'assignment.max_open_invalid': 'Gib eine ganze Zahl von 1 bis {max} ein oder lass das Feld leer für keine Grenze.',
  'assignment.save': 'Reihum-Zuweisung speichern',
  'assignment.saved': 'Einstellungen der Reihum-Zuweisung gespeichert.',
};
