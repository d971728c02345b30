import type { push as en } from '../en/push.ts';
import type { Translation } from '../types.ts';

export const push: Translation<typeof en> = {
  'push.device': 'Benachrichtigungen auf diesem Gerät',
  'push.state_unsupported':
    'Dieser Browser kann keine Benachrichtigungen empfangen, während Switchboard geschlossen ist (dafür braucht es HTTPS, auf dem iPhone die zum Home-Bildschirm hinzugefügte App).',
  'push.state_denied':
    'Benachrichtigungen sind in diesem Browser blockiert: Erlauben Sie sie in den Website-Einstellungen.',
  'push.state_on':
    'An: Dieses Gerät zeigt die Benachrichtigungen, die Sie für den Browser gewählt haben, auch ohne offenen Switchboard-Tab.',
  'push.state_off': 'Aus: Dieses Gerät zeigt Benachrichtigungen nur, solange ein Switchboard-Tab offen ist.',
  'push.state_failed': 'Das hat nicht geklappt. Versuchen Sie es noch einmal oder laden Sie die Seite neu.',
  'push.turn_on': 'Für dieses Gerät einschalten',
  'push.turn_off': 'Für dieses Gerät ausschalten',
  'push.devices': {
    one: '{n} Gerät von Ihnen empfängt Benachrichtigungen.',
    other: '{n} Geräte von Ihnen empfangen Benachrichtigungen.',
  },
  'push.device_help': 'Sie kommen für die Ereignisse, die unten unter „Browser-Benachrichtigung“ angehakt sind.',
  'push.endpoint_invalid':
    'Dieser Browser hat eine Push-Adresse geschickt, die Switchboard nicht verwenden kann (sie muss https sein).',
  'push.key_invalid': 'Dieser Browser hat einen Schlüssel geschickt, den Switchboard nicht verwenden kann.',
  'push.offline_title': 'Keine Verbindung',
  'push.offline_text': 'Switchboard ist gerade nicht erreichbar. Ihre Unterhaltungen warten auf dem Server.',
  'push.offline_retry': 'Erneut versuchen',
};
