import type { backups as en } from '../en/backups.ts';
import type { Translation } from '../types.ts';

export const backups: Translation<typeof en> = {
  'admin.backups.title': 'Sicherungen',
  'admin.backups.schedule': 'Der Server sichert alle {hours} h und behält die neuesten {keep}.',
  'admin.backups.schedule_off':
    'Der Server sichert nicht von selbst ([backup] every_hours = 0); nutzen Sie „Jetzt sichern“ oder switchboard backup.',
  'admin.backups.where': 'Ordner: {dir}',
  'admin.backups.now': 'Jetzt sichern',
  'admin.backups.made': 'Gesichert nach {dir}.',
  'admin.backups.failed': 'Die Sicherung ist fehlgeschlagen: {reason}',
  'admin.backups.last_failed': 'Die letzte Sicherung ist am {time} fehlgeschlagen: {reason}',
  'admin.backups.none': 'Noch keine Sicherung.',
  'admin.backups.made_at': 'Erstellt',
  'admin.backups.database': 'Datenbank',
  'admin.backups.media': 'Medien',
  'admin.backups.media_value': { one: '{n} Datei, {size}', other: '{n} Dateien, {size}' },
  'admin.backups.folder': 'Ordner',
};
