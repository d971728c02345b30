import type { replyWindow as en } from '../en/reply-window.ts';
import type { Translation } from '../types.ts';

export const replyWindow: Translation<typeof en> = {
  'send.window_closed':
    'Nicht gesendet: WhatsApp erlaubt freien Text nur innerhalb von 24 Stunden nach der letzten Nachricht des Kunden. Senden Sie stattdessen eine genehmigte Vorlage; seine Antwort öffnet das Fenster wieder.',
  'template.unknown':
    'Diese Vorlage ist für diese Nummer nicht (mehr) genehmigt. Gleichen Sie die Vorlagen ab und wählen Sie eine andere.',
  'template.params_missing': 'Füllen Sie jede Variable der Vorlage aus: {missing} ist leer.',
  'template.not_whatsapp': 'Vorlagen werden nur über WhatsApp-Nummern gesendet.',
  'reply.quote_unknown': 'Die zitierte Nachricht ist keine Nachricht des Kunden in dieser Unterhaltung.',
};
