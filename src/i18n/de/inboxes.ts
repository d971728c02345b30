import type { inboxes as en } from '../en/inboxes.ts';
import type { Translation } from '../types.ts';

export const inboxes: Translation<typeof en> = {
  'inbox.name_invalid': 'Geben Sie dem Posteingang einen Namen mit 1 bis 80 Zeichen.',
  'inbox.name_taken': 'Einen Posteingang mit diesem Namen gibt es schon.',
  'inbox.member_unknown': 'Eine der gewählten Personen gibt es nicht.',
  'admin.inboxes.title': 'Posteingänge verwalten',
  'admin.inboxes.none': 'Noch keine Posteingänge.',
  'admin.inboxes.new': 'Neuer Posteingang',
  'admin.inboxes.create': 'Posteingang anlegen',
  'admin.inboxes.created': 'Posteingang {name} wurde angelegt.',
  'admin.inboxes.back': 'Alle Posteingänge',
  'admin.inboxes.rename': 'Posteingang umbenennen',
  'admin.inboxes.renamed': 'Der Posteingang wurde umbenannt.',
  'admin.inboxes.members': 'Mitglieder',
  'admin.inboxes.save_members': 'Mitglieder speichern',
  'admin.inboxes.members_saved': 'Mitglieder gespeichert.',
  'inbox.settings': 'Einstellungen des Posteingangs',
  'inbox.assignment_on': 'Zuweisung ist an: Unterhaltungen können Mitgliedern zugewiesen werden.',
  'inbox.assignment_off': 'Zuweisung ist aus: Unterhaltungen werden einfach geteilt.',
  'inbox.assignment_disable': 'Zuweisung ausschalten',
  'inbox.assignment_enable': 'Zuweisung einschalten',
  'inbox.moving_on': 'Unterhaltungen dürfen aus diesem Posteingang verschoben werden.',
  'inbox.moving_off': 'Unterhaltungen können nicht aus diesem Posteingang verschoben werden.',
  'inbox.moving_disable': 'Verschieben verbieten',
  'inbox.moving_enable': 'Verschieben erlauben',
};
