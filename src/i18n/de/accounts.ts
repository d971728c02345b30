import type { accounts as en } from '../en/accounts.ts';
import type { Translation } from '../types.ts';

export const accounts: Translation<typeof en> = {
  'reset.title': 'Neues Passwort wählen',
  'reset.intro': 'Lege ein neues Passwort für {email} fest. Dieser Link funktioniert einmal.',
  'reset.submit': 'Neues Passwort festlegen',
  'reset.done':
    'Dein Passwort wurde geändert und alle Sitzungen deines Kontos wurden beendet. Melde dich mit dem neuen Passwort an.',
  'reset.sign_in': 'Anmelden',
  'reset.gone':
    'Dieser Link zum Zurücksetzen des Passworts ist abgelaufen oder wurde schon benutzt. Bitte einen Admin um einen neuen.',
  'admin.users.account': 'Konto',
  'admin.users.reset_link': 'Link zum Zurücksetzen',
  'admin.users.reset_link_named': 'Link zum Zurücksetzen des Passworts für {name} erstellen',
  'admin.users.reset_link_label': 'Link zum Zurücksetzen des Passworts für {name}',
  'admin.users.reset_link_created':
    'Link zum Zurücksetzen des Passworts für {name}: Er funktioniert einmal, eine Stunde lang. Switchboard verschickt keine E-Mails: Kopiere den Link und gib ihn {name} selbst. Ein neuer Link macht diesen ungültig.',
  'admin.users.two_factor': 'Zwei-Faktor',
  'admin.users.two_factor_on': 'An',
  'admin.users.two_factor_off': 'Aus',
  'admin.users.reset_two_factor': 'Zwei-Faktor zurücksetzen',
  'admin.users.reset_two_factor_named': 'Zwei-Faktor-Anmeldung von {name} zurücksetzen',
  'admin.users.two_factor_was_reset':
    'Die Zwei-Faktor-Anmeldung von {name} wurde zurückgesetzt; sie wird unter Einstellungen neu eingerichtet.',
  'two_factor.title': 'Zwei-Faktor-Anmeldung',
  'two_factor.off': 'Die Zwei-Faktor-Anmeldung ist aus: Dein Passwort allein meldet dich an.',
  'two_factor.on':
    'Die Zwei-Faktor-Anmeldung ist an: Nach deinem Passwort fragt Switchboard nach einem Code aus deiner Authenticator-App. Verbleibende Wiederherstellungscodes: {n}.',
  'two_factor.manage': 'Zwei-Faktor-Anmeldung verwalten',
  'two_factor.set_up': 'Zwei-Faktor-Anmeldung einrichten',
  'two_factor.required': 'Deine Rolle muss sich mit zwei Faktoren anmelden. Richte sie ein, um weiterzumachen.',
  'two_factor.scan':
    'Scanne diesen QR-Code mit einer Authenticator-App (etwa Aegis, Google Authenticator oder 1Password) und gib dann den sechsstelligen Code ein, den sie zeigt.',
  'two_factor.qr_alt': 'QR-Code für deine Authenticator-App',
  'two_factor.secret': 'Oder gib diesen Schlüssel von Hand ein',
  'two_factor.code': 'Sechsstelliger Code',
  'two_factor.confirm': 'Zwei-Faktor-Anmeldung einschalten',
  'two_factor.enabled': 'Die Zwei-Faktor-Anmeldung ist an.',
  'two_factor.codes_title': 'Deine Wiederherstellungscodes',
  'two_factor.codes_intro':
    'Jeder Code meldet dich einmal statt eines Codes aus der App an, falls du dein Telefon verlierst. Bewahre sie sicher auf: Sie werden nur jetzt angezeigt.',
  'two_factor.codes_label': 'Wiederherstellungscodes',
  'two_factor.continue': 'Weiter zu Switchboard',
  'two_factor.proof': 'Dein Passwort oder ein aktueller sechsstelliger Code',
  'two_factor.regenerate': 'Neue Wiederherstellungscodes',
  'two_factor.regenerate_intro': 'Ersetzt alle deine Wiederherstellungscodes; die alten funktionieren nicht mehr.',
  'two_factor.disable': 'Zwei-Faktor-Anmeldung ausschalten',
  'two_factor.disabled': 'Die Zwei-Faktor-Anmeldung ist aus.',
  'two_factor.code_wrong':
    'Dieser Code ist falsch oder wurde schon benutzt. Gib den Code ein, den deine App gerade zeigt.',
  'two_factor.recovery_wrong': 'Dieser Wiederherstellungscode ist falsch oder wurde schon benutzt.',
  'two_factor.proof_wrong': 'Das ist weder dein Passwort noch ein aktueller Code.',
  'two_factor.sign_in_title': 'Zwei-Faktor-Anmeldung',
  'two_factor.sign_in_intro': 'Gib den sechsstelligen Code aus deiner Authenticator-App ein.',
  'two_factor.verify': 'Bestätigen',
  'two_factor.use_recovery': 'Stattdessen einen Wiederherstellungscode verwenden',
  'two_factor.recovery': 'Wiederherstellungscode',
  'two_factor.verify_recovery': 'Mit Wiederherstellungscode anmelden',
  'two_factor.sign_in_expired': 'Diese Anmeldung hat zu lange gedauert. Melde dich erneut an.',
};
