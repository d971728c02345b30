import type { shell as en } from '../en/shell.ts';
import type { Translation } from '../types.ts';

export const shell: Translation<typeof en> = {
  'shell.pick': 'Wählen Sie links eine Unterhaltung, um sie zu lesen und zu beantworten.',
  'shell.back': 'Zurück zu {list}',
  'shell.contact': 'Kontaktdaten',
  'shell.contact_close': 'Zurück zur Unterhaltung',
  'shell.admin': 'Verwaltung',
  'shell.more': 'Mehr',
  'shell.banner_dismiss': 'Ausblenden',
  'shell.sandbox_short': 'Sandbox: SMS gehen an ein eingebautes Test-SMSC, nicht an echte Telefone.',
  'shell.sandbox_connect':
    'Um einen Netzbetreiber anzubinden, tragen Sie [[smpp]]- und [[number]]-Blöcke in die Konfigurationsdatei ein (siehe switchboard.example.toml).',
};
