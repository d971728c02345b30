import type { whatsapp as en } from '../en/whatsapp.ts';
import type { Translation } from '../types.ts';

export const whatsapp: Translation<typeof en> = {
  'status.time': '{status} · {time}',
  'wa_error.100':
    'WhatsApp hat einen Teil der Nachricht abgelehnt (ungültig oder fehlend). Bitten Sie einen Admin, die Logs zu prüfen.',
  'wa_error.190':
    'Das WhatsApp-Zugriffstoken ist ungültig oder abgelaufen. Ein Admin muss es in der Konfiguration erneuern.',
  'wa_error.368': 'Das WhatsApp-Konto ist wegen Richtlinienverstößen vorübergehend gesperrt.',
  'wa_error.130429':
    'Das Sendelimit von WhatsApp für diese Nummer ist erreicht. Nach einer Pause wird weiter gesendet.',
  'wa_error.131026':
    'Nicht zustellbar: Der Kunde nutzt WhatsApp vielleicht nicht, hat eine alte App oder hat die Nutzungsbedingungen nicht akzeptiert.',
  'wa_error.131047':
    'Seit der letzten Nachricht des Kunden sind mehr als 24 Stunden vergangen: Jetzt darf nur eine genehmigte Vorlage gesendet werden.',
  'wa_error.131051': 'WhatsApp unterstützt diese Art von Nachricht nicht.',
  'wa_error.131052': 'Die Datei des Kunden konnte nicht von WhatsApp geladen werden.',
  'wa_error.131053': 'Die Datei konnte nicht zu WhatsApp hochgeladen werden (Typ oder Größe werden nicht angenommen).',
  'wa_error.131056': 'Zu viele Nachrichten an diesen Kunden in kurzer Zeit. Nach einer Pause wird weiter gesendet.',
  'wa_error.131062':
    'Diese Nachricht kann nicht an einen Kunden gesendet werden, der nur über eine WhatsApp-Nutzer-ID bekannt ist.',
  'wa_error.132000': 'Die Variablen passen nicht zur genehmigten Vorlage.',
  'wa_error.132001': 'Die Vorlage gibt es in dieser Sprache nicht, oder sie ist noch nicht genehmigt.',
  'reaction.customer': 'Der Kunde hat mit {emoji} reagiert',
  'reaction.customer_sees': 'Der Kunde sieht Ihre Reaktion auf WhatsApp.',
  'quote.action': 'Auf diese Nachricht antworten',
  'quote.replying_to': 'Antwort auf:',
  'quote.cancel': 'Zitat entfernen',
  'quote.label_in': 'Zitat des Kunden',
  'quote.label_out': 'Zitat Ihrer Antwort',
  'location.label': 'Geteilter Standort',
  'location.map': 'In OpenStreetMap öffnen',
  'location.unnamed': 'Ein Ort',
  'contact_card.label': 'Geteilter Kontakt',
  'contact_card.call': '{number} anrufen',
  'window.open_for': 'Sie können noch {hours} Std. {minutes} Min. antworten.',
  'window.closed':
    'Das 24-Stunden-Fenster ist geschlossen. Senden Sie eine genehmigte Vorlage, um neu anzufangen; die Antwort des Kunden öffnet es wieder.',
  'template.pick': 'Genehmigte Vorlagen',
  'template.none':
    'Diese Nummer hat keine genehmigten Vorlagen. Vorlagen werden aus dem WhatsApp Manager abgeglichen, wo ein Admin sie anlegt und Meta sie genehmigt.',
  'template.variable': 'Variable {n}',
  'template.preview': 'Vorschau',
  'template.params_long': 'Eine Variable ist länger als {max} Zeichen.',
  'template.send': 'Vorlage senden',
  'template.language': '{name} ({language})',
  'voice.alone': 'Eine Sprachnachricht wird allein gesendet: Der getippte Text bleibt hier als Entwurf.',
};
