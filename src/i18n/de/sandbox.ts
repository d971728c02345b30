import type { sandbox as en } from '../en/sandbox.ts';
import type { Translation } from '../types.ts';

export const sandbox: Translation<typeof en> = {
  'sandbox.open_phone': 'Kundentelefon öffnen',
  'sandbox.title': 'Kundentelefon (Sandbox)',
  'sandbox.intro':
    'Schreib dem Posteingang wie ein Kunde. Antworten aus dem Posteingang und ihre Zustellberichte kommen hier an.',
  'sandbox.phone': 'Telefonnummer des Kunden',
  'sandbox.to': 'Nummer des Posteingangs',
  'sandbox.message': 'Nachricht',
  'sandbox.send': 'SMS von diesem Telefon senden',
  'sandbox.transcript': 'SMS von {phone}',
  'sandbox.none': 'Noch keine SMS.',
  'sandbox.sent_to': 'Gesendet an {number}',
  'sandbox.received_from': 'Empfangen von {number}',
  'sandbox.not_running': 'Das Sandbox-SMSC läuft auf diesem Server nicht.',
  'sandbox.phone_invalid': 'Gib die Telefonnummer international ein, etwa +15557654321.',
  'sandbox.to_invalid': 'Wähle eine der Nummern des Posteingangs.',
  'sandbox.text_invalid': 'Schreib eine Nachricht mit bis zu {max} Zeichen.',
};
