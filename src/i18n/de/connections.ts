import type { connections as en } from '../en/connections.ts';
import type { Translation } from '../types.ts';

export const connections: Translation<typeof en> = {
  'admin.connections.title': 'Netzbetreiber-Verbindungen',
  'admin.connections.none': 'Es ist kein Kanal eingerichtet.',
  'admin.connections.name': 'Verbindung',
  'admin.connections.kind': 'Art',
  'channel_kind.smpp': 'SMS (SMPP)',
  'channel_kind.mm7': 'MMS (MM7)',
  'channel_kind.whatsapp': 'WhatsApp',
  'admin.connections.status': 'Zustand',
  'admin.connections.since': 'seit {time}',
  'admin.connections.next_attempt': 'nächster Versuch {time} (in {seconds} s)',
  'admin.connections.last_error': 'Letzter Fehler',
  'admin.connections.queue': 'Warteschlange',
  'admin.connections.queue_value': '{inFlight} unterwegs, {waiting} wartend',
  'admin.connections.counts': 'Gesendet / fehlgeschlagen',
  'admin.connections.counts_value': '{sent} / {failed}',
  'admin.connections.sync_templates': 'Vorlagen abgleichen',
  'admin.connections.sync_templates_of': 'Vorlagen von {name} abgleichen',
  'admin.connections.refreshed': 'Erledigt: {name} hat die Vorlagen neu von WhatsApp geholt.',
  'admin.connections.refresh_failed':
    '{name} hat WhatsApp nicht erreicht; der Grund steht unter „Letzter Fehler“ und im Log.',
  'connection.connecting': 'Verbindet',
  'connection.bound': 'Verbunden',
  'connection.down': 'Getrennt',
  'connection.stopped': 'Angehalten',
};
