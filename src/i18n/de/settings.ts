import type { settings as en } from '../en/settings.ts';
import type { Translation } from '../types.ts';

export const settings: Translation<typeof en> = {
  'settings.title': 'Einstellungen',
  'settings.profile': 'Profil',
  'settings.language_browser': 'Wie mein Browser',
  'settings.save': 'Profil speichern',
  'settings.saved': 'Ihr Profil wurde gespeichert.',
  'settings.password': 'Passwort',
  'settings.change_password': 'Passwort ändern',
  'settings.password_saved': 'Ihr Passwort wurde geändert. Andere Geräte wurden abgemeldet.',
  'settings.time_zone': 'Zeitzone',
  'settings.time_zone_server': 'Wie der Server ({zone})',
  'settings.time_zone_help':
    'Uhrzeiten werden in dieser Zone angezeigt, und Tage (Datumsfilter, Berichte) gehen darin von Mitternacht bis Mitternacht.',
  'settings.save_time_zone': 'Zeitzone speichern',
  'settings.time_zone_saved': 'Ihre Zeitzone wurde gespeichert.',
  'settings.send_key': 'Antworten und Notizen senden',
  'settings.send_key_enter': 'Eingabetaste sendet (Umschalt+Eingabe beginnt eine neue Zeile)',
  'settings.send_key_ctrl_enter': 'Strg+Eingabe sendet (Eingabetaste beginnt eine neue Zeile)',
  'settings.save_send_key': 'Sendeweise speichern',
  'settings.send_key_saved':
    'Gespeichert: Das Eingabefeld folgt dem in Ihren offenen Tabs, sobald sie neu geladen werden.',
  'settings.send_key_invalid': 'Wählen Sie eine der beiden Arten zu senden.',
  'settings.display': 'Anzeige',
  'settings.hide_tags': 'Schlagwörter in Unterhaltungslisten ausblenden',
  'settings.save_display': 'Anzeige speichern',
  'settings.display_saved': 'Anzeige gespeichert.',
};
