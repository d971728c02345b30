import type { media as en } from '../en/media.ts';
import type { Translation } from '../types.ts';

export const media: Translation<typeof en> = {
  'media.not_allowed': 'Von dieser Nummer werden keine Anhänge gesendet.',
  'media.too_many': {
    one: 'Sie haben {n} Datei angehängt; diese Nummer sendet höchstens {max} pro Nachricht.',
    other: 'Sie haben {n} Dateien angehängt; diese Nummer sendet höchstens {max} pro Nachricht.',
  },
  'media.empty': '{name} ist leer.',
  'media.too_large': '{name} ist größer als {max}, das Höchste, was diese Nummer pro Datei sendet.',
  'media.type':
    '{name} ist kein Dateityp, den Netzbetreiber annehmen. Senden Sie JPEG-, PNG-, GIF- oder WebP-Bilder, PDF, Kontaktkarten (vCard) oder MP3-, AAC-, AMR-, Ogg-, WAV-, MP4- oder 3GP-Audio und -Video.',
  'media.pixels': '{name} hat {width} × {height} Pixel; Telefone öffnen Bilder bis 40 Megapixel.',
  'media.upload_broken': 'Das Hochladen wurde abgebrochen. Hängen Sie die Dateien noch einmal an.',
  'media.open': '{name} öffnen',
  'media.pdf_preview': 'Vorschau von {name}',
  'media.contact_card': 'Kontaktkarte: {name}',
  'media.contact_card_unnamed': 'Kontaktkarte',
  'media.expired_title': 'Link abgelaufen',
  'media.expired':
    'Dieser Link ist abgelaufen oder existiert nicht. Bitten Sie den Absender, die Dateien noch einmal zu senden.',
  'media.page_title': 'Dateien von {from}',
  'media.save': '{name} speichern',
  'media.details': '{name}, {size}',
  'media.way_too_many': 'Zu viele Dateien auf einmal; hängen Sie höchstens {max} an.',
  'media.files_label': 'Angehängte Dateien: {count}',
  'media.bad_name': '{name}: Ein Dateiname darf keine Ordner oder Steuerzeichen enthalten.',
  'media.no_size':
    '{name}: Die Bildgröße lässt sich nicht lesen und daher nicht prüfen; speichern Sie das Bild erneut als JPEG oder PNG.',
  'media.voice_type':
    'Die Sprachnachricht ist keine Aufnahme, die dieser Browser senden kann (Ogg oder WebM mit Opus). Nehmen Sie sie noch einmal auf oder hängen Sie die Datei stattdessen an.',
  'media.voice_broken': 'Die Sprachnachricht kam beschädigt oder unvollständig an. Nehmen Sie sie noch einmal auf.',
  'media.voice_note': 'Sprachnachricht',
  'media.voice_note_seconds': 'Sprachnachricht, {time}',
};
